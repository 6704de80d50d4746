/*
 * test_threads.c - the thread rule socapi.h promises: distinct sessions
 * may be used from different threads at the same time. Threads of all
 * three platforms call the emulator at once, each on sessions of its own
 * (typed calls, a write with its generated dedup key, a pager, a batch,
 * a log callback, an error); each thread keeps its own results and the
 * main thread checks them after the join, so the harness shares nothing.
 * scripts/test-all.sh also runs it under ThreadSanitizer.
 */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "emulator_harness.h"

#include <mailru/mailru.h>
#include <ok/ok.h>
#include <pthread.h>
#include <socapi/mailru.h>
#include <socapi/ok.h>
#include <socapi/vk.h>
#include <stdlib.h>
#include <vk/vk.h>

#define ROUNDS 12
#define THREADS_PER_PLATFORM 2

static struct emulator emu;
static char mailru_api[128], ok_api[128], vk_api[128];

/* What one thread saw; only that thread writes it until the join. */
struct outcome {
	char platform;
	int calls, ok, right_answers;
	int log_lines, log_secrets; /* lines its session logged; lines showing a secret */
	enum socapi_status bad_token_status;
	char first_error[640];
};

static void note(struct outcome *o, enum socapi_status st, const struct socapi_error *err)
{
	o->calls++;
	o->ok += st == SOCAPI_OK;
	if (st != SOCAPI_OK && !o->first_error[0])
		snprintf(o->first_error, sizeof o->first_error, "%s: %s", socapi_strstatus(st), err->message);
}

static void count_lines(void *ctx, enum socapi_log_level level, const char *line)
{
	(void)level;
	struct outcome *o = ctx;
	o->log_lines++;
	o->log_secrets += strstr(line, "emuIvanFixedUserToken") || strstr(line, "tkn1ivan0fixed") || strstr(line, "be6ef899");
}

static void *mailru_thread(void *arg)
{
	struct outcome *o = arg;
	struct socapi_options opts = {.log = count_lines, .log_ctx = o, .log_level = SOCAPI_LOG_DEBUG};
	struct socapi_mailru_credentials cred = {.app_id = "423004",
	                                         .secret_key = "3dad9cbf9baaa0360c0f2ba372d25716",
	                                         .session_key = "be6ef89965d58e56dec21acb9b62bdaa",
	                                         .api_url = mailru_api};
	struct socapi_session *s = NULL;
	struct socapi_error err;
	enum socapi_status st = socapi_mailru_session_new(&cred, &opts, &s, &err);
	note(o, st, &err);
	for (int i = 0; s && i < ROUNDS; i++) {
		struct mailru_user_list *me = NULL;
		st = mailru_users_get_info(s, NULL, &me, &err);
		note(o, st, &err);
		o->right_answers += st == SOCAPI_OK && me->n_items == 1 && me->items[0].uid == 15410773191172635989ULL;
		socapi_free(me);
		struct socapi_uint_list *friends = NULL;
		st = mailru_friends_get(s, NULL, &friends, &err);
		note(o, st, &err);
		o->right_answers += st == SOCAPI_OK && friends->n_items > 0;
		socapi_free(friends);
	}
	struct mailru_stream_post_params post = {.text = "from a thread"};
	int64_t id = 0;
	st = s ? mailru_stream_post(s, &post, &id, &err) : SOCAPI_E_ARG;
	note(o, st, &err);
	o->right_answers += st == SOCAPI_OK && id != 0;
	socapi_session_free(s);

	cred.session_key = "not-a-session";
	s = NULL;
	if (socapi_mailru_session_new(&cred, NULL, &s, &err) == SOCAPI_OK) {
		struct mailru_user_list *me = NULL;
		o->bad_token_status = mailru_users_get_info(s, NULL, &me, &err);
		socapi_free(me);
	}
	socapi_session_free(s);
	return NULL;
}

static void *ok_thread(void *arg)
{
	struct outcome *o = arg;
	struct socapi_options opts = {.log = count_lines, .log_ctx = o, .log_level = SOCAPI_LOG_DEBUG};
	struct socapi_ok_credentials cred = {.application_key = "CBAEJBKGDIHBABABA",
	                                     .application_secret_key = "8a5c2d0e4f6b1a3c5e7d9f0b2c4e6a8d",
	                                     .access_token = "tkn1ivan0fixed0emulator0ok0000000000000000",
	                                     .session_secret_key = "5d41402abc4b2a76b9719d911017c592",
	                                     .api_url = ok_api};
	struct socapi_session *s = NULL;
	struct socapi_error err;
	enum socapi_status st = socapi_ok_session_new(&cred, &opts, &s, &err);
	note(o, st, &err);
	for (int i = 0; s && i < ROUNDS; i++) {
		struct ok_user *me = NULL;
		st = ok_users_get_current_user(s, NULL, &me, &err);
		note(o, st, &err);
		o->right_answers += st == SOCAPI_OK && me->has_uid && me->uid == 574238563453;
		socapi_free(me);
		struct socapi_int_list *friends = NULL;
		st = ok_friends_get(s, NULL, &friends, &err);
		note(o, st, &err);
		o->right_answers += st == SOCAPI_OK && friends->n_items > 0;
		socapi_free(friends);
	}
	socapi_session_free(s);

	cred.access_token = "tkn1not0a0token";
	s = NULL;
	if (socapi_ok_session_new(&cred, NULL, &s, &err) == SOCAPI_OK) {
		struct ok_user *me = NULL;
		o->bad_token_status = ok_users_get_current_user(s, NULL, &me, &err);
		socapi_free(me);
	}
	socapi_session_free(s);
	return NULL;
}

/* Иван's VK session, counted in o (a failure is said on stderr); logged into o when logged. */
static struct socapi_session *vk_session(struct outcome *o, bool logged)
{
	struct socapi_options opts = {.log = count_lines, .log_ctx = o, .log_level = SOCAPI_LOG_DEBUG};
	struct socapi_session *s = emulator_vk_session(emu.base, logged ? &opts : NULL);
	o->calls++;
	o->ok += s != NULL;
	return s;
}

static void *vk_thread(void *arg)
{
	struct outcome *o = arg;
	struct socapi_session *s = vk_session(o, true);
	struct socapi_error err;
	enum socapi_status st;
	for (int i = 0; s && i < ROUNDS; i++) {
		struct vk_users_user_full_list *me = NULL;
		st = vk_users_get(s, NULL, &me, &err);
		note(o, st, &err);
		o->right_answers += st == SOCAPI_OK && me->n_items == 1 && me->items[0].id > 0;
		socapi_free(me);
	}
	/* a write: its guid comes from the shared random generator */
	struct vk_wall_post_params post = {.message = "from a thread"};
	struct vk_wall_post_response *posted = NULL;
	st = s ? vk_wall_post(s, &post, &posted, &err) : SOCAPI_E_ARG;
	note(o, st, &err);
	o->right_answers += st == SOCAPI_OK && posted->post_id > 0;
	socapi_free(posted);

	/* a pager over the friends list, 3 a page */
	struct vk_friends_get_params fp = {.has_count = true, .count = 3};
	struct socapi_pager *pager = NULL;
	st = s ? socapi_pager_new(s, &vk_friends_get_method, &fp, &pager, &err) : SOCAPI_E_ARG;
	note(o, st, &err);
	size_t seen = 0, total = 0;
	for (bool done = false; pager && !done;) {
		struct vk_friends_get_response *page = NULL;
		st = socapi_pager_next(pager, &page, &done, &err);
		note(o, st, &err);
		if (st != SOCAPI_OK)
			break;
		seen += page ? page->items.n_items : 0;
		total = page ? (size_t)page->count : total;
		socapi_free(page);
	}
	o->right_answers += seen > 3 && seen == total;
	socapi_pager_free(pager);

	/* a batch over two more sessions of this thread's own */
	struct socapi_session *a = vk_session(o, false);
	struct socapi_session *b = vk_session(o, false);
	struct socapi_batch *batch = NULL;
	struct vk_users_user_full_list *out[6] = {0};
	struct socapi_error e[6];
	st = socapi_batch_new(&batch, &err);
	note(o, st, &err);
	for (int i = 0; batch && a && b && i < 6; i++)
		note(o, socapi_batch_add(batch, i % 2 ? a : b, &vk_users_get_method, NULL, &out[i], &e[i], &err), &err);
	if (batch && a && b) {
		note(o, socapi_batch_run(batch, &err), &err);
		for (int i = 0; i < 6; i++) {
			note(o, e[i].status, &e[i]);
			o->right_answers += out[i] && out[i]->n_items == 1;
			socapi_free(out[i]);
		}
	}
	socapi_batch_free(batch);
	socapi_session_free(a);
	socapi_session_free(b);
	socapi_session_free(s);

	struct socapi_vk_credentials bad = {.access_token = "vk1.a.notAToken", .api_url = vk_api};
	s = NULL;
	if (socapi_vk_session_new(&bad, NULL, &s, &err) == SOCAPI_OK) {
		struct vk_users_user_full_list *me = NULL;
		o->bad_token_status = vk_users_get(s, NULL, &me, &err);
		socapi_free(me);
	}
	socapi_session_free(s);
	return NULL;
}

/* Right answers each thread must count, by platform. */
static int expected_answers(char platform)
{
	switch (platform) {
	case 'm': return 2 * ROUNDS + 1;
	case 'o': return 2 * ROUNDS;
	default: return ROUNDS + 1 + 1 + 6;
	}
}

int main(void)
{
	struct socapi_error err;
	if (!emulator_start(&emu))
		return 1;
	snprintf(mailru_api, sizeof mailru_api, "%s/mailru/platform/api", emu.base);
	snprintf(ok_api, sizeof ok_api, "%s/ok/fb.do", emu.base);
	snprintf(vk_api, sizeof vk_api, "%s/vk/method", emu.base);
	CHECK_OK(socapi_global_init(NULL, &err), err);

	enum { N = 3 * THREADS_PER_PLATFORM };
	pthread_t threads[N];
	struct outcome outcomes[N];
	void *(*run[3])(void *) = {mailru_thread, ok_thread, vk_thread};
	const char platforms[3] = {'m', 'o', 'v'};
	for (int i = 0; i < N; i++) {
		outcomes[i] = (struct outcome){.platform = platforms[i % 3]};
		CHECK(pthread_create(&threads[i], NULL, run[i % 3], &outcomes[i]) == 0);
	}
	for (int i = 0; i < N; i++)
		CHECK(pthread_join(threads[i], NULL) == 0);

	for (int i = 0; i < N; i++) {
		const struct outcome *o = &outcomes[i];
		printf("thread %d (%c): %d calls, %d ok, %d right answers, %d log lines\n", i, o->platform, o->calls,
		       o->ok, o->right_answers, o->log_lines);
		if (o->first_error[0])
			fprintf(stderr, "thread %d: %s\n", i, o->first_error);
		CHECK(o->calls > 0 && o->ok == o->calls);
		CHECK(o->right_answers == expected_answers(o->platform));
		CHECK(o->log_lines > 0 && o->log_secrets == 0);
		CHECK(o->bad_token_status == SOCAPI_E_API);
	}
	socapi_global_cleanup();
	emulator_stop(&emu);
	return check_summary();
}
