/*
 * test_regressions.c - the defects an outside audit reproduced (issue #8),
 * reproduced again against the emulator's canned replies: each test fails
 * on the code before its fix. Runs with an allocator that fills fresh
 * memory with 0xA5, so reading bytes socapi never wrote shows as garbage
 * in a plain build too.
 */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "emulator_harness.h"
#include "failing_alloc.h"

#include <mailru/mailru.h>
#include <socapi/mailru.h>
#include <socapi/ok.h>
#include <socapi/vk.h>
#include <stdlib.h>
#include <vk/vk.h>

static struct emulator emu;

static char *url(const char *path)
{
	static char buf[4][256];
	static int next;
	char *u = buf[next++ % 4];
	snprintf(u, sizeof buf[0], "%s%s", emu.base, path);
	return u;
}

/* Adds a reply fault: the next request under path gets exactly this answer.
 * headers is a JSON list of [name, value] pairs; body is plain text. */
static void reply(const char *path, int status, const char *content_type, const char *headers,
                  const char *body)
{
	char quoted[2048], json[4096];
	size_t n = 0;
	for (const char *c = body; *c && n < sizeof quoted - 2; c++) {
		if (*c == '"' || *c == '\\')
			quoted[n++] = '\\';
		quoted[n++] = *c;
	}
	quoted[n] = '\0';
	snprintf(json, sizeof json,
	         "{\"path\": \"%s\", \"fault\": \"reply\", \"status\": %d, \"content_type\": \"%s\", "
	         "\"headers\": %s, \"body\": \"%s\"}",
	         path, status, content_type, headers ? headers : "[]", quoted);
	CHECK(emulator_control(&emu, "faults", json));
}

/* ---- an empty buffer was never NUL-terminated (buf_terminate) ---- */

/* VK's request_params echo with no entries: err->request_params got heap bytes. */
static void test_vk_empty_request_params(void)
{
	reply("/vk/method", 200, "application/json", NULL,
	      "{\"error\": {\"error_code\": 5, \"error_msg\": \"User authorization failed\", "
	      "\"request_params\": []}}");
	struct socapi_vk_credentials cred = {.access_token = "vk1.a.token", .api_url = url("/vk/method")};
	struct socapi_session *s = NULL;
	struct socapi_error err;
	CHECK_OK(socapi_vk_session_new(&cred, NULL, &s, &err), err);
	struct vk_users_user_full_list *users = NULL;
	CHECK(vk_users_get(s, NULL, &users, &err) == SOCAPI_E_API && !users);
	CHECK(err.api_code == 5);
	CHECK_STR(err.request_params, "");
	socapi_session_free(s);
}

/* An empty login page: the platforms' strstr ran off the end of the body. */
static void test_empty_login_page(void)
{
	struct socapi_error err;
	struct socapi_token *tok = NULL;
	reply("/mailru/oauth/authorize", 200, "text/html", NULL, "");
	struct socapi_mailru_app mailru = {.app_id = "423004", .authorize_url = url("/mailru/oauth/authorize")};
	CHECK(socapi_mailru_grant_implicit(&mailru, NULL, "ivan@mail.ru", "secret", NULL, &tok, &err) ==
	      SOCAPI_E_AUTH && !tok);
	CHECK_STR(err.oauth_error, "oauth_error");

	reply("/ok/oauth/authorize", 200, "text/html", NULL, "");
	struct socapi_ok_app ok = {.application_id = "512000384621", .authorize_url = url("/ok/oauth/authorize")};
	CHECK(socapi_ok_grant_implicit(&ok, NULL, "ivan", "secret", NULL, &tok, &err) == SOCAPI_E_AUTH && !tok);
	CHECK_STR(err.oauth_error, "oauth_error");
}

/* A grant that ends without a single Set-Cookie: token->cookies was unterminated. */
static void test_implicit_grant_without_cookies(void)
{
	reply("/vk/oauth/authorize", 302, "text/html",
	      "[[\"Location\", \"" SOCAPI_VK_REDIRECT_URI "#access_token=vk1.a.new&expires_in=0&user_id=7\"]]", "");
	struct socapi_vk_app app = {.client_id = "51234567", .authorize_url = url("/vk/oauth/authorize")};
	struct socapi_token *tok = NULL;
	struct socapi_error err;
	CHECK_OK(socapi_vk_grant_implicit(&app, NULL, "ivan@vk.ru", "secret", NULL, NULL, &tok, &err), err);
	CHECK(tok && tok->cookies);
	if (tok && tok->cookies) {
		CHECK_STR(tok->cookies, "");
		CHECK_STR(tok->access_token, "vk1.a.new");
	}
	socapi_token_free(tok);
}

struct log {
	char post_line[1024];
};

static void keep_post_line(void *ctx, enum socapi_log_level level, const char *line)
{
	struct log *l = ctx;
	if (level == SOCAPI_LOG_DEBUG && strncmp(line, "POST ", 5) == 0)
		snprintf(l->post_line, sizeof l->post_line, "%s", line);
}

/* A form without fields, posted with DEBUG logging: the log showed heap bytes. */
static void test_form_without_fields_logged(void)
{
	reply("/vk/oauth/authorize", 200, "text/html", NULL,
	      "<html><body><form method=\"post\" action=\"/vk/oauth/authorize?step=2\"></form></body></html>");
	reply("/vk/oauth/authorize", 302, "text/html",
	      "[[\"Location\", \"" SOCAPI_VK_REDIRECT_URI "#access_token=vk1.a.new&expires_in=0&user_id=7\"]]", "");
	struct log log = {""};
	struct socapi_options opts = {.log = keep_post_line, .log_ctx = &log, .log_level = SOCAPI_LOG_DEBUG};
	struct socapi_vk_app app = {.client_id = "51234567", .authorize_url = url("/vk/oauth/authorize")};
	struct socapi_token *tok = NULL;
	struct socapi_error err;
	CHECK_OK(socapi_vk_grant_implicit(&app, &opts, "ivan@vk.ru", "secret", NULL, NULL, &tok, &err), err);
	socapi_token_free(tok);
	/* nothing after the (empty) parameters */
	const char *params = strstr(log.post_line, "/vk/oauth/authorize params: ");
	CHECK(params && strcmp(params + strlen("/vk/oauth/authorize params: "), "") == 0);
}

/* ---- smaller defects ---- */

/* A token endpoint that redirects: HTTP 302, not "the body is not JSON". */
static void test_token_endpoint_redirect(void)
{
	reply("/mailru/oauth/token", 302, "text/html", "[[\"Location\", \"https://example.com/login\"]]",
	      "<html><body>Moved</body></html>");
	struct socapi_mailru_app app = {.app_id = "423004", .secret_key = "3dad9cbf9baaa0360c0f2ba372d25716",
	                                .token_url = url("/mailru/oauth/token")};
	struct socapi_token *tok = NULL;
	struct socapi_error err;
	CHECK(socapi_mailru_grant_password(&app, NULL, "ivan@mail.ru", "secret", NULL, &tok, &err) ==
	      SOCAPI_E_HTTP && !tok);
	CHECK(err.http_status == 302);
	CHECK(strstr(err.message, "HTTP 302") != NULL);
}

/* A bare null body: said so, not "unexpected end of data". */
static void test_null_body(void)
{
	reply("/mailru/platform/api", 200, "application/json", NULL, "null");
	struct socapi_mailru_credentials cred = {.app_id = "423004", .secret_key = "k", .session_key = "s",
	                                         .api_url = url("/mailru/platform/api")};
	struct socapi_session *s = NULL;
	struct socapi_error err;
	CHECK_OK(socapi_mailru_session_new(&cred, NULL, &s, &err), err);
	struct mailru_user_list *users = NULL;
	CHECK(mailru_users_get_info(s, NULL, &users, &err) == SOCAPI_E_DECODE && !users);
	CHECK(strstr(err.message, "JSON null") != NULL);
	socapi_session_free(s);
}

/* Request bodies with a password, a client secret, a refresh token or an
 * access token, and a token endpoint's answer, are wiped before they are
 * freed (the scanning allocator looks into every block socapi frees). */
static void test_secrets_wiped(void)
{
	struct socapi_error err;
	static const char password[] = "Wipe-Me-Passw0rd", client_secret[] = "3dad9cbf9baaa0360c0f2ba372d25716",
	                  refresh[] = "0123456789abcdef0123456789abcdef", vk_token[] = "vk1.a.emuIvanFixedUserToken0001";
	const char *secrets[] = {password, client_secret, refresh, vk_token, NULL};
	memcpy(secrets_to_find, secrets, sizeof secrets);
	secrets_found = 0;
	CHECK_OK(socapi_global_init(&scanning_allocator, &err), err);
	struct socapi_mailru_app app = {.app_id = "423004", .secret_key = client_secret,
	                                .token_url = url("/mailru/oauth/token")};
	struct socapi_token *tok = NULL;
	CHECK(socapi_mailru_grant_password(&app, NULL, "ivan@mail.ru", password, NULL, &tok, &err) ==
	      SOCAPI_E_AUTH); /* refused, but the password went out in the body */
	CHECK_OK(socapi_mailru_grant_refresh(&app, NULL, refresh, &tok, &err), err); /* the answer repeats it */
	CHECK(tok && tok->refresh_token && strcmp(tok->refresh_token, refresh) == 0);
	socapi_token_free(tok);
	struct socapi_vk_credentials cred = {.access_token = vk_token, .api_url = url("/vk/method")};
	struct socapi_session *s = NULL;
	CHECK_OK(socapi_vk_session_new(&cred, NULL, &s, &err), err);
	struct vk_users_user_full_list *users = NULL;
	CHECK_OK(vk_users_get(s, NULL, &users, &err), err);
	socapi_free(users);
	socapi_session_free(s);
	CHECK(secrets_found == 0);
	CHECK_OK(socapi_global_init(&poisoning_allocator, &err), err);
}

int main(void)
{
	struct socapi_error err;
	if (!emulator_start(&emu))
		return 1;
	CHECK_OK(socapi_global_init(&poisoning_allocator, &err), err);
	test_vk_empty_request_params();
	test_empty_login_page();
	test_implicit_grant_without_cookies();
	test_form_without_fields_logged();
	test_token_endpoint_redirect();
	test_null_body();
	test_secrets_wiped();
	socapi_global_cleanup();
	emulator_stop(&emu);
	return check_summary();
}
