/*
 * test_ok_emulator.c - the OK.ru binding end to end against the bundled
 * emulator (loopback only): the three signing circuits and the automatic
 * choice, the error envelope, typed calls with string ids and Cyrillic
 * names, paging to the end, uploads, every grant, pass_error, and decoding
 * hand-written answers with wrong types and missing fields.
 */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "emulator_harness.h"
#include "failing_alloc.h"

#include <ok/ok.h>
#include <socapi/ok.h>
#include <stdlib.h>

#define APP_ID "1267418112"
#define APP_KEY "CBAEJBKGDIHBABABA"
#define APP_SECRET "8a5c2d0e4f6b1a3c5e7d9f0b2c4e6a8d"
#define TOKEN "tkn1ivan0fixed0emulator0ok0000000000000000"
#define SESSION_SECRET "5d41402abc4b2a76b9719d911017c592"
#define REFRESH_TOKEN "rfr1ivan0fixed0emulator0ok"
#define EXPIRED_TOKEN "tkn1expired0emulator0ok"
#define IVAN 574238563453
#define MARIA 580012345678
#define REDIRECT "https://oauth.mycdn.me/blank.html"

static struct emulator emu;
static char api_url[128], token_url[128], authorize_url[128];

static struct socapi_session *open_session(const char *token, const char *app_secret,
                                           const char *session_secret,
                                           enum socapi_ok_circuit circuit)
{
	struct socapi_ok_credentials cred = {
		.application_key = APP_KEY, .application_secret_key = app_secret, .access_token = token,
		.session_secret_key = session_secret, .circuit = circuit, .api_url = api_url,
	};
	struct socapi_session *s = NULL;
	struct socapi_error err;
	CHECK_OK(socapi_ok_session_new(&cred, NULL, &s, &err), err);
	return s;
}

static struct socapi_ok_app app_of(const char *secret)
{
	struct socapi_ok_app app = {
		.application_id = APP_ID, .application_key = APP_KEY, .application_secret_key = secret,
		.token_url = token_url, .authorize_url = authorize_url, .api_url = api_url,
	};
	return app;
}

/* users.getCurrentUser through a session: the uid it answers, or -1. */
static int64_t current_uid(struct socapi_session *s, struct socapi_error *err)
{
	struct ok_user *me = NULL;
	int64_t uid = -1;
	if (ok_users_get_current_user(s, NULL, &me, err) == SOCAPI_OK && me->has_uid)
		uid = me->uid;
	socapi_free(me);
	return uid;
}

/* Counts the log lines of requests sent as GET; no line may show a secret. */
static void count_gets(void *ctx, enum socapi_log_level level, const char *line)
{
	(void)level;
	if (strncmp(line, "GET ", 4) == 0)
		++*(int *)ctx;
	CHECK(!strstr(line, TOKEN) && !strstr(line, SESSION_SECRET) && !strstr(line, APP_SECRET));
	CHECK(!strstr(line, "sig=") || strstr(line, "sig=<redacted>"));
}

/* ---- circuits ---- */

static void test_circuits(void)
{
	struct socapi_error err;
	/* server-server wins when both secrets are there (aiookru's rule); the
	 * schema says GET for users.getCurrentUser, but nothing secret goes in
	 * a URL: the call is POSTed */
	int gets = 0;
	struct socapi_options logged = {.log = count_gets, .log_ctx = &gets, .log_level = SOCAPI_LOG_DEBUG};
	struct socapi_ok_credentials cred = {.application_key = APP_KEY, .application_secret_key = APP_SECRET,
	                                     .access_token = TOKEN, .session_secret_key = SESSION_SECRET,
	                                     .api_url = api_url};
	struct socapi_session *s = NULL;
	CHECK_OK(socapi_ok_session_new(&cred, &logged, &s, &err), err);
	CHECK(current_uid(s, &err) == IVAN);
	CHECK(gets == 0 && !(ok_users_get_current_user_method.flags & SOCAPI_METHOD_POST));
	socapi_session_free(s);
	/* each forced circuit on its own keys */
	s = open_session(TOKEN, APP_SECRET, NULL, SOCAPI_OK_CIRCUIT_SERVER);
	CHECK(current_uid(s, &err) == IVAN);
	socapi_session_free(s);
	s = open_session(TOKEN, NULL, SESSION_SECRET, SOCAPI_OK_CIRCUIT_CLIENT);
	CHECK(current_uid(s, &err) == IVAN);
	socapi_session_free(s);
	/* a wrong session secret with server-server forced still signs right */
	s = open_session(TOKEN, APP_SECRET, "00000000000000000000000000000000", SOCAPI_OK_CIRCUIT_SERVER);
	CHECK(current_uid(s, &err) == IVAN);
	socapi_session_free(s);

	/* the session-less circuit: notifications.sendSimple takes no session,
	 * so AUTO leaves the token out even when it has one */
	s = open_session(TOKEN, APP_SECRET, NULL, SOCAPI_OK_CIRCUIT_AUTO);
	struct ok_notifications_send_simple_params n = {.has_uid = true, .uid = IVAN, .text = "Привет"};
	struct ok_success_result *sent = NULL;
	CHECK_OK(ok_notifications_send_simple(s, &n, &sent, &err), err);
	CHECK(sent != NULL);
	socapi_free(sent);
	socapi_session_free(s);
	s = open_session(NULL, APP_SECRET, NULL, SOCAPI_OK_CIRCUIT_APPLICATION);
	sent = NULL;
	CHECK_OK(ok_notifications_send_simple(s, &n, &sent, &err), err);
	socapi_free(sent);
	/* a method that needs a session cannot go session-less: OK refuses it */
	CHECK(current_uid(s, &err) == -1 && err.status == SOCAPI_E_API);
	socapi_session_free(s);

	/* nothing to sign with: refused before sending */
	s = open_session(TOKEN, NULL, NULL, SOCAPI_OK_CIRCUIT_AUTO);
	CHECK(current_uid(s, &err) == -1 && err.status == SOCAPI_E_ARG);
	CHECK(strstr(err.message, "circuit") != NULL);
	socapi_session_free(s);
	s = open_session(NULL, NULL, NULL, SOCAPI_OK_CIRCUIT_AUTO);
	sent = NULL;
	CHECK(ok_notifications_send_simple(s, &n, &sent, &err) == SOCAPI_E_ARG && !sent);
	socapi_session_free(s);
	/* a forced circuit without its keys fails at once */
	struct socapi_ok_credentials bad = {.application_key = APP_KEY, .access_token = TOKEN,
	                                    .circuit = SOCAPI_OK_CIRCUIT_CLIENT};
	s = NULL;
	CHECK(socapi_ok_session_new(&bad, NULL, &s, &err) == SOCAPI_E_ARG && !s);
	bad = (struct socapi_ok_credentials){.access_token = TOKEN, .application_secret_key = APP_SECRET};
	CHECK(socapi_ok_session_new(&bad, NULL, &s, &err) == SOCAPI_E_ARG && !s);
}

/* ---- the error envelope ---- */

static void test_errors(void)
{
	struct socapi_error err;
	struct socapi_session *s = open_session(TOKEN, "ffffffffffffffffffffffffffffffff", NULL,
	                                        SOCAPI_OK_CIRCUIT_AUTO);
	CHECK(current_uid(s, &err) == -1);
	CHECK(err.status == SOCAPI_E_API && err.api_code == 104);
	CHECK(strstr(err.message, "PARAM_SIGNATURE") != NULL);
	socapi_session_free(s);
	s = open_session(EXPIRED_TOKEN, APP_SECRET, NULL, SOCAPI_OK_CIRCUIT_AUTO);
	CHECK(current_uid(s, &err) == -1 && err.api_code == 102);
	socapi_session_free(s);
	s = open_session("tkn1unknown", APP_SECRET, NULL, SOCAPI_OK_CIRCUIT_AUTO);
	CHECK(current_uid(s, &err) == -1 && err.api_code == 103);
	socapi_session_free(s);
	/* a session's token and secret can be replaced */
	s = open_session(EXPIRED_TOKEN, NULL, "e10adc3949ba59abbe56e057f20f883e", SOCAPI_OK_CIRCUIT_CLIENT);
	CHECK(current_uid(s, &err) == -1 && err.api_code == 102);
	CHECK_OK(socapi_ok_session_set_token(s, TOKEN, SESSION_SECRET, &err), err);
	CHECK(current_uid(s, &err) == IVAN);
	socapi_session_free(s);
	CHECK(socapi_ok_session_set_token(NULL, TOKEN, SESSION_SECRET, &err) == SOCAPI_E_ARG);
	/* an unknown application key */
	struct socapi_ok_credentials cred = {.application_key = "NOSUCHKEY", .application_secret_key = APP_SECRET,
	                                     .access_token = TOKEN, .api_url = api_url};
	CHECK_OK(socapi_ok_session_new(&cred, NULL, &s, &err), err);
	CHECK(current_uid(s, &err) == -1 && err.api_code == 101);
	socapi_session_free(s);

	/* pass_error: the envelope comes back as the body */
	s = open_session(TOKEN, APP_SECRET, NULL, SOCAPI_OK_CIRCUIT_AUTO);
	char *body = NULL;
	const struct socapi_param none[] = {{"uid", "1"}};
	CHECK_OK(socapi_call_raw(s, "no.suchMethod", none, 1, true, &body, NULL, &err), err);
	CHECK(body && strstr(body, "\"error_code\"") && err.api_code == 3);
	socapi_free(body);
	body = NULL;
	CHECK_OK(socapi_call_raw(s, "users.getCurrentUser", NULL, 0, true, &body, NULL, &err), err);
	CHECK(body && strstr(body, "574238563453") && err.api_code == 0);
	socapi_free(body);
	/* a missing required parameter: the platform answers 100, so the typed call refuses it first */
	CHECK_OK(socapi_call_raw(s, "url.getInfo", NULL, 0, true, &body, NULL, &err), err);
	CHECK(body && err.api_code == 100);
	socapi_free(body);
	struct ok_url_get_info_params u = {0};
	struct ok_url_info *info = NULL;
	CHECK(ok_url_get_info(s, &u, &info, &err) == SOCAPI_E_ARG && strstr(err.message, "url") && !info);
	socapi_session_free(s);
}

/* ---- typed calls ---- */

static void test_users_and_friends(void)
{
	struct socapi_error err;
	struct socapi_session *s = open_session(TOKEN, APP_SECRET, NULL, SOCAPI_OK_CIRCUIT_AUTO);
	const char *fields[] = {"uid", "first_name", "last_name", "name", "gender", "location"};
	int64_t ids[] = {IVAN, MARIA};
	struct ok_users_get_info_params p = {
		.uids = {ids, 2}, .fields = {fields, sizeof fields / sizeof *fields}};
	struct ok_user_list *users = NULL;
	CHECK_OK(ok_users_get_info(s, &p, &users, &err), err);
	CHECK(users && users->n_items == 2);
	if (users && users->n_items == 2) {
		CHECK(users->items[0].has_uid && users->items[0].uid == IVAN);
		CHECK_STR(users->items[0].first_name, "Иван");
		CHECK_STR(users->items[0].last_name, "Петров");
		CHECK(users->items[1].uid == MARIA);
		CHECK_STR(users->items[1].first_name, "Мария");
	}
	socapi_free(users);

	struct socapi_int_list *friends = NULL;
	CHECK_OK(ok_friends_get(s, NULL, &friends, &err), err);
	CHECK(friends && friends->n_items >= 25);
	size_t n_friends = friends ? friends->n_items : 0;
	bool all_positive = true;
	for (size_t i = 0; i < n_friends; i++)
		all_positive = all_positive && friends->items[i] > 0;
	CHECK(all_positive);
	socapi_free(friends);
	socapi_session_free(s);
}

/* Iterates group.getMembers and photos.getAlbums to the end. */
static void test_paging(void)
{
	struct socapi_error err;
	struct socapi_session *s = open_session(TOKEN, APP_SECRET, NULL, SOCAPI_OK_CIRCUIT_AUTO);
	/* the first group Иван belongs to with at least 25 members */
	struct ok_group_get_members_params gm = {.has_uid = true, .has_count = true, .count = 10};
	char *body = NULL;
	const struct socapi_param none[] = {{"uid", "574238563453"}};
	CHECK_OK(socapi_call_raw(s, "group.getUserGroupsV2", none, 1, true, &body, NULL, &err), err);
	const char *gid = body ? strstr(body, "\"groupId\"") : NULL;
	if (gid)
		gm.uid = strtoll(strchr(gid + 9, '"') + 1, NULL, 10);
	socapi_free(body);
	CHECK(gm.uid > 0);

	struct socapi_pager *pager = NULL;
	CHECK_OK(socapi_pager_new(s, &ok_group_get_members_method, &gm, &pager, &err), err);
	size_t pages = 0, members = 0;
	bool done = false, distinct_pages = true;
	int64_t last_first = -1;
	while (pager && !done && pages < 50) {
		struct ok_group_members_page *page = NULL;
		if (socapi_pager_next(pager, &page, &done, &err) != SOCAPI_OK) {
			CHECK_OK(err.status, err);
			break;
		}
		if (done)
			break;
		pages++;
		members += page->members.n_items;
		CHECK(page->members.n_items <= 10);
		if (page->members.n_items) {
			distinct_pages = distinct_pages && page->members.items[0].user_id != last_first;
			last_first = page->members.items[0].user_id;
		}
		socapi_free(page);
	}
	CHECK(done && pages >= 3 && members >= 25 && distinct_pages);
	CHECK(pager && socapi_pager_items(pager) == members);
	socapi_pager_free(pager);

	/* the pagingAnchor spelling */
	struct ok_photos_get_albums_params ga = {.has_count = true, .count = 1};
	pager = NULL;
	CHECK_OK(socapi_pager_new(s, &ok_photos_get_albums_method, &ga, &pager, &err), err);
	size_t albums = 0;
	done = false;
	for (int i = 0; pager && !done && i < 50; i++) {
		struct ok_albums_page *page = NULL;
		CHECK_OK(socapi_pager_next(pager, &page, &done, &err), err);
		if (page)
			albums += page->albums.n_items;
		socapi_free(page);
	}
	CHECK(done && albums >= 2);
	socapi_pager_free(pager);

	/* a method without paging is refused */
	pager = NULL;
	CHECK(socapi_pager_new(s, &ok_users_get_current_user_method, NULL, &pager, &err) == SOCAPI_E_ARG &&
	      !pager);
	socapi_session_free(s);
}

static void test_topics_and_uploads(void)
{
	struct socapi_error err;
	struct socapi_session *s = open_session(TOKEN, APP_SECRET, NULL, SOCAPI_OK_CIRCUIT_AUTO);
	struct ok_mediatopic_post_params mp = {
		.type = "USER",
		.attachment = "{\"media\":[{\"type\":\"text\",\"text\":\"Привет из C\"}]}",
		.has_text_link_preview = true, .text_link_preview = false};
	int64_t topic = 0;
	CHECK_OK(ok_mediatopic_post(s, &mp, &topic, &err), err);
	CHECK(topic > 0);
	struct ok_mediatopic_get_by_ids_params gb = {.topic_ids = {&topic, 1}};
	struct ok_media_topics_reply *topics = NULL;
	CHECK_OK(ok_mediatopic_get_by_ids(s, &gb, &topics, &err), err);
	CHECK(topics && topics->media_topics.n_items == 1);
	socapi_free(topics);

	struct ok_photos_v2_get_upload_url_params up = {.has_count = true, .count = 1};
	struct ok_upload_url_reply *url = NULL;
	CHECK_OK(ok_photos_v2_get_upload_url(s, &up, &url, &err), err);
	CHECK(url && url->upload_url && url->photo_ids.n_items == 1);
	socapi_free(url);
	socapi_session_free(s);
}

/* ---- grants ---- */

static void test_grants(void)
{
	struct socapi_error err;
	struct socapi_ok_app app = app_of(APP_SECRET);
	struct socapi_token *tok = NULL;

	/* auth.login: unsigned, returns session_key and session_secret_key */
	CHECK_OK(socapi_ok_grant_password(&app, NULL, "ivan.petrov@ok.ru", "secret", &tok, &err), err);
	CHECK(tok && tok->access_token && tok->session_secret_key);
	if (tok) {
		CHECK_STR(tok->uid, "574238563453");
		struct socapi_session *s = open_session(tok->access_token, NULL, tok->session_secret_key,
		                                        SOCAPI_OK_CIRCUIT_CLIENT);
		CHECK(current_uid(s, &err) == IVAN);
		socapi_session_free(s);
	}
	socapi_token_free(tok);
	tok = NULL;
	CHECK(socapi_ok_grant_password(&app, NULL, "ivan.petrov@ok.ru", "wrong", &tok, &err) == SOCAPI_E_API);
	CHECK(err.api_code == 401 && !tok);

	/* implicit: the login and permissions forms */
	CHECK_OK(socapi_ok_grant_implicit(&app, NULL, "maria@ok.ru", "secret2", "VALUABLE_ACCESS;PHOTO_CONTENT",
	                                  &tok, &err), err);
	CHECK(tok && tok->access_token && tok->session_secret_key && tok->has_expires_in);
	if (tok) {
		CHECK(socapi_token_field(tok, "permissions_granted") != NULL);
		CHECK(tok->cookies != NULL);
		struct socapi_session *s = open_session(tok->access_token, NULL, tok->session_secret_key,
		                                        SOCAPI_OK_CIRCUIT_AUTO);
		CHECK(current_uid(s, &err) == MARIA);
		socapi_session_free(s);
	}
	socapi_token_free(tok);
	tok = NULL;
	CHECK(socapi_ok_grant_implicit(&app, NULL, "maria@ok.ru", "nope", NULL, &tok, &err) == SOCAPI_E_AUTH);
	CHECK_STR(err.oauth_error, "invalid_grant");
	CHECK(socapi_ok_grant_implicit(&app, NULL, "blocked@ok.ru", "secret", NULL, &tok, &err) == SOCAPI_E_AUTH);
	CHECK_STR(err.oauth_error, "invalid_user");
	struct socapi_ok_app stranger = app;
	stranger.application_id = "999";
	CHECK(socapi_ok_grant_implicit(&stranger, NULL, "maria@ok.ru", "secret2", NULL, &tok, &err) ==
	      SOCAPI_E_AUTH);
	CHECK_STR(err.oauth_error, "invalid_client");
	CHECK(!tok);

	/* code: the token endpoint with the application secret as client_secret */
	char code[64];
	CHECK(emulator_code(&emu, "ok/code?client_id=" APP_ID
	                          "&redirect_uri=http%3A%2F%2Flocalhost%2Fcallback&uid=574238563453"
	                          "&scope=VALUABLE_ACCESS",
	                    code));
	CHECK_OK(socapi_ok_grant_code(&app, NULL, code, "http://localhost/callback", &tok, &err), err);
	CHECK(tok && tok->access_token && tok->refresh_token && !tok->session_secret_key);
	if (tok) {
		/* such a token signs server-server */
		struct socapi_session *s = open_session(tok->access_token, APP_SECRET, NULL, SOCAPI_OK_CIRCUIT_AUTO);
		CHECK(current_uid(s, &err) == IVAN);
		socapi_session_free(s);
	}
	socapi_token_free(tok);
	tok = NULL;
	CHECK(socapi_ok_grant_code(&app, NULL, code, "http://localhost/callback", &tok, &err) == SOCAPI_E_AUTH);
	CHECK_STR(err.oauth_error, "invalid_grant");

	/* refresh */
	CHECK_OK(socapi_ok_grant_refresh(&app, NULL, REFRESH_TOKEN, &tok, &err), err);
	CHECK(tok && tok->access_token && tok->has_expires_in);
	socapi_token_free(tok);
	tok = NULL;
	struct socapi_ok_app wrong = app_of("00000000000000000000000000000000");
	CHECK(socapi_ok_grant_refresh(&wrong, NULL, REFRESH_TOKEN, &tok, &err) == SOCAPI_E_AUTH && !tok);
	CHECK(err.oauth_error[0] != '\0');
	wrong.application_secret_key = NULL;
	CHECK(socapi_ok_grant_refresh(&wrong, NULL, REFRESH_TOKEN, &tok, &err) == SOCAPI_E_ARG);
}

/* ---- decoding hand-written answers ---- */

static void test_decode_fixtures(void)
{
	struct socapi_error err;
	struct ok_user_list *users = NULL;
	/* both shapes OK has used for ids: strings, and big numbers as strings */
	const char good[] = "[{\"uid\":\"9007199254740993\",\"first_name\":\"Пётр\",\"has_email\":true,"
	                    "\"location\":{\"city\":\"Москва\",\"countryCode\":\"RU\"}}]";
	CHECK_OK(socapi_decode(ok_users_get_info_method.result, good, strlen(good), (void **)&users, &err), err);
	CHECK(users && users->n_items == 1 && users->items[0].uid == 9007199254740993LL &&
	      users->items[0].has_email);
	socapi_free(users);
	users = NULL;
	const char wrong_type[] = "[{\"uid\":\"1\"},{\"uid\":\"2\",\"first_name\":true}]";
	CHECK(socapi_decode(ok_users_get_info_method.result, wrong_type, strlen(wrong_type),
	                    (void **)&users, &err) == SOCAPI_E_DECODE && !users);
	CHECK_STR(err.path, "[1].first_name");
	const char bad_id[] = "[{\"uid\":\"12x\"}]";
	CHECK(socapi_decode(ok_users_get_info_method.result, bad_id, strlen(bad_id), (void **)&users, &err) ==
	      SOCAPI_E_DECODE);
	CHECK_STR(err.path, "[0].uid");
	/* members missing, required ones too: absent, not invented ("required"
	 * in a schema is not trusted; real answers leave members out) */
	struct ok_upload_url_reply *url = NULL;
	const char missing[] = "{\"photo_ids\":[\"a\"]}";
	CHECK_OK(socapi_decode(ok_photos_v2_get_upload_url_method.result, missing, strlen(missing),
	                       (void **)&url, &err), err);
	CHECK(url && !url->upload_url && !url->has_expires_ms && url->photo_ids.n_items == 1);
	socapi_free(url);
	struct ok_user *user = NULL;
	CHECK_OK(socapi_decode(ok_users_get_current_user_method.result, "{}", 2, (void **)&user, &err), err);
	CHECK(user && !user->has_uid && !user->first_name && !user->location);
	socapi_free(user);
	/* an empty list is a result */
	struct socapi_int_list *ids = NULL;
	CHECK_OK(socapi_decode(ok_friends_get_method.result, "[]", 2, (void **)&ids, &err), err);
	CHECK(ids && ids->n_items == 0);
	socapi_free(ids);
}

/* ---- out of memory at every allocation in turn ---- */

/* An implicit grant, a client-server session and one page of a pager. */
static enum socapi_status login_and_page(void *ctx)
{
	(void)ctx;
	struct socapi_error err;
	struct socapi_ok_app app = app_of(NULL);
	struct socapi_token *tok = NULL;
	struct socapi_session *s = NULL;
	struct socapi_pager *pager = NULL;
	struct ok_albums_page *page = NULL;
	bool done = false;
	enum socapi_status st = socapi_ok_grant_implicit(&app, NULL, "maria@ok.ru", "secret2", NULL, &tok, &err);
	struct socapi_ok_credentials cred = {.application_key = APP_KEY, .api_url = api_url};
	if (st == SOCAPI_OK) {
		cred.access_token = tok->access_token;
		cred.session_secret_key = tok->session_secret_key;
		st = socapi_ok_session_new(&cred, NULL, &s, &err);
	}
	struct ok_photos_get_albums_params ga = {.has_count = true, .count = 1};
	if (st == SOCAPI_OK)
		st = socapi_pager_new(s, &ok_photos_get_albums_method, &ga, &pager, &err);
	if (st == SOCAPI_OK)
		st = socapi_pager_next(pager, &page, &done, &err);
	CHECK(st == SOCAPI_OK || (!page && err.status == st));
	socapi_free(page);
	socapi_pager_free(pager);
	socapi_session_free(s);
	socapi_token_free(tok);
	return st;
}

static void test_out_of_memory(void)
{
	long failures = fail_each_allocation(login_and_page, NULL, 2000);
	CHECK(failures > 50);
	if (getenv("SOCAPI_TEST_VERBOSE"))
		fprintf(stderr, "login_and_page: %ld allocation failures survived\n", failures);
}

int main(void)
{
	struct socapi_error err;
	if (socapi_global_init(NULL, &err) != SOCAPI_OK || !emulator_start(&emu))
		return 1;
	snprintf(api_url, sizeof api_url, "%s/ok/fb.do", emu.base);
	snprintf(token_url, sizeof token_url, "%s/ok/oauth/token.do", emu.base);
	snprintf(authorize_url, sizeof authorize_url, "%s/ok/oauth/authorize", emu.base);
	test_circuits();
	test_errors();
	test_users_and_friends();
	test_paging();
	test_topics_and_uploads();
	test_grants();
	test_decode_fixtures();
	test_out_of_memory();
	emulator_stop(&emu);
	socapi_global_cleanup();
	return check_summary();
}
