/*
 * page.c - one tab of the browser: open it in a browser context, load a
 * URL and wait for its load event, run scripts, wait for what the page's
 * own scripts render.
 */
#include "browser_internal.h"

#include <stdio.h>
#include <string.h>

#define POLL_MS 20

/* A new params object with one string member, or NULL. */
static struct json_object *params1(const char *name, const char *value)
{
	struct json_object *p = json_object_new_object();
	if (p && json_object_object_add(p, name, json_object_new_string(value)) != 0) {
		json_object_put(p);
		return NULL;
	}
	return p;
}

static long ms_left(int64_t deadline)
{
	int64_t left = (deadline - now_ns()) / 1000000;
	return left > 0 ? (long)left : 0;
}

/* A timeout for messages: what was left of it when the wait began, rounded up. */
static long timeout_of(int64_t deadline)
{
	int64_t left = (deadline - now_ns() + 999999) / 1000000;
	return left > 0 ? (long)left : 0;
}

/* Replaces *dst with a copy of the string member name of o. */
static bool take_string(char **dst, struct json_object *o, const char *name)
{
	const char *v = member_string(o, name);
	sc_free(*dst);
	*dst = v ? sc_strdup(v) : NULL;
	return *dst != NULL;
}

enum socapi_status page_open(struct socapi_browser *b, const char *context_id,
                             struct cdp_page **out, struct socapi_error *err)
{
	*out = NULL;
	struct cdp_page *page = sc_calloc(1, sizeof *page);
	if (!page)
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	int64_t deadline = browser_deadline(b);
	struct json_object *params = params1("url", "about:blank"), *result = NULL;
	if (params)
		json_object_object_add(params, "browserContextId",
		                       json_object_new_string(context_id));
	enum socapi_status st =
	    cdp_call(b, NULL, "Target.createTarget", params, deadline, &result, err);
	if (st == SOCAPI_OK && !take_string(&page->target_id, result, "targetId"))
		st = set_error(err, SOCAPI_E_TRANSPORT, "the browser opened no page");
	json_object_put(result);
	result = NULL;
	if (st == SOCAPI_OK) {
		params = params1("targetId", page->target_id);
		if (params)
			json_object_object_add(params, "flatten", json_object_new_boolean(1));
		st = cdp_call(b, NULL, "Target.attachToTarget", params, deadline, &result, err);
	}
	if (st == SOCAPI_OK && !take_string(&page->session_id, result, "sessionId"))
		st = set_error(err, SOCAPI_E_TRANSPORT, "the browser did not attach to the page");
	json_object_put(result);
	if (st == SOCAPI_OK)
		st = cdp_call(b, page->session_id, "Page.enable", NULL, deadline, NULL, err);
	if (st == SOCAPI_OK) {
		struct json_object *on = json_object_new_object();
		if (on)
			json_object_object_add(on, "enabled", json_object_new_boolean(1));
		st = cdp_call(b, page->session_id, "Page.setLifecycleEventsEnabled", on, deadline,
		              NULL, err);
	}
	if (st != SOCAPI_OK) {
		page_close(b, page);
		return st;
	}
	*out = page;
	return SOCAPI_OK;
}

void page_close(struct socapi_browser *b, struct cdp_page *page)
{
	if (!page)
		return;
	if (b->watched == page)
		b->watched = NULL;
	if (page->target_id) /* a failure leaves nothing to do: the context goes with the scraper */
		cdp_call(b, NULL, "Target.closeTarget", params1("targetId", page->target_id),
		         browser_deadline(b), NULL, NULL);
	sc_free(page->target_id);
	sc_free(page->session_id);
	sc_free(page->loader_id);
	sc_free(page->frame_id);
	sc_free(page->url);
	sc_free(page);
}

/* The script text of a JSON string (quoted and escaped), or NULL. */
static char *js_string(const char *s)
{
	struct json_object *o = json_object_new_string(s);
	const char *text = o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN) : NULL;
	char *copy = text ? sc_strdup(text) : NULL;
	json_object_put(o);
	return copy;
}

/* After the load: the page must be the one asked for; a redirect
 * elsewhere is the site's login form. */
static enum socapi_status check_location(struct socapi_browser *b, struct cdp_page *page,
                                         int64_t deadline, struct socapi_error *err)
{
	char *quoted = js_string(page->url);
	if (!quoted)
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	struct json_object *where = NULL;
	enum socapi_status st = page_evalf(
	    b, page, deadline, &where, err,
	    "(function (u) { var w = new URL(u); return location.host === w.host && "
	    "location.pathname === w.pathname ? '' : location.origin + location.pathname; })(%s)",
	    quoted);
	sc_free(quoted);
	const char *moved = st == SOCAPI_OK ? json_object_get_string(where) : NULL;
	if (moved && *moved)
		st =
		    set_error(err, SOCAPI_E_AUTH,
		              "%s sent the browser to %s: the login cookies are missing or expired "
		              "(log in again with the implicit grant)",
		              page->url, moved);
	json_object_put(where);
	return st;
}

enum socapi_status page_load(struct socapi_browser *b, struct cdp_page *page, const char *url,
                             int64_t deadline, struct socapi_error *err)
{
	long timeout = timeout_of(deadline);
	page->loaded = page->crashed = false;
	b->watched = page;
	struct json_object *result = NULL;
	sc_free(page->url);
	page->url = sc_strdup(url);
	enum socapi_status st =
	    page->url ? SOCAPI_OK : set_error(err, SOCAPI_E_NOMEM, "out of memory");
	if (st == SOCAPI_OK)
		st = cdp_call(b, page->session_id, "Page.navigate", params1("url", url), deadline,
		              &result, err);
	if (st == SOCAPI_E_TRANSPORT && !b->broken && ms_left(deadline) == 0)
		return set_error(err, SOCAPI_E_TRANSPORT, "%s did not answer within %ld ms", url,
		                 timeout);
	const char *failed = st == SOCAPI_OK ? member_string(result, "errorText") : NULL;
	if (failed && *failed)
		st = set_error(err, SOCAPI_E_TRANSPORT, "cannot load %s: %s", url, failed);
	if (st == SOCAPI_OK && (!take_string(&page->loader_id, result, "loaderId") ||
	                        !take_string(&page->frame_id, result, "frameId")))
		st =
		    set_error(err, SOCAPI_E_TRANSPORT, "the browser did not start loading %s", url);
	json_object_put(result);
	if (st == SOCAPI_OK)
		st = cdp_wait_page(b, deadline, err);
	if (st == SOCAPI_E_TRANSPORT && !b->broken && ms_left(deadline) == 0)
		return set_error(err, SOCAPI_E_TRANSPORT, "%s did not finish loading within %ld ms",
		                 url, timeout);
	if (st == SOCAPI_OK && page->crashed)
		return set_error(err, SOCAPI_E_TRANSPORT, "the page crashed loading %s", url);
	return st == SOCAPI_OK ? check_location(b, page, deadline, err) : st;
}

enum socapi_status page_eval(struct socapi_browser *b, struct cdp_page *page, const char *script,
                             int64_t deadline, struct json_object **value, struct socapi_error *err)
{
	if (value)
		*value = NULL;
	struct json_object *params = params1("expression", script), *result = NULL, *v, *inner;
	if (params) {
		json_object_object_add(params, "returnByValue", json_object_new_boolean(1));
		json_object_object_add(params, "awaitPromise", json_object_new_boolean(1));
	}
	enum socapi_status st =
	    cdp_call(b, page->session_id, "Runtime.evaluate", params, deadline, &result, err);
	if (st != SOCAPI_OK)
		return st;
	if (json_object_object_get_ex(result, "exceptionDetails", &v)) {
		struct json_object *exception;
		const char *what = json_object_object_get_ex(v, "exception", &exception)
		                       ? member_string(exception, "description")
		                       : NULL;
		if (!what)
			what = member_string(v, "text");
		/* the first line: the rest is a stack trace */
		st = set_error(err, SOCAPI_E_DECODE, "a script failed on %s: %.*s",
		               page->url ? page->url : "the page",
		               what ? (int)strcspn(what, "\n") : 10, what ? what : "no details");
	} else if (value && json_object_object_get_ex(result, "result", &inner) &&
	           json_object_object_get_ex(inner, "value", &v)) {
		*value = json_object_get(v);
	}
	json_object_put(result);
	return st;
}

enum socapi_status page_evalf(struct socapi_browser *b, struct cdp_page *page, int64_t deadline,
                              struct json_object **value, struct socapi_error *err, const char *fmt,
                              ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *script = n >= 0 ? sc_malloc((size_t)n + 1) : NULL;
	if (!script)
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	va_start(ap, fmt);
	vsnprintf(script, (size_t)n + 1, fmt, ap);
	va_end(ap);
	enum socapi_status st = page_eval(b, page, script, deadline, value, err);
	sc_free(script);
	return st;
}

enum socapi_status page_wait(struct socapi_browser *b, struct cdp_page *page, const char *condition,
                             const char *selector, int64_t deadline, struct socapi_error *err)
{
	long timeout = timeout_of(deadline);
	for (;;) {
		struct json_object *value;
		enum socapi_status st = page_eval(b, page, condition, deadline, &value, err);
		bool yes = st == SOCAPI_OK && json_object_get_boolean(value);
		json_object_put(value);
		if (yes)
			return SOCAPI_OK;
		if (st != SOCAPI_OK &&
		    !(st == SOCAPI_E_TRANSPORT && !b->broken && ms_left(deadline) == 0))
			return st;
		if (ms_left(deadline) == 0) {
			set_error(err, SOCAPI_E_DECODE,
			          "%s has no element matching \"%s\" after %ld ms: the site "
			          "changed, or it is "
			          "slower than the timeout",
			          page->url ? page->url : "the page", selector, timeout);
			if (err)
				copy_text(err->path, sizeof err->path, selector);
			return SOCAPI_E_DECODE;
		}
		sleep_ms(ms_left(deadline) < POLL_MS ? ms_left(deadline) : POLL_MS);
	}
}
