/*
 * reader.h - the JSON lexer of the one-pass decoder (onepass.c): strict
 * RFC 8259 JSON over a byte buffer, strict UTF-8, no allocation. The hot
 * steps are inline here; escapes, multi-byte UTF-8, numbers and skipping
 * whole values are in reader.c. Not installed.
 *
 * A syntax error longjmps to the reader's `fail` after setting
 * SOCAPI_E_PARSE (as upb's JSON decoder does): the decoders above never
 * check a status after each token, and the arena they write into is
 * released in one place.
 */
#ifndef SOCAPI_READER_H
#define SOCAPI_READER_H

#include "internal.h"

#include <setjmp.h>

/* Values nest at most this deep (the root is level 1), as json-c allows. */
#define READER_MAX_DEPTH 64

struct reader {
	const char *start, *p, *end;
	unsigned depth;  /* level of the container being read; 0 at the root */
	struct socapi_error *err;
	jmp_buf *fail;
};

/* What comes next, by its first byte. */
enum token { TOKEN_OBJECT, TOKEN_ARRAY, TOKEN_STRING, TOKEN_NUMBER, TOKEN_TRUE, TOKEN_FALSE, TOKEN_NULL };

/* The raw text between a string's quotes, as sent. */
struct span {
	const char *text;
	size_t len;
	bool escaped;  /* holds backslash escapes: unescape before use */
};

/* A number literal, checked against the JSON grammar. */
struct number {
	const char *text;
	size_t len;
	bool integral;      /* no fraction, no exponent */
	bool negative;
	uint64_t magnitude; /* integral only; fits uint64 (bigger ones fail to parse) */
};

#if defined(__GNUC__) || defined(__clang__)
#define NORETURN __attribute__((noreturn))
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define NORETURN
#define LIKELY(x) (x)
#define UNLIKELY(x) (x)
#endif

/* Sets a parse error naming what and the byte offset, and longjmps. */
NORETURN void reader_fail(struct reader *r, const char *what);

static inline bool is_space(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static inline void skip_space(struct reader *r)
{
	while (r->p < r->end && UNLIKELY(is_space(*r->p)))
		r->p++;
}

/* The next value's kind, after whitespace; fails at the end or a stray byte. */
enum token peek_token(struct reader *r);

/* Consumes c after whitespace, or fails. */
static inline void expect_char(struct reader *r, char c, const char *what)
{
	skip_space(r);
	if (UNLIKELY(r->p == r->end || *r->p != c))
		reader_fail(r, what);
	r->p++;
}

/*
 * Containers, read as
 *     enter_container(r, '{');
 *     for (bool first = true; next_member(r, first, '}'); first = false) ...
 * next_member consumes the comma before a member, or the closing byte
 * (and leaves the container) when none follows; a member nests one level
 * deeper than its container, and too deep fails.
 */
void enter_container(struct reader *r, char open);
bool next_member(struct reader *r, bool first, char close);

/* A string value (r->p at its opening quote): its raw content, checked. */
struct span read_string(struct reader *r);
/* A member name and its colon (r->p at the name's opening quote). */
struct span read_key(struct reader *r);
/* Writes the unescaped span to out (span.len + 1 bytes suffice) and NUL-
 * terminates it; returns the length. *has_nul: it holds an escaped NUL. */
size_t unescape(struct span s, char *out, bool *has_nul);

/* A number (r->p at its first byte). An integer literal beyond int64 and
 * uint64 fails: json-c would clamp it (scalars.c, find_clamped_integer). */
void read_number(struct reader *r, struct number *n);
/* true, false or null (r->p at its first byte). */
void read_literal(struct reader *r, enum token t);
/* Any value, checked and passed over. */
void skip_value(struct reader *r);
/* The whole text is one JSON value (and whitespace): what a decoder checks
 * after a decode error, so that text that is not JSON anywhere is a parse
 * error whatever was decoded first. Sets err and returns its status. */
enum socapi_status check_json(const char *text, size_t len, struct socapi_error *err);

#endif
