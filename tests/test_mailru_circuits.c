/*
 * test_mailru_circuits.c - the Mail.Ru binding end to end against the
 * bundled emulator (loopback only): both signing circuits and the AUTO
 * rule, key and signature errors, raw calls with pass_error, methods
 * confined to one circuit, and injected faults with connection reuse.
 */
#define _POSIX_C_SOURCE 200809L
#include "mailru_emulator_common.h"

#include <curl/curl.h>

static void check_ivan(const struct mailru_user_list *users)
{
	CHECK(users && users->n_items == 1);
	if (!users || users->n_items != 1)
		return;
	const struct mailru_user *u = &users->items[0];
	CHECK(u->has_uid && u->uid == IVAN_U); /* above INT64_MAX, exact */
	CHECK_STR(u->first_name, "Иван");
	CHECK_STR(u->last_name, "Петров");
	CHECK_STR(u->nick, "ivan");
	CHECK(u->has_sex && u->sex == MAILRU_USER_SEX_MALE);
	CHECK(u->has_app_installed && u->app_installed == 1);
	CHECK(u->location && u->location->country && u->location->country->name);
	CHECK(u->cover && u->cover->has_owner && u->cover->owner == IVAN_U);
}

/* ---- circuits ---- */

static void test_client_server(void)
{
	struct log log = {0};
	struct socapi_options o = log_opts(&log, SOCAPI_LOG_DEBUG);
	struct socapi_session *s = client_session(&o);
	struct socapi_error err;
	struct mailru_user_list *users = NULL;
	CHECK(socapi_session_platform(s) == SOCAPI_PLATFORM_MAILRU);
	CHECK_OK(mailru_users_get_info(s, NULL, &users, &err), err);
	check_ivan(users);
	CHECK(err.status == SOCAPI_OK && err.http_status == 200);
	socapi_free(users);
	/* AUTO with uid + private_key: client-server, no secure=1 */
	CHECK(log_count(&log, "params:") == 1);
	CHECK(log_count(&log, "secure=1") == 0);

	/* two uids, the second above nothing special, order kept */
	uint64_t two[] = {MARIA_U, IVAN_U};
	struct mailru_users_get_info_params p = {.uids = {two, 2}};
	users = NULL;
	CHECK_OK(mailru_users_get_info(s, &p, &users, &err), err);
	CHECK(users && users->n_items == 2);
	if (users && users->n_items == 2) {
		CHECK(users->items[0].uid == MARIA_U);
		CHECK_STR(users->items[0].first_name, "Мария");
		CHECK(users->items[0].has_sex && users->items[0].sex == MAILRU_USER_SEX_FEMALE);
		CHECK(users->items[0].has_is_friend && users->items[0].is_friend == 1);
		CHECK(users->items[1].uid == IVAN_U);
	}
	CHECK(log_count(&log, "uids=" MARIA "%2C" IVAN) + log_count(&log, "uids=" MARIA "," IVAN) == 1);
	socapi_free(users);
	socapi_session_free(s);
	log_clear(&log);
}

static void test_server_server(void)
{
	struct log log = {0};
	struct socapi_options o = log_opts(&log, SOCAPI_LOG_DEBUG);
	struct socapi_session *s = open_session(NULL, NULL, SECRET_KEY, SESSION_KEY,
	                                        SOCAPI_MAILRU_CIRCUIT_AUTO, &o);
	struct socapi_error err;
	struct mailru_user_list *users = NULL;
	CHECK_OK(mailru_users_get_info(s, NULL, &users, &err), err);
	check_ivan(users);
	socapi_free(users);
	/* AUTO with secret_key only: server-server, secure=1 added */
	CHECK(log_count(&log, "secure=1") == 1);
	socapi_session_free(s);
	log_clear(&log);
}

static void test_auto_choice(void)
{
	struct log log = {0};
	struct socapi_options o = log_opts(&log, SOCAPI_LOG_DEBUG);
	struct socapi_error err;

	/* both keys, AUTO: client-server wins */
	struct socapi_session *s = open_session(IVAN, PRIVATE_KEY, SECRET_KEY, SESSION_KEY,
	                                        SOCAPI_MAILRU_CIRCUIT_AUTO, &o);
	CHECK(get_info_is_ivan(s, &err));
	CHECK(log_count(&log, "params:") == 1 && log_count(&log, "secure=1") == 0);
	socapi_session_free(s);
	log_clear(&log);

	/* both keys, SERVER forced */
	s = open_session(IVAN, PRIVATE_KEY, SECRET_KEY, SESSION_KEY, SOCAPI_MAILRU_CIRCUIT_SERVER, &o);
	CHECK(get_info_is_ivan(s, &err));
	CHECK(log_count(&log, "secure=1") == 1);
	socapi_session_free(s);
	log_clear(&log);

	/* both keys, CLIENT forced */
	s = open_session(IVAN, PRIVATE_KEY, SECRET_KEY, SESSION_KEY, SOCAPI_MAILRU_CIRCUIT_CLIENT, &o);
	CHECK(get_info_is_ivan(s, &err));
	CHECK(log_count(&log, "params:") == 1 && log_count(&log, "secure=1") == 0);
	socapi_session_free(s);
	log_clear(&log);

	/* a forced circuit without its keys fails at once */
	struct socapi_mailru_credentials cred = {.app_id = APP_ID, .secret_key = SECRET_KEY,
	                                         .circuit = SOCAPI_MAILRU_CIRCUIT_CLIENT,
	                                         .api_url = api_url};
	s = (void *)&err;
	CHECK(socapi_mailru_session_new(&cred, NULL, &s, &err) == SOCAPI_E_ARG);
	CHECK(s == NULL && err.status == SOCAPI_E_ARG);
	cred = (struct socapi_mailru_credentials){.app_id = APP_ID, .uid = IVAN, .private_key = PRIVATE_KEY,
	                                          .circuit = SOCAPI_MAILRU_CIRCUIT_SERVER};
	CHECK(socapi_mailru_session_new(&cred, NULL, &s, &err) == SOCAPI_E_ARG && s == NULL);
	cred = (struct socapi_mailru_credentials){.private_key = PRIVATE_KEY, .uid = IVAN};
	CHECK(socapi_mailru_session_new(&cred, NULL, &s, &err) == SOCAPI_E_ARG && s == NULL);
	/* "" counts as unset */
	cred = (struct socapi_mailru_credentials){.app_id = "", .secret_key = SECRET_KEY};
	CHECK(socapi_mailru_session_new(&cred, NULL, &s, &err) == SOCAPI_E_ARG && s == NULL);
}

static void test_no_keys(void)
{
	struct log log = {0};
	struct socapi_options o = log_opts(&log, SOCAPI_LOG_DEBUG);
	/* AUTO without keys opens (session-less use) but cannot sign a call */
	struct socapi_session *s = open_session(IVAN, NULL, NULL, SESSION_KEY, SOCAPI_MAILRU_CIRCUIT_AUTO, &o);
	struct socapi_error err;
	struct mailru_user_list *users = (void *)&err;
	CHECK(mailru_users_get_info(s, NULL, &users, &err) == SOCAPI_E_ARG);
	CHECK(users == NULL);
	CHECK(err.status == SOCAPI_E_ARG && err.http_status == 0 && err.message[0]);
	CHECK(log.n == 0); /* nothing was sent, not even attempted */
	char *body = (char *)"x";
	CHECK(socapi_call_raw(s, "users.getInfo", NULL, 0, true, &body, NULL, &err) == SOCAPI_E_ARG);
	CHECK(body == NULL && log.n == 0);
	/* private_key without uid is not client-server either */
	socapi_session_free(s);
	s = open_session(NULL, PRIVATE_KEY, "", SESSION_KEY, SOCAPI_MAILRU_CIRCUIT_AUTO, &o);
	users = NULL;
	CHECK(mailru_users_get_info(s, NULL, &users, &err) == SOCAPI_E_ARG && users == NULL);
	CHECK(log.n == 0);
	socapi_session_free(s);
	log_clear(&log);
}

static void test_api_errors(void)
{
	struct socapi_error err;
	struct mailru_user_list *users = NULL;

	/* wrong private key: the emulator refuses the signature */
	struct socapi_session *s = open_session(IVAN, "00000000000000000000000000000000", NULL, SESSION_KEY,
	                                        SOCAPI_MAILRU_CIRCUIT_AUTO, NULL);
	users = (void *)&err;
	CHECK(mailru_users_get_info(s, NULL, &users, &err) == SOCAPI_E_API);
	CHECK(users == NULL);
	CHECK(err.api_code == MAILRU_ERROR_SIGNATURE && err.http_status == 200);
	CHECK(strstr(err.message, "104") != NULL);
	socapi_session_free(s);

	/* wrong secret key, server-server */
	s = open_session(NULL, NULL, "11111111111111111111111111111111", SESSION_KEY,
	                 SOCAPI_MAILRU_CIRCUIT_AUTO, NULL);
	CHECK(mailru_users_get_info(s, NULL, &users, &err) == SOCAPI_E_API && err.api_code == 104);
	socapi_session_free(s);

	/* a session key nobody issued */
	s = open_session(IVAN, PRIVATE_KEY, NULL, "ffffffffffffffffffffffffffffffff",
	                 SOCAPI_MAILRU_CIRCUIT_AUTO, NULL);
	CHECK(mailru_users_get_info(s, NULL, &users, &err) == SOCAPI_E_API);
	CHECK(err.api_code == MAILRU_ERROR_AUTH && users == NULL);
	/* set_key replaces it: the same session works afterwards */
	CHECK_OK(socapi_mailru_session_set_key(s, SESSION_KEY, &err), err);
	CHECK(get_info_is_ivan(s, &err));
	socapi_session_free(s);

	/* a session with a wrong uid: the signature uses the uid, the emulator the session's */
	s = open_session(MARIA, PRIVATE_KEY, NULL, SESSION_KEY, SOCAPI_MAILRU_CIRCUIT_AUTO, NULL);
	CHECK(mailru_users_get_info(s, NULL, &users, &err) == SOCAPI_E_API && err.api_code == 104);
	socapi_session_free(s);

	/* a bad parameter value the schema cannot see: 100 */
	s = client_session(NULL);
	struct mailru_photos_get_params pp = {.aid = "no_such_album"};
	struct mailru_photo_list *photos = NULL;
	CHECK(mailru_photos_get(s, &pp, &photos, &err) == SOCAPI_E_API);
	CHECK(err.api_code == MAILRU_ERROR_PARAM && photos == NULL);
	socapi_session_free(s);
}

static void test_raw(void)
{
	struct socapi_session *s = client_session(NULL);
	struct socapi_error err;
	char *body = NULL;
	size_t len = 0;
	/* unknown method: pass_error hands the envelope back with status OK */
	CHECK_OK(socapi_call_raw(s, "no.suchMethod", NULL, 0, false, &body, &len, &err), err);
	CHECK(err.status == SOCAPI_OK && err.api_code == MAILRU_ERROR_UNKNOWN_METHOD);
	CHECK(body && strstr(body, "\"error_code\":2") && strstr(body, "Unknown method"));
	CHECK(body && len == strlen(body));
	socapi_free(body);

	/* a known method, as received: the uid text is the exact decimal */
	body = NULL;
	const struct socapi_param args[] = {{"uids", IVAN}};
	CHECK_OK(socapi_call_raw(s, "users.getInfo", args, 1, true, &body, &len, &err), err);
	CHECK(err.api_code == 0);
	CHECK(body && strstr(body, "\"uid\":\"" IVAN "\"") && strstr(body, "Иван"));
	socapi_free(body);

	/* GET works too, and a raw sig parameter is replaced, not sent twice */
	body = NULL;
	const struct socapi_param with_sig[] = {{"sig", "deadbeef"}, {"uids", MARIA}};
	CHECK_OK(socapi_call_raw(s, "users.getInfo", with_sig, 2, false, &body, &len, &err), err);
	CHECK(err.api_code == 0 && body && strstr(body, MARIA));
	socapi_free(body);

	/* API error 104 through raw: OK, api_code set */
	socapi_session_free(s);
	s = open_session(IVAN, "0123", NULL, SESSION_KEY, SOCAPI_MAILRU_CIRCUIT_AUTO, NULL);
	body = NULL;
	CHECK_OK(socapi_call_raw(s, "users.getInfo", NULL, 0, true, &body, &len, &err), err);
	CHECK(err.api_code == 104 && body && strstr(body, "\"error_code\":104"));
	socapi_free(body);
	socapi_session_free(s);
}

static void test_circuit_restrictions(void)
{
	struct log log = {0};
	struct socapi_options o = log_opts(&log, SOCAPI_LOG_DEBUG);
	struct socapi_error err;

	/* audios.top is client-server only */
	struct socapi_session *server = open_session(NULL, NULL, SECRET_KEY, SESSION_KEY,
	                                             SOCAPI_MAILRU_CIRCUIT_AUTO, &o);
	struct mailru_track_list *tracks = (void *)&err;
	CHECK(mailru_audios_top(server, NULL, &tracks, &err) == SOCAPI_E_ARG);
	CHECK(tracks == NULL && log.n == 0 && err.http_status == 0);

	struct socapi_session *client = client_session(NULL);
	tracks = NULL;
	CHECK_OK(mailru_audios_top(client, NULL, &tracks, &err), err);
	CHECK(tracks && tracks->n_items == 10 && tracks->items[0].name && tracks->items[0].author);
	socapi_free(tracks);

	/* notifications.send is server-server only and sends no session key */
	int64_t sent = 0;
	uint64_t to[] = {IVAN_U, MARIA_U};
	struct mailru_notifications_send_params np = {.uids = {to, 2}, .text = "Новое событие в игре"};
	CHECK(mailru_notifications_send(client, &np, &sent, &err) == SOCAPI_E_ARG);
	CHECK(err.http_status == 0);
	log_clear(&log);
	/* an integer result: the body is the bare JSON number 1 */
	CHECK_OK(mailru_notifications_send(server, &np, &sent, &err), err);
	CHECK(sent == 1);
	CHECK(log_count(&log, "secure=1") == 1 && log_count(&log, "session_key") == 0);

	/* the same bare body through socapi_call_raw and socapi_decode */
	char *body = NULL;
	const struct socapi_param raw_args[] = {{"uids", IVAN}, {"text", "raw"}};
	CHECK_OK(socapi_call_raw(server, "notifications.send", raw_args, 2, true, &body, NULL, &err), err);
	CHECK(body && strcmp(body, "1") == 0);
	socapi_free(body);
	void *one = NULL;
	CHECK_OK(socapi_decode(&socapi_type_int, "1", 1, &one, &err), err); /* a bare number is a whole body */
	CHECK(one && *(int64_t *)one == 1);
	socapi_free(one);
	one = NULL;
	CHECK_OK(socapi_decode(&socapi_type_int, "1\n", 2, &one, &err), err);
	socapi_free(one);

	socapi_session_free(server);

	/* a server session with no session key at all is enough for it */
	server = open_session(NULL, NULL, SECRET_KEY, NULL, SOCAPI_MAILRU_CIRCUIT_SERVER, NULL);
	sent = 0;
	CHECK_OK(mailru_notifications_send(server, &np, &sent, &err), err);
	CHECK(sent == 1);
	/* an unknown recipient: 100 */
	uint64_t nobody[] = {42};
	np.uids = (struct socapi_uint_list){nobody, 1};
	CHECK(mailru_notifications_send(server, &np, &sent, &err) == SOCAPI_E_API && err.api_code == 100);
	socapi_session_free(server);
	socapi_session_free(client);
	log_clear(&log);
}

/* ---- faults ---- */

static bool add_fault(const char *json)
{
	bool ok = emulator_control(&emu, "faults", json);
	CHECK(ok);
	return ok;
}

static void test_faults(void)
{
	struct socapi_error err;
	CHECK(emulator_control(&emu, "reset", "{}"));
	struct socapi_options o = SOCAPI_OPTIONS_INIT;
	o.timeout_ms = 1000;
	struct mailru_user_list *users = NULL;

	/* reset on the first request of a session: the connection drops without an answer */
	struct socapi_session *s = client_session(&o);
	add_fault("{\"path\": \"/mailru/platform/api\", \"fault\": \"reset\", \"method\": \"users.getInfo\"}");
	users = (void *)&err;
	CHECK(mailru_users_get_info(s, NULL, &users, &err) == SOCAPI_E_TRANSPORT);
	CHECK(users == NULL && err.curl_code != 0 && err.http_status == 0);
	CHECK(get_info_is_ivan(s, &err)); /* the connection is up and reused from now on */

	/* on a reused connection libcurl retries once on a fresh one when the old one died
	 * before any answer, so one reset is absorbed and two are seen */
	add_fault("{\"path\": \"/mailru/platform/api\", \"fault\": \"reset\"}");
	CHECK(get_info_is_ivan(s, &err));
	add_fault("{\"path\": \"/mailru/platform/api\", \"fault\": \"reset\", \"times\": 2}");
	CHECK(mailru_users_get_info(s, NULL, &users, &err) == SOCAPI_E_TRANSPORT);
	CHECK(users == NULL && err.curl_code != 0);
	CHECK(get_info_is_ivan(s, &err));

	/* timeout: the answer comes after the session's limit */
	add_fault("{\"path\": \"/mailru/platform/api\", \"fault\": \"timeout\", \"delay_ms\": 3000}");
	CHECK(mailru_users_get_info(s, NULL, &users, &err) == SOCAPI_E_TRANSPORT);
	CHECK(users == NULL && err.curl_code == CURLE_OPERATION_TIMEDOUT);
	CHECK(get_info_is_ivan(s, &err));

	/* an HTML error page */
	add_fault("{\"path\": \"/mailru/platform/api\", \"fault\": \"http500\"}");
	CHECK(mailru_users_get_info(s, NULL, &users, &err) == SOCAPI_E_HTTP);
	CHECK(users == NULL && err.http_status == 500);
	CHECK(get_info_is_ivan(s, &err));
	add_fault("{\"path\": \"/mailru/platform/api\", \"fault\": \"http503\"}");
	CHECK(mailru_users_get_info(s, NULL, &users, &err) == SOCAPI_E_HTTP);
	CHECK(users == NULL && err.http_status == 503);
	CHECK(get_info_is_ivan(s, &err));

	/* half a body */
	add_fault("{\"path\": \"/mailru/platform/api\", \"fault\": \"truncated\"}");
	CHECK(mailru_users_get_info(s, NULL, &users, &err) == SOCAPI_E_PARSE);
	CHECK(users == NULL && err.http_status == 200);
	CHECK(get_info_is_ivan(s, &err));

	/* 200 with HTML, and 200 with nothing */
	add_fault("{\"path\": \"/mailru/platform/api\", \"fault\": \"nonjson\"}");
	CHECK(mailru_users_get_info(s, NULL, &users, &err) == SOCAPI_E_PARSE && users == NULL);
	CHECK(get_info_is_ivan(s, &err));
	add_fault("{\"path\": \"/mailru/platform/api\", \"fault\": \"empty\"}");
	CHECK(mailru_users_get_info(s, NULL, &users, &err) == SOCAPI_E_PARSE && users == NULL);
	CHECK(get_info_is_ivan(s, &err));

	/* an API error injected for one method only */
	add_fault("{\"path\": \"/mailru/platform/api\", \"fault\": \"api_error\", \"code\": 201, "
	          "\"method\": \"users.getInfo\"}");
	struct mailru_count *count = NULL;
	CHECK_OK(mailru_events_get_new_count(s, NULL, &count, &err), err); /* not hit */
	socapi_free(count);
	CHECK(mailru_users_get_info(s, NULL, &users, &err) == SOCAPI_E_API);
	CHECK(users == NULL && err.api_code == MAILRU_ERROR_RATE_LIMIT);
	CHECK(get_info_is_ivan(s, &err));

	/* times: 2 hits two calls, then it is gone */
	add_fault("{\"path\": \"/mailru/platform/api\", \"fault\": \"api_error\", \"code\": 3, \"times\": 2}");
	CHECK(mailru_users_get_info(s, NULL, &users, &err) == SOCAPI_E_API && err.api_code == 3);
	CHECK(mailru_users_get_info(s, NULL, &users, &err) == SOCAPI_E_API && err.api_code == 3);
	CHECK(get_info_is_ivan(s, &err));

	/* raw calls see injected errors as bodies */
	add_fault("{\"path\": \"/mailru/platform/api\", \"fault\": \"api_error\", \"code\": 201}");
	char *body = NULL;
	CHECK_OK(socapi_call_raw(s, "users.getInfo", NULL, 0, true, &body, NULL, &err), err);
	CHECK(err.api_code == 201 && body && strstr(body, "201"));
	socapi_free(body);
	add_fault("{\"path\": \"/mailru/platform/api\", \"fault\": \"nonjson\"}");
	body = (char *)"x";
	CHECK(socapi_call_raw(s, "users.getInfo", NULL, 0, true, &body, NULL, &err) == SOCAPI_E_PARSE);
	CHECK(body == NULL);
	CHECK(get_info_is_ivan(s, &err));
	socapi_session_free(s);

	/* a body larger than max_body; a small answer still fits afterwards */
	o = (struct socapi_options)SOCAPI_OPTIONS_INIT;
	o.max_body = 200;
	s = client_session(&o);
	CHECK(mailru_users_get_info(s, NULL, &users, &err) == SOCAPI_E_TRANSPORT);
	CHECK(users == NULL && strstr(err.message, "200"));
	struct mailru_is_app_user *app_user = NULL;
	CHECK_OK(mailru_users_is_app_user(s, NULL, &app_user, &err), err);
	CHECK(app_user && app_user->has_is_app_user && app_user->is_app_user == 1);
	socapi_free(app_user);
	CHECK(mailru_users_get_info(s, NULL, &users, &err) == SOCAPI_E_TRANSPORT && users == NULL);
	app_user = NULL;
	CHECK_OK(mailru_users_is_app_user(s, NULL, &app_user, &err), err);
	socapi_free(app_user);
	socapi_session_free(s);

	/* faults on the token endpoint */
	struct socapi_mailru_app app = emulator_app(APP_ID, SECRET_KEY);
	struct socapi_token *tok = NULL;
	add_fault("{\"path\": \"/mailru/oauth/token\", \"fault\": \"http500\"}");
	CHECK(socapi_mailru_grant_password(&app, NULL, "ivan@mail.ru", "secret", NULL, &tok, &err) ==
	      SOCAPI_E_HTTP && tok == NULL);
	add_fault("{\"path\": \"/mailru/oauth/token\", \"fault\": \"truncated\"}");
	CHECK(socapi_mailru_grant_password(&app, NULL, "ivan@mail.ru", "secret", NULL, &tok, &err) ==
	      SOCAPI_E_PARSE && tok == NULL);
	add_fault("{\"path\": \"/mailru/oauth/token\", \"fault\": \"reset\"}");
	CHECK(socapi_mailru_grant_password(&app, NULL, "ivan@mail.ru", "secret", NULL, &tok, &err) ==
	      SOCAPI_E_TRANSPORT && tok == NULL);
	CHECK_OK(socapi_mailru_grant_password(&app, NULL, "ivan@mail.ru", "secret", NULL, &tok, &err), err);
	socapi_token_free(tok);

	/* a closed port */
	struct socapi_mailru_credentials cred = {.app_id = APP_ID, .uid = IVAN, .private_key = PRIVATE_KEY,
	                                         .session_key = SESSION_KEY,
	                                         .api_url = "http://127.0.0.1:1/platform/api"};
	CHECK_OK(socapi_mailru_session_new(&cred, NULL, &s, &err), err);
	CHECK(mailru_users_get_info(s, NULL, &users, &err) == SOCAPI_E_TRANSPORT);
	CHECK(users == NULL && err.curl_code == CURLE_COULDNT_CONNECT);
	socapi_session_free(s);
}

int main(void)
{
	if (!mailru_emulator_begin())
		return 1;

	test_client_server();
	test_server_server();
	test_auto_choice();
	test_no_keys();
	test_api_errors();
	test_raw();
	test_circuit_restrictions();
	test_faults();

	return mailru_emulator_end();
}
