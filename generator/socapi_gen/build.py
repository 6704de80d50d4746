"""Turns a loaded schema folder plus its side file into the IR (model.py)."""

import json
import re
from pathlib import Path

from .errors import SchemaError
from .loader import Node, Schema
from .model import Alt, Array, Enum, Field, Method, Param, Platform, Scalar, Struct, Union
from .naming import (UNKNOWN_MEMBER, VARIANT_MARK, Scope, identifier, macro, method_function,
                     presence_flag, scraper_function)

SIDE_KEYS = {"platform", "c_prefix", "api_version", "source", "methods", "objects",
             "parameters", "excluded", "paging", "scrapers", "note", "writes_by_verb"}
CIRCUITS = {"client-server", "server-server", "application", "unsigned"}
METHOD_KEYS = {"http", "variants", "circuits", "session", "permissions", "source",
               "inferred", "note", "write", "dedup"}
# Words of a method name (camelCase and _ split) that say it creates, changes or sends
# something: such a method must say "write": true (or false) in the side file.
WRITE_VERBS = {"accept", "add", "approve", "ban", "block", "cancel", "change", "clear", "close",
               "comment", "commit", "confirm", "create", "del", "delete", "deny", "drop", "edit",
               "hide", "invite", "join", "leave", "like", "mark", "move", "pin", "post", "publish",
               "remove", "reorder", "repost", "report", "reset", "restore", "reward", "save", "send",
               "set", "share", "stop", "subscribe", "tag", "unban", "unlike", "unpin", "unreward",
               "unsubscribe", "update", "upload", "vote"}
OBJECT_KEYS = {"source", "inferred", "note", "properties"}
SCRAPER_KEYS = {"parameters", "source", "note"}
PROPERTY_KEYS = {"wire", "note", "inferred", "source", "seen_in"}
WIRES = {"string", "string_or_number"}
SCALAR_TYPES = {"integer", "number", "string", "boolean"}


def write_verb(name):
    """The first word of a method's own name that reads as a write, or None."""
    words = re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", name.rsplit(".", 1)[-1])
    return next((w.lower() for w in words if w.lower() in WRITE_VERBS), None)


def definition_name(node):
    """'/definitions/user' -> 'user' (or None for anything else)."""
    parts = node.path.split("/")
    if len(parts) == 3 and parts[1] == "definitions":
        return parts[2]
    return None


class Builder:
    def __init__(self, schema_dir, side_file=None, prefix=None):
        self.schema = Schema(schema_dir)
        side_path = Path(side_file) if side_file else self.schema.root / "socapi.json"
        self.side = self.schema.load(side_path) if side_path.is_file() else Node({}, side_path, "")
        # without a side file, and with writes_by_verb, a name that reads as a write is one
        self.writes_by_verb = not side_path.is_file() or self.side.get("writes_by_verb") is True
        self.check_keys(self.side, SIDE_KEYS)
        side = self.side.value
        self.prefix = prefix or side.get("c_prefix") or identifier(self.schema.root.name)
        self.platform = Platform(side.get("platform", self.prefix), self.prefix,
                                 side.get("api_version", ""))
        self.file_scope = Scope()
        self.by_location = {}   # (file, path) -> type, for $ref'd definitions
        self.response_names = set()  # response definitions methods use

    # ---- helpers ----

    def check_keys(self, node, allowed):
        if not isinstance(node.value, dict):
            raise node.error("expected an object")
        for key in node.value:
            if key not in allowed:
                raise node.child(key).error(f"unknown key {key!r} (allowed: {', '.join(sorted(allowed))})")

    def c_name(self, schema_name):
        return self.file_scope.claim(f"{self.prefix}_{identifier(schema_name)}")

    def object_side(self, name):
        return (self.side.get("objects") or {}).get(name, {})

    def wire_of(self, overrides, prop):
        w = (overrides.get("properties") or {}).get(prop, {}).get("wire")
        return w

    # ---- types ----

    def type_of(self, node, context, wire=None):
        """The IR type of a schema node; context names anonymous types."""
        v = node.value
        if not isinstance(v, dict):
            raise node.error("expected a schema object")
        if "$ref" in v:
            target = self.schema.resolve(node, v["$ref"])
            return self.definition(target, wire)
        if "allOf" in v:
            return self.struct_from(node, context, None)
        if "oneOf" in v:
            return self.union_from(node, context)
        if "enum" in v:
            return self.enum_from(node, context)
        t = v.get("type")
        if isinstance(t, list):
            kinds = [k for k in t if k != "null"]
            if not kinds or any(k not in SCALAR_TYPES for k in kinds):
                raise node.child("type").error(f"unsupported type list {t!r}")
            if len(kinds) > 1:
                return Scalar("scalar")
            t = kinds[0]
        if t == "integer":
            kind = "uint" if v.get("format") == "uint64" else "int"
            return Scalar(kind, from_string=wire in WIRES)
        if t == "number":
            return Scalar("number")
        if t == "boolean":
            return Scalar("bool")
        if t == "string":
            return Scalar("file") if v.get("format") == "binary" else Scalar("string")
        if t == "array":
            if "items" not in v:
                return Array(Scalar("json"))
            return Array(self.type_of(node.child("items"), f"{context}_item", wire))
        if t == "object" or t is None:
            if v.get("properties"):
                return self.struct_from(node, context, None)
            return Scalar("json")  # free-form object or untyped value
        raise node.child("type").error(f"unknown type {t!r}")

    def definition(self, target, wire=None):
        """The type of a $ref'd definition, built once and shared."""
        key = (str(target.file), target.path)
        if key in self.by_location:
            return self.by_location[key]
        name = definition_name(target) or target.path.strip("/").replace("/", "_")
        v = target.value
        if isinstance(v, dict) and "$ref" in v and len(v) <= 3 and "properties" not in v:
            t = self.definition(self.schema.resolve(target, v["$ref"]), wire)  # alias
        elif isinstance(v, dict) and ("properties" in v or "allOf" in v) and "enum" not in v:
            t = self.struct_from(target, name, key)
        elif isinstance(v, dict) and "oneOf" in v:
            t = self.union_from(target, name, key)
        elif isinstance(v, dict) and "enum" in v:
            t = self.enum_from(target, name)
        else:
            t = self.type_of(target, name, wire)
        self.by_location[key] = t
        return t

    def struct_from(self, node, name, key):
        s = Struct(name, self.c_name(name), description=node.get("description", ""))
        if key:
            self.by_location[key] = s  # before the fields: types may be recursive
        side = self.object_side(name)
        s.source = side.get("source", "")
        s.inferred = side.get("inferred")
        s.seen_in = {prop: entry["seen_in"] for prop, entry in (side.get("properties") or {}).items()
                     if "seen_in" in entry}
        members = self.collect_properties(node, name, side)
        scope = Scope(["kind", "raw", UNKNOWN_MEMBER])
        fields = []
        for prop, (pnode, owner_side) in members.items():
            wire = self.wire_of(owner_side, prop)
            t = self.type_of(pnode, f"{name}_{prop}", wire)
            fields.append(Field(prop, scope.claim(identifier(prop)), t,
                                required=pnode.get("required") is True,
                                description=pnode.get("description", "")))
        for f in fields:
            if needs_presence(f.type):
                f.has_name = scope.claim(presence_flag(f.c_name))
        s.fields = fields
        s.complete = True
        self.platform.structs[s.c_name] = s
        return s

    def collect_properties(self, node, name, side, stack=()):
        """Properties of an object, allOf members flattened, first name wins.
        stack holds the definitions being flattened, to catch cycles."""
        out = {}
        v = node.value
        if "allOf" in v:
            for i, member in enumerate(v["allOf"]):
                mnode = node.child("allOf").child(i)
                mside = side
                if "$ref" in member:
                    mnode = self.follow_aliases(self.schema.resolve(mnode, member["$ref"]))
                    mname = definition_name(mnode) or name
                    mside = self.object_side(mname) if mname != name else side
                    where = (str(mnode.file), mnode.path)
                    if where in stack:
                        raise mnode.error("allOf includes itself")
                    inner = stack + (where,)
                else:
                    inner = stack
                for prop, entry in self.collect_properties(mnode, name, mside, inner).items():
                    out.setdefault(prop, entry)
        props = v.get("properties") or {}
        if not isinstance(props, dict):
            raise node.child("properties").error("expected an object")
        for prop in props:
            out.setdefault(prop, (node.child("properties").child(prop), side))
        return out

    def follow_aliases(self, node):
        while isinstance(node.value, dict) and "$ref" in node.value and "properties" not in node.value:
            node = self.schema.resolve(node, node.value["$ref"])
        return node

    def union_from(self, node, name, key=None):
        u = Union(name, self.c_name(name), None, description=node.get("description", ""))
        if key:
            self.by_location[key] = u
        disc = node.get("discriminator") or {}
        u.discriminator = disc.get("propertyName")
        mapping = {}
        for tag, ref in (disc.get("mapping") or {}).items():
            target = self.follow_aliases(self.schema.resolve(node.child("discriminator"), ref))
            mapping.setdefault((str(target.file), target.path), []).append(tag)
        scope = Scope(["kind", "raw"])
        enum_scope = Scope([f"{u.c_name.upper()}_UNKNOWN"])
        for i, item in enumerate(node.value["oneOf"]):
            inode = node.child("oneOf").child(i)
            if "$ref" in item:
                target = self.follow_aliases(self.schema.resolve(inode, item["$ref"]))
                t = self.definition(target)
                tags = mapping.get((str(target.file), target.path), [])
                label = definition_name(target) or f"alt{i}"
            else:
                t = self.type_of(inode, f"{name}_alt{i}")
                tags, label = [], type_label(t, i)
            if u.discriminator and not tags:
                tags = discriminator_values(t, u.discriminator) or [label]
            member_base = label[len(name) + 1:] if label.startswith(name + "_") else label
            member = scope.claim(identifier(member_base))
            enumerator = enum_scope.claim(f"{u.c_name.upper()}_{macro(member_base)}")
            u.alts.append(Alt(tags, member, enumerator, t))
        self.platform.unions[u.c_name] = u
        return u

    def enum_from(self, node, name):
        v = node.value
        values, names = v["enum"], v.get("enumNames")
        if names is not None and len(names) != len(values):
            raise node.child("enumNames").error(
                f"{len(names)} names for {len(values)} values")
        is_int = all(isinstance(x, int) and not isinstance(x, bool) for x in values)
        if not is_int and not all(isinstance(x, (str, int)) for x in values):
            raise node.child("enum").error("enum values must be integers or strings")
        c_name = self.c_name(name)
        scope = Scope()
        members = []
        for i, value in enumerate(values):
            label = str(names[i]) if names else str(value)
            if is_int and not names and value < 0:
                label = f"minus_{-value}"
            members.append((scope.claim(f"{c_name.upper()}_{macro(label)}"), label,
                            value if is_int else str(value)))
        e = Enum(name, c_name, is_int, members, v.get("description", ""))
        self.platform.enums[c_name] = e
        return e

    # ---- methods ----

    def build(self):
        for file in self.schema.section_files("objects"):
            root = self.schema.load(file)
            definitions = root.get("definitions")
            if not isinstance(definitions, dict):
                raise root.error("expected {\"definitions\": {...}}")
            for name in definitions:
                self.definition(root.child("definitions").child(name))
        for file in self.schema.section_files("methods"):
            root = self.schema.load(file)
            methods = root.get("methods")
            if not isinstance(methods, list):
                raise root.error("expected {\"methods\": [...]}")
            for i in range(len(methods)):
                self.method(root.child("methods").child(i))
        self.errors()
        self.check_side_names()
        self.check_global_names()
        self.check_paging_replies()
        self.platform.methods.sort(key=lambda m: m.c_name)
        return self.platform

    # what the pager reads from a page, by kind (runtime/src/pager.c)
    PAGING_REPLY_KINDS = {"items": ("array",), "total": ("int", "uint"),
                          "next_anchor": ("string", "scalar", "int"), "has_more": ("bool", "int", "string")}

    def check_paging_replies(self):
        """The reply members a paging entry names are members of every variant's
        result, of a kind the pager reads."""
        for m in self.platform.methods:
            for key, kinds in sorted(self.PAGING_REPLY_KINDS.items()):
                name = (m.paging or {}).get(key)
                if not name:
                    continue
                fields = {f.json_name: f for f in m.result.fields} if isinstance(m.result, Struct) else {}
                f = fields.get(name)
                kind = "array" if f and isinstance(f.type, Array) else getattr(f.type, "kind", None) if f else None
                if isinstance(f.type if f else None, Enum):
                    kind = "int" if f.type.is_int else "string"
                if kind not in kinds:
                    raise SchemaError(self.side.file, f"/paging/{m.name}/{key}",
                                      f"{m.c_name}: the result has no {' or '.join(kinds)} member {name!r}")

    def check_global_names(self):
        """Rejects two generated globals with one name: a variant's function
        and another method's, or a method and a type's helpers (user.decode
        and the user object would both make mailru_user_decode)."""
        owner = {}

        def claim(c_name, what):
            if c_name in owner:
                raise SchemaError(self.schema.root, "",
                                  f"{what} and {owner[c_name]} would both be named {c_name}")
            owner[c_name] = what

        for m in self.platform.methods:
            what = f"method {m.name}" + (f" ({m.variant})" if m.variant != "response" else "")
            claim(m.c_name, what)
            claim(f"{m.c_name}_method", what)
            if m.scraper:
                claim(m.scraper["c_name"], f"the scraper of {what}")
                claim(f"{m.scraper['c_name']}_method", f"the scraper of {what}")
        for base in sorted({m.base_c_name for m in self.platform.methods if m.variant != "response"}):
            claim(f"{base}_variants", "the variants table of " + base)
        types = list(self.platform.structs.values()) + list(self.platform.unions.values())
        for t in types + list(self.platform.enums.values()):
            claim(f"{t.c_name}_type", f"object {t.name}")
        for t in types:
            for helper in ("decode", "to_json", "free"):
                claim(f"{t.c_name}_{helper}", f"object {t.name}")
        tags = set(self.platform.structs) | set(self.platform.unions) | set(self.platform.enums)
        for m in self.platform.methods:
            if m.params and m.params_c_name in tags:
                raise SchemaError(self.schema.root, "", f"the parameters of {m.name} and an object "
                                  f"would both be struct {m.params_c_name}")

    def method(self, node):
        self.check_keys(node, {"name", "description", "parameters", "responses", "errors",
                               "access_token_type", "timeout", "deprecated_from_version"})
        name = node.get("name")
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9._]*", name):
            raise node.error("a method needs a name like 'section.method'")
        if any(m.name == name for m in self.platform.methods):
            raise node.child("name").error(f"method {name!r} is defined twice")
        side = (self.side.get("methods") or {}).get(name, {})
        self.check_keys(Node(side, self.side.file, f"/methods/{name}"), METHOD_KEYS)
        param_side = (self.side.get("parameters") or {}).get(name, {})
        base = method_function(self.prefix, name, "response")
        if VARIANT_MARK in base[len(self.prefix):]:
            raise node.child("name").error(
                f"method {name!r} would be named {base}, which reads as a response variant "
                f"({VARIANT_MARK!r} marks those)")
        params, scope = [], Scope()
        for i, p in enumerate(node.get("parameters") or []):
            pnode = node.child("parameters").child(i)
            pname = p.get("name")
            if not isinstance(pname, str) or not pname:
                raise pnode.error("a parameter needs a name")
            wire = (param_side.get(pname) or {}).get("wire")
            t = self.type_of(pnode, f"{name.replace('.', '_')}_{pname}", wire)
            params.append(Param(pname, scope.claim(identifier(pname)), t,
                                p.get("required") is True, p.get("description", "")))
        for p in params:
            if needs_presence(p.type):
                p.has_name = scope.claim(presence_flag(p.c_name))
        for pname in param_side:
            if not any(p.name == pname for p in params):
                raise SchemaError(self.side.file, f"/parameters/{name}/{pname}",
                                  f"method {name!r} has no parameter {pname!r}")
        responses = node.get("responses")
        if not isinstance(responses, dict) or not responses:
            raise node.error("a method needs responses")
        variants = side.get("variants") or {}
        for vname in variants:
            if vname not in responses:
                raise SchemaError(self.side.file, f"/methods/{name}/variants/{vname}",
                                  f"method {name!r} has no response variant {vname!r}")
        flags = []
        if side.get("http", "POST") != "GET":
            flags.append("SOCAPI_METHOD_POST")
        session = side.get("session", "required")
        if session not in ("required", "optional", "none"):
            raise SchemaError(self.side.file, f"/methods/{name}/session",
                              "session is one of required, optional, none")
        if session == "none":
            flags.append("SOCAPI_METHOD_NO_SESSION")
        elif session == "optional":
            flags.append("SOCAPI_METHOD_SESSION_OPTIONAL")
        circuits = side.get("circuits") or []
        if not isinstance(circuits, list) or not set(circuits) <= CIRCUITS or (
                "unsigned" in circuits and len(circuits) > 1):
            raise SchemaError(self.side.file, f"/methods/{name}/circuits",
                              f"circuits are a list of {', '.join(sorted(CIRCUITS))}; unsigned stands alone")
        if self.is_write(name, side):
            flags.append("SOCAPI_METHOD_WRITE")
        dedup = self.dedup_of(name, side, params)
        if circuits == ["unsigned"]:
            flags.append("SOCAPI_METHOD_UNSIGNED")
        elif circuits == ["client-server"]:
            flags.append("SOCAPI_METHOD_CLIENT_ONLY")
        elif circuits == ["server-server"]:
            flags.append("SOCAPI_METHOD_SERVER_ONLY")
        scraper = self.scraper_of(name, params)
        for vname in sorted(responses):
            rnode = node.child("responses").child(vname)
            result = self.response_type(rnode)
            forced = []
            for pname, value in sorted((variants.get(vname) or {}).items()):
                if not any(p.name == pname for p in params):
                    raise SchemaError(self.side.file, f"/methods/{name}/variants/{vname}/{pname}",
                                      f"method {name!r} has no parameter {pname!r}")
                # "*": the caller selects this variant by setting the parameter
                forced.append((pname, None if value == "*" else param_text(value)))
            self.platform.methods.append(Method(
                name, vname, method_function(self.prefix, name, vname), f"{base}_params",
                params, result, forced, "SOCAPI_METHOD_POST" in flags, flags,
                node.get("description", ""), side.get("permissions") or [],
                side.get("source", ""), side.get("inferred"),
                node.get("access_token_type") or [], self.paging_of(name, params),
                side.get("session"), base,
                dict(scraper, c_name=scraper_function(self.prefix, name, vname)) if scraper else None,
                dedup))

    def is_write(self, name, side):
        """The side file's "write", checked: a method whose name reads as a write
        must say which it is, unless names are taken at their word (no side
        file, or writes_by_verb: VK's own schema)."""
        where = f"/methods/{name}/write"
        write = side.get("write")
        if write is not None and not isinstance(write, bool):
            raise SchemaError(self.side.file, where, "write is true or false")
        verb = write_verb(name)
        if write is None and verb and not self.writes_by_verb:
            raise SchemaError(self.side.file, where, f"{name!r} reads as a write ({verb!r}): say "
                              "\"write\": true, or false when it changes nothing")
        write = bool(verb) if write is None else write
        if write and side.get("http") == "GET":
            raise SchemaError(self.side.file, where, "a write method is sent by POST, not GET")
        return write

    def dedup_of(self, name, side, params):
        """The side file's "dedup" parameter of a write, checked, or None."""
        dedup = side.get("dedup")
        if dedup is None:
            return None
        where = f"/methods/{name}/dedup"
        param = next((p for p in params if p.name == dedup), None) if isinstance(dedup, str) else None
        if param is None:
            raise SchemaError(self.side.file, where, f"method {name!r} has no parameter {dedup!r}")
        if side.get("write") is not True:
            raise SchemaError(self.side.file, where, "dedup is for write methods (\"write\": true)")
        if not (isinstance(param.type, Scalar) and param.type.kind in ("int", "string")):
            raise SchemaError(self.side.file, where, "a dedup key is an integer or a string parameter")
        return dedup

    PAGING_KEYS = {"anchor", "direction", "count", "offset",
                   "next_anchor", "has_more", "items", "total"}
    REQUEST_PAGING_KEYS = ("anchor", "direction", "count", "offset")

    def paging_of(self, name, params):
        """The side file's paging entry of a method, checked: {key: name}."""
        entry = (self.side.get("paging") or {}).get(name)
        if entry is None:
            return None
        where = f"/paging/{name}"
        if not isinstance(entry, dict) or not entry:
            raise SchemaError(self.side.file, where, "a paging entry must be a non-empty object")
        for key, value in entry.items():
            if key not in self.PAGING_KEYS:
                raise SchemaError(self.side.file, f"{where}/{key}",
                                  f"unknown paging key {key!r} (allowed: {', '.join(sorted(self.PAGING_KEYS))})")
            if not isinstance(value, str) or not value:
                raise SchemaError(self.side.file, f"{where}/{key}", "expected a non-empty string")
            if key in self.REQUEST_PAGING_KEYS and not any(p.name == value for p in params):
                raise SchemaError(self.side.file, f"{where}/{key}",
                                  f"method {name!r} has no parameter {value!r}")
        if ("anchor" in entry) == ("offset" in entry):
            raise SchemaError(self.side.file, where, "paging needs exactly one of anchor and offset")
        if "anchor" in entry and "next_anchor" not in entry:
            raise SchemaError(self.side.file, where, "anchor paging needs next_anchor")
        return dict(entry)

    def scraper_of(self, name, params):
        """The side file's scrapers entry of a method, checked: the parameters
        its scraper reads must be parameters of the method."""
        entry = (self.side.get("scrapers") or {}).get(name)
        if entry is None:
            return None
        node = Node(entry, self.side.file, f"/scrapers/{name}")
        self.check_keys(node, SCRAPER_KEYS)
        read = entry.get("parameters")
        if not isinstance(read, list) or not read or not all(isinstance(p, str) for p in read):
            raise SchemaError(self.side.file, f"/scrapers/{name}/parameters",
                              "a scraper reads a non-empty list of parameter names")
        for i, pname in enumerate(read):
            if not any(p.name == pname for p in params):
                raise node.child("parameters").child(i).error(
                    f"method {name!r} has no parameter {pname!r}")
        return {"parameters": list(read), "source": entry.get("source", "")}

    def response_type(self, rnode):
        if "$ref" not in rnode.value:
            raise rnode.error("a response variant must be a $ref to a response definition")
        target = self.schema.resolve(rnode, rnode.value["$ref"])
        key = (str(target.file), target.path)
        if key in self.by_location:
            return self.by_location[key]
        props = target.get("properties") or {}
        if "response" not in props:
            raise target.error("a response definition needs a 'response' property")
        name = definition_name(target) or "response"
        self.response_names.add(name)
        side = self.object_side(name)
        wire = self.wire_of(side, "response")
        t = self.type_of(target.child("properties").child("response"), name, wire)
        self.by_location[key] = t
        return t

    def errors(self):
        path = self.schema.root / "errors.json"
        if not path.is_file():
            return
        root = self.schema.load(path)
        errors = root.get("errors")
        if not isinstance(errors, dict):
            raise root.error("expected {\"errors\": {...}}")
        scope = Scope()
        for ename, e in errors.items():
            enode = root.child("errors").child(ename)
            if not isinstance(e, dict) or not isinstance(e.get("code"), int):
                raise enode.error("an error needs an integer code")
            short = ename[len("api_error_"):] if ename.startswith("api_error_") else ename
            self.platform.errors.append((scope.claim(f"{self.prefix.upper()}_ERROR_{macro(short)}"),
                                         e["code"], e.get("description", "")))

    def check_side_names(self):
        methods = {m.name for m in self.platform.methods}
        for name in self.side.get("methods") or {}:
            if name not in methods:
                raise SchemaError(self.side.file, f"/methods/{name}", f"no method {name!r} in the schema")
        for key in ("parameters", "paging", "scrapers"):
            for name in self.side.get(key) or {}:
                if name not in methods:
                    raise SchemaError(self.side.file, f"/{key}/{name}", f"no method {name!r} in the schema")
        known = {name: {"response"} for name in self.response_names}
        for s in self.platform.structs.values():
            known[s.name] = {f.json_name for f in s.fields}
        for name, entry in (self.side.get("objects") or {}).items():
            onode = Node(entry, self.side.file, f"/objects/{name}")
            self.check_keys(onode, OBJECT_KEYS)
            props = entry.get("properties") or {}
            if name not in known and name not in {e.name for e in self.platform.enums.values()} \
                    and name not in {u.name for u in self.platform.unions.values()}:
                raise onode.error(f"no object {name!r} in the schema")
            for prop, pentry in props.items():
                self.check_keys(Node(pentry, self.side.file, f"/objects/{name}/properties/{prop}"),
                                PROPERTY_KEYS)
                if prop not in known.get(name, set()):
                    raise onode.error(f"object {name!r} has no property {prop!r}")
                if "wire" in pentry and pentry["wire"] not in WIRES:
                    raise onode.error(f"wire must be one of {sorted(WIRES)}")
                if "seen_in" in pentry:
                    self.check_seen_in(Node(pentry["seen_in"], self.side.file,
                                            f"/objects/{name}/properties/{prop}/seen_in"))

    def check_seen_in(self, node):
        """seen_in names a real answer in the repository (tests/corpus/...) that has the member."""
        root = self.side.file.resolve().parent.parent.parent  # schema/<platform>/socapi.json
        path = node.value
        if not isinstance(path, str) or not path.startswith("tests/corpus/") \
                or not (root / path).is_file():
            raise node.error("seen_in must name a file of tests/corpus/ (a path from the repository root)")


def needs_presence(t):
    return (isinstance(t, Scalar) and t.kind in ("bool", "int", "uint", "number")) or \
        (isinstance(t, Enum) and t.is_int)


def param_text(value):
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, str)):
        return str(value)
    return json.dumps(value, separators=(",", ":"))


def discriminator_values(t, prop):
    """Tag values read off an alternative's own discriminator property."""
    if isinstance(t, Struct):
        for f in t.fields:
            if f.json_name == prop and isinstance(f.type, Enum) and not f.type.is_int:
                return [v for _, _, v in f.type.values]
    return []


def type_label(t, i):
    if isinstance(t, Scalar):
        return t.kind
    if isinstance(t, Array):
        return "array"
    return getattr(t, "name", f"alt{i}")
