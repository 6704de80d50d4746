/*
 * pairs.c - ordered name=value lists: request parameters and form bodies.
 */
#include "internal.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

static bool pairs_grow(struct pairs *p)
{
	if (p->n < p->cap)
		return true;
	size_t cap = p->cap ? p->cap * 2 : 16;
	struct pair *items = sc_realloc(p->items, cap * sizeof *items);
	if (!items)
		return false;
	p->items = items;
	p->cap = cap;
	return true;
}

/* ---- the strings: bump-allocated in blocks the list owns ---- */

#define FIRST_STRINGS_BLOCK 512u

struct strings_block {
	struct strings_block *next;  /* older, smaller blocks */
	size_t used;
	size_t cap;
	char data[];
};

/* A NUL-terminated copy of s[0..len) in the list's blocks, or NULL. */
static char *keep(struct pairs *p, const char *s, size_t len)
{
	struct strings_block *b = p->strings;
	if (len >= SIZE_MAX / 2 - sizeof *b)
		return NULL;
	if (!b || b->cap - b->used <= len) {
		size_t cap = b ? 2 * b->cap : FIRST_STRINGS_BLOCK;
		if (cap <= len)
			cap = 2 * (len + 1);
		struct strings_block *grown = sc_malloc(sizeof *grown + cap);
		if (!grown)
			return NULL;
		*grown = (struct strings_block){b, 0, cap};
		p->strings = b = grown;
	}
	char *copy = b->data + b->used;
	memcpy(copy, s, len);
	copy[len] = '\0';
	b->used += len + 1;
	return copy;
}

/* Values hold tokens and signatures: every block is wiped before it goes. */
static void wipe_block(struct strings_block *b)
{
	OPENSSL_cleanse(b->data, b->used);
	b->used = 0;
}

void pairs_clear(struct pairs *p)
{
	struct strings_block *b = p->strings;
	if (b) {
		for (struct strings_block *older = b->next, *next; older; older = next) {
			next = older->next;
			wipe_block(older);
			sc_free(older);
		}
		wipe_block(b); /* the largest block stays for the next use */
		b->next = NULL;
	}
	p->n = 0;
}

void pairs_release(struct pairs *p)
{
	pairs_clear(p);
	sc_free(p->strings);
	sc_free(p->items);
	*p = (struct pairs){0};
}

bool pairs_add_len(struct pairs *p, const char *name, const char *value, size_t len)
{
	if (!pairs_grow(p))
		return false;
	char *n = keep(p, name, strlen(name));
	char *v = n ? keep(p, value, len) : NULL;
	if (!v)
		return false;
	p->items[p->n++] = (struct pair){n, v, NULL, false};
	return true;
}

bool pairs_add(struct pairs *p, const char *name, const char *value)
{
	return pairs_add_len(p, name, value, strlen(value));
}

bool pairs_add_file(struct pairs *p, const char *name, const struct socapi_file *file)
{
	if (!pairs_grow(p))
		return false;
	char *n = keep(p, name, strlen(name));
	if (!n)
		return false;
	p->items[p->n++] = (struct pair){n, NULL, file, false};
	return true;
}

static struct pair *pairs_find(const struct pairs *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->items[i].name, name) == 0)
			return &p->items[i];
	return NULL;
}

bool pairs_copy(const struct pairs *src, struct pairs *dst)
{
	*dst = (struct pairs){0};
	for (size_t i = 0; i < src->n; i++) {
		const struct pair *item = &src->items[i];
		if (!(item->file ? pairs_add_file(dst, item->name, item->file)
		                 : pairs_add(dst, item->name, item->value))) {
			pairs_release(dst);
			return false;
		}
		dst->items[dst->n - 1].secret = item->secret;
	}
	return true;
}

bool pairs_set(struct pairs *p, const char *name, const char *value)
{
	struct pair *found = pairs_find(p, name);
	if (!found)
		return pairs_add(p, name, value);
	char *v = keep(p, value, strlen(value));
	if (!v)
		return false;
	found->value = v; /* the old value is wiped with the list */
	found->file = NULL;
	return true;
}

void pairs_mark_secret(struct pairs *p, const char *name)
{
	struct pair *found = pairs_find(p, name);
	if (found)
		found->secret = true;
}

const char *pairs_get(const struct pairs *p, const char *name)
{
	struct pair *found = pairs_find(p, name);
	return found ? found->value : NULL;
}

bool pairs_has(const struct pairs *p, const char *name)
{
	return pairs_find(p, name) != NULL;
}

void pairs_remove(struct pairs *p, const char *name)
{
	struct pair *found = pairs_find(p, name);
	if (!found)
		return;
	size_t i = (size_t)(found - p->items);
	memmove(found, found + 1, (p->n - i - 1) * sizeof *found);
	p->n--;
}

static int pair_cmp(const void *a, const void *b)
{
	const struct pair *pa = a, *pb = b;
	/* strcmp compares as unsigned char: byte-wise order, as signatures need */
	return strcmp(pa->name, pb->name);
}

void pairs_sort(struct pairs *p)
{
	if (p->n > 1)
		qsort(p->items, p->n, sizeof *p->items, pair_cmp);
}

bool pairs_have_file(const struct pairs *p)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->items[i].file)
			return true;
	return false;
}

bool is_secret_name(const char *name)
{
	static const char *const secrets[] = {
		"access_token", "session_key", "sig", "client_secret", "password", "refresh_token",
		"secret_key", "private_key", "session_secret_key", "application_secret_key",
		"code", "Password", "captcha_key", "success_token",
		"pass", "fr.password",  /* the VK and OK login forms' password fields */
	};
	for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++)
		if (strcmp(name, secrets[i]) == 0)
			return true;
	return false;
}

/* RFC 3986 unreserved characters stay, everything else is %XX. Letters,
 * the usual case, take one comparison. */
static bool unreserved(unsigned char c)
{
	return (unsigned)((c | 0x20) - 'a') < 26u || (unsigned)(c - '0') < 10u || c == '-' || c == '.' ||
	       c == '_' || c == '~';
}

/* Reserves the worst case (3 bytes a byte) once, then writes in place:
 * runs of unreserved characters in one copy, the rest as %XX. */
static void percent_encode(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t len = strlen(s);
	if (len > SIZE_MAX / 3 || !buf_reserve(out, 3 * len))
		return;
	char *w = out->data + out->len;
	const unsigned char *c = (const unsigned char *)s, *end = c + len;
	while (c < end) {
		const unsigned char *run = c;
		while (c < end && unreserved(*c))
			c++;
		memcpy(w, run, (size_t)(c - run));
		w += c - run;
		if (c < end) {
			*w++ = '%';
			*w++ = hex[*c >> 4];
			*w++ = hex[*c & 15];
			c++;
		}
	}
	*w = '\0';
	out->len = (size_t)(w - out->data);
}

static void form_encode(const struct pairs *p, struct buf *out, bool redact)
{
	bool first = true;
	for (size_t i = 0; i < p->n; i++) {
		if (p->items[i].file)
			continue;
		if (!first)
			buf_append(out, "&", 1);
		first = false;
		percent_encode(out, p->items[i].name);
		buf_append(out, "=", 1);
		if (redact && (p->items[i].secret || is_secret_name(p->items[i].name)))
			buf_puts(out, "<redacted>");
		else
			percent_encode(out, p->items[i].value);
	}
	buf_terminate(out);
}

void pairs_form_encode(const struct pairs *p, struct buf *out)
{
	form_encode(p, out, false);
}

void pairs_form_encode_redacted(const struct pairs *p, struct buf *out)
{
	form_encode(p, out, true);
}

enum socapi_status pairs_from_params(const struct socapi_param *params, size_t n,
                                     struct pairs *out, struct socapi_error *err)
{
	*out = (struct pairs){0};
	for (size_t i = 0; i < n; i++) {
		if (!params[i].name || !params[i].value || !pairs_set(out, params[i].name, params[i].value)) {
			pairs_release(out);
			return set_error(err, params[i].name && params[i].value ? SOCAPI_E_NOMEM : SOCAPI_E_ARG,
			                 "cannot use parameter %zu", i);
		}
	}
	return SOCAPI_OK;
}
