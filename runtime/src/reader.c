/*
 * reader.c - the JSON lexer of the one-pass decoder (see reader.h).
 *
 * Strings are scanned eight bytes at a time where the host is little-
 * endian (one test finds a quote, a backslash, a control byte or a non-
 * ASCII byte in a word, as yyjson's reader does with its tables); the
 * bytes that stop the scan are then handled one by one: UTF-8 sequences
 * are checked strictly (no overlong forms, no surrogates, nothing past
 * U+10FFFF), escapes against the JSON grammar.
 */
#include "reader.h"

#include <string.h>

void reader_fail(struct reader *r, const char *what)
{
	set_error(r->err, SOCAPI_E_PARSE, "body is not JSON: %s at byte %zu", what,
	          (size_t)(r->p - r->start));
	longjmp(*r->fail, 1);
}

enum token peek_token(struct reader *r)
{
	skip_space(r);
	if (UNLIKELY(r->p == r->end))
		reader_fail(r, "unexpected end of data");
	switch (*r->p) {
	case '{': return TOKEN_OBJECT;
	case '[': return TOKEN_ARRAY;
	case '"': return TOKEN_STRING;
	case 't': return TOKEN_TRUE;
	case 'f': return TOKEN_FALSE;
	case 'n': return TOKEN_NULL;
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		return TOKEN_NUMBER;
	default:
		reader_fail(r, "unexpected character");
	}
}

void enter_container(struct reader *r, char open)
{
	(void)open; /* the caller has seen it */
	r->p++;
	r->depth++;
}

bool next_member(struct reader *r, bool first, char close)
{
	skip_space(r);
	if (UNLIKELY(r->p == r->end))
		reader_fail(r, "unexpected end of data");
	if (*r->p == close) {
		r->p++;
		r->depth--;
		return false;
	}
	if (!first) {
		if (UNLIKELY(*r->p != ','))
			reader_fail(r, close == '}' ? "',' or '}' expected" : "',' or ']' expected");
		r->p++;
		skip_space(r);
	}
	if (UNLIKELY(r->depth >= READER_MAX_DEPTH))
		reader_fail(r, "nesting too deep");
	return true;
}

/* ---- strings ---- */

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define ONES 0x0101010101010101u
#define HIGHS 0x8080808080808080u

/* Offset of the first byte in p[0..16) that is a quote, a backslash, below
 * 0x20 or above 0x7f; 16 when there is none. *quote: that byte is the
 * quote (known without reading it again). p + 16 <= end. */
static inline unsigned first_special(const unsigned char *p, bool *quote)
{
#if defined(__SSE2__)
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i q = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
	/* signed: bytes above 0x7f are negative, so below 0x20 too */
	__m128i other = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\\')), _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
	unsigned qmask = (unsigned)_mm_movemask_epi8(q);
	unsigned mask = qmask | (unsigned)_mm_movemask_epi8(other);
	if (!mask)
		return 16;
	unsigned at = (unsigned)__builtin_ctz(mask);
	*quote = (qmask >> at) & 1;
	return at;
#else
	for (unsigned i = 0; i < 16; i++) {
		unsigned char c = p[i];
		if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) {
			*quote = c == '"';
			return i;
		}
	}
	return 16;
#endif
}

/* Length of the UTF-8 sequence at p (first byte >= 0x80), or 0 if invalid. */
static size_t utf8_length(const unsigned char *p, const unsigned char *end)
{
	unsigned char c = p[0];
	size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
	if (!n || (size_t)(end - p) < n)
		return 0;
	/* the second byte's range rules out overlong forms, surrogates and > U+10FFFF */
	unsigned char lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
	unsigned char hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	return n;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* The bytes from p on that need a look one at a time (UTF-8 sequences,
 * an escape; a control byte fails); p past them. */
static const unsigned char *string_special(struct reader *r, const unsigned char *p, const unsigned char *end,
                                           struct span *s)
{
	unsigned char c = *p;
	if (c >= 0x80) {
		/* Cyrillic and the like: runs of two-byte sequences */
		while (end - p >= 2 && p[0] >= 0xC2 && p[0] <= 0xDF && (p[1] & 0xC0) == 0x80)
			p += 2;
		if (p < end && *p >= 0x80) {
			size_t n = utf8_length(p, end);
			if (UNLIKELY(!n)) {
				r->p = (const char *)p;
				reader_fail(r, "invalid UTF-8");
			}
			p += n;
		}
		return p;
	}
	if (c == '\\') {
		s->escaped = true;
		size_t n = end - p >= 2 && p[1] && strchr("\"\\/bfnrt", p[1]) ? 2 : 0;
		if (!n && end - p >= 6 && p[1] == 'u' && is_hex((char)p[2]) && is_hex((char)p[3]) &&
		    is_hex((char)p[4]) && is_hex((char)p[5]))
			n = 6;
		if (UNLIKELY(!n)) {
			r->p = (const char *)p;
			reader_fail(r, "invalid string sequence");
		}
		return p + n;
	}
	r->p = (const char *)p; /* below 0x20 */
	reader_fail(r, "control character in a string");
}

struct span read_string(struct reader *r)
{
	const unsigned char *p = (const unsigned char *)r->p + 1, *end = (const unsigned char *)r->end;
	struct span s = {(const char *)p, 0, false};
	for (;;) {
		bool quote = false;
		if (LIKELY(end - p >= 16)) {
			unsigned at = first_special(p, &quote);
			p += at;
			if (at == 16)
				continue;
		} else {
			while (p < end && *p != '"' && *p != '\\' && *p >= 0x20 && *p < 0x80)
				p++;
			if (UNLIKELY(p == end)) {
				r->p = (const char *)p;
				reader_fail(r, "unexpected end of data in a string");
			}
			quote = *p == '"';
		}
		if (quote)
			break;
		p = string_special(r, p, end, &s);
	}
	s.len = (size_t)((const char *)p - s.text);
	r->p = (const char *)p + 1;
	return s;
}

struct span read_key(struct reader *r)
{
	if (UNLIKELY(r->p == r->end || *r->p != '"'))
		reader_fail(r, "quoted object property name expected");
	struct span key = read_string(r);
	expect_char(r, ':', "object property name separator ':' expected");
	return key;
}

static unsigned hex4(const char *p)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v = v * 16 + (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	return v;
}

static size_t put_utf8(unsigned cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t unescape(struct span s, char *out, bool *has_nul)
{
	const char *p = s.text, *end = s.text + s.len;
	size_t n = 0;
	*has_nul = false;
	while (p < end) {
		const char *bs = memchr(p, '\\', (size_t)(end - p));
		size_t plain = (size_t)((bs ? bs : end) - p);
		memcpy(out + n, p, plain);
		n += plain;
		p += plain;
		if (!bs)
			break;
		char c = p[1];
		if (c != 'u') {
			static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
			out[n++] = to[strchr(from, c) - from];
			p += 2;
			continue;
		}
		unsigned cp = hex4(p + 2);
		p += 6;
		if (cp >= 0xD800 && cp <= 0xDBFF && end - p >= 6 && p[0] == '\\' && p[1] == 'u' &&
		    hex4(p + 2) >= 0xDC00 && hex4(p + 2) <= 0xDFFF) {
			cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4(p + 2) - 0xDC00);
			p += 6;
		} else if (cp >= 0xD800 && cp <= 0xDFFF) {
			cp = 0xFFFD; /* a lone surrogate, as json-c reads it */
		}
		*has_nul |= cp == 0;
		n += put_utf8(cp, out + n);
	}
	out[n] = '\0';
	return n;
}

/* ---- numbers, literals, whole values ---- */

static const char *skip_digits(const char *p, const char *end)
{
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	return p;
}

void read_number(struct reader *r, struct number *n)
{
	const char *p = r->p, *end = r->end;
	n->text = p;
	n->negative = *p == '-';
	p += n->negative;
	const char *digits = p;
	uint64_t m = 0;
	if (p < end && *p == '0') {
		p++;
	} else {
		while (p < end && *p >= '0' && *p <= '9' && p - digits < 19)
			m = m * 10 + (uint64_t)(*p++ - '0');
		p = skip_digits(p, end);
	}
	if (UNLIKELY(p == digits)) {
		r->p = p;
		reader_fail(r, "number expected");
	}
	const char *int_end = p;
	n->integral = true;
	if (p < end && *p == '.') {
		n->integral = false;
		const char *frac = ++p;
		p = skip_digits(p, end);
		if (UNLIKELY(p == frac)) {
			r->p = p;
			reader_fail(r, "digit expected after '.'");
		}
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		n->integral = false;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		const char *exp = p;
		p = skip_digits(p, end);
		if (UNLIKELY(p == exp)) {
			r->p = p;
			reader_fail(r, "digit expected in an exponent");
		}
	}
	n->len = (size_t)(p - n->text);
	if (n->integral && int_end - digits > 19) {
		/* 20 digits or more: the 20th may still fit uint64 */
		uint64_t unused;
		int64_t unused_signed;
		if (int_end - digits > 20 ||
		    read_integer(n->text, n->len, !n->negative, &unused_signed, &unused) != NUM_OK) {
			r->p = n->text;
			reader_fail(r, "integer out of range");
		}
		m = n->negative ? 0 - (uint64_t)unused_signed : unused;
	} else if (n->integral && n->negative && m > (uint64_t)INT64_MAX + 1) {
		r->p = n->text;
		reader_fail(r, "integer out of range");
	}
	n->magnitude = m;
	r->p = p;
}

void read_literal(struct reader *r, enum token t)
{
	const char *text = t == TOKEN_TRUE ? "true" : t == TOKEN_FALSE ? "false" : "null";
	size_t len = t == TOKEN_FALSE ? 5 : 4;
	if (UNLIKELY((size_t)(r->end - r->p) < len || memcmp(r->p, text, len) != 0))
		reader_fail(r, "unexpected character");
	r->p += len;
}

void skip_value(struct reader *r)
{
	enum token t = peek_token(r);
	switch (t) {
	case TOKEN_OBJECT:
		enter_container(r, '{');
		for (bool first = true; next_member(r, first, '}'); first = false) {
			read_key(r);
			skip_value(r);
		}
		return;
	case TOKEN_ARRAY:
		enter_container(r, '[');
		for (bool first = true; next_member(r, first, ']'); first = false)
			skip_value(r);
		return;
	case TOKEN_STRING:
		read_string(r);
		return;
	case TOKEN_NUMBER: {
		struct number n;
		read_number(r, &n);
		return;
	}
	default:
		read_literal(r, t);
		return;
	}
}

/* Runs skip_value over all of r, whitespace after it allowed. */
static bool skip_all(struct reader *r)
{
	if (setjmp(*r->fail))
		return false;
	skip_value(r);
	skip_space(r);
	if (r->p != r->end)
		reader_fail(r, "trailing data");
	return true;
}

enum socapi_status check_json(const char *text, size_t len, struct socapi_error *err)
{
	jmp_buf fail;
	struct reader r = {text, text, text + len, 0, err, &fail};
	return skip_all(&r) ? SOCAPI_OK : SOCAPI_E_PARSE;
}
