/*
 * mailru.c - the Platform@Mail.Ru adapter: credentials, the two signing
 * circuits, the error envelope and the four OAuth grants.
 */
#include "login.h"

#include <socapi/mailru.h>
#include <string.h>

struct mailru_creds {
	char *app_id;
	char *private_key;
	char *secret_key;
	char *session_key;
	char *uid;
	enum socapi_mailru_circuit circuit;
	struct refresh refresh;
};


static void creds_destroy(void *data)
{
	struct mailru_creds *c = data;
	if (!c)
		return;
	sc_free(c->app_id);
	sc_free_secret(c->private_key);
	sc_free_secret(c->secret_key);
	sc_free_secret(c->session_key);
	sc_free(c->uid);
	refresh_release(&c->refresh);
	sc_free(c);
}


enum socapi_status socapi_mailru_sign(enum socapi_mailru_circuit circuit, const char *uid,
                                      const char *key, const struct socapi_param *params,
                                      size_t n_params, char sig_hex[33], struct socapi_error *err)
{
	error_reset(err);
	if (circuit == SOCAPI_MAILRU_CIRCUIT_AUTO || !str_set(key) ||
	    (circuit == SOCAPI_MAILRU_CIRCUIT_CLIENT && !str_set(uid)) || (n_params && !params))
		return set_error(err, SOCAPI_E_ARG,
		                 "signing needs a circuit and its key (and the uid for client-server)");
	struct pairs p = {0};
	enum socapi_status st = pairs_from_params(params, n_params, &p, err);
	if (st == SOCAPI_OK) {
		pairs_sort(&p);
		st = sign_sorted(&p, circuit == SOCAPI_MAILRU_CIRCUIT_CLIENT ? uid : NULL, key, NULL, sig_hex,
		                 err);
	}
	pairs_release(&p);
	return st;
}

/* aiomailru's rule, narrowed by what the method allows. */
static enum socapi_status choose_circuit(const struct mailru_creds *c, uint32_t flags,
                                         enum socapi_mailru_circuit *out, struct socapi_error *err)
{
	bool client_ok = str_set(c->uid) && str_set(c->private_key) && !(flags & SOCAPI_METHOD_SERVER_ONLY);
	bool server_ok = str_set(c->secret_key) && !(flags & SOCAPI_METHOD_CLIENT_ONLY);
	switch (c->circuit) {
	case SOCAPI_MAILRU_CIRCUIT_CLIENT:
		server_ok = false;
		break;
	case SOCAPI_MAILRU_CIRCUIT_SERVER:
		client_ok = false;
		break;
	case SOCAPI_MAILRU_CIRCUIT_AUTO:
		break;
	}
	if (client_ok)
		*out = SOCAPI_MAILRU_CIRCUIT_CLIENT;
	else if (server_ok)
		*out = SOCAPI_MAILRU_CIRCUIT_SERVER;
	else if (flags & SOCAPI_METHOD_CLIENT_ONLY)
		return set_error(err, SOCAPI_E_ARG,
		                 "this method needs the client-server circuit: set uid and private_key");
	else if (flags & SOCAPI_METHOD_SERVER_ONLY)
		return set_error(err, SOCAPI_E_ARG,
		                 "this method needs the server-server circuit: set secret_key");
	else
		return set_error(err, SOCAPI_E_ARG,
		                 "no signing circuit: set uid and private_key (client-server) or "
		                 "secret_key (server-server); see https://api.mail.ru/docs/guides/restapi/#sig");
	return SOCAPI_OK;
}

static enum socapi_status mailru_sign_call(struct socapi_session *s, const char *method,
                                           uint32_t flags, struct pairs *params,
                                           struct socapi_error *err)
{
	const struct mailru_creds *c = s->data;
	enum socapi_mailru_circuit circuit;
	enum socapi_status st = choose_circuit(c, flags, &circuit, err);
	if (st != SOCAPI_OK)
		return st;
	bool ok = pairs_set(params, "method", method) && pairs_set(params, "app_id", c->app_id);
	if (ok && str_set(c->session_key) && !(flags & SOCAPI_METHOD_NO_SESSION))
		ok = pairs_set(params, "session_key", c->session_key);
	if (ok && circuit == SOCAPI_MAILRU_CIRCUIT_SERVER)
		ok = pairs_set(params, "secure", "1");
	pairs_remove(params, "sig");
	if (!ok)
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	pairs_sort(params);
	/* sign the same bytes that are sent */
	bool client = circuit == SOCAPI_MAILRU_CIRCUIT_CLIENT;
	char sig[33];
	st = sign_sorted(params, client ? c->uid : NULL, client ? c->private_key : c->secret_key, &s->md5,
	                 sig, err);
	if (st == SOCAPI_OK && !pairs_add(params, "sig", sig))
		st = set_error(err, SOCAPI_E_NOMEM, "out of memory signing the request");
	return st;
}

static enum socapi_status mailru_unwrap(struct json_object *root, struct json_object **result,
                                        struct socapi_error *err)
{
	struct json_object *error, *v;
	if (!json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "error", &error)) {
		*result = root;
		return SOCAPI_OK;
	}
	int code = 0;
	const char *msg = "";
	if (json_object_object_get_ex(error, "error_code", &v))
		code = json_object_get_int(v);
	if (json_object_object_get_ex(error, "error_msg", &v))
		msg = json_object_get_string(v);
	if (err)
		err->api_code = code;
	return set_error(err, SOCAPI_E_API, "Mail.Ru error %d: %s", code, msg);
}

/* Mail.Ru says an expired session key with 102 (its only authorization error). */
#define MAILRU_ERROR_AUTHORIZATION 102

static bool mailru_can_refresh(const struct socapi_session *s, const struct socapi_error *err)
{
	const struct mailru_creds *c = s->data;
	return err->api_code == MAILRU_ERROR_AUTHORIZATION && str_set(c->refresh.refresh_token) &&
	       str_set(c->secret_key);
}

static enum socapi_status mailru_refresh(struct socapi_session *s, struct socapi_error *err)
{
	struct mailru_creds *c = s->data;
	const struct socapi_mailru_app app = {.app_id = c->app_id, .secret_key = c->secret_key,
	                                      .token_url = c->refresh.token_url};
	struct socapi_token *tok = NULL;
	enum socapi_status st = socapi_mailru_grant_refresh(&app, &s->transport.opts, c->refresh.refresh_token,
	                                                    &tok, err);
	if (st == SOCAPI_OK)
		st = session_refreshed(&c->refresh, &c->session_key, tok, err);
	socapi_token_free(tok);
	return st;
}

static const struct adapter mailru_adapter = {
	SOCAPI_PLATFORM_MAILRU, {"1", "0"}, false, mailru_sign_call, mailru_unwrap, creds_destroy,
	mailru_can_refresh, mailru_refresh, ENVELOPE_MAILRU,
};

enum socapi_status socapi_mailru_session_new(const struct socapi_mailru_credentials *cred,
                                             const struct socapi_options *opts,
                                             struct socapi_session **out, struct socapi_error *err)
{
	error_reset(err);
	if (!out)
		return set_error(err, SOCAPI_E_ARG, "out is NULL");
	*out = NULL;
	if (!cred || !str_set(cred->app_id))
		return set_error(err, SOCAPI_E_ARG, "Mail.Ru session: app_id is required");
	if (cred->circuit == SOCAPI_MAILRU_CIRCUIT_CLIENT && (!str_set(cred->uid) || !str_set(cred->private_key)))
		return set_error(err, SOCAPI_E_ARG, "client-server session: uid and private_key are required");
	if (cred->circuit == SOCAPI_MAILRU_CIRCUIT_SERVER && !str_set(cred->secret_key))
		return set_error(err, SOCAPI_E_ARG, "server-server session: secret_key is required");
	struct mailru_creds *c = sc_calloc(1, sizeof *c);
	if (!c || !copy_opt(&c->app_id, cred->app_id) || !copy_opt(&c->private_key, cred->private_key) ||
	    !copy_opt(&c->secret_key, cred->secret_key) || !copy_opt(&c->session_key, cred->session_key) ||
	    !copy_opt(&c->uid, cred->uid) ||
	    !refresh_copy(&c->refresh, cred->refresh_token, cred->token_url, cred->on_refresh,
	                  cred->on_refresh_ctx)) {
		creds_destroy(c);
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	}
	c->circuit = cred->circuit;
	return session_new(&mailru_adapter, c, str_set(cred->api_url) ? cred->api_url : SOCAPI_MAILRU_API_URL,
	                   opts, out, err);
}

enum socapi_status socapi_mailru_session_set_key(struct socapi_session *session,
                                                 const char *session_key, struct socapi_error *err)
{
	error_reset(err);
	if (!session || session->adapter != &mailru_adapter)
		return set_error(err, SOCAPI_E_ARG, "not a Mail.Ru session");
	struct mailru_creds *c = session->data;
	char *copy;
	if (!copy_opt(&copy, session_key))
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	sc_free_secret(c->session_key);
	c->session_key = copy;
	return SOCAPI_OK;
}

/* ---- OAuth ---- */

/* Checks the application and posts a grant; code grants go to their own
 * endpoint. Mail.Ru's replies always carry a refresh_token. */
static enum socapi_status mailru_grant(const struct socapi_mailru_app *app,
                                       const struct socapi_options *opts, const char *grant_type,
                                       const struct socapi_param *fields, size_t n_fields,
                                       struct socapi_token **out, struct socapi_error *err)
{
	/* every token grant sends the application's secret as client_secret */
	const struct socapi_param needs[] = {{"app_id", app ? app->app_id : NULL},
	                                     {"secret_key", app ? app->secret_key : NULL}};
	enum socapi_status st = grant_begin(out, grant_type, needs, 2, err);
	if (st != SOCAPI_OK)
		return st;
	const char *url = str_set(app->token_url) ? app->token_url : SOCAPI_MAILRU_TOKEN_URL;
	if (strcmp(grant_type, "authorization_code") == 0)
		url = str_set(app->code_token_url) ? app->code_token_url : SOCAPI_MAILRU_CODE_TOKEN_URL;
	struct grant g = {url, grant_type, app->app_id, app->secret_key, true};
	return oauth_grant(opts, &g, fields, n_fields, out, err);
}

enum socapi_status socapi_mailru_grant_password(const struct socapi_mailru_app *app,
                                                const struct socapi_options *opts,
                                                const char *username, const char *password,
                                                const char *scope, struct socapi_token **out,
                                                struct socapi_error *err)
{
	const struct socapi_param fields[] = {
		{"username", username}, {"password", password},
		{"scope", scope ? scope : SOCAPI_MAILRU_FULL_SCOPE}};
	return mailru_grant(app, opts, "password", fields, 3, out, err);
}

enum socapi_status socapi_mailru_grant_refresh(const struct socapi_mailru_app *app,
                                               const struct socapi_options *opts,
                                               const char *refresh_token, struct socapi_token **out,
                                               struct socapi_error *err)
{
	const struct socapi_param fields[] = {{"refresh_token", refresh_token}};
	return mailru_grant(app, opts, "refresh_token", fields, 1, out, err);
}

enum socapi_status socapi_mailru_grant_code(const struct socapi_mailru_app *app,
                                            const struct socapi_options *opts, const char *code,
                                            const char *redirect_uri, struct socapi_token **out,
                                            struct socapi_error *err)
{
	const struct socapi_param fields[] = {{"code", code}, {"redirect_uri", redirect_uri}};
	return mailru_grant(app, opts, "authorization_code", fields, 2, out, err);
}

/* ---- the implicit grant through the login pages ---- */

#define IMPLICIT_REDIRECT "http://connect.mail.ru/oauth/success.html"

/* Splits user@bk.ru into the form's Login and Domain fields. */
static bool fill_login(struct pairs *fields, const char *email, const char *password)
{
	const char *at = strchr(email, '@');
	pairs_remove(fields, "Login");
	return pairs_set(fields, "Domain", at + 1) &&
	       pairs_add_len(fields, "Login", email, (size_t)(at - email)) &&
	       pairs_set(fields, "Password", password);
}

struct implicit_state {
	const char *email;
	const char *password;
	bool login_sent;
	bool access_sent;
};

/* The login page gets the credentials, the access dialog is accepted. */
static enum socapi_status implicit_page(struct login_flow *f, const char *url,
                                        const struct http_response *page, struct socapi_error *err)
{
	struct implicit_state *s = f->ctx;
	const char *html = page->body.data;
	if (strstr(html, "Не указано приложение"))
		return auth_error(err, "invalid_client", "invalid client id");
	if (strstr(html, "Авторизация запрещена"))
		return auth_error(err, "client_not_available", "application is in the test mode");
	bool access = strstr(html, "Необходим доступ к вашим данным") != NULL;
	if ((access && s->access_sent) || (!access && s->login_sent))
		return auth_error(err, "oauth_error", "the authorization pages did not move on");
	enum socapi_status st = html_read_form(html, page->body.len, url, &f->form, err);
	if (st != SOCAPI_OK)
		return st == SOCAPI_E_AUTH
		               ? auth_error(err, "oauth_error", "Failed to open authorization dialog.")
		               : st;
	if (access) {
		s->access_sent = true;
	} else {
		if (!fill_login(&f->form.fields, s->email, s->password))
			return set_error(err, SOCAPI_E_NOMEM, "out of memory");
		s->login_sent = true;
	}
	return SOCAPI_OK;
}

/* Mail.Ru says "blocked" and "wrong password" with redirects. */
static enum socapi_status implicit_redirect(struct login_flow *f, const char *location,
                                            struct socapi_error *err)
{
	(void)f;
	if (url_path_ends_with(location, "/recovery"))
		return auth_error(err, "invalid_user", "user is blocked");
	char *fail = url_query_value(location, "fail");
	sc_free(fail);
	if (fail)
		return auth_error(err, "invalid_grant", "invalid login or password");
	return SOCAPI_OK;
}

static const struct login_ops implicit_ops = {implicit_page, implicit_redirect};

enum socapi_status socapi_mailru_grant_implicit(const struct socapi_mailru_app *app,
                                                const struct socapi_options *opts,
                                                const char *email, const char *password,
                                                const char *scope, struct socapi_token **out,
                                                struct socapi_error *err)
{
	const struct socapi_param needs[] = {
		{"app_id", app ? app->app_id : NULL}, {"email", email}, {"password", password}};
	enum socapi_status st = grant_begin(out, "implicit", needs, 3, err);
	if (st != SOCAPI_OK)
		return st;
	const char *at = strchr(email, '@');
	if (!at || at == email || !strchr(at, '.'))
		return set_error(err, SOCAPI_E_ARG, "implicit grant: an e-mail address and a password are required");
	const struct socapi_param query[] = {
		{"client_id", app->app_id}, {"redirect_uri", IMPLICIT_REDIRECT}, {"response_type", "token"},
		{"scope", scope ? scope : SOCAPI_MAILRU_FULL_SCOPE}};
	struct implicit_state state = {email, password, false, false};
	struct login_flow flow = {&implicit_ops, &state, IMPLICIT_REDIRECT, SOCAPI_MAILRU_LOGIN_HOSTS,
	                          {0}, {0}, false};
	return login_flow_run(&flow, opts,
	                      str_set(app->authorize_url) ? app->authorize_url : SOCAPI_MAILRU_AUTHORIZE_URL,
	                      query, 4, out, err);
}
