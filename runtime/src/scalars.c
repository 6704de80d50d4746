/*
 * scalars.c - how a JSON number or a numeric string reads as an integer or
 * a double. Both decoders (the json-c tree one in decode.c and the one-pass
 * one) read scalars through these functions, so the platforms' quirks
 * (integers sent as strings, integral floats for integers) and the range
 * checks are the same in both; schema/README.md documents the rules.
 * Nothing here goes through double on the way to an integer.
 */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Enough significant digits to round any decimal to the nearest double
 * (767 are needed at most), plus a sticky digit for what is dropped. */
#define MAX_SIGNIFICANT 780
#define EXPONENT_CLAMP 100000000

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A number spelled out: sign, digits with the decimal point removed, and
 * the power of ten that scales them. */
struct decimal {
	bool negative;
	const char *int_digits;
	size_t n_int;
	const char *frac_digits;
	size_t n_frac;
	int64_t exponent;  /* of the last digit of int_digits + frac_digits */
};

/* -?[0-9]+(.[0-9]+)?([eE][+-]?[0-9]+)? over all of s[0..len); leading zeros
 * are allowed (decimal strings have them). */
static bool split_decimal(const char *s, size_t len, struct decimal *d)
{
	const char *p = s, *end = s + len;
	*d = (struct decimal){0};
	if (p < end && *p == '-') {
		d->negative = true;
		p++;
	}
	d->int_digits = p;
	while (p < end && is_digit(*p))
		p++;
	d->n_int = (size_t)(p - d->int_digits);
	if (!d->n_int)
		return false;
	if (p < end && *p == '.') {
		d->frac_digits = ++p;
		while (p < end && is_digit(*p))
			p++;
		d->n_frac = (size_t)(p - d->frac_digits);
		if (!d->n_frac)
			return false;
	}
	int64_t e = 0;
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		bool minus = p < end && *p == '-';
		if (p < end && (*p == '-' || *p == '+'))
			p++;
		if (p == end || !is_digit(*p))
			return false;
		for (; p < end && is_digit(*p); p++)
			if (e < EXPONENT_CLAMP)
				e = e * 10 + (*p - '0');
		e = minus ? -e : e;
	}
	if (p != end)
		return false;
	d->exponent = e - (int64_t)(d->n_frac < EXPONENT_CLAMP ? d->n_frac : EXPONENT_CLAMP);
	return true;
}

/* The k-th digit of int_digits followed by frac_digits. */
static char digit_at(const struct decimal *d, size_t k)
{
	return k < d->n_int ? d->int_digits[k] : d->frac_digits[k - d->n_int];
}

enum num_read read_integer(const char *s, size_t len, bool is_unsigned, int64_t *i, uint64_t *u)
{
	if (len && len < 20 && s[0] != '-') {
		/* the common case, plain digits that cannot overflow, read straight */
		uint64_t v = 0;
		size_t k = 0;
		for (; k < len && is_digit(s[k]); k++)
			v = v * 10 + (uint64_t)(s[k] - '0');
		if (k == len) {
			if (is_unsigned)
				*u = v;
			else if (v > (uint64_t)INT64_MAX)
				return NUM_RANGE;
			else
				*i = (int64_t)v;
			return NUM_OK;
		}
	}
	struct decimal d;
	if (!split_decimal(s, len, &d))
		return NUM_SYNTAX;
	size_t n = d.n_int + d.n_frac, first = 0;
	while (first < n && digit_at(&d, first) == '0')
		first++;
	uint64_t mag = 0;
	if (first < n) {
		/* digits scaled below the units must all be zero */
		size_t last = n;
		int64_t e = d.exponent;
		for (; e < 0 && last > first; e++, last--)
			if (digit_at(&d, last - 1) != '0')
				return NUM_NOT_INTEGRAL;
		if (e < 0 || (int64_t)(last - first) + e > 20)
			return e < 0 ? NUM_NOT_INTEGRAL : NUM_RANGE;
		for (size_t k = first; k < last; k++) {
			unsigned digit = (unsigned)(digit_at(&d, k) - '0');
			if (mag > (UINT64_MAX - digit) / 10)
				return NUM_RANGE;
			mag = mag * 10 + digit;
		}
		for (; e > 0; e--) {
			if (mag > UINT64_MAX / 10)
				return NUM_RANGE;
			mag *= 10;
		}
	}
	if (is_unsigned) {
		if (d.negative && mag)
			return NUM_RANGE;
		*u = mag;
	} else if (d.negative) {
		if (mag > (uint64_t)INT64_MAX + 1)
			return NUM_RANGE;
		*i = mag ? -(int64_t)(mag - 1) - 1 : 0;
	} else {
		if (mag > (uint64_t)INT64_MAX)
			return NUM_RANGE;
		*i = (int64_t)mag;
	}
	return NUM_OK;
}

enum num_read read_double(const char *s, size_t len, double *out)
{
	static const double powers[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
	                                1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
	                                1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
	struct decimal d;
	if (!split_decimal(s, len, &d))
		return NUM_SYNTAX;
	size_t n = d.n_int + d.n_frac, first = 0, last = n;
	while (first < n && digit_at(&d, first) == '0')
		first++;
	int64_t e = d.exponent;
	while (last > first && digit_at(&d, last - 1) == '0') {
		last--;
		e++;
	}
	double sign = d.negative ? -1.0 : 1.0;
	size_t digits = last - first;
	int64_t lead = e + (int64_t)digits - 1; /* power of ten of the first digit */
	if (!digits || lead < -400) {
		*out = sign * 0.0;
		return NUM_OK;
	}
	if (lead > 400) {
		*out = sign * HUGE_VAL;
		return NUM_RANGE;
	}
	if (digits <= 15 && e >= -22 && e <= 22) {
		/* exact digits and an exact power of ten: one rounding (Clinger) */
		uint64_t m = 0;
		for (size_t k = first; k < last; k++)
			m = m * 10 + (uint64_t)(digit_at(&d, k) - '0');
		double v = (double)m;
		v = e >= 0 ? v * powers[e] : v / powers[-e];
		*out = sign * v;
		return NUM_OK;
	}
	/* strtod rounds correctly; without a decimal point the locale cannot
	 * change what it reads */
	char text[MAX_SIGNIFICANT + 32];
	size_t t = 0;
	if (d.negative)
		text[t++] = '-';
	size_t kept = digits > MAX_SIGNIFICANT ? MAX_SIGNIFICANT : digits;
	for (size_t k = first; k < first + kept; k++)
		text[t++] = digit_at(&d, k);
	int64_t scale = e + (int64_t)(digits - kept);
	if (kept < digits) {
		/* the dropped digits are not all zero (trailing zeros went first):
		 * a sticky 1 keeps the rounding direction */
		text[t++] = '1';
		scale--;
	}
	snprintf(text + t, sizeof text - t, "e%lld", (long long)scale);
	*out = strtod(text, NULL);
	return isfinite(*out) ? NUM_OK : NUM_RANGE;
}

/* ---- integer literals json-c would clamp ---- */

/* Compares the digits of an integer literal with a limit's, both without sign. */
static bool digits_exceed(const char *digits, size_t n, const char *limit)
{
	size_t m = strlen(limit);
	return n != m ? n > m : memcmp(digits, limit, n) > 0;
}

bool find_clamped_integer(const char *text, size_t len, size_t *where)
{
	bool in_string = false;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
			continue;
		}
		if (c == '"') {
			in_string = true;
			continue;
		}
		if (c != '-' && !is_digit(c))
			continue;
		size_t start = i, digits = i + (c == '-');
		size_t end = digits;
		while (end < len && is_digit(text[end]))
			end++;
		bool integral = end == len || (text[end] != '.' && text[end] != 'e' && text[end] != 'E');
		size_t n = end - digits;
		while (n > 1 && text[digits] == '0') { /* json-c reads 007 as 7 */
			digits++;
			n--;
		}
		if (integral && digits_exceed(text + digits, n,
		                              c == '-' ? "9223372036854775808" : "18446744073709551615")) {
			*where = start;
			return true;
		}
		for (i = end; i < len && (is_digit(text[i]) || strchr(".eE+-", text[i])); i++)
			;
		i--;
	}
	return false;
}

/* ---- the rules both decoders apply ---- */

bool kind_is_number_like(uint8_t kind)
{
	return kind == SOCAPI_KIND_BOOL || kind == SOCAPI_KIND_INT || kind == SOCAPI_KIND_UINT ||
	       kind == SOCAPI_KIND_NUMBER || kind == SOCAPI_KIND_ENUM_INT;
}

bool is_flag_enum(const struct socapi_type *t)
{
	const struct socapi_enum *e = t->kind == SOCAPI_KIND_ENUM_INT ? t->detail : NULL;
	return e && e->n_values == 2 && socapi_enum_int_known(e, 0) && socapi_enum_int_known(e, 1);
}

enum num_read integer_from_text(const struct socapi_type *t, const char *text, size_t len, void *out)
{
	bool is_unsigned = t->kind == SOCAPI_KIND_UINT;
	int64_t i = 0;
	uint64_t u = 0;
	enum num_read r = read_integer(text, len, is_unsigned, &i, &u);
	if (r == NUM_OK && is_unsigned)
		memcpy(out, &u, sizeof u);
	else if (r == NUM_OK)
		memcpy(out, &i, sizeof i);
	return r;
}

enum num_read bool_from_text(const char *text, size_t len, bool *out)
{
	int64_t i = 0;
	uint64_t unused;
	enum num_read r = read_integer(text, len, false, &i, &unused);
	if (r == NUM_OK && i != 0 && i != 1)
		return NUM_RANGE;
	*out = i == 1;
	return r;
}

const char *num_problem(enum num_read r, uint8_t kind, bool quoted)
{
	switch (r) {
	case NUM_OK:
		break;
	case NUM_SYNTAX:
		return quoted ? "string is not a decimal number" : "malformed number";
	case NUM_NOT_INTEGRAL:
		return "number is not an integer";
	case NUM_RANGE:
		return kind == SOCAPI_KIND_BOOL     ? "integer other than 0/1 for a boolean"
		       : kind == SOCAPI_KIND_NUMBER ? "number out of range"
		       : kind == SOCAPI_KIND_UINT   ? "integer out of range for uint64"
		                                    : "integer out of range for int64";
	}
	return "";
}
