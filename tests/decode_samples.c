/*
 * decode_samples.c - every typed call of a generated binding decodes a sample
 * of its response and encodes it back unchanged.
 *
 *     decode_samples [SAMPLES.json]   (default: the build tree's, SAMPLES_FILE)
 *
 * SAMPLES.json comes from `python3 -m socapi_gen.samples` run on the same
 * schema: {"methods": {"<method>": {"<variant>": <value of `response`>}}},
 * built from the raw schema JSON rather than from the generator's IR. For
 * every entry of <binding>_methods[] the program finds the sample, decodes it
 * with socapi_decode(method->result), re-encodes it with socapi_encode_json
 * and walks sample, re-encoded JSON and the generated type descriptor
 * together. Every key of the sample must be a member of the generated struct
 * and come back, and nothing may come back that the sample did not have.
 * Values must come back equal, with exactly these differences allowed, all of
 * them the documented C representation:
 *   - a boolean sent as 0/1 comes back as false/true;
 *   - a number comes back as a double: 3 may come back as 3.0 (compared as
 *     doubles, and the samples only use values a double holds exactly);
 *   - a "scalar" (a schema type list such as integer-or-string) is kept as
 *     text: 5 comes back as "5", true as "true";
 *   - an integer whose wire form is a decimal string (wire "string") comes
 *     back as a decimal string, whether the sample had a string or a number;
 *   - free-form JSON comes back as equal JSON (json_object_equal).
 * A oneOf is followed the way the schema says: by the discriminator value, or
 * by the JSON kind when there is no discriminator (two alternatives taking
 * the same kind are a failure: the schema gives no way to choose).
 *
 * Exits 0 when every call had a sample, every sample belonged to a call and
 * nothing failed; prints a summary either way.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "../runtime/src/internal.h" /* alt_accepts: how the decoder picks */

#include <json-c/json.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* the binding under test: -DBINDING=vkapi (default) includes vkapi/vkapi.h */
#ifndef BINDING
#define BINDING vkapi
#endif
#define STR_(x) #x
#define STR(x) STR_(x)
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#include STR(BINDING/BINDING.h)
#define METHODS CAT(BINDING, _methods)
#define N_METHODS CAT(BINDING, _n_methods)

#define MAX_PRINTED 40
#define FAIL_RETURN(...)          \
	do {                          \
		failf(__VA_ARGS__);       \
		return;                   \
	} while (0)

struct checker {
	const char *method;  /* "users.get response", for messages */
	char path[1024];
	size_t path_len;
	long failures;       /* mismatches in this sample */
	long total_failures;
	long printed;
	long values;         /* scalar values compared */
	/* coverage: struct descriptors and union alternatives reached */
	const void **reachable;
	size_t n_reachable, cap_reachable;
	unsigned char *seen;
	const struct socapi_union **unions;
	size_t n_unions, cap_unions;
	size_t n_alts, n_alts_seen;
	const struct socapi_union_alt **alts_seen;
	size_t cap_alts_seen;
};

static void failf(struct checker *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void failf(struct checker *c, const char *fmt, ...)
{
	c->failures++;
	c->total_failures++;
	if (c->printed++ >= MAX_PRINTED) {
		if (c->printed == MAX_PRINTED + 1)
			fprintf(stderr, "(further failures not printed)\n");
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "FAIL %s: %s: ", c->method, c->path_len ? c->path : "(root)");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static size_t push_key(struct checker *c, const char *key)
{
	size_t saved = c->path_len;
	int n = snprintf(c->path + saved, sizeof c->path - saved, "%s%s", saved ? "." : "", key);
	if (n > 0)
		c->path_len += (size_t)n < sizeof c->path - saved ? (size_t)n : sizeof c->path - saved - 1;
	return saved;
}

static size_t push_index(struct checker *c, size_t i)
{
	size_t saved = c->path_len;
	int n = snprintf(c->path + saved, sizeof c->path - saved, "[%zu]", i);
	if (n > 0)
		c->path_len += (size_t)n < sizeof c->path - saved ? (size_t)n : sizeof c->path - saved - 1;
	return saved;
}

static void pop(struct checker *c, size_t saved)
{
	c->path_len = saved;
	c->path[saved] = '\0';
}

static const char *spell(struct json_object *j)
{
	return json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* ---- coverage: which generated structs and union alternatives were decoded ---- */

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t) * (const void *const *)a, y = (uintptr_t) * (const void *const *)b;
	return x < y ? -1 : x > y;
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);
	if (!q) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	return q;
}

static void add_reachable(struct checker *c, const struct socapi_type *t)
{
	for (;;) {
		if (t->kind == SOCAPI_KIND_ARRAY) {
			t = t->detail;
			continue;
		}
		if (t->kind != SOCAPI_KIND_OBJECT && t->kind != SOCAPI_KIND_UNION)
			return;
		for (size_t i = 0; i < c->n_reachable; i++)
			if (c->reachable[i] == t->detail)
				return;
		if (c->n_reachable == c->cap_reachable) {
			c->cap_reachable = c->cap_reachable ? 2 * c->cap_reachable : 256;
			c->reachable = xrealloc(c->reachable, c->cap_reachable * sizeof *c->reachable);
		}
		c->reachable[c->n_reachable++] = t->detail;
		if (t->kind == SOCAPI_KIND_OBJECT) {
			const struct socapi_struct *s = t->detail;
			for (uint32_t i = 0; i < s->n_fields; i++)
				add_reachable(c, s->fields[i].type);
		} else {
			const struct socapi_union *u = t->detail;
			if (c->n_unions == c->cap_unions) {
				c->cap_unions = c->cap_unions ? 2 * c->cap_unions : 16;
				c->unions = xrealloc(c->unions, c->cap_unions * sizeof *c->unions);
			}
			c->unions[c->n_unions++] = u;
			c->n_alts += u->n_alts;
			for (uint32_t i = 0; i < u->n_alts; i++)
				add_reachable(c, u->alts[i].type);
		}
		return;
	}
}

static void mark_seen(struct checker *c, const void *detail)
{
	const void **hit = bsearch(&detail, c->reachable, c->n_reachable, sizeof *c->reachable, cmp_ptr);
	if (hit)
		c->seen[hit - c->reachable] = 1;
}

static bool alt_seen(const struct checker *c, const struct socapi_union_alt *alt)
{
	for (size_t i = 0; i < c->n_alts_seen; i++)
		if (c->alts_seen[i] == alt)
			return true;
	return false;
}

static void mark_alt(struct checker *c, const struct socapi_union_alt *alt)
{
	if (alt_seen(c, alt))
		return;
	if (c->n_alts_seen == c->cap_alts_seen) {
		c->cap_alts_seen = c->cap_alts_seen ? 2 * c->cap_alts_seen : 64;
		c->alts_seen = xrealloc(c->alts_seen, c->cap_alts_seen * sizeof *c->alts_seen);
	}
	c->alts_seen[c->n_alts_seen++] = alt;
}

/* ---- the comparison ---- */

static void compare(struct checker *c, const struct socapi_type *t, struct json_object *s,
                    struct json_object *o);

static bool sample_int(struct json_object *s, const struct socapi_type *t, int64_t *i, uint64_t *u)
{
	if (json_object_is_type(s, json_type_int)) {
		*i = json_object_get_int64(s);
		*u = json_object_get_uint64(s);
		return true;
	}
	if (json_object_is_type(s, json_type_string) && (t->flags & SOCAPI_TYPE_FROM_STRING)) {
		char *end;
		const char *text = json_object_get_string(s);
		*i = strtoll(text, &end, 10);
		*u = strtoull(text, &end, 10);
		return *text && !*end;
	}
	return false;
}

static void compare_object(struct checker *c, const struct socapi_struct *desc, struct json_object *s,
                           struct json_object *o)
{
	mark_seen(c, desc);
	json_object_object_foreach(s, key, sv) {
		const struct socapi_field *f = NULL;
		for (uint32_t i = 0; i < desc->n_fields && !f; i++)
			if (strcmp(desc->fields[i].json_name, key) == 0)
				f = &desc->fields[i];
		size_t saved = push_key(c, key);
		struct json_object *ov;
		bool back = json_object_object_get_ex(o, key, &ov);
		if (!f) {
			failf(c, "the sample has this key, struct %s has no member for it", desc->name);
		} else if (json_object_is_type(sv, json_type_null)) {
			if (back)
				failf(c, "null in the sample (absent), but %s came back", spell(ov));
			else
				c->values++;
		} else if (!back)
			failf(c, "%s did not come back", spell(sv));
		else
			compare(c, f->type, sv, ov);
		pop(c, saved);
	}
	json_object_object_foreach(o, okey, ovv) {
		if (!json_object_object_get_ex(s, okey, NULL)) {
			size_t saved = push_key(c, okey);
			failf(c, "came back as %s, but the sample has no such key", spell(ovv));
			pop(c, saved);
		}
	}
}

static void compare_union(struct checker *c, const struct socapi_union *u, struct json_object *s,
                          struct json_object *o)
{
	mark_seen(c, u);
	const struct socapi_union_alt *alt = NULL;
	if (u->discriminator) {
		struct json_object *tag;
		if (!json_object_object_get_ex(s, u->discriminator, &tag) ||
		    !json_object_is_type(tag, json_type_string)) {
			failf(c, "union %s: the sample has no string discriminator %s", u->name, u->discriminator);
			return;
		}
		for (uint32_t i = 0; i < u->n_alts && !alt; i++)
			if (u->alts[i].tag_value && strcmp(u->alts[i].tag_value, json_object_get_string(tag)) == 0)
				alt = &u->alts[i];
		if (!alt) {
			failf(c, "union %s: no alternative for the sample's %s \"%s\"", u->name, u->discriminator,
			      json_object_get_string(tag));
			return;
		}
	} else {
		enum json_type jt = json_object_get_type(s);
		for (uint32_t i = 0; i < u->n_alts; i++) {
			if (!alt_accepts(u->alts[i].type, jt))
				continue;
			if (alt) {
				failf(c, "union %s: alternatives %s and %s both take a JSON %s", u->name,
				      alt->type->name, u->alts[i].type->name, json_type_to_name(jt));
				return;
			}
			alt = &u->alts[i];
		}
		if (!alt) {
			failf(c, "union %s: no alternative takes a JSON %s", u->name, json_type_to_name(jt));
			return;
		}
	}
	mark_alt(c, alt);
	compare(c, alt->type, s, o);
}

static void compare(struct checker *c, const struct socapi_type *t, struct json_object *s,
                    struct json_object *o)
{
	enum json_type st = json_object_get_type(s), ot = json_object_get_type(o);
	switch ((enum socapi_kind)t->kind) {
	case SOCAPI_KIND_BOOL: {
		bool want;
		if (st == json_type_boolean)
			want = json_object_get_boolean(s);
		else if (st == json_type_int && (json_object_get_int64(s) == 0 || json_object_get_int64(s) == 1))
			want = json_object_get_int64(s) == 1;
		else
			FAIL_RETURN(c, "sample %s is not a boolean", spell(s));
		if (ot != json_type_boolean || (bool)json_object_get_boolean(o) != want)
			FAIL_RETURN(c, "boolean %s came back as %s", spell(s), spell(o));
		break;
	}
	case SOCAPI_KIND_INT:
	case SOCAPI_KIND_UINT:
	case SOCAPI_KIND_ENUM_INT: {
		int64_t si, oi;
		uint64_t su, ou;
		if (!sample_int(s, t, &si, &su))
			FAIL_RETURN(c, "sample %s is not an integer (%s)", spell(s), t->name);
		json_type want = t->flags & SOCAPI_TYPE_FROM_STRING ? json_type_string : json_type_int;
		if (ot != want || !sample_int(o, t, &oi, &ou))
			FAIL_RETURN(c, "integer %s came back as %s", spell(s), spell(o));
		if (t->kind == SOCAPI_KIND_UINT ? su != ou : si != oi)
			FAIL_RETURN(c, "integer %s came back as %s", spell(s), spell(o));
		break;
	}
	case SOCAPI_KIND_NUMBER:
		if (st != json_type_int && st != json_type_double)
			FAIL_RETURN(c, "sample %s is not a number", spell(s));
		if ((ot != json_type_int && ot != json_type_double) ||
		    json_object_get_double(s) != json_object_get_double(o))
			FAIL_RETURN(c, "number %s came back as %s", spell(s), spell(o));
		break;
	case SOCAPI_KIND_STRING:
	case SOCAPI_KIND_ENUM_STRING:
		if (st != json_type_string)
			FAIL_RETURN(c, "sample %s is not a string (%s)", spell(s), t->name);
		if (ot != json_type_string || json_object_get_string_len(s) != json_object_get_string_len(o) ||
		    memcmp(json_object_get_string(s), json_object_get_string(o),
		           (size_t)json_object_get_string_len(s)) != 0)
			FAIL_RETURN(c, "string %s came back as %s", spell(s), spell(o));
		break;
	case SOCAPI_KIND_SCALAR: {
		if (st == json_type_object || st == json_type_array)
			FAIL_RETURN(c, "sample %s is not a scalar", spell(s));
		const char *want = st == json_type_string ? json_object_get_string(s) : spell(s);
		if (ot != json_type_string || strcmp(json_object_get_string(o), want) != 0)
			FAIL_RETURN(c, "scalar %s came back as %s (expected the text \"%s\")", spell(s), spell(o),
			             want);
		break;
	}
	case SOCAPI_KIND_JSON:
		if (!json_object_equal(s, o))
			FAIL_RETURN(c, "JSON %s came back as %s", spell(s), spell(o));
		break;
	case SOCAPI_KIND_OBJECT:
		if (st != json_type_object || ot != json_type_object)
			FAIL_RETURN(c, "object %s came back as %s (%s)", spell(s), spell(o), t->name);
		compare_object(c, t->detail, s, o);
		return;
	case SOCAPI_KIND_UNION:
		compare_union(c, t->detail, s, o);
		return;
	case SOCAPI_KIND_ARRAY: {
		if (st != json_type_array || ot != json_type_array)
			FAIL_RETURN(c, "array %s came back as %s", spell(s), spell(o));
		size_t n = json_object_array_length(s);
		if (json_object_array_length(o) != n)
			FAIL_RETURN(c, "array of %zu came back with %zu items", n, json_object_array_length(o));
		for (size_t i = 0; i < n; i++) {
			size_t saved = push_index(c, i);
			compare(c, t->detail, json_object_array_get_idx(s, i), json_object_array_get_idx(o, i));
			pop(c, saved);
		}
		return;
	}
	case SOCAPI_KIND_FILE:
		FAIL_RETURN(c, "a file type in a result");
	}
	c->values++;
}

/* ---- the sample file ---- */

static struct json_object *read_samples(const char *file)
{
	FILE *f = fopen(file, "rb");
	if (!f) {
		perror(file);
		return NULL;
	}
	char *text = NULL;
	size_t len = 0, cap = 0, n;
	do {
		if (len + 65536 > cap)
			text = xrealloc(text, cap = 2 * cap + 65536);
		n = fread(text + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	struct json_tokener *tok = json_tokener_new_ex(1000);
	struct json_object *root = tok && len < INT32_MAX ? json_tokener_parse_ex(tok, text, (int)len) : NULL;
	if (!root)
		fprintf(stderr, "%s: not JSON: %s\n", file,
		        tok ? json_tokener_error_desc(json_tokener_get_error(tok)) : "no memory");
	json_tokener_free(tok);
	free(text);
	return root;
}

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
#ifdef SAMPLES_FILE
	const char *file = argc > 1 ? argv[1] : SAMPLES_FILE; /* the build's own, for valgrind runs */
#else
	const char *file = argc > 1 ? argv[1] : NULL;
#endif
	if (argc > 2 || !file) {
		fprintf(stderr, "usage: %s SAMPLES.json\n", argv[0]);
		return 2;
	}
	double t0 = seconds();
	struct json_object *root = read_samples(file), *samples;
	if (!root || !json_object_object_get_ex(root, "methods", &samples) ||
	    !json_object_is_type(samples, json_type_object)) {
		fprintf(stderr, "%s: expected {\"methods\": {...}}\n", file);
		json_object_put(root);
		return 2;
	}
	struct socapi_error err;
	if (socapi_global_init(NULL, &err) != SOCAPI_OK) {
		fprintf(stderr, "socapi_global_init: %s\n", err.message);
		return 2;
	}

	struct checker c = {0};
	for (size_t i = 0; i < N_METHODS; i++)
		add_reachable(&c, METHODS[i]->result);
	qsort(c.reachable, c.n_reachable, sizeof *c.reachable, cmp_ptr);
	c.seen = calloc(c.n_reachable ? c.n_reachable : 1, 1);

	long decoded = 0, missing = 0, bad = 0, extra = 0;
	size_t bytes = 0;
	char label[256];
	for (size_t i = 0; i < N_METHODS; i++) {
		const struct socapi_method *m = METHODS[i];
		snprintf(label, sizeof label, "%s %s (%s)", m->name, m->variant, m->c_name);
		c.method = label;
		c.failures = 0;
		c.path[0] = '\0';
		c.path_len = 0;
		struct json_object *variants, *sample;
		if (!json_object_object_get_ex(samples, m->name, &variants) ||
		    !json_object_object_get_ex(variants, m->variant, &sample)) {
			failf(&c, "no sample for this call");
			missing++;
			continue;
		}
		size_t len;
		const char *text = json_object_to_json_string_length(
			sample, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
		bytes += len;
		void *value = NULL;
		if (socapi_decode(m->result, text, len, &value, &err) != SOCAPI_OK) {
			failf(&c, "socapi_decode: %s: %s", socapi_strstatus(err.status), err.message);
			bad++;
			continue;
		}
		decoded++;
		char *json = NULL;
		if (socapi_encode_json(m->result, value, false, &json, &err) != SOCAPI_OK) {
			failf(&c, "socapi_encode_json: %s: %s", socapi_strstatus(err.status), err.message);
		} else {
			struct json_tokener *tok = json_tokener_new_ex(1000);
			/* with its NUL: the end of a bare number ("1") */
			struct json_object *back = json_tokener_parse_ex(tok, json, (int)strlen(json) + 1);
			if (!back)
				failf(&c, "socapi_encode_json wrote no JSON: %.200s", json);
			else
				compare(&c, m->result, sample, back);
			json_object_put(back);
			json_tokener_free(tok);
		}
		if (c.failures)
			bad++;
		socapi_free(json);
		socapi_free(value);
	}
	/* the other way round: a sample whose call the binding lacks */
	json_object_object_foreach(samples, name, variants) {
		json_object_object_foreach(variants, variant, unused) {
			(void)unused;
			bool found = false;
			for (size_t i = 0; i < N_METHODS && !found; i++)
				found = strcmp(METHODS[i]->name, name) == 0 && strcmp(METHODS[i]->variant, variant) == 0;
			if (!found) {
				snprintf(label, sizeof label, "%s %s", name, variant);
				c.method = label;
				c.path[0] = '\0';
				c.path_len = 0;
				failf(&c, "a sample for a call the binding does not have");
				extra++;
			}
		}
	}

	size_t structs_seen = 0;
	for (size_t i = 0; i < c.n_reachable; i++)
		structs_seen += c.seen[i];
	/* what the samples never reached (cut for recursion or depth): named, so a gap is seen */
	for (size_t i = 0; i < c.n_reachable; i++)
		if (!c.seen[i])
			printf("not reached: %s\n", *(const char *const *)c.reachable[i]);
	for (size_t i = 0; i < c.n_unions; i++)
		for (uint32_t k = 0; k < c.unions[i]->n_alts; k++)
			if (!alt_seen(&c, &c.unions[i]->alts[k]))
				printf("not reached: %s alternative %s%s%s\n", c.unions[i]->name,
				       c.unions[i]->alts[k].type->name, c.unions[i]->alts[k].tag_value ? " tag " : "",
				       c.unions[i]->alts[k].tag_value ? c.unions[i]->alts[k].tag_value : "");
	printf("%s: %zu typed calls checked, %ld samples decoded (%zu bytes of JSON), %ld values compared\n",
	       STR(BINDING), (size_t)N_METHODS, decoded, bytes, c.values);
	printf("coverage: %zu of %zu structs and unions reachable from the results decoded, "
	       "%zu of %zu union alternatives\n",
	       structs_seen, c.n_reachable, c.n_alts_seen, c.n_alts);
	printf("failures: %ld mismatches in %ld calls, %ld calls without a sample, %ld samples without a "
	       "call (%.2f s)\n",
	       c.total_failures - missing - extra, bad, missing, extra, seconds() - t0);
	free(c.reachable);
	free(c.seen);
	free(c.alts_seen);
	free(c.unions);
	json_object_put(root);
	socapi_global_cleanup();
	return c.total_failures ? 1 : 0;
}
