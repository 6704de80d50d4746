/*
 * ok.c - the OK.ru adapter: credentials, the three signing circuits, the
 * error envelope, and the grants (code, refresh, implicit, auth.login).
 */
#include "login.h"

#include <socapi/ok.h>
#include <string.h>

struct ok_creds {
	char *application_key;
	char *application_secret_key;
	char *access_token;
	char *session_secret_key;
	enum socapi_ok_circuit circuit;
	char *application_id;
	struct refresh refresh;
};

static void creds_destroy(void *data)
{
	struct ok_creds *c = data;
	if (!c)
		return;
	sc_free(c->application_key);
	sc_free_secret(c->application_secret_key);
	sc_free_secret(c->access_token);
	sc_free_secret(c->session_secret_key);
	sc_free(c->application_id);
	refresh_release(&c->refresh);
	sc_free(c);
}

/* Parameters OK leaves out of the signed text. */
static void remove_unsigned(struct pairs *p)
{
	pairs_remove(p, "sig");
	pairs_remove(p, "access_token");
	pairs_remove(p, "session_key");
}

enum socapi_status socapi_ok_sign(const char *secret, const struct socapi_param *params,
                                  size_t n_params, char sig_hex[33], struct socapi_error *err)
{
	error_reset(err);
	if (!str_set(secret) || (n_params && !params) || !sig_hex)
		return set_error(err, SOCAPI_E_ARG, "signing needs a secret and the parameters");
	struct pairs p;
	enum socapi_status st = pairs_from_params(params, n_params, &p, err);
	if (st == SOCAPI_OK) {
		remove_unsigned(&p);
		pairs_sort(&p);
		st = sign_sorted(&p, NULL, secret, NULL, sig_hex, err);
	}
	pairs_release(&p);
	return st;
}

/* md5(access_token + application_secret_key), the server-server secret:
 * the signature of no parameters with the token as prefix. */
static enum socapi_status server_secret(const char *token, const char *app_secret, struct md5 *m,
                                        char out[33], struct socapi_error *err)
{
	const struct pairs none = {0};
	return sign_sorted(&none, token, app_secret, m, out, err);
}

enum socapi_status socapi_ok_server_secret(const char *access_token,
                                           const char *application_secret_key,
                                           char secret_hex[33], struct socapi_error *err)
{
	error_reset(err);
	if (!str_set(access_token) || !str_set(application_secret_key) || !secret_hex)
		return set_error(err, SOCAPI_E_ARG, "access_token and application_secret_key are required");
	return server_secret(access_token, application_secret_key, NULL, secret_hex, err);
}

/* The circuit for one call: the forced one, or aiookru's rule widened by
 * the session-less circuit. */
static enum socapi_status choose_circuit(const struct ok_creds *c, uint32_t flags,
                                         enum socapi_ok_circuit *out, struct socapi_error *err)
{
	bool token = str_set(c->access_token) && !(flags & SOCAPI_METHOD_NO_SESSION);
	bool server = token && str_set(c->application_secret_key);
	bool client = token && str_set(c->session_secret_key);
	bool app = str_set(c->application_secret_key);
	switch (c->circuit) {
	case SOCAPI_OK_CIRCUIT_CLIENT:
		*out = c->circuit;
		return client ? SOCAPI_OK
		              : set_error(err, SOCAPI_E_ARG, "the client-server circuit needs access_token and "
		                                              "session_secret_key, and a method that takes a session");
	case SOCAPI_OK_CIRCUIT_SERVER:
		*out = c->circuit;
		return server ? SOCAPI_OK
		              : set_error(err, SOCAPI_E_ARG, "the server-server circuit needs access_token and "
		                                              "application_secret_key, and a method that takes a session");
	case SOCAPI_OK_CIRCUIT_APPLICATION:
		*out = c->circuit;
		return app ? SOCAPI_OK
		           : set_error(err, SOCAPI_E_ARG, "the application circuit needs application_secret_key");
	case SOCAPI_OK_CIRCUIT_AUTO:
		break;
	}
	bool sessionless = (flags & SOCAPI_METHOD_NO_SESSION) ||
	                   (!str_set(c->access_token) && (flags & SOCAPI_METHOD_SESSION_OPTIONAL));
	if (sessionless && app)
		*out = SOCAPI_OK_CIRCUIT_APPLICATION;
	else if (!sessionless && server)
		*out = SOCAPI_OK_CIRCUIT_SERVER;
	else if (!sessionless && client)
		*out = SOCAPI_OK_CIRCUIT_CLIENT;
	else if (sessionless)
		return set_error(err, SOCAPI_E_ARG, "this call goes without a session: set "
		                                    "application_secret_key (see https://apiok.ru/dev/methods/)");
	else
		return set_error(err, SOCAPI_E_ARG,
		                 "no signing circuit: set access_token with application_secret_key "
		                 "(server-server) or session_secret_key (client-server); see "
		                 "https://apiok.ru/dev/methods/");
	return SOCAPI_OK;
}

static enum socapi_status ok_sign_call(struct socapi_session *s, const char *method, uint32_t flags,
                                       struct pairs *params, struct socapi_error *err)
{
	const struct ok_creds *c = s->data;
	remove_unsigned(params);
	if (!pairs_set(params, "application_key", c->application_key) ||
	    !pairs_set(params, "method", method) || !pairs_set(params, "format", "json"))
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	if (flags & SOCAPI_METHOD_UNSIGNED)
		return SOCAPI_OK;
	enum socapi_ok_circuit circuit = SOCAPI_OK_CIRCUIT_AUTO;
	enum socapi_status st = choose_circuit(c, flags, &circuit, err);
	if (st != SOCAPI_OK)
		return st;
	char secret[33], sig[33];
	const char *key = secret;
	if (circuit == SOCAPI_OK_CIRCUIT_SERVER)
		st = server_secret(c->access_token, c->application_secret_key, &s->md5, secret, err);
	else
		key = circuit == SOCAPI_OK_CIRCUIT_CLIENT ? c->session_secret_key : c->application_secret_key;
	pairs_sort(params);
	if (st == SOCAPI_OK)
		st = sign_sorted(params, NULL, key, &s->md5, sig, err);
	memset(secret, 0, sizeof secret);
	if (st == SOCAPI_OK &&
	    (!pairs_add(params, "sig", sig) ||
	     (circuit != SOCAPI_OK_CIRCUIT_APPLICATION && !pairs_add(params, "access_token", c->access_token))))
		st = set_error(err, SOCAPI_E_NOMEM, "out of memory");
	return st;
}

/* An error is an object with error_code; anything else (arrays, strings,
 * empty objects) is a result. */
static enum socapi_status ok_unwrap(struct json_object *root, struct json_object **result,
                                    struct socapi_error *err)
{
	struct json_object *code, *msg;
	if (!json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "error_code", &code)) {
		*result = root;
		return SOCAPI_OK;
	}
	err->api_code = json_object_get_int(code);
	return set_error(err, SOCAPI_E_API, "OK error %d: %s", err->api_code,
	                 json_object_object_get_ex(root, "error_msg", &msg) ? json_object_get_string(msg) : "");
}

#define OK_ERROR_SESSION_EXPIRED 102 /* PARAM_SESSION_EXPIRED */

static bool ok_can_refresh(const struct socapi_session *s, const struct socapi_error *err)
{
	const struct ok_creds *c = s->data;
	return err->api_code == OK_ERROR_SESSION_EXPIRED && str_set(c->refresh.refresh_token) &&
	       str_set(c->application_id) && str_set(c->application_secret_key);
}

/* The new token comes without a session secret: the old one was the old
 * token's, so it goes, and calls sign server-server. */
static enum socapi_status ok_refresh(struct socapi_session *s, struct socapi_error *err)
{
	struct ok_creds *c = s->data;
	const struct socapi_ok_app app = {.application_id = c->application_id,
	                                  .application_secret_key = c->application_secret_key,
	                                  .token_url = c->refresh.token_url};
	struct socapi_token *tok = NULL;
	enum socapi_status st = socapi_ok_grant_refresh(&app, &s->transport.opts, c->refresh.refresh_token,
	                                                &tok, err);
	char *secret = NULL;
	if (st == SOCAPI_OK && !copy_opt(&secret, tok->session_secret_key))
		st = set_error(err, SOCAPI_E_NOMEM, "out of memory");
	if (st == SOCAPI_OK)
		st = session_refreshed(&c->refresh, &c->access_token, tok, err);
	if (st == SOCAPI_OK) {
		sc_free_secret(c->session_secret_key);
		c->session_secret_key = secret;
		secret = NULL;
	}
	sc_free_secret(secret);
	socapi_token_free(tok);
	return st;
}

static const struct adapter ok_adapter = {
	SOCAPI_PLATFORM_OK, {"true", "false"}, false, ok_sign_call, ok_unwrap, creds_destroy,
	ok_can_refresh, ok_refresh, ENVELOPE_OK,
};

enum socapi_status socapi_ok_session_new(const struct socapi_ok_credentials *cred,
                                         const struct socapi_options *opts,
                                         struct socapi_session **out, struct socapi_error *err)
{
	error_reset(err);
	if (!out)
		return set_error(err, SOCAPI_E_ARG, "out is NULL");
	*out = NULL;
	if (!cred || !str_set(cred->application_key))
		return set_error(err, SOCAPI_E_ARG, "OK session: application_key is required");
	bool token = str_set(cred->access_token);
	if ((cred->circuit == SOCAPI_OK_CIRCUIT_CLIENT && (!token || !str_set(cred->session_secret_key))) ||
	    (cred->circuit == SOCAPI_OK_CIRCUIT_SERVER && (!token || !str_set(cred->application_secret_key))) ||
	    (cred->circuit == SOCAPI_OK_CIRCUIT_APPLICATION && !str_set(cred->application_secret_key)))
		return set_error(err, SOCAPI_E_ARG, "OK session: the chosen circuit lacks its keys");
	struct ok_creds *c = sc_calloc(1, sizeof *c);
	if (!c || !copy_opt(&c->application_key, cred->application_key) ||
	    !copy_opt(&c->application_secret_key, cred->application_secret_key) ||
	    !copy_opt(&c->access_token, cred->access_token) ||
	    !copy_opt(&c->session_secret_key, cred->session_secret_key) ||
	    !copy_opt(&c->application_id, cred->application_id) ||
	    !refresh_copy(&c->refresh, cred->refresh_token, cred->token_url, cred->on_refresh,
	                  cred->on_refresh_ctx)) {
		creds_destroy(c);
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	}
	c->circuit = cred->circuit;
	return session_new(&ok_adapter, c, str_set(cred->api_url) ? cred->api_url : SOCAPI_OK_API_URL,
	                   opts, out, err);
}

enum socapi_status socapi_ok_session_set_token(struct socapi_session *session,
                                               const char *access_token,
                                               const char *session_secret_key,
                                               struct socapi_error *err)
{
	error_reset(err);
	if (!session || session->adapter != &ok_adapter)
		return set_error(err, SOCAPI_E_ARG, "not an OK session");
	struct ok_creds *c = session->data;
	char *token, *secret;
	if (!copy_opt(&token, access_token))
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	if (!copy_opt(&secret, session_secret_key)) {
		sc_free_secret(token);
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	}
	sc_free_secret(c->access_token);
	sc_free_secret(c->session_secret_key);
	c->access_token = token;
	c->session_secret_key = secret;
	return SOCAPI_OK;
}

/* ---- grants ---- */

/* Checks the application and posts a grant to oauth/token.do with the
 * application secret as client_secret. */
static enum socapi_status ok_grant(const struct socapi_ok_app *app, const struct socapi_options *opts,
                                   const char *grant_type, bool need_refresh,
                                   const struct socapi_param *fields, size_t n_fields,
                                   struct socapi_token **out, struct socapi_error *err)
{
	const struct socapi_param needs[] = {
		{"application_id", app ? app->application_id : NULL},
		{"application_secret_key", app ? app->application_secret_key : NULL}};
	enum socapi_status st = grant_begin(out, grant_type, needs, 2, err);
	if (st != SOCAPI_OK)
		return st;
	struct grant g = {str_set(app->token_url) ? app->token_url : SOCAPI_OK_TOKEN_URL, grant_type,
	                  app->application_id, app->application_secret_key, need_refresh};
	return oauth_grant(opts, &g, fields, n_fields, out, err);
}

enum socapi_status socapi_ok_grant_code(const struct socapi_ok_app *app,
                                        const struct socapi_options *opts, const char *code,
                                        const char *redirect_uri, struct socapi_token **out,
                                        struct socapi_error *err)
{
	const struct socapi_param fields[] = {{"code", code}, {"redirect_uri", redirect_uri}};
	return ok_grant(app, opts, "authorization_code", true, fields, 2, out, err);
}

enum socapi_status socapi_ok_grant_refresh(const struct socapi_ok_app *app,
                                           const struct socapi_options *opts,
                                           const char *refresh_token, struct socapi_token **out,
                                           struct socapi_error *err)
{
	const struct socapi_param fields[] = {{"refresh_token", refresh_token}};
	return ok_grant(app, opts, "refresh_token", false, fields, 1, out, err);
}

/* A token without its session secret cannot sign client-server calls. */
static enum socapi_status need_secret(struct socapi_token **out, struct socapi_error *err)
{
	if (!*out || (*out)->session_secret_key)
		return SOCAPI_OK;
	socapi_token_free(*out);
	*out = NULL;
	return auth_error(err, "oauth_error", "'session_secret_key' is missing in the response");
}

/* ---- the implicit grant through the connect.ok.ru pages ---- */

struct implicit_state {
	const char *login;
	const char *password;
	bool login_sent;
	bool accept_sent;
};

static enum socapi_status implicit_page(struct login_flow *f, const char *url,
                                        const struct http_response *page, struct socapi_error *err)
{
	struct implicit_state *s = f->ctx;
	if (strstr(page->body.data, "заблокирован"))
		return auth_error(err, "invalid_user", "user is blocked");
	enum socapi_status st = html_read_form(page->body.data, page->body.len, url, &f->form, err);
	if (st != SOCAPI_OK)
		return st == SOCAPI_E_AUTH ? auth_error(err, "oauth_error", "unexpected authorization page")
		                           : st;
	if (pairs_get(&f->form.fields, "fr.password")) {
		/* the login form again after our login: the password was wrong */
		if (s->login_sent)
			return auth_error(err, "invalid_grant", "invalid login or password");
		s->login_sent = true;
		if (!pairs_set(&f->form.fields, "fr.email", s->login) ||
		    !pairs_set(&f->form.fields, "fr.password", s->password))
			return set_error(err, SOCAPI_E_NOMEM, "out of memory");
		return SOCAPI_OK;
	}
	if (s->accept_sent)
		return auth_error(err, "oauth_error", "the permissions form did not move on");
	s->accept_sent = true;
	if (!pairs_set(&f->form.fields, "button_accept_request", ""))
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	return SOCAPI_OK;
}

static enum socapi_status implicit_redirect(struct login_flow *f, const char *location,
                                            struct socapi_error *err)
{
	(void)f;
	if (url_path_ends_with(location, "/blocked"))
		return auth_error(err, "invalid_user", "user is blocked");
	return SOCAPI_OK;
}

static const struct login_ops implicit_ops = {implicit_page, implicit_redirect};

enum socapi_status socapi_ok_grant_implicit(const struct socapi_ok_app *app,
                                            const struct socapi_options *opts, const char *login,
                                            const char *password, const char *scope,
                                            struct socapi_token **out, struct socapi_error *err)
{
	const struct socapi_param needs[] = {
		{"application_id", app ? app->application_id : NULL}, {"login", login}, {"password", password}};
	enum socapi_status st = grant_begin(out, "implicit", needs, 3, err);
	if (st != SOCAPI_OK)
		return st;
	const char *redirect = str_set(app->redirect_uri) ? app->redirect_uri : SOCAPI_OK_REDIRECT_URI;
	const struct socapi_param query[] = {
		{"client_id", app->application_id}, {"scope", scope ? scope : "VALUABLE_ACCESS"},
		{"response_type", "token"}, {"redirect_uri", redirect}, {"layout", "w"}};
	struct implicit_state state = {login, password, false, false};
	struct login_flow flow = {&implicit_ops, &state, redirect, SOCAPI_OK_LOGIN_HOSTS, {0}, {0}, false};
	st = login_flow_run(&flow, opts,
	                    str_set(app->authorize_url) ? app->authorize_url : SOCAPI_OK_AUTHORIZE_URL,
	                    query, 5, out, err);
	return st == SOCAPI_OK ? need_secret(out, err) : st;
}

/* ---- auth.login ---- */

static const struct socapi_method auth_login = {
	"auth.login", "response", "socapi_ok_grant_password", SOCAPI_PLATFORM_OK,
	SOCAPI_METHOD_POST | SOCAPI_METHOD_NO_SESSION | SOCAPI_METHOD_UNSIGNED,
	NULL, &socapi_type_json, 0, NULL, "password login", NULL, 0, NULL, NULL,
};

enum socapi_status socapi_ok_grant_password(const struct socapi_ok_app *app,
                                            const struct socapi_options *opts, const char *login,
                                            const char *password, struct socapi_token **out,
                                            struct socapi_error *err)
{
	const struct socapi_param needs[] = {
		{"application_key", app ? app->application_key : NULL}, {"login", login}, {"password", password}};
	enum socapi_status st = grant_begin(out, "password", needs, 3, err);
	if (st != SOCAPI_OK)
		return st;
	struct socapi_ok_credentials cred = {.application_key = app->application_key,
	                                     .api_url = app->api_url};
	struct socapi_session *s;
	st = socapi_ok_session_new(&cred, opts, &s, err);
	if (st != SOCAPI_OK)
		return st;
	struct pairs params = {0};
	if (!pairs_add(&params, "user_name", login) || !pairs_add(&params, "password", password) ||
	    !pairs_add(&params, "verification_supported", "true") ||
	    !pairs_add(&params, "verification_supported_v", "1"))
		st = set_error(err, SOCAPI_E_NOMEM, "out of memory");
	void *text = NULL;
	struct json_object *root = NULL, *reply = NULL;
	if (st == SOCAPI_OK)
		st = call_method(s, &auth_login, &params, &text, &root, &reply, err);
	socapi_free(text);
	if (st == SOCAPI_OK && !json_object_is_type(reply, json_type_object))
		st = auth_error(err, "oauth_error", "auth.login: the reply is not an object");
	if (st == SOCAPI_OK)
		st = token_from_json(reply, out, err);
	if (st == SOCAPI_OK)
		st = need_secret(out, err);
	json_object_put(root);
	pairs_release(&params);
	socapi_session_free(s);
	return st;
}
