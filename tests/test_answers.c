/*
 * test_answers.c - typed calls meet answers the emulator is told to give
 * (its "reply" fault): the one-pass decoder reads a success, the slow path
 * (json-c, the platform's unwrap, the tree decoder) says what anything else
 * was, and the session option drop_unknown leaves unknown members out.
 */
#include "check.h"
#include "emulator_harness.h"

#include <mailru/mailru.h>
#include <ok/ok.h>
#include <socapi/mailru.h>
#include <socapi/ok.h>
#include <socapi/vk.h>
#include <vk/vk.h>

#include <stdio.h>
#include <string.h>

static struct emulator emu;

/* The next call of method on path gets body as its answer. */
static void answer(const char *path, const char *method, const char *body)
{
	char fault[2048];
	snprintf(fault, sizeof fault, "{\"path\": \"%s\", \"method\": \"%s\", \"fault\": \"reply\", \"body\": \"", path,
	         method);
	size_t n = strlen(fault);
	for (const char *p = body; *p && n + 8 < sizeof fault; p++) {
		if (*p == '"' || *p == '\\')
			fault[n++] = '\\';
		fault[n++] = *p;
	}
	snprintf(fault + n, sizeof fault - n, "\"}");
	CHECK(emulator_control(&emu, "faults", fault));
}

static struct socapi_session *vk_session(bool drop_unknown)
{
	struct socapi_options opts = {.drop_unknown = drop_unknown};
	struct socapi_session *s = emulator_vk_session(emu.base, &opts);
	CHECK(s != NULL);
	return s;
}

static void test_vk(void)
{
	struct socapi_error err;
	struct vk_users_get_params p = VK_USERS_GET_PARAMS_INIT;
	static const char users[] = "{\"response\":[{\"id\":1,\"first_name\":\"Иван\",\"zodiac\":\"Лев\"}]}";
	for (int drop = 0; drop <= 1; drop++) {
		struct socapi_session *s = vk_session(drop);
		struct vk_users_user_full_list *list = NULL;
		answer("/vk/method", "users.get", users);
		CHECK_OK(vk_users_get(s, &p, &list, &err), err);
		CHECK(list && list->n_items == 1 && list->items[0].id == 1);
		if (list && list->n_items == 1) {
			CHECK_STR(list->items[0].first_name, "Иван");
			if (drop)
				CHECK(list->items[0].unknown == NULL);
			else
				CHECK_STR(list->items[0].unknown, "{\"zodiac\":\"Лев\"}");
		}
		socapi_free(list);
		socapi_session_free(s);
	}
	struct socapi_session *s = vk_session(false);
	/* an error: the slow path fills in the platform's code and message */
	struct vk_users_user_full_list *list = (void *)&err;
	answer("/vk/method", "users.get", "{\"error\":{\"error_code\":18,\"error_msg\":\"User was deleted\"}}");
	CHECK(vk_users_get(s, &p, &list, &err) == SOCAPI_E_API && list == NULL);
	CHECK(err.api_code == 18 && strstr(err.message, "User was deleted"));
	/* a wrong type: a decode error with its path */
	answer("/vk/method", "users.get", "{\"response\":[{\"id\":1},{\"id\":{}}]}");
	CHECK(vk_users_get(s, &p, &list, &err) == SOCAPI_E_DECODE && list == NULL);
	CHECK_STR(err.path, "[1].id");
	/* cut short: a parse error */
	answer("/vk/method", "users.get", "{\"response\":[{\"id\":1");
	CHECK(vk_users_get(s, &p, &list, &err) == SOCAPI_E_PARSE && list == NULL);
	/* [] for an empty object, as VK's backend sends it */
	struct vk_wall_get_params wp = VK_WALL_GET_PARAMS_INIT;
	struct vk_wall_get_response *wall = NULL;
	answer("/vk/method", "wall.get", "{\"response\":[]}");
	CHECK_OK(vk_wall_get(s, &wp, &wall, &err), err);
	CHECK(wall && !wall->has_count && wall->items.items == NULL);
	socapi_free(wall);
	socapi_session_free(s);
}

static void test_mailru_and_ok(void)
{
	char url[128];
	struct socapi_error err;
	snprintf(url, sizeof url, "%s/mailru/platform/api", emu.base);
	struct socapi_mailru_credentials mcred = {.app_id = "423004", .secret_key = "3dad9cbf9baaa0360c0f2ba372d25716",
	                                          .session_key = "be6ef89965d58e56dec21acb9b62bdaa", .api_url = url};
	struct socapi_session *s = NULL;
	CHECK_OK(socapi_mailru_session_new(&mcred, NULL, &s, &err), err);
	struct mailru_users_get_info_params mp = MAILRU_USERS_GET_INFO_PARAMS_INIT;
	struct mailru_user_list *users = (void *)&err;
	answer("/mailru/platform/api", "users.getInfo", "{\"error\":{\"error_code\":202,\"error_msg\":\"Access denied\"}}");
	CHECK(mailru_users_get_info(s, &mp, &users, &err) == SOCAPI_E_API && users == NULL);
	CHECK(err.api_code == 202);
	answer("/mailru/platform/api", "users.getInfo", "[{\"uid\":\"15410773191172635989\",\"sex\":\"1\",\"vip\":\"\"}]");
	CHECK_OK(mailru_users_get_info(s, &mp, &users, &err), err);
	CHECK(users && users->n_items == 1 && users->items[0].uid == 15410773191172635989ULL &&
	      users->items[0].sex == 1 && !users->items[0].has_vip);
	socapi_free(users);
	socapi_session_free(s);

	snprintf(url, sizeof url, "%s/ok/fb.do", emu.base);
	struct socapi_ok_credentials ocred = {.application_key = "CBAEJBKGDIHBABABA",
	                                      .application_secret_key = "8a5c2d0e4f6b1a3c5e7d9f0b2c4e6a8d",
	                                      .access_token = "tkn1ivan0fixed0emulator0ok0000000000000000",
	                                      .api_url = url};
	CHECK_OK(socapi_ok_session_new(&ocred, NULL, &s, &err), err);
	struct ok_users_get_current_user_params op = OK_USERS_GET_CURRENT_USER_PARAMS_INIT;
	struct ok_user *me = (void *)&err;
	/* an object result: the root's error_code makes it an error all the same */
	answer("/ok/fb.do", "users.getCurrentUser", "{\"error_code\":102,\"error_msg\":\"PARAM_SESSION_EXPIRED\"}");
	CHECK(ok_users_get_current_user(s, &op, &me, &err) == SOCAPI_E_API && me == NULL);
	CHECK(err.api_code == 102);
	answer("/ok/fb.do", "users.getCurrentUser", "{\"uid\":\"574238563453\",\"first_name\":\"Иван\"}");
	CHECK_OK(ok_users_get_current_user(s, &op, &me, &err), err);
	CHECK(me && me->uid == 574238563453 && me->first_name && strcmp(me->first_name, "Иван") == 0);
	socapi_free(me);
	socapi_session_free(s);
}

int main(void)
{
	struct socapi_error err;
	if (socapi_global_init(NULL, &err) != SOCAPI_OK || !emulator_start(&emu))
		return 1;
	test_vk();
	test_mailru_and_ok();
	emulator_stop(&emu);
	socapi_global_cleanup();
	return check_summary();
}
