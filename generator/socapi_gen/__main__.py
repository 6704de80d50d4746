"""Command line: python3 -m socapi_gen --schema DIR --out DIR [--side FILE]."""

import argparse
import sys
from pathlib import Path

from .build import Builder
from .emit_c import Emitter
from .emit_md import MarkdownEmitter
from .errors import SchemaError


def generate(schema_dir, out_dir, side=None, prefix=None, label=None):
    """Generates <out>/<prefix>.h and .c and the method reference <prefix>.md;
    writes only files whose text changed."""
    platform = Builder(schema_dir, side, prefix).build()
    label = label or Path(schema_dir).name
    emitter = Emitter(platform, label)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    header = f"{platform.prefix}.h"
    files = {header: emitter.header(), f"{platform.prefix}.c": emitter.source(header),
             f"{platform.prefix}.md": MarkdownEmitter(platform, label, emitter).page()}
    for name, text in files.items():
        path = out / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return platform


def main(argv=None):
    ap = argparse.ArgumentParser(prog="socapi-gen", description=__doc__)
    ap.add_argument("--schema", required=True, help="platform schema folder")
    ap.add_argument("--out", required=True, help="output folder")
    ap.add_argument("--side", help="side file (default: <schema>/socapi.json)")
    ap.add_argument("--prefix", help="C prefix (default: the side file's c_prefix)")
    ap.add_argument("--label", help="how the banner names the schema")
    ap.add_argument("--stats", action="store_true", help="print counts")
    args = ap.parse_args(argv)
    try:
        p = generate(args.schema, args.out, args.side, args.prefix, args.label)
    except SchemaError as e:
        print(f"socapi-gen: error: {e}", file=sys.stderr)
        return 1
    if args.stats:
        print(f"{p.name}: {len({m.name for m in p.methods})} methods, {len(p.methods)} typed calls, "
              f"{len(p.structs)} structs, {len(p.unions)} unions, {len(p.enums)} enums")
    return 0


if __name__ == "__main__":
    sys.exit(main())
