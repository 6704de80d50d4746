/*
 * test_callpath.c - the call path around the decoder, against the bundled
 * emulator: the batch's kept connections, its per-session order and waits.
 */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "emulator_harness.h"

#include <socapi/vk.h>
#include <stdlib.h>
#include <string.h>
#include <vk/vk.h>

#define TOKEN "vk1.a.emuIvanFixedUserToken0001"
#define GROUP_TOKEN "vk1.a.emuGroup200002Token" /* another rate limit than TOKEN's */

static struct emulator emu;
static char api_url[128];

/* ---- against the emulator ---- */

static struct socapi_session *token_session(const char *token, const struct socapi_options *opts)
{
	struct socapi_vk_credentials cred = {.access_token = token, .api_url = api_url};
	struct socapi_session *s = NULL;
	struct socapi_error err;
	CHECK_OK(socapi_vk_session_new(&cred, opts, &s, &err), err);
	return s;
}

static struct socapi_session *vk_session(const struct socapi_options *opts)
{
	return token_session(TOKEN, opts);
}

/* The emulator's count of accepted connections, this request's own included. */
static long connections_seen(void)
{
	char url[160];
	snprintf(url, sizeof url, "%s/_emulator/stats", emu.base);
	struct body b = {0};
	long status = http_get(url, &b);
	const char *at = b.data ? strstr(b.data, "\"connections\"") : NULL;
	at = at ? strchr(at, ':') : NULL;
	long n = status == 200 && at ? strtol(at + 1, NULL, 10) : -1;
	free(b.data);
	return n;
}

/* Four sessions, two calls each, three runs: the connections of the first
 * run serve the others (before, every call opened its own). */
static void test_batch_keeps_connections(void)
{
	struct socapi_error err, e[8];
	CHECK(emulator_control(&emu, "reset", NULL));
	struct socapi_session *s[4];
	for (int i = 0; i < 4; i++)
		s[i] = vk_session(NULL);
	struct socapi_batch *batch = NULL;
	CHECK_OK(socapi_batch_new(&batch, &err), err);
	long seen[4];
	seen[0] = connections_seen();
	for (int run = 1; run <= 3; run++) {
		int64_t times[8] = {0};
		for (int i = 0; i < 8; i++)
			CHECK_OK(socapi_batch_add(batch, s[i % 4], &vk_utils_get_server_time_method, NULL,
			                          &times[i], &e[i], &err), err);
		CHECK_OK(socapi_batch_run(batch, &err), err);
		for (int i = 0; i < 8; i++)
			CHECK(e[i].status == SOCAPI_OK && times[i] > 1600000000);
		seen[run] = connections_seen();
	}
	/* each count includes its own request's connection */
	CHECK(seen[0] >= 1 && seen[1] - seen[0] >= 2 && seen[1] - seen[0] <= 5);
	CHECK(seen[2] - seen[1] == 1 && seen[3] - seen[2] == 1);
	/* a session's own calls still work between runs */
	int64_t now = 0;
	CHECK_OK(vk_utils_get_server_time(s[0], &now, &err), err);
	socapi_batch_free(batch);
	for (int i = 0; i < 4; i++)
		socapi_session_free(s[i]);
}

/* Thirty posts over three sessions in one run: each session's land in the
 * order added, all the others' calls interleave. */
static void test_batch_order_per_session(void)
{
	enum { SESSIONS = 3, PER_SESSION = 10 };
	struct socapi_error err, e[SESSIONS * PER_SESSION];
	CHECK(emulator_control(&emu, "reset", NULL));
	struct socapi_session *s[SESSIONS];
	for (int i = 0; i < SESSIONS; i++)
		s[i] = vk_session(NULL);
	struct socapi_batch *batch = NULL;
	CHECK_OK(socapi_batch_new(&batch, &err), err);
	struct vk_wall_post_params wp[SESSIONS * PER_SESSION];
	struct vk_wall_post_response *posted[SESSIONS * PER_SESSION];
	char messages[SESSIONS * PER_SESSION][32];
	for (int i = 0; i < SESSIONS * PER_SESSION; i++) {
		snprintf(messages[i], sizeof messages[i], "post %d", i);
		wp[i] = (struct vk_wall_post_params){.message = messages[i]};
		CHECK_OK(socapi_batch_add(batch, s[i % SESSIONS], &vk_wall_post_method, &wp[i], &posted[i], &e[i],
		                          &err), err);
	}
	CHECK_OK(socapi_batch_run(batch, &err), err);
	for (int i = 0; i < SESSIONS * PER_SESSION; i++) {
		CHECK_OK(e[i].status, e[i]);
		if (i >= SESSIONS && posted[i] && posted[i - SESSIONS])
			CHECK(posted[i]->post_id > posted[i - SESSIONS]->post_id);
	}
	for (int i = 0; i < SESSIONS * PER_SESSION; i++)
		socapi_free(posted[i]);
	socapi_batch_free(batch);
	for (int i = 0; i < SESSIONS; i++)
		socapi_session_free(s[i]);
}

static int too_many;

static bool count_too_many(void *ctx, const struct socapi_error *err, struct socapi_retry *retry)
{
	(void)ctx;
	(void)err;
	(void)retry;
	too_many++;
	return false;
}

struct inside {
	struct socapi_batch *batch;     /* the running batch the handler tries to add to */
	struct socapi_session *session; /* the session the handler calls on, or NULL */
	enum socapi_status add_status;
	enum socapi_status call_status;
	int64_t time;
};

/* An error handler that queues on the running batch or calls on its own
 * session, then asks for one retry. */
static bool call_from_handler(void *ctx, const struct socapi_error *err, struct socapi_retry *retry)
{
	(void)err;
	struct inside *in = ctx;
	int64_t unused = 0;
	struct socapi_error e, call_err;
	if (in->batch)
		in->add_status = socapi_batch_add(in->batch, in->session, &vk_utils_get_server_time_method,
		                                  NULL, &unused, &call_err, &e);
	else
		in->call_status = vk_utils_get_server_time(in->session, &in->time, &e);
	return socapi_retry_attempt(retry) == 1;
}

static bool fail_members_once(void)
{
	return emulator_control(&emu, "faults", "{\"path\": \"/vk/method\", \"fault\": \"api_error\", "
	                                        "\"code\": 5, \"method\": \"groups.getMembers\"}");
}

/* A rate-limited session's calls wait in a run while another session's go;
 * a handler may not add to the running batch. */
static void test_batch_waits_and_handlers(void)
{
	struct socapi_error err, e[6];
	CHECK(emulator_control(&emu, "reset", NULL));
	CHECK(emulator_control(&emu, "vk/rate_limit", "{\"user\": 2, \"group\": 20}"));
	struct socapi_session *slow = vk_session(NULL), *other = token_session(GROUP_TOKEN, NULL);
	socapi_session_set_rate_limit(slow, 2);
	CHECK_OK(socapi_session_on_error(slow, 6, count_too_many, NULL, &err), err);
	struct socapi_batch *batch = NULL;
	CHECK_OK(socapi_batch_new(&batch, &err), err);
	int64_t times[5] = {0};
	for (int i = 0; i < 5; i++)
		CHECK_OK(socapi_batch_add(batch, slow, &vk_utils_get_server_time_method, NULL, &times[i], &e[i],
		                          &err), err);
	struct inside in = {batch, other, SOCAPI_OK, SOCAPI_OK, 0};
	CHECK_OK(socapi_session_on_error(other, 5, call_from_handler, &in, &err), err);
	CHECK(fail_members_once());
	struct vk_groups_get_members_params gm = {.group_id = "200002"};
	struct vk_groups_get_members_response *members = NULL;
	CHECK_OK(socapi_batch_add(batch, other, &vk_groups_get_members_method, &gm, &members, &e[5], &err),
	         err);
	CHECK_OK(socapi_batch_run(batch, &err), err);
	for (int i = 0; i < 6; i++)
		CHECK_OK(e[i].status, e[i]);
	CHECK(too_many == 0 && times[4] > 1600000000 && members && members->count > 0);
	CHECK(in.add_status == SOCAPI_E_ARG);
	socapi_free(members);
	socapi_batch_free(batch);
	CHECK(emulator_control(&emu, "vk/rate_limit", "{\"user\": 0, \"group\": 0}"));

	/* a handler's own call on the session, inside that session's call */
	members = NULL;
	in = (struct inside){NULL, other, SOCAPI_OK, SOCAPI_E_ARG, 0};
	CHECK(fail_members_once());
	CHECK_OK(vk_groups_get_members(other, &gm, &members, &err), err);
	CHECK(members && members->count > 0 && in.call_status == SOCAPI_OK && in.time > 1600000000);
	socapi_free(members);
	socapi_session_free(slow);
	socapi_session_free(other);
}

int main(void)
{
	struct socapi_error err;
	if (socapi_global_init(NULL, &err) != SOCAPI_OK || !emulator_start(&emu))
		return 1;
	snprintf(api_url, sizeof api_url, "%s/vk/method", emu.base);
	test_batch_keeps_connections();
	test_batch_order_per_session();
	test_batch_waits_and_handlers();
	emulator_stop(&emu);
	socapi_global_cleanup();
	return check_summary();
}
