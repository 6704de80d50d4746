/*
 * pager.c - iterating a paged method: anchor (cursor) and offset paging as
 * the method's socapi_paging describes them, on top of the typed call path.
 */
#include "internal.h"

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

static struct json_object *member(struct json_object *reply, const char *name)
{
	struct json_object *v = NULL;
	if (name && json_object_is_type(reply, json_type_object))
		json_object_object_get_ex(reply, name, &v);
	return v;
}

/* Items on a page: an array's length or an object's member count; -1 unknown. */
static long count_items(struct json_object *items)
{
	if (json_object_is_type(items, json_type_array))
		return (long)json_object_array_length(items);
	if (json_object_is_type(items, json_type_object))
		return json_object_object_length(items);
	return -1;
}

/* has_more as a JSON boolean, 0/1 or "true"/"false"; absent: *known false. */
static bool read_flag(struct json_object *v, bool *known)
{
	*known = v && !json_object_is_type(v, json_type_null);
	if (json_object_is_type(v, json_type_string))
		return strcmp(json_object_get_string(v), "true") == 0 ||
		       strcmp(json_object_get_string(v), "1") == 0;
	return *known && json_object_get_boolean(v);
}

/* Reads the page's reply and decides where the next page starts, if any. */
static enum socapi_status advance(struct socapi_pager *p, struct json_object *reply,
                                  struct socapi_error *err)
{
	const struct socapi_paging *pg = p->method->paging;
	long n = count_items(member(reply, pg->items));
	if (n > 0)
		p->items += (size_t)n;
	if (pg->offset) {
		struct json_object *total = member(reply, pg->total);
		p->offset += n > 0 ? (size_t)n : 0;
		p->done = n <= 0 || (total && json_object_get_int64(total) >= 0 &&
		                     p->offset >= (uint64_t)json_object_get_int64(total));
		return SOCAPI_OK;
	}
	bool known;
	bool more = read_flag(member(reply, pg->has_more), &known);
	struct json_object *next_v = member(reply, pg->next_anchor);
	const char *next = json_object_is_type(next_v, json_type_string) ? json_object_get_string(next_v) : "";
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
	struct json_object *root = NULL, *reply = NULL;
	enum socapi_status st = call_method(p->session, p->method, &params, &page, &root, &reply, err);
	pairs_release(&params);
	if (st == SOCAPI_OK)
		st = advance(p, reply, err);
	json_object_put(root);
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
