/*
 * login.h - the browser the implicit grants need: follows redirects, keeps
 * cookies, posts the forms a platform's pages show, and ends at the
 * redirect to redirect_uri, whose fragment carries the token.
 */
#ifndef SOCAPI_LOGIN_H
#define SOCAPI_LOGIN_H

#include "html.h"

struct login_flow;

struct login_ops {
	/*
	 * A page (HTTP 200) at url: read its form into f->form and fill it to
	 * have it posted, or fail (usually auth_error).
	 */
	enum socapi_status (*page)(struct login_flow *f, const char *url,
	                           const struct http_response *page, struct socapi_error *err);
	/* A redirect elsewhere than redirect_uri: fail, or SOCAPI_OK to follow. NULL: follow. */
	enum socapi_status (*redirect)(struct login_flow *f, const char *location,
	                               struct socapi_error *err);
};

struct login_flow {
	const struct login_ops *ops;
	void *ctx;                 /* the platform's state */
	const char *redirect_uri;  /* a redirect starting with this ends the flow */
	const char *hosts;         /* the platform's login hosts, space-separated (SOCAPI_*_LOGIN_HOSTS) */
	struct html_form form;     /* what page() fills; posted next */
	struct transport t;
	bool https;                /* the flow has been on https: plain http is refused from then on */
};

/*
 * Whether the flow may send a request to url: https on one of hosts (at
 * the default port), or the scheme, host and port of authorize_url itself,
 * and never plain http once the flow has been on https (*https says whether
 * it has; an allowed https url sets it). Anything else fails with
 * SOCAPI_E_AUTH (oauth_error "untrusted_host") naming the host.
 */
enum socapi_status login_url_check(const char *hosts, const char *authorize_url, bool *https,
                                   const char *url, struct socapi_error *err);

/*
 * Runs the flow from authorize_url?query (n_query name=value pairs, each
 * value set). On success *out holds the token of the final redirect's
 * fragment and the cookies collected. Every redirect and form is checked
 * with login_url_check before anything is sent. HTTP errors with a JSON body
 * {"error", "error_description"} fail as SOCAPI_E_AUTH of that kind; a
 * final redirect with error=access_denied as "access_denied".
 */
enum socapi_status login_flow_run(struct login_flow *f, const struct socapi_options *opts,
                                  const char *authorize_url, const struct socapi_param *query,
                                  size_t n_query, struct socapi_token **out,
                                  struct socapi_error *err);

/* Fails with SOCAPI_E_AUTH, err->oauth_error = kind. */
enum socapi_status auth_error(struct socapi_error *err, const char *kind, const char *msg);

/* The decoded value of a query parameter of url (up to '#'), or NULL; sc_free it. */
char *url_query_value(const char *url, const char *name);
/* True when url's path (before '?' and '#') ends with suffix. */
bool url_path_ends_with(const char *url, const char *suffix);

#endif
