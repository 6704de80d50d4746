"""Sample builder tests (socapi_gen.samples) on small inline schemas."""

import json
import tempfile
import unittest
from pathlib import Path

from socapi_gen.__main__ import generate
from socapi_gen.errors import SchemaError
from socapi_gen.samples import SampleBuilder, main, write


def write_schema(root, files):
    for name, content in files.items():
        path = Path(root) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content), encoding="utf-8")


def schema(objects, response, variants=None):
    """One method t.get whose response is `response`; objects in t/objects.json."""
    variants = variants or {"response": response}
    return {
        "t/methods.json": {"methods": [{"name": "t.get", "parameters": [], "responses": {
            v: {"$ref": f"../t/responses.json#/definitions/r_{v}"} for v in variants}}]},
        "t/responses.json": {"definitions": {
            f"r_{v}": {"type": "object", "properties": {"response": r}} for v, r in variants.items()}},
        "t/objects.json": {"definitions": objects},
    }


def ref(name, file="objects"):
    return {"$ref": f"../t/{file}.json#/definitions/{name}"}


class SampleTest(unittest.TestCase):
    def samples(self, files, **kw):
        with tempfile.TemporaryDirectory() as d:
            write_schema(d, files)
            b = SampleBuilder(Path(d), **kw)
            return b.build("t"), b

    def sample(self, objects, response, **kw):
        return self.samples(schema(objects, response), **kw)[0]["methods"]["t.get"]["response"]

    def test_refs_across_files_and_every_property(self):
        files = schema({"thing": {"type": "object", "properties": {
            "id": {"type": "integer", "required": True},
            "name": {"type": "string"},
            "flag": {"type": "boolean"},
            "owner": {"$ref": "../u/objects.json#/definitions/user"}}}}, ref("thing"))
        files["u/objects.json"] = {"definitions": {"user": {"type": "object", "properties": {
            "first_name": {"type": "string"}, "rate": {"type": "number"}}}}}
        s = self.samples(files)[0]["methods"]["t.get"]["response"]
        self.assertEqual(list(s), ["id", "name", "flag", "owner"])
        self.assertIsInstance(s["id"], int)
        self.assertIsInstance(s["name"], str)
        self.assertIsInstance(s["flag"], bool)
        self.assertEqual(list(s["owner"]), ["first_name", "rate"])
        self.assertIsInstance(s["owner"]["rate"], (int, float))

    def test_all_of_flattened_first_name_wins(self):
        s = self.sample({
            "base": {"type": "object", "properties": {"id": {"type": "string"}, "a": {"type": "integer"}}},
            "full": {"allOf": [ref("base"), {"type": "object", "properties": {
                "id": {"type": "integer"}, "b": {"type": "boolean"}}}]}}, ref("full"))
        self.assertEqual(list(s), ["id", "a", "b"])
        self.assertIsInstance(s["id"], str)

    def test_arrays_hold_two_items_nested_too(self):
        s = self.sample({}, {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}})
        self.assertEqual(len(s), 2)
        self.assertTrue(all(len(x) == 2 and all(isinstance(i, int) for i in x) for x in s))
        s = self.sample({}, {"type": "array", "maxItems": 1, "items": {"type": "string"}})
        self.assertEqual(len(s), 1)

    def test_integers_negative_when_allowed_and_in_range(self):
        s = self.sample({}, {"type": "array", "items": {"type": "object", "properties": {
            "owner_id": {"type": "integer", "format": "int64"},
            "count": {"type": "integer", "minimum": 0},
            "small": {"type": "integer", "minimum": 1, "maximum": 3},
            "neg": {"type": "integer", "maximum": -10}}}})
        owners = [x["owner_id"] for x in s]
        self.assertTrue(any(o < 0 for o in owners) and any(o > 0 for o in owners))
        for x in s:
            self.assertGreaterEqual(x["count"], 0)
            self.assertIn(x["small"], (1, 2, 3))
            self.assertLessEqual(x["neg"], -10)
        # 64-bit values now and then, never out of int64
        s = self.sample({}, {"type": "array", "items": {"type": "object", "properties": {
            f"v{i}": {"type": "integer", "format": "int64", "minimum": 1} for i in range(30)}}})
        values = [v for x in s for v in x.values()]
        self.assertTrue(any(v > 2 ** 32 for v in values))
        self.assertTrue(all(1 <= v <= 2 ** 63 - 1 for v in values))

    def test_enums_bool_ints_and_strings(self):
        objects = {"base_bool_int": {"type": "integer", "enum": [0, 1], "enumNames": ["no", "yes"]},
                   "kind": {"type": "string", "enum": ["a", "b", "c"]}}
        s = self.sample(objects, {"type": "array", "items": {"type": "object", "properties": {
            "is_x": ref("base_bool_int"), "kind": ref("kind"), "text": {"type": "string"}}}})
        self.assertEqual([x["is_x"] for x in s], [0, 1])
        self.assertEqual([x["kind"] for x in s], ["a", "b"])
        s = self.sample({}, {"type": "array", "maxItems": 20, "items": {"type": "string"}})
        s = self.sample({}, {"type": "object", "properties": {
            f"s{i}": {"type": "string"} for i in range(12)}})
        texts = list(s.values())
        self.assertTrue(any("Привет" in t for t in texts))
        self.assertIn("", texts)
        self.assertTrue(any("\"" in t and "\\" in t for t in texts))
        self.assertEqual(len(set(t for t in texts if t)), len([t for t in texts if t]))  # all differ

    def test_type_lists_take_each_kind(self):
        s = self.sample({}, {"type": "array", "items": {"type": ["integer", "string"]}})
        self.assertEqual([type(x) for x in s], [int, str])

    def test_one_of_with_discriminator_covers_every_tag(self):
        objects = {
            "a": {"type": "object", "properties": {"type": {"type": "string", "enum": ["x"]},
                                                   "x": {"type": "integer"}}},
            "b": {"type": "object", "properties": {"type": {"type": "string"}, "y": {"type": "string"}}},
            "item": {"type": "object", "oneOf": [ref("a"), ref("b")], "discriminator": {
                "propertyName": "type", "mapping": {"x": "../t/objects.json#/definitions/a",
                                                    "y": "../t/objects.json#/definitions/b",
                                                    "z": "../t/objects.json#/definitions/b"}}}}
        s = self.sample(objects, {"type": "array", "items": ref("item")})
        self.assertEqual([x["type"] for x in s], ["x", "y", "z"])
        self.assertIn("x", s[0])
        self.assertIn("y", s[1])
        # a single value takes the alternatives in turn across the file
        s2 = self.sample(objects, {"type": "object", "properties": {"one": ref("item"), "two": ref("item")}})
        self.assertEqual([s2["one"]["type"], s2["two"]["type"]], ["x", "y"])

    def test_one_of_without_discriminator_by_kind(self):
        objects = {"link": {"type": "object", "properties": {"url": {"type": "string"}}},
                   "either": {"type": "object", "oneOf": [ref("link"), {"type": "string"}]}}
        s = self.sample(objects, {"type": "array", "items": ref("either")})
        self.assertIsInstance(s[0], dict)
        self.assertIsInstance(s[1], str)

    def test_recursion_and_depth_are_cut(self):
        objects = {"node": {"type": "object", "properties": {
            "id": {"type": "integer"},
            "children": {"type": "array", "items": ref("node")},
            "parent": ref("node")}}}
        s, b = self.samples(schema(objects, ref("node")))
        s = s["methods"]["t.get"]["response"]
        self.assertEqual(s["children"], [])      # an array of a definition met again: sent empty
        self.assertNotIn("parent", s)             # an object: left out
        self.assertGreater(b.stats["cut_recursion"], 0)
        deep = {"type": "object", "properties": {"v": {"type": "integer"}}}
        for _ in range(6):
            deep = {"type": "object", "properties": {"v": {"type": "integer"}, "in": deep}}
        s = self.sample({}, deep, max_depth=3)
        self.assertEqual(json.dumps(s).count("\"v\""), 3)

    def test_free_form_values(self):
        s = self.sample({}, {"type": "object", "properties": {
            "any": {"type": "object"}, "list": {"type": "array"}}})
        self.assertIsInstance(s["any"], dict)
        self.assertTrue(s["any"])
        self.assertIsInstance(s["list"], list)

    def test_every_variant_and_deterministic_file(self):
        files = schema({}, None, variants={"response": {"type": "integer"},
                                           "extendedResponse": {"type": "string"}})
        with tempfile.TemporaryDirectory() as d:
            write_schema(Path(d) / "s", files)
            out_a, out_b = Path(d) / "a.json", Path(d) / "b.json"
            self.assertEqual(main(["--schema", str(Path(d) / "s"), "--out", str(out_a)]), 0)
            self.assertEqual(main(["--schema", str(Path(d) / "s"), "--out", str(out_b)]), 0)
            self.assertEqual(out_a.read_bytes(), out_b.read_bytes())
            data = json.loads(out_a.read_text(encoding="utf-8"))
        self.assertEqual(sorted(data["methods"]["t.get"]), ["extendedResponse", "response"])
        self.assertIsInstance(data["methods"]["t.get"]["response"], int)
        self.assertIsInstance(data["methods"]["t.get"]["extendedResponse"], str)

    def test_write_is_one_json_value(self):
        with tempfile.TemporaryDirectory() as d:
            text = write(Path(d) / "x.json", {"schema": "s", "methods": {"a.b": {"response": "ё\n"}}})
        self.assertEqual(json.loads(text), {"schema": "s", "methods": {"a.b": {"response": "ё\n"}}})

    def test_broken_schemas_are_named(self):
        files = schema({}, {"type": "integer"})
        files["t/methods.json"]["methods"][0]["responses"]["response"] = {"type": "integer"}
        with self.assertRaises(SchemaError) as ctx:
            self.samples(files)
        self.assertIn("must be a $ref", ctx.exception.message)
        with self.assertRaises(SchemaError) as ctx:
            self.samples(schema({}, {"type": "integr"}))
        self.assertIn("unknown type", ctx.exception.message)


class ListDescriptorTest(unittest.TestCase):
    """What the upstream VK samples found: lists of integer-or-string (a "scalar")
    and of free-form objects ("json") are string lists in C, and shared the
    string list's descriptor, so their items failed to decode."""

    def test_scalar_json_and_string_lists_have_their_own_descriptors(self):
        props = {"names": {"type": "array", "items": {"type": "string"}},
                 "ids": {"type": "array", "items": {"type": ["integer", "string"]}},
                 "objs": {"type": "array", "items": {"type": "object"}},
                 "rows": {"type": "array", "items": {"type": "array", "items": {"type": ["string", "integer"]}}},
                 "lines": {"type": "array", "items": {"type": "array", "items": {"type": "string"}}}}
        with tempfile.TemporaryDirectory() as d:
            write_schema(Path(d) / "s", schema({}, {"type": "object", "properties": props}))
            generate(Path(d) / "s", Path(d) / "out", prefix="t")
            c = (Path(d) / "out" / "t.c").read_text(encoding="utf-8")

        def descriptor(field):
            row = next(line for line in c.splitlines() if line.startswith(f"\t{{\"{field}\""))
            name = row.split("&")[1].split(",")[0]
            return next(line for line in c.splitlines() if line.startswith(f"{name} = ")
                        or f" {name} = " in line)

        self.assertIn("&socapi_type_string,", descriptor("names"))
        self.assertIn("&socapi_type_scalar,", descriptor("ids"))
        self.assertIn("&socapi_type_json,", descriptor("objs"))
        self.assertIn("&socapi_string_list_scalar_type,", descriptor("rows"))
        self.assertIn("&socapi_string_list_type,", descriptor("lines"))


if __name__ == "__main__":
    unittest.main()
