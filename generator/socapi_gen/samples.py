"""Sample responses for every typed call of a schema, built from the raw
schema JSON, not from the generator's IR, so that decoding them checks the
generated tables against the schema itself.

    python3 -m socapi_gen.samples --schema DIR --out FILE [--stats]

The file is one JSON object, deterministic for a given schema:

    {"schema": "<label>", "methods": {"<method>": {"<response variant>": <sample>}}}

where <sample> is a value of the variant's `response` property. Rules:
$ref is followed across files (the loader's relative references), allOf is
flattened with the first definition of a property winning (as the generator
does), every property is filled, required or not; oneOf picks its
alternatives in turn (a discriminated one sets the discriminator property to
a tag that maps to the chosen alternative, and an array of a oneOf holds one
item per alternative / tag, so every alternative is met); enums take their
values in turn, and so do booleans (true, false) and type lists
(["integer", "string"]); integers respect minimum/maximum, a field's
first value is negative when the minimum allows it and its next positive,
with 64-bit values now and then for format int64; strings are Cyrillic,
escapes, emoji or empty, no two alike in a sample; numbers are binary fractions (exact
in a double) or whole; arrays hold two items. A definition met again inside
itself (recursion) and objects nested deeper than max_depth are left out
(an array of them is sent empty). Choices rotate per schema location across
the whole file, so each response's sample depends on the ones before it:
the file is deterministic, not each sample on its own.
"""

import argparse
import json
import sys
from pathlib import Path

from .errors import SchemaError
from .loader import Schema

DEFAULT_MAX_DEPTH = 5
ARRAY_ITEMS = 2

# rotated through; all but the empty one get a counter appended, so no two
# string values in a sample are equal and a value landing in the wrong field shows
STRINGS = (
    "Привет, мир",
    "quote \" backslash \\ slash / amp & lt <",
    "строка\nс переводом\tи табуляцией",
    "emoji \U0001F600 ё Ё \u00e9",
    "",
    "https://vk.com/id1?a=1&b=два",
)
FREE_FORM = {"ключ": "значение", "n": -7, "list": [True, None, 2.5, "два"], "obj": {}}
SKIP = object()  # a value left out (recursion or depth)
INT64_MAX = 2 ** 63 - 1


class SampleBuilder:
    def __init__(self, schema_dir, max_depth=DEFAULT_MAX_DEPTH):
        self.schema = Schema(schema_dir)
        self.max_depth = max_depth
        self.n = 0            # scalar counter: every scalar differs from the last
        self.turns = {}       # (file, path) of an enum / oneOf / type list -> next choice
        self.stats = {"methods": 0, "responses": 0, "cut_recursion": 0, "cut_depth": 0}
        self.resolved = {}    # (file, $ref) -> target node

    def resolve(self, node, ref):
        """Schema.resolve, remembered: the same few refs are followed thousands of times."""
        key = (node.file, ref)
        if key not in self.resolved:
            self.resolved[key] = self.schema.resolve(node, ref)
        return self.resolved[key]

    # ---- the schema's methods ----

    def build(self, label=None):
        methods = {}
        for file in self.schema.section_files("methods"):
            root = self.schema.load(file)
            items = root.get("methods")
            if not isinstance(items, list):
                raise root.error("expected {\"methods\": [...]}")
            for i, m in enumerate(items):
                mnode = root.child("methods").child(i)
                name = m.get("name") if isinstance(m, dict) else None
                responses = mnode.get("responses")
                if not isinstance(name, str) or not isinstance(responses, dict) or not responses:
                    raise mnode.error("a method needs a name and responses")
                if name in methods:
                    raise mnode.child("name").error(f"method {name!r} is defined twice")
                methods[name] = {v: self.response(mnode.child("responses").child(v))
                                 for v in sorted(responses)}
                self.stats["methods"] += 1
                self.stats["responses"] += len(responses)
        return {"schema": label or self.schema.root.name,
                "methods": {k: methods[k] for k in sorted(methods)}}

    def response(self, rnode):
        ref = rnode.get("$ref")
        if ref is None:
            raise rnode.error("a response variant must be a $ref to a response definition")
        target = self.resolve(rnode, ref)
        props = target.get("properties")
        if not isinstance(props, dict) or "response" not in props:
            raise target.error("a response definition needs a 'response' property")
        self.n = 0  # scalar values restart with each sample
        value = self.value(target.child("properties").child("response"), (), 0)
        return None if value is SKIP else value

    # ---- values ----

    def turn(self, node, count, what=""):
        """The next of count choices for this schema location (and purpose)."""
        key = (str(node.file), node.path, what)
        i = self.turns.get(key, 0)
        self.turns[key] = i + 1
        return i % count

    def value(self, node, stack, depth):
        v = node.value
        if not isinstance(v, dict):
            raise node.error("expected a schema object")
        if "$ref" in v:
            target = self.resolve(node, v["$ref"])
            key = (str(target.file), target.path)
            if key in stack:
                self.stats["cut_recursion"] += 1
                return SKIP
            return self.value(target, stack + (key,), depth)
        if "allOf" in v:
            return self.object(node, stack, depth)
        if "oneOf" in v:
            return self.one_of(node, stack, depth, self.turn(node, len(self.choices(node))))
        if "enum" in v:
            values = v["enum"]
            if not isinstance(values, list) or not values:
                raise node.child("enum").error("expected a non-empty list")
            return values[self.turn(node, len(values))]
        t = v.get("type")
        if isinstance(t, list):
            kinds = [k for k in t if k != "null"]
            if not kinds:
                raise node.child("type").error(f"unsupported type list {t!r}")
            t = kinds[self.turn(node, len(kinds))]
        if t == "integer":
            return self.integer(v, self.turn(node, 2, "sign"))
        if t == "number":
            return self.number(v)
        if t == "boolean":
            return self.turn(node, 2, "bool") == 0  # true, then false
        if t == "string":
            self.n += 1
            s = STRINGS[self.n % len(STRINGS)]
            return f"{s} #{self.n}" if s else s
        if t == "array":
            return self.array(node, stack, depth)
        if t == "object" or t is None:
            if v.get("properties"):
                return self.object(node, stack, depth)
            return json.loads(json.dumps(FREE_FORM))  # free-form
        raise node.child("type").error(f"unknown type {t!r}")

    def integer(self, v, turn):
        """turn 0/1: the first value of a field is negative when allowed, the next positive."""
        self.n += 1
        n = self.n
        lo, hi = v.get("minimum"), v.get("maximum")
        if v.get("format") == "uint64":
            lo = 0 if lo is None else max(lo, 0)
        if lo is not None and hi is not None:
            return lo + n % (hi - lo + 1)
        if v.get("format") == "int64" and n % 5 == 0:
            big = 2 ** 33 + n if n % 25 else INT64_MAX
        else:
            big = n * 37 % 100003
        if lo is None and hi is None:
            return -big if turn == 0 else big
        if lo is not None:
            return min(lo + big, INT64_MAX)
        return max(hi - big, -INT64_MAX - 1)

    def number(self, v):
        self.n += 1
        n = self.n
        x = (n % 1000 + 0.5, -(n % 1000) - 0.25, float(n % 1000))[n % 3]  # binary fractions: exact
        lo, hi = v.get("minimum"), v.get("maximum")
        if lo is not None and x < lo:
            x = lo + (n % 7) + 0.5
        if hi is not None and x > hi:
            x = hi - 0.5 if lo is None or hi - 0.5 >= lo else hi
        return int(x) if x == int(x) and n % 2 else x  # an integer-valued number now and then

    def array(self, node, stack, depth):
        v = node.value
        if "items" not in v:
            return [json.loads(json.dumps(FREE_FORM)), -1]
        items = node.child("items")
        target, tstack = items, stack
        while isinstance(target.value, dict) and "$ref" in target.value:
            nxt = self.resolve(target, target.value["$ref"])
            key = (str(nxt.file), nxt.path)
            if key in tstack:
                self.stats["cut_recursion"] += 1
                return []
            target, tstack = nxt, tstack + (key,)
        count = ARRAY_ITEMS
        if isinstance(target.value, dict) and "oneOf" in target.value:
            # one item per alternative (per tag): every alternative is decoded somewhere
            choices = self.choices(target)
            count = max(count, len(choices))
            out = [self.one_of(target, tstack, depth, i % len(choices)) for i in range(count)]
        else:
            count = min(count, v.get("maxItems", count))
            out = [self.value(items, stack, depth) for _ in range(count)]
        return [] if any(x is SKIP for x in out) else out

    def object(self, node, stack, depth):
        if depth >= self.max_depth:
            self.stats["cut_depth"] += 1
            return SKIP
        out = {}
        for prop, pnode in self.properties(node, ()).items():
            x = self.value(pnode, stack, depth + 1)
            if x is not SKIP:
                out[prop] = x
        return out

    def properties(self, node, seen):
        """An object's properties, allOf flattened, first name wins."""
        out = {}
        v = node.value
        for i, member in enumerate(v.get("allOf") or []):
            mnode = node.child("allOf").child(i)
            while isinstance(mnode.value, dict) and "$ref" in mnode.value \
                    and "properties" not in mnode.value:
                mnode = self.resolve(mnode, mnode.value["$ref"])
            key = (str(mnode.file), mnode.path)
            if key in seen:
                raise mnode.error("allOf includes itself")
            for prop, pnode in self.properties(mnode, seen + (key,)).items():
                out.setdefault(prop, pnode)
        props = v.get("properties") or {}
        if not isinstance(props, dict):
            raise node.child("properties").error("expected an object")
        for prop in props:
            out.setdefault(prop, node.child("properties").child(prop))
        return out

    def choices(self, node):
        """[(tag or None, alternative node)]: with a discriminator, one entry per
        mapped tag (in mapping order) and per unmapped alternative."""
        alts = node.value.get("oneOf")
        if not isinstance(alts, list) or not alts:
            raise node.child("oneOf").error("expected a non-empty list")
        nodes = [node.child("oneOf").child(i) for i in range(len(alts))]
        disc = node.value.get("discriminator") or {}
        if not disc.get("propertyName"):
            return [(None, n) for n in nodes]
        where = {}
        for n in nodes:
            t = self.follow(n)
            where[(str(t.file), t.path)] = n
        out, used = [], set()
        for tag, ref in (disc.get("mapping") or {}).items():
            t = self.follow(self.resolve(node.child("discriminator"), ref))
            key = (str(t.file), t.path)
            if key not in where:
                raise node.child("discriminator").error(f"mapping {tag!r} names no alternative")
            out.append((tag, where[key]))
            used.add(key)
        for key, n in where.items():
            if key not in used:
                out.append((None, n))  # tag read off the alternative's own property
        return out

    def follow(self, node):
        while isinstance(node.value, dict) and "$ref" in node.value:
            node = self.resolve(node, node.value["$ref"])
        return node

    def one_of(self, node, stack, depth, i):
        tag, alt = self.choices(node)[i]
        x = self.value(alt, stack, depth)
        prop = (node.value.get("discriminator") or {}).get("propertyName")
        if prop and tag is not None and isinstance(x, dict):
            x[prop] = tag
        return x


def write(path, data):
    """One method per line: small diffs, and still one JSON value."""
    lines = [f"{json.dumps(name, ensure_ascii=False)}: "
             f"{json.dumps(variants, ensure_ascii=False, separators=(',', ':'))}"
             for name, variants in data["methods"].items()]
    text = ("{\"schema\": " + json.dumps(data["schema"], ensure_ascii=False) + ",\n\"methods\": {\n"
            + ",\n".join(lines) + "\n}}\n")
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not out.exists() or out.read_text(encoding="utf-8") != text:
        out.write_text(text, encoding="utf-8")
    return text


def main(argv=None):
    ap = argparse.ArgumentParser(prog="socapi-gen-samples", description=__doc__.split("\n\n")[0])
    ap.add_argument("--schema", required=True, help="platform schema folder")
    ap.add_argument("--out", required=True, help="sample file to write")
    ap.add_argument("--label", help="how the file names the schema")
    ap.add_argument("--max-depth", type=int, default=DEFAULT_MAX_DEPTH,
                    help=f"object nesting kept (default {DEFAULT_MAX_DEPTH})")
    ap.add_argument("--stats", action="store_true", help="print counts")
    args = ap.parse_args(argv)
    try:
        b = SampleBuilder(args.schema, args.max_depth)
        text = write(args.out, b.build(args.label))
    except SchemaError as e:
        print(f"socapi-gen-samples: error: {e}", file=sys.stderr)
        return 1
    if args.stats:
        s = b.stats
        print(f"{s['methods']} methods, {s['responses']} response samples, {len(text.encode())} bytes; "
              f"cut: {s['cut_recursion']} recursive, {s['cut_depth']} too deep")
    return 0


if __name__ == "__main__":
    sys.exit(main())
