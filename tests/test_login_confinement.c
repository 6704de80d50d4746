/*
 * test_login_confinement.c - the implicit grants' login walker keeps the
 * login where it belongs: a form or redirect to another host, or from https
 * down to http, fails before anything is sent there (the emulator's trap
 * counts arrivals); password fields are redacted in logs whatever their
 * name; logged URLs carry no query or fragment.
 */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "emulator_harness.h"

#include <socapi/mailru.h>
#include <socapi/ok.h>
#include <socapi/vk.h>
#include <stdlib.h>

#define PASSWORD "S3cretPassw0rd"  /* nobody's: the hostile walks fail before it matters */

static struct emulator emu;
static char cert_file[64];
static char trap_url[128];  /* the emulator's trap under another host name: localhost */

static char *url(const char *base, const char *path)
{
	static char buf[4][256];
	static int next;
	char *u = buf[next++ % 4];
	snprintf(u, sizeof buf[0], "%s%s", base, path);
	return u;
}

static void fault(const char *path, const char *kind, const char *location)
{
	char json[512];
	snprintf(json, sizeof json, "{\"path\": \"%s\", \"fault\": \"%s\", \"location\": \"%s\"}", path, kind,
	         location);
	CHECK(emulator_control(&emu, "faults", json));
}

static void reset(void)
{
	CHECK(emulator_control(&emu, "reset", NULL));
}

/* Runs one platform's implicit grant against base (the plain or TLS emulator). */
static enum socapi_status grant(char platform, const char *base, const char *password,
                                const struct socapi_options *opts, struct socapi_error *err)
{
	struct socapi_token *tok = NULL;
	enum socapi_status st;
	if (platform == 'v') {
		struct socapi_vk_app app = {.client_id = "51234567", .authorize_url = url(base, "/vk/oauth/authorize")};
		st = socapi_vk_grant_implicit(&app, opts, "ivan@vk.ru", password, NULL, NULL, &tok, err);
	} else if (platform == 'o') {
		struct socapi_ok_app app = {.application_id = "1267418112", .authorize_url = url(base, "/ok/oauth/authorize")};
		st = socapi_ok_grant_implicit(&app, opts, "maria@ok.ru", password, NULL, &tok, err);
	} else {
		struct socapi_mailru_app app = {.app_id = "423004", .authorize_url = url(base, "/mailru/oauth/authorize")};
		st = socapi_mailru_grant_implicit(&app, opts, "maria@bk.ru", password, NULL, &tok, err);
	}
	CHECK((st == SOCAPI_OK) == (tok != NULL));
	socapi_token_free(tok);
	return st;
}

/* A login form that posts elsewhere, and a redirect elsewhere: refused, nothing arrives. */
static void test_other_host(void)
{
	static const struct {
		char platform;
		const char *authorize;
		const char *login_page;
	} platforms[] = {{'v', "/vk/oauth/authorize", "/vk/oauth/authorize"},
	                 {'o', "/ok/oauth/authorize", "/ok/dk"},
	                 {'m', "/mailru/oauth/authorize", "/mailru/oauth/authorize"}};
	for (size_t i = 0; i < sizeof platforms / sizeof *platforms; i++) {
		struct socapi_error err;
		reset();
		fault(platforms[i].login_page, "hostile_form", trap_url);
		CHECK(grant(platforms[i].platform, emu.base, PASSWORD, NULL, &err) == SOCAPI_E_AUTH);
		CHECK_STR(err.oauth_error, "untrusted_host");
		CHECK(strstr(err.message, "localhost") != NULL);
		reset();
		fault(platforms[i].authorize, "hostile_redirect", trap_url);
		CHECK(grant(platforms[i].platform, emu.base, PASSWORD, NULL, &err) == SOCAPI_E_AUTH);
		CHECK_STR(err.oauth_error, "untrusted_host");
		CHECK(emulator_arrivals(&emu, "/trap") == 0);
	}
	/* the trap does count what reaches it */
	struct body b;
	CHECK(http_get(trap_url, &b) == 200);
	free(b.data);
	CHECK(emulator_arrivals(&emu, "/trap") == 1);
}

/* From https (the emulator's TLS listener, trusted through ca_file) down to http: refused. */
static void test_no_downgrade(void)
{
	struct socapi_options opts = {.ca_file = cert_file};
	struct socapi_error err;
	reset();
	fault("/vk/oauth/authorize", "hostile_redirect", url(emu.base, "/trap/plain"));
	CHECK(grant('v', emu.tls_base, PASSWORD, &opts, &err) == SOCAPI_E_AUTH);
	CHECK_STR(err.oauth_error, "untrusted_host");
	CHECK(strstr(err.message, "refusing to leave https for http://127.0.0.1") != NULL);
	CHECK(emulator_arrivals(&emu, "/trap") == 0);
	/* over https to https the same walk goes on: the refusal above is the downgrade's */
	fault("/vk/oauth/authorize", "hostile_redirect",
	      SOCAPI_VK_REDIRECT_URI "#access_token=vk1.a.tls&expires_in=0&user_id=1");
	CHECK_OK(grant('v', emu.tls_base, PASSWORD, &opts, &err), err);
	CHECK(emulator_arrivals(&emu, "/vk/oauth/authorize") == 2);
}

struct log {
	char text[16384];
};

static void keep(void *ctx, enum socapi_log_level level, const char *line)
{
	(void)level;
	struct log *l = ctx;
	size_t used = strlen(l->text);
	snprintf(l->text + used, sizeof l->text - used, "%s\n", line);
}

/* The real login flows at DEBUG: the password never shows, nor a query or fragment. */
static void test_logs(void)
{
	static const struct {
		char platform;
		const char *password, *shown, *leaked;
	} platforms[] = {{'v', "secret", "pass=<redacted>", "=secret"},
	                 {'o', "secret2", "fr.password=<redacted>", "=secret2"},
	                 {'m', "secret2", "Password=<redacted>", "=secret2"}};
	for (size_t i = 0; i < sizeof platforms / sizeof *platforms; i++) {
		reset();
		struct log log = {""};
		struct socapi_options opts = {.log = keep, .log_ctx = &log, .log_level = SOCAPI_LOG_DEBUG};
		struct socapi_error err;
		CHECK_OK(grant(platforms[i].platform, emu.base, platforms[i].password, &opts, &err), err);
		CHECK(strstr(log.text, platforms[i].shown) != NULL);
		CHECK(strstr(log.text, platforms[i].leaked) == NULL);
		CHECK(strstr(log.text, "access_token") == NULL);
		/* every URL shown ends at its path */
		for (const char *p = strstr(log.text, "http://"); p; p = strstr(p + 1, "http://"))
			CHECK(p[strcspn(p, " \n?#")] != '?' && p[strcspn(p, " \n?#")] != '#');
	}
	/* a password field of any name, in a form the platform does not know */
	reset();
	char page[512];
	snprintf(page, sizeof page,
	         "{\"path\": \"/vk/oauth/authorize\", \"fault\": \"reply\", \"content_type\": \"text/html\", "
	         "\"body\": \"<form method=post action=/vk/oauth/authorize><input type=password name=pin "
	         "value=hunter2><input name=shown value=plain></form>\"}");
	CHECK(emulator_control(&emu, "faults", page));
	fault("/vk/oauth/authorize", "hostile_redirect", SOCAPI_VK_REDIRECT_URI "#access_token=vk1.a.x&user_id=1");
	struct log log = {""};
	struct socapi_options opts = {.log = keep, .log_ctx = &log, .log_level = SOCAPI_LOG_DEBUG};
	struct socapi_error err;
	CHECK_OK(grant('v', emu.base, "secret", &opts, &err), err);
	CHECK(strstr(log.text, "pin=<redacted>&shown=plain") != NULL);
	CHECK(strstr(log.text, "hunter2") == NULL);
}

int main(void)
{
	struct socapi_error err;
	if (!emulator_start_tls(&emu, cert_file))
		return 1;
	snprintf(trap_url, sizeof trap_url, "http://localhost:%d/trap/login", emu.port);
	CHECK_OK(socapi_global_init(NULL, &err), err);
	test_other_host();
	test_no_downgrade();
	test_logs();
	socapi_global_cleanup();
	emulator_stop(&emu);
	remove_tls_files(cert_file);
	return check_summary();
}
