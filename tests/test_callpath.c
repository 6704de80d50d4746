/*
 * test_callpath.c - the call path around the decoder: what each call
 * reuses from its session (parameter lists, the form body, the MD5), the
 * form encoding, and against the bundled emulator the batch's kept
 * connections, its per-session order and waits, bodies released as soon as
 * their call is decoded and sized from Content-Length.
 */
#define _POSIX_C_SOURCE 200809L
#include "../runtime/src/internal.h"
#include "check.h"
#include "emulator_harness.h"

#include <ok/ok.h>
#include <socapi/vk.h>
#include <stdlib.h>
#include <vk/vk.h>

#define TOKEN "vk1.a.emuIvanFixedUserToken0001"
#define GROUP_TOKEN "vk1.a.emuGroup200002Token" /* another rate limit than TOKEN's */

static struct emulator emu;
static char api_url[128];

/* ---- unit: encoding, parameter lists, signatures ---- */

/* Every byte: RFC 3986 unreserved characters as they are, the rest %XX. */
static void test_form_encoding(void)
{
	char all[256];
	for (int i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	all[255] = '\0';
	struct pairs p = {0};
	CHECK(pairs_add(&p, "k y", all));
	struct buf got = {0}, want = {0};
	pairs_form_encode(&p, &got);
	buf_puts(&want, "k%20y=");
	for (int i = 1; i < 256; i++) {
		bool plain = (i >= 'a' && i <= 'z') || (i >= 'A' && i <= 'Z') || (i >= '0' && i <= '9') ||
		             i == '-' || i == '_' || i == '.' || i == '~';
		if (plain)
			buf_append(&want, (char[]){(char)i}, 1);
		else
			buf_printf(&want, "%%%02X", i);
	}
	CHECK(!got.failed && got.len == want.len);
	CHECK_STR(got.data, want.data);
	/* a reused buffer starts over */
	buf_clear(&got);
	pairs_form_encode(&p, &got);
	CHECK_STR(got.data, want.data);
	buf_release(&got);
	buf_release(&want);
	pairs_release(&p);
}

/* Names and values outgrow the first block; replaced values read right;
 * a cleared list is empty and takes new pairs in the same memory. */
static void test_pairs_reuse(void)
{
	struct pairs p = {0};
	char name[32], value[600];
	memset(value, 'v', sizeof value - 1);
	value[sizeof value - 1] = '\0';
	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof name, "name%d", i);
		value[i] = 'x';
		CHECK(pairs_add(&p, name, value));
	}
	CHECK(p.n == 100 && strlen(pairs_get(&p, "name99")) == sizeof value - 1);
	CHECK(pairs_get(&p, "name0")[0] == 'x' && pairs_get(&p, "name0")[1] == 'v');
	CHECK(pairs_set(&p, "name5", "five") && pairs_set(&p, "new", "one"));
	CHECK_STR(pairs_get(&p, "name5"), "five");
	CHECK_STR(pairs_get(&p, "new"), "one");
	pairs_remove(&p, "name6");
	CHECK(p.n == 100 && !pairs_get(&p, "name6"));
	struct strings_block *kept = p.strings;
	pairs_clear(&p);
	CHECK(p.n == 0 && !pairs_get(&p, "name5") && p.strings == kept);
	CHECK(pairs_add(&p, "a", "1") && pairs_add(&p, "b", "2") && p.strings == kept);
	CHECK(p.n == 2 && strcmp(pairs_get(&p, "b"), "2") == 0);
	pairs_release(&p);
	CHECK(!p.items && !p.strings && p.n == 0);
	pairs_release(&p); /* twice is harmless */
}

/* A session's MD5 gives what a one-off digest of the whole text gives, call
 * after call, also for values longer than the signing buffer. */
static void test_session_md5(void)
{
	struct md5 m = {0};
	struct pairs p = {0};
	char long_value[1500];
	memset(long_value, 'z', sizeof long_value - 1);
	long_value[sizeof long_value - 1] = '\0';
	CHECK(pairs_add(&p, "a", "1") && pairs_add(&p, "b", long_value) && pairs_add(&p, "c", "3"));
	struct buf text = {0};
	buf_printf(&text, "uida=1b=%sc=3secret", long_value);
	char want[33], sig[33], again[33], once[33];
	CHECK(md5_hex(text.data, text.len, want));
	struct socapi_error err;
	CHECK_OK(sign_sorted(&p, "uid", "secret", &m, sig, &err), err);
	CHECK_OK(sign_sorted(&p, "uid", "secret", &m, again, &err), err);
	CHECK_OK(sign_sorted(&p, "uid", "secret", NULL, once, &err), err);
	CHECK_STR(sig, want);
	CHECK_STR(again, want);
	CHECK_STR(once, want);
	const struct pairs none = {0};
	CHECK_OK(sign_sorted(&none, NULL, "k", &m, sig, &err), err);
	CHECK(md5_hex("k", 1, want));
	CHECK_STR(sig, want);
	md5_release(&m);
	md5_release(&m);
	buf_release(&text);
	pairs_release(&p);
}

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

/* A typed answer never reaches json-c; what json-c still parses (error
 * envelopes, untyped calls) goes through one tokener per session, also
 * after a body that was not JSON. */
static void test_json_c_tokener_per_session(void)
{
	struct socapi_error err;
	CHECK(emulator_control(&emu, "reset", NULL));
	struct socapi_session *s = vk_session(NULL);
	int64_t now = 0;
	CHECK_OK(vk_utils_get_server_time(s, &now, &err), err);
	CHECK(now > 1600000000 && !s->tokener);
	CHECK(emulator_control(&emu, "faults", "{\"path\": \"/vk/method\", \"fault\": \"api_error\", "
	                                       "\"code\": 5}"));
	CHECK(vk_utils_get_server_time(s, &now, &err) == SOCAPI_E_API && err.api_code == 5);
	struct json_tokener *kept = s->tokener;
	CHECK(kept != NULL);
	char *body = NULL;
	CHECK_OK(socapi_call_raw(s, "utils.getServerTime", NULL, 0, true, &body, NULL, &err), err);
	CHECK(body && strstr(body, "\"response\""));
	socapi_free(body);
	CHECK(emulator_control(&emu, "faults", "{\"path\": \"/vk/method\", \"fault\": \"truncated\"}"));
	body = NULL;
	CHECK(socapi_call_raw(s, "utils.getServerTime", NULL, 0, true, &body, NULL, &err) == SOCAPI_E_PARSE);
	CHECK(!body);
	CHECK_OK(socapi_call_raw(s, "utils.getServerTime", NULL, 0, true, &body, NULL, &err), err);
	CHECK(body && strstr(body, "\"response\""));
	socapi_free(body);
	CHECK(s->tokener == kept);
	socapi_session_free(s);
}

/* ---- bodies: one allocation of the announced size, gone once decoded ---- */

#define HEADER 16u /* keeps the caller's memory 16-byte aligned */

static size_t watched_size; /* allocations of exactly this size are counted */
static long watched_live, watched_peak, watched_made;
static size_t live_bytes; /* all allocations' */

static void note(size_t size, int delta)
{
	live_bytes = delta > 0 ? live_bytes + size : live_bytes - size;
	if (!watched_size || size != watched_size)
		return;
	watched_live += delta;
	watched_made += delta > 0;
}

static void *tracking_malloc(size_t size, void *ctx)
{
	(void)ctx;
	unsigned char *base = malloc(size + HEADER);
	if (!base)
		return NULL;
	memcpy(base, &size, sizeof size);
	note(size, 1);
	return base + HEADER;
}

static void *tracking_realloc(void *ptr, size_t size, void *ctx)
{
	if (!ptr)
		return tracking_malloc(size, ctx);
	unsigned char *base = (unsigned char *)ptr - HEADER;
	size_t old;
	memcpy(&old, base, sizeof old);
	unsigned char *grown = realloc(base, size + HEADER);
	if (!grown)
		return NULL;
	note(old, -1);
	note(size, 1);
	memcpy(grown, &size, sizeof size);
	return grown + HEADER;
}

static void tracking_free(void *ptr, void *ctx)
{
	(void)ctx;
	unsigned char *base = (unsigned char *)ptr - HEADER;
	size_t size;
	memcpy(&size, base, sizeof size);
	note(size, -1);
	free(base);
}

static const struct socapi_allocator tracking = {tracking_malloc, tracking_realloc, tracking_free, NULL};

static size_t body_len; /* from the log line of the last answer */

/* "POST <url> -> HTTP 200, N bytes": at each answer, how many bodies live. */
static void on_log(void *ctx, enum socapi_log_level level, const char *line)
{
	(void)ctx;
	(void)level;
	const char *at = strstr(line, "-> HTTP 200, ");
	if (!at)
		return;
	body_len = (size_t)strtoul(at + 13, NULL, 10);
	if (watched_live > watched_peak)
		watched_peak = watched_live;
}

static void test_bodies_released_and_sized(void)
{
	struct socapi_error err, e[4];
	CHECK_OK(socapi_global_init(&tracking, &err), err);
	CHECK(emulator_control(&emu, "reset", NULL));
	struct socapi_options opts = {.log = on_log, .log_level = SOCAPI_LOG_INFO};
	struct socapi_session *s = vk_session(&opts);
	const char *fields[] = {"city", "online", "nickname", "photo_100", "domain", "sex"};
	struct vk_friends_get_params fp = {.fields = {fields, 6}};
	struct vk_friends_get_fields_response *friends[4] = {NULL};
	/* one call tells the answer's size; it must be large to stand out */
	CHECK_OK(vk_friends_get_with_fields(s, &fp, &friends[0], &err), err);
	socapi_free(friends[0]);
	CHECK(body_len > 2000);
	watched_size = body_len + 1;
	watched_live = watched_peak = watched_made = 0;

	/* four calls on one session: each body is gone before the next arrives */
	struct socapi_batch *batch = NULL;
	CHECK_OK(socapi_batch_new(&batch, &err), err);
	for (int i = 0; i < 4; i++)
		CHECK_OK(socapi_batch_add(batch, s, &vk_friends_get_with_fields_method, &fp, &friends[i], &e[i],
		                          &err), err);
	CHECK_OK(socapi_batch_run(batch, &err), err);
	for (int i = 0; i < 4; i++) {
		CHECK_OK(e[i].status, e[i]);
		CHECK(friends[i] && friends[i]->count >= 25);
		socapi_free(friends[i]);
	}
	/* one allocation each, of the announced length and its NUL, never grown */
	CHECK(watched_made == 4 && watched_peak == 1 && watched_live == 0);

	/* the same holds for a single call */
	watched_made = watched_peak = 0;
	CHECK_OK(vk_friends_get_with_fields(s, &fp, &friends[0], &err), err);
	socapi_free(friends[0]);
	CHECK(watched_made == 1 && watched_peak == 1 && watched_live == 0);
	watched_size = 0;
	socapi_batch_free(batch);
	socapi_session_free(s);

	/* an announced length above max_body stops the transfer at the headers */
	struct socapi_options small = {.max_body = 100};
	s = vk_session(&small);
	CHECK(vk_friends_get_with_fields(s, &fp, &friends[0], &err) == SOCAPI_E_TRANSPORT && !friends[0]);
	CHECK(strstr(err.message, "larger than the 100-byte limit") != NULL);
	socapi_session_free(s);
	CHECK_OK(socapi_global_init(NULL, &err), err);
}

/* A result that outgrows its first block grows in blocks of at most
 * 256 KiB: its tail wastes one block at most, not up to half of it. */
static void test_big_result_blocks(void)
{
	enum { IDS = 100000 };
	struct socapi_error err;
	CHECK_OK(socapi_global_init(&tracking, &err), err);
	struct buf json = {0};
	buf_puts(&json, "{\"upload_url\":\"http://u/\",\"photo_ids\":[");
	for (int i = 0; i < IDS; i++)
		buf_puts(&json, i ? ",\"x\"" : "\"x\"");
	buf_puts(&json, "]}");
	CHECK(buf_terminate(&json));
	size_t before = live_bytes;
	struct ok_upload_url_reply *reply = NULL;
	CHECK_OK(ok_upload_url_reply_decode(json.data, json.len, &reply, &err), err);
	CHECK(reply && reply->photo_ids.n_items == IDS && strcmp(reply->photo_ids.items[IDS - 1], "x") == 0);
	/* what it needs: a pointer and a 16-byte string a photo id; doubling
	 * blocks held 1.8 times that */
	size_t held = live_bytes - before, needed = (size_t)IDS * (sizeof(char *) + 16);
	CHECK(held >= needed && held < needed + ((size_t)512 << 10));
	ok_upload_url_reply_free(reply);
	CHECK(live_bytes == before);
	buf_release(&json);
	CHECK_OK(socapi_global_init(NULL, &err), err);
}

int main(void)
{
	test_form_encoding();
	test_pairs_reuse();
	test_session_md5();
	test_big_result_blocks();
	struct socapi_error err;
	if (socapi_global_init(NULL, &err) != SOCAPI_OK || !emulator_start(&emu))
		return 1;
	snprintf(api_url, sizeof api_url, "%s/vk/method", emu.base);
	test_batch_keeps_connections();
	test_batch_order_per_session();
	test_batch_waits_and_handlers();
	test_json_c_tokener_per_session();
	test_bodies_released_and_sized();
	emulator_stop(&emu);
	socapi_global_cleanup();
	return check_summary();
}
