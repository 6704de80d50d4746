/*
 * mailru_emulator_common.h - what the Mail.Ru end-to-end tests
 * (test_mailru_circuits.c, test_mailru_calls.c, test_mailru_oauth.c) share:
 * the emulator's fixed accounts and keys, a log collector, sessions and apps
 * pointing at the emulator, and the start and stop around the tests.
 * Included by one test file each (check.h counts per file); the functions are
 * static inline because each file uses only some of them.
 */
#ifndef SOCAPI_TEST_MAILRU_EMULATOR_COMMON_H
#define SOCAPI_TEST_MAILRU_EMULATOR_COMMON_H

#include "check.h"
#include "emulator_harness.h"

#include <signal.h>
#include <mailru/mailru.h>
#include <socapi/mailru.h>
#include <stdlib.h>

#define APP_ID "423004"
#define DEV_APP_ID "423005"
#define PRIVATE_KEY "7815696ecbf1c96e6894b779456d330e"
#define SECRET_KEY "3dad9cbf9baaa0360c0f2ba372d25716"
#define SESSION_KEY "be6ef89965d58e56dec21acb9b62bdaa"
#define IVAN "15410773191172635989"
#define IVAN_U 15410773191172635989ULL
#define MARIA "1324730981306483817"
#define MARIA_U 1324730981306483817ULL

static struct emulator emu;
static char api_url[128], token_url[128], authorize_url[128];

#define MAX_LINES 4096

struct log {
	char *lines[MAX_LINES];
	size_t n;
};

static inline void collect(void *ctx, enum socapi_log_level level, const char *line)
{
	(void)level;
	struct log *l = ctx;
	if (l->n < MAX_LINES)
		l->lines[l->n++] = strdup(line);
}

static inline void log_clear(struct log *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->lines[i]);
	l->n = 0;
}

/* The number of collected lines containing needle. */
static inline size_t log_count(const struct log *l, const char *needle)
{
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++)
		if (l->lines[i] && strstr(l->lines[i], needle))
			n++;
	return n;
}

static inline struct socapi_options log_opts(struct log *l, enum socapi_log_level level)
{
	struct socapi_options o = SOCAPI_OPTIONS_INIT;
	o.log = collect;
	o.log_ctx = l;
	o.log_level = level;
	return o;
}

static inline struct socapi_session *open_session(const char *uid, const char *private_key,
                                           const char *secret_key, const char *session_key,
                                           enum socapi_mailru_circuit circuit,
                                           const struct socapi_options *opts)
{
	struct socapi_mailru_credentials cred = {
		.app_id = APP_ID, .private_key = private_key, .secret_key = secret_key,
		.session_key = session_key, .uid = uid, .circuit = circuit, .api_url = api_url,
	};
	struct socapi_session *s = NULL;
	struct socapi_error err;
	CHECK_OK(socapi_mailru_session_new(&cred, opts, &s, &err), err);
	CHECK(s != NULL);
	return s;
}

static inline struct socapi_session *client_session(const struct socapi_options *opts)
{
	return open_session(IVAN, PRIVATE_KEY, NULL, SESSION_KEY, SOCAPI_MAILRU_CIRCUIT_AUTO, opts);
}

static inline struct socapi_mailru_app emulator_app(const char *app_id, const char *secret)
{
	struct socapi_mailru_app app = {
		.app_id = app_id, .secret_key = secret, .token_url = token_url,
		.code_token_url = token_url, .authorize_url = authorize_url,
	};
	return app;
}

/* users.getInfo of the session's user: true when it is Иван Петров. */
static inline bool get_info_is_ivan(struct socapi_session *s, struct socapi_error *err)
{
	struct mailru_user_list *users = NULL;
	enum socapi_status st = mailru_users_get_info(s, NULL, &users, err);
	bool ok = st == SOCAPI_OK && users && users->n_items == 1 && users->items[0].has_uid &&
	          users->items[0].uid == IVAN_U && users->items[0].first_name &&
	          strcmp(users->items[0].first_name, "Иван") == 0;
	if (st != SOCAPI_OK)
		fprintf(stderr, "users.getInfo: %s: %s\n", socapi_strstatus(st), err->message);
	socapi_free(users);
	return ok;
}

/* A crash must not leave the emulator running (it holds ctest's output pipe). */
static inline void on_fatal(int sig)
{
	if (emu.pid > 0)
		kill(emu.pid, SIGTERM);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Sanitizer reports end the process with _exit: stop the emulator there too. */
#if defined(__GNUC__) || defined(__clang__)
extern void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

static inline void on_sanitizer_death(void)
{
	if (emu.pid > 0)
		kill(emu.pid, SIGTERM);
}
#endif

/* Starts socapi and the emulator and points the URLs at it; false (with a message) on failure. */
static inline bool mailru_emulator_begin(void)
{
	struct socapi_error err;
	if (socapi_global_init(NULL, &err) != SOCAPI_OK) {
		fprintf(stderr, "socapi_global_init: %s\n", err.message);
		return false;
	}
	if (!emulator_start(&emu)) {
		fprintf(stderr, "cannot start the emulator\n");
		socapi_global_cleanup();
		return false;
	}
	signal(SIGSEGV, on_fatal);
	signal(SIGABRT, on_fatal);
	signal(SIGBUS, on_fatal);
	signal(SIGFPE, on_fatal);
	signal(SIGILL, on_fatal);
	signal(SIGINT, on_fatal);
	signal(SIGTERM, on_fatal);
#if defined(__GNUC__) || defined(__clang__)
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(on_sanitizer_death);
#endif
	snprintf(api_url, sizeof api_url, "%s/mailru/platform/api", emu.base);
	snprintf(token_url, sizeof token_url, "%s/mailru/oauth/token", emu.base);
	snprintf(authorize_url, sizeof authorize_url, "%s/mailru/oauth/authorize", emu.base);
	return true;
}

/* Stops the emulator and socapi; the exit status of the test program. */
static inline int mailru_emulator_end(void)
{
	emulator_stop(&emu);
	socapi_global_cleanup();
	return check_summary();
}

#endif
