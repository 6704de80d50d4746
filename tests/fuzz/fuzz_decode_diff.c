/*
 * fuzz_decode_diff.c - the differential check: any body, as the result of
 * any typed call of the three platforms (decode_input.h), decoded by the
 * one-pass decoder (socapi_decode) and by the json-c tree decoder it
 * replaced (decode_reference). They must agree: the same status, and for a
 * result the same typed members (equal JSON text when re-encoded without
 * the unknown members) and the same unknown members (equal as parsed JSON).
 *
 * A checker of its own, written apart from both decoders, says whether the
 * body is JSON as RFC 8259 has it (strict UTF-8, at most 64 levels, as
 * json-c nests). Where it is not, the one-pass decoder must refuse it as a
 * parse error; json-c, laxer, is not asked. Where an object names a member
 * twice the two may differ by design (json-c keeps the last, the one-pass
 * decoder reads each in turn), so only their statuses' sanity is checked.
 */
#include "decode_input.h"

#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- the checker: strict JSON, and whether a name repeats ---- */

#define MAX_LEVEL 64

struct checker {
	const unsigned char *p, *end;
	bool repeated;  /* an object names a member twice (as json-c reads names) */
};

static void skip_ws(struct checker *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

static int hex_value(unsigned char h)
{
	return h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
}

static long hex4_at(const unsigned char *p, const unsigned char *end)
{
	if (end - p < 4)
		return -1;
	long v = 0;
	for (int i = 0; i < 4; i++) {
		int h = hex_value(p[i]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* One UTF-8 character at c->p, decoded and range-checked; false if invalid. */
static bool utf8_char(struct checker *c)
{
	unsigned char b = *c->p;
	int extra = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : -1;
	if (extra < 0 || b >= 0xF8 || c->end - c->p <= extra)
		return false;
	unsigned long cp = b & (0x3F >> extra);
	for (int i = 1; i <= extra; i++) {
		if ((c->p[i] & 0xC0) != 0x80)
			return false;
		cp = cp << 6 | (c->p[i] & 0x3F);
	}
	static const unsigned long least[] = {0, 0x80, 0x800, 0x10000};
	if (cp < least[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return false;
	c->p += extra + 1;
	return true;
}

/* Writes code point cp as UTF-8; its length. */
static size_t put_cp(unsigned long cp, char *out)
{
	size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	static const unsigned char lead[] = {0, 0x00, 0xC0, 0xE0, 0xF0};
	for (size_t i = n - 1; i > 0; i--, cp >>= 6)
		out[i] = (char)(0x80 | (cp & 0x3F));
	out[0] = (char)(lead[n] | cp);
	return n;
}

/* A string at c->p (its quote); *text, when asked, what it reads as up to
 * a NUL, lone surrogates as U+FFFD (json-c's reading of a member name). */
static bool string(struct checker *c, char **text)
{
	const unsigned char *start = ++c->p;
	bool escaped = false;
	while (c->p < c->end && *c->p != '"') {
		if (*c->p < 0x20)
			return false;
		if (*c->p >= 0x80) {
			if (!utf8_char(c))
				return false;
			continue;
		}
		if (*c->p != '\\') {
			c->p++;
			continue;
		}
		escaped = true;
		if (c->end - c->p < 2)
			return false;
		if (c->p[1] && strchr("\"\\/bfnrt", c->p[1]))
			c->p += 2;
		else if (c->p[1] == 'u' && hex4_at(c->p + 2, c->end) >= 0)
			c->p += 6;
		else
			return false;
	}
	if (c->p == c->end)
		return false;
	const unsigned char *end = c->p++;
	if (!text)
		return true;
	char *out = malloc((size_t)(end - start) + 1);
	size_t n = 0;
	for (const unsigned char *p = start; p < end && out;) {
		if (!escaped || *p != '\\') {
			out[n++] = (char)*p++;
			continue;
		}
		const char *simple = p[1] == 'u' ? NULL : strchr("\"\\/bfnrt", p[1]);
		if (simple) {
			out[n++] = "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"];
			p += 2;
			continue;
		}
		long cp = hex4_at(p + 2, end);
		p += 6;
		long low = cp >= 0xD800 && cp < 0xDC00 && end - p >= 6 && p[0] == '\\' && p[1] == 'u'
		                   ? hex4_at(p + 2, end)
		                   : -1;
		if (low >= 0xDC00 && low <= 0xDFFF) {
			cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
			p += 6;
		} else if (cp >= 0xD800 && cp <= 0xDFFF) {
			cp = 0xFFFD;
		}
		n += put_cp((unsigned long)cp, out + n);
	}
	if (!out)
		abort();
	out[n] = '\0'; /* a name is read up to its first NUL */
	*text = out;
	return true;
}

static bool digits(struct checker *c)
{
	const unsigned char *start = c->p;
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
		c->p++;
	return c->p > start;
}

static bool number(struct checker *c)
{
	if (*c->p == '-')
		c->p++;
	if (c->p < c->end && *c->p == '0')
		c->p++;
	else if (!digits(c))
		return false;
	if (c->p < c->end && *c->p == '.' && (c->p++, !digits(c)))
		return false;
	if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
		c->p++;
		if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
			c->p++;
		if (!digits(c))
			return false;
	}
	return true;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool value(struct checker *c, int level);

static bool object(struct checker *c, int level)
{
	char **names = NULL;
	size_t n = 0;
	bool ok = true;
	c->p++;
	skip_ws(c);
	if (c->p < c->end && *c->p == '}') {
		c->p++;
		return true;
	}
	for (;;) {
		skip_ws(c);
		char *name = NULL;
		char **grown = c->p < c->end && *c->p == '"' ? realloc(names, (n + 1) * sizeof *names) : NULL;
		if (!grown || !string(c, &name)) {
			ok = false;
			if (grown)
				names = grown;
			break;
		}
		names = grown;
		names[n++] = name;
		skip_ws(c);
		if (c->p == c->end || *c->p++ != ':' || !value(c, level + 1)) {
			ok = false;
			break;
		}
		skip_ws(c);
		if (c->p < c->end && *c->p == ',') {
			c->p++;
			continue;
		}
		ok = c->p < c->end && *c->p++ == '}';
		break;
	}
	if (n)
		qsort(names, n, sizeof *names, compare_names);
	for (size_t i = 1; i < n; i++)
		c->repeated |= strcmp(names[i - 1], names[i]) == 0;
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return ok;
}

static bool array(struct checker *c, int level)
{
	c->p++;
	skip_ws(c);
	if (c->p < c->end && *c->p == ']') {
		c->p++;
		return true;
	}
	for (;;) {
		if (!value(c, level + 1))
			return false;
		skip_ws(c);
		if (c->p < c->end && *c->p == ',') {
			c->p++;
			continue;
		}
		return c->p < c->end && *c->p++ == ']';
	}
}

static bool literal(struct checker *c, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
		return false;
	c->p += n;
	return true;
}

static bool value(struct checker *c, int level)
{
	skip_ws(c);
	if (level > MAX_LEVEL || c->p == c->end)
		return false;
	switch (*c->p) {
	case '{': return object(c, level);
	case '[': return array(c, level);
	case '"': return string(c, NULL);
	case 't': return literal(c, "true");
	case 'f': return literal(c, "false");
	case 'n': return literal(c, "null");
	default: return number(c);
	}
}

static bool is_json(const char *text, size_t len, bool *repeated)
{
	struct checker c = {(const unsigned char *)text, (const unsigned char *)text + len, false};
	bool ok = value(&c, 1);
	skip_ws(&c);
	*repeated = c.repeated;
	return ok && c.p == c.end;
}

/* ---- the comparison ---- */

static void differ(const struct decode_input *in, const char *what, const char *a, const char *b)
{
	fprintf(stderr, "%s: %s\n  one-pass: %s\n  tree:     %s\n", in->method->c_name, what, a, b);
	abort();
}

static char *encoded(const struct socapi_type *t, const void *value, unsigned flags)
{
	struct socapi_error err;
	char *json = NULL;
	if (socapi_encode_json_ex(t, value, flags, &json, &err) != SOCAPI_OK)
		abort();
	return json;
}

static void compare_results(const struct decode_input *in, const void *fast, const void *tree)
{
	const struct socapi_type *t = in->method->result;
	char *a = encoded(t, fast, SOCAPI_ENCODE_TYPED_ONLY), *b = encoded(t, tree, SOCAPI_ENCODE_TYPED_ONLY);
	if (strcmp(a, b) != 0)
		differ(in, "typed members differ", a, b);
	socapi_free(a);
	socapi_free(b);
	a = encoded(t, fast, 0);
	b = encoded(t, tree, 0);
	struct json_object *ja = json_tokener_parse(a), *jb = json_tokener_parse(b);
	if (!json_object_equal(ja, jb))
		differ(in, "unknown members differ", a, b);
	json_object_put(ja);
	json_object_put(jb);
	socapi_free(a);
	socapi_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct socapi_error err, ref_err;
	if (!ready && socapi_global_init(NULL, &err) != SOCAPI_OK)
		abort();
	ready = true;
	struct decode_input in;
	decode_input_split(data, size, &in);
	const struct socapi_type *t = in.method->result;
	void *fast = NULL, *tree = NULL;
	enum socapi_status st = socapi_decode(t, in.body, in.len, &fast, &err);
	enum socapi_status ref = decode_reference(t, in.body, in.len, &tree, &ref_err);
	check_error(st, &err);
	check_error(ref, &ref_err);
	bool repeated;
	if (!is_json(in.body, in.len, &repeated)) {
		if (st != SOCAPI_E_PARSE)
			differ(&in, "not JSON, yet not a parse error", socapi_strstatus(st), "(not asked)");
	} else if (!repeated && st != ref) {
		differ(&in, "statuses differ", err.message, ref_err.message);
	} else if (!repeated && st == SOCAPI_OK) {
		compare_results(&in, fast, tree);
	}
	socapi_free(fast);
	socapi_free(tree);
	return 0;
}
