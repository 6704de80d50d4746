/*
 * vk.c - the VK adapter: token sessions (user, service, community), the
 * response and error envelopes, the captcha and rate handlers, execute,
 * and the grants (implicit through the login form, password, code).
 */
#include "login.h"

#include <socapi/vk.h>
#include <string.h>

#define VK_ERROR_TOO_MANY_REQUESTS 6
#define VK_ERROR_CAPTCHA 14
#define VK_MAX_ANSWERS 3  /* captcha and code prompts per login */

struct vk_group_token {
	char *group_id;
	char *access_token;
};

struct vk_creds {
	char *access_token;
	struct vk_group_token *groups;
	size_t n_groups;
	char *version;
	char *lang;
	socapi_vk_captcha_fn captcha;
	void *captcha_ctx;
	socapi_vk_captcha_page_fn captcha_page;
	void *captcha_page_ctx;
};

static void creds_destroy(void *data)
{
	struct vk_creds *c = data;
	if (!c)
		return;
	sc_free_secret(c->access_token);
	for (size_t i = 0; i < c->n_groups; i++) {
		sc_free(c->groups[i].group_id);
		sc_free_secret(c->groups[i].access_token);
	}
	sc_free(c->groups);
	sc_free(c->version);
	sc_free(c->lang);
	sc_free(c);
}

/* The token a call goes with: its group_id's community token, else the
 * user token, else the first community's. NULL: none (open methods). */
static const char *token_for(const struct vk_creds *c, const struct pairs *params)
{
	const char *group = pairs_get(params, "group_id");
	for (size_t i = 0; group && i < c->n_groups; i++)
		if (strcmp(c->groups[i].group_id, group) == 0)
			return c->groups[i].access_token;
	if (c->access_token)
		return c->access_token;
	return c->n_groups ? c->groups[0].access_token : NULL;
}

static enum socapi_status vk_sign_call(struct socapi_session *s, const char *method, uint32_t flags,
                                       struct pairs *params, struct socapi_error *err)
{
	(void)method;
	(void)flags;
	const struct vk_creds *c = s->data;
	/* a call's own v, lang or access_token (socapi_call_raw) wins over the session's */
	const char *token = pairs_get(params, "access_token") ? NULL : token_for(c, params);
	bool ok = (pairs_get(params, "v") || pairs_set(params, "v", c->version)) &&
	          (!c->lang || pairs_get(params, "lang") || pairs_set(params, "lang", c->lang)) &&
	          (!token || pairs_set(params, "access_token", token));
	return ok ? SOCAPI_OK : set_error(err, SOCAPI_E_NOMEM, "out of memory");
}

static const char *string_member(struct json_object *obj, const char *name)
{
	struct json_object *v;
	return json_object_object_get_ex(obj, name, &v) ? json_object_get_string(v) : NULL;
}

/* request_params ([{key, value}...]) as name=value&... into err, secrets redacted. */
static bool echo_params(struct json_object *list, struct socapi_error *err)
{
	struct pairs echo = {0};
	bool ok = true;
	for (size_t i = 0; ok && json_object_is_type(list, json_type_array) &&
	                   i < json_object_array_length(list); i++) {
		struct json_object *item = json_object_array_get_idx(list, i);
		const char *key = string_member(item, "key"), *value = string_member(item, "value");
		if (key)
			ok = pairs_add(&echo, key, value ? value : "");
	}
	struct buf text = {0};
	if (ok)
		pairs_form_encode_redacted(&echo, &text);
	ok = ok && !text.failed;
	copy_text(err->request_params, sizeof err->request_params, ok ? text.data : NULL);
	buf_release(&text);
	pairs_release(&echo);
	return ok;
}

static enum socapi_status vk_unwrap(struct json_object *root, struct json_object **result,
                                    struct socapi_error *err)
{
	struct json_object *error, *v;
	if (json_object_is_type(root, json_type_object) &&
	    json_object_object_get_ex(root, "response", result))
		return SOCAPI_OK;
	if (!json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "error", &error) ||
	    !json_object_is_type(error, json_type_object))
		return set_error(err, SOCAPI_E_DECODE, "the answer has neither response nor error");
	if (json_object_object_get_ex(error, "error_code", &v))
		err->api_code = json_object_get_int(v);
	if (json_object_object_get_ex(error, "error_subcode", &v))
		err->api_subcode = json_object_get_int(v);
	copy_text(err->captcha_sid, sizeof err->captcha_sid, string_member(error, "captcha_sid"));
	copy_text(err->captcha_img, sizeof err->captcha_img, string_member(error, "captcha_img"));
	copy_text(err->redirect_uri, sizeof err->redirect_uri, string_member(error, "redirect_uri"));
	copy_text(err->confirmation_text, sizeof err->confirmation_text,
	          string_member(error, "confirmation_text"));
	if (json_object_object_get_ex(error, "request_params", &v) && !echo_params(v, err))
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	const char *msg = string_member(error, "error_msg");
	return set_error(err, SOCAPI_E_API, "VK error %d: %s", err->api_code, msg ? msg : "");
}

/* VK's tokens come without a refresh token: nothing to renew (README.md). */
static const struct adapter vk_adapter = {
	SOCAPI_PLATFORM_VK, {"1", "0"}, true, vk_sign_call, vk_unwrap, creds_destroy, NULL, NULL, ENVELOPE_VK,
};

/* ---- the default error handlers ---- */

static bool on_too_many_requests(void *ctx, const struct socapi_error *err, struct socapi_retry *retry)
{
	(void)ctx;
	(void)err;
	socapi_retry_wait(retry, 1000);
	return true;
}

/* Error 14: the classic captcha (a sid and an image) or VK ID's (a page). */
static bool on_captcha(void *ctx, const struct socapi_error *err, struct socapi_retry *retry)
{
	const struct vk_creds *c = ctx;
	char answer[512] = "";
	bool classic = err->captcha_sid[0] != '\0';
	bool answered =
	        classic ? c->captcha && c->captcha(c->captcha_ctx, err->captcha_sid, err->captcha_img,
	                                           answer, sizeof answer)
	                : err->redirect_uri[0] && c->captcha_page &&
	                          c->captcha_page(c->captcha_page_ctx, err->redirect_uri, answer, sizeof answer);
	answer[sizeof answer - 1] = '\0';
	if (!answered || !answer[0])
		return false;
	if (classic) {
		socapi_retry_set_param(retry, "captcha_sid", err->captcha_sid);
		socapi_retry_set_param(retry, "captcha_key", answer);
	} else {
		socapi_retry_set_param(retry, "success_token", answer);
	}
	return true;
}

/* ---- sessions ---- */

static bool copy_groups(struct vk_creds *c, const struct socapi_vk_credentials *cred)
{
	if (!cred->n_group_tokens)
		return true;
	c->groups = sc_calloc(cred->n_group_tokens, sizeof *c->groups);
	if (!c->groups)
		return false;
	for (; c->n_groups < cred->n_group_tokens; c->n_groups++) {
		const struct socapi_vk_group_token *g = &cred->group_tokens[c->n_groups];
		if (!copy_opt(&c->groups[c->n_groups].group_id, g->group_id) ||
		    !copy_opt(&c->groups[c->n_groups].access_token, g->access_token))
			return false;
	}
	return true;
}

enum socapi_status socapi_vk_session_new(const struct socapi_vk_credentials *cred,
                                         const struct socapi_options *opts,
                                         struct socapi_session **out, struct socapi_error *err)
{
	error_reset(err);
	if (!out)
		return set_error(err, SOCAPI_E_ARG, "out is NULL");
	*out = NULL;
	struct socapi_vk_credentials none = {0};
	if (!cred)
		cred = &none;
	if (cred->n_group_tokens && !cred->group_tokens)
		return set_error(err, SOCAPI_E_ARG, "VK session: group_tokens is NULL");
	for (size_t i = 0; i < cred->n_group_tokens; i++)
		if (!str_set(cred->group_tokens[i].group_id) || !str_set(cred->group_tokens[i].access_token))
			return set_error(err, SOCAPI_E_ARG, "VK session: group token %zu needs group_id and access_token", i);
	struct vk_creds *c = sc_calloc(1, sizeof *c);
	if (!c || !copy_opt(&c->access_token, cred->access_token) || !copy_groups(c, cred) ||
	    !copy_opt(&c->version, str_set(cred->version) ? cred->version : SOCAPI_VK_VERSION) ||
	    !copy_opt(&c->lang, cred->lang)) {
		creds_destroy(c);
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	}
	c->captcha = cred->captcha;
	c->captcha_ctx = cred->captcha_ctx;
	c->captcha_page = cred->captcha_page;
	c->captcha_page_ctx = cred->captcha_page_ctx;
	enum socapi_status st = session_new(&vk_adapter, c,
	                                    str_set(cred->api_url) ? cred->api_url : SOCAPI_VK_API_URL,
	                                    opts, out, err);
	if (st != SOCAPI_OK)
		return st;
	st = socapi_session_on_error(*out, VK_ERROR_TOO_MANY_REQUESTS, on_too_many_requests, NULL, err);
	if (st == SOCAPI_OK && (c->captcha || c->captcha_page))
		st = socapi_session_on_error(*out, VK_ERROR_CAPTCHA, on_captcha, c, err);
	if (st != SOCAPI_OK) {
		socapi_session_free(*out);
		*out = NULL;
		return st;
	}
	if (cred->rate_limit)
		socapi_session_set_rate_limit(*out, c->access_token || !c->n_groups ? 3 : 20);
	return SOCAPI_OK;
}

enum socapi_status socapi_vk_session_set_token(struct socapi_session *session,
                                               const char *access_token, struct socapi_error *err)
{
	error_reset(err);
	if (!session || session->adapter != &vk_adapter)
		return set_error(err, SOCAPI_E_ARG, "not a VK session");
	struct vk_creds *c = session->data;
	char *copy;
	if (!copy_opt(&copy, access_token))
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	sc_free_secret(c->access_token);
	c->access_token = copy;
	return SOCAPI_OK;
}

/* ---- execute ---- */

/* a write: the script may call any method */
static const struct socapi_method execute_method = {
	"execute", "response", "socapi_vk_execute", SOCAPI_PLATFORM_VK,
	SOCAPI_METHOD_POST | SOCAPI_METHOD_WRITE, NULL, &socapi_type_json, 0, NULL, "VKScript", NULL, 0,
	NULL, NULL,
};

/* Copies execute_errors into the result's arena. */
static enum socapi_status read_execute_errors(struct json_object *list, struct arena *arena,
                                              struct socapi_vk_execute_result *r,
                                              struct socapi_error *err)
{
	if (!json_object_is_type(list, json_type_array))
		return SOCAPI_OK;
	size_t n = json_object_array_length(list);
	r->errors = n ? arena_alloc(arena, n * sizeof *r->errors) : NULL;
	if (n && !r->errors)
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		struct json_object *item = json_object_array_get_idx(list, i), *code;
		struct socapi_vk_execute_error *e = &r->errors[i];
		const char *method = string_member(item, "method"), *msg = string_member(item, "error_msg");
		e->method = arena_strndup(arena, method ? method : "", method ? strlen(method) : 0);
		e->error_msg = arena_strndup(arena, msg ? msg : "", msg ? strlen(msg) : 0);
		if (json_object_object_get_ex(item, "error_code", &code))
			e->error_code = json_object_get_int(code);
		if (!e->method || !e->error_msg)
			return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	}
	r->n_errors = n;
	return SOCAPI_OK;
}

enum socapi_status socapi_vk_execute(struct socapi_session *session, const char *code,
                                     const struct socapi_param *params, size_t n_params,
                                     struct socapi_vk_execute_result **out,
                                     struct socapi_error *err)
{
	struct socapi_error local;
	if (!err)
		err = &local;
	error_reset(err);
	if (!out)
		return set_error(err, SOCAPI_E_ARG, "out is NULL");
	*out = NULL;
	if (!session || session->adapter != &vk_adapter || !str_set(code) || (n_params && !params))
		return set_error(err, SOCAPI_E_ARG, "execute needs a VK session and code");
	struct pairs form;
	enum socapi_status st = pairs_from_params(params, n_params, &form, err);
	if (st == SOCAPI_OK && !pairs_set(&form, "code", code))
		st = set_error(err, SOCAPI_E_NOMEM, "out of memory");
	char *response = NULL;
	struct json_object *root = NULL, *result = NULL, *errors = NULL;
	if (st == SOCAPI_OK)
		st = call_method(session, &execute_method, &form, (void **)&response, &root, &result, err);
	struct arena *arena;
	struct socapi_vk_execute_result *r = NULL;
	if (st == SOCAPI_OK && !(r = result_new(sizeof *r, &arena)))
		st = set_error(err, SOCAPI_E_NOMEM, "out of memory");
	const char *text = response ? response : "null"; /* {"response": null} */
	if (st == SOCAPI_OK && !(r->response = arena_strndup(arena, text, strlen(text))))
		st = set_error(err, SOCAPI_E_NOMEM, "out of memory");
	if (st == SOCAPI_OK && json_object_object_get_ex(root, "execute_errors", &errors))
		st = read_execute_errors(errors, arena, r, err);
	if (st == SOCAPI_OK) {
		*out = r;
	} else {
		socapi_free(r);
	}
	socapi_free(response);
	json_object_put(root);
	pairs_release(&form);
	return st;
}

/* ---- grants ---- */

static const char *version_of(const struct socapi_vk_app *app)
{
	return str_set(app->version) ? app->version : SOCAPI_VK_VERSION;
}

/* Asks the app's captcha callback; false when there is none or it gave up. */
static bool ask_captcha(const struct socapi_vk_app *app, const char *sid, const char *img,
                        char key[128])
{
	key[0] = '\0';
	bool ok = app->captcha && app->captcha(app->captcha_ctx, sid, img ? img : "", key, 128);
	key[127] = '\0';
	return ok && key[0];
}

static bool ask_code(const struct socapi_vk_app *app, char code[64])
{
	code[0] = '\0';
	bool ok = app->code && app->code(app->code_ctx, code, 64);
	code[63] = '\0';
	return ok && code[0];
}

struct implicit_state {
	const struct socapi_vk_app *app;
	const char *login;
	const char *password;
	bool login_sent;
	bool grant_sent;
	int captchas;
	int codes;
};

/* The login form: credentials, and the captcha's answer when it shows one. */
static enum socapi_status login_form(struct implicit_state *s, struct html_form *form,
                                     struct socapi_error *err)
{
	const char *sid = pairs_get(&form->fields, "captcha_sid");
	char key[128];
	if (sid && *sid) {
		if (s->captchas++ == VK_MAX_ANSWERS || !ask_captcha(s->app, sid, form->image, key))
			return auth_error(err, "need_captcha", "the login needs a captcha answer");
		if (!pairs_set(&form->fields, "captcha_key", key))
			return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	} else if (s->login_sent) {
		return auth_error(err, "invalid_grant", "invalid login or password");
	}
	s->login_sent = true;
	if (!pairs_set(&form->fields, "email", s->login) || !pairs_set(&form->fields, "pass", s->password))
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	return SOCAPI_OK;
}

static enum socapi_status implicit_page(struct login_flow *f, const char *url,
                                        const struct http_response *page, struct socapi_error *err)
{
	struct implicit_state *s = f->ctx;
	enum socapi_status st = html_read_form(page->body.data, page->body.len, url, &f->form, err);
	if (st != SOCAPI_OK)
		return st == SOCAPI_E_AUTH ? auth_error(err, "oauth_error", "unexpected authorization page")
		                           : st;
	if (pairs_get(&f->form.fields, "pass"))
		return login_form(s, &f->form, err);
	if (pairs_get(&f->form.fields, "code")) {
		/* two-factor: a second page means the code was wrong */
		char code[64];
		if (s->codes++ == VK_MAX_ANSWERS)
			return auth_error(err, "invalid_grant", "the two-factor code was not accepted");
		if (!ask_code(s->app, code))
			return auth_error(err, "need_validation", "the login needs a two-factor code");
		bool ok = pairs_set(&f->form.fields, "code", code);
		memset(code, 0, sizeof code);
		return ok ? SOCAPI_OK : set_error(err, SOCAPI_E_NOMEM, "out of memory");
	}
	if (s->grant_sent)
		return auth_error(err, "oauth_error", "the access form did not move on");
	s->grant_sent = true;
	return SOCAPI_OK;
}

static const struct login_ops implicit_ops = {implicit_page, NULL};

enum socapi_status socapi_vk_grant_implicit(const struct socapi_vk_app *app,
                                            const struct socapi_options *opts, const char *login,
                                            const char *password, const char *scope,
                                            const char *group_ids, struct socapi_token **out,
                                            struct socapi_error *err)
{
	const struct socapi_param needs[] = {
		{"client_id", app ? app->client_id : NULL}, {"login", login}, {"password", password}};
	enum socapi_status st = grant_begin(out, "implicit", needs, 3, err);
	if (st != SOCAPI_OK)
		return st;
	const char *redirect = str_set(app->redirect_uri) ? app->redirect_uri : SOCAPI_VK_REDIRECT_URI;
	/* group_ids last: sent only when asked for */
	const struct socapi_param query[] = {
		{"client_id", app->client_id}, {"scope", scope ? scope : "offline"}, {"display", "mobile"},
		{"response_type", "token"}, {"redirect_uri", redirect}, {"v", version_of(app)},
		{"group_ids", group_ids}};
	struct implicit_state state = {app, login, password, false, false, 0, 0};
	struct login_flow flow = {&implicit_ops, &state, redirect, SOCAPI_VK_LOGIN_HOSTS, {0}, {0}, false};
	return login_flow_run(&flow, opts,
	                      str_set(app->authorize_url) ? app->authorize_url : SOCAPI_VK_AUTHORIZE_URL,
	                      query, str_set(group_ids) ? 7 : 6, out, err);
}

enum socapi_status socapi_vk_grant_password(const struct socapi_vk_app *app,
                                            const struct socapi_options *opts, const char *login,
                                            const char *password, const char *scope,
                                            struct socapi_token **out, struct socapi_error *err)
{
	struct socapi_error local; /* the loop reads the endpoint's error */
	if (!err)
		err = &local;
	const struct socapi_param needs[] = {{"client_id", app ? app->client_id : NULL},
	                                     {"client_secret", app ? app->client_secret : NULL}};
	enum socapi_status st = grant_begin(out, "password", needs, 2, err);
	if (st != SOCAPI_OK)
		return st;
	struct grant g = {str_set(app->token_url) ? app->token_url : SOCAPI_VK_TOKEN_URL, "password",
	                  app->client_id, app->client_secret, false};
	/* the last two fields carry the answer to need_captcha or need_validation */
	char sid[sizeof err->captcha_sid], answer[128];
	struct socapi_param fields[] = {
		{"username", login}, {"password", password}, {"scope", scope ? scope : "offline"},
		{"2fa_supported", "1"}, {"v", version_of(app)}, {NULL, NULL}, {NULL, NULL}};
	size_t n = 5;
	for (int answers = 0;; answers++) {
		st = oauth_grant(opts, &g, fields, n, out, err);
		if (st != SOCAPI_E_AUTH || answers == VK_MAX_ANSWERS)
			break;
		if (strcmp(err->oauth_error, "need_captcha") == 0 &&
		    ask_captcha(app, err->captcha_sid, err->captcha_img, answer)) {
			copy_text(sid, sizeof sid, err->captcha_sid);
			fields[5] = (struct socapi_param){"captcha_sid", sid};
			fields[6] = (struct socapi_param){"captcha_key", answer};
			n = 7;
		} else if (strcmp(err->oauth_error, "need_validation") == 0 && ask_code(app, answer)) {
			fields[5] = (struct socapi_param){"code", answer};
			n = 6;
		} else {
			break;
		}
	}
	memset(answer, 0, sizeof answer);
	return st;
}

enum socapi_status socapi_vk_grant_code(const struct socapi_vk_app *app,
                                        const struct socapi_options *opts, const char *code,
                                        const char *redirect_uri, struct socapi_token **out,
                                        struct socapi_error *err)
{
	const struct socapi_param needs[] = {{"client_id", app ? app->client_id : NULL},
	                                     {"client_secret", app ? app->client_secret : NULL}};
	enum socapi_status st = grant_begin(out, "code exchange", needs, 2, err);
	if (st != SOCAPI_OK)
		return st;
	const struct socapi_param fields[] = {{"redirect_uri", redirect_uri}, {"code", code}};
	struct grant g = {str_set(app->code_token_url) ? app->code_token_url : SOCAPI_VK_CODE_TOKEN_URL,
	                  NULL, app->client_id, app->client_secret, false};
	return oauth_grant(opts, &g, fields, 2, out, err);
}
