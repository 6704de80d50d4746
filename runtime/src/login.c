/*
 * login.c - the redirect-and-form loop every implicit grant runs; the
 * platforms only say what to do with each page.
 */
#include "login.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define LOGIN_MAX_STEPS 16

enum socapi_status auth_error(struct socapi_error *err, const char *kind, const char *msg)
{
	if (err)
		copy_text(err->oauth_error, sizeof err->oauth_error, kind);
	return set_error(err, SOCAPI_E_AUTH, "%s", msg);
}

char *url_query_value(const char *url, const char *name)
{
	const char *q = strchr(url, '?');
	if (!q)
		return NULL;
	size_t nlen = strlen(name);
	for (const char *p = q + 1; *p && *p != '#'; p += strcspn(p, "&#"), p += *p == '&') {
		size_t len = strcspn(p, "&#");
		if (len < nlen || strncmp(p, name, nlen) != 0 || (len > nlen && p[nlen] != '='))
			continue;
		const char *v = len > nlen ? p + nlen + 1 : p + len;
		int vlen = 0;
		char *raw = curl_easy_unescape(NULL, v, (int)(p + len - v), &vlen);
		char *copy = raw ? sc_strdup(raw) : NULL;
		curl_free(raw);
		return copy;
	}
	return NULL;
}

bool url_path_ends_with(const char *url, const char *suffix)
{
	size_t len = strcspn(url, "?#");
	size_t slen = strlen(suffix);
	return len >= slen && strncmp(url + len - slen, suffix, slen) == 0;
}

/* A URL's scheme, host and port (the scheme's default when it has none). */
struct origin {
	char scheme[8];
	char host[256];
	char port[8];
};

static bool origin_of(const char *url, struct origin *o)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL;
	bool ok = u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	          curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	          curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	          curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK &&
	          strlen(scheme) < sizeof o->scheme && strlen(host) < sizeof o->host &&
	          strlen(port) < sizeof o->port;
	if (ok) {
		strcpy(o->scheme, scheme);
		strcpy(o->host, host);
		strcpy(o->port, port);
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return ok;
}

static bool host_listed(const char *hosts, const char *host)
{
	size_t len = strlen(host);
	for (const char *h = hosts; *h; h += strspn(h, " ")) {
		size_t n = strcspn(h, " ");
		if (n == len && strncasecmp(h, host, n) == 0)
			return true;
		h += n;
	}
	return false;
}

enum socapi_status login_url_check(const char *hosts, const char *authorize_url, bool *https,
                                   const char *url, struct socapi_error *err)
{
	struct origin to, home;
	if (!origin_of(url, &to))
		return auth_error(err, "untrusted_host", "the login pages point at something that is not a URL");
	bool secure = strcmp(to.scheme, "https") == 0;
	bool listed = secure && strcmp(to.port, "443") == 0 && host_listed(hosts, to.host);
	bool home_origin = origin_of(authorize_url, &home) && strcmp(to.scheme, home.scheme) == 0 &&
	                   strcasecmp(to.host, home.host) == 0 && strcmp(to.port, home.port) == 0;
	char why[sizeof to.host + 96];
	if (*https && !secure) {
		snprintf(why, sizeof why, "refusing to leave https for %s://%s", to.scheme, to.host);
	} else if (!listed && !home_origin) {
		snprintf(why, sizeof why, "refusing to send the login to %s: not one of the platform's login hosts",
		         to.host);
	} else {
		*https = *https || secure;
		return SOCAPI_OK;
	}
	return auth_error(err, "untrusted_host", why);
}

/* base?query, or NULL when out of memory (or a NULL value in query). */
static char *url_with_query(const char *base, const struct socapi_param *query, size_t n)
{
	struct pairs pairs;
	if (pairs_from_params(query, n, &pairs, NULL) != SOCAPI_OK)
		return NULL;
	struct buf url = {0};
	buf_puts(&url, base);
	buf_append(&url, strchr(base, '?') ? "&" : "?", 1);
	pairs_form_encode(&pairs, &url);
	pairs_release(&pairs);
	if (!buf_terminate(&url)) {
		buf_release(&url);
		return NULL;
	}
	return url.data;
}

/* The redirect to redirect_uri ends the flow: a token or a refusal. */
static enum socapi_status finish(const char *location, struct socapi_token **out,
                                 struct socapi_error *err)
{
	const char *fragment = strchr(location, '#');
	if (fragment && strstr(fragment, "access_token"))
		return token_from_query(fragment + 1, out, err);
	if (strstr(location, "error=access_denied"))
		return auth_error(err, "access_denied", "the user declined the access request");
	return auth_error(err, "oauth_error", "the final redirect carries no token");
}

/* An error answer from url: the OAuth JSON error if there is one, else the
 * status and where it came from (a wrong authorize URL, usually). */
static enum socapi_status refused(const char *url, const struct http_response *resp,
                                  struct socapi_error *err)
{
	struct json_object *root = NULL, *error;
	enum socapi_status st;
	if (parse_json(resp->body.data, resp->body.len, &root, NULL) == SOCAPI_OK &&
	    json_object_object_get_ex(root, "error", &error) && json_object_is_type(error, json_type_string))
		st = oauth_failure(err, error, root);
	else {
		char msg[64];
		snprintf(msg, sizeof msg, "Failed to open authorization dialog: HTTP %ld", resp->status);
		st = auth_error(err, "oauth_error", msg);
		error_add_url(err, url);
	}
	json_object_put(root);
	return st;
}

/* One answer: sets *next_url (GET) or leaves the form to post, or ends. */
static enum socapi_status step(struct login_flow *f, const char *url,
                               const struct http_response *resp, char **next_url,
                               struct socapi_token **out, struct socapi_error *err)
{
	if (resp->status >= 300 && resp->status < 400 && resp->location) {
		const char *loc = resp->location;
		if (strncmp(loc, f->redirect_uri, strlen(f->redirect_uri)) == 0)
			return finish(loc, out, err);
		enum socapi_status st = f->ops->redirect ? f->ops->redirect(f, loc, err) : SOCAPI_OK;
		if (st == SOCAPI_OK && !(*next_url = sc_strdup(loc)))
			st = set_error(err, SOCAPI_E_NOMEM, "out of memory");
		return st;
	}
	if (resp->status != 200)
		return refused(url, resp, err);
	return f->ops->page(f, url, resp, err);
}

enum socapi_status login_flow_run(struct login_flow *f, const struct socapi_options *opts,
                                  const char *authorize_url, const struct socapi_param *query,
                                  size_t n_query, struct socapi_token **out,
                                  struct socapi_error *err)
{
	*out = NULL;
	char *url = url_with_query(authorize_url, query, n_query);
	if (!url)
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	enum socapi_status st = transport_init(&f->t, opts, err);
	if (st == SOCAPI_OK)
		st = transport_enable_cookies(&f->t, err);
	struct http_request req = {.url = url};
	for (int n = 0; st == SOCAPI_OK && !*out; n++) {
		if (n == LOGIN_MAX_STEPS) {
			st = auth_error(err, "oauth_error", "too many authorization steps");
			break;
		}
		st = login_url_check(f->hosts, authorize_url, &f->https, req.url, err);
		if (st != SOCAPI_OK)
			break;
		struct http_response resp;
		st = transport_perform(&f->t, &req, &resp, err);
		if (st != SOCAPI_OK)
			break;
		if (req.url != url) {
			/* we posted a form: its action is the page we are on now */
			sc_free(url);
			url = f->form.action;
			f->form.action = NULL;
		}
		html_form_release(&f->form);
		char *next = NULL;
		st = step(f, url, &resp, &next, out, err);
		http_response_release(&resp);
		if (next) {
			sc_free(url);
			url = next;
			req = (struct http_request){.url = url};
		} else if (st == SOCAPI_OK && !*out) {
			if (!f->form.action)
				st = auth_error(err, "oauth_error", "the page has nothing to submit");
			req = (struct http_request){.url = f->form.action, .post = true, .form = &f->form.fields};
		}
	}
	if (st == SOCAPI_OK && !((*out)->cookies = transport_cookies(&f->t)))
		st = set_error(err, SOCAPI_E_NOMEM, "out of memory");
	if (st != SOCAPI_OK) {
		socapi_token_free(*out);
		*out = NULL;
	}
	html_form_release(&f->form);
	sc_free(url);
	transport_release(&f->t);
	return st;
}
