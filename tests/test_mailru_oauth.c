/*
 * test_mailru_oauth.c - the Mail.Ru OAuth grants end to end against the
 * bundled emulator (loopback only): the password, refresh, code and implicit
 * grants, scopes, and log redaction of every secret they carry.
 */
#define _POSIX_C_SOURCE 200809L
#include "mailru_emulator_common.h"

static bool is_hex32(const char *s)
{
	if (!s || strlen(s) != 32)
		return false;
	for (const char *c = s; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
			return false;
	return true;
}

/* ---- OAuth ---- */

static bool fetch_code(const char *client_id, const char *redirect_uri_enc, const char *uid,
                       const char *scope_enc, char code[64])
{
	char query[512];
	snprintf(query, sizeof query, "mailru/code?client_id=%s&redirect_uri=%s&uid=%s&scope=%s",
	         client_id, redirect_uri_enc, uid, scope_enc);
	return emulator_code(&emu, query, code);
}

static void check_token(const struct socapi_token *t, const char *uid)
{
	CHECK(t != NULL);
	if (!t)
		return;
	CHECK(is_hex32(t->access_token));
	CHECK(is_hex32(t->refresh_token));
	CHECK(t->has_expires_in && t->expires_in == 86400);
	CHECK_STR(t->uid, uid);
	CHECK_STR(t->token_type, "bearer");
}

static void test_grant_password(void)
{
	struct socapi_mailru_app app = emulator_app(APP_ID, SECRET_KEY);
	struct socapi_error err;
	struct socapi_token *tok = NULL;
	CHECK_OK(socapi_mailru_grant_password(&app, NULL, "ivan@mail.ru", "secret", NULL, &tok, &err), err);
	check_token(tok, IVAN);
	CHECK(tok && tok->cookies == NULL);
	CHECK(tok && strcmp(tok->access_token, SESSION_KEY) != 0);

	/* the granted token as a session key, client-server with the uid it came with */
	if (tok && tok->uid) {
		struct socapi_session *s = open_session(tok->uid, PRIVATE_KEY, NULL, tok->access_token,
		                                        SOCAPI_MAILRU_CIRCUIT_AUTO, NULL);
		CHECK(get_info_is_ivan(s, &err));
		socapi_session_free(s);
		s = open_session(NULL, NULL, SECRET_KEY, tok->access_token, SOCAPI_MAILRU_CIRCUIT_AUTO, NULL);
		CHECK(get_info_is_ivan(s, &err));
		socapi_session_free(s);
	}

	/* refresh: a new access token, the same refresh token and user */
	struct socapi_token *fresh = NULL;
	if (tok)
		CHECK_OK(socapi_mailru_grant_refresh(&app, NULL, tok->refresh_token, &fresh, &err), err);
	check_token(fresh, IVAN);
	CHECK(fresh && tok && strcmp(fresh->access_token, tok->access_token) != 0);
	CHECK(fresh && tok && strcmp(fresh->refresh_token, tok->refresh_token) == 0);
	if (fresh) {
		struct socapi_session *s = open_session(IVAN, PRIVATE_KEY, NULL, fresh->access_token,
		                                        SOCAPI_MAILRU_CIRCUIT_AUTO, NULL);
		CHECK(get_info_is_ivan(s, &err));
		socapi_session_free(s);
	}
	socapi_token_free(fresh);
	socapi_token_free(tok);

	/* refusals */
	tok = (void *)&err;
	CHECK(socapi_mailru_grant_password(&app, NULL, "ivan@mail.ru", "wrong", NULL, &tok, &err) ==
	      SOCAPI_E_AUTH);
	CHECK(tok == NULL);
	CHECK_STR(err.oauth_error, "invalid_grant");
	CHECK(err.http_status == 400);
	CHECK(socapi_mailru_grant_password(&app, NULL, "blocked@mail.ru", "secret", NULL, &tok, &err) ==
	      SOCAPI_E_AUTH && tok == NULL);
	CHECK_STR(err.oauth_error, "invalid_user");
	CHECK(socapi_mailru_grant_password(&app, NULL, "ivan@mail.ru", "secret", "photos nosuch", &tok,
	                                   &err) == SOCAPI_E_AUTH && tok == NULL);
	CHECK_STR(err.oauth_error, "invalid_request");
	struct socapi_mailru_app bad_secret = emulator_app(APP_ID, "not-the-secret");
	CHECK(socapi_mailru_grant_password(&bad_secret, NULL, "ivan@mail.ru", "secret", NULL, &tok, &err) ==
	      SOCAPI_E_AUTH && tok == NULL);
	CHECK_STR(err.oauth_error, "invalid_client");
	CHECK(socapi_mailru_grant_refresh(&app, NULL, "00000000000000000000000000000000", &tok, &err) ==
	      SOCAPI_E_AUTH && tok == NULL);
	CHECK_STR(err.oauth_error, "invalid_grant");
	/* missing inputs: nothing sent */
	CHECK(socapi_mailru_grant_password(&app, NULL, "", "secret", NULL, &tok, &err) == SOCAPI_E_ARG);
	CHECK(socapi_mailru_grant_refresh(&app, NULL, NULL, &tok, &err) == SOCAPI_E_ARG && tok == NULL);
	struct socapi_mailru_app no_id = emulator_app(NULL, SECRET_KEY);
	CHECK(socapi_mailru_grant_password(&no_id, NULL, "ivan@mail.ru", "secret", NULL, &tok, &err) ==
	      SOCAPI_E_ARG && tok == NULL);
}

static void test_grant_code(void)
{
	struct socapi_mailru_app app = emulator_app(APP_ID, SECRET_KEY);
	struct socapi_error err;
	const char *redirect = "http://localhost/callback?from=socapi";
	const char *redirect_enc = "http%3A%2F%2Flocalhost%2Fcallback%3Ffrom%3Dsocapi";
	char code[64];
	CHECK(fetch_code(APP_ID, redirect_enc, IVAN, "photos%20stream", code));

	/* a different redirect_uri is refused and does not use the code up */
	struct socapi_token *tok = (void *)&err;
	CHECK(socapi_mailru_grant_code(&app, NULL, code, "http://localhost/other", &tok, &err) ==
	      SOCAPI_E_AUTH && tok == NULL);
	CHECK_STR(err.oauth_error, "invalid_grant");

	CHECK_OK(socapi_mailru_grant_code(&app, NULL, code, redirect, &tok, &err), err);
	check_token(tok, IVAN);
	if (tok) {
		struct socapi_session *s = open_session(IVAN, PRIVATE_KEY, NULL, tok->access_token,
		                                        SOCAPI_MAILRU_CIRCUIT_AUTO, NULL);
		CHECK(get_info_is_ivan(s, &err));
		/* that code's scope has no messages */
		struct mailru_count *count = NULL;
		CHECK(mailru_messages_get_unread_count(s, &count, &err) == SOCAPI_E_API);
		CHECK(err.api_code == MAILRU_ERROR_PERMISSION && count == NULL);
		socapi_session_free(s);
	}
	socapi_token_free(tok);

	/* a code works once */
	tok = NULL;
	CHECK(socapi_mailru_grant_code(&app, NULL, code, redirect, &tok, &err) == SOCAPI_E_AUTH);
	CHECK(tok == NULL);
	CHECK_STR(err.oauth_error, "invalid_grant");

	/* Мария's code gives Мария */
	CHECK(fetch_code(APP_ID, redirect_enc, MARIA, "", code));
	CHECK_OK(socapi_mailru_grant_code(&app, NULL, code, redirect, &tok, &err), err);
	check_token(tok, MARIA);
	socapi_token_free(tok);
	CHECK(socapi_mailru_grant_code(&app, NULL, NULL, redirect, &tok, &err) == SOCAPI_E_ARG);
}

/* The implicit grant through the login form and the access dialog. */
static void test_grant_implicit(void)
{
	struct socapi_mailru_app app = emulator_app(APP_ID, SECRET_KEY);
	struct socapi_error err;
	struct socapi_token *tok = NULL;
	CHECK_OK(socapi_mailru_grant_implicit(&app, NULL, "ivan@mail.ru", "secret", NULL, &tok, &err), err);
	check_token(tok, IVAN);
	CHECK(tok && tok->cookies && tok->cookies[0] && strstr(tok->cookies, "Mpop"));
	if (tok) {
		struct socapi_session *s = open_session(tok->uid, PRIVATE_KEY, NULL, tok->access_token,
		                                        SOCAPI_MAILRU_CIRCUIT_AUTO, NULL);
		CHECK(get_info_is_ivan(s, &err));
		/* the full scope includes messages */
		struct mailru_count *count = NULL;
		CHECK_OK(mailru_messages_get_unread_count(s, &count, &err), err);
		CHECK(count && count->has_count);
		socapi_free(count);
		socapi_session_free(s);
	}
	socapi_token_free(tok);

	/* another domain: the e-mail is split into Login and Domain */
	tok = NULL;
	CHECK_OK(socapi_mailru_grant_implicit(&app, NULL, "maria@bk.ru", "secret2", "photos", &tok, &err),
	         err);
	check_token(tok, MARIA);
	socapi_token_free(tok);

	struct {
		const char *app_id, *email, *password, *expect;
	} refusals[] = {
		{APP_ID, "ivan@mail.ru", "wrong", "invalid_grant"},
		{APP_ID, "nobody@mail.ru", "secret", "invalid_grant"},
		{APP_ID, "blocked@mail.ru", "secret", "invalid_user"},
		{DEV_APP_ID, "ivan@mail.ru", "secret", "client_not_available"},
		{"999999", "ivan@mail.ru", "secret", "invalid_client"},
	};
	for (size_t i = 0; i < sizeof refusals / sizeof *refusals; i++) {
		struct socapi_mailru_app a = emulator_app(refusals[i].app_id, SECRET_KEY);
		tok = (void *)&err;
		enum socapi_status st = socapi_mailru_grant_implicit(&a, NULL, refusals[i].email,
		                                                     refusals[i].password, NULL, &tok, &err);
		CHECK(st == SOCAPI_E_AUTH && tok == NULL);
		CHECK_STR(err.oauth_error, refusals[i].expect);
	}
	/* not an e-mail: nothing sent */
	CHECK(socapi_mailru_grant_implicit(&app, NULL, "ivan", "secret", NULL, &tok, &err) == SOCAPI_E_ARG);
	CHECK(tok == NULL);
}

static void test_scope(void)
{
	struct socapi_mailru_app app = emulator_app(APP_ID, SECRET_KEY);
	struct socapi_error err;
	struct socapi_token *tok = NULL;
	CHECK_OK(socapi_mailru_grant_password(&app, NULL, "ivan@mail.ru", "secret", "stream", &tok, &err),
	         err);
	if (!tok)
		return;
	struct socapi_session *s = open_session(IVAN, PRIVATE_KEY, NULL, tok->access_token,
	                                        SOCAPI_MAILRU_CIRCUIT_AUTO, NULL);
	struct mailru_count *count = (void *)&err;
	CHECK(mailru_messages_get_unread_count(s, &count, &err) == SOCAPI_E_API);
	CHECK(err.api_code == MAILRU_ERROR_PERMISSION && count == NULL);
	/* what needs no permission still works with that token */
	CHECK(get_info_is_ivan(s, &err));
	/* hasAppPermission reports the scope */
	struct mailru_users_has_app_permission_params hp = {.ext_perm = "stream"};
	struct mailru_app_permissions *perms = NULL;
	CHECK_OK(mailru_users_has_app_permission(s, &hp, &perms, &err), err);
	CHECK(perms && perms->has_stream && perms->stream == 1 && perms->has_messages && perms->messages == 0);
	socapi_free(perms);
	socapi_session_free(s);
	socapi_token_free(tok);
}

/* ---- logging ---- */

static void test_logging(void)
{
	struct log log = {0};
	struct socapi_options o = log_opts(&log, SOCAPI_LOG_DEBUG);
	struct socapi_error err;

	/* client-server call; its signature can be recomputed (sorted params) */
	struct socapi_session *s = client_session(&o);
	CHECK(get_info_is_ivan(s, &err));
	const struct socapi_param signed_params[] = {
		{"app_id", APP_ID}, {"method", "users.getInfo"}, {"session_key", SESSION_KEY}};
	char client_sig[33] = "";
	CHECK_OK(socapi_mailru_sign(SOCAPI_MAILRU_CIRCUIT_CLIENT, IVAN, PRIVATE_KEY, signed_params, 3,
	                            client_sig, &err), err);
	socapi_session_free(s);

	/* server-server call */
	s = open_session(NULL, NULL, SECRET_KEY, SESSION_KEY, SOCAPI_MAILRU_CIRCUIT_AUTO, &o);
	CHECK(get_info_is_ivan(s, &err));
	const struct socapi_param server_params[] = {{"app_id", APP_ID}, {"method", "users.getInfo"},
	                                             {"secure", "1"}, {"session_key", SESSION_KEY}};
	char server_sig[33] = "";
	CHECK_OK(socapi_mailru_sign(SOCAPI_MAILRU_CIRCUIT_SERVER, NULL, SECRET_KEY, server_params, 4,
	                            server_sig, &err), err);
	/* a raw call, with a failure logged too */
	char *body = NULL;
	CHECK_OK(socapi_call_raw(s, "no.suchMethod", NULL, 0, false, &body, NULL, &err), err);
	socapi_free(body);
	socapi_session_free(s);

	/* the grants, with every secret in their forms */
	struct socapi_mailru_app app = emulator_app(APP_ID, SECRET_KEY);
	struct socapi_token *tok = NULL, *fresh = NULL, *implicit = NULL;
	CHECK(socapi_mailru_grant_password(&app, &o, "ivan@mail.ru", "pa55-word-x", NULL, &tok, &err) ==
	      SOCAPI_E_AUTH);
	CHECK_OK(socapi_mailru_grant_password(&app, &o, "ivan@mail.ru", "secret", NULL, &tok, &err), err);
	if (tok)
		CHECK_OK(socapi_mailru_grant_refresh(&app, &o, tok->refresh_token, &fresh, &err), err);
	CHECK(socapi_mailru_grant_implicit(&app, &o, "ivan@mail.ru", "pa55-word-x", NULL, &implicit,
	                                   &err) == SOCAPI_E_AUTH);
	CHECK_OK(socapi_mailru_grant_implicit(&app, &o, "ivan@mail.ru", "secret", NULL, &implicit, &err),
	         err);
	char code[64] = "";
	CHECK(fetch_code(APP_ID, "http%3A%2F%2Flocalhost%2Fcb", IVAN, "", code));
	struct socapi_token *by_code = NULL;
	CHECK_OK(socapi_mailru_grant_code(&app, &o, code, "http://localhost/cb", &by_code, &err), err);
	if (tok) {
		s = open_session(IVAN, PRIVATE_KEY, NULL, tok->access_token, SOCAPI_MAILRU_CIRCUIT_AUTO, &o);
		CHECK(get_info_is_ivan(s, &err));
		socapi_session_free(s);
	}

	CHECK(log.n >= 10);
	CHECK(log_count(&log, "<redacted>") >= 6);
	CHECK(log_count(&log, "sig=<redacted>") >= 3);
	CHECK(log_count(&log, "session_key=<redacted>") >= 3);
	CHECK(log_count(&log, "client_secret=<redacted>") >= 3);
	CHECK(log_count(&log, "password=<redacted>") >= 2);
	CHECK(log_count(&log, "Password=<redacted>") >= 1);
	CHECK(log_count(&log, "refresh_token=<redacted>") >= 1);
	CHECK(log_count(&log, "code=<redacted>") >= 1);
	CHECK(log_count(&log, SESSION_KEY) == 0);
	CHECK(log_count(&log, PRIVATE_KEY) == 0);
	CHECK(log_count(&log, SECRET_KEY) == 0);
	CHECK(client_sig[0] && log_count(&log, client_sig) == 0);
	CHECK(server_sig[0] && log_count(&log, server_sig) == 0);
	CHECK(log_count(&log, "pa55-word-x") == 0);
	CHECK(log_count(&log, "=secret&") == 0 && log_count(&log, "=secret\0") == 0);
	CHECK(code[0] && log_count(&log, code) == 0);
	const struct socapi_token *granted[] = {tok, fresh, implicit, by_code};
	for (size_t i = 0; i < sizeof granted / sizeof *granted; i++) {
		CHECK(granted[i] != NULL);
		if (!granted[i])
			continue;
		CHECK(log_count(&log, granted[i]->access_token) == 0);
		CHECK(!granted[i]->refresh_token || log_count(&log, granted[i]->refresh_token) == 0);
	}
	for (size_t i = 0; i < log.n; i++) /* one line each */
		CHECK(log.lines[i] && !strchr(log.lines[i], '\n'));
	socapi_token_free(tok);
	socapi_token_free(fresh);
	socapi_token_free(implicit);
	socapi_token_free(by_code);
	log_clear(&log);

	/* INFO: no parameter lines at all */
	o = log_opts(&log, SOCAPI_LOG_INFO);
	s = client_session(&o);
	CHECK(get_info_is_ivan(s, &err));
	CHECK(log.n >= 1 && log_count(&log, "params:") == 0 && log_count(&log, "HTTP 200") >= 1);
	socapi_session_free(s);
	log_clear(&log);
}

int main(void)
{
	if (!mailru_emulator_begin())
		return 1;

	test_grant_password();
	test_grant_code();
	test_grant_implicit();
	test_scope();
	test_logging();

	return mailru_emulator_end();
}
