/*
 * test_checks.c - what is refused before anything is sent: grants without
 * the application's settings, typed calls without a required parameter,
 * values that contradict the response variant called; and the hint a decode
 * error gets when another variant reads the answer. Sessions and grants
 * point at a closed loopback port: a request that went out would come back
 * SOCAPI_E_TRANSPORT, so SOCAPI_E_ARG also proves nothing was sent.
 */
#include "../runtime/src/internal.h"
#include "check.h"

#include <mailru/mailru.h>
#include <ok/ok.h>
#include <socapi/mailru.h>
#include <socapi/ok.h>
#include <socapi/vk.h>
#include <vk/vk.h>

#define NOWHERE "http://127.0.0.1:9/"

/* st is SOCAPI_E_ARG and the message names what it should. */
#define CHECK_REFUSED(st, err, needle)                                                              \
	do {                                                                                            \
		enum socapi_status refused_st_ = (st);                                                      \
		CHECK(refused_st_ == SOCAPI_E_ARG && strstr((err).message, (needle)));                      \
		if (refused_st_ != SOCAPI_E_ARG || !strstr((err).message, (needle)))                        \
			fprintf(stderr, "  want '%s' refused, got %s: %s\n", (needle), socapi_strstatus(refused_st_), \
			        (err).message);                                                                 \
	} while (0)

static const struct socapi_options quick = {.timeout_ms = 2000, .connect_timeout_ms = 1000};

/* ---- grants ---- */

static void test_mailru_grants(void)
{
	struct socapi_error err;
	struct socapi_token *tok = NULL;
	struct socapi_mailru_app app = {.app_id = "423004", .token_url = NOWHERE, .code_token_url = NOWHERE,
	                                .authorize_url = NOWHERE};
	CHECK_REFUSED(socapi_mailru_grant_password(&app, &quick, "me@mail.ru", "pw", NULL, &tok, &err), err,
	              "secret_key");
	CHECK_REFUSED(socapi_mailru_grant_refresh(&app, &quick, "r", &tok, &err), err, "secret_key");
	CHECK_REFUSED(socapi_mailru_grant_code(&app, &quick, "c", "http://x/", &tok, &err), err, "secret_key");
	app.secret_key = "secret";
	CHECK_REFUSED(socapi_mailru_grant_password(&app, &quick, NULL, "pw", NULL, &tok, &err), err, "username");
	/* everything there: it is sent (and finds nobody) */
	CHECK(socapi_mailru_grant_password(&app, &quick, "me@mail.ru", "pw", NULL, &tok, &err) ==
	      SOCAPI_E_TRANSPORT);
	app.app_id = NULL;
	CHECK_REFUSED(socapi_mailru_grant_implicit(&app, &quick, "me@mail.ru", "pw", NULL, &tok, &err), err,
	              "app_id");
	CHECK_REFUSED(socapi_mailru_grant_refresh(&app, &quick, "r", &tok, &err), err, "app_id");
	CHECK_REFUSED(socapi_mailru_grant_password(NULL, &quick, "me@mail.ru", "pw", NULL, &tok, &err), err,
	              "app_id");
	CHECK(!tok);
}

static void test_ok_grants(void)
{
	struct socapi_error err;
	struct socapi_token *tok = NULL;
	struct socapi_ok_app app = {.application_id = "512000", .token_url = NOWHERE,
	                            .authorize_url = NOWHERE, .api_url = NOWHERE};
	CHECK_REFUSED(socapi_ok_grant_code(&app, &quick, "c", "http://x/", &tok, &err), err,
	              "application_secret_key");
	CHECK_REFUSED(socapi_ok_grant_refresh(&app, &quick, "r", &tok, &err), err, "application_secret_key");
	CHECK_REFUSED(socapi_ok_grant_password(&app, &quick, "me", "pw", &tok, &err), err, "application_key");
	CHECK_REFUSED(socapi_ok_grant_implicit(&app, &quick, "me", NULL, NULL, &tok, &err), err, "password");
	app.application_id = NULL;
	CHECK_REFUSED(socapi_ok_grant_implicit(&app, &quick, "me", "pw", NULL, &tok, &err), err,
	              "application_id");
	app.application_secret_key = "secret";
	CHECK_REFUSED(socapi_ok_grant_refresh(&app, &quick, "r", &tok, &err), err, "application_id");
	app.application_id = "512000";
	CHECK(socapi_ok_grant_refresh(&app, &quick, "r", &tok, &err) == SOCAPI_E_TRANSPORT);
	CHECK(!tok);
}

static void test_vk_grants(void)
{
	struct socapi_error err;
	struct socapi_token *tok = NULL;
	struct socapi_vk_app app = {.client_id = "2274003", .authorize_url = NOWHERE, .token_url = NOWHERE,
	                            .code_token_url = NOWHERE};
	CHECK_REFUSED(socapi_vk_grant_password(&app, &quick, "me", "pw", NULL, &tok, &err), err,
	              "client_secret");
	CHECK_REFUSED(socapi_vk_grant_code(&app, &quick, "c", "http://x/", &tok, &err), err, "client_secret");
	CHECK_REFUSED(socapi_vk_grant_implicit(&app, &quick, NULL, "pw", NULL, NULL, &tok, &err), err, "login");
	app.client_id = "";
	CHECK_REFUSED(socapi_vk_grant_implicit(&app, &quick, "me", "pw", NULL, NULL, &tok, &err), err,
	              "client_id");
	app.client_id = "2274003";
	app.client_secret = "secret";
	CHECK(socapi_vk_grant_code(&app, &quick, "c", "http://x/", &tok, &err) == SOCAPI_E_TRANSPORT);
	CHECK(!tok);
}

/* ---- sessions that lead nowhere ---- */

static struct socapi_session *mailru_session(void)
{
	struct socapi_mailru_credentials cred = {.app_id = "423004", .private_key = "key", .uid = "1",
	                                         .session_key = "token", .api_url = NOWHERE};
	struct socapi_session *s = NULL;
	struct socapi_error err;
	CHECK_OK(socapi_mailru_session_new(&cred, &quick, &s, &err), err);
	return s;
}

static struct socapi_session *ok_session(void)
{
	struct socapi_ok_credentials cred = {.application_key = "CBA", .application_secret_key = "secret",
	                                     .access_token = "token", .api_url = NOWHERE};
	struct socapi_session *s = NULL;
	struct socapi_error err;
	CHECK_OK(socapi_ok_session_new(&cred, &quick, &s, &err), err);
	return s;
}

static struct socapi_session *vk_session(void)
{
	struct socapi_vk_credentials cred = {.access_token = "token", .api_url = NOWHERE};
	struct socapi_session *s = NULL;
	struct socapi_error err;
	CHECK_OK(socapi_vk_session_new(&cred, &quick, &s, &err), err);
	return s;
}

/* ---- required parameters ---- */

static void test_required_parameters(void)
{
	struct socapi_error err;
	struct socapi_session *m = mailru_session(), *o = ok_session(), *v = vk_session();
	struct mailru_photos_get_params photos = MAILRU_PHOTOS_GET_PARAMS_INIT;
	struct mailru_photo_list *list = NULL;
	CHECK_REFUSED(mailru_photos_get(m, &photos, &list, &err), err, "parameter aid is required");
	photos.aid = "album1";
	CHECK(mailru_photos_get(m, &photos, &list, &err) == SOCAPI_E_TRANSPORT && !list);

	struct ok_url_get_info_params url = OK_URL_GET_INFO_PARAMS_INIT;
	struct ok_url_info *info = NULL;
	CHECK_REFUSED(ok_url_get_info(o, &url, &info, &err), err, "ok_url_get_info: parameter url");
	/* a required scalar counts once its presence flag is set, zero included */
	struct ok_group_get_members_params members = OK_GROUP_GET_MEMBERS_PARAMS_INIT;
	members.uid = 5;
	struct socapi_pager *pager = NULL;
	CHECK_REFUSED(socapi_pager_new(o, &ok_group_get_members_method, &members, &pager, &err), err,
	              "parameter uid is required");
	CHECK(!pager);
	members.has_uid = true;
	CHECK_OK(socapi_pager_new(o, &ok_group_get_members_method, &members, &pager, &err), err);
	socapi_pager_free(pager);

	/* the batch checks when a call is added */
	struct vk_wall_get_by_id_params posts = VK_WALL_GET_BY_ID_PARAMS_INIT;
	struct vk_wall_get_by_id_response *wall = NULL;
	struct socapi_error call_err;
	struct socapi_batch *batch = NULL;
	CHECK_OK(socapi_batch_new(&batch, &err), err);
	CHECK_REFUSED(socapi_batch_add(batch, v, &vk_wall_get_by_id_method, &posts, &wall, &call_err, &err),
	              err, "parameter posts is required");
	socapi_batch_free(batch);
	socapi_session_free(m);
	socapi_session_free(o);
	socapi_session_free(v);
}

/* ---- variants ---- */

static void test_variant_contradictions(void)
{
	struct socapi_error err;
	struct socapi_session *m = mailru_session(), *v = vk_session();

	/* mailru_friends_get sends ext=0 itself: the caller's ext=1 used to be replaced silently */
	struct mailru_friends_get_params friends = MAILRU_FRIENDS_GET_PARAMS_INIT;
	friends.has_ext = true;
	friends.ext = 1;
	struct socapi_uint_list *uids = NULL;
	struct mailru_user_list *users = NULL;
	CHECK_REFUSED(mailru_friends_get(m, &friends, &uids, &err), err,
	              "ext=1 selects another variant of friends.get: call mailru_friends_get_with_extended");
	CHECK(mailru_friends_get_with_extended(m, &friends, &users, &err) == SOCAPI_E_TRANSPORT);
	friends.ext = 0;
	CHECK(mailru_friends_get(m, &friends, &uids, &err) == SOCAPI_E_TRANSPORT);
	CHECK_REFUSED(mailru_friends_get_with_extended(m, &friends, &users, &err), err,
	              "ext=0 selects another variant of friends.get: call mailru_friends_get");
	friends.ext = 2;
	CHECK_REFUSED(mailru_friends_get(m, &friends, &uids, &err), err, "ext=2 selects another variant of "
	              "friends.get (no variant takes it)");
	CHECK(!uids && !users);

	/* fields selects VK's fieldsResponse, in either direction */
	const char *fields[] = {"online"};
	struct vk_friends_get_params vf = VK_FRIENDS_GET_PARAMS_INIT;
	struct vk_friends_get_response *ids = NULL;
	struct vk_friends_get_fields_response *profiles = NULL;
	CHECK_REFUSED(vk_friends_get_with_fields(v, &vf, &profiles, &err), err,
	              "vk_friends_get_with_fields: set fields, which selects this variant, or call vk_friends_get");
	vf.fields.items = fields;
	vf.fields.n_items = 1;
	CHECK_REFUSED(vk_friends_get(v, &vf, &ids, &err), err,
	              "vk_friends_get: fields selects another variant of friends.get: call vk_friends_get_with_fields");
	CHECK(vk_friends_get_with_fields(v, &vf, &profiles, &err) == SOCAPI_E_TRANSPORT);

	/* the most specific variant: user_ids with extended=1 */
	int64_t user_ids[] = {1, 2};
	struct vk_groups_is_member_params member = VK_GROUPS_IS_MEMBER_PARAMS_INIT;
	member.group_id = "1";
	member.user_ids = (struct socapi_int_list){user_ids, 2};
	struct vk_groups_is_member_extended_response *is_member = NULL;
	CHECK_REFUSED(vk_groups_is_member_with_extended(v, &member, &is_member, &err), err,
	              "call vk_groups_is_member_with_user_ids_extended");
	CHECK(!ids && !profiles && !is_member);
	socapi_session_free(m);
	socapi_session_free(v);
}

/* A decode error that another variant would not have had says which one. */
static void test_decode_hints(void)
{
	struct socapi_error err;
	struct json_object *profiles = json_tokener_parse(
		"{\"count\": 1, \"items\": [{\"id\": 1, \"first_name\": \"Anna\", \"last_name\": \"K\"}]}");
	void *out = NULL;
	CHECK(decode_result(&vk_friends_get_method, profiles, &out, &err) == SOCAPI_E_DECODE && !out);
	CHECK(strstr(err.message, "; the answer fits vk_friends_get_with_fields (fields set)"));
	CHECK_OK(decode_result(&vk_friends_get_with_fields_method, profiles, &out, &err), err);
	socapi_free(out);
	out = NULL;
	json_object_put(profiles);

	struct json_object *users = json_tokener_parse("[{\"uid\": \"15410773191172635989\", \"first_name\": \"I\"}]");
	CHECK(decode_result(&mailru_friends_get_method, users, &out, &err) == SOCAPI_E_DECODE);
	CHECK(strstr(err.message, "; the answer fits mailru_friends_get_with_extended (ext=1)"));
	json_object_put(users);

	/* nothing reads it: no hint */
	struct json_object *neither = json_tokener_parse("{\"count\": \"many\"}");
	CHECK(decode_result(&vk_friends_get_method, neither, &out, &err) == SOCAPI_E_DECODE);
	CHECK(!strstr(err.message, "fits"));
	json_object_put(neither);
	CHECK(!out);
}

int main(void)
{
	struct socapi_error err;
	CHECK_OK(socapi_global_init(NULL, &err), err);
	test_mailru_grants();
	test_ok_grants();
	test_vk_grants();
	test_required_parameters();
	test_variant_contradictions();
	test_decode_hints();
	socapi_global_cleanup();
	return check_summary();
}
