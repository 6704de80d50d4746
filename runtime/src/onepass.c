/*
 * onepass.c - the one-pass decoder: reads the body bytes once (reader.h)
 * and writes straight into the result arena, driven by the generated
 * descriptor tables; no intermediate tree. Typed calls, the pager, the
 * batch and socapi_decode use it. decode.c (json-c) is its reference: the
 * two read every value by the same rules (scalars.c), and a differential
 * fuzzer holds them to the same results.
 *
 * How it stays fast (the techniques of upb's JSON decoder and yyjson's
 * reader): errors longjmp out, so the walk never tests a status; members
 * are found through the generated key tables and confirmed by two word
 * compares (internal.h, member_by_hash), after a guess from the order the
 * previous object had; strings are scanned 16 bytes at a time and copied
 * (or unescaped) once, into the arena; integers are read digit by digit,
 * never through double; the arena's first block is sized from the body.
 *
 * Lists are the one thing a single pass cannot size beforehand: their
 * elements are decoded on a scratch stack and copied into the arena once
 * the list ends. The scratch may move while it grows, so a value being
 * decoded there is addressed by offset (struct place) and written only
 * after the values nested in it are done. The text of unknown members is
 * gathered on the same stack.
 */
#include "reader.h"

#include <stdio.h>
#include <string.h>

#define SCRATCH_FIRST 4096
#define N_HINTS 256

/* After member `after` of an object (or its struct: the first member), the
 * member `next` came, the last time. */
struct hint {
	const void *after;
	const struct socapi_field *next;
};

/* Where a value is written: fixed memory (an arena block), or an offset
 * into the scratch stack, which may move. */
struct place {
	unsigned char *fixed;
	size_t off;
};

struct onepass {
	struct reader r;
	struct arena *arena;
	void *root;             /* the result, released on failure */
	size_t first_block;     /* the arena's first block, from the body's length */
	unsigned char *scratch; /* a stack: list elements, unknown members' text */
	size_t used, cap;
	const char *error_key;  /* a root member that makes the body an error envelope */
	bool keep_unknown;      /* members the schema lacks are kept (else only passed over) */
	bool not_success;       /* the body is an error envelope, or no VK envelope */
	struct path_step path[MAX_PATH];
	size_t depth;
	struct hint hints[N_HINTS];
	jmp_buf fail;
};

static unsigned char *at(const struct onepass *d, struct place pl)
{
	return (pl.fixed ? pl.fixed : d->scratch) + pl.off;
}

static struct place inside(struct place pl, size_t offset)
{
	return (struct place){pl.fixed, pl.off + offset};
}

/* ---- failing: everything longjmps to decode_body ---- */

static NORETURN void out_of_memory(struct onepass *d)
{
	set_error(d->r.err, SOCAPI_E_NOMEM, "out of memory while decoding");
	longjmp(d->fail, 1);
}

static NORETURN void decode_fail(struct onepass *d, const char *problem)
{
	path_error(d->r.err, SOCAPI_E_DECODE, d->path, d->depth, "%s", problem);
	longjmp(d->fail, 1);
}

/* The body is no success envelope: decode_body's caller reads it the slow way. */
static NORETURN void not_success(struct onepass *d)
{
	d->not_success = true;
	set_error(d->r.err, SOCAPI_E_API, "the answer is not a result");
	longjmp(d->fail, 1);
}

/* What the next value is, in the words of a type error. */
static const char *kind_name(struct onepass *d, enum token t)
{
	static const char *const names[] = {"object", "array", "string", "number", "boolean", "boolean", "null"};
	if (t == TOKEN_NUMBER) {
		struct number n;
		read_number(&d->r, &n);
		return n.integral ? "integer" : "number";
	}
	return names[t];
}

static NORETURN void type_fail(struct onepass *d, const char *expected, enum token t)
{
	char problem[96];
	snprintf(problem, sizeof problem, "expected %s, got %s", expected, kind_name(d, t));
	decode_fail(d, problem);
}

static void number_fail(struct onepass *d, enum num_read r, uint8_t kind, bool quoted)
{
	if (r != NUM_OK)
		decode_fail(d, num_problem(r, kind, quoted));
}

static void path_push(struct onepass *d, const char *key, size_t index)
{
	if (d->depth < MAX_PATH)
		d->path[d->depth] = (struct path_step){key, index};
	d->depth++;
}

/* ---- memory ---- */

static void *arena_take(struct onepass *d, size_t size, bool zeroed)
{
	void *p = zeroed ? arena_alloc(d->arena, size) : arena_alloc_raw(d->arena, size);
	if (!p)
		out_of_memory(d);
	return p;
}

/* size bytes on top of the scratch stack (zeroed when asked); their offset. */
static size_t scratch_push(struct onepass *d, size_t size, bool zeroed)
{
	if (size > d->cap - d->used) {
		size_t cap = d->cap ? d->cap : SCRATCH_FIRST;
		while (cap - d->used < size) {
			if (cap > SIZE_MAX / 2)
				out_of_memory(d);
			cap *= 2;
		}
		unsigned char *grown = sc_realloc(d->scratch, cap);
		if (!grown)
			out_of_memory(d);
		d->scratch = grown;
		d->cap = cap;
	}
	size_t off = d->used;
	if (zeroed)
		memset(d->scratch + off, 0, size);
	d->used += size;
	return off;
}

static void scratch_append(struct onepass *d, const char *text, size_t len)
{
	size_t off = scratch_push(d, len, false); /* before d->scratch is read: it may move */
	memcpy(d->scratch + off, text, len);
}

/* Writes a string's text to out (s.len + 1 bytes), unescaped and
 * NUL-terminated; an escaped NUL cannot be kept in a C string. */
static void put_text(struct onepass *d, struct span s, char *out)
{
	if (!s.escaped) {
		memcpy(out, s.text, s.len);
		out[s.len] = '\0';
		return;
	}
	bool has_nul;
	unescape(s, out, &has_nul);
	if (has_nul)
		decode_fail(d, "string holds a NUL character (\\u0000)");
}

/* The same in a new arena string. */
static char *string_copy(struct onepass *d, struct span s)
{
	char *copy = arena_take(d, s.len + 1, false);
	put_text(d, s, copy);
	return copy;
}

/* A string's content for reading it as a number: unescaped when it must be. */
static struct span string_text(struct onepass *d, struct span s)
{
	if (!s.escaped)
		return s;
	char *copy = arena_take(d, s.len + 1, false);
	bool has_nul;
	size_t len = unescape(s, copy, &has_nul);
	return (struct span){copy, len, false};
}

/* ---- scalars, by the rules in scalars.c ---- */

static void store(struct onepass *d, struct place pl, const void *value, size_t size)
{
	memcpy(at(d, pl), value, size);
}

/* An integer literal as kind t would hold it (json-c's reading of it). */
static enum num_read integral_value(const struct number *n, uint8_t kind, void *out)
{
	if (kind == SOCAPI_KIND_UINT) {
		if (n->negative && n->magnitude)
			return NUM_RANGE;
		memcpy(out, &n->magnitude, sizeof n->magnitude);
		return NUM_OK;
	}
	if (!n->negative && n->magnitude > (uint64_t)INT64_MAX)
		return NUM_RANGE;
	int64_t i = n->negative ? (int64_t)(0 - n->magnitude) : (int64_t)n->magnitude;
	memcpy(out, &i, sizeof i);
	return NUM_OK;
}

static void number_value(struct onepass *d, const struct socapi_type *t, enum token tok, struct place pl)
{
	uint8_t kind = t->kind;
	enum num_read r = NUM_OK;
	if (tok == TOKEN_NUMBER) {
		struct number n;
		read_number(&d->r, &n);
		if (kind == SOCAPI_KIND_NUMBER) {
			double v;
			if (n.integral) /* json-c's integer as a double: -0 is 0 */
				v = n.negative ? (double)(int64_t)(0 - n.magnitude) : (double)n.magnitude;
			else
				r = read_double(n.text, n.len, &v);
			number_fail(d, r, kind, false);
			store(d, pl, &v, sizeof v);
		} else if (kind == SOCAPI_KIND_BOOL) {
			bool v = n.magnitude == 1;
			if (!n.integral)
				r = bool_from_text(n.text, n.len, &v);
			else if (n.magnitude > 1 || (n.negative && n.magnitude))
				r = NUM_RANGE;
			number_fail(d, r, kind, false);
			store(d, pl, &v, sizeof v);
		} else {
			uint64_t v;
			r = n.integral ? integral_value(&n, kind, &v) : integer_from_text(t, n.text, n.len, &v);
			number_fail(d, r, kind, false);
			store(d, pl, &v, sizeof v);
		}
		return;
	}
	if (tok == TOKEN_STRING) {
		struct span s = string_text(d, read_string(&d->r));
		if (kind == SOCAPI_KIND_NUMBER) {
			double v;
			r = read_double(s.text, s.len, &v);
			number_fail(d, r, kind, true);
			store(d, pl, &v, sizeof v);
		} else if (kind == SOCAPI_KIND_BOOL) {
			bool v;
			number_fail(d, bool_from_text(s.text, s.len, &v), kind, true);
			store(d, pl, &v, sizeof v);
		} else {
			uint64_t v;
			number_fail(d, integer_from_text(t, s.text, s.len, &v), kind, true);
			store(d, pl, &v, sizeof v);
		}
		return;
	}
	if ((tok == TOKEN_TRUE || tok == TOKEN_FALSE) && (kind == SOCAPI_KIND_BOOL || is_flag_enum(t))) {
		read_literal(&d->r, tok);
		if (kind == SOCAPI_KIND_BOOL) {
			bool v = tok == TOKEN_TRUE;
			store(d, pl, &v, sizeof v);
		} else {
			int64_t v = tok == TOKEN_TRUE;
			store(d, pl, &v, sizeof v);
		}
		return;
	}
	type_fail(d, kind == SOCAPI_KIND_BOOL ? "boolean" : kind == SOCAPI_KIND_NUMBER ? "number"
	             : is_flag_enum(t)          ? "integer or boolean" : "integer", tok);
}

/* The text a string, string enum or scalar keeps (escaped, as sent). */
static struct span text_value(struct onepass *d, const struct socapi_type *t, enum token tok)
{
	if (tok == TOKEN_STRING)
		return read_string(&d->r);
	bool scalar = t->kind == SOCAPI_KIND_SCALAR;
	if (tok == TOKEN_NUMBER) {
		/* a number where a string is expected: its text as sent (json-c's -0 is 0) */
		struct number n;
		read_number(&d->r, &n);
		bool zero = n.integral && n.negative && !n.magnitude;
		return (struct span){zero ? "0" : n.text, zero ? 1 : n.len, false};
	}
	if (scalar && (tok == TOKEN_TRUE || tok == TOKEN_FALSE)) {
		read_literal(&d->r, tok);
		return (struct span){tok == TOKEN_TRUE ? "true" : "false", tok == TOKEN_TRUE ? 4 : 5, false};
	}
	type_fail(d, scalar ? "scalar" : "string", tok);
}

/* The next value's JSON text, as sent. */
static struct span raw_value(struct onepass *d)
{
	skip_space(&d->r);
	const char *start = d->r.p;
	skip_value(&d->r);
	return (struct span){start, (size_t)(d->r.p - start), false};
}

/* ---- compound values ---- */

static void value(struct onepass *d, const struct socapi_type *t, enum token tok, struct place pl);

/* null, or "" where a number or flag belongs: nothing is stored. */
static bool absent_value(struct onepass *d, const struct socapi_type *t, enum token tok)
{
	if (tok == TOKEN_NULL) {
		read_literal(&d->r, tok);
		return true;
	}
	if (tok == TOKEN_STRING && kind_is_number_like(t->kind) && d->r.end - d->r.p >= 2 && d->r.p[1] == '"') {
		d->r.p += 2;
		return true;
	}
	return false;
}

/* Adds an unknown member (its text runs from name to the reader) to the
 * object's unknown text on the scratch stack. */
static void keep_unknown(struct onepass *d, const char *name, bool first)
{
	scratch_append(d, first ? "{" : ",", 1);
	scratch_append(d, name, (size_t)(d->r.p - name));
}

/*
 * The member named key, or NULL. *after is what came before it in this
 * object (s itself for the first member): the member that followed it last
 * time is tried first, since the objects of a list repeat their order. A
 * name cut by \u0000 is read up to it, as json-c does.
 */
static const struct socapi_field *member_named(struct onepass *d, const struct socapi_struct *s, struct span key,
                                               const void **after)
{
	const char *text = key.text;
	size_t len = key.len;
	char name[128];
	if (key.escaped) {
		if (key.len >= sizeof name)
			return NULL; /* longer than any member name */
		bool has_nul;
		unescape(key, name, &has_nul);
		text = name;
		len = strlen(name);
	}
	struct name_words w;
	uint64_t middle = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (d->r.end - text >= 8 || text == name) {
		/* whole-word loads: the body (or the buffer) goes on past a short name */
		memcpy(&w.head, text, sizeof w.head);
		w.head &= len < 8 ? ((uint64_t)1 << (8 * len)) - 1 : UINT64_MAX;
		w.tail = 0;
		if (len >= 8)
			memcpy(&w.tail, text + len - 8, sizeof w.tail);
		if (len > 16)
			memcpy(&middle, text + (len - 8) / 2, sizeof middle);
	} else
#endif
	{
		w = name_words_of(text, len);
		middle = len > 16 ? key_word((const unsigned char *)text + (len - 8) / 2, 8) : 0;
	}
	struct hint *h = &d->hints[((uintptr_t)*after >> 4) % N_HINTS];
	const struct socapi_field *f = h->next;
	if (h->after != *after || !f || !is_member(s, (uint32_t)(f - s->fields), w, text, len)) {
		f = member_by_hash(s, w, name_hash(w, middle, len), text, len);
		*h = (struct hint){*after, f};
	}
	*after = f ? (const void *)f : (const void *)((const char *)s + 1); /* after an unknown member */
	return f;
}

/* Whether key (or, escaped, what it reads as up to a \u0000, as json-c
 * keeps names) is name. */
static bool is_key(struct span key, const char *name)
{
	size_t len = strlen(name);
	if (!key.escaped)
		return key.len == len && memcmp(key.text, name, len) == 0;
	char text[128];
	bool has_nul;
	return key.len < sizeof text && (unescape(key, text, &has_nul), strcmp(text, name) == 0);
}

static void object_value(struct onepass *d, const struct socapi_struct *s, enum token tok, struct place pl)
{
	if (tok == TOKEN_ARRAY) { /* VK's [] for an empty object */
		enter_container(&d->r, '[');
		if (next_member(&d->r, true, ']'))
			decode_fail(d, "expected object, got array");
		return;
	}
	if (tok != TOKEN_OBJECT)
		type_fail(d, "object", tok);
	enter_container(&d->r, '{');
	bool keeps = d->keep_unknown && s->unknown_offset != SOCAPI_NO_PRESENCE, any_unknown = false;
	bool at_root = d->error_key && d->r.depth == 1;
	size_t unknown_start = d->used;
	const void *after = s;
	for (bool first = true; next_member(&d->r, first, '}'); first = false) {
		const char *name = d->r.p;
		struct span key = read_key(&d->r);
		if (at_root && is_key(key, d->error_key))
			not_success(d);
		const struct socapi_field *f = member_named(d, s, key, &after);
		if (!f) {
			skip_value(&d->r);
			if (keeps)
				keep_unknown(d, name, !any_unknown);
			any_unknown = true;
			continue;
		}
		enum token vt = peek_token(&d->r);
		if (absent_value(d, f->type, vt))
			continue;
		size_t saved = d->depth;
		path_push(d, f->json_name, 0);
		uint8_t kind = f->type->kind;
		if (kind == SOCAPI_KIND_OBJECT || kind == SOCAPI_KIND_UNION) {
			void *box = arena_take(d, f->type->size, true);
			value(d, f->type, vt, (struct place){box, 0});
			memcpy(at(d, inside(pl, f->offset)), &box, sizeof box);
		} else {
			value(d, f->type, vt, inside(pl, f->offset));
		}
		d->depth = saved;
		if (f->has_offset != SOCAPI_NO_PRESENCE)
			at(d, pl)[f->has_offset] = 1; /* the bool has_x member */
	}
	if (keeps && any_unknown) {
		scratch_append(d, "}", 1);
		struct span text = {(const char *)d->scratch + unknown_start, d->used - unknown_start, false};
		char *copy = string_copy(d, text);
		memcpy(at(d, inside(pl, s->unknown_offset)), &copy, sizeof copy);
		d->used = unknown_start;
	}
}

static void array_value(struct onepass *d, const struct socapi_type *elem, enum token tok, struct place pl)
{
	if (tok != TOKEN_ARRAY)
		type_fail(d, "array", tok);
	enter_container(&d->r, '[');
	size_t start = d->used, n = 0, size = elem->size;
	for (bool first = true; next_member(&d->r, first, ']'); first = false, n++) {
		size_t off = scratch_push(d, size, true);
		enum token vt = peek_token(&d->r);
		if (absent_value(d, elem, vt))
			continue; /* left zeroed */
		size_t saved = d->depth;
		path_push(d, NULL, n);
		value(d, elem, vt, (struct place){NULL, off});
		d->depth = saved;
	}
	struct socapi_list list = {arena_take(d, n * size, false), n};
	if (n) /* the scratch may not exist yet */
		memcpy(list.items, d->scratch + start, n * size);
	d->used = start;
	memcpy(at(d, pl), &list, sizeof list);
}

/* A discriminated union's alternative: the tag member looked up ahead
 * (the members before it are read twice); NULL when none fits. */
static const struct socapi_union_alt *tagged_alt(struct onepass *d, const struct socapi_union *u)
{
	struct reader look = d->r;
	enter_container(&look, '{');
	for (bool first = true; next_member(&look, first, '}'); first = false) {
		if (!is_key(read_key(&look), u->discriminator)) {
			skip_value(&look);
			continue;
		}
		if (peek_token(&look) != TOKEN_STRING)
			return NULL;
		struct span tag = string_text(d, read_string(&look));
		const char *nul = memchr(tag.text, '\0', tag.len); /* up to a NUL, as json-c compares */
		size_t len = nul ? (size_t)(nul - tag.text) : tag.len;
		for (uint32_t i = 0; i < u->n_alts; i++)
			if (u->alts[i].tag_value && strlen(u->alts[i].tag_value) == len &&
			    memcmp(u->alts[i].tag_value, tag.text, len) == 0)
				return &u->alts[i];
		return NULL;
	}
	return NULL;
}

/* The JSON kind of the next value, as alt_accepts takes it. */
static enum json_type json_kind(struct onepass *d, enum token tok)
{
	static const enum json_type kinds[] = {json_type_object, json_type_array, json_type_string, json_type_int,
	                                       json_type_boolean, json_type_boolean, json_type_null};
	if (tok != TOKEN_NUMBER)
		return kinds[tok];
	struct reader look = d->r;
	struct number n;
	read_number(&look, &n);
	return n.integral ? json_type_int : json_type_double;
}

static bool empty_array_next(const struct onepass *d)
{
	const char *p = d->r.p + 1;
	while (p < d->r.end && is_space(*p))
		p++;
	return p < d->r.end && *p == ']';
}

static void union_value(struct onepass *d, const struct socapi_union *u, enum token tok, struct place pl)
{
	const struct socapi_union_alt *alt = NULL;
	if (u->discriminator) {
		if (tok == TOKEN_OBJECT)
			alt = tagged_alt(d, u);
	} else {
		enum json_type jt = json_kind(d, tok);
		for (uint32_t i = 0; i < u->n_alts && !alt; i++)
			if (alt_accepts(u->alts[i].type, jt))
				alt = &u->alts[i];
		if (!alt && tok == TOKEN_ARRAY && empty_array_next(d)) /* [] for an empty object */
			for (uint32_t i = 0; i < u->n_alts && !alt; i++)
				if (alt_accepts(u->alts[i].type, json_type_object))
					alt = &u->alts[i];
	}
	if (!alt) {
		/* unknown kind: tag 0, the JSON kept as sent */
		char *raw = string_copy(d, raw_value(d));
		memcpy(at(d, inside(pl, u->raw_offset)), &raw, sizeof raw);
		return;
	}
	void *box = arena_take(d, alt->type->size, true);
	value(d, alt->type, tok, (struct place){box, 0});
	memcpy(at(d, inside(pl, u->value_offset)), &box, sizeof box);
	memcpy(at(d, inside(pl, u->tag_offset)), &alt->tag, sizeof alt->tag);
}

static void value(struct onepass *d, const struct socapi_type *t, enum token tok, struct place pl)
{
	switch ((enum socapi_kind)t->kind) {
	case SOCAPI_KIND_BOOL:
	case SOCAPI_KIND_INT:
	case SOCAPI_KIND_UINT:
	case SOCAPI_KIND_NUMBER:
	case SOCAPI_KIND_ENUM_INT:
		number_value(d, t, tok, pl);
		return;
	case SOCAPI_KIND_STRING:
	case SOCAPI_KIND_ENUM_STRING:
	case SOCAPI_KIND_SCALAR: {
		char *text = string_copy(d, text_value(d, t, tok));
		memcpy(at(d, pl), &text, sizeof text);
		return;
	}
	case SOCAPI_KIND_JSON: {
		char *text = string_copy(d, raw_value(d));
		memcpy(at(d, pl), &text, sizeof text);
		return;
	}
	case SOCAPI_KIND_OBJECT:
		object_value(d, t->detail, tok, pl);
		return;
	case SOCAPI_KIND_UNION:
		union_value(d, t->detail, tok, pl);
		return;
	case SOCAPI_KIND_ARRAY:
		array_value(d, t->detail, tok, pl);
		return;
	case SOCAPI_KIND_FILE:
		break;
	}
	decode_fail(d, "type cannot be decoded");
}

/* ---- the root and the envelopes ---- */

/* A new result: the arena's first block sized for the whole of it. */
static void *new_result(struct onepass *d, size_t root_size)
{
	d->root = result_new_sized(root_size, d->first_block, &d->arena);
	if (!d->root)
		out_of_memory(d);
	return d->root;
}

static void root_value(struct onepass *d, const struct socapi_type *t)
{
	if (d->root)
		not_success(d); /* a second response: the reference decides */
	enum token tok = peek_token(&d->r);
	if (!kind_is_text(t->kind)) {
		value(d, t, tok, (struct place){new_result(d, t->size), 0});
		return;
	}
	/* a text result is the string itself, so it can be freed as one */
	struct span text = t->kind == SOCAPI_KIND_JSON ? raw_value(d) : text_value(d, t, tok);
	put_text(d, text, new_result(d, text.len + 1));
}

/* Whether the root object holds the member name, looked up ahead. */
static bool root_has(struct onepass *d, const char *name)
{
	struct reader look = d->r;
	if (peek_token(&look) != TOKEN_OBJECT)
		return false;
	enter_container(&look, '{');
	for (bool first = true; next_member(&look, first, '}'); first = false) {
		if (is_key(read_key(&look), name))
			return true;
		skip_value(&look);
	}
	return false;
}

static void body(struct onepass *d, const struct socapi_type *t, enum envelope env)
{
	if (env == ENVELOPE_VK) {
		/* {"response": result}; anything else ({"error": ...}) the slow way */
		if (peek_token(&d->r) != TOKEN_OBJECT)
			not_success(d);
		enter_container(&d->r, '{');
		for (bool first = true; next_member(&d->r, first, '}'); first = false) {
			struct span key = read_key(&d->r);
			if (is_key(key, "response"))
				root_value(d, t);
			else if (is_key(key, "error"))
				not_success(d);
			else
				skip_value(&d->r);
		}
		if (!d->root)
			not_success(d);
	} else {
		/* the bare result, unless the root object holds the error member */
		d->error_key = env == ENVELOPE_MAILRU ? "error" : env == ENVELOPE_OK ? "error_code" : NULL;
		if (d->error_key && t->kind != SOCAPI_KIND_OBJECT && root_has(d, d->error_key))
			not_success(d);
		/* null inside a value means absent; a whole body of null is no answer at all */
		if (peek_token(&d->r) == TOKEN_NULL)
			decode_fail(d, "the body is JSON null: no result and no error");
		root_value(d, t);
	}
	skip_space(&d->r);
	if (d->r.p != d->r.end)
		reader_fail(&d->r, "trailing data");
}

/* Runs body() with d->fail set; false when it failed (d->r.err says how). */
static bool run(struct onepass *d, const struct socapi_type *t, enum envelope env)
{
	if (setjmp(d->fail))
		return false;
	body(d, t, env);
	return true;
}

enum socapi_status decode_body(const struct socapi_type *type, const char *json, size_t len,
                               enum envelope env, bool keep_unknown, void **out, struct socapi_error *err)
{
	*out = NULL;
	struct socapi_error local;
	if (!err)
		err = &local;
	struct onepass d = {.r = {json, json, json + len, 0, err, NULL}, .keep_unknown = keep_unknown};
	d.r.fail = &d.fail;
	/*
	 * One block for the whole result: the strings copied and the structs
	 * they sit in come to 1.7 times the body for a list of users. Freed, it
	 * also keeps what the next decode mallocs (block and scratch) under
	 * glibc's trim threshold (twice the largest block freed), so the pages
	 * are reused instead of returned and faulted in again at every decode
	 * (1.5 times the body did that: 340 page faults a decode, half the speed).
	 */
	d.first_block = len < 1024 ? 2048 : 2 * len < (1u << 26) ? 2 * len : (1u << 26);
	bool ok = run(&d, type, env);
	sc_free(d.scratch);
	if (ok) {
		*out = d.root;
		return SOCAPI_OK;
	}
	socapi_free(d.root);
	if (d.not_success)
		return SOCAPI_E_API;
	if (err->status == SOCAPI_E_PARSE && d.depth)
		path_error(err, SOCAPI_E_PARSE, d.path, d.depth, "%s", err->message);
	else if (err->status == SOCAPI_E_DECODE)
		check_json(json, len, err); /* not JSON further on: a parse error after all */
	return err->status;
}

enum socapi_status socapi_decode(const struct socapi_type *type, const char *json, size_t len,
                                 void **out, struct socapi_error *err)
{
	error_reset(err);
	if (!out)
		return set_error(err, SOCAPI_E_ARG, "socapi_decode: out is NULL");
	*out = NULL;
	if (!type || !json)
		return set_error(err, SOCAPI_E_ARG, "socapi_decode: type and json are required");
	return decode_body(type, json, len, ENVELOPE_NONE, true, out, err);
}
