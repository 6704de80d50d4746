/*
 * test_mailru_emulator.c - the Mail.Ru binding end to end against the
 * bundled emulator (loopback only): both signing circuits and the AUTO
 * rule, typed calls (lists, unions, counters, paging), raw calls with
 * pass_error, multipart uploads, the four OAuth grants, scopes, injected
 * faults with connection reuse, and log redaction.
 */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "emulator_harness.h"

#include <curl/curl.h>
#include <signal.h>
#include <mailru/mailru.h>
#include <socapi/mailru.h>
#include <stdlib.h>
#include <unistd.h>

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

/* ---- helpers ---- */

#define MAX_LINES 4096

struct log {
	char *lines[MAX_LINES];
	size_t n;
};

static void collect(void *ctx, enum socapi_log_level level, const char *line)
{
	(void)level;
	struct log *l = ctx;
	if (l->n < MAX_LINES)
		l->lines[l->n++] = strdup(line);
}

static void log_clear(struct log *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->lines[i]);
	l->n = 0;
}

/* The number of collected lines containing needle. */
static size_t log_count(const struct log *l, const char *needle)
{
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++)
		if (l->lines[i] && strstr(l->lines[i], needle))
			n++;
	return n;
}

static struct socapi_options log_opts(struct log *l, enum socapi_log_level level)
{
	struct socapi_options o = SOCAPI_OPTIONS_INIT;
	o.log = collect;
	o.log_ctx = l;
	o.log_level = level;
	return o;
}

static struct socapi_session *open_session(const char *uid, const char *private_key,
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

static struct socapi_session *client_session(const struct socapi_options *opts)
{
	return open_session(IVAN, PRIVATE_KEY, NULL, SESSION_KEY, SOCAPI_MAILRU_CIRCUIT_AUTO, opts);
}

static struct socapi_mailru_app emulator_app(const char *app_id, const char *secret)
{
	struct socapi_mailru_app app = {
		.app_id = app_id, .secret_key = secret, .token_url = token_url,
		.code_token_url = token_url, .authorize_url = authorize_url,
	};
	return app;
}

/* True when url serves exactly the size bytes at data. */
static bool serves(const char *url, const void *data, size_t size)
{
	struct body b;
	long status = url ? http_get(url, &b) : -1;
	bool same = status == 200 && b.len == size && memcmp(b.data, data, size) == 0;
	if (url)
		free(b.data);
	return same;
}

static bool starts_with(const char *s, const char *prefix)
{
	return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool is_hex32(const char *s)
{
	if (!s || strlen(s) != 32)
		return false;
	for (const char *c = s; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
			return false;
	return true;
}

/* users.getInfo of the session's user: true when it is Иван Петров. */
static bool get_info_is_ivan(struct socapi_session *s, struct socapi_error *err)
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

/* ---- typed calls ---- */

static void test_friends(void)
{
	struct log log = {0};
	struct socapi_options o = log_opts(&log, SOCAPI_LOG_DEBUG);
	struct socapi_session *s = client_session(&o);
	struct socapi_error err;

	struct socapi_uint_list *uids = NULL;
	CHECK_OK(mailru_friends_get(s, NULL, &uids, &err), err);
	CHECK(uids && uids->n_items == 15); /* Иван has exactly 15 friends */
	bool maria = false, sorted = true;
	for (size_t i = 0; uids && i < uids->n_items; i++) {
		maria = maria || uids->items[i] == MARIA_U;
		sorted = sorted && (i == 0 || uids->items[i - 1] < uids->items[i]);
	}
	CHECK(maria && sorted);
	/* the plain variant sends ext=0 itself; an unset offset is not sent */
	CHECK(log_count(&log, "ext=0") == 1 && log_count(&log, "offset=") == 0);

	/* offset 0 is a value: it is sent */
	log_clear(&log);
	struct mailru_friends_get_params p = {.has_offset = true, .offset = 0};
	struct socapi_uint_list *again = NULL;
	CHECK_OK(mailru_friends_get(s, &p, &again, &err), err);
	CHECK(log_count(&log, "offset=0") == 1);
	CHECK(again && uids && again->n_items == uids->n_items &&
	      memcmp(again->items, uids->items, uids->n_items * sizeof *uids->items) == 0);
	socapi_free(again);

	/* offset 5 skips five */
	p.offset = 5;
	again = NULL;
	CHECK_OK(mailru_friends_get(s, &p, &again, &err), err);
	CHECK(again && uids && again->n_items == 10 && again->items[0] == uids->items[5]);
	socapi_free(again);

	/* extended: ext=1 forced, User objects in the same order */
	log_clear(&log);
	p = (struct mailru_friends_get_params){.has_offset = true, .offset = 0};
	struct mailru_user_list *users = NULL;
	CHECK_OK(mailru_friends_get_with_extended(s, &p, &users, &err), err);
	CHECK(log_count(&log, "ext=1") == 1 && log_count(&log, "offset=0") == 1);
	CHECK(users && uids && users->n_items == uids->n_items);
	bool same = users && uids && users->n_items == uids->n_items;
	for (size_t i = 0; same && i < users->n_items; i++) {
		const struct mailru_user *u = &users->items[i];
		same = u->has_uid && u->uid == uids->items[i] && u->first_name && u->first_name[0] &&
		       u->has_is_friend && u->is_friend == 1 && u->link;
	}
	CHECK(same);
	socapi_free(users);

	/* someone else's friends, by uid: Мария is friends with Иван */
	p = (struct mailru_friends_get_params){.has_uid = true, .uid = MARIA_U};
	again = NULL;
	CHECK_OK(mailru_friends_get(s, &p, &again, &err), err);
	bool ivan = false;
	for (size_t i = 0; again && i < again->n_items; i++)
		ivan = ivan || again->items[i] == IVAN_U;
	CHECK(ivan);
	socapi_free(again);

	/* the ext selector: socapi_method_find picks the extended variant for ext=1 */
	const struct socapi_param ext1[] = {{"ext", "1"}};
	CHECK(socapi_method_find(mailru_methods, mailru_n_methods, "friends.get", ext1, 1) ==
	      &mailru_friends_get_with_extended_method);
	CHECK(socapi_method_find(mailru_methods, mailru_n_methods, "friends.get", NULL, 0) ==
	      &mailru_friends_get_method);

	socapi_free(uids);
	socapi_session_free(s);
	log_clear(&log);
}

struct stream_seen {
	size_t events, likes, comments, unknown, pages;
	bool attachment[MAILRU_ATTACHMENT_GIFT + 1];
	bool descending, details_ok;
	int64_t last_time;
	char *ids[512];
	size_t n_ids;
	bool duplicate;
};

static const char *item_id(const struct mailru_stream_item *it)
{
	switch (it->kind) {
	case MAILRU_STREAM_ITEM_EVENT: return it->event ? it->event->id : NULL;
	case MAILRU_STREAM_ITEM_LIKE: return it->like ? it->like->id : NULL;
	case MAILRU_STREAM_ITEM_COMMENT: return it->comment ? it->comment->id : NULL;
	case MAILRU_STREAM_ITEM_UNKNOWN: break;
	}
	return NULL;
}

static bool attachment_ok(const struct mailru_attachment *a)
{
	switch (a->kind) {
	case MAILRU_ATTACHMENT_TEXT: return a->text && a->text->content;
	case MAILRU_ATTACHMENT_TAG: return a->tag && a->tag->content && a->tag->content->tag;
	case MAILRU_ATTACHMENT_LINK:
		return a->link && ((a->link->url && a->link->text) ||
		                   (a->link->content && a->link->content->contents));
	case MAILRU_ATTACHMENT_AVATAR: return a->avatar && a->avatar->new_ && a->avatar->new_->src;
	case MAILRU_ATTACHMENT_IMAGE:
		return a->image && a->image->src; /* width/height come as strings when present */
	case MAILRU_ATTACHMENT_MUSIC: return a->music && a->music->name && a->music->has_duration;
	case MAILRU_ATTACHMENT_VIDEO: return a->video && a->video->title && a->video->has_duration;
	case MAILRU_ATTACHMENT_APP:
		return a->app && a->app->content && a->app->content->name && a->app->content->id &&
		       strcmp(a->app->content->id, APP_ID) == 0;
	case MAILRU_ATTACHMENT_GROUP: return a->group && a->group->content && a->group->content->has_uid;
	case MAILRU_ATTACHMENT_GIFT:
		return a->gift && a->gift->content && a->gift->content->from &&
		       a->gift->content->from->has_uid && a->gift->content->to;
	case MAILRU_ATTACHMENT_UNKNOWN: return a->raw != NULL;
	}
	return false;
}

static void see_event(struct stream_seen *seen, const struct mailru_event *e)
{
	if (!e || !e->id || !e->type || e->authors.n_items < 1 || !e->authors.items[0].has_uid) {
		seen->details_ok = false;
		return;
	}
	for (size_t i = 0; i < e->attachments.n_items; i++) {
		const struct mailru_attachment *a = &e->attachments.items[i];
		if (a->kind <= MAILRU_ATTACHMENT_GIFT)
			seen->attachment[a->kind] = true;
		if (!attachment_ok(a))
			seen->details_ok = false;
	}
	for (size_t i = 0; i < e->text_media.n_items; i++)
		if (!attachment_ok(&e->text_media.items[i]))
			seen->details_ok = false;
}

static void see_page(struct stream_seen *seen, const struct mailru_stream_item_list *page)
{
	for (size_t i = 0; i < page->n_items; i++) {
		const struct mailru_stream_item *it = &page->items[i];
		int64_t t = 0;
		bool has_t = false;
		switch (it->kind) {
		case MAILRU_STREAM_ITEM_EVENT:
			seen->events++;
			see_event(seen, it->event);
			has_t = it->event && it->event->has_time;
			t = has_t ? it->event->time : 0;
			break;
		case MAILRU_STREAM_ITEM_LIKE:
			seen->likes++;
			if (!it->like || !it->like->author || !it->like->author->has_uid || !it->like->subevent)
				seen->details_ok = false;
			else
				see_event(seen, it->like->subevent);
			has_t = it->like && it->like->has_time;
			t = has_t ? it->like->time : 0;
			break;
		case MAILRU_STREAM_ITEM_COMMENT:
			seen->comments++;
			if (!it->comment || !it->comment->comment || !it->comment->comment->text ||
			    !it->comment->comment->author || !it->comment->subevent)
				seen->details_ok = false;
			has_t = it->comment && it->comment->has_time;
			t = has_t ? it->comment->time : 0;
			break;
		case MAILRU_STREAM_ITEM_UNKNOWN:
			seen->unknown++;
			break;
		}
		if (!has_t || (seen->last_time && t > seen->last_time))
			seen->descending = false;
		seen->last_time = t;
		const char *id = item_id(it);
		if (!id) {
			seen->details_ok = false;
			continue;
		}
		for (size_t k = 0; k < seen->n_ids; k++)
			if (strcmp(seen->ids[k], id) == 0)
				seen->duplicate = true;
		if (seen->n_ids < sizeof seen->ids / sizeof *seen->ids)
			seen->ids[seen->n_ids++] = strdup(id);
	}
}

static void test_stream(void)
{
	struct log log = {0};
	struct socapi_options o = log_opts(&log, SOCAPI_LOG_DEBUG);
	struct socapi_session *s = client_session(&o);
	struct socapi_error err;

	/* one page, typed: default limit 10 */
	struct mailru_stream_item_list *page = NULL;
	CHECK_OK(mailru_stream_get(s, NULL, &page, &err), err);
	CHECK(page && page->n_items == 10);
	socapi_free(page);

	/* every page, by skip = the last id seen, until an empty list */
	struct stream_seen seen = {.descending = true, .details_ok = true};
	char skip[64] = "";
	bool empty_ok = false;
	for (int guard = 0; guard < 40; guard++) {
		struct mailru_stream_get_params p = {.has_limit = true, .limit = 7,
		                                     .skip = skip[0] ? skip : NULL};
		page = NULL;
		enum socapi_status st = mailru_stream_get(s, &p, &page, &err);
		CHECK_OK(st, err);
		if (st != SOCAPI_OK || !page)
			break;
		if (page->n_items == 0) {
			/* an empty answer is a result, not an error */
			empty_ok = err.status == SOCAPI_OK;
			socapi_free(page);
			break;
		}
		seen.pages++;
		see_page(&seen, page);
		const char *last = item_id(&page->items[page->n_items - 1]);
		snprintf(skip, sizeof skip, "%s", last ? last : "");
		socapi_free(page);
		if (!last)
			break;
	}
	CHECK(empty_ok);
	CHECK(seen.pages >= 3);
	CHECK(seen.events >= 15 && seen.likes >= 1 && seen.comments >= 1);
	CHECK(seen.unknown == 0);
	CHECK(!seen.duplicate && seen.descending && seen.details_ok);
	size_t kinds = 0;
	for (int k = MAILRU_ATTACHMENT_TEXT; k <= MAILRU_ATTACHMENT_GIFT; k++)
		kinds += seen.attachment[k];
	CHECK(kinds >= 8);
	CHECK(seen.attachment[MAILRU_ATTACHMENT_IMAGE] && seen.attachment[MAILRU_ATTACHMENT_MUSIC] &&
	      seen.attachment[MAILRU_ATTACHMENT_VIDEO] && seen.attachment[MAILRU_ATTACHMENT_GIFT] &&
	      seen.attachment[MAILRU_ATTACHMENT_LINK] && seen.attachment[MAILRU_ATTACHMENT_GROUP]);
	CHECK(log_count(&log, "skip=") >= 3 && log_count(&log, "limit=7") >= 3);

	/* the offset paging gives the same first items */
	struct mailru_stream_get_params op = {.has_offset = true, .offset = 0, .has_limit = true, .limit = 3};
	page = NULL;
	CHECK_OK(mailru_stream_get(s, &op, &page, &err), err);
	CHECK(page && page->n_items == 3 && seen.n_ids >= 3);
	for (size_t i = 0; page && i < page->n_items && i < seen.n_ids; i++)
		CHECK_STR(item_id(&page->items[i]), seen.ids[i]);
	socapi_free(page);

	/* past the end by offset: an empty list, still OK */
	op.offset = 100000;
	page = NULL;
	CHECK_OK(mailru_stream_get(s, &op, &page, &err), err);
	CHECK(page && page->n_items == 0);
	socapi_free(page);

	for (size_t i = 0; i < seen.n_ids; i++)
		free(seen.ids[i]);
	socapi_session_free(s);
	log_clear(&log);
}

static void test_photos(void)
{
	struct socapi_session *s = client_session(NULL);
	struct socapi_error err;
	struct mailru_album_list *albums = NULL;
	CHECK_OK(mailru_photos_get_albums(s, NULL, &albums, &err), err);
	CHECK(albums && albums->n_items == 3);
	if (!albums || albums->n_items != 3) {
		socapi_free(albums);
		socapi_session_free(s);
		return;
	}
	const struct mailru_album *a = &albums->items[0];
	CHECK_STR(a->aid, "_myphoto");
	CHECK_STR(a->title, "Фото со мной");
	CHECK(a->has_owner && a->owner == IVAN_U);
	CHECK(a->has_size && a->size >= 4);
	CHECK(a->has_created && a->has_updated && a->updated >= a->created); /* strings in JSON */
	CHECK(a->has_cover_pid && a->cover_pid > 0);
	CHECK(albums->items[2].has_size && albums->items[2].size == 0);
	CHECK(!albums->items[2].has_cover_pid); /* "" without a cover, as real answers have it */

	struct mailru_photos_get_params pp = {.aid = "_myphoto"};
	struct mailru_photo_list *photos = NULL;
	CHECK_OK(mailru_photos_get(s, &pp, &photos, &err), err);
	CHECK(photos && (int64_t)photos->n_items == a->size);
	bool ok = photos != NULL;
	for (size_t i = 0; photos && i < photos->n_items; i++) {
		const struct mailru_photo *ph = &photos->items[i];
		ok = ok && ph->has_pid && ph->aid && strcmp(ph->aid, "_myphoto") == 0 && ph->has_owner &&
		     ph->owner == IVAN_U && ph->src && ph->has_width && ph->has_size &&
		     ((ph->width > 480 || ph->height > 480) == (ph->src_big != NULL));
	}
	CHECK(ok);
	CHECK(photos && photos->n_items && photos->items[0].has_pid && photos->items[0].pid == a->cover_pid);

	/* pids filter, and another user's albums by uid */
	if (photos && photos->n_items > 1) {
		int64_t pid = photos->items[1].pid;
		struct mailru_photos_get_params one = {.aid = "_myphoto", .pids = {&pid, 1}};
		struct mailru_photo_list *single = NULL;
		CHECK_OK(mailru_photos_get(s, &one, &single, &err), err);
		CHECK(single && single->n_items == 1 && single->items[0].pid == pid);
		socapi_free(single);
	}
	const char *aids_items[] = {"album1"};
	struct mailru_photos_get_albums_params ap = {.has_uid = true, .uid = IVAN_U, .aids = {aids_items, 1}};
	struct mailru_album_list *one_album = NULL;
	CHECK_OK(mailru_photos_get_albums(s, &ap, &one_album, &err), err);
	CHECK(one_album && one_album->n_items == 1 && one_album->items[0].aid &&
	      strcmp(one_album->items[0].aid, "album1") == 0);
	socapi_free(one_album);
	ap = (struct mailru_photos_get_albums_params){.has_uid = true, .uid = MARIA_U};
	one_album = NULL;
	CHECK_OK(mailru_photos_get_albums(s, &ap, &one_album, &err), err);
	CHECK(one_album && one_album->n_items >= 1 && one_album->items[0].owner == MARIA_U);
	socapi_free(one_album);

	socapi_free(photos);
	socapi_free(albums);
	socapi_session_free(s);
}

static void test_counters(void)
{
	struct socapi_session *s = client_session(NULL);
	struct socapi_error err;
	struct mailru_count *count = NULL;
	CHECK_OK(mailru_events_get_new_count(s, NULL, &count, &err), err);
	CHECK(count && count->has_count && count->count >= 0 && count->count <= 20);
	socapi_free(count);

	struct mailru_is_app_user *app_user = NULL;
	CHECK_OK(mailru_users_is_app_user(s, NULL, &app_user, &err), err);
	CHECK(app_user && app_user->has_is_app_user && app_user->is_app_user == 1);
	socapi_free(app_user);
	struct mailru_users_is_app_user_params ip = {.has_uid = true, .uid = MARIA_U};
	app_user = NULL;
	CHECK_OK(mailru_users_is_app_user(s, &ip, &app_user, &err), err);
	CHECK(app_user && app_user->has_is_app_user && app_user->is_app_user == 1);
	socapi_free(app_user);

	count = NULL;
	CHECK_OK(mailru_messages_get_unread_count(s, &count, &err), err);
	CHECK(count && count->has_count && count->count >= 1); /* the last message of each dialog */
	socapi_free(count);

	/* the same call through socapi_call with the method descriptor */
	count = NULL;
	CHECK_OK(socapi_call(s, &mailru_events_get_new_count_method, NULL, &count, &err), err);
	CHECK(count && count->has_count);
	socapi_free(count);
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

/* ---- uploads ---- */

static void test_uploads(void)
{
	struct socapi_session *s = client_session(NULL);
	struct socapi_error err;

	/* from memory: a small GIF with a NUL and high bytes in it */
	static const unsigned char gif[] = {
		'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0x80, 0, 0, 0xff, 0xff, 0xff, 0, 0, 0, '!',
		0xf9, 4, 1, 0, 0, 0, 0, ',', 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 'D', 1, 0, ';'};
	struct socapi_file mem = {.data = gif, .size = sizeof gif, .filename = "pixel.gif",
	                          .content_type = "image/gif"};
	struct mailru_photos_upload_params up = {.img_file = &mem, .name = "Пиксель"};
	struct mailru_photo *photo = NULL;
	CHECK_OK(mailru_photos_upload(s, &up, &photo, &err), err);
	CHECK(photo && photo->has_size && photo->size == (int64_t)sizeof gif);
	CHECK(photo && photo->has_owner && photo->owner == IVAN_U);
	CHECK(photo && photo->aid && strcmp(photo->aid, "_myphoto") == 0);
	CHECK(photo && photo->title && strcmp(photo->title, "Пиксель") == 0);
	CHECK(photo && starts_with(photo->src, emu.base));
	CHECK(photo && serves(photo->src, gif, sizeof gif)); /* the bytes arrived intact */
	int64_t pid = photo && photo->has_pid ? photo->pid : -1;
	socapi_free(photo);

	/* the album now lists it */
	struct mailru_photos_get_params gp = {.aid = "_myphoto", .pids = {&pid, 1}};
	struct mailru_photo_list *found = NULL;
	CHECK_OK(mailru_photos_get(s, &gp, &found, &err), err);
	CHECK(found && found->n_items == 1 && found->items[0].size == (int64_t)sizeof gif);
	socapi_free(found);

	/* from a path, into another album */
	char path[] = "/tmp/socapi-upload-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	unsigned char data[3000];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)(i * 7 + 3);
	bool written = fd >= 0 && write(fd, data, sizeof data) == (ssize_t)sizeof data;
	CHECK(written);
	if (fd >= 0)
		close(fd);
	struct socapi_file disk = {.path = path};
	up = (struct mailru_photos_upload_params){.img_file = &disk, .aid = "album1"};
	photo = NULL;
	CHECK_OK(mailru_photos_upload(s, &up, &photo, &err), err);
	CHECK(photo && photo->has_size && photo->size == (int64_t)sizeof data);
	CHECK(photo && photo->aid && strcmp(photo->aid, "album1") == 0);
	CHECK(photo && serves(photo->src, data, sizeof data));
	socapi_free(photo);

	/* a path that does not exist: an argument error, nothing half-built */
	struct socapi_file missing = {.path = "/nonexistent/socapi/none.gif"};
	up = (struct mailru_photos_upload_params){.img_file = &missing};
	photo = (void *)&err;
	enum socapi_status st = mailru_photos_upload(s, &up, &photo, &err);
	CHECK(st != SOCAPI_OK && photo == NULL);

	/* guestbook.post with the file from memory, then read it back */
	struct mailru_guestbook_post_params gb = {.has_uid = true, .uid = MARIA_U, .title = "Привет",
	                                          .description = "Фото с прогулки", .img_file = &mem};
	int64_t posted = 0;
	CHECK_OK(mailru_guestbook_post(s, &gb, &posted, &err), err);
	CHECK(posted == 1);
	struct mailru_guestbook_get_params gg = {.has_uid = true, .uid = MARIA_U,
	                                         .has_limit = true, .limit = 1};
	struct mailru_guestbook_entry_list *entries = NULL;
	CHECK_OK(mailru_guestbook_get(s, &gg, &entries, &err), err);
	CHECK(entries && entries->n_items == 1);
	if (entries && entries->n_items == 1) {
		const struct mailru_guestbook_entry *e = &entries->items[0];
		CHECK_STR(e->description, "Фото с прогулки");
		CHECK_STR(e->title, "Привет");
		CHECK(e->author && e->author->has_uid && e->author->uid == IVAN_U);
		CHECK(serves(e->img_url, gif, sizeof gif));
	}
	socapi_free(entries);

	/* guestbook.post with the file from the path */
	gb = (struct mailru_guestbook_post_params){.has_uid = true, .uid = IVAN_U,
	                                           .description = "С диска", .img_file = &disk};
	posted = 0;
	CHECK_OK(mailru_guestbook_post(s, &gb, &posted, &err), err);
	CHECK(posted == 1);
	gg = (struct mailru_guestbook_get_params){.has_limit = true, .limit = 1};
	entries = NULL;
	CHECK_OK(mailru_guestbook_get(s, &gg, &entries, &err), err);
	CHECK(entries && entries->n_items == 1 && entries->items[0].description &&
	      strcmp(entries->items[0].description, "С диска") == 0 &&
	      serves(entries->items[0].img_url, data, sizeof data));
	socapi_free(entries);
	unlink(path);
	socapi_session_free(s);
}

/* ---- OAuth ---- */

static bool fetch_code(const char *client_id, const char *redirect_uri_enc, const char *uid,
                       const char *scope_enc, char code[64])
{
	char query[512];
	snprintf(query, sizeof query, "mailru/code?client_id=%s&redirect_uri=%s&uid=%s&scope=%s",
	         client_id, redirect_uri_enc, uid, scope_enc);
	return emulator_code(&emu, query, code);
}

static void check_token(const struct socapi_token *t, const char *uid)
{
	CHECK(t != NULL);
	if (!t)
		return;
	CHECK(is_hex32(t->access_token));
	CHECK(is_hex32(t->refresh_token));
	CHECK(t->has_expires_in && t->expires_in == 86400);
	CHECK_STR(t->uid, uid);
	CHECK_STR(t->token_type, "bearer");
}

static void test_grant_password(void)
{
	struct socapi_mailru_app app = emulator_app(APP_ID, SECRET_KEY);
	struct socapi_error err;
	struct socapi_token *tok = NULL;
	CHECK_OK(socapi_mailru_grant_password(&app, NULL, "ivan@mail.ru", "secret", NULL, &tok, &err), err);
	check_token(tok, IVAN);
	CHECK(tok && tok->cookies == NULL);
	CHECK(tok && strcmp(tok->access_token, SESSION_KEY) != 0);

	/* the granted token as a session key, client-server with the uid it came with */
	if (tok && tok->uid) {
		struct socapi_session *s = open_session(tok->uid, PRIVATE_KEY, NULL, tok->access_token,
		                                        SOCAPI_MAILRU_CIRCUIT_AUTO, NULL);
		CHECK(get_info_is_ivan(s, &err));
		socapi_session_free(s);
		s = open_session(NULL, NULL, SECRET_KEY, tok->access_token, SOCAPI_MAILRU_CIRCUIT_AUTO, NULL);
		CHECK(get_info_is_ivan(s, &err));
		socapi_session_free(s);
	}

	/* refresh: a new access token, the same refresh token and user */
	struct socapi_token *fresh = NULL;
	if (tok)
		CHECK_OK(socapi_mailru_grant_refresh(&app, NULL, tok->refresh_token, &fresh, &err), err);
	check_token(fresh, IVAN);
	CHECK(fresh && tok && strcmp(fresh->access_token, tok->access_token) != 0);
	CHECK(fresh && tok && strcmp(fresh->refresh_token, tok->refresh_token) == 0);
	if (fresh) {
		struct socapi_session *s = open_session(IVAN, PRIVATE_KEY, NULL, fresh->access_token,
		                                        SOCAPI_MAILRU_CIRCUIT_AUTO, NULL);
		CHECK(get_info_is_ivan(s, &err));
		socapi_session_free(s);
	}
	socapi_token_free(fresh);
	socapi_token_free(tok);

	/* refusals */
	tok = (void *)&err;
	CHECK(socapi_mailru_grant_password(&app, NULL, "ivan@mail.ru", "wrong", NULL, &tok, &err) ==
	      SOCAPI_E_AUTH);
	CHECK(tok == NULL);
	CHECK_STR(err.oauth_error, "invalid_grant");
	CHECK(err.http_status == 400);
	CHECK(socapi_mailru_grant_password(&app, NULL, "blocked@mail.ru", "secret", NULL, &tok, &err) ==
	      SOCAPI_E_AUTH && tok == NULL);
	CHECK_STR(err.oauth_error, "invalid_user");
	CHECK(socapi_mailru_grant_password(&app, NULL, "ivan@mail.ru", "secret", "photos nosuch", &tok,
	                                   &err) == SOCAPI_E_AUTH && tok == NULL);
	CHECK_STR(err.oauth_error, "invalid_request");
	struct socapi_mailru_app bad_secret = emulator_app(APP_ID, "not-the-secret");
	CHECK(socapi_mailru_grant_password(&bad_secret, NULL, "ivan@mail.ru", "secret", NULL, &tok, &err) ==
	      SOCAPI_E_AUTH && tok == NULL);
	CHECK_STR(err.oauth_error, "invalid_client");
	CHECK(socapi_mailru_grant_refresh(&app, NULL, "00000000000000000000000000000000", &tok, &err) ==
	      SOCAPI_E_AUTH && tok == NULL);
	CHECK_STR(err.oauth_error, "invalid_grant");
	/* missing inputs: nothing sent */
	CHECK(socapi_mailru_grant_password(&app, NULL, "", "secret", NULL, &tok, &err) == SOCAPI_E_ARG);
	CHECK(socapi_mailru_grant_refresh(&app, NULL, NULL, &tok, &err) == SOCAPI_E_ARG && tok == NULL);
	struct socapi_mailru_app no_id = emulator_app(NULL, SECRET_KEY);
	CHECK(socapi_mailru_grant_password(&no_id, NULL, "ivan@mail.ru", "secret", NULL, &tok, &err) ==
	      SOCAPI_E_ARG && tok == NULL);
}

static void test_grant_code(void)
{
	struct socapi_mailru_app app = emulator_app(APP_ID, SECRET_KEY);
	struct socapi_error err;
	const char *redirect = "http://localhost/callback?from=socapi";
	const char *redirect_enc = "http%3A%2F%2Flocalhost%2Fcallback%3Ffrom%3Dsocapi";
	char code[64];
	CHECK(fetch_code(APP_ID, redirect_enc, IVAN, "photos%20stream", code));

	/* a different redirect_uri is refused and does not use the code up */
	struct socapi_token *tok = (void *)&err;
	CHECK(socapi_mailru_grant_code(&app, NULL, code, "http://localhost/other", &tok, &err) ==
	      SOCAPI_E_AUTH && tok == NULL);
	CHECK_STR(err.oauth_error, "invalid_grant");

	CHECK_OK(socapi_mailru_grant_code(&app, NULL, code, redirect, &tok, &err), err);
	check_token(tok, IVAN);
	if (tok) {
		struct socapi_session *s = open_session(IVAN, PRIVATE_KEY, NULL, tok->access_token,
		                                        SOCAPI_MAILRU_CIRCUIT_AUTO, NULL);
		CHECK(get_info_is_ivan(s, &err));
		/* that code's scope has no messages */
		struct mailru_count *count = NULL;
		CHECK(mailru_messages_get_unread_count(s, &count, &err) == SOCAPI_E_API);
		CHECK(err.api_code == MAILRU_ERROR_PERMISSION && count == NULL);
		socapi_session_free(s);
	}
	socapi_token_free(tok);

	/* a code works once */
	tok = NULL;
	CHECK(socapi_mailru_grant_code(&app, NULL, code, redirect, &tok, &err) == SOCAPI_E_AUTH);
	CHECK(tok == NULL);
	CHECK_STR(err.oauth_error, "invalid_grant");

	/* Мария's code gives Мария */
	CHECK(fetch_code(APP_ID, redirect_enc, MARIA, "", code));
	CHECK_OK(socapi_mailru_grant_code(&app, NULL, code, redirect, &tok, &err), err);
	check_token(tok, MARIA);
	socapi_token_free(tok);
	CHECK(socapi_mailru_grant_code(&app, NULL, NULL, redirect, &tok, &err) == SOCAPI_E_ARG);
}

/* The implicit grant through the login form and the access dialog. */
static void test_grant_implicit(void)
{
	struct socapi_mailru_app app = emulator_app(APP_ID, SECRET_KEY);
	struct socapi_error err;
	struct socapi_token *tok = NULL;
	CHECK_OK(socapi_mailru_grant_implicit(&app, NULL, "ivan@mail.ru", "secret", NULL, &tok, &err), err);
	check_token(tok, IVAN);
	CHECK(tok && tok->cookies && tok->cookies[0] && strstr(tok->cookies, "Mpop"));
	if (tok) {
		struct socapi_session *s = open_session(tok->uid, PRIVATE_KEY, NULL, tok->access_token,
		                                        SOCAPI_MAILRU_CIRCUIT_AUTO, NULL);
		CHECK(get_info_is_ivan(s, &err));
		/* the full scope includes messages */
		struct mailru_count *count = NULL;
		CHECK_OK(mailru_messages_get_unread_count(s, &count, &err), err);
		CHECK(count && count->has_count);
		socapi_free(count);
		socapi_session_free(s);
	}
	socapi_token_free(tok);

	/* another domain: the e-mail is split into Login and Domain */
	tok = NULL;
	CHECK_OK(socapi_mailru_grant_implicit(&app, NULL, "maria@bk.ru", "secret2", "photos", &tok, &err),
	         err);
	check_token(tok, MARIA);
	socapi_token_free(tok);

	struct {
		const char *app_id, *email, *password, *expect;
	} refusals[] = {
		{APP_ID, "ivan@mail.ru", "wrong", "invalid_grant"},
		{APP_ID, "nobody@mail.ru", "secret", "invalid_grant"},
		{APP_ID, "blocked@mail.ru", "secret", "invalid_user"},
		{DEV_APP_ID, "ivan@mail.ru", "secret", "client_not_available"},
		{"999999", "ivan@mail.ru", "secret", "invalid_client"},
	};
	for (size_t i = 0; i < sizeof refusals / sizeof *refusals; i++) {
		struct socapi_mailru_app a = emulator_app(refusals[i].app_id, SECRET_KEY);
		tok = (void *)&err;
		enum socapi_status st = socapi_mailru_grant_implicit(&a, NULL, refusals[i].email,
		                                                     refusals[i].password, NULL, &tok, &err);
		CHECK(st == SOCAPI_E_AUTH && tok == NULL);
		CHECK_STR(err.oauth_error, refusals[i].expect);
	}
	/* not an e-mail: nothing sent */
	CHECK(socapi_mailru_grant_implicit(&app, NULL, "ivan", "secret", NULL, &tok, &err) == SOCAPI_E_ARG);
	CHECK(tok == NULL);
}

static void test_scope(void)
{
	struct socapi_mailru_app app = emulator_app(APP_ID, SECRET_KEY);
	struct socapi_error err;
	struct socapi_token *tok = NULL;
	CHECK_OK(socapi_mailru_grant_password(&app, NULL, "ivan@mail.ru", "secret", "stream", &tok, &err),
	         err);
	if (!tok)
		return;
	struct socapi_session *s = open_session(IVAN, PRIVATE_KEY, NULL, tok->access_token,
	                                        SOCAPI_MAILRU_CIRCUIT_AUTO, NULL);
	struct mailru_count *count = (void *)&err;
	CHECK(mailru_messages_get_unread_count(s, &count, &err) == SOCAPI_E_API);
	CHECK(err.api_code == MAILRU_ERROR_PERMISSION && count == NULL);
	/* what needs no permission still works with that token */
	CHECK(get_info_is_ivan(s, &err));
	/* hasAppPermission reports the scope */
	struct mailru_users_has_app_permission_params hp = {.ext_perm = "stream"};
	struct mailru_app_permissions *perms = NULL;
	CHECK_OK(mailru_users_has_app_permission(s, &hp, &perms, &err), err);
	CHECK(perms && perms->has_stream && perms->stream == 1 && perms->has_messages && perms->messages == 0);
	socapi_free(perms);
	socapi_session_free(s);
	socapi_token_free(tok);
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

/* ---- logging ---- */

static void test_logging(void)
{
	struct log log = {0};
	struct socapi_options o = log_opts(&log, SOCAPI_LOG_DEBUG);
	struct socapi_error err;

	/* client-server call; its signature can be recomputed (sorted params) */
	struct socapi_session *s = client_session(&o);
	CHECK(get_info_is_ivan(s, &err));
	const struct socapi_param signed_params[] = {
		{"app_id", APP_ID}, {"method", "users.getInfo"}, {"session_key", SESSION_KEY}};
	char client_sig[33] = "";
	CHECK_OK(socapi_mailru_sign(SOCAPI_MAILRU_CIRCUIT_CLIENT, IVAN, PRIVATE_KEY, signed_params, 3,
	                            client_sig, &err), err);
	socapi_session_free(s);

	/* server-server call */
	s = open_session(NULL, NULL, SECRET_KEY, SESSION_KEY, SOCAPI_MAILRU_CIRCUIT_AUTO, &o);
	CHECK(get_info_is_ivan(s, &err));
	const struct socapi_param server_params[] = {{"app_id", APP_ID}, {"method", "users.getInfo"},
	                                             {"secure", "1"}, {"session_key", SESSION_KEY}};
	char server_sig[33] = "";
	CHECK_OK(socapi_mailru_sign(SOCAPI_MAILRU_CIRCUIT_SERVER, NULL, SECRET_KEY, server_params, 4,
	                            server_sig, &err), err);
	/* a raw call, with a failure logged too */
	char *body = NULL;
	CHECK_OK(socapi_call_raw(s, "no.suchMethod", NULL, 0, false, &body, NULL, &err), err);
	socapi_free(body);
	socapi_session_free(s);

	/* the grants, with every secret in their forms */
	struct socapi_mailru_app app = emulator_app(APP_ID, SECRET_KEY);
	struct socapi_token *tok = NULL, *fresh = NULL, *implicit = NULL;
	CHECK(socapi_mailru_grant_password(&app, &o, "ivan@mail.ru", "pa55-word-x", NULL, &tok, &err) ==
	      SOCAPI_E_AUTH);
	CHECK_OK(socapi_mailru_grant_password(&app, &o, "ivan@mail.ru", "secret", NULL, &tok, &err), err);
	if (tok)
		CHECK_OK(socapi_mailru_grant_refresh(&app, &o, tok->refresh_token, &fresh, &err), err);
	CHECK(socapi_mailru_grant_implicit(&app, &o, "ivan@mail.ru", "pa55-word-x", NULL, &implicit,
	                                   &err) == SOCAPI_E_AUTH);
	CHECK_OK(socapi_mailru_grant_implicit(&app, &o, "ivan@mail.ru", "secret", NULL, &implicit, &err),
	         err);
	char code[64] = "";
	CHECK(fetch_code(APP_ID, "http%3A%2F%2Flocalhost%2Fcb", IVAN, "", code));
	struct socapi_token *by_code = NULL;
	CHECK_OK(socapi_mailru_grant_code(&app, &o, code, "http://localhost/cb", &by_code, &err), err);
	if (tok) {
		s = open_session(IVAN, PRIVATE_KEY, NULL, tok->access_token, SOCAPI_MAILRU_CIRCUIT_AUTO, &o);
		CHECK(get_info_is_ivan(s, &err));
		socapi_session_free(s);
	}

	CHECK(log.n >= 10);
	CHECK(log_count(&log, "<redacted>") >= 6);
	CHECK(log_count(&log, "sig=<redacted>") >= 3);
	CHECK(log_count(&log, "session_key=<redacted>") >= 3);
	CHECK(log_count(&log, "client_secret=<redacted>") >= 3);
	CHECK(log_count(&log, "password=<redacted>") >= 2);
	CHECK(log_count(&log, "Password=<redacted>") >= 1);
	CHECK(log_count(&log, "refresh_token=<redacted>") >= 1);
	CHECK(log_count(&log, "code=<redacted>") >= 1);
	CHECK(log_count(&log, SESSION_KEY) == 0);
	CHECK(log_count(&log, PRIVATE_KEY) == 0);
	CHECK(log_count(&log, SECRET_KEY) == 0);
	CHECK(client_sig[0] && log_count(&log, client_sig) == 0);
	CHECK(server_sig[0] && log_count(&log, server_sig) == 0);
	CHECK(log_count(&log, "pa55-word-x") == 0);
	CHECK(log_count(&log, "=secret&") == 0 && log_count(&log, "=secret\0") == 0);
	CHECK(code[0] && log_count(&log, code) == 0);
	const struct socapi_token *granted[] = {tok, fresh, implicit, by_code};
	for (size_t i = 0; i < sizeof granted / sizeof *granted; i++) {
		CHECK(granted[i] != NULL);
		if (!granted[i])
			continue;
		CHECK(log_count(&log, granted[i]->access_token) == 0);
		CHECK(!granted[i]->refresh_token || log_count(&log, granted[i]->refresh_token) == 0);
	}
	for (size_t i = 0; i < log.n; i++) /* one line each */
		CHECK(log.lines[i] && !strchr(log.lines[i], '\n'));
	socapi_token_free(tok);
	socapi_token_free(fresh);
	socapi_token_free(implicit);
	socapi_token_free(by_code);
	log_clear(&log);

	/* INFO: no parameter lines at all */
	o = log_opts(&log, SOCAPI_LOG_INFO);
	s = client_session(&o);
	CHECK(get_info_is_ivan(s, &err));
	CHECK(log.n >= 1 && log_count(&log, "params:") == 0 && log_count(&log, "HTTP 200") >= 1);
	socapi_session_free(s);
	log_clear(&log);
}

/* A crash must not leave the emulator running (it holds ctest's output pipe). */
static void on_fatal(int sig)
{
	if (emu.pid > 0)
		kill(emu.pid, SIGTERM);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Sanitizer reports end the process with _exit: stop the emulator there too. */
#if defined(__GNUC__) || defined(__clang__)
extern void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

static void on_sanitizer_death(void)
{
	if (emu.pid > 0)
		kill(emu.pid, SIGTERM);
}
#endif

int main(void)
{
	struct socapi_error err;
	if (socapi_global_init(NULL, &err) != SOCAPI_OK) {
		fprintf(stderr, "socapi_global_init: %s\n", err.message);
		return 1;
	}
	if (!emulator_start(&emu)) {
		fprintf(stderr, "cannot start the emulator\n");
		socapi_global_cleanup();
		return 1;
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

	test_client_server();
	test_server_server();
	test_auto_choice();
	test_no_keys();
	test_api_errors();
	test_raw();
	test_friends();
	test_stream();
	test_photos();
	test_counters();
	test_circuit_restrictions();
	test_uploads();
	test_grant_password();
	test_grant_code();
	test_grant_implicit();
	test_scope();
	test_logging();
	test_faults();

	emulator_stop(&emu);
	socapi_global_cleanup();
	return check_summary();
}
