/*
 * test_vk_emulator.c - the VK binding end to end against the bundled
 * emulator (loopback only): the token kept out of URLs, typed calls with
 * negative community ids and 0/1 booleans, the error envelope, the captcha
 * and too-many-requests handlers, the rate limit, validation, execute with
 * partial failures, offset and cursor paging, community tokens, and every
 * grant with its captcha and two-factor callbacks.
 */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "emulator_harness.h"
#include "failing_alloc.h"

#include <socapi/vk.h>
#include <stdlib.h>
#include <time.h>
#include <vk/vk.h>

#define CLIENT_ID "51234567"
#define CLIENT_SECRET "EmuVkClientSecret01x"
#define TOKEN "vk1.a.emuIvanFixedUserToken0001"
#define GROUP1_TOKEN "vk1.a.emuGroup200001Token"
#define GROUP2_TOKEN "vk1.a.emuGroup200002Token"
#define IVAN 172000001
#define MARIA 172000002

static struct emulator emu;
static char api_url[128], authorize_url[128], token_url[128], code_url[128];

struct prompts {
	int captchas;
	int codes;
	const char *code;  /* the two-factor code to give */
};

/* Solves the emulator's captcha: the answer is the sid's last 4 characters. */
static bool solve_captcha(void *ctx, const char *sid, const char *img, char *key, size_t size)
{
	struct prompts *p = ctx;
	p->captchas++;
	size_t len = strlen(sid);
	CHECK(len >= 4 && img && strstr(img, "captcha") != NULL);
	snprintf(key, size, "%s", len >= 4 ? sid + len - 4 : sid);
	return true;
}

static bool give_code(void *ctx, char *code, size_t size)
{
	struct prompts *p = ctx;
	p->codes++;
	snprintf(code, size, "%s", p->code);
	return true;
}

/* Solves the emulator's VK ID captcha: the token for session S is "ok-" + S. */
static bool solve_captcha_page(void *ctx, const char *redirect_uri, char *token, size_t size)
{
	struct prompts *p = ctx;
	p->captchas++;
	const char *session = strstr(redirect_uri, "session=");
	snprintf(token, size, "ok-%s", session ? session + 8 : "");
	return session != NULL;
}

static struct socapi_session *open_session(const char *token, struct prompts *captcha)
{
	struct socapi_vk_credentials cred = {
		.access_token = token, .api_url = api_url,
		.captcha = captcha ? solve_captcha : NULL, .captcha_ctx = captcha,
		.captcha_page = captcha ? solve_captcha_page : NULL, .captcha_page_ctx = captcha};
	struct socapi_session *s = NULL;
	struct socapi_error err;
	CHECK_OK(socapi_vk_session_new(&cred, NULL, &s, &err), err);
	return s;
}

static bool control(const char *what, const char *json)
{
	bool ok = emulator_control(&emu, what, json);
	CHECK(ok);
	return ok;
}

/* ---- typed calls ---- */

/* A server that answers friends.get with profiles although fields was not sent: the decode
 * error names the variant that reads that answer. */
static void test_decode_error_names_the_variant(void)
{
	struct socapi_error err;
	struct socapi_session *s = open_session(TOKEN, NULL);
	control("faults", "{\"path\": \"/vk/method\", \"method\": \"friends.get\", \"fault\": \"reply\", "
	                  "\"body\": \"{\\\"response\\\": {\\\"count\\\": 1, \\\"items\\\": [{\\\"id\\\": 172000002, "
	                  "\\\"first_name\\\": \\\"Maria\\\", \\\"last_name\\\": \\\"S\\\"}]}}\"}");
	struct vk_friends_get_params p = VK_FRIENDS_GET_PARAMS_INIT;
	struct vk_friends_get_response *ids = NULL;
	CHECK(vk_friends_get(s, &p, &ids, &err) == SOCAPI_E_DECODE && !ids);
	CHECK(strstr(err.message, "; the answer fits vk_friends_get_with_fields (fields set)"));
	socapi_session_free(s);
}

static void test_users_and_friends(void)
{
	struct socapi_error err;
	struct socapi_session *s = open_session(TOKEN, NULL);
	const char *ids[] = {"172000001", "172000002"};
	const char *fields[] = {"online", "sex", "screen_name"};
	struct vk_users_get_params up = {.user_ids = {ids, 2}, .fields = {fields, 3}};
	struct vk_users_user_full_list *users = NULL;
	CHECK_OK(vk_users_get(s, &up, &users, &err), err);
	CHECK(users && users->n_items == 2);
	if (users && users->n_items == 2) {
		CHECK(users->items[0].id == IVAN && users->items[1].id == MARIA);
		CHECK_STR(users->items[0].first_name, "Иван");
		CHECK_STR(users->items[0].last_name, "Петров");
		CHECK(users->items[0].has_online && (users->items[0].online == 0 || users->items[0].online == 1));
		CHECK(users->items[0].has_is_closed);
	}
	socapi_free(users);

	/* ids, then profiles once fields is set (the selector variant) */
	struct vk_friends_get_response *friends = NULL;
	CHECK_OK(vk_friends_get(s, NULL, &friends, &err), err);
	CHECK(friends && friends->count >= 25 && friends->items.n_items == (size_t)friends->count);
	int64_t n_friends = friends ? friends->count : 0;
	socapi_free(friends);
	struct vk_friends_get_params fp = {.fields = {fields, 1}, .has_count = true, .count = 5};
	struct vk_friends_get_fields_response *profiles = NULL;
	CHECK_OK(vk_friends_get_with_fields(s, &fp, &profiles, &err), err);
	CHECK(profiles && profiles->items.n_items == 5 && profiles->items.items[0].first_name);
	socapi_free(profiles);

	/* offset paging to the end */
	struct socapi_pager *pager = NULL;
	struct vk_friends_get_params page_size = {.has_count = true, .count = 10};
	CHECK_OK(socapi_pager_new(s, &vk_friends_get_method, &page_size, &pager, &err), err);
	bool done = false;
	int pages = 0;
	while (pager && !done && pages < 20) {
		struct vk_friends_get_response *page = NULL;
		if (socapi_pager_next(pager, &page, &done, &err) != SOCAPI_OK) {
			CHECK_OK(err.status, err);
			break;
		}
		pages += !done;
		socapi_free(page);
	}
	CHECK(done && pages == (int)((n_friends + 9) / 10));
	CHECK(pager && socapi_pager_items(pager) == (size_t)n_friends);
	socapi_pager_free(pager);

	/* a community wall: negative ids */
	struct vk_wall_get_params wp = {.has_owner_id = true, .owner_id = -200001, .has_count = true, .count = 5};
	struct vk_wall_get_response *wall = NULL;
	CHECK_OK(vk_wall_get(s, &wp, &wall, &err), err);
	CHECK(wall && wall->items.n_items > 0);
	bool negative = wall && wall->items.n_items > 0;
	for (size_t i = 0; wall && i < wall->items.n_items; i++)
		negative = negative && wall->items.items[i].owner_id == -200001;
	CHECK(negative);
	socapi_free(wall);

	/* a scalar result */
	int64_t now = 0;
	CHECK_OK(vk_utils_get_server_time(s, &now, &err), err);
	CHECK(now > 1600000000);
	socapi_session_free(s);
}

/* Every log line, debug ones too: none may show the token. */
static void no_token_logged(void *ctx, enum socapi_log_level level, const char *line)
{
	(void)level;
	++*(int *)ctx;
	CHECK(!strstr(line, TOKEN));
}

/* The token goes in the body, never in the URL; v and lang too. */
static void test_token_placement(void)
{
	struct socapi_error err;
	control("reset", NULL);
	struct socapi_vk_credentials cred = {.access_token = TOKEN, .api_url = api_url, .lang = "en",
	                                     .version = "5.199"};
	int lines = 0;
	struct socapi_options logged = {.log = no_token_logged, .log_ctx = &lines,
	                                .log_level = SOCAPI_LOG_DEBUG};
	struct socapi_session *s = NULL;
	CHECK_OK(socapi_vk_session_new(&cred, &logged, &s, &err), err);
	int64_t now = 0;
	CHECK_OK(vk_utils_get_server_time(s, &now, &err), err);
	socapi_session_free(s);
	CHECK(lines >= 2); /* the parameters and the answer were logged */
	char url[256];
	snprintf(url, sizeof url, "%s/_emulator/vk/requests", emu.base);
	struct body b;
	CHECK(http_get(url, &b) == 200 && b.data);
	if (b.data) {
		const char *req = strstr(b.data, "utils.getServerTime");
		CHECK(req != NULL);
		const char *query = req ? strstr(req, "\"query_keys\"") : NULL;
		const char *body = req ? strstr(req, "\"body_keys\"") : NULL;
		CHECK(query && body);
		if (query && body) {
			/* the query list ends before the body list starts */
			CHECK(strstr(query, "access_token") == NULL || strstr(query, "access_token") > body);
			CHECK(strstr(body, "access_token") && strstr(body, "\"v\"") && strstr(body, "\"lang\""));
		}
		CHECK(strstr(b.data, TOKEN) == NULL);
	}
	free(b.data);

	/* a raw call's own v and access_token win over the session's */
	CHECK_OK(socapi_vk_session_new(&cred, NULL, &s, &err), err);
	const struct socapi_param own[] = {{"v", "5.131"}, {"access_token", "vk1.a.nonsense"}};
	char *raw = NULL;
	CHECK_OK(socapi_call_raw(s, "friends.get", own, 2, true, &raw, NULL, &err), err);
	CHECK(err.api_code == 5 && raw && strstr(raw, "5.131"));
	socapi_free(raw);
	socapi_session_free(s);
}

/* ---- errors and handlers ---- */

static int too_many;

static bool count_too_many(void *ctx, const struct socapi_error *err, struct socapi_retry *retry)
{
	(void)ctx;
	(void)retry;
	CHECK(err->api_code == 6);
	too_many++;
	return false;
}

static void test_errors_and_handlers(void)
{
	struct socapi_error err;
	control("reset", NULL);
	struct socapi_session *s = open_session("vk1.a.nonsense", NULL);
	struct vk_friends_get_response *friends = NULL;
	struct vk_friends_get_params order = {.order = "name"};
	CHECK(vk_friends_get(s, &order, &friends, &err) == SOCAPI_E_API && err.api_code == 5 && !friends);
	/* VK's echo of the request, without the token */
	CHECK(strstr(err.request_params, "method=friends.get") && strstr(err.request_params, "order=name"));
	CHECK(!strstr(err.request_params, "nonsense"));
	socapi_session_free(s);

	/* captcha: the callback answers, the call goes through */
	struct prompts p = {0};
	s = open_session(TOKEN, &p);
	control("vk/captcha", "{\"method\": \"wall.post\", \"times\": 1}");
	struct vk_wall_post_params wp = {.message = "Пост с капчей"};
	struct vk_wall_post_response *posted = NULL;
	CHECK_OK(vk_wall_post(s, &wp, &posted, &err), err);
	CHECK(posted && posted->post_id > 0 && p.captchas == 1);
	CHECK(err.status == SOCAPI_OK && err.api_code == 0); /* the retry left no error behind */
	socapi_free(posted);
	/* VK ID's captcha: a page to solve, a success_token to send */
	control("vk/vkid_captcha", "{\"method\": \"wall.post\", \"times\": 1}");
	posted = NULL;
	CHECK_OK(vk_wall_post(s, &wp, &posted, &err), err);
	CHECK(posted && posted->post_id > 0 && p.captchas == 2);
	socapi_free(posted);
	socapi_session_free(s);
	/* without a callback error 14 comes out with what a person needs */
	s = open_session(TOKEN, NULL);
	control("vk/captcha", "{\"method\": \"wall.post\", \"times\": 1}");
	posted = NULL;
	CHECK(vk_wall_post(s, &wp, &posted, &err) == SOCAPI_E_API && err.api_code == 14 && !posted);
	CHECK(err.captcha_sid[0] && strstr(err.captcha_img, "captcha.php"));
	control("vk/vkid_captcha", "{\"method\": \"wall.post\", \"times\": 1}");
	CHECK(vk_wall_post(s, &wp, &posted, &err) == SOCAPI_E_API && err.api_code == 14 && !posted);
	CHECK(!err.captcha_sid[0] && strstr(err.redirect_uri, "/vk/captcha/vkid?session="));

	/* validation: no retry, redirect_uri surfaces */
	control("vk/validation", "{\"method\": \"wall.post\", \"times\": 1}");
	CHECK(vk_wall_post(s, &wp, &posted, &err) == SOCAPI_E_API && err.api_code == 17);
	CHECK(strstr(err.redirect_uri, "http") == err.redirect_uri);

	/* 3 requests a second: the default handler of 6 waits and retries */
	control("vk/rate_limit", "{\"user\": 3, \"group\": 20}");
	int ok_calls = 0;
	for (int i = 0; i < 6; i++) {
		int64_t now = 0;
		ok_calls += vk_utils_get_server_time(s, &now, &err) == SOCAPI_OK;
	}
	CHECK(ok_calls == 6);
	socapi_session_free(s);
	/* with the client-side limit no request is refused at all (after the
	 * emulator's one-second window has passed) */
	struct timespec second = {1, 100000000};
	nanosleep(&second, NULL);
	struct socapi_vk_credentials limited = {.access_token = TOKEN, .api_url = api_url, .rate_limit = true};
	CHECK_OK(socapi_vk_session_new(&limited, NULL, &s, &err), err);
	CHECK_OK(socapi_session_on_error(s, 6, count_too_many, NULL, &err), err);
	ok_calls = 0;
	for (int i = 0; i < 7; i++) {
		int64_t now = 0;
		ok_calls += vk_utils_get_server_time(s, &now, &err) == SOCAPI_OK;
	}
	CHECK(ok_calls == 7 && too_many == 0);
	socapi_session_free(s);
	/* the same limit set on a session directly */
	nanosleep(&second, NULL);
	s = open_session(TOKEN, NULL);
	socapi_session_set_rate_limit(s, 3);
	CHECK_OK(socapi_session_on_error(s, 6, count_too_many, NULL, &err), err);
	ok_calls = 0;
	for (int i = 0; i < 5; i++) {
		int64_t now = 0;
		ok_calls += vk_utils_get_server_time(s, &now, &err) == SOCAPI_OK;
	}
	CHECK(ok_calls == 5 && too_many == 0);
	socapi_session_free(s);
	control("vk/rate_limit", "{\"user\": 0, \"group\": 0}");
}

/* A handler of the caller's own: it sees each attempt's number, answers
 * through socapi_retry, and max_retries bounds it. */
struct answers {
	int calls;
	unsigned attempts[8];
	int wrong_first;  /* answers wrongly this many times */
};

static bool answer_captcha(void *ctx, const struct socapi_error *err, struct socapi_retry *retry)
{
	struct answers *a = ctx;
	if (a->calls < 8)
		a->attempts[a->calls] = socapi_retry_attempt(retry);
	size_t len = strlen(err->captcha_sid);
	bool wrong = a->calls++ < a->wrong_first;
	socapi_retry_set_param(retry, "captcha_sid", err->captcha_sid);
	socapi_retry_set_param(retry, "captcha_key", wrong || len < 4 ? "0000" : err->captcha_sid + len - 4);
	socapi_retry_wait(retry, 10);
	return true;
}

static void test_own_handlers(void)
{
	struct socapi_error err;
	control("reset", NULL);
	struct socapi_session *s = open_session(TOKEN, NULL);
	struct answers a = {.wrong_first = 1};
	CHECK_OK(socapi_session_on_error(s, 14, answer_captcha, &a, &err), err);
	struct vk_wall_post_params wp = {.message = "Свой обработчик"};
	struct vk_wall_post_response *posted = NULL;
	control("vk/captcha", "{\"method\": \"wall.post\", \"times\": 1}");
	CHECK_OK(vk_wall_post(s, &wp, &posted, &err), err);
	CHECK(posted && a.calls == 2 && a.attempts[0] == 1 && a.attempts[1] == 2);
	socapi_free(posted);
	posted = NULL;

	/* one retry allowed: the wrong answer is the last try */
	socapi_session_set_max_retries(s, 1);
	a = (struct answers){.wrong_first = 1};
	control("vk/captcha", "{\"method\": \"wall.post\", \"times\": 1}");
	CHECK(vk_wall_post(s, &wp, &posted, &err) == SOCAPI_E_API && err.api_code == 14 && !posted);
	CHECK(a.calls == 1);
	/* none: the handler is not asked */
	socapi_session_set_max_retries(s, 0);
	a = (struct answers){0};
	control("vk/captcha", "{\"method\": \"wall.post\", \"times\": 1}");
	CHECK(vk_wall_post(s, &wp, &posted, &err) == SOCAPI_E_API && err.api_code == 14 && a.calls == 0);
	/* removed: neither */
	socapi_session_set_max_retries(s, 3);
	CHECK_OK(socapi_session_on_error(s, 14, NULL, NULL, &err), err);
	control("vk/captcha", "{\"method\": \"wall.post\", \"times\": 1}");
	CHECK(vk_wall_post(s, &wp, &posted, &err) == SOCAPI_E_API && err.api_code == 14 && a.calls == 0);
	socapi_session_free(s);
}

/* A session's token can be replaced, and cleared. */
static void test_set_token(void)
{
	struct socapi_error err;
	struct socapi_session *s = open_session("vk1.a.nonsense", NULL);
	struct vk_friends_get_response *friends = NULL;
	CHECK(vk_friends_get(s, NULL, &friends, &err) == SOCAPI_E_API && err.api_code == 5);
	CHECK_OK(socapi_vk_session_set_token(s, TOKEN, &err), err);
	CHECK_OK(vk_friends_get(s, NULL, &friends, &err), err);
	CHECK(friends && friends->count >= 25);
	socapi_free(friends);
	friends = NULL;
	CHECK_OK(socapi_vk_session_set_token(s, NULL, &err), err);
	CHECK(vk_friends_get(s, NULL, &friends, &err) == SOCAPI_E_API && err.api_code == 5 && !friends);
	socapi_session_free(s);
	CHECK(socapi_vk_session_set_token(NULL, TOKEN, &err) == SOCAPI_E_ARG);
}

static void test_execute(void)
{
	struct socapi_error err;
	struct socapi_session *s = open_session(TOKEN, NULL);
	struct socapi_vk_execute_result *r = NULL;
	CHECK_OK(socapi_vk_execute(s,
	                           "return [API.users.get({\"user_ids\": \"172000002\"}), "
	                           "API.users.get({\"user_ids\": \"nosuchuser0\"})];",
	                           NULL, 0, &r, &err), err);
	CHECK(r && r->response && strstr(r->response, "Мария"));
	CHECK(r && r->n_errors == 1);
	if (r && r->n_errors == 1) {
		CHECK_STR(r->errors[0].method, "users.get");
		CHECK(r->errors[0].error_code == 113);
	}
	socapi_free(r);
	r = NULL;
	CHECK(socapi_vk_execute(s, "this is not VKScript", NULL, 0, &r, &err) == SOCAPI_E_API && !r);
	socapi_session_free(s);
}

/* Community tokens: the call's group_id picks the token. */
static void test_community_tokens(void)
{
	struct socapi_error err;
	control("reset", NULL);
	const struct socapi_vk_group_token groups[] = {{"200001", GROUP1_TOKEN}, {"200002", GROUP2_TOKEN}};
	struct socapi_vk_credentials cred = {.group_tokens = groups, .n_group_tokens = 2, .api_url = api_url};
	struct socapi_session *s = NULL;
	CHECK_OK(socapi_vk_session_new(&cred, NULL, &s, &err), err);
	struct vk_groups_get_members_params gm = {.group_id = "200002"};
	struct vk_groups_get_members_response *members = NULL;
	CHECK_OK(vk_groups_get_members(s, &gm, &members, &err), err);
	CHECK(members && members->count > 0);
	socapi_free(members);
	socapi_session_free(s);
	struct socapi_vk_group_token bad[] = {{"", GROUP1_TOKEN}};
	cred.group_tokens = bad;
	cred.n_group_tokens = 1;
	s = NULL;
	CHECK(socapi_vk_session_new(&cred, NULL, &s, &err) == SOCAPI_E_ARG && !s);
}

/* Calls at once: two sessions in parallel, each session's calls in order,
 * a captcha retry and a failing call that take nobody else down. */
static void test_batch(void)
{
	struct socapi_error err, e[6];
	control("reset", NULL);
	struct prompts p = {0};
	struct socapi_session *a = open_session(TOKEN, &p), *b = open_session(TOKEN, NULL),
	                      *bad = open_session("vk1.a.nonsense", NULL);
	struct socapi_batch *batch = NULL;
	CHECK_OK(socapi_batch_new(&batch, &err), err);
	control("vk/captcha", "{\"method\": \"wall.post\", \"times\": 1}");
	struct vk_friends_get_response *f1 = NULL, *f2 = NULL, *f3 = NULL;
	struct vk_wall_post_response *post = NULL;
	struct vk_wall_post_params wp = {.message = "Из пакета"};
	int64_t now = 0;
	CHECK_OK(socapi_batch_add(batch, a, &vk_friends_get_method, NULL, &f1, &e[0], &err), err);
	CHECK_OK(socapi_batch_add(batch, a, &vk_wall_post_method, &wp, &post, &e[1], &err), err);
	CHECK_OK(socapi_batch_add(batch, b, &vk_friends_get_method, NULL, &f2, &e[2], &err), err);
	CHECK_OK(socapi_batch_add(batch, b, &vk_utils_get_server_time_method, NULL, &now, &e[3], &err), err);
	CHECK_OK(socapi_batch_add(batch, bad, &vk_friends_get_method, NULL, &f3, &e[4], &err), err);
	CHECK_OK(socapi_batch_run(batch, &err), err);
	for (int i = 0; i < 4; i++)
		CHECK_OK(e[i].status, e[i]);
	CHECK(f1 && f2 && f1->count >= 25 && f1->count == f2->count);
	CHECK(post && post->post_id > 0 && p.captchas == 1);
	CHECK(now > 1600000000);
	CHECK(e[4].status == SOCAPI_E_API && e[4].api_code == 5 && !f3);
	socapi_free(f1);
	socapi_free(f2);
	socapi_free(post);

	/* run empties the batch; it takes new calls */
	struct vk_users_user_full_list *me = NULL;
	CHECK_OK(socapi_batch_add(batch, b, &vk_users_get_method, NULL, &me, &e[5], &err), err);
	CHECK_OK(socapi_batch_run(batch, &err), err);
	CHECK(e[5].status == SOCAPI_OK && me && me->n_items == 1 && me->items[0].id == IVAN);
	socapi_free(me);
	CHECK_OK(socapi_batch_run(batch, &err), err); /* an empty batch is a no-op */

	/* refused at once, nothing queued */
	struct socapi_method other = vk_friends_get_method;
	other.platform = SOCAPI_PLATFORM_OK;
	CHECK(socapi_batch_add(batch, a, &other, NULL, &f1, &e[0], &err) == SOCAPI_E_ARG);
	CHECK(socapi_batch_add(batch, a, &vk_friends_get_method, NULL, &f1, NULL, &err) == SOCAPI_E_ARG);
	socapi_batch_free(batch);
	socapi_session_free(a);
	socapi_session_free(b);
	socapi_session_free(bad);
}

/* ---- grants ---- */

static struct socapi_vk_app app_with(struct prompts *p)
{
	struct socapi_vk_app app = {
		.client_id = CLIENT_ID, .client_secret = CLIENT_SECRET, .authorize_url = authorize_url,
		.token_url = token_url, .code_token_url = code_url,
		.captcha = solve_captcha, .captcha_ctx = p, .code = give_code, .code_ctx = p};
	return app;
}

/* The token works: users.get without ids answers its owner. */
static int64_t token_owner(const char *token)
{
	struct socapi_error err;
	struct socapi_session *s = open_session(token, NULL);
	struct vk_users_user_full_list *me = NULL;
	int64_t id = -1;
	if (vk_users_get(s, NULL, &me, &err) == SOCAPI_OK && me->n_items == 1)
		id = me->items[0].id;
	socapi_free(me);
	socapi_session_free(s);
	return id;
}

static void test_implicit_grant(void)
{
	struct socapi_error err;
	struct prompts p = {.code = "123456"};
	struct socapi_vk_app app = app_with(&p);
	struct socapi_token *tok = NULL;
	CHECK_OK(socapi_vk_grant_implicit(&app, NULL, "ivan@vk.ru", "secret", "friends,wall", NULL, &tok,
	                                  &err), err);
	CHECK(tok && tok->access_token && tok->uid && p.captchas == 0 && p.codes == 0);
	if (tok) {
		CHECK_STR(tok->uid, "172000001");
		CHECK(token_owner(tok->access_token) == IVAN);
	}
	socapi_token_free(tok);
	tok = NULL;
	CHECK(socapi_vk_grant_implicit(&app, NULL, "ivan@vk.ru", "wrong", NULL, NULL, &tok, &err) ==
	      SOCAPI_E_AUTH && !tok);
	CHECK_STR(err.oauth_error, "invalid_grant");
	/* captcha on the login form */
	CHECK_OK(socapi_vk_grant_implicit(&app, NULL, "captcha@vk.ru", "secret", NULL, NULL, &tok, &err), err);
	CHECK(tok && p.captchas >= 1);
	socapi_token_free(tok);
	tok = NULL;
	/* two-factor */
	CHECK_OK(socapi_vk_grant_implicit(&app, NULL, "twofactor@vk.ru", "secret", NULL, NULL, &tok, &err), err);
	CHECK(tok && p.codes == 1);
	socapi_token_free(tok);
	tok = NULL;
	p.code = "000000";
	CHECK(socapi_vk_grant_implicit(&app, NULL, "twofactor@vk.ru", "secret", NULL, NULL, &tok, &err) ==
	      SOCAPI_E_AUTH && !tok);
	CHECK_STR(err.oauth_error, "invalid_grant");
	struct socapi_vk_app no_prompts = app;
	no_prompts.code = NULL;
	no_prompts.captcha = NULL;
	CHECK(socapi_vk_grant_implicit(&no_prompts, NULL, "twofactor@vk.ru", "secret", NULL, NULL, &tok,
	                               &err) == SOCAPI_E_AUTH);
	CHECK_STR(err.oauth_error, "need_validation");
	/* community tokens */
	CHECK_OK(socapi_vk_grant_implicit(&app, NULL, "ivan@vk.ru", "secret", "manage", "200001,200002", &tok,
	                                  &err), err);
	CHECK(tok && socapi_token_field(tok, "access_token_200001") &&
	      socapi_token_field(tok, "access_token_200002"));
	if (tok)
		CHECK_STR(tok->access_token, socapi_token_field(tok, "access_token_200001"));
	socapi_token_free(tok);
	tok = NULL;
	struct socapi_vk_app stranger = app;
	stranger.client_id = "1";
	CHECK(socapi_vk_grant_implicit(&stranger, NULL, "ivan@vk.ru", "secret", NULL, NULL, &tok, &err) ==
	      SOCAPI_E_AUTH);
	CHECK_STR(err.oauth_error, "invalid_client");
}

static void test_password_and_code_grants(void)
{
	struct socapi_error err;
	struct prompts p = {.code = "123456"};
	struct socapi_vk_app app = app_with(&p);
	struct socapi_token *tok = NULL;
	CHECK_OK(socapi_vk_grant_password(&app, NULL, "maria@vk.ru", "secret2", NULL, &tok, &err), err);
	CHECK(tok && token_owner(tok->access_token) == MARIA);
	socapi_token_free(tok);
	tok = NULL;
	CHECK(socapi_vk_grant_password(&app, NULL, "maria@vk.ru", "bad", NULL, &tok, &err) == SOCAPI_E_AUTH);
	CHECK_STR(err.oauth_error, "invalid_client");
	CHECK_OK(socapi_vk_grant_password(&app, NULL, "captcha@vk.ru", "secret", NULL, &tok, &err), err);
	CHECK(tok && p.captchas == 1);
	socapi_token_free(tok);
	tok = NULL;
	CHECK_OK(socapi_vk_grant_password(&app, NULL, "twofactor@vk.ru", "secret", NULL, &tok, &err), err);
	CHECK(tok && p.codes == 1);
	socapi_token_free(tok);
	tok = NULL;
	struct socapi_vk_app no_prompts = app;
	no_prompts.captcha = NULL;
	CHECK(socapi_vk_grant_password(&no_prompts, NULL, "captcha@vk.ru", "secret", NULL, &tok, &err) ==
	      SOCAPI_E_AUTH);
	CHECK_STR(err.oauth_error, "need_captcha");
	CHECK(err.captcha_sid[0] != '\0');

	char code[64];
	CHECK(emulator_code(&emu, "vk/code?client_id=" CLIENT_ID
	                          "&redirect_uri=http%3A%2F%2Flocalhost%2Fcallback&user_id=172000002",
	                    code));
	CHECK_OK(socapi_vk_grant_code(&app, NULL, code, "http://localhost/callback", &tok, &err), err);
	CHECK(tok && tok->uid && token_owner(tok->access_token) == MARIA);
	socapi_token_free(tok);
	tok = NULL;
	CHECK(socapi_vk_grant_code(&app, NULL, code, "http://localhost/callback", &tok, &err) == SOCAPI_E_AUTH);
}

/* ---- out of memory at every allocation in turn ---- */

/* Direct authorization through a captcha, then a typed call and execute. */
static enum socapi_status login_call_execute(void *ctx)
{
	struct prompts *p = ctx;
	struct socapi_error err;
	struct socapi_vk_app app = app_with(p);
	struct socapi_token *tok = NULL;
	struct socapi_session *s = NULL;
	struct vk_friends_get_fields_response *friends = NULL;
	struct socapi_vk_execute_result *r = NULL;
	enum socapi_status st = socapi_vk_grant_password(&app, NULL, "captcha@vk.ru", "secret", "friends",
	                                                  &tok, &err);
	struct socapi_vk_credentials cred = {.api_url = api_url};
	if (st == SOCAPI_OK) {
		cred.access_token = tok->access_token;
		st = socapi_vk_session_new(&cred, NULL, &s, &err);
	}
	const char *fields[] = {"online"};
	struct vk_friends_get_params fp = {.fields = {fields, 1}, .has_count = true, .count = 3};
	if (st == SOCAPI_OK && (st = vk_friends_get_with_fields(s, &fp, &friends, &err)) != SOCAPI_OK)
		CHECK(!friends); /* nothing half-built comes back */
	if (st == SOCAPI_OK &&
	    (st = socapi_vk_execute(s, "return API.users.get({\"user_ids\": \"172000002\"});", NULL, 0, &r,
	                            &err)) != SOCAPI_OK)
		CHECK(!r);
	/* and a batch of two calls */
	struct socapi_batch *batch = NULL;
	struct vk_users_user_full_list *me = NULL;
	int64_t now = 0;
	struct socapi_error e[2];
	memset(e, 0, sizeof e);
	if (st == SOCAPI_OK)
		st = socapi_batch_new(&batch, &err);
	if (st == SOCAPI_OK)
		st = socapi_batch_add(batch, s, &vk_users_get_method, NULL, &me, &e[0], &err);
	if (st == SOCAPI_OK)
		st = socapi_batch_add(batch, s, &vk_utils_get_server_time_method, NULL, &now, &e[1], &err);
	if (st == SOCAPI_OK)
		st = socapi_batch_run(batch, &err);
	if (st == SOCAPI_OK && (st = e[0].status) == SOCAPI_OK)
		st = e[1].status;
	if (st != SOCAPI_OK)
		CHECK(!me || e[0].status == SOCAPI_OK);
	socapi_free(me);
	socapi_batch_free(batch);
	CHECK(st == SOCAPI_OK || err.status == st || e[0].status == st || e[1].status == st);
	socapi_free(r);
	socapi_free(friends);
	socapi_session_free(s);
	socapi_token_free(tok);
	return st;
}

static void test_out_of_memory(void)
{
	struct prompts p = {.code = "123456"};
	CHECK(fail_each_allocation(login_call_execute, &p, 2000) > 30);
}

int main(void)
{
	struct socapi_error err;
	if (socapi_global_init(NULL, &err) != SOCAPI_OK || !emulator_start(&emu))
		return 1;
	snprintf(api_url, sizeof api_url, "%s/vk/method", emu.base);
	snprintf(authorize_url, sizeof authorize_url, "%s/vk/oauth/authorize", emu.base);
	snprintf(token_url, sizeof token_url, "%s/vk/oauth/token", emu.base);
	snprintf(code_url, sizeof code_url, "%s/vk/oauth/access_token", emu.base);
	test_users_and_friends();
	test_decode_error_names_the_variant();
	test_token_placement();
	test_errors_and_handlers();
	test_own_handlers();
	test_set_token();
	test_execute();
	test_community_tokens();
	test_batch();
	test_implicit_grant();
	test_password_and_code_grants();
	test_out_of_memory();
	emulator_stop(&emu);
	socapi_global_cleanup();
	return check_summary();
}
