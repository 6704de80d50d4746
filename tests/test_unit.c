/*
 * test_unit.c - runtime behaviour without a network: signature vectors,
 * decoding by descriptor (exact ids, wrong types with paths, unions, enums),
 * re-encoding, params from text, and every allocation failing in turn.
 */
#include "../runtime/src/internal.h"
#include "../runtime/src/login.h"
#include "check.h"
#include "failing_alloc.h"

#include <mailru/mailru.h>
#include <socapi/mailru.h>
#include <socapi/ok.h>
#include <socapi/vk.h>
#include <vk/vk.h>
#include <stdlib.h>

/* ---- Mail.Ru signatures: the examples of KonstantinTogoi/aiomailru docs/source/session.rst ---- */

static void test_mailru_signature_vectors(void)
{
	struct socapi_error err;
	char sig[33];
	const struct socapi_param client[] = {
		{"method", "friends.get"}, {"app_id", "423004"}, {"session_key", "be6ef89965d58e56dec21acb9b62bdaa"}};
	CHECK_OK(socapi_mailru_sign(SOCAPI_MAILRU_CIRCUIT_CLIENT, "1324730981306483817",
	                            "7815696ecbf1c96e6894b779456d330e", client, 3, sig, &err), err);
	CHECK_STR(sig, "5073f15c6d5b6ab2fde23ac43332b002");
	const struct socapi_param server[] = {{"session_key", "be6ef89965d58e56dec21acb9b62bdaa"},
	                                      {"secure", "1"}, {"method", "friends.get"}, {"app_id", "423004"}};
	CHECK_OK(socapi_mailru_sign(SOCAPI_MAILRU_CIRCUIT_SERVER, NULL, "3dad9cbf9baaa0360c0f2ba372d25716",
	                            server, 4, sig, &err), err);
	CHECK_STR(sig, "4a05af66f80da18b308fa7e536912bae");
	/* aiomailru's string-building case: md5 of 789"a"=1"b"=2"c"=3private key */
	const struct socapi_param quoted[] = {{"\"c\"", "3"}, {"\"a\"", "1"}, {"\"b\"", "2"}};
	char expect[33];
	const char *text = "789\"a\"=1\"b\"=2\"c\"=3private key";
	CHECK(md5_hex(text, strlen(text), expect));
	CHECK_OK(socapi_mailru_sign(SOCAPI_MAILRU_CIRCUIT_CLIENT, "789", "private key", quoted, 3, sig, &err),
	         err);
	CHECK_STR(sig, expect);
	CHECK(socapi_mailru_sign(SOCAPI_MAILRU_CIRCUIT_AUTO, "789", "k", quoted, 3, sig, &err) == SOCAPI_E_ARG);
	CHECK(socapi_mailru_sign(SOCAPI_MAILRU_CIRCUIT_CLIENT, NULL, "k", quoted, 3, sig, &err) == SOCAPI_E_ARG);
}

/* ---- OK signatures: the examples of KonstantinTogoi/aiookru docs/source/session.rst ---- */

static void test_ok_signature_vectors(void)
{
	struct socapi_error err;
	char sig[33], secret[33];
	/* client-server: the token is sent but not signed */
	const struct socapi_param client[] = {
		{"method", "events.get"}, {"format", "json"}, {"application_key", "ABCDEFGHIGKLMNOPK"},
		{"access_token", "-s-2GUXOAvQYI7-RfxsZtV1wezsdtVPv92xfuaSQ8.SAIV1O2ywYra2-3ywes5St2yvcuZSr9UUWN2TtbWtWKVTuAy8"}};
	CHECK_OK(socapi_ok_sign("ae5362b5b588cc7294c2414d71b74d5d", client, 4, sig, &err), err);
	CHECK_STR(sig, "03a41413523ea8092507949d6e711963");
	/* server-server: secret = md5(access_token + application_secret_key) */
	CHECK_OK(socapi_ok_server_secret("-s-84W-s3egarWUsbkq-IWTucuedzTKT8VUXIA.s4Xx8IW7",
	                                 "ABC123DEF456GHI789JKL123", secret, &err), err);
	CHECK_STR(secret, "b1a2b89707a94624c43afae67d59274c");
	const struct socapi_param server[] = {
		{"application_key", "ABCDEFGHIGKLMNOPK"}, {"method", "events.get"}, {"format", "json"},
		{"session_key", "-s-84W-s3egarWUsbkq-IWTucuedzTKT8VUXIA.s4Xx8IW7"}, {"sig", "ignored"}};
	CHECK_OK(socapi_ok_sign(secret, server, 5, sig, &err), err);
	CHECK_STR(sig, "232c8eb921951c4dba9b72606f9ddb4c");
	/* aiookru's string-building case: md5 of "a"=1"b"=2"c"=3session key */
	const struct socapi_param quoted[] = {{"\"c\"", "3"}, {"\"a\"", "1"}, {"\"b\"", "2"}};
	char expect[33];
	const char *text = "\"a\"=1\"b\"=2\"c\"=3session key";
	CHECK(md5_hex(text, strlen(text), expect));
	CHECK_OK(socapi_ok_sign("session key", quoted, 3, sig, &err), err);
	CHECK_STR(sig, expect);
	CHECK(socapi_ok_sign("", quoted, 3, sig, &err) == SOCAPI_E_ARG);
	CHECK(socapi_ok_server_secret("token", NULL, secret, &err) == SOCAPI_E_ARG);
}

/* "*" variants: VK's friends.get returns users instead of ids once fields is set. */
static void test_method_find_selectors(void)
{
	const struct socapi_param with_fields[] = {{"user_id", "1"}, {"fields", "city"}};
	const struct socapi_method *m = socapi_method_find(vk_methods, vk_n_methods, "friends.get",
	                                                   with_fields, 2);
	CHECK(m == &vk_friends_get_with_fields_method);
	m = socapi_method_find(vk_methods, vk_n_methods, "friends.get", with_fields, 1);
	CHECK(m == &vk_friends_get_method);
	const struct socapi_param extended[] = {{"extended", "1"}};
	CHECK(socapi_method_find(vk_methods, vk_n_methods, "groups.get", extended, 1) ==
	      &vk_groups_get_with_extended_method);
	CHECK(socapi_method_find(vk_methods, vk_n_methods, "no.such", NULL, 0) == NULL);
}

/* groups.isMember has four variants, selected by user_ids and extended together: the variant
 * whose selectors the caller set most often wins, whatever the order of the table. */
static void test_method_find_specificity(void)
{
	const struct socapi_param group = {"group_id", "1"};
	const struct socapi_param user = {"user_id", "5"}, users = {"user_ids", "5,6"};
	const struct socapi_param ext1 = {"extended", "1"}, ext0 = {"extended", "0"};
	const struct {
		struct socapi_param args[3];
		size_t n;
		const struct socapi_method *want;
	} cases[] = {
		{{group, user}, 2, &vk_groups_is_member_method},
		{{group, user, ext0}, 3, &vk_groups_is_member_method},
		{{group, user, ext1}, 3, &vk_groups_is_member_with_extended_method},
		{{group, users}, 2, &vk_groups_is_member_with_user_ids_method},
		{{group, users, ext0}, 3, &vk_groups_is_member_with_user_ids_method},
		{{group, users, ext1}, 3, &vk_groups_is_member_with_user_ids_extended_method},
		{{ext1, users, group}, 3, &vk_groups_is_member_with_user_ids_extended_method},
		/* a value no variant takes: the plain variant */
		{{group, user, {"extended", "2"}}, 3, &vk_groups_is_member_method},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct socapi_method *m =
			socapi_method_find(vk_methods, vk_n_methods, "groups.isMember", cases[i].args, cases[i].n);
		CHECK(m == cases[i].want);
		if (m != cases[i].want)
			fprintf(stderr, "  case %zu: got %s\n", i, m ? m->c_name : "NULL");
	}
	/* two selectors with values: need_mutual=1 alone is the needMutual variant, which sends
	 * extended=0 itself; with extended=1 too, only the extended variant fits */
	const struct socapi_param mutual[] = {{"need_mutual", "1"}, {"extended", "1"}};
	CHECK(socapi_method_find(vk_methods, vk_n_methods, "friends.getRequests", mutual, 1) ==
	      &vk_friends_get_requests_with_need_mutual_method);
	CHECK(socapi_method_find(vk_methods, vk_n_methods, "friends.getRequests", mutual, 2) ==
	      &vk_friends_get_requests_with_extended_method);
}

/* VK's 0/1 flags decode from 0/1 and from true/false; ids may be negative. */
static void test_vk_flags(void)
{
	struct socapi_error err;
	const char json[] = "[{\"id\":1,\"online\":1,\"is_closed\":true},"
	                    "{\"id\":-200001,\"online\":false,\"is_closed\":0}]";
	struct vk_users_user_full_list *users = NULL;
	CHECK_OK(socapi_decode(&vk_users_user_full_list_type, json, strlen(json), (void **)&users, &err), err);
	CHECK(users && users->n_items == 2);
	if (users && users->n_items == 2) {
		CHECK(users->items[0].online == VK_BASE_BOOL_INT_YES && users->items[0].is_closed);
		CHECK(users->items[1].id == -200001);
		CHECK(users->items[1].has_online && users->items[1].online == VK_BASE_BOOL_INT_NO);
		CHECK(users->items[1].has_is_closed && !users->items[1].is_closed);
	}
	socapi_free(users);
	users = NULL;
	const char text[] = "[{\"id\":1,\"online\":\"yes\"}]";
	CHECK(socapi_decode(&vk_users_user_full_list_type, text, strlen(text), (void **)&users, &err) ==
	      SOCAPI_E_DECODE && !users);
	CHECK_STR(err.path, "[0].online");
}

/* ---- decoding ---- */

static const char users_json[] =
	"[{\"uid\":\"15410773191172635989\",\"first_name\":\"Иван\",\"last_name\":\"Петров\","
	"\"sex\":0,\"is_online\":1,\"unknown_key\":{\"x\":[1,2]},"
	"\"location\":{\"country\":{\"id\":\"24\",\"name\":\"Россия\"},\"city\":{\"id\":\"25\",\"name\":\"Москва\"}}},"
	"{\"uid\":\"1\",\"nick\":\"\",\"sex\":1}]";

static void test_decode_users(void)
{
	struct socapi_error err;
	struct mailru_user_list *users = NULL;
	CHECK_OK(mailru_user_list_decode(users_json, sizeof users_json - 1, &users, &err), err);
	if (!users)
		return;
	CHECK(users->n_items == 2);
	CHECK(users->items[0].has_uid && users->items[0].uid == 15410773191172635989ULL);
	CHECK_STR(users->items[0].first_name, "Иван");
	CHECK_STR(users->items[0].last_name, "Петров");
	CHECK(users->items[0].has_sex && users->items[0].sex == 0); /* zero is a value, not absence */
	CHECK(users->items[0].location && users->items[0].location->city);
	CHECK_STR(users->items[0].location->city->name, "Москва");
	CHECK(users->items[1].nick && users->items[1].nick[0] == '\0'); /* empty string kept */
	CHECK(users->items[1].first_name == NULL);                      /* absent: NULL */
	CHECK(!users->items[1].has_is_online);
	char *json = NULL;
	CHECK_OK(mailru_user_list_to_json(users, false, &json, &err), err);
	/* written back as the string it came as: exact for readers that use doubles */
	CHECK(json && strstr(json, "\"uid\":\"15410773191172635989\""));
	CHECK(json && strstr(json, "\"first_name\":\"Иван\""));
	CHECK(json && strstr(json, "\"unknown_key\":{\"x\":[1,2]}")); /* kept, written back */
	socapi_free(json);
	mailru_user_list_free(users);
}

static void expect_decode_error(const char *json, const char *path, const char *needle)
{
	struct socapi_error err;
	struct mailru_user_list *users = (void *)&err; /* must be reset to NULL */
	enum socapi_status st = mailru_user_list_decode(json, strlen(json), &users, &err);
	CHECK(st == SOCAPI_E_DECODE);
	CHECK(users == NULL);
	CHECK_STR(err.path, path);
	if (!strstr(err.message, needle))
		fprintf(stderr, "message was: %s\n", err.message);
	CHECK(strstr(err.message, needle) != NULL);
}

static void test_decode_errors(void)
{
	expect_decode_error("[{\"uid\":\"1\"},{\"uid\":\"2\",\"location\":{\"city\":{\"name\":{}}}}]",
	                    "[1].location.city.name", "expected string, got object");
	expect_decode_error("[{\"uid\":\"-5\"}]", "[0].uid", "out of range for uint64");
	expect_decode_error("[{\"uid\":\"12abc\"}]", "[0].uid", "decimal");
	expect_decode_error("[{\"uid\":\"1\",\"sex\":[1]}]", "[0].sex", "got array");
	expect_decode_error("{\"uid\":1}", "", "expected array, got object");
	expect_decode_error("[{\"uid\":\"99999999999999999999999\"}]", "[0].uid", "out of range");
	struct socapi_error err;
	void *out = NULL;
	CHECK(socapi_decode(&mailru_user_list_type, "[{\"uid\":", 8, &out, &err) == SOCAPI_E_PARSE);
	CHECK(out == NULL);
	CHECK(socapi_decode(&mailru_user_list_type, "[] x", 4, &out, &err) == SOCAPI_E_PARSE);
	CHECK(socapi_decode(&socapi_type_json, "12", 2, &out, &err) == SOCAPI_OK); /* a bare number */
	CHECK_STR(out, "12");
	socapi_free(out);
	CHECK(socapi_decode(&socapi_type_json, "1", 1, &out, &err) == SOCAPI_OK);
	socapi_free(out);
	CHECK(socapi_decode(&socapi_type_json, "\"ab", 3, &out, &err) == SOCAPI_E_PARSE);
	CHECK(socapi_decode(&mailru_user_list_type, "[]", 2, &out, &err) == SOCAPI_OK);
	CHECK(out && ((struct mailru_user_list *)out)->n_items == 0);
	socapi_free(out);
}

static const char stream_json[] =
	"[{\"subtype\":\"event\",\"id\":\"ab12\",\"type\":\"3-23\",\"time\":1700000000,"
	"\"authors\":[{\"uid\":\"15410773191172635989\"}],"
	"\"attachments\":[{\"object\":\"text\",\"content\":\"привет\"},"
	"{\"object\":\"image\",\"src\":\"http://x/1.jpg\",\"width\":\"640\"},"
	"{\"object\":\"hologram\",\"beam\":1}]},"
	"{\"subtype\":\"like\",\"id\":\"cd34\",\"time\":5,\"author\":{\"uid\":\"7\"},"
	"\"subevent\":{\"subtype\":\"event\",\"id\":\"ab12\"}},"
	"{\"subtype\":\"poke\",\"id\":\"zz\"}]";

static void test_decode_unions(void)
{
	struct socapi_error err;
	struct mailru_stream_item_list *items = NULL;
	CHECK_OK(mailru_stream_item_list_decode(stream_json, sizeof stream_json - 1, &items, &err), err);
	if (!items)
		return;
	CHECK(items->n_items == 3);
	const struct mailru_stream_item *ev = &items->items[0];
	CHECK(ev->kind == MAILRU_STREAM_ITEM_EVENT);
	CHECK(ev->event && ev->event->has_time && ev->event->time == 1700000000);
	CHECK(ev->event && ev->event->attachments.n_items == 3);
	if (ev->event && ev->event->attachments.n_items == 3) {
		const struct mailru_attachment *a = ev->event->attachments.items;
		CHECK(a[0].kind == MAILRU_ATTACHMENT_TEXT);
		CHECK(a[1].kind == MAILRU_ATTACHMENT_IMAGE);
		CHECK(a[1].image && a[1].image->has_width && a[1].image->width == 640);
		CHECK(a[2].kind == MAILRU_ATTACHMENT_UNKNOWN); /* an unknown kind keeps its JSON */
		CHECK(a[2].raw && strstr(a[2].raw, "hologram"));
	}
	CHECK(items->items[1].kind == MAILRU_STREAM_ITEM_LIKE);
	CHECK(items->items[1].like && items->items[1].like->author &&
	      items->items[1].like->author->uid == 7);
	CHECK(items->items[2].kind == MAILRU_STREAM_ITEM_UNKNOWN);
	char *json = NULL;
	CHECK_OK(mailru_stream_item_list_to_json(items, false, &json, &err), err);
	CHECK(json && strstr(json, "\"beam\":1") && strstr(json, "\"content\":\"привет\""));
	socapi_free(json);
	mailru_stream_item_list_free(items);
}

/* ---- small public helpers ---- */

static void test_enums_and_result_kinds(void)
{
	CHECK(socapi_enum_int_known(&mailru_user_sex_enum, MAILRU_USER_SEX_FEMALE));
	CHECK(!socapi_enum_int_known(&mailru_user_sex_enum, 7)); /* decoded, kept raw, reported unknown */
	CHECK(socapi_enum_string_known(&mailru_mobile_get_canvas_mobile_spec_enum,
	                               MAILRU_MOBILE_GET_CANVAS_MOBILE_SPEC_SMARTPHONE));
	CHECK(!socapi_enum_string_known(&mailru_mobile_get_canvas_mobile_spec_enum, "tablet"));
	CHECK(!socapi_enum_string_known(&mailru_mobile_get_canvas_mobile_spec_enum, NULL));
	CHECK(socapi_result_by_pointer(&mailru_user_list_type));
	CHECK(socapi_result_by_pointer(&mailru_user_type));
	CHECK(socapi_result_by_pointer(&socapi_type_string));
	CHECK(!socapi_result_by_pointer(&socapi_type_int));
	CHECK(!socapi_result_by_pointer(&socapi_type_bool));
	CHECK(!socapi_result_by_pointer(&mailru_user_sex_type));

	struct socapi_mailru_credentials cred = {.app_id = "423004", .secret_key = "k"};
	struct socapi_session *s = NULL;
	struct socapi_error err;
	CHECK_OK(socapi_mailru_session_new(&cred, NULL, &s, &err), err);
	CHECK(s && socapi_session_platform(s) == SOCAPI_PLATFORM_MAILRU);
	socapi_session_free(s);
	CHECK_STR(socapi_version(), SOCAPI_VERSION_STRING); /* header and library agree */
}

/* ---- params ---- */

static void test_params_from_text(void)
{
	struct socapi_error err;
	void *params = NULL;
	const struct socapi_param ok[] = {{"uid", "15410773191172635989"}, {"offset", "0"}};
	CHECK_OK(socapi_params_from_text(&mailru_friends_get_method, ok, 2, &params, &err), err);
	const struct mailru_friends_get_params *p = params;
	CHECK(p && p->has_uid && p->uid == 15410773191172635989ULL);
	CHECK(p && p->has_offset && p->offset == 0);
	CHECK(p && !p->has_ext);
	struct pairs out = {0};
	const struct param_style style = {"1", "0"};
	CHECK_OK(encode_params(mailru_friends_get_method.params, params, &style, &out, &err), err);
	CHECK_STR(pairs_get(&out, "offset"), "0"); /* zero is sent */
	CHECK_STR(pairs_get(&out, "uid"), "15410773191172635989");
	CHECK(pairs_get(&out, "ext") == NULL);
	pairs_release(&out);
	socapi_free(params);

	const struct socapi_param unknown[] = {{"uidd", "1"}};
	CHECK(socapi_params_from_text(&mailru_friends_get_method, unknown, 1, &params, &err) == SOCAPI_E_ARG);
	CHECK(strstr(err.message, "uidd") != NULL);
	const struct socapi_param wrong[] = {{"offset", "ten"}};
	CHECK(socapi_params_from_text(&mailru_friends_get_method, wrong, 1, &params, &err) == SOCAPI_E_ARG);
	CHECK(strstr(err.message, "offset") != NULL && params == NULL);

	const struct socapi_param ext[] = {{"ext", "1"}};
	CHECK(socapi_method_find(mailru_methods, mailru_n_methods, "friends.get", ext, 1) ==
	      &mailru_friends_get_with_extended_method);
	CHECK(socapi_method_find(mailru_methods, mailru_n_methods, "friends.get", NULL, 0) ==
	      &mailru_friends_get_method);
	CHECK(socapi_method_find(mailru_methods, mailru_n_methods, "friends.gett", NULL, 0) == NULL);

	/* lists are comma-joined; empty strings are sent */
	struct mailru_users_get_info_params info = MAILRU_USERS_GET_INFO_PARAMS_INIT;
	uint64_t uids[] = {1, 15410773191172635989ULL};
	info.uids.items = uids;
	info.uids.n_items = 2;
	CHECK_OK(encode_params(mailru_users_get_info_method.params, &info, &style, &out, &err), err);
	CHECK_STR(pairs_get(&out, "uids"), "1,15410773191172635989");
	pairs_release(&out);
}

/* ---- the login walker's confinement and what logs hide ---- */

static void test_login_confinement_rules(void)
{
	static const struct {
		bool https_before;
		const char *url;
		bool allowed;
	} cases[] = {
		{false, "https://login.vk.ru/?act=login", true},
		{true, "https://OAUTH.VK.COM/authorize?x=1", true},
		{false, "https://login.vk.ru:443/", true},
		{false, "http://login.vk.ru/", false},           /* a listed host, but not over https */
		{false, "https://login.vk.ru:8443/", false},     /* nor on another port */
		{false, "https://login.vk.ru.evil.example/", false},
		{false, "https://oauth.vk.ru@evil.example/", false},  /* userinfo, not the host */
		{false, "https://evil.example/?login.vk.ru", false},
		{false, "http://127.0.0.1:8080/vk/login", true},  /* the authorize URL's own origin */
		{false, "http://127.0.0.1:8081/vk/login", false},
		{false, "http://localhost:8080/vk/login", false},
		{false, "https://127.0.0.1:8080/vk/login", false},
		{true, "http://127.0.0.1:8080/vk/login", false},  /* never down from https */
		{false, "javascript:alert(1)", false},
		{false, "not a url", false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct socapi_error err;
		error_reset(&err);
		bool https = cases[i].https_before;
		enum socapi_status st = login_url_check(SOCAPI_VK_LOGIN_HOSTS, "http://127.0.0.1:8080/vk/oauth/authorize",
		                                        &https, cases[i].url, &err);
		if ((st == SOCAPI_OK) != cases[i].allowed)
			fprintf(stderr, "login_url_check(%s): %s\n", cases[i].url, err.message);
		CHECK((st == SOCAPI_OK) == cases[i].allowed);
		CHECK(cases[i].allowed || strcmp(err.oauth_error, "untrusted_host") == 0);
		CHECK(https == (cases[i].https_before || (cases[i].allowed && strncmp(cases[i].url, "https", 5) == 0)));
	}
	/* the VK and OK login forms' password fields, and any field marked secret */
	CHECK(is_secret_name("pass") && is_secret_name("fr.password") && !is_secret_name("email"));
	struct pairs form = {0};
	CHECK(pairs_add(&form, "pin", "1234") && pairs_add(&form, "email", "a@b"));
	pairs_mark_secret(&form, "pin");
	CHECK(pairs_set(&form, "pin", "5678"));
	struct buf shown = {0};
	pairs_form_encode_redacted(&form, &shown);
	CHECK_STR(shown.data, "pin=<redacted>&email=a%40b");
	buf_release(&shown);
	pairs_release(&form);
	CHECK(url_shown("https://x.ru/cb?code=1#access_token=2") == (int)strlen("https://x.ru/cb"));
}

/* ---- every allocation failing in turn ---- */

struct decode_job {
	struct buf json;
};

static enum socapi_status decode_big_stream(void *ctx)
{
	struct decode_job *job = ctx;
	struct socapi_error err;
	void *out = (void *)&err;
	enum socapi_status st = socapi_decode(&mailru_stream_item_list_type, job->json.data, job->json.len,
	                                      &out, &err);
	CHECK(st == SOCAPI_OK || out == NULL); /* nothing half-built comes back */
	socapi_free(st == SOCAPI_OK ? out : NULL);
	return st;
}

static void test_allocation_failures(void)
{
	/* a big enough stream answer to need several arena blocks */
	struct decode_job job = {{0}};
	buf_puts(&job.json, "[");
	for (int i = 0; i < 40; i++)
		buf_printf(&job.json, "%s%.*s", i ? "," : "", (int)sizeof stream_json - 3, stream_json + 1);
	buf_puts(&job.json, "]");
	CHECK(fail_each_allocation(decode_big_stream, &job, 200) > 1);
	buf_release(&job.json);
}

int main(void)
{
	struct socapi_error err;
	if (socapi_global_init(NULL, &err) != SOCAPI_OK)
		return 1;
	test_mailru_signature_vectors();
	test_ok_signature_vectors();
	test_method_find_selectors();
	test_method_find_specificity();
	test_vk_flags();
	test_decode_users();
	test_decode_errors();
	test_decode_unions();
	test_enums_and_result_kinds();
	test_params_from_text();
	test_login_confinement_rules();
	test_allocation_failures();
	socapi_global_cleanup();
	return check_summary();
}
