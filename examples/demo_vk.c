/*
 * demo_vk.c - a VK token session: typed calls with community (negative)
 * ids, the response variant chosen by a parameter, offset paging, and
 * execute with a partial failure reported beside the result. Run it
 * against the bundled emulator (examples/demo.sh) or, with your own token,
 * against the real API.
 *
 *   demo_vk <method base URL>
 *
 * The token comes from SOCAPI_VK_ACCESS_TOKEN.
 */
#include <socapi/vk.h>
#include <vk/vk.h>

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
	if (argc != 2) {
		fprintf(stderr, "usage: %s <method base URL>\n", argv[0]);
		return 2;
	}
	struct socapi_error err;
	if (socapi_global_init(NULL, &err) != SOCAPI_OK)
		return fail("init", &err);
	/* the token travels in the POST body; 3 requests a second at most */
	struct socapi_vk_credentials cred = {.access_token = getenv("SOCAPI_VK_ACCESS_TOKEN"),
	                                     .api_url = argv[1], .rate_limit = true};
	struct socapi_session *session = NULL;
	if (socapi_vk_session_new(&cred, NULL, &session, &err) != SOCAPI_OK)
		return fail("session", &err);

	int rc = 0;
	struct vk_users_user_full_list *me = NULL;
	struct vk_friends_get_fields_response *friends = NULL;
	struct vk_wall_get_response *wall = NULL;
	struct socapi_vk_execute_result *batch = NULL;

	/* 1. users.get without ids: the token's owner */
	const char *fields[] = {"online", "screen_name"};
	struct vk_users_get_params up = {.fields = {fields, 2}};
	if (vk_users_get(session, &up, &me, &err) != SOCAPI_OK) {
		rc = fail("users.get", &err);
		goto done;
	}
	for (size_t i = 0; i < me->n_items; i++)
		printf("users.get: %" PRId64 " %s %s%s\n", me->items[i].id, me->items[i].first_name,
		       me->items[i].last_name, me->items[i].online ? " (online)" : "");

	/* 2. friends.get with fields: the profiles variant */
	struct vk_friends_get_params fp = {.fields = {fields, 1}, .has_count = true, .count = 5};
	if (vk_friends_get_with_fields(session, &fp, &friends, &err) != SOCAPI_OK) {
		rc = fail("friends.get", &err);
		goto done;
	}
	printf("friends.get: %" PRId64 " friends, the first %zu:\n", friends->count, friends->items.n_items);
	for (size_t i = 0; i < friends->items.n_items; i++)
		printf("  %" PRId64 " %s %s\n", friends->items.items[i].id, friends->items.items[i].first_name,
		       friends->items.items[i].last_name);

	/* 3. a community's wall: owner ids are negative */
	struct vk_wall_get_params wp = {.has_owner_id = true, .owner_id = -200001, .has_count = true, .count = 3};
	if (vk_wall_get(session, &wp, &wall, &err) != SOCAPI_OK) {
		rc = fail("wall.get", &err);
		goto done;
	}
	printf("wall.get -200001: %" PRId64 " posts\n", wall->count);
	for (size_t i = 0; i < wall->items.n_items; i++)
		printf("  post %" PRId64 " by %" PRId64 ": %.60s\n", wall->items.items[i].id,
		       wall->items.items[i].from_id, wall->items.items[i].text ? wall->items.items[i].text : "");

	/* 4. execute: one inner call fails, the rest still answers */
	if (socapi_vk_execute(session,
	                      "return [API.users.get({\"user_ids\": \"172000002\"}), "
	                      "API.users.get({\"user_ids\": \"nosuchuser0\"})];",
	                      NULL, 0, &batch, &err) != SOCAPI_OK) {
		rc = fail("execute", &err);
		goto done;
	}
	printf("execute: %.100s\n", batch->response);
	for (size_t i = 0; i < batch->n_errors; i++)
		printf("  failed inside: %s, error %d: %s\n", batch->errors[i].method, batch->errors[i].error_code,
		       batch->errors[i].error_msg);

done:
	socapi_free(batch);
	socapi_free(wall);
	socapi_free(friends);
	socapi_free(me);
	socapi_session_free(session);
	socapi_global_cleanup();
	return rc;
}
