/*
 * test_writes.c - no write runs twice unknowingly. Against the emulator's
 * close_reused fault (a request on a kept-alive connection is read, run,
 * and the connection closed unanswered: what makes libcurl resend silently)
 * every write call arrives exactly once, sequentially, in a batch and as a
 * multipart upload; its outcome is SOCAPI_OK or SOCAPI_E_OUTCOME_UNKNOWN,
 * never retried. Reads are still resent. Dedup keys (VK random_id, guid)
 * are filled in, kept through retries, and make a caller's resend harmless.
 */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "emulator_harness.h"

#include <mailru/mailru.h>
#include <socapi/mailru.h>
#include <socapi/vk.h>
#include <stdlib.h>
#include <vk/vk.h>

#define VK_TOKEN "vk1.a.emuIvanFixedUserToken0001"
#define CALLS 5

static struct emulator emu;
static char vk_api[128], mailru_api[128];

static void control(const char *what, const char *json)
{
	CHECK(emulator_control(&emu, what, json));
}

/* Every request after the first on a connection is read, run and left unanswered. */
static void close_reused(const char *path, const char *method)
{
	char json[256];
	snprintf(json, sizeof json,
	         "{\"path\": \"%s\", \"method\": %s%s%s, \"fault\": \"close_reused\", \"times\": 1000}", path,
	         method ? "\"" : "", method ? method : "null", method ? "\"" : "");
	control("reset", NULL);
	control("faults", json);
}

static struct socapi_session *vk_session(const struct socapi_options *opts)
{
	struct socapi_vk_credentials cred = {.access_token = VK_TOKEN, .api_url = vk_api};
	struct socapi_session *s = NULL;
	struct socapi_error err;
	CHECK_OK(socapi_vk_session_new(&cred, opts, &s, &err), err);
	return s;
}

/* Tallies outcomes: each must be OK or "unknown", and say so. */
struct tally {
	int ok, unknown;
};

static void count(struct tally *t, enum socapi_status st, const struct socapi_error *err)
{
	CHECK(st == SOCAPI_OK || st == SOCAPI_E_OUTCOME_UNKNOWN);
	CHECK(err->status == st);
	t->ok += st == SOCAPI_OK;
	if (st == SOCAPI_E_OUTCOME_UNKNOWN) {
		t->unknown++;
		CHECK(strstr(err->message, "may or may not have taken effect") != NULL);
	}
}

static void test_sequential_writes(void)
{
	struct socapi_error err;
	close_reused("/vk/method/wall.post", NULL);
	struct socapi_session *s = vk_session(NULL);
	struct tally t = {0};
	for (int i = 0; i < CALLS; i++) {
		struct vk_wall_post_params p = {.message = "once"};
		struct vk_wall_post_response *r = NULL;
		count(&t, vk_wall_post(s, &p, &r, &err), &err);
		socapi_free(r);
	}
	long arrived = emulator_arrivals(&emu, "/vk/method/wall.post");
	printf("VK wall.post, %d sequential calls: %ld arrivals, %d ok, %d outcome unknown\n", CALLS, arrived,
	       t.ok, t.unknown);
	CHECK(arrived == CALLS);
	CHECK(t.unknown > 0); /* the fault did bite */
	socapi_session_free(s);

	close_reused("/mailru/platform/api", "stream.post");
	struct socapi_mailru_credentials cred = {.app_id = "423004",
	                                         .secret_key = "3dad9cbf9baaa0360c0f2ba372d25716",
	                                         .session_key = "be6ef89965d58e56dec21acb9b62bdaa",
	                                         .api_url = mailru_api};
	CHECK_OK(socapi_mailru_session_new(&cred, NULL, &s, &err), err);
	t = (struct tally){0};
	for (int i = 0; i < CALLS; i++) {
		struct mailru_stream_post_params p = {.text = "once"};
		int64_t id = 0;
		count(&t, mailru_stream_post(s, &p, &id, &err), &err);
	}
	/* the fault counts only stream.post: the other calls carry other methods */
	arrived = emulator_arrivals(&emu, "/mailru/platform/api");
	printf("Mail.Ru stream.post, %d sequential calls: %ld arrivals, %d ok, %d outcome unknown\n", CALLS,
	       arrived, t.ok, t.unknown);
	CHECK(arrived == CALLS && t.unknown > 0);

	/* a multipart write: photos.upload with the image in memory */
	close_reused("/mailru/platform/api", "photos.upload");
	static const unsigned char gif[] = "GIF89a\1\0\1\0\0\0\0;";
	struct socapi_file image = {.data = gif, .size = sizeof gif - 1, .filename = "pixel.gif",
	                            .content_type = "image/gif"};
	t = (struct tally){0};
	for (int i = 0; i < CALLS; i++) {
		struct mailru_photos_upload_params p = {.img_file = &image, .aid = "album1"};
		struct mailru_photo *photo = NULL;
		count(&t, mailru_photos_upload(s, &p, &photo, &err), &err);
		socapi_free(photo);
	}
	arrived = emulator_arrivals(&emu, "/mailru/platform/api");
	printf("Mail.Ru photos.upload (multipart), %d sequential calls: %ld arrivals, %d ok, %d outcome unknown\n",
	       CALLS, arrived, t.ok, t.unknown);
	CHECK(arrived == CALLS && t.unknown > 0);
	socapi_session_free(s);
}

static void test_batch_writes(void)
{
	struct socapi_error err, e[2 * CALLS];
	close_reused("/vk/method/wall.post", NULL);
	struct socapi_session *a = vk_session(NULL), *b = vk_session(NULL);
	struct socapi_batch *batch = NULL;
	CHECK_OK(socapi_batch_new(&batch, &err), err);
	struct vk_wall_post_params p = {.message = "batched once"};
	struct vk_wall_post_response *r[2 * CALLS] = {0};
	for (int i = 0; i < 2 * CALLS; i++)
		CHECK_OK(socapi_batch_add(batch, i % 2 ? a : b, &vk_wall_post_method, &p, &r[i], &e[i], &err), err);
	CHECK_OK(socapi_batch_run(batch, &err), err);
	struct tally t = {0};
	for (int i = 0; i < 2 * CALLS; i++) {
		count(&t, e[i].status, &e[i]);
		CHECK((e[i].status == SOCAPI_OK) == (r[i] != NULL));
		socapi_free(r[i]);
	}
	long arrived = emulator_arrivals(&emu, "/vk/method/wall.post");
	printf("VK wall.post, socapi_batch of %d on 2 sessions: %ld arrivals, %d ok, %d outcome unknown\n",
	       2 * CALLS, arrived, t.ok, t.unknown);
	CHECK(arrived == 2 * CALLS && t.unknown > 0);
	socapi_batch_free(batch);
	socapi_session_free(a);
	socapi_session_free(b);
}

/* A read is still sent again on a fresh connection, as libcurl does. */
static void test_reads_are_resent(void)
{
	struct socapi_error err;
	close_reused("/vk/method/users.get", NULL);
	struct socapi_session *s = vk_session(NULL);
	for (int i = 0; i < 3; i++) {
		struct vk_users_user_full_list *users = NULL;
		CHECK_OK(vk_users_get(s, NULL, &users, &err), err);
		socapi_free(users);
	}
	CHECK(emulator_arrivals(&emu, "/vk/method/users.get") == 5); /* 1, then 2 and 2 */
	socapi_session_free(s);
}

struct keys {
	char seen[4][32];
	int n;
};

/* Keeps the random_id of every messages.send the DEBUG log shows. */
static void keep_random_id(void *ctx, enum socapi_log_level level, const char *line)
{
	struct keys *k = ctx;
	const char *p = level == SOCAPI_LOG_DEBUG && strstr(line, "/messages.send ") ? strstr(line, "random_id=")
	                                                                              : NULL;
	if (p && k->n < 4)
		snprintf(k->seen[k->n++], sizeof k->seen[0], "%.*s", (int)strcspn(p + 10, "&"), p + 10);
}

static bool solve(void *ctx, const char *sid, const char *img, char *key, size_t size)
{
	(void)ctx;
	(void)img;
	snprintf(key, size, "%s", sid + strlen(sid) - 4);
	return true;
}

static void test_dedup_keys(void)
{
	struct socapi_error err;
	control("reset", NULL);
	/* filled in, and the same through a captcha retry */
	control("vk/captcha", "{\"method\": \"messages.send\", \"times\": 1}");
	struct keys keys = {0};
	struct socapi_options opts = {.log = keep_random_id, .log_ctx = &keys, .log_level = SOCAPI_LOG_DEBUG};
	struct socapi_vk_credentials cred = {.access_token = VK_TOKEN, .api_url = vk_api, .captcha = solve};
	struct socapi_session *s = NULL;
	CHECK_OK(socapi_vk_session_new(&cred, &opts, &s, &err), err);
	struct vk_messages_send_params m = {.has_peer_id = true, .peer_id = 172000002, .message = "hi"};
	int64_t id1 = 0, id2 = 0;
	CHECK_OK(vk_messages_send(s, &m, &id1, &err), err);
	CHECK(keys.n == 2 && atol(keys.seen[0]) > 0);
	CHECK_STR(keys.seen[1], keys.seen[0]);
	/* a second call gets a key of its own; the caller's own key is kept */
	CHECK_OK(vk_messages_send(s, &m, &id2, &err), err);
	CHECK(keys.n == 3 && strcmp(keys.seen[2], keys.seen[0]) != 0 && id2 != id1);
	m.has_random_id = true;
	m.random_id = 4242;
	CHECK_OK(vk_messages_send(s, &m, &id2, &err), err);
	CHECK(keys.n == 4);
	CHECK_STR(keys.seen[3], "4242");
	socapi_session_free(s);

	/* an outcome unknown names the guid it carried: resending with it posts nothing twice */
	close_reused("/vk/method/wall.post", NULL);
	s = vk_session(NULL);
	struct vk_wall_post_params first = {.message = "warm-up"}, p = {.message = "exactly one of these"};
	struct vk_wall_post_response *r = NULL;
	CHECK_OK(vk_wall_post(s, &first, &r, &err), err); /* the connection is now kept alive */
	socapi_free(r);
	r = NULL;
	CHECK(vk_wall_post(s, &p, &r, &err) == SOCAPI_E_OUTCOME_UNKNOWN && !r);
	const char *said = strstr(err.message, "guid=");
	char guid[40] = "";
	if (said)
		snprintf(guid, sizeof guid, "%.*s", (int)strcspn(said + 5, ":; "), said + 5);
	CHECK(strlen(guid) == 32);
	p.guid = guid;
	CHECK_OK(vk_wall_post(s, &p, &r, &err), err); /* a fresh connection: answered */
	struct vk_wall_get_params wp = {.has_count = true, .count = 100};
	struct vk_wall_get_response *wall = NULL;
	CHECK_OK(vk_wall_get(s, &wp, &wall, &err), err);
	int copies = 0;
	for (size_t i = 0; wall && i < wall->items.n_items; i++)
		copies += wall->items.items[i].text && strcmp(wall->items.items[i].text, p.message) == 0;
	CHECK(r && copies == 1);
	socapi_free(wall);
	socapi_free(r);
	socapi_session_free(s);
}

int main(void)
{
	struct socapi_error err;
	if (!emulator_start(&emu))
		return 1;
	snprintf(vk_api, sizeof vk_api, "%s/vk/method", emu.base);
	snprintf(mailru_api, sizeof mailru_api, "%s/mailru/platform/api", emu.base);
	CHECK_OK(socapi_global_init(NULL, &err), err);
	test_sequential_writes();
	test_batch_writes();
	test_reads_are_resent();
	test_dedup_keys();
	socapi_global_cleanup();
	emulator_stop(&emu);
	return check_summary();
}
