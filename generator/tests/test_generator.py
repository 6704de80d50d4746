"""Generator unit tests: naming, loading, schema checks, IR shapes, output."""

import json
import re
import tempfile
import unittest
from pathlib import Path

from socapi_gen.__main__ import generate
from socapi_gen.build import Builder
from socapi_gen.errors import SchemaError
from socapi_gen.keys import key_hash, key_table, name_key
from socapi_gen.model import Array, Enum, Scalar, Struct, Union
from socapi_gen.naming import identifier, method_function, presence_flag, snake

REPO = Path(__file__).resolve().parents[2]


def write_schema(root, files):
    for name, content in files.items():
        path = Path(root) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")


def method(name, params=(), response="../t/responses.json#/definitions/t_get_response"):
    return {"name": name, "parameters": list(params), "responses": {"response": {"$ref": response}}}


BASE = {
    "t/methods.json": {"methods": [method("t.get", [{"name": "id", "type": "integer"}])]},
    "t/responses.json": {"definitions": {"t_get_response": {"type": "object", "properties": {
        "response": {"$ref": "../t/objects.json#/definitions/thing", "required": True}}}}},
    "t/objects.json": {"definitions": {"thing": {"type": "object", "properties": {
        "id": {"type": "integer", "required": True}}}}},
}


class NamingTest(unittest.TestCase):
    def test_snake_and_identifiers(self):
        self.assertEqual(snake("getAppUsers"), "get_app_users")
        self.assertEqual(snake("type-id"), "type_id")
        self.assertEqual(snake("PublishStatus"), "publish_status")
        self.assertEqual(identifier("long"), "long_")
        self.assertEqual(identifier("default"), "default_")
        self.assertEqual(identifier("2fa_required"), "v2fa_required")
        self.assertEqual(identifier("isAppUser"), "is_app_user")

    def test_cxx_keywords_are_mangled(self):
        # the generated headers are included from C++ too
        for word in ("new", "private", "template", "friend", "class", "this", "delete", "namespace"):
            self.assertEqual(identifier(word), word + "_")

    def test_presence_flags(self):
        self.assertEqual(presence_flag("count"), "has_count")
        self.assertEqual(presence_flag("long_"), "has_long")
        self.assertEqual(presence_flag("has_email"), "has_email_set")
        self.assertEqual(presence_flag("has_more"), "has_more_set")

    def test_method_names_per_variant(self):
        self.assertEqual(method_function("mailru", "friends.getAppUsers", "response"),
                         "mailru_friends_get_app_users")
        self.assertEqual(method_function("mailru", "friends.get", "extendedResponse"),
                         "mailru_friends_get_with_extended")
        self.assertEqual(method_function("vk", "friends.getOnline", "onlineMobileResponse"),
                         "vk_friends_get_online_with_online_mobile")
        # a variant never reads as another method: friends.get with fields vs friends.getLists
        self.assertEqual(method_function("vk", "friends.get", "fieldsResponse"), "vk_friends_get_with_fields")
        self.assertEqual(method_function("vk", "friends.getLists", "response"), "vk_friends_get_lists")


class SchemaErrorTest(unittest.TestCase):
    def build(self, files):
        with tempfile.TemporaryDirectory() as d:
            write_schema(d, files)
            return Builder(Path(d), prefix="t").build()

    def assertRejected(self, files, file_part, path_part, message_part):
        with self.assertRaises(SchemaError) as ctx:
            self.build(files)
        e = ctx.exception
        self.assertIn(file_part, e.file)
        self.assertIn(path_part, e.path)
        self.assertIn(message_part, e.message)

    def test_broken_json_names_the_file(self):
        files = dict(BASE, **{"t/objects.json": "{\"definitions\": {"})
        self.assertRejected(files, "t/objects.json", "", "invalid JSON")

    def test_unknown_type_names_the_json_path(self):
        files = dict(BASE, **{"t/methods.json": {"methods": [method("t.get", [
            {"name": "id", "type": "integr"}])]}})
        self.assertRejected(files, "t/methods.json", "/methods/0/parameters/0/type", "unknown type")

    def test_paging_names_members_the_pager_can_read(self):
        # the pager reads these from the decoded page, not from JSON
        for entry, message in (({"offset": "id", "items": "things"}, "no array member 'things'"),
                               ({"offset": "id", "items": "id"}, "no array member 'id'")):
            files = dict(BASE, **{"socapi.json": {"paging": {"t.get": entry}}})
            self.assertRejected(files, "socapi.json", "/paging/t.get/items", message)
        files = dict(BASE, **{"socapi.json": {"paging": {"t.get": {"offset": "id", "total": "id"}}}})
        self.assertEqual(self.build(files).methods[0].paging["total"], "id")

    def test_dangling_ref(self):
        files = dict(BASE, **{"t/responses.json": {"definitions": {"t_get_response": {
            "type": "object", "properties": {"response": {"$ref": "../t/objects.json#/definitions/nope"}}}}}})
        self.assertRejected(files, "t/responses.json", "/definitions/t_get_response/properties/response",
                            "does not exist")

    def test_side_file_typos_are_rejected(self):
        side = {"methods": {"t.gett": {"http": "GET"}}}
        self.assertRejected(dict(BASE, **{"socapi.json": side}), "socapi.json", "/methods/t.gett",
                            "no method")
        side = {"methods": {"t.get": {"htttp": "GET"}}}
        self.assertRejected(dict(BASE, **{"socapi.json": side}), "socapi.json", "htttp", "unknown key")
        side = {"objects": {"t_gett_response": {"properties": {"response": {"wire": "string"}}}}}
        self.assertRejected(dict(BASE, **{"socapi.json": side}), "socapi.json", "/objects/t_gett_response",
                            "no object")
        side = {"objects": {"thing": {"properties": {"idd": {"wire": "string"}}}}}
        self.assertRejected(dict(BASE, **{"socapi.json": side}), "socapi.json", "/objects/thing",
                            "no property")

    def test_write_marks_and_dedup_keys(self):
        post = method("t.post", [{"name": "text", "type": "string"}, {"name": "key", "type": "integer"},
                                 {"name": "tags", "type": "array", "items": {"type": "string"}}])
        files = dict(BASE, **{"t/methods.json": {"methods": [BASE["t/methods.json"]["methods"][0], post]}})
        # a name that reads as a write must say what it is
        self.assertRejected(dict(files, **{"socapi.json": {}}), "socapi.json", "/methods/t.post/write",
                            "reads as a write ('post')")
        side = {"methods": {"t.post": {"write": "yes"}}}
        self.assertRejected(dict(files, **{"socapi.json": side}), "socapi.json", "/methods/t.post/write",
                            "true or false")
        side = {"methods": {"t.post": {"write": True, "http": "GET"}}}
        self.assertRejected(dict(files, **{"socapi.json": side}), "socapi.json", "/methods/t.post/write",
                            "by POST")
        for dedup, message in (("nope", "no parameter 'nope'"), ("tags", "integer or a string")):
            side = {"methods": {"t.post": {"write": True, "dedup": dedup}}}
            self.assertRejected(dict(files, **{"socapi.json": side}), "socapi.json", "/methods/t.post/dedup",
                                message)
        side = {"methods": {"t.post": {"write": False, "dedup": "key"}}}
        self.assertRejected(dict(files, **{"socapi.json": side}), "socapi.json", "/methods/t.post/dedup",
                            "for write methods")
        side = {"methods": {"t.post": {"write": True, "dedup": "key"}}}
        p = self.build(dict(files, **{"socapi.json": side}))
        by_name = {m.name: m for m in p.methods}
        self.assertIn("SOCAPI_METHOD_WRITE", by_name["t.post"].flags)
        self.assertNotIn("SOCAPI_METHOD_WRITE", by_name["t.get"].flags)
        self.assertEqual((by_name["t.post"].dedup, by_name["t.get"].dedup), ("key", None))
        # VK's own schema: names are taken at their word, unless the side file says otherwise
        side = {"writes_by_verb": True, "methods": {"t.get": {"write": True}}}
        p = self.build(dict(files, **{"socapi.json": side}))
        self.assertTrue(all("SOCAPI_METHOD_WRITE" in m.flags for m in p.methods))
        p = self.build(files)  # no side file at all
        self.assertEqual([m.name for m in p.methods if "SOCAPI_METHOD_WRITE" in m.flags], ["t.post"])

    def test_seen_in_names_a_corpus_answer(self):
        """A member added from a real answer names the tests/corpus file that shows it; the
        generated header repeats it, and a file that is not there is an error."""
        with tempfile.TemporaryDirectory() as root:
            answer = "tests/corpus/t/thing.json"
            schema = Path(root) / "schema" / "p"  # the side file is schema/<platform>/socapi.json
            write_schema(schema, dict(BASE, **{"socapi.json": {"objects": {"thing": {
                "properties": {"id": {"seen_in": answer}}}}}}))
            with self.assertRaises(SchemaError) as ctx:
                generate(schema, Path(root) / "out", label="t")
            self.assertIn("/objects/thing/properties/id/seen_in", ctx.exception.path)
            write_schema(root, {answer: [{"id": 1}]})
            generate(schema, Path(root) / "out", label="t")
            header = (Path(root) / "out" / "p.h").read_text(encoding="utf-8")
            self.assertIn(f"From real answers, not documentation:\n *   id: {answer}", header)

    def test_method_named_like_a_variant_is_rejected(self):
        files = dict(BASE, **{"t/methods.json": {"methods": [method("t.get"), method("t.getWithFields")]}})
        self.assertRejected(files, "t/methods.json", "/methods/1/name", "reads as a response variant")

    def test_generated_globals_never_collide(self):
        # two spellings of one method name
        files = dict(BASE, **{"t/methods.json": {"methods": [method("t.getLists"), method("t.get_lists")]}})
        self.assertRejected(files, "", "", "would both be named t_t_get_lists")
        # a method against an object's helper: t.decode next to object t
        files = dict(BASE, **{"t/objects.json": {"definitions": {
            "thing": BASE["t/objects.json"]["definitions"]["thing"],
            "t": {"type": "object", "properties": {"id": {"type": "integer"}}}}},
            "t/methods.json": {"methods": [method("t.get"), method("t.decode")]}})
        self.assertRejected(files, "", "", "would both be named t_t_decode")
        # a variant beside a method its old name would have matched: both kept apart
        get = method("t.get")
        get["responses"]["listsResponse"] = get["responses"]["response"]
        p = self.build(dict(BASE, **{"t/methods.json": {"methods": [get, method("t.getLists")]}}))
        self.assertEqual(sorted(m.c_name for m in p.methods), ["t_t_get", "t_t_get_lists", "t_t_get_with_lists"])

    def test_scrapers_section_is_checked(self):
        side = {"scrapers": {"t.gett": {"parameters": ["id"]}}}
        self.assertRejected(dict(BASE, **{"socapi.json": side}), "socapi.json", "/scrapers/t.gett",
                            "no method")
        side = {"scrapers": {"t.get": {"parameters": ["idd"]}}}
        self.assertRejected(dict(BASE, **{"socapi.json": side}), "socapi.json",
                            "/scrapers/t.get/parameters/0", "no parameter 'idd'")
        side = {"scrapers": {"t.get": {"parameters": []}}}
        self.assertRejected(dict(BASE, **{"socapi.json": side}), "socapi.json",
                            "/scrapers/t.get/parameters", "non-empty list")
        side = {"scrapers": {"t.get": {"parameters": ["id"], "selector": "div"}}}
        self.assertRejected(dict(BASE, **{"socapi.json": side}), "socapi.json", "selector", "unknown key")

    def test_scrapers_are_emitted_beside_their_twins(self):
        side = {"scrapers": {"t.get": {"parameters": ["id"], "source": "a peer"}}}
        with tempfile.TemporaryDirectory() as d, tempfile.TemporaryDirectory() as out:
            write_schema(d, dict(BASE, **{"socapi.json": side}))
            generate(Path(d), out, prefix="t")
            header = (Path(out) / "t.h").read_text()
            source = (Path(out) / "t.c").read_text()
        self.assertIn("#include <socapi/scraper.h>", header)
        self.assertIn("enum socapi_status t_t_get_scrape(struct socapi_scraper *scraper, "
                      "const struct t_t_get_params *params, struct t_thing **out", header)
        self.assertIn("Reads id; any other parameter set is an error.", header)
        self.assertIn('static const char *const t_t_get_params_scraped[] = {"id"};', source)
        self.assertIn("&t_t_get_method, \"t_t_get_scrape\", 1, t_t_get_params_scraped", source)
        self.assertRegex(source, r"t_scrapers\[\] = \{\n\t&t_t_get_scrape_method,\n\};")
        # without the section, no scraper and no include
        with tempfile.TemporaryDirectory() as d, tempfile.TemporaryDirectory() as out:
            write_schema(d, BASE)
            generate(Path(d), out, prefix="t")
            self.assertNotIn("scrape", (Path(out) / "t.h").read_text())

    def test_enum_names_must_match_values(self):
        files = dict(BASE, **{"t/objects.json": {"definitions": {"thing": {
            "type": "integer", "enum": [1, 2], "enumNames": ["one"]}}}})
        self.assertRejected(files, "t/objects.json", "enumNames", "1 names for 2 values")


class ShapesTest(unittest.TestCase):
    def platform(self, objects, side=None):
        files = dict(BASE, **{"t/objects.json": {"definitions": objects}})
        if side:
            files["socapi.json"] = side
        with tempfile.TemporaryDirectory() as d:
            write_schema(d, files)
            return Builder(Path(d), prefix="t").build()

    def test_all_of_is_flattened_first_name_wins(self):
        p = self.platform({
            "thing": {"type": "object", "properties": {"id": {"type": "integer"}}},
            "base": {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}}},
            "full": {"allOf": [{"$ref": "#/definitions/base"},
                               {"type": "object", "properties": {"id": {"type": "integer"},
                                                                 "age": {"type": "integer"}}}]}})
        full = p.structs["t_full"]
        self.assertEqual([f.json_name for f in full.fields], ["id", "name", "age"])
        self.assertEqual(full.fields[0].type, Scalar("string"))

    def test_recursive_types_and_unions(self):
        p = self.platform({
            "thing": {"type": "object", "properties": {
                "id": {"type": "integer"},
                "children": {"type": "array", "items": {"$ref": "#/definitions/thing"}},
                "item": {"$ref": "#/definitions/item"}}},
            "a": {"type": "object", "properties": {"type": {"type": "string"}}},
            "b": {"type": "object", "properties": {"type": {"type": "string"}}},
            "item": {"oneOf": [{"$ref": "#/definitions/a"}, {"$ref": "#/definitions/b"}],
                     "discriminator": {"propertyName": "type", "mapping": {
                         "x": "#/definitions/a", "y": "#/definitions/b", "z": "#/definitions/b"}}}})
        thing = p.structs["t_thing"]
        children = thing.fields[1].type
        self.assertIsInstance(children, Array)
        self.assertIs(children.elem, thing)
        u = p.unions["t_item"]
        self.assertIsInstance(u, Union)
        self.assertEqual([a.tag_values for a in u.alts], [["x"], ["y", "z"]])

    def test_keywords_digits_enums_and_wire_strings(self):
        p = self.platform({"thing": {"type": "object", "properties": {
            "long": {"type": "integer", "format": "uint64"},
            "2fa_required": {"type": "boolean"},
            "size": {"type": "string", "enum": ["160x160", "1h"]},
            "order": {"type": "integer", "enum": [1, -1]}}}},
            side={"objects": {"thing": {"properties": {"long": {"wire": "string"}}}}})
        fields = {f.json_name: f for f in p.structs["t_thing"].fields}
        self.assertEqual(fields["long"].c_name, "long_")
        self.assertEqual(fields["long"].type, Scalar("uint", from_string=True))
        self.assertEqual(fields["2fa_required"].c_name, "v2fa_required")
        self.assertEqual(fields["long"].has_name, "has_long")
        size = fields["size"].type
        self.assertIsInstance(size, Enum)
        self.assertEqual([m for m, _, _ in size.values], ["T_THING_SIZE_160X160", "T_THING_SIZE_1H"])
        self.assertEqual([m for m, _, _ in fields["order"].type.values],
                         ["T_THING_ORDER_1", "T_THING_ORDER_MINUS_1"])


    def test_unknown_member_name_is_reserved(self):
        # every struct keeps the members the schema lacks in `unknown`: a property
        # of that name gets another C name
        p = self.platform({"thing": {"type": "object", "properties": {
            "unknown": {"type": "string"}, "id": {"type": "integer"}}}})
        fields = {f.json_name: f for f in p.structs["t_thing"].fields}
        self.assertEqual(fields["unknown"].c_name, "unknown_2")


class KeyTableTest(unittest.TestCase):
    def lookup(self, name, seed, bits, slots, names):
        """The runtime's struct_member: probe from the hash's slot to an empty one."""
        i = key_hash(name.encode(), seed, bits)
        while slots[i]:
            if names[slots[i] - 1] == name:
                return slots[i] - 1
            i = (i + 1) % len(slots)
        return None

    def test_every_name_is_found_and_no_other(self):
        for names in ([], ["id"], ["uid", "first_name", "last_name", "pic_small", "pic_big", "pic_22"],
                      [f"field_{i}_with_a_long_common_prefix_{i % 7}" for i in range(150)],
                      ["имя", "a" * 40, "a" * 39 + "b", "b" + "a" * 39]):
            seed, bits, slots = key_table(names, "test")
            self.assertEqual(seed % 2, 1)
            self.assertLessEqual(2 * len(names), len(slots))  # at most half full: misses end
            self.assertEqual(sorted(s for s in slots if s), list(range(1, len(names) + 1)))
            for i, name in enumerate(names):
                self.assertEqual(self.lookup(name, seed, bits, slots, names), i)
            for other in ("", "idx", "pic", "a" * 41, "field_1"):
                if other not in names:
                    self.assertIsNone(self.lookup(other, seed, bits, slots, names))

    def test_hash_words_match_the_runtime(self):
        # runtime/src/internal.h reads the head, tail and middle 8 bytes little-endian;
        # values checked against the C (a change on either side must change both)
        self.assertEqual(key_hash(b"uid", 1, 16), 15092)
        self.assertEqual(key_hash(b"first_name", 13, 7), 126)
        self.assertEqual(key_hash(b"a_long_member_name_here", 5, 10), 657)
        self.assertEqual(name_key("uid"), (0x646975, 0, 3))
        self.assertEqual(name_key("first_name"), (0x616e5f7473726966, 0x656d616e5f747372, 10))


class OutputTest(unittest.TestCase):
    def test_mailru_output_is_deterministic_and_complete(self):
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            p = generate(REPO / "schema/mailru", a, label="schema/mailru")
            generate(REPO / "schema/mailru", b, label="schema/mailru")
            for name in ("mailru.h", "mailru.c"):
                self.assertEqual((Path(a) / name).read_text(), (Path(b) / name).read_text())
            header = (Path(a) / "mailru.h").read_text()
        names = {m.name for m in p.methods}
        self.assertGreaterEqual(len(names), 53)
        for m in p.methods:
            self.assertIn(f"enum socapi_status {m.c_name}(", header)
        self.assertEqual(len(re.findall(r"^SOCAPI_NODISCARD enum socapi_status mailru_[a-z0-9_]+\(struct "
                                        r"socapi_session", header, re.M)), len(p.methods))
        # the side file's scrapers section: groups.get (two variants), getInfo, join, getByAuthor
        self.assertEqual(len(re.findall(r"_scrape\(struct socapi_scraper", header)), 5)
        self.assertIn("DO NOT EDIT", header)
        self.assertNotRegex(header, r"20\d\d-\d\d-\d\d")  # no timestamps

    def test_markdown_reference_lists_every_method(self):
        with tempfile.TemporaryDirectory() as out:
            p = generate(REPO / "schema/mailru", out, label="schema/mailru")
            page = (Path(out) / "mailru.md").read_text()
        self.assertTrue(page.startswith("<!-- DO NOT EDIT."))
        for m in p.methods:
            self.assertIn(f"\n### {m.name}\n", page)
            self.assertIn(f"| `{m.c_name}()` |", page)
        # parameters with their type and whether they are required; permissions and provenance
        self.assertIn("| `aid` | `aid` | string | yes |", page)
        self.assertIn("| `offset` | `offset` (and `has_offset`) | integer |  |", page)
        self.assertIn("| `mailru_friends_get_with_extended()` | list of struct mailru_user | "
                      "extendedResponse: sends ext=1 |", page)
        self.assertIn("- Permissions: guestbook", page)
        self.assertIn("- Source: https://api.mail.ru/docs/reference/rest/photos-get", page)
        self.assertIn("- Inferred (not documented)", page)


if __name__ == "__main__":
    unittest.main()


class OtherSchemasTest(unittest.TestCase):
    """The OK and VK schemas and VK's own public schema go through too."""

    def check(self, schema, prefix, min_methods):
        with tempfile.TemporaryDirectory() as out:
            p = generate(schema, out, prefix=prefix)
        self.assertGreaterEqual(len({m.name for m in p.methods}), min_methods)
        return p

    def test_ok_schema(self):
        self.check(REPO / "schema/ok", None, 160)

    def test_vk_schema(self):
        p = self.check(REPO / "schema/vk", None, 65)
        self.assertIn("vk_friends_get_with_fields", {m.c_name for m in p.methods})

    def test_vk_public_schema_unmodified(self):
        upstream = REPO.parent / "shared" / "vk-api-schema"
        if not (upstream / "users" / "methods.json").is_file():
            self.skipTest(f"no VK public schema at {upstream}")
        p = self.check(upstream, "vk", 566)
        self.assertGreaterEqual(len(p.structs), 600)
