/*
 * test_corpus.c - every real answer in tests/corpus decodes through its
 * typed call and comes back member by member.
 *
 *     test_corpus [--all] [CORPUS_DIR]   (default: the source tree's tests/corpus)
 *
 * index.json names each answer's platform, method and parameters; the typed
 * call is the one the CLI would choose (socapi_method_find over the
 * platform's method table with those parameters). VK's {"response": ...}
 * envelope is taken off first, as the runtime does. The answer is decoded
 * with socapi_decode into the call's result type, encoded back with
 * socapi_encode_json, and the answer is walked beside the re-encoded JSON and
 * the type descriptor. A failure is:
 *   - a decode error;
 *   - a changed value: a member that did not come back, came back different,
 *     or came back from nothing;
 *   - a dropped member: one the answer has and the descriptor does not type
 *     (whatever the encoder writes beside the typed members does not count),
 *     or a union member whose kind no alternative takes, unless allow.json
 *     lists it with a reason (an entry that matches nothing is a failure too).
 * Values compare by the platforms' documented quirks (schema/README.md): a
 * decimal string and the number are equal, "" or null for an absent scalar
 * and null for an absent string or object are absent, [] stands for an empty
 * object, 0/1 and true/false for a flag, 3.0 for 3. Nothing else differs.
 *
 * --all lists every dropped member, allowed or not (to measure the schemas).
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include "../../runtime/src/internal.h" /* alt_accepts: how a union without a discriminator picks */

#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <mailru/mailru.h>
#include <ok/ok.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vk/vk.h>

#define MAX_PARAMS 16

struct allowance {
	const char *file;   /* a corpus file, or "*" for all */
	const char *member; /* the dropped member's path: "[].photo_medium" */
	long used;
};

struct run {
	const char *file;   /* the answer being checked */
	char path[512];     /* where in it, indices as [] */
	size_t path_len;
	long failures;      /* in this answer */
	long dropped, allowed_drops;
	bool list_all;
	struct allowance *allow;
	size_t n_allow;
};

static void fail(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(struct run *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "FAIL %s: %s: ", r->file, r->path_len ? r->path : "(root)");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	r->failures++;
}

static size_t push(struct run *r, const char *key)
{
	size_t saved = r->path_len;
	int n = key ? snprintf(r->path + saved, sizeof r->path - saved, "%s%s", saved ? "." : "", key)
	            : snprintf(r->path + saved, sizeof r->path - saved, "[]");
	if (n > 0)
		r->path_len += (size_t)n < sizeof r->path - saved ? (size_t)n : sizeof r->path - saved - 1;
	return saved;
}

static void pop(struct run *r, size_t saved)
{
	r->path_len = saved;
	r->path[saved] = '\0';
}

static const char *spell(struct json_object *j)
{
	return json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* A member the schema does not type: a failure unless the allow-list names it. */
static void dropped(struct run *r, const char *what)
{
	r->dropped++;
	for (size_t i = 0; i < r->n_allow; i++)
		if ((strcmp(r->allow[i].file, "*") == 0 || strcmp(r->allow[i].file, r->file) == 0) &&
		    strcmp(r->allow[i].member, r->path) == 0) {
			r->allow[i].used++;
			r->allowed_drops++;
			if (r->list_all)
				printf("dropped (allowed) %s: %s %s\n", r->file, r->path, what);
			return;
		}
	if (r->list_all)
		printf("dropped %s: %s %s\n", r->file, r->path, what);
	fail(r, "dropped: %s", what);
}

/* ---- scalars, read by the documented quirks, independently of the decoders ---- */

/* The text of a scalar as sent: a string's content, a number's JSON spelling. */
static const char *scalar_text(struct json_object *j)
{
	return json_object_is_type(j, json_type_string) ? json_object_get_string(j) : spell(j);
}

/* An integer from 12, "12", 12.0, "1.2e1" (exact for plain decimals; the rest through double). */
static bool as_integer(struct json_object *j, bool is_unsigned, long double *out, char *exact, size_t size)
{
	enum json_type t = json_object_get_type(j);
	if (t == json_type_boolean) {
		*out = json_object_get_boolean(j) ? 1 : 0;
		snprintf(exact, size, "%d", json_object_get_boolean(j) ? 1 : 0);
		return true;
	}
	if (t != json_type_int && t != json_type_double && t != json_type_string)
		return false;
	const char *text = scalar_text(j);
	size_t digits = strspn(text + (text[0] == '-'), "0123456789");
	if (digits && !text[digits + (text[0] == '-')]) { /* plain decimal: compare exactly */
		const char *p = text + (text[0] == '-');
		while (*p == '0' && p[1])
			p++;
		snprintf(exact, size, "%s%s", text[0] == '-' && strcmp(p, "0") != 0 ? "-" : "", p);
		*out = strtold(text, NULL);
		return !(is_unsigned && text[0] == '-' && strcmp(p, "0") != 0);
	}
	char *end;
	errno = 0;
	long double v = strtold(text, &end);
	if (!*text || *end || errno || v != floorl(v))
		return false;
	*out = v;
	snprintf(exact, size, "%.0Lf", v);
	return true;
}

static bool as_bool(struct json_object *j, bool *out)
{
	if (json_object_is_type(j, json_type_boolean)) {
		*out = json_object_get_boolean(j);
		return true;
	}
	long double v;
	char text[64];
	if (!as_integer(j, false, &v, text, sizeof text) || (v != 0 && v != 1))
		return false;
	*out = v == 1;
	return true;
}

static bool as_number(struct json_object *j, double *out)
{
	enum json_type t = json_object_get_type(j);
	if (t != json_type_int && t != json_type_double && t != json_type_string)
		return false;
	char *end;
	const char *text = scalar_text(j);
	errno = 0;
	*out = strtod(text, &end);
	return *text && !*end && !errno;
}

/* "" or null where a bool, integer, number or integer enum goes: absent. */
static bool stands_for_absent(const struct socapi_type *t, struct json_object *j)
{
	if (!j || json_object_is_type(j, json_type_null))
		return true;
	bool number_like = t->kind == SOCAPI_KIND_BOOL || t->kind == SOCAPI_KIND_INT ||
	                   t->kind == SOCAPI_KIND_UINT || t->kind == SOCAPI_KIND_NUMBER ||
	                   t->kind == SOCAPI_KIND_ENUM_INT;
	return number_like && json_object_is_type(j, json_type_string) && !*json_object_get_string(j);
}

/* ---- the walk ---- */

static void compare(struct run *r, const struct socapi_type *t, struct json_object *a,
                    struct json_object *o);

static const struct socapi_field *field_named(const struct socapi_struct *s, const char *key)
{
	for (uint32_t i = 0; i < s->n_fields; i++)
		if (strcmp(s->fields[i].json_name, key) == 0)
			return &s->fields[i];
	return NULL;
}

static void compare_object(struct run *r, const struct socapi_struct *s, struct json_object *a,
                           struct json_object *o)
{
	bool empty = json_object_is_type(a, json_type_array) && json_object_array_length(a) == 0;
	if (!empty && !json_object_is_type(a, json_type_object)) {
		fail(r, "the answer has %s where object %s goes", spell(a), s->name);
		return;
	}
	if (!json_object_is_type(o, json_type_object)) {
		fail(r, "object came back as %s", spell(o));
		return;
	}
	if (!empty) {
		json_object_object_foreach(a, key, av) {
			size_t saved = push(r, key);
			const struct socapi_field *f = field_named(s, key);
			struct json_object *ov = NULL;
			bool back = json_object_object_get_ex(o, key, &ov);
			if (!f)
				dropped(r, spell(av));
			else if (stands_for_absent(f->type, av)) {
				if (back)
					fail(r, "%s stands for absent, but %s came back", spell(av), spell(ov));
			} else if (!back)
				fail(r, "%s did not come back", spell(av));
			else
				compare(r, f->type, av, ov);
			pop(r, saved);
		}
	}
	/* a typed member that the answer did not have */
	json_object_object_foreach(o, okey, ov) {
		struct json_object *av = NULL;
		if (field_named(s, okey) && (empty || !json_object_object_get_ex(a, okey, &av))) {
			size_t saved = push(r, okey);
			fail(r, "came back as %s, but the answer has no such member", spell(ov));
			pop(r, saved);
		}
	}
}

static void compare_union(struct run *r, const struct socapi_union *u, struct json_object *a,
                          struct json_object *o)
{
	const struct socapi_union_alt *alt = NULL;
	if (u->discriminator) {
		struct json_object *tag = NULL;
		const char *value = json_object_is_type(a, json_type_object) &&
		                            json_object_object_get_ex(a, u->discriminator, &tag) &&
		                            json_object_is_type(tag, json_type_string)
		                        ? json_object_get_string(tag)
		                        : NULL;
		for (uint32_t i = 0; value && i < u->n_alts && !alt; i++)
			if (u->alts[i].tag_value && strcmp(u->alts[i].tag_value, value) == 0)
				alt = &u->alts[i];
		if (!alt) {
			char what[160];
			snprintf(what, sizeof what, "union %s has no alternative for %s \"%s\"", u->name,
			         u->discriminator, value ? value : "(none)");
			dropped(r, what);
			return;
		}
	} else {
		enum json_type jt = json_object_get_type(a);
		for (uint32_t i = 0; i < u->n_alts && !alt; i++)
			if (alt_accepts(u->alts[i].type, jt))
				alt = &u->alts[i];
		if (!alt) {
			char what[160];
			snprintf(what, sizeof what, "union %s has no alternative for a JSON %s", u->name,
			         json_type_to_name(jt));
			dropped(r, what);
			return;
		}
	}
	compare(r, alt->type, a, o);
}

static void compare(struct run *r, const struct socapi_type *t, struct json_object *a,
                    struct json_object *o)
{
	switch ((enum socapi_kind)t->kind) {
	case SOCAPI_KIND_BOOL: {
		bool want, got;
		if (!as_bool(a, &want))
			fail(r, "%s is no flag", spell(a));
		else if (!as_bool(o, &got) || want != got)
			fail(r, "flag %s came back as %s", spell(a), spell(o));
		return;
	}
	case SOCAPI_KIND_INT:
	case SOCAPI_KIND_UINT:
	case SOCAPI_KIND_ENUM_INT: {
		long double want, got;
		char want_text[64], got_text[64];
		bool is_unsigned = t->kind == SOCAPI_KIND_UINT;
		if (!as_integer(a, is_unsigned, &want, want_text, sizeof want_text))
			fail(r, "%s is no integer (%s)", spell(a), t->name);
		else if (!as_integer(o, is_unsigned, &got, got_text, sizeof got_text) ||
		         strcmp(want_text, got_text) != 0)
			fail(r, "integer %s came back as %s", spell(a), spell(o));
		return;
	}
	case SOCAPI_KIND_NUMBER: {
		double want, got;
		if (!as_number(a, &want))
			fail(r, "%s is no number", spell(a));
		else if (!as_number(o, &got) || want != got)
			fail(r, "number %s came back as %s", spell(a), spell(o));
		return;
	}
	case SOCAPI_KIND_STRING:
	case SOCAPI_KIND_ENUM_STRING:
	case SOCAPI_KIND_SCALAR:
		if (json_object_is_type(a, json_type_object) || json_object_is_type(a, json_type_array))
			fail(r, "%s is no %s", spell(a), t->name);
		else if (!json_object_is_type(o, json_type_string) ||
		         strcmp(scalar_text(a), json_object_get_string(o)) != 0)
			fail(r, "text %s came back as %s", spell(a), spell(o));
		return;
	case SOCAPI_KIND_JSON:
		if (!json_object_equal(a, o))
			fail(r, "JSON %s came back as %s", spell(a), spell(o));
		return;
	case SOCAPI_KIND_OBJECT:
		compare_object(r, t->detail, a, o);
		return;
	case SOCAPI_KIND_UNION:
		compare_union(r, t->detail, a, o);
		return;
	case SOCAPI_KIND_ARRAY: {
		if (!json_object_is_type(a, json_type_array) || !json_object_is_type(o, json_type_array) ||
		    json_object_array_length(a) != json_object_array_length(o)) {
			fail(r, "list %s came back as %s", spell(a), spell(o));
			return;
		}
		size_t saved = push(r, NULL);
		for (size_t i = 0; i < json_object_array_length(a); i++)
			compare(r, t->detail, json_object_array_get_idx(a, i), json_object_array_get_idx(o, i));
		pop(r, saved);
		return;
	}
	case SOCAPI_KIND_FILE:
		break;
	}
	fail(r, "a file type in a result");
}

/* ---- the index ---- */

static const char *member_text(struct json_object *obj, const char *key)
{
	struct json_object *v;
	return json_object_object_get_ex(obj, key, &v) && json_object_is_type(v, json_type_string)
	           ? json_object_get_string(v)
	           : NULL;
}

struct platform {
	const char *name;
	const struct socapi_method *const *methods;
	size_t n_methods;
	bool envelope; /* VK: {"response": ...} */
	long answers, decoded, methods_seen;
	char seen[256][64];
};

static bool note_method(struct platform *p, const char *method)
{
	for (long i = 0; i < p->methods_seen; i++)
		if (strcmp(p->seen[i], method) == 0)
			return false;
	if (p->methods_seen < 256)
		snprintf(p->seen[p->methods_seen++], sizeof p->seen[0], "%s", method);
	return true;
}

/* Checks one answer of the index; false when it failed. */
static bool check_answer(struct run *r, struct platform *p, const char *dir, struct json_object *entry)
{
	const char *method = member_text(entry, "method");
	struct json_object *params;
	if (!method || !json_object_object_get_ex(entry, "params", &params) ||
	    !json_object_is_type(params, json_type_object)) {
		fail(r, "index entry lacks method or params");
		return false;
	}
	struct socapi_param args[MAX_PARAMS];
	size_t n_args = 0;
	json_object_object_foreach(params, name, given) {
		if (n_args == MAX_PARAMS || !json_object_is_type(given, json_type_string)) {
			fail(r, "params: at most %d, all strings", MAX_PARAMS);
			return false;
		}
		args[n_args++] = (struct socapi_param){name, json_object_get_string(given)};
	}
	const struct socapi_method *m = socapi_method_find(p->methods, p->n_methods, method, args, n_args);
	if (!m) {
		fail(r, "%s has no typed call for %s", p->name, method);
		return false;
	}
	note_method(p, method);
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, r->file);
	struct json_object *root = json_object_from_file(path);
	if (!root) {
		fail(r, "cannot read it as JSON: %s", json_util_get_last_err());
		return false;
	}
	struct json_object *answer = root;
	if (p->envelope && !json_object_object_get_ex(root, "response", &answer)) {
		fail(r, "no \"response\" in the answer");
		json_object_put(root);
		return false;
	}
	size_t len;
	const char *text = json_object_to_json_string_length(
		answer, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	struct socapi_error err;
	void *value = NULL;
	char *json = NULL;
	long before = r->failures;
	if (socapi_decode(m->result, text, len, &value, &err) != SOCAPI_OK) {
		fail(r, "%s (%s): %s", m->c_name, socapi_strstatus(err.status), err.message);
	} else {
		p->decoded++;
		if (socapi_encode_json(m->result, value, false, &json, &err) != SOCAPI_OK) {
			fail(r, "socapi_encode_json: %s", err.message);
		} else {
			struct json_tokener *tok = json_tokener_new();
			/* with its NUL: the end of a bare number */
			struct json_object *back = tok ? json_tokener_parse_ex(tok, json, (int)strlen(json) + 1) : NULL;
			if (back)
				compare(r, m->result, answer, back);
			else
				fail(r, "socapi_encode_json wrote no JSON: %.200s", json);
			json_object_put(back);
			json_tokener_free(tok);
		}
	}
	socapi_free(json);
	socapi_free(value);
	json_object_put(root);
	return r->failures == before;
}

static struct allowance *read_allow_list(const char *dir, size_t *n)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/allow.json", dir);
	struct json_object *root = json_object_from_file(path), *list;
	*n = 0;
	if (!root || !json_object_object_get_ex(root, "dropped", &list) ||
	    !json_object_is_type(list, json_type_array)) {
		fprintf(stderr, "%s: expected {\"dropped\": [...]}\n", path);
		json_object_put(root);
		return NULL;
	}
	size_t count = json_object_array_length(list);
	struct allowance *allow = calloc(count ? count : 1, sizeof *allow);
	for (size_t i = 0; allow && i < count; i++) {
		struct json_object *e = json_object_array_get_idx(list, i);
		const char *file = member_text(e, "file"), *member = member_text(e, "member"),
		           *reason = member_text(e, "reason");
		if (!file || !member || !reason || !*reason) {
			fprintf(stderr, "%s: entry %zu needs file, member and a reason\n", path, i);
			free(allow);
			json_object_put(root);
			return NULL;
		}
		allow[i] = (struct allowance){strdup(file), strdup(member), 0};
	}
	*n = count;
	json_object_put(root);
	return allow;
}

int main(int argc, char **argv)
{
	bool list_all = argc > 1 && strcmp(argv[1], "--all") == 0;
	const char *dir = argc > 1 + list_all ? argv[1 + list_all] : SOCAPI_SOURCE_DIR "/tests/corpus";
	char index_path[1024];
	snprintf(index_path, sizeof index_path, "%s/index.json", dir);
	struct json_object *index = json_object_from_file(index_path), *answers;
	if (!index || !json_object_object_get_ex(index, "answers", &answers) ||
	    !json_object_is_type(answers, json_type_array)) {
		fprintf(stderr, "%s: expected {\"answers\": [...]}\n", index_path);
		json_object_put(index);
		return 2;
	}
	struct run r = {.list_all = list_all};
	r.allow = read_allow_list(dir, &r.n_allow);
	if (!r.allow) {
		json_object_put(index);
		return 2;
	}
	struct socapi_error err;
	if (socapi_global_init(NULL, &err) != SOCAPI_OK) {
		fprintf(stderr, "socapi_global_init: %s\n", err.message);
		return 2;
	}
	static struct platform platforms[] = {
		{"mailru", mailru_methods, 0, false, 0, 0, 0, {{0}}},
		{"ok", ok_methods, 0, false, 0, 0, 0, {{0}}},
		{"vk", vk_methods, 0, true, 0, 0, 0, {{0}}},
	};
	platforms[0].n_methods = mailru_n_methods;
	platforms[1].n_methods = ok_n_methods;
	platforms[2].n_methods = vk_n_methods;
	long failed = 0, total_failures = 0;
	for (size_t i = 0; i < json_object_array_length(answers); i++) {
		struct json_object *entry = json_object_array_get_idx(answers, i);
		const char *platform = member_text(entry, "platform");
		r.file = member_text(entry, "file");
		r.failures = 0;
		pop(&r, 0);
		struct platform *p = NULL;
		for (size_t k = 0; platform && k < 3 && !p; k++)
			if (strcmp(platforms[k].name, platform) == 0)
				p = &platforms[k];
		struct json_object *source = NULL;
		if (!r.file || !p || !json_object_object_get_ex(entry, "source", &source) ||
		    !json_object_is_type(source, json_type_object)) {
			fprintf(stderr, "FAIL %s: entry %zu needs file, a known platform and a source\n", index_path, i);
			failed++;
			continue;
		}
		p->answers++;
		if (!check_answer(&r, p, dir, entry))
			failed++;
		total_failures += r.failures;
	}
	r.file = "allow.json";
	pop(&r, 0);
	for (size_t i = 0; i < r.n_allow; i++)
		if (!r.allow[i].used)
			fail(&r, "%s %s is allowed but nothing drops it", r.allow[i].file, r.allow[i].member);
	total_failures += r.failures;
	long answers_total = 0, methods_total = 0;
	for (size_t k = 0; k < 3; k++) {
		printf("%s: %ld answers over %ld methods, %ld decoded\n", platforms[k].name, platforms[k].answers,
		       platforms[k].methods_seen, platforms[k].decoded);
		answers_total += platforms[k].answers;
		methods_total += platforms[k].methods_seen;
	}
	printf("corpus: %ld answers over %ld methods; %ld failed (%ld failures); members dropped: %ld, "
	       "%ld of them allowed\n",
	       answers_total, methods_total, failed, total_failures, r.dropped, r.allowed_drops);
	for (size_t i = 0; i < r.n_allow; i++) {
		free((char *)r.allow[i].file);
		free((char *)r.allow[i].member);
	}
	free(r.allow);
	json_object_put(index);
	socapi_global_cleanup();
	return total_failures ? 1 : 0;
}
