/*
 * scraper.c - the scraper object (cookies in a browser context of its
 * own), what the four scrapers share (users.getInfo, the public profile
 * endpoint, opening a my.mail.ru page) and socapi_scrape, which checks a
 * call's parameters and decodes a scraper's JSON into the REST twin's type.
 */
#include "browser_internal.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_TIMEOUT_MS 30000
#define DEFAULT_JOIN_ATTEMPTS 10
#define DEFAULT_JOIN_INTERVAL_MS 1000

/* ---- cookies: Netscape cookie-file text to DevTools cookie objects ---- */

static bool add_string(struct json_object *o, const char *name, const char *value, size_t len)
{
	struct json_object *v = json_object_new_string_len(value, (int)len);
	if (!v || json_object_object_add(o, name, v) != 0) {
		json_object_put(v);
		return false;
	}
	return true;
}

/* One line: domain, subdomains flag, path, secure, expires, name, value. */
static enum socapi_status cookie_from_line(const char *line, size_t len, size_t number,
                                           struct json_object *cookies, struct socapi_error *err)
{
	const char *field[7];
	size_t flen[7], n = 0;
	bool http_only = len > 10 && strncmp(line, "#HttpOnly_", 10) == 0;
	const char *p = http_only ? line + 10 : line, *end = line + len;
	while (n < 7 && p <= end) {
		const char *tab = memchr(p, '\t', (size_t)(end - p));
		const char *stop = n < 6 && tab ? tab : end;
		field[n] = p;
		flen[n++] = (size_t)(stop - p);
		p = stop + 1;
	}
	if (n < 7 || !flen[0] || !flen[5])
		return set_error(
		    err, SOCAPI_E_ARG,
		    "cookies: line %zu is not a Netscape cookie line (7 tab-separated fields)",
		    number);
	bool subdomains = flen[1] == 4 && strncmp(field[1], "TRUE", 4) == 0;
	bool secure = flen[3] == 4 && strncmp(field[3], "TRUE", 4) == 0;
	const char *domain = field[0];
	size_t dlen = flen[0];
	if (*domain == '.') { /* curl writes domain cookies with and without the dot */
		domain++;
		dlen--;
	}
	struct json_object *c = json_object_new_object();
	struct buf where = {0};
	if (subdomains)
		buf_printf(&where, ".%.*s", (int)dlen, domain);
	else /* a host-only cookie (127.0.0.1 too) is set through its URL */
		buf_printf(&where, "%s://%.*s%.*s", secure ? "https" : "http", (int)dlen, domain,
		           (int)flen[2], field[2]);
	bool ok = c && !where.failed && add_string(c, "name", field[5], flen[5]) &&
	          add_string(c, "value", field[6], flen[6]) &&
	          add_string(c, subdomains ? "domain" : "url", where.data, where.len) &&
	          add_string(c, "path", field[2], flen[2]) &&
	          !json_object_object_add(c, "secure", json_object_new_boolean(secure)) &&
	          !json_object_object_add(c, "httpOnly", json_object_new_boolean(http_only));
	int64_t expires = strtoll(field[4], NULL, 10);
	if (ok && expires > 0) /* 0: a session cookie */
		ok = !json_object_object_add(c, "expires", json_object_new_int64(expires));
	buf_release(&where);
	if (!ok || json_object_array_add(cookies, c) != 0) {
		json_object_put(c);
		return set_error(err, SOCAPI_E_NOMEM, "out of memory reading the cookies");
	}
	return SOCAPI_OK;
}

static enum socapi_status parse_cookies(const char *text, struct json_object **out,
                                        struct socapi_error *err)
{
	*out = json_object_new_array();
	if (!*out)
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	size_t number = 0;
	for (const char *line = text ? text : ""; *line;) {
		size_t len = strcspn(line, "\r\n");
		number++;
		bool comment = *line == '#' && strncmp(line, "#HttpOnly_", 10) != 0;
		if (len && !comment) {
			enum socapi_status st = cookie_from_line(line, len, number, *out, err);
			if (st != SOCAPI_OK) {
				json_object_put(*out);
				*out = NULL;
				return st;
			}
		}
		line += len;
		line += strspn(line, "\r\n");
	}
	if (json_object_array_length(*out) == 0) {
		json_object_put(*out);
		*out = NULL;
		return set_error(err, SOCAPI_E_ARG,
		                 "the cookie jar is empty: the scrapers need the login cookies of "
		                 "socapi_mailru_grant_implicit (token->cookies)");
	}
	return SOCAPI_OK;
}

/* Overwrites the cookie values json-c still holds (they are login secrets). */
static void wipe_cookies(struct json_object *cookies)
{
	for (size_t i = 0; i < json_object_array_length(cookies); i++) {
		struct json_object *value;
		if (json_object_object_get_ex(json_object_array_get_idx(cookies, i), "value",
		                              &value)) {
			char *text = (char *)json_object_get_string(value);
			memset(text, 0, strlen(text));
		}
	}
}

/* ---- the scraper ---- */

static char *copy_url(const char *url)
{
	size_t len = strlen(url);
	while (len && url[len - 1] == '/')
		len--;
	char *copy = sc_malloc(len + 1);
	if (copy) {
		memcpy(copy, url, len);
		copy[len] = '\0';
	}
	return copy;
}

/* https://appsmail.ru/platform/api -> https://appsmail.ru/platform */
static char *public_url_of(const char *api_url)
{
	char *url = copy_url(api_url);
	char *slash = url ? strrchr(url, '/') : NULL;
	if (slash && slash > strstr(url, "://") + 2)
		*slash = '\0';
	return url;
}

static enum socapi_status set_cookies(struct socapi_scraper *s, struct json_object *cookies,
                                      struct socapi_error *err)
{
	struct json_object *params = json_object_new_object();
	if (!params || json_object_object_add(params, "cookies", json_object_get(cookies)) != 0 ||
	    json_object_object_add(params, "browserContextId",
	                           json_object_new_string(s->context_id))) {
		json_object_put(params);
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	}
	return cdp_call(s->browser, NULL, "Storage.setCookies", params,
	                browser_deadline(s->browser), NULL, err);
}

enum socapi_status socapi_scraper_new(struct socapi_session *session,
                                      const struct socapi_scraper_options *o,
                                      struct socapi_scraper **out, struct socapi_error *err)
{
	error_reset(err);
	if (!out)
		return set_error(err, SOCAPI_E_ARG, "out is NULL");
	*out = NULL;
	if (!session || socapi_session_platform(session) != SOCAPI_PLATFORM_MAILRU)
		return set_error(err, SOCAPI_E_ARG, "the scrapers need a Mail.Ru session");
	struct json_object *cookies = NULL;
	enum socapi_status st = parse_cookies(o ? o->cookies : NULL, &cookies, err);
	if (st != SOCAPI_OK)
		return st;
	struct socapi_scraper *s = sc_calloc(1, sizeof *s);
	if (s) {
		s->session = session;
		s->web_url = copy_url(str_set(o->web_url) ? o->web_url : SOCAPI_MAILRU_WEB_URL);
		s->public_url = str_set(o->public_url) ? copy_url(o->public_url)
		                                       : public_url_of(session->api_url);
		s->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : DEFAULT_TIMEOUT_MS;
		s->join_attempts = o->join_attempts ? o->join_attempts : DEFAULT_JOIN_ATTEMPTS;
		s->join_interval_ms =
		    o->join_interval_ms > 0 ? o->join_interval_ms : DEFAULT_JOIN_INTERVAL_MS;
	}
	if (!s || !s->web_url || !s->public_url) {
		st = set_error(err, SOCAPI_E_NOMEM, "out of memory");
	} else if (o->browser) {
		s->browser = o->browser;
	} else {
		st = socapi_browser_new(o->browser_options, &s->browser, err);
		s->owns_browser = st == SOCAPI_OK;
	}
	if (st == SOCAPI_OK)
		st = browser_context_new(s->browser, &s->context_id, err);
	if (st == SOCAPI_OK)
		st = set_cookies(s, cookies, err);
	wipe_cookies(cookies);
	json_object_put(cookies);
	if (st != SOCAPI_OK) {
		socapi_scraper_free(s);
		return st;
	}
	*out = s;
	return SOCAPI_OK;
}

void socapi_scraper_free(struct socapi_scraper *s)
{
	if (!s)
		return;
	if (s->context_id)
		browser_context_dispose(s->browser, s->context_id);
	if (s->owns_browser)
		socapi_browser_free(s->browser);
	sc_free(s->web_url);
	sc_free(s->public_url);
	sc_free(s);
}

/* ---- what the scrapers share ---- */

int64_t scraper_deadline(const struct socapi_scraper *s)
{
	return now_ns() + (int64_t)s->timeout_ms * 1000000;
}

enum socapi_status scraper_int_param(const struct pairs *params, const char *name, int64_t fallback,
                                     int64_t *out, struct socapi_error *err)
{
	const char *text = pairs_get(params, name);
	uint64_t unused;
	*out = fallback;
	if (text && !parse_decimal(text, false, out, &unused))
		return set_error(err, SOCAPI_E_ARG, "%s: expected an integer", name);
	return SOCAPI_OK;
}

/* users.getInfo answered as plain JSON (the scrapers build the result). */
static const struct socapi_method users_get_info = {
    .name = "users.getInfo",
    .variant = "response",
    .c_name = "users.getInfo",
    .platform = SOCAPI_PLATFORM_MAILRU,
    .flags = SOCAPI_METHOD_POST,
    .result = &socapi_type_json,
    .description = "",
};

enum socapi_status scraper_users(struct socapi_scraper *s, const char *uids,
                                 struct json_object **users, struct socapi_error *err)
{
	*users = NULL;
	struct pairs params = {0};
	if (!pairs_add(&params, "uids", uids))
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	void *text = NULL;
	struct json_object *root = NULL, *result = NULL;
	enum socapi_status st =
	    call_method(s->session, &users_get_info, &params, &text, &root, &result, err);
	socapi_free(text);
	pairs_release(&params);
	if (st == SOCAPI_OK && !json_object_is_type(result, json_type_array))
		st = set_error(err, SOCAPI_E_DECODE, "users.getInfo did not answer a list");
	if (st == SOCAPI_OK)
		*users = json_object_get(result);
	json_object_put(root);
	return st;
}

/* The path of a link under the site, without query or fragment: "community/x". */
static bool site_path(const char *web_url, const char *href, const char **path, size_t *len)
{
	size_t base = strlen(web_url);
	if (strncmp(href, web_url, base) != 0 || href[base] != '/')
		return false;
	*path = href + base + 1;
	*len = strcspn(*path, "?#");
	while (*len && (*path)[*len - 1] == '/')
		(*len)--;
	return *len > 0;
}

enum socapi_status scraper_uid_of(struct socapi_scraper *s, const char *href, char **uid,
                                  struct socapi_error *err)
{
	*uid = NULL;
	const char *path;
	size_t len;
	if (!site_path(s->web_url, href, &path, &len))
		return set_error(err, SOCAPI_E_DECODE, "a community link %s is not under %s", href,
		                 s->web_url);
	struct buf url = {0};
	buf_printf(&url, "%s/%.*s", s->public_url, (int)len, path);
	struct http_request req = {.url = url.data};
	struct http_response resp = {0};
	struct json_object *root = NULL, *v;
	enum socapi_status st = url.failed
	                            ? set_error(err, SOCAPI_E_NOMEM, "out of memory")
	                            : transport_perform(&s->session->transport, &req, &resp, err);
	if (st == SOCAPI_OK && resp.status != 200)
		st = set_error(err, SOCAPI_E_HTTP, "%s answered HTTP %ld", url.data, resp.status);
	if (st == SOCAPI_OK)
		st = parse_json(resp.body.data, resp.body.len, &root, err);
	if (st == SOCAPI_OK)
		st = s->session->adapter->unwrap(root, &v, err);
	if (st == SOCAPI_OK && (!json_object_object_get_ex(v, "uid", &v) ||
	                        !(*uid = sc_strdup(json_object_get_string(v)))))
		st = set_error(err, SOCAPI_E_DECODE, "%s named no uid", url.data);
	json_object_put(root);
	http_response_release(&resp);
	buf_release(&url);
	return st;
}

enum socapi_status scraper_open(struct socapi_scraper *s, const char *link_or_path,
                                struct cdp_page **page, struct socapi_error *err)
{
	*page = NULL;
	const char *path = link_or_path;
	if (*path != '/') { /* https://my.mail.ru/community/x/: the path after the host */
		const char *host = strstr(path, "://");
		path = host ? strchr(host + 3, '/') : NULL;
		if (!path)
			return set_error(err, SOCAPI_E_DECODE, "the profile link %s has no path",
			                 link_or_path);
	}
	struct buf url = {0};
	buf_printf(&url, "%s%s", s->web_url, path);
	if (url.failed)
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	enum socapi_status st = page_open(s->browser, s->context_id, page, err);
	if (st == SOCAPI_OK)
		st = page_load(s->browser, *page, url.data, scraper_deadline(s), err);
	if (st != SOCAPI_OK) {
		page_close(s->browser, *page);
		*page = NULL;
	}
	buf_release(&url);
	return st;
}

/* ---- the entry point of the generated *_scrape functions ---- */

static enum socapi_status check_params(const struct socapi_scrape_method *m,
                                       const struct pairs *params, struct socapi_error *err)
{
	for (size_t i = 0; i < params->n; i++) {
		bool read = false;
		for (uint32_t k = 0; k < m->n_params && !read; k++)
			read = strcmp(params->items[i].name, m->params[k]) == 0;
		if (!read) {
			struct buf names = {0};
			for (uint32_t k = 0; k < m->n_params; k++)
				buf_printf(&names, "%s%s", k ? ", " : "", m->params[k]);
			set_error(err, SOCAPI_E_ARG, "%s reads only %s from the page, not %s",
			          m->c_name, names.data ? names.data : "nothing",
			          params->items[i].name);
			buf_release(&names);
			return SOCAPI_E_ARG;
		}
	}
	return SOCAPI_OK;
}

enum socapi_status socapi_scrape(struct socapi_scraper *s, const struct socapi_scrape_method *m,
                                 const void *params, void *out, struct socapi_error *err)
{
	error_reset(err);
	if (!s || !m || !m->method || !out)
		return set_error(err, SOCAPI_E_ARG,
		                 "socapi_scrape: scraper, method and out are required");
	scrape_fn scrape = mailru_scraper_for(m->method->name);
	if (!scrape || m->method->platform != SOCAPI_PLATFORM_MAILRU)
		return set_error(err, SOCAPI_E_ARG, "%s has no scraper", m->method->name);
	struct pairs p = {0};
	enum socapi_status st = call_encode(s->session, m->method, params, &p, err);
	if (st == SOCAPI_OK)
		st = check_params(m, &p, err);
	/* the variant's own parameters (ext=1 of the extended groups.get) */
	for (uint32_t i = 0; st == SOCAPI_OK && i < m->method->n_forced; i++)
		if (m->method->forced[i].value &&
		    !pairs_set(&p, m->method->forced[i].name, m->method->forced[i].value))
			st = set_error(err, SOCAPI_E_NOMEM, "out of memory");
	struct json_object *result = NULL;
	if (st == SOCAPI_OK)
		st = scrape(s, &p, &result, err);
	pairs_release(&p);
	size_t len = 0;
	const char *json =
	    st == SOCAPI_OK
	        ? json_object_to_json_string_length(result, JSON_C_TO_STRING_PLAIN, &len)
	        : NULL;
	if (st == SOCAPI_OK && !json)
		st = set_error(err, SOCAPI_E_NOMEM, "out of memory");
	void *decoded = NULL;
	if (st == SOCAPI_OK)
		st = socapi_decode(m->method->result, json, len, &decoded, err);
	json_object_put(result);
	if (st == SOCAPI_OK)
		call_store(m->method, decoded, out);
	return st;
}
