/*
 * pager.c - iterating a paged method: anchor (cursor) and offset paging as
 * the method's socapi_paging describes them, on top of the typed call path.
 */
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

struct socapi_pager {
	struct socapi_session *session;
	const struct socapi_method *method;
	struct pairs params;  /* the caller's, encoded once */
	char *anchor;         /* cursor of the next page; NULL: as the caller set it */
	size_t offset;        /* offset paging: where the next page starts */
	size_t items;
	bool done;
};

enum socapi_status socapi_pager_new(struct socapi_session *session,
                                    const struct socapi_method *method, const void *params,
                                    struct socapi_pager **out, struct socapi_error *err)
{
	error_reset(err);
	if (!out)
		return set_error(err, SOCAPI_E_ARG, "out is NULL");
	*out = NULL;
	if (!session || !method)
		return set_error(err, SOCAPI_E_ARG, "socapi_pager_new: session and method are required");
	if (!method->paging || !socapi_result_by_pointer(method->result))
		return set_error(err, SOCAPI_E_ARG, "%s is not a paged method", method->c_name);
	struct socapi_pager *p = sc_calloc(1, sizeof *p);
	if (!p)
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	p->session = session;
	p->method = method;
	enum socapi_status st = call_encode(session, method, params, &p->params, err);
	const char *offset = method->paging->offset;
	if (st == SOCAPI_OK && offset && pairs_get(&p->params, offset)) {
		int64_t start;
		uint64_t unused;
		if (!parse_decimal(pairs_get(&p->params, offset), false, &start, &unused) || start < 0)
			st = set_error(err, SOCAPI_E_ARG, "%s: bad %s", method->c_name, offset);
		else
			p->offset = (size_t)start;
	}
	if (st != SOCAPI_OK) {
		socapi_pager_free(p);
		return st;
	}
	*out = p;
	return SOCAPI_OK;
}

/* The page's member of that name (the generator checks that paging names
 * members of the result), or NULL; *slot its storage. */
static const struct socapi_field *member(const struct socapi_pager *p, const void *page, const char *name,
                                         const unsigned char **slot)
{
	const struct socapi_type *t = p->method->result;
	const struct socapi_field *f = name && t->kind == SOCAPI_KIND_OBJECT
	                                       ? struct_member(t->detail, name, strlen(name))
	                                       : NULL;
	*slot = f ? (const unsigned char *)page + f->offset : NULL;
	return f && (f->has_offset == SOCAPI_NO_PRESENCE || ((const unsigned char *)page)[f->has_offset]) ? f
	                                                                                                 : NULL;
}

/* Items on a page: the list's length; -1 unknown. */
static long count_items(const struct socapi_pager *p, const void *page)
{
	const unsigned char *slot;
	const struct socapi_field *f = member(p, page, p->method->paging->items, &slot);
	const struct socapi_list *list = (const void *)slot;
	return f && f->type->kind == SOCAPI_KIND_ARRAY && list->items ? (long)list->n_items : -1;
}

/* An integer member's value, or -1 when absent. */
static int64_t read_count(const struct socapi_pager *p, const void *page, const char *name)
{
	const unsigned char *slot;
	const struct socapi_field *f = member(p, page, name, &slot);
	int64_t v = -1;
	if (f && (f->type->kind == SOCAPI_KIND_INT || f->type->kind == SOCAPI_KIND_UINT))
		memcpy(&v, slot, sizeof v);
	return v;
}

/* The text of a string member (a number's decimal digits in buf), or "". */
static const char *read_text(const struct socapi_pager *p, const void *page, const char *name, char buf[24])
{
	const unsigned char *slot;
	const struct socapi_field *f = member(p, page, name, &slot);
	const char *text = NULL;
	if (f && kind_is_text(f->type->kind)) {
		memcpy(&text, slot, sizeof text);
	} else if (f && f->type->kind == SOCAPI_KIND_INT) {
		int64_t v;
		memcpy(&v, slot, sizeof v);
		snprintf(buf, 24, "%" PRId64, v);
		text = buf;
	}
	return text ? text : "";
}

/* has_more as a boolean, 0/1 or "true"/"1"; absent: *known false. */
static bool read_flag(const struct socapi_pager *p, const void *page, bool *known)
{
	const unsigned char *slot;
	const struct socapi_field *f = member(p, page, p->method->paging->has_more, &slot);
	*known = f != NULL;
	if (!f)
		return false;
	if (f->type->kind == SOCAPI_KIND_BOOL) {
		bool v;
		memcpy(&v, slot, sizeof v);
		return v;
	}
	if (f->type->kind == SOCAPI_KIND_INT || f->type->kind == SOCAPI_KIND_ENUM_INT) {
		int64_t v;
		memcpy(&v, slot, sizeof v);
		return v != 0;
	}
	char unused[24];
	const char *text = read_text(p, page, p->method->paging->has_more, unused);
	return strcmp(text, "true") == 0 || strcmp(text, "1") == 0;
}

/* Reads the page and decides where the next page starts, if any. */
static enum socapi_status advance(struct socapi_pager *p, const void *page, struct socapi_error *err)
{
	const struct socapi_paging *pg = p->method->paging;
	long n = count_items(p, page);
	if (n > 0)
		p->items += (size_t)n;
	if (pg->offset) {
		int64_t total = read_count(p, page, pg->total);
		p->offset += n > 0 ? (size_t)n : 0;
		p->done = n <= 0 || (total >= 0 && p->offset >= (uint64_t)total);
		return SOCAPI_OK;
	}
	bool known;
	bool more = read_flag(p, page, &known);
	char buf[24];
	const char *next = read_text(p, page, pg->next_anchor, buf);
	const char *sent = p->anchor ? p->anchor : pairs_get(&p->params, pg->anchor);
	p->done = !*next || (known ? !more : n == 0) || (sent && strcmp(next, sent) == 0);
	if (p->done)
		return SOCAPI_OK;
	char *copy = sc_strdup(next);
	if (!copy)
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	sc_free(p->anchor);
	p->anchor = copy;
	return SOCAPI_OK;
}

enum socapi_status socapi_pager_next(struct socapi_pager *p, void *out, bool *done,
                                     struct socapi_error *err)
{
	error_reset(err);
	if (!p || !out || !done)
		return set_error(err, SOCAPI_E_ARG, "socapi_pager_next: pager, out and done are required");
	*done = p->done;
	if (p->done)
		return SOCAPI_OK;
	memset(out, 0, sizeof(void *));
	const struct socapi_paging *pg = p->method->paging;
	struct pairs params;
	if (!pairs_copy(&p->params, &params))
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	char offset[24];
	snprintf(offset, sizeof offset, "%zu", p->offset);
	bool ok = pg->offset ? pairs_set(&params, pg->offset, offset)
	                     : !p->anchor || pairs_set(&params, pg->anchor, p->anchor);
	if (!ok) {
		pairs_release(&params);
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	}
	void *page = NULL;
	enum socapi_status st = call_method(p->session, p->method, &params, &page, NULL, NULL, err);
	pairs_release(&params);
	if (st == SOCAPI_OK)
		st = advance(p, page, err);
	if (st != SOCAPI_OK) {
		socapi_free(page);
		return st;
	}
	memcpy(out, &page, sizeof page);
	return SOCAPI_OK;
}

size_t socapi_pager_items(const struct socapi_pager *p)
{
	return p->items;
}

void socapi_pager_free(struct socapi_pager *p)
{
	if (!p)
		return;
	pairs_release(&p->params);
	sc_free(p->anchor);
	sc_free(p);
}
