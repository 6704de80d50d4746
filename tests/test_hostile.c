/*
 * test_hostile.c - a hostile or broken server, through the emulator's
 * faults: every scenario ends with its own status, and in bounded time
 * (generous bounds: the machine is shared). Timeouts and limits are set
 * short here so the whole file stays quick.
 */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "emulator_harness.h"

#include <socapi/vk.h>
#include <stdlib.h>
#include <time.h>
#include <vk/vk.h>

#define TIMEOUT_MS 1500L   /* the trickle's: short, so the test stays quick */
#define PATIENT_MS 10000L  /* everyone else's: a slow run (valgrind, a loaded machine) must not time out */
#define BOUND_MS 15000.0 /* "bounded": far above what any scenario takes */

static struct emulator emu;
static char cert_file[64];

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void fault(const char *path, const char *kind, const char *extra)
{
	char json[512];
	snprintf(json, sizeof json, "{\"path\": \"%s\", \"fault\": \"%s\"%s%s}", path, kind, extra ? ", " : "",
	         extra ? extra : "");
	CHECK(emulator_control(&emu, "reset", NULL));
	CHECK(emulator_control(&emu, "faults", json));
}

static struct socapi_session *session(const char *base, const struct socapi_options *opts)
{
	struct socapi_session *s = emulator_vk_session(base, opts);
	CHECK(s != NULL);
	return s;
}

/* Runs users.get (or wall.post when write) under the current fault; reports and checks it. */
static void scenario(const char *name, const char *base, const struct socapi_options *opts, bool write,
                     enum socapi_status want, int want_curl)
{
	struct socapi_options defaults = {.timeout_ms = PATIENT_MS};
	struct socapi_session *s = session(base, opts ? opts : &defaults);
	struct socapi_error err;
	double start = now_ms();
	enum socapi_status st;
	if (write) {
		struct vk_wall_post_params p = {.message = "hostile"};
		struct vk_wall_post_response *r = NULL;
		st = vk_wall_post(s, &p, &r, &err);
		CHECK(!r);
	} else {
		struct vk_users_user_full_list *users = NULL;
		st = vk_users_get(s, NULL, &users, &err);
		CHECK(!users);
	}
	double took = now_ms() - start;
	printf("%-34s %-18s curl %2d, %6.0f ms: %s\n", name, socapi_strstatus(st), err.curl_code, took,
	       err.message);
	CHECK(st == want);
	CHECK(err.curl_code == want_curl);
	CHECK(took < BOUND_MS);
	socapi_session_free(s);
}

static void test_transport_faults(void)
{
	fault("/vk/method/users.get", "short_body", NULL);
	scenario("truncated body", emu.base, NULL, false, SOCAPI_E_TRANSPORT, 18);
	fault("/vk/method/users.get", "reset_mid_body", NULL);
	scenario("reset mid-body", emu.base, NULL, false, SOCAPI_E_TRANSPORT, 56);
	fault("/vk/method/wall.post", "reset_mid_body", NULL);
	scenario("reset mid-body, a write", emu.base, NULL, true, SOCAPI_E_OUTCOME_UNKNOWN, 56);
	fault("/vk/method/users.get", "trickle", "\"delay_ms\": 1000");
	double start = now_ms();
	struct socapi_options impatient = {.timeout_ms = TIMEOUT_MS};
	scenario("1 byte a second", emu.base, &impatient, false, SOCAPI_E_TRANSPORT, 28);
	CHECK(now_ms() - start >= TIMEOUT_MS - 100); /* it was the timeout that ended it */
	fault("/vk/method/users.get", "http500", NULL);
	scenario("HTTP 500 with an HTML page", emu.base, NULL, false, SOCAPI_E_HTTP, 0);
	fault("/vk/method/users.get", "hostile_redirect", "\"location\": \"/vk/method/users.get\", \"times\": 100");
	scenario("redirect loop (API call)", emu.base, NULL, false, SOCAPI_E_HTTP, 0);
}

static void test_size_limits(void)
{
	struct socapi_options small = {.timeout_ms = 10000, .max_body = 1 << 20};
	fault("/vk/method/users.get", "oversize", "\"size\": 4194304");
	scenario("oversize body (4 MiB, limit 1 MiB)", emu.base, &small, false, SOCAPI_E_TRANSPORT, 0);
	fault("/vk/method/users.get", "gzip_bomb", "\"size\": 67108864");
	scenario("gzip bomb (64 MiB, limit 1 MiB)", emu.base, &small, false, SOCAPI_E_TRANSPORT, 0);
}

static void test_tls(void)
{
	CHECK(emulator_control(&emu, "reset", NULL));
	scenario("self-signed TLS", emu.tls_base, NULL, false, SOCAPI_E_TRANSPORT, 60);
	/* the same listener, trusted through ca_file: the refusal was the certificate's */
	struct socapi_options trusted = {.timeout_ms = PATIENT_MS, .ca_file = cert_file};
	struct socapi_session *s = session(emu.tls_base, &trusted);
	struct socapi_error err;
	struct vk_users_user_full_list *users = NULL;
	CHECK_OK(vk_users_get(s, NULL, &users, &err), err);
	socapi_free(users);
	socapi_session_free(s);
}

/* The login walker: a redirect loop ends after its step limit, a cookie flood is survived. */
static void test_login_walker(void)
{
	char authorize[128];
	snprintf(authorize, sizeof authorize, "%s/vk/oauth/authorize", emu.base);
	struct socapi_vk_app app = {.client_id = "51234567", .authorize_url = authorize};
	struct socapi_options opts = {.timeout_ms = PATIENT_MS};
	struct socapi_token *tok = NULL;
	struct socapi_error err;
	fault("/vk/oauth/authorize", "hostile_redirect", "\"location\": \"/vk/oauth/authorize?again=1\", \"times\": 100");
	double start = now_ms();
	enum socapi_status st = socapi_vk_grant_implicit(&app, &opts, "ivan@vk.ru", "secret", NULL, NULL, &tok, &err);
	double took = now_ms() - start;
	printf("%-34s %-18s %6.0f ms: %s\n", "redirect loop (login)", socapi_strstatus(st), took, err.message);
	CHECK(st == SOCAPI_E_AUTH && !tok && took < BOUND_MS);
	CHECK(strstr(err.message, "too many") != NULL);
	CHECK(emulator_arrivals(&emu, "/vk/oauth/authorize") == 16);

	fault("/vk/oauth/authorize", "cookie_flood", "\"size\": 1000");
	start = now_ms();
	st = socapi_vk_grant_implicit(&app, &opts, "ivan@vk.ru", "secret", NULL, NULL, &tok, &err);
	took = now_ms() - start;
	size_t cookies = 0;
	for (const char *c = tok && tok->cookies ? tok->cookies : ""; (c = strchr(c, '\n')); c++)
		cookies++;
	printf("%-34s %-18s %6.0f ms: %zu cookies kept of 1000 sent\n", "cookie flood (1000 Set-Cookie)",
	       socapi_strstatus(st), took, cookies);
	CHECK(st == SOCAPI_OK && tok && took < BOUND_MS);
	CHECK(cookies > 0 && cookies < 1000); /* libcurl takes at most 50 a response */
	socapi_token_free(tok);
}

int main(void)
{
	struct socapi_error err;
	if (!emulator_start_tls(&emu, cert_file))
		return 1;
	CHECK_OK(socapi_global_init(NULL, &err), err);
	test_transport_faults();
	test_size_limits();
	test_tls();
	test_login_walker();
	socapi_global_cleanup();
	emulator_stop(&emu);
	remove_tls_files(cert_file);
	return check_summary();
}
