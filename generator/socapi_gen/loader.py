"""Reads a schema folder: JSON files, relative cross-file $refs, the side file."""

import json
from pathlib import Path

from .errors import SchemaError


class Node:
    """A JSON value together with where it was read from."""

    __slots__ = ("value", "file", "path")

    def __init__(self, value, file, path):
        self.value = value
        self.file = file
        self.path = path

    def child(self, key):
        return Node(self.value[key], self.file, f"{self.path}/{key}")

    def get(self, key, default=None):
        return self.value.get(key, default) if isinstance(self.value, dict) else default

    def error(self, message):
        return SchemaError(self.file, self.path, message)


class Schema:
    """All JSON files of one platform folder, loaded lazily and cached."""

    def __init__(self, root):
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise SchemaError(root, "", "not a directory")
        self._files = {}

    def relative(self, file):
        try:
            return str(Path(file).relative_to(self.root.parent))
        except ValueError:
            return str(file)

    def load(self, file):
        file = Path(file).resolve()
        if file not in self._files:
            try:
                text = file.read_text(encoding="utf-8")
            except OSError as e:
                raise SchemaError(self.relative(file), "", f"cannot read: {e.strerror}")
            try:
                self._files[file] = json.loads(text)
            except json.JSONDecodeError as e:
                raise SchemaError(self.relative(file), "",
                                  f"invalid JSON at line {e.lineno} column {e.colno}: {e.msg}")
        return Node(self._files[file], file, "")

    def section_files(self, kind):
        """Every <section>/<kind>.json, sorted, so output order is stable."""
        return sorted(p for p in self.root.glob(f"*/{kind}.json") if p.is_file())

    def resolve(self, node, ref):
        """Follows a $ref found in node: relative path + JSON pointer."""
        if not isinstance(ref, str) or "#" not in ref:
            raise node.error(f"$ref must be 'file#/pointer', got {ref!r}")
        rel, pointer = ref.split("#", 1)
        target_file = (Path(node.file).parent / rel).resolve() if rel else Path(node.file)
        if not target_file.is_file():
            raise node.error(f"$ref {ref!r}: no file {self.relative(target_file)}")
        target = self.load(target_file)
        for part in [p for p in pointer.split("/") if p]:
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(target.value, dict) or part not in target.value:
                raise node.error(f"$ref {ref!r}: {pointer!r} does not exist in "
                                 f"{self.relative(target_file)}")
            target = target.child(part)
        return target
