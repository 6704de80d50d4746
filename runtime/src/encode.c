/*
 * encode.c - params structs to request parameters, and decoded values
 * back to JSON, driven by the same descriptor tables as decode.c.
 */
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const void *member(const void *base, uint32_t offset)
{
	return (const unsigned char *)base + offset;
}

static bool is_present(const void *base, const struct socapi_field *f)
{
	if (f->has_offset == SOCAPI_NO_PRESENCE)
		return true;
	bool has;
	memcpy(&has, member(base, f->has_offset), sizeof has);
	return has;
}

/* ---- values to JSON (json-c objects) ---- */

/*
 * A walk over a value: which members to write, and whether it failed (json-c
 * spells JSON null as a NULL object, so NULL alone tells nothing).
 */
struct encoder {
	unsigned flags;           /* SOCAPI_ENCODE_* */
	bool failed;              /* out of memory, or bad_unknown */
	const char *bad_unknown;  /* the struct whose unknown member is no JSON object's text */
};

static struct json_object *value_to_json(struct encoder *e, const struct socapi_type *t,
                                         const void *storage);

/* j, a json-c constructor's result: NULL means it ran out of memory. */
static struct json_object *made(struct encoder *e, struct json_object *j)
{
	if (!j)
		e->failed = true;
	return j;
}

/* What a walk that built j hands back: j, or NULL (j released) when it failed. */
static struct json_object *unless_failed(struct encoder *e, struct json_object *j)
{
	if (!e->failed)
		return j;
	json_object_put(j);
	return NULL;
}

/* A string slot holding NULL: an absent member, a null element. */
static bool is_null_text(const struct socapi_type *t, const void *slot)
{
	const char *s = NULL;
	if (kind_is_text(t->kind))
		memcpy(&s, slot, sizeof s);
	return kind_is_text(t->kind) && !s;
}

/* A text member as JSON: a string, or (raw_json) the JSON it holds. */
static struct json_object *text_to_json(struct encoder *e, const char *text, bool raw_json)
{
	if (!text)
		return NULL;
	struct json_object *parsed = raw_json ? json_tokener_parse(text) : NULL;
	return parsed ? parsed : made(e, json_object_new_string(text));
}

/* Adds the members kept in an unknown member's text to obj. */
static void add_unknown(struct encoder *e, const struct socapi_struct *desc, const char *text,
                        struct json_object *obj)
{
	struct json_object *members = json_tokener_parse(text);
	if (!json_object_is_type(members, json_type_object)) {
		json_object_put(members);
		e->failed = true;
		e->bad_unknown = desc->name;
		return;
	}
	json_object_object_foreach(members, key, v) {
		if (!e->failed && json_object_object_add(obj, key, json_object_get(v)) != 0) {
			json_object_put(v);
			e->failed = true;
		}
	}
	json_object_put(members);
}

/* The value a member holds, NULL when it is absent (*absent set). */
static struct json_object *member_to_json(struct encoder *e, const struct socapi_field *f, const void *base,
                                          bool *absent)
{
	const void *slot = member(base, f->offset);
	const struct socapi_type *t = f->type;
	const void *ptr = NULL;
	if (t->kind == SOCAPI_KIND_OBJECT || t->kind == SOCAPI_KIND_UNION)
		memcpy(&ptr, slot, sizeof ptr);
	*absent = !is_present(base, f) || is_null_text(t, slot) ||
	          ((t->kind == SOCAPI_KIND_OBJECT || t->kind == SOCAPI_KIND_UNION) && !ptr) ||
	          (t->kind == SOCAPI_KIND_ARRAY && !((const struct socapi_list *)slot)->items);
	if (*absent)
		return NULL;
	return value_to_json(e, t, ptr ? ptr : slot);
}

static struct json_object *object_to_json(struct encoder *e, const struct socapi_struct *desc,
                                          const void *base)
{
	struct json_object *obj = made(e, json_object_new_object());
	for (uint32_t i = 0; obj && i < desc->n_fields && !e->failed; i++) {
		bool absent;
		struct json_object *v = member_to_json(e, &desc->fields[i], base, &absent);
		if (!absent && !e->failed && json_object_object_add(obj, desc->fields[i].json_name, v) != 0) {
			json_object_put(v);
			e->failed = true;
		}
	}
	const char *unknown = NULL;
	if (desc->unknown_offset != SOCAPI_NO_PRESENCE && !(e->flags & SOCAPI_ENCODE_TYPED_ONLY))
		memcpy(&unknown, member(base, desc->unknown_offset), sizeof unknown);
	if (obj && unknown && !e->failed)
		add_unknown(e, desc, unknown, obj);
	return unless_failed(e, obj);
}

static struct json_object *union_to_json(struct encoder *e, const struct socapi_union *u,
                                         const unsigned char *base)
{
	int tag;
	memcpy(&tag, base + u->tag_offset, sizeof tag);
	for (uint32_t i = 0; i < u->n_alts; i++) {
		if (u->alts[i].tag != tag)
			continue;
		const void *ptr;
		memcpy(&ptr, base + u->value_offset, sizeof ptr);
		return ptr ? value_to_json(e, u->alts[i].type, ptr) : NULL;
	}
	const char *raw;
	memcpy(&raw, base + u->raw_offset, sizeof raw);
	return text_to_json(e, raw, true);
}

/* An id the platform sends as a decimal string goes back out as one: JSON
 * tools that read numbers as doubles would round ids above 2^53. */
static struct json_object *decimal_to_json(bool negative, uint64_t magnitude)
{
	char text[24];
	snprintf(text, sizeof text, "%s%" PRIu64, negative ? "-" : "", magnitude);
	return json_object_new_string(text);
}

static struct json_object *value_to_json(struct encoder *e, const struct socapi_type *t,
                                         const void *storage)
{
	switch ((enum socapi_kind)t->kind) {
	case SOCAPI_KIND_BOOL: {
		bool v;
		memcpy(&v, storage, sizeof v);
		return made(e, json_object_new_boolean(v));
	}
	case SOCAPI_KIND_INT:
	case SOCAPI_KIND_ENUM_INT: {
		int64_t v;
		memcpy(&v, storage, sizeof v);
		return made(e, t->flags & SOCAPI_TYPE_FROM_STRING
		                       ? decimal_to_json(v < 0, v < 0 ? 0 - (uint64_t)v : (uint64_t)v)
		                       : json_object_new_int64(v));
	}
	case SOCAPI_KIND_UINT: {
		uint64_t v;
		memcpy(&v, storage, sizeof v);
		return made(e, t->flags & SOCAPI_TYPE_FROM_STRING ? decimal_to_json(false, v)
		                                                  : json_object_new_uint64(v));
	}
	case SOCAPI_KIND_NUMBER: {
		double v;
		memcpy(&v, storage, sizeof v);
		return made(e, json_object_new_double(v));
	}
	case SOCAPI_KIND_STRING:
	case SOCAPI_KIND_ENUM_STRING:
	case SOCAPI_KIND_SCALAR:
	case SOCAPI_KIND_JSON: {
		const char *s;
		memcpy(&s, storage, sizeof s);
		return text_to_json(e, s, t->kind == SOCAPI_KIND_JSON);
	}
	case SOCAPI_KIND_OBJECT:
		return object_to_json(e, t->detail, storage);
	case SOCAPI_KIND_UNION:
		return union_to_json(e, t->detail, storage);
	case SOCAPI_KIND_ARRAY: {
		const struct socapi_list *list = storage;
		const struct socapi_type *elem = t->detail;
		struct json_object *arr = made(e, json_object_new_array_ext((int)list->n_items));
		for (size_t i = 0; arr && i < list->n_items && !e->failed; i++) {
			struct json_object *v =
				value_to_json(e, elem, (const unsigned char *)list->items + i * elem->size);
			if (!e->failed && json_object_array_add(arr, v) != 0) {
				json_object_put(v);
				e->failed = true;
			}
		}
		return unless_failed(e, arr);
	}
	case SOCAPI_KIND_FILE:
		break;
	}
	return NULL;
}

enum socapi_status socapi_encode_json_ex(const struct socapi_type *type, const void *value, unsigned flags,
                                         char **json, struct socapi_error *err)
{
	error_reset(err);
	if (!json)
		return set_error(err, SOCAPI_E_ARG, "socapi_encode_json: json is NULL");
	*json = NULL;
	if (!type || !value)
		return set_error(err, SOCAPI_E_ARG, "socapi_encode_json: type and value are required");
	struct encoder e = {flags, false, NULL};
	/* text results are handed out as the string itself, not a slot */
	struct json_object *j = kind_is_text(type->kind) ? text_to_json(&e, value, type->kind == SOCAPI_KIND_JSON)
	                                                 : value_to_json(&e, type, value);
	if (e.failed || !j) {
		json_object_put(j);
		if (e.bad_unknown)
			return set_error(err, SOCAPI_E_ARG, "socapi_encode_json: the unknown members of %s are "
			                 "not a JSON object", e.bad_unknown);
		return set_error(err, SOCAPI_E_NOMEM, "out of memory while encoding JSON");
	}
	int style = JSON_C_TO_STRING_NOSLASHESCAPE | ((flags & SOCAPI_ENCODE_PRETTY)
	                                                  ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED
	                                                  : JSON_C_TO_STRING_PLAIN);
	size_t len = 0;
	const char *s = json_object_to_json_string_length(j, style, &len);
	struct arena *arena;
	char *copy = s ? result_new(len + 1, &arena) : NULL;
	if (copy)
		memcpy(copy, s, len + 1);
	json_object_put(j);
	if (!copy)
		return set_error(err, SOCAPI_E_NOMEM, "out of memory while encoding JSON");
	*json = copy;
	return SOCAPI_OK;
}

enum socapi_status socapi_encode_json(const struct socapi_type *type, const void *value, bool pretty,
                                      char **json, struct socapi_error *err)
{
	return socapi_encode_json_ex(type, value, pretty ? SOCAPI_ENCODE_PRETTY : 0, json, err);
}

/* ---- params structs to request parameters ---- */

/* Parameters are mostly numbers: digits without printf's cost. */
static void decimal_text(uint64_t v, struct buf *out)
{
	char digits[20];
	size_t n = 0;
	do {
		digits[sizeof digits - ++n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	buf_append(out, digits + sizeof digits - n, n);
}

static void scalar_text(const struct socapi_type *t, const void *slot, const struct param_style *style,
                        struct buf *out)
{
	switch (t->kind) {
	case SOCAPI_KIND_BOOL: {
		bool v;
		memcpy(&v, slot, sizeof v);
		buf_puts(out, v ? style->bool_true : style->bool_false);
		break;
	}
	case SOCAPI_KIND_INT:
	case SOCAPI_KIND_ENUM_INT: {
		int64_t v;
		memcpy(&v, slot, sizeof v);
		if (v < 0)
			buf_append(out, "-", 1);
		/* the magnitude as unsigned: INT64_MIN has no positive twin */
		decimal_text(v < 0 ? 0 - (uint64_t)v : (uint64_t)v, out);
		break;
	}
	case SOCAPI_KIND_UINT: {
		uint64_t v;
		memcpy(&v, slot, sizeof v);
		decimal_text(v, out);
		break;
	}
	case SOCAPI_KIND_NUMBER: {
		double v;
		memcpy(&v, slot, sizeof v);
		buf_printf(out, "%.17g", v);
		break;
	}
	default: {
		const char *s;
		memcpy(&s, slot, sizeof s);
		buf_puts(out, s ? s : "");
		break;
	}
	}
}

static bool is_scalar_kind(uint8_t kind)
{
	return kind != SOCAPI_KIND_OBJECT && kind != SOCAPI_KIND_UNION && kind != SOCAPI_KIND_ARRAY &&
	       kind != SOCAPI_KIND_FILE;
}

/* Objects and arrays of objects are sent as JSON text. */
static void json_text(const struct socapi_type *t, const void *storage, struct buf *out)
{
	struct encoder e = {0, false, NULL};
	struct json_object *j = value_to_json(&e, t, storage);
	if (e.failed || !j) {
		json_object_put(j);
		out->failed = true;
		return;
	}
	buf_puts(out, json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN |
	                                                    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(j);
}

enum socapi_status encode_params(const struct socapi_struct *desc, const void *params,
                                 const struct param_style *style, struct pairs *out,
                                 struct socapi_error *err)
{
	if (!desc || !params)
		return SOCAPI_OK;
	struct buf text = {0}; /* one value at a time */
	enum socapi_status st = SOCAPI_OK;
	for (uint32_t i = 0; i < desc->n_fields && st == SOCAPI_OK; i++) {
		const struct socapi_field *f = &desc->fields[i];
		const struct socapi_type *t = f->type;
		const void *slot = member(params, f->offset);
		if (!is_present(params, f))
			continue;
		buf_clear(&text);
		if (t->kind == SOCAPI_KIND_FILE) {
			const struct socapi_file *file;
			memcpy(&file, slot, sizeof file);
			if (!file)
				continue;
			if (!file->path && !file->data)
				st = set_error(err, SOCAPI_E_ARG, "parameter %s: a file needs a path or data",
				               f->json_name);
			else if (!pairs_add_file(out, f->json_name, file))
				st = set_error(err, SOCAPI_E_NOMEM, "out of memory");
			continue;
		}
		if (t->kind == SOCAPI_KIND_ARRAY) {
			const struct socapi_list *list = slot;
			const struct socapi_type *elem = t->detail;
			if (!list->items)
				continue;
			if (is_scalar_kind(elem->kind)) {
				/* lists go comma-joined */
				for (size_t k = 0; k < list->n_items; k++) {
					if (k)
						buf_append(&text, ",", 1);
					scalar_text(elem, (const unsigned char *)list->items + k * elem->size,
					            style, &text);
				}
			} else {
				json_text(t, slot, &text);
			}
		} else if (t->kind == SOCAPI_KIND_OBJECT || t->kind == SOCAPI_KIND_UNION) {
			const void *ptr;
			memcpy(&ptr, slot, sizeof ptr);
			if (!ptr)
				continue;
			json_text(t, ptr, &text);
		} else {
			if (f->has_offset == SOCAPI_NO_PRESENCE) {
				const char *s;
				memcpy(&s, slot, sizeof s);
				if (!s)
					continue; /* NULL string: not sent; "" is sent */
			}
			scalar_text(t, slot, style, &text);
		}
		if (!buf_terminate(&text) || !pairs_add_len(out, f->json_name, text.data, text.len))
			st = set_error(err, SOCAPI_E_NOMEM, "out of memory");
	}
	buf_release(&text);
	return st;
}
