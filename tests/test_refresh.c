/*
 * test_refresh.c - Mail.Ru and OK.ru sessions renew an expired token by
 * themselves: a call that fails with 102 runs the refresh grant once, tells
 * the application through on_refresh and goes again (a write too: the
 * platform refused it, so it runs once); a failed refresh keeps the 102
 * and says why. The emulator's /_emulator/<platform>/expire makes a token
 * expire.
 */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "emulator_harness.h"

#include <mailru/mailru.h>
#include <ok/ok.h>
#include <socapi/mailru.h>
#include <socapi/ok.h>
#include <stdlib.h>

#define MAILRU_APP "423004"
#define MAILRU_SECRET "3dad9cbf9baaa0360c0f2ba372d25716"
#define OK_APP_ID "1267418112"
#define OK_APP_KEY "CBAEJBKGDIHBABABA"
#define OK_APP_SECRET "8a5c2d0e4f6b1a3c5e7d9f0b2c4e6a8d"
#define OK_EXPIRED_TOKEN "tkn1expired0emulator0ok"
#define OK_REFRESH_TOKEN "rfr1ivan0fixed0emulator0ok"

static struct emulator emu;
static char mailru_api[128], mailru_token_url[128], ok_api[128], ok_token_url[128];

/* What on_refresh was told. */
struct renewals {
	int n;
	char access_token[128];
	char refresh_token[128];
};

static void on_refresh(void *ctx, const struct socapi_token *token)
{
	struct renewals *r = ctx;
	r->n++;
	snprintf(r->access_token, sizeof r->access_token, "%s", token->access_token);
	snprintf(r->refresh_token, sizeof r->refresh_token, "%s",
	         token->refresh_token ? token->refresh_token : "");
}

static void expire(const char *platform, const char *token)
{
	char what[64], json[256];
	snprintf(what, sizeof what, "%s/expire", platform);
	snprintf(json, sizeof json, "{\"token\": \"%s\"}", token);
	CHECK(emulator_control(&emu, what, json));
}

/* A fresh Mail.Ru token for Иван, through the password grant. */
static struct socapi_token *mailru_login(void)
{
	struct socapi_mailru_app app = {.app_id = MAILRU_APP, .secret_key = MAILRU_SECRET,
	                                .token_url = mailru_token_url};
	struct socapi_token *tok = NULL;
	struct socapi_error err;
	CHECK_OK(socapi_mailru_grant_password(&app, NULL, "ivan@mail.ru", "secret", NULL, &tok, &err), err);
	return tok;
}

/* A session of platform (Mail.Ru or OK.ru) on token that renews it with refresh_token, telling r. */
static struct socapi_session *renewing_session(enum socapi_platform platform, const char *token,
                                               const char *refresh_token, struct renewals *r)
{
	struct socapi_session *s = NULL;
	struct socapi_error err;
	enum socapi_status st;
	if (platform == SOCAPI_PLATFORM_MAILRU) {
		struct socapi_mailru_credentials cred = {
			.app_id = MAILRU_APP, .secret_key = MAILRU_SECRET, .session_key = token,
			.api_url = mailru_api, .refresh_token = refresh_token, .token_url = mailru_token_url,
			.on_refresh = on_refresh, .on_refresh_ctx = r};
		st = socapi_mailru_session_new(&cred, NULL, &s, &err);
	} else {
		struct socapi_ok_credentials cred = {
			.application_key = OK_APP_KEY, .application_secret_key = OK_APP_SECRET,
			.access_token = token, .api_url = ok_api, .application_id = OK_APP_ID,
			.refresh_token = refresh_token, .token_url = ok_token_url,
			.on_refresh = on_refresh, .on_refresh_ctx = r};
		st = socapi_ok_session_new(&cred, NULL, &s, &err);
	}
	CHECK_OK(st, err);
	return s;
}

static enum socapi_status get_info(struct socapi_session *s, struct socapi_error *err)
{
	struct mailru_user_list *users = NULL;
	enum socapi_status st = mailru_users_get_info(s, NULL, &users, err);
	CHECK((st == SOCAPI_OK) == (users != NULL));
	socapi_free(users);
	return st;
}

static void test_mailru_renewal(void)
{
	struct socapi_error err;
	CHECK(emulator_control(&emu, "reset", NULL));
	struct socapi_token *tok = mailru_login();
	if (!tok)
		return;
	struct renewals r = {0};
	struct socapi_session *s =
		renewing_session(SOCAPI_PLATFORM_MAILRU, tok->access_token, tok->refresh_token, &r);
	CHECK_OK(get_info(s, &err), err);
	CHECK(r.n == 0);
	expire("mailru", tok->access_token);
	CHECK_OK(get_info(s, &err), err); /* 102, renewed, sent again */
	CHECK(r.n == 1 && strcmp(r.access_token, tok->access_token) != 0);
	CHECK_STR(r.refresh_token, tok->refresh_token);
	CHECK(emulator_arrivals(&emu, "/mailru/oauth/token") == 2); /* the login and one refresh */
	CHECK_OK(get_info(s, &err), err);                           /* the new key from now on */
	CHECK(r.n == 1);

	/* a write refused with 102 is sent again once the session is renewed, and runs once */
	char renewed[128];
	snprintf(renewed, sizeof renewed, "%s", r.access_token);
	expire("mailru", renewed);
	struct mailru_stream_post_params post = {.text = "renewed and posted once"};
	int64_t id = 0;
	CHECK_OK(mailru_stream_post(s, &post, &id, &err), err);
	CHECK(r.n == 2 && id != 0);
	socapi_session_free(s);

	/* a refresh that fails: the 102 stays, with the reason */
	s = renewing_session(SOCAPI_PLATFORM_MAILRU, renewed, "0000000000000000000000000000dead", &r);
	CHECK(get_info(s, &err) == SOCAPI_E_API && err.api_code == 102);
	CHECK(strstr(err.message, "renewing the session failed") != NULL);
	CHECK_STR(err.oauth_error, "invalid_grant");
	CHECK(r.n == 2);
	socapi_session_free(s);

	/* without a refresh token nothing is tried */
	long before = emulator_arrivals(&emu, "/mailru/oauth/token");
	s = renewing_session(SOCAPI_PLATFORM_MAILRU, renewed, NULL, &r);
	CHECK(get_info(s, &err) == SOCAPI_E_API && err.api_code == 102);
	CHECK(strstr(err.message, "renewing") == NULL);
	CHECK(emulator_arrivals(&emu, "/mailru/oauth/token") == before);
	socapi_session_free(s);
	socapi_token_free(tok);
}

/* A batch renews too: the call whose session expired goes again. */
static void test_batch_renewal(void)
{
	struct socapi_error err, e[2];
	CHECK(emulator_control(&emu, "reset", NULL));
	struct socapi_token *tok = mailru_login();
	if (!tok)
		return;
	struct renewals r = {0};
	struct socapi_session *s =
		renewing_session(SOCAPI_PLATFORM_MAILRU, tok->access_token, tok->refresh_token, &r);
	expire("mailru", tok->access_token);
	struct socapi_batch *batch = NULL;
	CHECK_OK(socapi_batch_new(&batch, &err), err);
	struct mailru_user_list *a = NULL, *b = NULL;
	CHECK_OK(socapi_batch_add(batch, s, &mailru_users_get_info_method, NULL, &a, &e[0], &err), err);
	CHECK_OK(socapi_batch_add(batch, s, &mailru_users_get_info_method, NULL, &b, &e[1], &err), err);
	CHECK_OK(socapi_batch_run(batch, &err), err);
	CHECK_OK(e[0].status, e[0]);
	CHECK_OK(e[1].status, e[1]);
	CHECK(a && b && r.n == 1);
	socapi_free(a);
	socapi_free(b);
	socapi_batch_free(batch);
	socapi_session_free(s);
	socapi_token_free(tok);
}

static int64_t current_uid(struct socapi_session *s, struct socapi_error *err)
{
	struct ok_user *me = NULL;
	int64_t uid = ok_users_get_current_user(s, NULL, &me, err) == SOCAPI_OK && me ? me->uid : -1;
	socapi_free(me);
	return uid;
}

static void test_ok_renewal(void)
{
	struct socapi_error err;
	CHECK(emulator_control(&emu, "reset", NULL));
	struct renewals r = {0};
	/* the emulator's token that is always expired (102) */
	struct socapi_session *s =
		renewing_session(SOCAPI_PLATFORM_OK, OK_EXPIRED_TOKEN, OK_REFRESH_TOKEN, &r);
	CHECK(current_uid(s, &err) == 574238563453);
	CHECK(r.n == 1 && strcmp(r.access_token, OK_EXPIRED_TOKEN) != 0);
	/* the renewed token, made to expire through the control endpoint */
	char renewed[128];
	snprintf(renewed, sizeof renewed, "%s", r.access_token);
	expire("ok", renewed);
	CHECK(current_uid(s, &err) == 574238563453);
	CHECK(r.n == 2 && strcmp(r.access_token, renewed) != 0);
	socapi_session_free(s);
}

int main(void)
{
	struct socapi_error err;
	if (!emulator_start(&emu))
		return 1;
	snprintf(mailru_api, sizeof mailru_api, "%s/mailru/platform/api", emu.base);
	snprintf(mailru_token_url, sizeof mailru_token_url, "%s/mailru/oauth/token", emu.base);
	snprintf(ok_api, sizeof ok_api, "%s/ok/fb.do", emu.base);
	snprintf(ok_token_url, sizeof ok_token_url, "%s/ok/oauth/token.do", emu.base);
	CHECK_OK(socapi_global_init(NULL, &err), err);
	test_mailru_renewal();
	test_batch_renewal();
	test_ok_renewal();
	socapi_global_cleanup();
	emulator_stop(&emu);
	return check_summary();
}
