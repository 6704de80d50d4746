/*
 * decode.c - JSON (a json-c tree) to C structs, driven by the generated
 * descriptor tables. One result arena holds everything; on any failure
 * the arena is released and nothing is handed back.
 */
#include "internal.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_JSON_DEPTH 64

struct decoder {
	struct arena *arena;
	struct socapi_error *err;
	/* kept as steps and spelled out only for an error: formatting it at
	 * every member was a tenth of the decoding time */
	struct path_step path[MAX_PATH];
	size_t depth;
};

/* ---- the JSON path of the value being decoded, for error messages ---- */

static size_t path_push(struct decoder *d, const char *key, size_t index)
{
	if (d->depth < MAX_PATH)
		d->path[d->depth] = (struct path_step){key, index};
	return d->depth++;
}

static void path_pop(struct decoder *d, size_t saved)
{
	d->depth = saved;
}

enum socapi_status path_error(struct socapi_error *err, enum socapi_status status,
                              const struct path_step *steps, size_t depth, const char *fmt, ...)
{
	if (!err)
		return status;
	/* "[3].location.city.id"; "(root)" in the message for the top */
	char path[sizeof err->path];
	size_t len = 0;
	path[0] = '\0';
	for (size_t i = 0; i < depth && i < MAX_PATH && len < sizeof path; i++) {
		int n = steps[i].key ? snprintf(path + len, sizeof path - len, "%s%s", len ? "." : "", steps[i].key)
		                     : snprintf(path + len, sizeof path - len, "[%zu]", steps[i].index);
		len += n > 0 ? (size_t)n : 0;
	}
	char problem[sizeof err->message];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(problem, sizeof problem, fmt, ap);
	va_end(ap);
	copy_text(err->path, sizeof err->path, path);
	return set_error(err, status, "%s: %s", depth ? path : "(root)", problem);
}

static const char *json_kind_name(struct json_object *j)
{
	switch (json_object_get_type(j)) {
	case json_type_null: return "null";
	case json_type_boolean: return "boolean";
	case json_type_double: return "number";
	case json_type_int: return "integer";
	case json_type_object: return "object";
	case json_type_array: return "array";
	case json_type_string: return "string";
	}
	return "unknown";
}

static enum socapi_status type_error(struct decoder *d, const char *expected, struct json_object *j)
{
	return path_error(d->err, SOCAPI_E_DECODE, d->path, d->depth, "expected %s, got %s", expected,
	                  json_kind_name(j));
}

static enum socapi_status range_error(struct decoder *d, const char *what)
{
	return path_error(d->err, SOCAPI_E_DECODE, d->path, d->depth, "%s", what);
}

static enum socapi_status no_memory(struct decoder *d)
{
	return set_error(d->err, SOCAPI_E_NOMEM, "out of memory while decoding");
}

/* ---- scalars: the rules themselves live in scalars.c ---- */

bool parse_decimal(const char *s, bool is_unsigned, int64_t *i, uint64_t *u)
{
	const char *digits = !is_unsigned && *s == '-' ? s + 1 : s;
	if (!*digits || strspn(digits, "0123456789") != strlen(digits))
		return false;
	errno = 0;
	if (is_unsigned)
		*u = strtoull(s, NULL, 10);
	else
		*i = strtoll(s, NULL, 10);
	return errno == 0;
}

static enum socapi_status number_error(struct decoder *d, enum num_read r, uint8_t kind, bool quoted)
{
	return range_error(d, num_problem(r, kind, quoted));
}

/* The text json-c keeps for a number: a double's literal as sent, an
 * integer's decimal spelling. */
static const char *number_text(struct json_object *j)
{
	return json_object_get_string(j);
}

static enum socapi_status decode_int(struct decoder *d, const struct socapi_type *t,
                                     struct json_object *j, void *out)
{
	enum json_type jt = json_object_get_type(j);
	if (jt == json_type_int) {
		/* exact: literals json-c would clamp were refused before */
		int64_t i = json_object_get_int64(j);
		uint64_t u = json_object_get_uint64(j);
		bool is_unsigned = t->kind == SOCAPI_KIND_UINT;
		if (is_unsigned ? i < 0 : i == INT64_MAX && u > (uint64_t)INT64_MAX)
			return number_error(d, NUM_RANGE, t->kind, false);
		if (is_unsigned)
			memcpy(out, &u, sizeof u);
		else
			memcpy(out, &i, sizeof i);
		return SOCAPI_OK;
	}
	if (jt == json_type_double || jt == json_type_string) {
		const char *text = number_text(j);
		enum num_read r = integer_from_text(t, text, strlen(text), out);
		return r == NUM_OK ? SOCAPI_OK : number_error(d, r, t->kind, jt == json_type_string);
	}
	if (jt == json_type_boolean && is_flag_enum(t)) {
		int64_t i = json_object_get_boolean(j) ? 1 : 0;
		memcpy(out, &i, sizeof i);
		return SOCAPI_OK;
	}
	return type_error(d, is_flag_enum(t) ? "integer or boolean" : "integer", j);
}

static enum socapi_status decode_bool(struct decoder *d, struct json_object *j, bool *out)
{
	enum json_type jt = json_object_get_type(j);
	if (jt == json_type_boolean) {
		*out = json_object_get_boolean(j) != 0;
		return SOCAPI_OK;
	}
	if (jt == json_type_int || jt == json_type_double || jt == json_type_string) {
		/* VK's base_bool_int and Mail.Ru flags: 0/1 stand for booleans */
		const char *text = number_text(j);
		enum num_read r = bool_from_text(text, strlen(text), out);
		return r == NUM_OK ? SOCAPI_OK : number_error(d, r, SOCAPI_KIND_BOOL, jt == json_type_string);
	}
	return type_error(d, "boolean", j);
}

static enum socapi_status decode_number(struct decoder *d, struct json_object *j, double *out)
{
	enum json_type jt = json_object_get_type(j);
	enum num_read r = NUM_OK;
	if (jt == json_type_int || jt == json_type_double)
		*out = json_object_get_double(j);
	else if (jt == json_type_string)
		r = read_double(json_object_get_string(j), (size_t)json_object_get_string_len(j), out);
	else
		return type_error(d, "number", j);
	if (r == NUM_OK && !isfinite(*out))
		r = NUM_RANGE;
	return r == NUM_OK ? SOCAPI_OK : number_error(d, r, SOCAPI_KIND_NUMBER, jt == json_type_string);
}

static enum socapi_status store_text(struct decoder *d, const char *s, size_t len, char **out)
{
	*out = arena_strndup(d->arena, s, len);
	return *out ? SOCAPI_OK : no_memory(d);
}

/* The text a text-kind value keeps, borrowed from j. */
static enum socapi_status text_of(struct decoder *d, const struct socapi_type *t,
                                  struct json_object *j, const char **text, size_t *len)
{
	enum json_type jt = json_object_get_type(j);
	if (t->kind == SOCAPI_KIND_JSON) {
		/* anything, a scalar as its JSON spelling */
		*text = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN |
		                                              JSON_C_TO_STRING_NOSLASHESCAPE);
		if (!*text)
			return no_memory(d);
		*len = strlen(*text);
		return SOCAPI_OK;
	}
	if (jt == json_type_string) {
		*text = json_object_get_string(j);
		*len = (size_t)json_object_get_string_len(j);
		if (memchr(*text, '\0', *len))
			return range_error(d, "string holds a NUL character (\\u0000)");
		return SOCAPI_OK;
	}
	/* a number where a string is expected: its text, as sent */
	bool scalar = t->kind == SOCAPI_KIND_SCALAR;
	if (jt == json_type_int || jt == json_type_double || (scalar && jt == json_type_boolean)) {
		*text = number_text(j);
		*len = strlen(*text);
		return SOCAPI_OK;
	}
	return type_error(d, scalar ? "scalar" : "string", j);
}

static enum socapi_status decode_text(struct decoder *d, const struct socapi_type *t,
                                      struct json_object *j, char **out)
{
	const char *text;
	size_t len;
	enum socapi_status st = text_of(d, t, j, &text, &len);
	return st == SOCAPI_OK ? store_text(d, text, len, out) : st;
}

/* null, or "" where a number or flag belongs: the value is absent */
static bool stands_for_absent(const struct socapi_type *t, struct json_object *j)
{
	return !j || json_object_is_type(j, json_type_null) ||
	       (kind_is_number_like(t->kind) && json_object_is_type(j, json_type_string) &&
	        json_object_get_string_len(j) == 0);
}

/* VK sends [] for an empty object */
static bool is_empty_array(struct json_object *j)
{
	return json_object_is_type(j, json_type_array) && json_object_array_length(j) == 0;
}
/* ---- compound values ---- */

static enum socapi_status decode_value(struct decoder *d, const struct socapi_type *t,
                                       struct json_object *j, void *storage);

static bool stored_by_pointer(const struct socapi_type *t)
{
	return t->kind == SOCAPI_KIND_OBJECT || t->kind == SOCAPI_KIND_UNION;
}

/* Decodes into a new arena block and stores its address at *slot. */
static enum socapi_status decode_boxed(struct decoder *d, const struct socapi_type *t,
                                       struct json_object *j, void **slot)
{
	void *box = arena_alloc(d->arena, t->size);
	if (!box)
		return no_memory(d);
	enum socapi_status st = decode_value(d, t, j, box);
	if (st == SOCAPI_OK)
		*slot = box;
	return st;
}

/* Whether the schema names a member key. A scan of the fields, not the key
 * table: the reference decoder finds members its own way, so the
 * differential check tests the one-pass decoder's lookup too. */
static bool schema_knows(const struct socapi_struct *desc, const char *key)
{
	for (uint32_t i = 0; i < desc->n_fields; i++)
		if (strcmp(desc->fields[i].json_name, key) == 0)
			return true;
	return false;
}

/* The members of j the schema does not know, as JSON object text at *out. */
static enum socapi_status keep_unknown(struct decoder *d, const struct socapi_struct *desc,
                                       struct json_object *j, char **out)
{
	struct json_object *unknown = NULL;
	json_object_object_foreach(j, key, v) {
		if (schema_knows(desc, key))
			continue;
		if (!unknown && !(unknown = json_object_new_object()))
			return no_memory(d);
		if (json_object_object_add(unknown, key, json_object_get(v)) != 0) {
			json_object_put(v);
			json_object_put(unknown);
			return no_memory(d);
		}
	}
	if (!unknown)
		return SOCAPI_OK;
	size_t len;
	const char *text = json_object_to_json_string_length(
		unknown, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	enum socapi_status st = text ? store_text(d, text, len, out) : no_memory(d);
	json_object_put(unknown);
	return st;
}

static enum socapi_status decode_object(struct decoder *d, const struct socapi_struct *desc,
                                        struct json_object *j, unsigned char *base)
{
	if (is_empty_array(j))
		return SOCAPI_OK;
	if (json_object_get_type(j) != json_type_object)
		return type_error(d, "object", j);
	for (uint32_t i = 0; i < desc->n_fields; i++) {
		const struct socapi_field *f = &desc->fields[i];
		struct json_object *v;
		if (!json_object_object_get_ex(j, f->json_name, &v) || stands_for_absent(f->type, v))
			continue; /* absent; "required" in a schema is not trusted */
		size_t saved = path_push(d, f->json_name, 0);
		enum socapi_status st;
		if (stored_by_pointer(f->type))
			st = decode_boxed(d, f->type, v, (void **)(void *)(base + f->offset));
		else
			st = decode_value(d, f->type, v, base + f->offset);
		if (st != SOCAPI_OK)
			return st;
		path_pop(d, saved);
		if (f->has_offset != SOCAPI_NO_PRESENCE)
			base[f->has_offset] = 1; /* the bool has_x member */
	}
	return desc->unknown_offset == SOCAPI_NO_PRESENCE
	               ? SOCAPI_OK
	               : keep_unknown(d, desc, j, (char **)(void *)(base + desc->unknown_offset));
}

static enum socapi_status decode_array(struct decoder *d, const struct socapi_type *elem,
                                       struct json_object *j, struct socapi_list *list)
{
	if (json_object_get_type(j) != json_type_array)
		return type_error(d, "array", j);
	size_t n = json_object_array_length(j);
	if (elem->size && n > SIZE_MAX / elem->size)
		return no_memory(d);
	unsigned char *items = arena_alloc(d->arena, n * elem->size);
	if (!items)
		return no_memory(d);
	for (size_t i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(j, i);
		if (stands_for_absent(elem, v))
			continue; /* left zeroed */
		size_t saved = path_push(d, NULL, i);
		enum socapi_status st = decode_value(d, elem, v, items + i * elem->size);
		if (st != SOCAPI_OK)
			return st;
		path_pop(d, saved);
	}
	list->items = items;
	list->n_items = n;
	return SOCAPI_OK;
}

bool alt_accepts(const struct socapi_type *t, enum json_type jt)
{
	switch (t->kind) {
	case SOCAPI_KIND_OBJECT:
	case SOCAPI_KIND_UNION:
		return jt == json_type_object;
	case SOCAPI_KIND_ARRAY:
		return jt == json_type_array;
	case SOCAPI_KIND_STRING:
	case SOCAPI_KIND_ENUM_STRING:
		return jt == json_type_string;
	case SOCAPI_KIND_INT:
	case SOCAPI_KIND_UINT:
	case SOCAPI_KIND_ENUM_INT:
		return jt == json_type_int;
	case SOCAPI_KIND_NUMBER:
		return jt == json_type_int || jt == json_type_double;
	case SOCAPI_KIND_BOOL:
		return jt == json_type_boolean;
	default:
		return true;
	}
}

static const struct socapi_union_alt *union_pick(const struct socapi_union *u, struct json_object *j)
{
	if (u->discriminator) {
		struct json_object *tag;
		if (json_object_get_type(j) != json_type_object ||
		    !json_object_object_get_ex(j, u->discriminator, &tag) ||
		    json_object_get_type(tag) != json_type_string)
			return NULL;
		const char *value = json_object_get_string(tag);
		for (uint32_t i = 0; i < u->n_alts; i++)
			if (u->alts[i].tag_value && strcmp(u->alts[i].tag_value, value) == 0)
				return &u->alts[i];
		return NULL;
	}
	enum json_type jt = json_object_get_type(j);
	for (uint32_t i = 0; i < u->n_alts; i++)
		if (alt_accepts(u->alts[i].type, jt))
			return &u->alts[i];
	if (is_empty_array(j)) /* [] for an empty object */
		for (uint32_t i = 0; i < u->n_alts; i++)
			if (alt_accepts(u->alts[i].type, json_type_object))
				return &u->alts[i];
	return NULL;
}

static enum socapi_status decode_union(struct decoder *d, const struct socapi_union *u,
                                       struct json_object *j, unsigned char *base)
{
	const struct socapi_union_alt *alt = union_pick(u, j);
	if (!alt) {
		/* unknown kind: tag 0, keep the raw JSON so nothing is lost */
		static const struct socapi_type raw = {SOCAPI_KIND_JSON, 0, sizeof(char *), NULL, "json"};
		return decode_text(d, &raw, j, (char **)(void *)(base + u->raw_offset));
	}
	enum socapi_status st = decode_boxed(d, alt->type, j, (void **)(void *)(base + u->value_offset));
	if (st == SOCAPI_OK)
		memcpy(base + u->tag_offset, &alt->tag, sizeof alt->tag);
	return st;
}

static enum socapi_status decode_value(struct decoder *d, const struct socapi_type *t,
                                       struct json_object *j, void *storage)
{
	switch ((enum socapi_kind)t->kind) {
	case SOCAPI_KIND_BOOL:
		return decode_bool(d, j, storage);
	case SOCAPI_KIND_INT:
	case SOCAPI_KIND_UINT:
	case SOCAPI_KIND_ENUM_INT:
		return decode_int(d, t, j, storage);
	case SOCAPI_KIND_NUMBER:
		return decode_number(d, j, storage);
	case SOCAPI_KIND_STRING:
	case SOCAPI_KIND_ENUM_STRING:
	case SOCAPI_KIND_SCALAR:
	case SOCAPI_KIND_JSON:
		return decode_text(d, t, j, storage);
	case SOCAPI_KIND_OBJECT:
		return decode_object(d, t->detail, j, storage);
	case SOCAPI_KIND_UNION:
		return decode_union(d, t->detail, j, storage);
	case SOCAPI_KIND_ARRAY:
		return decode_array(d, t->detail, j, storage);
	case SOCAPI_KIND_FILE:
		break;
	}
	return range_error(d, "type cannot be decoded");
}

enum socapi_status decode_tree(const struct socapi_type *type, struct json_object *json,
                               void **out, struct socapi_error *err)
{
	*out = NULL;
	struct decoder d = {.err = err};
	struct arena *arena;
	enum socapi_status st;
	if (kind_is_text(type->kind)) {
		/* a text result is the string itself, so it can be freed as one */
		const char *text;
		size_t len;
		st = text_of(&d, type, json, &text, &len);
		if (st != SOCAPI_OK)
			return st;
		char *root = result_new(len + 1, &arena);
		if (!root)
			return set_error(err, SOCAPI_E_NOMEM, "out of memory while decoding");
		memcpy(root, text, len);
		root[len] = '\0';
		*out = root;
		return SOCAPI_OK;
	}
	void *root = result_new(type->size, &arena);
	if (!root)
		return set_error(err, SOCAPI_E_NOMEM, "out of memory while decoding");
	d.arena = arena;
	st = decode_value(&d, type, json, root);
	if (st != SOCAPI_OK) {
		socapi_free(root);
		return st;
	}
	*out = root;
	return SOCAPI_OK;
}

enum socapi_status parse_json(const char *text, size_t len, struct json_object **out,
                              struct socapi_error *err)
{
	return parse_json_reusing(NULL, text, len, out, err);
}

enum socapi_status parse_json_reusing(struct json_tokener **reuse, const char *text, size_t len,
                                      struct json_object **out, struct socapi_error *err)
{
	*out = NULL;
	if (len > INT_MAX - 1)
		return set_error(err, SOCAPI_E_PARSE, "JSON body too large (%zu bytes)", len);
	struct json_tokener *tok = reuse ? *reuse : NULL;
	if (tok) {
		json_tokener_reset(tok);
	} else {
		tok = json_tokener_new_ex(MAX_JSON_DEPTH);
		if (!tok)
			return set_error(err, SOCAPI_E_NOMEM, "out of memory creating the JSON parser");
		json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
		if (reuse)
			*reuse = tok;
	}
	struct json_object *root = json_tokener_parse_ex(tok, text, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);
	if (!root && jerr == json_tokener_continue) {
		/* all input read: a NUL ends a bare number ("1") or null, anything else is truncated */
		root = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
		if (jerr == json_tokener_continue)
			jerr = json_tokener_error_parse_eof;
		end = len;
	}
	if (!reuse)
		json_tokener_free(tok);
	if (jerr != json_tokener_success) {
		json_object_put(root);
		return set_error(err, SOCAPI_E_PARSE, "body is not JSON: %s at byte %zu",
		                 json_tokener_error_desc(jerr), end);
	}
	for (size_t i = end; i < len; i++) {
		char c = text[i];
		if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
			json_object_put(root);
			return set_error(err, SOCAPI_E_PARSE, "body is not JSON: trailing data at byte %zu", i);
		}
	}
	if (!root) /* json-c's null is a NULL object: nothing a caller could read */
		return set_error(err, SOCAPI_E_DECODE, "the body is JSON null: no result and no error");
	*out = root;
	return SOCAPI_OK;
}

enum socapi_status parse_typed_json(struct json_tokener **reuse, const char *text, size_t len,
                                    struct json_object **out, struct socapi_error *err)
{
	enum socapi_status st = parse_json_reusing(reuse, text, len, out, err);
	size_t where;
	if (st == SOCAPI_OK && find_clamped_integer(text, len, &where)) {
		json_object_put(*out);
		*out = NULL;
		return set_error(err, SOCAPI_E_PARSE, "integer out of range at byte %zu", where);
	}
	return st;
}

enum socapi_status decode_reference(const struct socapi_type *type, const char *json, size_t len,
                                    void **out, struct socapi_error *err)
{
	error_reset(err);
	*out = NULL;
	struct json_object *root;
	enum socapi_status st = parse_typed_json(NULL, json, len, &root, err);
	if (st != SOCAPI_OK)
		return st;
	st = decode_tree(type, root, out, err);
	json_object_put(root);
	return st;
}

bool socapi_enum_int_known(const struct socapi_enum *e, int64_t value)
{
	for (uint32_t i = 0; i < e->n_values; i++)
		if (!e->values[i].str_value && e->values[i].int_value == value)
			return true;
	return false;
}

bool socapi_enum_string_known(const struct socapi_enum *e, const char *value)
{
	for (uint32_t i = 0; i < e->n_values; i++)
		if (e->values[i].str_value && value && strcmp(e->values[i].str_value, value) == 0)
			return true;
	return false;
}
