"""Writes the IR as C: one header and one source file per platform."""

from .keys import key_table, name_key
from .model import Array, Enum, Scalar, Struct, Union
from .naming import UNKNOWN_MEMBER

# the layout of the tables (SOCAPI_TABLE_VERSION in runtime/include/socapi/schema.h)
TABLE_VERSION = 5
# struct socapi_paging's members, in order
PAGING_FIELDS = ("anchor", "direction", "count", "offset", "next_anchor", "has_more", "items", "total")
SCALAR_C = {"bool": "bool", "int": "int64_t", "uint": "uint64_t", "number": "double",
            "string": "char *", "scalar": "char *", "json": "char *",
            "file": "const struct socapi_file *"}
SCALAR_LIST = {"bool": "socapi_bool_list", "int": "socapi_int_list", "uint": "socapi_uint_list",
               "number": "socapi_number_list", "string": "socapi_string_list",
               "scalar": "socapi_string_list", "json": "socapi_string_list"}


def comment(text, indent=""):
    """A C block comment; '*/' inside the text cannot end it early."""
    lines = [ln.rstrip() for ln in str(text).replace("*/", "* /").splitlines() if ln.strip()]
    if not lines:
        return ""
    if len(lines) == 1 and len(lines[0]) < 90:
        return f"{indent}/* {lines[0]} */\n"
    return f"{indent}/*\n" + "".join(f"{indent} * {ln}\n" for ln in lines) + f"{indent} */\n"


def c_string(s):
    out = []
    for ch in str(s):
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ord(ch) < 0x20:
            out.append(f"\\{ord(ch):03o}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def inferred_text(inferred):
    if inferred is True:
        return "inferred (not documented)"
    if inferred:
        return "inferred: " + ", ".join(str(x) for x in inferred)
    return ""


class Emitter:
    def __init__(self, platform, schema_label):
        self.p = platform
        self.prefix = platform.prefix
        self.label = schema_label
        self.arrays = {}  # list C name -> Array, in first-use order

    # ---- naming of types ----

    def list_name(self, a):
        e = a.elem
        if isinstance(e, Scalar):
            return SCALAR_LIST[e.kind] if e.kind != "file" else None
        if isinstance(e, Enum):
            return "socapi_int_list" if e.is_int else "socapi_string_list"
        if isinstance(e, Array):
            inner = self.list_name(e)
            if inner.startswith("socapi_"):
                inner = f"{self.prefix}_{inner[len('socapi_'):]}"
            return f"{inner}_list"
        return f"{e.c_name}_list"

    def member_type(self, t, param=False):
        if isinstance(t, Scalar):
            c = SCALAR_C[t.kind]
            return "const char *" if param and c == "char *" else c
        if isinstance(t, Enum):
            return "int64_t" if t.is_int else ("const char *" if param else "char *")
        if isinstance(t, (Struct, Union)):
            return f"{'const ' if param else ''}struct {t.c_name} *"
        name = self.list_name(t)
        if param and name == "socapi_string_list":
            return "struct socapi_const_string_list"
        return f"struct {name}"

    def elem_c_type(self, t):
        """How one list element is stored: structs inline, the rest as members are."""
        if isinstance(t, (Struct, Union)):
            return f"struct {t.c_name}"
        return self.member_type(t)

    def type_ref(self, t):
        if isinstance(t, Scalar):
            return f"&socapi_type_{t.kind}{'_from_string' if t.from_string else ''}"
        if isinstance(t, Array):
            return f"&{self.array_id(t)}"
        return f"&{t.c_name}_type"

    def array_id(self, a):
        name = self.list_name(a)
        key = name + self.elem_suffix(a.elem)
        if key not in self.arrays:
            self.arrays[key] = a
        return f"{key}_type"

    def elem_suffix(self, e):
        """Tells apart element types that share one C list struct, so each gets
        its own descriptor: scalar and json lists are string lists in C."""
        if isinstance(e, Scalar):
            kind = f"_{e.kind}" if e.kind in ("scalar", "json") else ""
            return kind + ("_from_string" if e.from_string else "")
        if isinstance(e, Enum):
            return "_" + e.c_name
        if isinstance(e, Array):
            return self.elem_suffix(e.elem)
        return ""

    def result_out(self, t):
        """The out parameter of a typed call for a result type."""
        if isinstance(t, Scalar):
            if t.kind in ("bool", "int", "uint", "number"):
                return f"{SCALAR_C[t.kind]} *out"
            return "char **out"
        if isinstance(t, Enum):
            return "int64_t *out" if t.is_int else "char **out"
        if isinstance(t, (Struct, Union)):
            return f"struct {t.c_name} **out"
        return f"struct {self.list_name(t)} **out"

    def type_doc(self, t):
        if isinstance(t, Scalar):
            return {"int": "integer", "uint": "uint64", "scalar": "integer or string as text",
                    "json": "JSON text"}.get(t.kind, t.kind)
        if isinstance(t, Enum):
            return f"enum {t.c_name}" if t.is_int else f"{t.c_name.upper()}_* string"
        if isinstance(t, Array):
            return f"list of {self.type_doc(t.elem)}"
        return f"struct {t.c_name}"

    # ---- the header ----

    def all_lists(self):
        """Every generated list type, inner lists before outer ones."""
        seen, order = {}, []

        def visit(t):
            if isinstance(t, Array):
                visit(t.elem)
                name = self.list_name(t)
                if name.startswith("socapi_"):
                    return
                if name not in seen:
                    seen[name] = len(order)
                    order.append((name, t))
                elif self.elem_suffix(order[seen[name]][1].elem) and not self.elem_suffix(t.elem):
                    order[seen[name]] = (name, t)  # <name>_type describes the plain elements

        for s in self.sorted_structs():
            for f in s.fields:
                visit(f.type)
        for u in self.sorted_unions():
            for a in u.alts:
                visit(a.type)
        for m in self.p.methods:
            visit(m.result)
            for prm in m.params:
                visit(prm.type)
        for s in self.sorted_structs() + self.sorted_unions():
            visit(Array(s))
        return order

    def sorted_structs(self):
        return [self.p.structs[k] for k in sorted(self.p.structs)]

    def sorted_unions(self):
        return [self.p.unions[k] for k in sorted(self.p.unions)]

    def sorted_enums(self):
        return [self.p.enums[k] for k in sorted(self.p.enums)]

    def banner(self):
        return (f"/*\n * DO NOT EDIT. Generated by socapi-gen from {self.label}.\n"
                f" * Change the schema and regenerate (see schema/README.md).\n */\n")

    def header(self):
        P = self.prefix.upper()
        guard = f"{P}_{P}_H"
        scrapers = [m for m in self.p.methods if m.scraper]
        o = [self.banner(), f"#ifndef {guard}\n#define {guard}\n\n#include <socapi/socapi.h>\n",
             "#include <socapi/scraper.h>\n\n" if scrapers else "\n",
             f"#if SOCAPI_TABLE_VERSION != {TABLE_VERSION}\n#error \"generated for socapi table version {TABLE_VERSION}: "
             "regenerate with this runtime's socapi-gen\"\n#endif\n\n",
             "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"]
        if self.p.api_version:
            o.append(f"#define {P}_API_VERSION {c_string(self.p.api_version)}\n\n")
        if self.p.errors:
            o.append("/* Error codes (struct socapi_error.api_code). */\n")
            for name, code, desc in self.p.errors:
                o.append(f"#define {name} {code}" + (f" /* {desc.replace('*/', '* /')} */" if desc else "") + "\n")
            o.append("\n")
        for e in self.sorted_enums():
            o.append(comment(e.description or f"Values of {e.name}."))
            if e.is_int:
                o.append(f"enum {e.c_name} {{\n")
                o.extend(f"\t{m} = {v},\n" if -2**31 <= v < 2**31 else f"\t/* {m} = {v} (out of int range) */\n"
                         for m, _, v in e.values)
                o.append("};\n")
            else:
                o.extend(f"#define {m} {c_string(v)}\n" for m, _, v in e.values)
            o.append(f"extern const struct socapi_enum {e.c_name}_enum;\n"
                     f"extern const struct socapi_type {e.c_name}_type;\n\n")
        for s in self.sorted_structs():
            o.append(f"struct {s.c_name};\n")
        for u in self.sorted_unions():
            o.append(f"struct {u.c_name};\n")
        o.append("\n/* Lists: items[0 .. n_items-1]; items is NULL when the list was absent. */\n")
        for name, a in self.all_lists():
            elem = self.elem_c_type(a.elem)
            o.append(f"struct {name} {{\n\t{elem}{'' if elem.endswith('*') else ' '}*items;\n"
                     f"\tsize_t n_items;\n}};\n")
        o.append("\n")
        for u in self.sorted_unions():
            o.append(self.union_decl(u))
        for s in self.sorted_structs():
            o.append(self.struct_decl(s))
        o.append(comment("Typed helpers: decode JSON into a new result, re-encode it as JSON,\n"
                         "release it (NULL allowed). Same rules as socapi_decode and socapi_free."))
        for t in self.sorted_structs() + self.sorted_unions():
            o.append(self.helper_protos(t.c_name, f"struct {t.c_name}"))
        for name, _ in self.all_lists():
            o.append(self.helper_protos(name, f"struct {name}"))
        o.append("\n")
        done_params = set()
        for m in self.p.methods:
            if m.params_c_name not in done_params and m.params:
                done_params.add(m.params_c_name)
                o.append(self.params_decl(m))
            o.append(self.method_proto(m))
            if m.scraper:
                o.append(self.scraper_proto(m))
        o.append(f"/* Every typed call of this platform, sorted by C name (for tools and the CLI). */\n"
                 f"extern const struct socapi_method *const {self.prefix}_methods[];\n"
                 f"extern const size_t {self.prefix}_n_methods;\n\n")
        if scrapers:
            o.append(f"/* Every scraper of this platform, in the same order (socapi/scraper.h). */\n"
                     f"extern const struct socapi_scrape_method *const {self.prefix}_scrapers[];\n"
                     f"extern const size_t {self.prefix}_n_scrapers;\n\n")
        o.append(f"#ifdef __cplusplus\n}}\n#endif\n\n#endif\n")
        return "".join(o)

    def helper_protos(self, base, ctype):
        return (f"extern const struct socapi_type {base}_type;\n"
                f"SOCAPI_NODISCARD enum socapi_status {base}_decode(const char *json, size_t len, "
                f"{ctype} **out, struct socapi_error *err);\n"
                f"SOCAPI_NODISCARD enum socapi_status {base}_to_json(const {ctype} *value, bool pretty, "
                f"char **json, struct socapi_error *err);\n"
                f"void {base}_free({ctype} *value);\n")

    def field_line(self, name, t, required, desc, param=False):
        ctype = self.member_type(t, param)
        sep = "" if ctype.endswith("*") else " "
        notes = [x for x in (desc.strip().splitlines()[0].rstrip(".") if desc.strip() else "",
                             "required" if required else "", self.type_note(t)) if x]
        note = ("  /* " + "; ".join(notes).replace("*/", "* /") + " */") if notes else ""
        return f"\t{ctype}{sep}{name};{note}\n"

    def type_note(self, t):
        if isinstance(t, Enum):
            return f"enum {t.c_name}" if t.is_int else f"one of {t.c_name.upper()}_*"
        if isinstance(t, Scalar) and t.from_string:
            return "sent as a JSON string"
        return ""

    def struct_decl(self, s):
        by_answer = {}
        for prop, path in s.seen_in.items():
            by_answer.setdefault(path, []).append(prop)
        seen = "\n".join(f"  {', '.join(props)}: {path}" for path, props in by_answer.items())
        o = [comment("\n".join(x for x in (s.description or f"Object {s.name}.",
                                           f"Source: {s.source}" if s.source else "",
                                           inferred_text(s.inferred).capitalize(),
                                           f"From real answers, not documentation:\n{seen}" if seen
                                           else "") if x))]
        o.append(f"struct {s.c_name} {{\n")
        for f in s.fields:
            if f.has_name:
                o.append(f"\tbool {f.has_name};\n")
            o.append(self.field_line(f.c_name, f.type, f.required, f.description))
        o.append(f"\tchar *{UNKNOWN_MEMBER}; /* members the schema does not know, as a JSON object's text; "
                 f"NULL: none */\n}};\n\n")
        return "".join(o)

    def union_decl(self, u):
        P = u.c_name.upper()
        o = [comment(u.description or f"One of several kinds ({u.name})" +
                     (f", told apart by \"{u.discriminator}\"." if u.discriminator else ", told apart by JSON type."))]
        o.append(f"enum {u.c_name}_kind {{\n\t{P}_UNKNOWN = 0, /* raw holds the JSON */\n")
        for i, a in enumerate(u.alts):
            tags = f" /* {', '.join(a.tag_values)} */" if a.tag_values else ""
            o.append(f"\t{a.enumerator} = {i + 1},{tags}\n")
        o.append(f"}};\n\nstruct {u.c_name} {{\n\tenum {u.c_name}_kind kind;\n\tunion {{\n")
        for a in u.alts:
            ptr = self.member_type(a.type)
            if not isinstance(a.type, (Struct, Union)):
                ptr = ptr + ("" if ptr.endswith("*") else " ") + "*"
            o.append(f"\t\t{ptr}{'' if ptr.endswith('*') else ' '}{a.member};\n")
        o.append("\t};\n\tchar *raw; /* the JSON as received when kind is UNKNOWN */\n};\n\n")
        return "".join(o)

    def params_decl(self, m):
        P = m.params_c_name.upper()
        o = [comment(f"Parameters of {m.name}. Zero-initialise with {P}_INIT; set has_x for\n"
                     "scalars; NULL strings and lists with NULL items are not sent (\"\" and empty\n"
                     "lists are). Zero, empty and false values are sent.")]
        o.append(f"struct {m.params_c_name} {{\n")
        for prm in m.params:
            if prm.has_name:
                o.append(f"\tbool {prm.has_name};\n")
            o.append(self.field_line(prm.c_name, prm.type, prm.required, prm.description, param=True))
        o.append(f"}};\n#define {P}_INIT SOCAPI_PARAMS_INIT\n\n")
        return "".join(o)

    def method_doc(self, m):
        lines = [f"{m.name}" + (f" ({m.variant})" if m.variant != "response" else "") +
                 (f": {m.description}" if m.description else "")]
        sent = [f"{k}={v}" for k, v in m.forced if v is not None]
        if sent:
            lines.append("Sends " + ", ".join(sent) + " itself.")
        selectors = [k for k, v in m.forced if v is None]
        if selectors:
            lines.append("The result of a call that sets " + " and ".join(selectors) + ".")
        if m.params:
            lines.append("Parameters: " + ", ".join(
                p.name + ("*" if p.required else "") for p in m.params) + " (* = required)")
        lines.append(f"Result: {self.type_doc(m.result)}" + (
            "; release with socapi_free()." if self.result_by_pointer(m.result) else "."))
        lines.extend(self.method_notes(m))
        lines.append("Errors: see socapi_call(). Thread rules: those of the session.")
        return comment("\n".join(lines))

    def method_notes(self, m):
        """What else a method's documentation says: paging, permissions, session,
        circuits and where its facts come from (the header and the reference)."""
        lines = []
        if m.paging:
            lines.append("Paged: socapi_pager_new() iterates it (" + ", ".join(
                f"{k} {v}" for k, v in sorted(m.paging.items())) + ").")
        if m.permissions:
            lines.append("Permissions: " + ", ".join(m.permissions))
        if m.access_token_type:
            lines.append("Token types: " + ", ".join(m.access_token_type))
        if m.session:
            lines.append(f"Session: {m.session}" + (
                " (called without a session key)" if m.session == "none" else ""))
        if "SOCAPI_METHOD_WRITE" in m.flags:
            lines.append("A write: never sent twice without the caller knowing; a connection lost "
                         "after sending fails with SOCAPI_E_OUTCOME_UNKNOWN and is not retried.")
        if m.dedup:
            lines.append(f"Sets {m.dedup} to a fresh random key unless the caller did, so a resend "
                         "by the caller is a no-op on the platform.")
        flags = {"SOCAPI_METHOD_CLIENT_ONLY": "client-server circuit only",
                 "SOCAPI_METHOD_SERVER_ONLY": "server-server circuit only",
                 "SOCAPI_METHOD_UNSIGNED": "sent without a signature"}
        lines.extend(v for k, v in flags.items() if k in m.flags)
        if m.source:
            lines.append(f"Source: {m.source}")
        if m.inferred:
            lines.append(inferred_text(m.inferred).capitalize())
        return lines

    def result_by_pointer(self, t):
        return not ((isinstance(t, Scalar) and t.kind in ("bool", "int", "uint", "number"))
                    or (isinstance(t, Enum) and t.is_int))

    def method_args(self, m):
        params = f"const struct {m.params_c_name} *params, " if m.params else ""
        return f"struct socapi_session *session, {params}{self.result_out(m.result)}, struct socapi_error *err"

    def scraper_args(self, m):
        params = f"const struct {m.params_c_name} *params, " if m.params else ""
        return (f"struct socapi_scraper *scraper, {params}{self.result_out(m.result)}, "
                "struct socapi_error *err")

    def scraper_proto(self, m):
        sc = m.scraper
        lines = [f"{m.name}" + (f" ({m.variant})" if m.variant != "response" else "") +
                 " scraped from my.mail.ru pages by a browser (socapi/scraper.h), a drop-in for "
                 f"{m.c_name}().",
                 "Reads " + ", ".join(sc["parameters"]) + "; any other parameter set is an error.",
                 f"Result: {self.type_doc(m.result)}" + (
                     "; release with socapi_free()." if self.result_by_pointer(m.result) else ".")]
        if sc["source"]:
            lines.append(f"Source: {sc['source']}")
        lines.append("Errors: see socapi/scraper.h. Thread rules: those of the scraper.")
        return (comment("\n".join(lines)) +
                f"extern const struct socapi_scrape_method {sc['c_name']}_method;\n"
                f"SOCAPI_NODISCARD enum socapi_status {sc['c_name']}({self.scraper_args(m)});\n\n")

    def method_proto(self, m):
        return (self.method_doc(m) + f"extern const struct socapi_method {m.c_name}_method;\n"
                f"SOCAPI_NODISCARD enum socapi_status {m.c_name}({self.method_args(m)});\n\n")

    # ---- the source ----

    def source(self, header_name):
        self.arrays = {}
        body = []
        for e in self.sorted_enums():
            body.append(self.enum_tables(e))
        for s in self.sorted_structs():
            body.append(self.struct_tables(s))
        for u in self.sorted_unions():
            body.append(self.union_tables(u))
        for t in self.sorted_structs() + self.sorted_unions():
            body.append(self.helpers(t.c_name, f"struct {t.c_name}"))
        for name, a in self.all_lists():
            body.append(f"const struct socapi_type {name}_type = {{SOCAPI_KIND_ARRAY, 0, "
                        f"sizeof(struct {name}), {self.type_ref(a.elem)}, {c_string(name)}}};\n")
            body.append(self.helpers(name, f"struct {name}"))
        done = set()
        for m in self.p.methods:
            if m.params and m.params_c_name not in done:
                done.add(m.params_c_name)
                body.append(self.params_tables(m))
            if len(self.variants_of(m)) > 1 and m.base_c_name not in done:
                done.add(m.base_c_name)
                body.append(f"static const struct socapi_method *const {m.base_c_name}_variants[] = {{\n"
                            + "".join(f"\t&{v.c_name}_method,\n" for v in self.variants_of(m)) + "};\n")
            body.append(self.method_def(m))
        scraped = set()
        for m in self.p.methods:
            if m.scraper:
                body.append(self.scraper_def(m, m.name not in scraped))
                scraped.add(m.name)
        body.append(f"const struct socapi_method *const {self.prefix}_methods[] = {{\n")
        body.extend(f"\t&{m.c_name}_method,\n" for m in self.p.methods)
        body.append(f"}};\nconst size_t {self.prefix}_n_methods = {len(self.p.methods)};\n")
        scrapers = [m for m in self.p.methods if m.scraper]
        if scrapers:
            body.append(f"\nconst struct socapi_scrape_method *const {self.prefix}_scrapers[] = {{\n")
            body.extend(f"\t&{m.scraper['c_name']}_method,\n" for m in scrapers)
            body.append(f"}};\nconst size_t {self.prefix}_n_scrapers = {len(scrapers)};\n")
        arrays = []
        for key, a in sorted(self.arrays.items()):
            if key.startswith("socapi_") or key != self.list_name(a):
                list_c = self.list_name(a)
                arrays.append(f"static const struct socapi_type {key}_type = {{SOCAPI_KIND_ARRAY, 0, "
                              f"sizeof(struct {list_c}), {self.type_ref(a.elem)}, {c_string(list_c)}}};\n")
        forward = "".join(f"static const struct socapi_type {k}_type;\n" for k in sorted(self.arrays)
                          if k.startswith("socapi_") or k != self.list_name(self.arrays[k]))
        return (self.banner() + f"#include \"{header_name}\"\n\n#include <stddef.h>\n\n"
                + forward + "\n" + "".join(arrays) + "\n" + "".join(body))

    def enum_tables(self, e):
        rows = "".join(
            f"\t{{{c_string(label)}, {v if e.is_int else 0}, {'NULL' if e.is_int else c_string(v)}}},\n"
            for _, label, v in e.values)
        kind = "SOCAPI_KIND_ENUM_INT" if e.is_int else "SOCAPI_KIND_ENUM_STRING"
        size = "int64_t" if e.is_int else "char *"
        return (f"static const struct socapi_enum_value {e.c_name}_values[] = {{\n{rows}}};\n"
                f"const struct socapi_enum {e.c_name}_enum = {{{c_string(e.name)}, {len(e.values)}, "
                f"{e.c_name}_values}};\n"
                f"const struct socapi_type {e.c_name}_type = {{{kind}, 0, sizeof({size}), "
                f"&{e.c_name}_enum, {c_string(e.name)}}};\n\n")

    def field_rows(self, ctype, fields, names):
        rows = []
        for f in fields:
            has = f"offsetof({ctype}, {f.has_name})" if f.has_name else "SOCAPI_NO_PRESENCE"
            flags = "SOCAPI_FIELD_REQUIRED" if f.required else "0"
            rows.append(f"\t{{{c_string(names(f))}, offsetof({ctype}, {f.c_name}), {has}, "
                        f"{self.type_ref(f.type)}, {flags}}},\n")
        return "".join(rows)

    def struct_def(self, c_name, ctype, label, names, unknown, where):
        """The socapi_struct of a struct or params struct: its members (emitted
        before, as <c_name>_fields, when there are any) and the key table."""
        seed, bits, slots = key_table(names, where)
        rows = "".join("\t" + ", ".join(str(v) for v in slots[i:i + 16]) + ",\n"
                       for i in range(0, len(slots), 16))
        fields = f"{c_name}_fields" if names else "NULL"
        keys = "NULL"
        out = f"static const uint16_t {c_name}_slots[] = {{\n{rows}}};\n"
        if names:
            out += (f"static const struct socapi_key {c_name}_keys[] = {{\n" + "".join(
                "\t{%#xu, %#xu, %d},\n" % name_key(n) for n in names) + "};\n")
            keys = f"{c_name}_keys"
        unknown_offset = f"offsetof({ctype}, {unknown})" if unknown else "SOCAPI_NO_PRESENCE"
        return (out + f"static const struct socapi_struct {c_name}_struct = {{{c_string(label)}, "
                f"sizeof({ctype}), {len(names)}, {fields},\n\t{unknown_offset}, {seed}u, {bits}, "
                f"{c_name}_slots, {keys}}};\n")

    def struct_tables(self, s):
        ctype = f"struct {s.c_name}"
        out = ""
        if s.fields:
            out = (f"static const struct socapi_field {s.c_name}_fields[] = {{\n"
                   + self.field_rows(ctype, s.fields, lambda f: f.json_name) + "};\n")
        out += self.struct_def(s.c_name, ctype, s.name, [f.json_name for f in s.fields], UNKNOWN_MEMBER,
                               f"object {s.name}")
        return (out + f"const struct socapi_type {s.c_name}_type = {{SOCAPI_KIND_OBJECT, 0, sizeof({ctype}), "
                f"&{s.c_name}_struct, {c_string(s.name)}}};\n\n")

    def union_tables(self, u):
        ctype = f"struct {u.c_name}"
        rows = []
        for i, a in enumerate(u.alts):
            for tag in (a.tag_values or [None]):
                rows.append(f"\t{{{c_string(tag) if tag and u.discriminator else 'NULL'}, {i + 1}, "
                            f"{self.type_ref(a.type)}}},\n")
        disc = c_string(u.discriminator) if u.discriminator else "NULL"
        first = u.alts[0].member if u.alts else "raw"
        return (f"_Static_assert(sizeof(enum {u.c_name}_kind) == sizeof(int), \"tag is an int\");\n"
                f"static const struct socapi_union_alt {u.c_name}_alts[] = {{\n{''.join(rows)}}};\n"
                f"static const struct socapi_union {u.c_name}_union = {{{c_string(u.name)}, {disc}, "
                f"offsetof({ctype}, kind), offsetof({ctype}, {first}), offsetof({ctype}, raw), "
                f"{len(rows)}, {u.c_name}_alts}};\n"
                f"const struct socapi_type {u.c_name}_type = {{SOCAPI_KIND_UNION, 0, sizeof({ctype}), "
                f"&{u.c_name}_union, {c_string(u.name)}}};\n\n")

    def helpers(self, base, ctype):
        return (f"enum socapi_status {base}_decode(const char *json, size_t len, {ctype} **out, "
                f"struct socapi_error *err)\n{{\n\tvoid *root = NULL;\n"
                f"\tenum socapi_status st = socapi_decode(&{base}_type, json, len, &root, err);\n"
                f"\tif (out)\n\t\t*out = root;\n\treturn st;\n}}\n\n"
                f"enum socapi_status {base}_to_json(const {ctype} *value, bool pretty, char **json, "
                f"struct socapi_error *err)\n{{\n"
                f"\treturn socapi_encode_json(&{base}_type, value, pretty, json, err);\n}}\n\n"
                f"void {base}_free({ctype} *value)\n{{\n\tsocapi_free(value);\n}}\n\n")

    def variants_of(self, m):
        """Every typed call of m's method, m included, in table order."""
        return [v for v in self.p.methods if v.name == m.name]

    def params_tables(self, m):
        ctype = f"struct {m.params_c_name}"
        return (f"static const struct socapi_field {m.params_c_name}_fields[] = {{\n"
                + self.field_rows(ctype, m.params, lambda p: p.name) + "};\n"
                + self.struct_def(m.params_c_name, ctype, m.name, [p.name for p in m.params], None,
                                  f"parameters of {m.name}") + "\n")

    def method_def(self, m):
        forced = "NULL"
        out = ""
        if m.forced:
            out = (f"static const struct socapi_forced_param {m.c_name}_forced[] = {{\n"
                   + "".join(f"\t{{{c_string(k)}, {c_string(v) if v is not None else 'NULL'}}},\n"
                             for k, v in m.forced) + "};\n")
            forced = f"{m.c_name}_forced"
        paging = "NULL"
        if m.paging:
            fields = ", ".join(c_string(m.paging[k]) if k in m.paging else "NULL" for k in PAGING_FIELDS)
            out += f"static const struct socapi_paging {m.c_name}_paging = {{{fields}}};\n"
            paging = f"&{m.c_name}_paging"
        flags = " | ".join(m.flags) or "0"
        params = f"&{m.params_c_name}_struct" if m.params else "NULL"
        call_params = "params" if m.params else "NULL"
        n_variants = len(self.variants_of(m))
        variants = f"{m.base_c_name}_variants" if n_variants > 1 else "NULL"
        return (out + f"const struct socapi_method {m.c_name}_method = {{\n"
                f"\t{c_string(m.name)}, {c_string(m.variant)}, {c_string(m.c_name)},\n"
                f"\tSOCAPI_PLATFORM_{self.platform_enum()}, {flags},\n"
                f"\t{params}, {self.type_ref(m.result)},\n"
                f"\t{len(m.forced)}, {forced}, {c_string(m.description)}, {paging},\n"
                f"\t{n_variants if n_variants > 1 else 0}, {variants}, "
                f"{c_string(m.dedup) if m.dedup else 'NULL'},\n}};\n\n"
                f"enum socapi_status {m.c_name}({self.method_args(m)})\n{{\n"
                f"\treturn socapi_call(session, &{m.c_name}_method, {call_params}, out, err);\n}}\n\n")

    def scraper_def(self, m, first_of_method):
        """A scraper's table entry and function; the list of the parameters it
        reads is shared by the method's variants."""
        sc = m.scraper
        names = f"{m.params_c_name}_scraped"
        out = ""
        if first_of_method:
            out = (f"static const char *const {names}[] = {{"
                   + ", ".join(c_string(p) for p in sc["parameters"]) + "};\n")
        call_params = "params" if m.params else "NULL"
        return (out + f"const struct socapi_scrape_method {sc['c_name']}_method = {{\n"
                f"\t&{m.c_name}_method, {c_string(sc['c_name'])}, {len(sc['parameters'])}, {names},\n}};\n\n"
                f"enum socapi_status {sc['c_name']}({self.scraper_args(m)})\n{{\n"
                f"\treturn socapi_scrape(scraper, &{sc['c_name']}_method, {call_params}, out, err);\n}}\n\n")

    def platform_enum(self):
        return {"mailru": "MAILRU", "ok": "OK", "vk": "VK"}.get(self.p.name, self.p.name.upper())
