/*
 * pairs.c - ordered name=value lists: request parameters and form bodies.
 */
#include "internal.h"

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

static char *dup_len(const char *s, size_t len)
{
	char *copy = sc_malloc(len + 1);
	if (copy) {
		memcpy(copy, s, len);
		copy[len] = '\0';
	}
	return copy;
}

bool pairs_add_len(struct pairs *p, const char *name, const char *value, size_t len)
{
	if (!pairs_grow(p))
		return false;
	char *n = sc_strdup(name);
	char *v = dup_len(value, len);
	if (!n || !v) {
		sc_free(n);
		sc_free(v);
		return false;
	}
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
	char *n = sc_strdup(name);
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
	char *v = sc_strdup(value);
	if (!v)
		return false;
	sc_free_secret(found->value);
	found->value = v;
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
	sc_free(found->name);
	sc_free_secret(found->value);
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

void pairs_release(struct pairs *p)
{
	for (size_t i = 0; i < p->n; i++) {
		sc_free(p->items[i].name);
		sc_free_secret(p->items[i].value);
	}
	sc_free(p->items);
	*p = (struct pairs){0};
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

static void percent_encode(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		    *c == '-' || *c == '_' || *c == '.' || *c == '~') {
			buf_append(out, c, 1);
		} else {
			char esc[3] = {'%', hex[*c >> 4], hex[*c & 15]};
			buf_append(out, esc, 3);
		}
	}
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
