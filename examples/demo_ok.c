/*
 * demo_ok.c - logs in to OK.ru through the implicit grant (the connect.ok.ru
 * login and permissions forms), then calls typed methods on the
 * client-server circuit and pages through a group's members. Run it against
 * the bundled emulator (examples/demo.sh) or, with your own application,
 * against the real API.
 *
 *   demo_ok <fb.do URL> <oauth base URL> <login> <password>
 *
 * The application comes from SOCAPI_OK_APPLICATION_ID and
 * SOCAPI_OK_APPLICATION_KEY.
 */
#include <ok/ok.h>
#include <socapi/ok.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

static int fail(const char *what, const struct socapi_error *err)
{
	fprintf(stderr, "%s: %s: %s\n", what, socapi_strstatus(err->status), err->message);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: %s <fb.do URL> <oauth URL> <login> <password>\n", argv[0]);
		return 2;
	}
	char authorize_url[512];
	snprintf(authorize_url, sizeof authorize_url, "%s/authorize", argv[2]);
	struct socapi_error err;
	if (socapi_global_init(NULL, &err) != SOCAPI_OK)
		return fail("init", &err);

	/* 1. log in like a browser: the token comes with its session secret */
	struct socapi_ok_app app = {.application_id = getenv("SOCAPI_OK_APPLICATION_ID"),
	                            .application_key = getenv("SOCAPI_OK_APPLICATION_KEY"),
	                            .authorize_url = authorize_url};
	struct socapi_token *token = NULL;
	if (socapi_ok_grant_implicit(&app, NULL, argv[3], argv[4], "VALUABLE_ACCESS;GROUP_CONTENT;GET_EMAIL",
	                             &token, &err) != SOCAPI_OK)
		return fail("login", &err);
	printf("logged in (token expires in %" PRId64 " s)\n", token->expires_in);

	/* 2. a client-server session: sig = md5(sorted params + session_secret_key) */
	struct socapi_ok_credentials cred = {.application_key = app.application_key,
	                                     .access_token = token->access_token,
	                                     .session_secret_key = token->session_secret_key,
	                                     .api_url = argv[1]};
	struct socapi_session *session = NULL;
	enum socapi_status st = socapi_ok_session_new(&cred, NULL, &session, &err);
	socapi_token_free(token);
	if (st != SOCAPI_OK)
		return fail("session", &err);

	int rc = 0;
	struct ok_user *me = NULL;
	struct socapi_int_list *friends = NULL;
	struct ok_user_list *users = NULL;
	struct ok_user_groups_page *groups = NULL;
	struct socapi_pager *pager = NULL;

	/* 3. users.getCurrentUser: OK sends ids as strings; they arrive as int64 */
	if (ok_users_get_current_user(session, NULL, &me, &err) != SOCAPI_OK) {
		rc = fail("users.getCurrentUser", &err);
		goto done;
	}
	printf("users.getCurrentUser: %" PRId64 " %s\n", me->uid, me->name ? me->name : "-");

	/* 4. friends.get, then users.getInfo for the first five */
	if (ok_friends_get(session, NULL, &friends, &err) != SOCAPI_OK) {
		rc = fail("friends.get", &err);
		goto done;
	}
	printf("friends.get: %zu friends\n", friends->n_items);
	const char *fields[] = {"uid", "first_name", "last_name", "gender"};
	struct ok_users_get_info_params info = OK_USERS_GET_INFO_PARAMS_INIT;
	info.uids = (struct socapi_int_list){friends->items, friends->n_items < 5 ? friends->n_items : 5};
	info.fields = (struct socapi_const_string_list){fields, 4};
	if (ok_users_get_info(session, &info, &users, &err) != SOCAPI_OK) {
		rc = fail("users.getInfo", &err);
		goto done;
	}
	for (size_t i = 0; i < users->n_items; i++)
		printf("  %" PRId64 " %s %s\n", users->items[i].uid, users->items[i].first_name,
		       users->items[i].last_name);

	/* 5. the user's first group, and its members page by page, as the
	 * schema's paging entry says (anchor in, anchor and has_more out) */
	if (ok_group_get_user_groups_v2(session, NULL, &groups, &err) != SOCAPI_OK) {
		rc = fail("group.getUserGroupsV2", &err);
		goto done;
	}
	struct ok_group_get_members_params gm = OK_GROUP_GET_MEMBERS_PARAMS_INIT;
	gm.has_uid = groups->groups.n_items > 0;
	gm.uid = gm.has_uid ? groups->groups.items[0].group_id : 0;
	gm.has_count = true;
	gm.count = 10;
	if (gm.has_uid) {
		if (socapi_pager_new(session, &ok_group_get_members_method, &gm, &pager, &err) != SOCAPI_OK) {
			rc = fail("group.getMembers", &err);
			goto done;
		}
		bool last = false;
		for (int page_no = 1; !last; page_no++) {
			struct ok_group_members_page *page = NULL;
			if (socapi_pager_next(pager, &page, &last, &err) != SOCAPI_OK) {
				rc = fail("group.getMembers", &err);
				goto done;
			}
			if (!last)
				printf("group.getMembers page %d: %zu members\n", page_no, page->members.n_items);
			socapi_free(page);
		}
		printf("group.getMembers: %zu members of group %" PRId64 " in all\n", socapi_pager_items(pager),
		       gm.uid);
	}

done:
	socapi_pager_free(pager);
	socapi_free(groups);
	socapi_free(users);
	socapi_free(friends);
	socapi_free(me);
	socapi_session_free(session);
	socapi_global_cleanup();
	return rc;
}
