/*
 * demo_mailru.c - logs in with the password grant and calls four typed
 * Mail.Ru methods; given my.mail.ru's URL, it also logs in through the
 * implicit grant and reads the user's communities from my.mail.ru with a
 * headless Chromium (a scraper: apt-get install chromium). Run it against
 * the bundled emulator (examples/demo.sh) or, with your own application's
 * credentials, against the real API.
 *
 *   demo_mailru <api base URL> <oauth base URL> <e-mail> <password> [<my.mail.ru URL>]
 *
 * The application comes from SOCAPI_MAILRU_APP_ID, SOCAPI_MAILRU_PRIVATE_KEY
 * and SOCAPI_MAILRU_SECRET_KEY.
 */
#include <mailru/mailru.h>
#include <socapi/mailru.h>
#include <socapi/scraper.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

static int fail(const char *what, const struct socapi_error *err)
{
	fprintf(stderr, "%s: %s: %s\n", what, socapi_strstatus(err->status), err->message);
	return 1;
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

/* 7. the communities list, scraped from my.mail.ru by a browser that the
 * implicit grant's cookies log in: the same struct as the REST call's */
static int scrape_communities(const struct socapi_mailru_app *app, const char *email,
                              const char *password, struct socapi_session *session,
                              const char *web_url)
{
	struct socapi_error err;
	struct socapi_token *token = NULL;
	if (socapi_mailru_grant_implicit(app, NULL, email, password, NULL, &token, &err) != SOCAPI_OK)
		return fail("implicit login", &err);
	struct socapi_scraper_options o = SOCAPI_SCRAPER_OPTIONS_INIT;
	o.cookies = token->cookies; /* the browser gets these; a launched Chromium unless
	                               SOCAPI_BROWSER_ENDPOINT names a running one */
	o.web_url = web_url;
	struct socapi_scraper *scraper = NULL;
	enum socapi_status st = socapi_scraper_new(session, &o, &scraper, &err);
	socapi_token_free(token);
	if (st != SOCAPI_OK)
		return fail("scraper", &err);
	struct mailru_groups_get_params gp = MAILRU_GROUPS_GET_PARAMS_INIT;
	gp.has_limit = true;
	gp.limit = 10;
	struct mailru_user_list *groups = NULL;
	int rc = 0;
	if (mailru_groups_get_with_extended_scrape(scraper, &gp, &groups, &err) != SOCAPI_OK) {
		rc = fail("groups.get (scraper)", &err);
	} else {
		printf("groups.get, scraped from my.mail.ru: %zu communities\n", groups->n_items);
		for (size_t i = 0; i < groups->n_items; i++)
			printf("  %" PRIu64 " %s\n", groups->items[i].uid, or_dash(groups->items[i].first_name));
	}
	mailru_user_list_free(groups);
	socapi_scraper_free(scraper);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc != 5 && argc != 6) {
		fprintf(stderr, "usage: %s <api URL> <oauth URL> <e-mail> <password> [<my.mail.ru URL>]\n",
		        argv[0]);
		return 2;
	}
	char token_url[512], authorize_url[512];
	snprintf(token_url, sizeof token_url, "%s/token", argv[2]);
	snprintf(authorize_url, sizeof authorize_url, "%s/authorize", argv[2]);
	struct socapi_error err;
	if (socapi_global_init(NULL, &err) != SOCAPI_OK)
		return fail("init", &err);

	/* 1. log in: the password grant gives a session key and the user's uid */
	struct socapi_mailru_app app = {getenv("SOCAPI_MAILRU_APP_ID"), getenv("SOCAPI_MAILRU_SECRET_KEY"),
	                                token_url, token_url, authorize_url};
	struct socapi_token *token = NULL;
	if (socapi_mailru_grant_password(&app, NULL, argv[3], argv[4], NULL, &token, &err) != SOCAPI_OK)
		return fail("login", &err);
	printf("logged in as uid %s (token expires in %" PRId64 " s)\n", token->uid, token->expires_in);

	/* 2. a client-server session (uid + private_key) with that key */
	struct socapi_mailru_credentials cred = {
		.app_id = app.app_id,
		.private_key = getenv("SOCAPI_MAILRU_PRIVATE_KEY"),
		.session_key = token->access_token,
		.uid = token->uid,
		.api_url = argv[1],
	};
	struct socapi_session *session = NULL;
	enum socapi_status st = socapi_mailru_session_new(&cred, NULL, &session, &err);
	socapi_token_free(token);
	if (st != SOCAPI_OK)
		return fail("session", &err);

	int rc = 0;
	struct mailru_user_list *me = NULL;
	struct mailru_user_list *friends = NULL;
	struct mailru_stream_item_list *stream = NULL;
	struct mailru_album_list *albums = NULL;

	/* 3. users.getInfo: no parameters means "the current user" */
	if (mailru_users_get_info(session, NULL, &me, &err) != SOCAPI_OK) {
		rc = fail("users.getInfo", &err);
		goto done;
	}
	for (size_t i = 0; i < me->n_items; i++)
		printf("users.getInfo: %" PRIu64 " %s %s, %s\n", me->items[i].uid, or_dash(me->items[i].first_name),
		       or_dash(me->items[i].last_name),
		       me->items[i].location && me->items[i].location->city
		               ? or_dash(me->items[i].location->city->name) : "-");

	/* 4. friends.get, the extended variant (it sends ext=1 itself) */
	struct mailru_friends_get_params fp = MAILRU_FRIENDS_GET_PARAMS_INIT;
	fp.has_offset = true;
	fp.offset = 0;
	if (mailru_friends_get_with_extended(session, &fp, &friends, &err) != SOCAPI_OK) {
		rc = fail("friends.get", &err);
		goto done;
	}
	printf("friends.get: %zu friends\n", friends->n_items);
	for (size_t i = 0; i < friends->n_items && i < 5; i++)
		printf("  %" PRIu64 " %s %s%s\n", friends->items[i].uid, or_dash(friends->items[i].first_name),
		       or_dash(friends->items[i].last_name),
		       friends->items[i].has_is_online && friends->items[i].is_online ? " (online)" : "");

	/* 5. stream.get: events, likes and comments, told apart by their kind */
	struct mailru_stream_get_params sp = MAILRU_STREAM_GET_PARAMS_INIT;
	sp.has_limit = true;
	sp.limit = 5;
	if (mailru_stream_get(session, &sp, &stream, &err) != SOCAPI_OK) {
		rc = fail("stream.get", &err);
		goto done;
	}
	printf("stream.get: %zu items\n", stream->n_items);
	for (size_t i = 0; i < stream->n_items; i++) {
		const struct mailru_stream_item *item = &stream->items[i];
		if (item->kind == MAILRU_STREAM_ITEM_EVENT)
			printf("  event %s type %s, %zu attachments, %" PRId64 " likes\n", or_dash(item->event->id),
			       or_dash(item->event->type), item->event->attachments.n_items, item->event->likes_count);
		else if (item->kind == MAILRU_STREAM_ITEM_LIKE)
			printf("  like %s\n", or_dash(item->like->id));
		else if (item->kind == MAILRU_STREAM_ITEM_COMMENT)
			printf("  comment %s\n", or_dash(item->comment->id));
		else
			printf("  unknown item: %s\n", or_dash(item->raw));
	}

	/* 6. photos.getAlbums */
	if (mailru_photos_get_albums(session, NULL, &albums, &err) != SOCAPI_OK) {
		rc = fail("photos.getAlbums", &err);
		goto done;
	}
	printf("photos.getAlbums: %zu albums\n", albums->n_items);
	for (size_t i = 0; i < albums->n_items; i++)
		printf("  %s \"%s\", %" PRId64 " photos\n", or_dash(albums->items[i].aid),
		       or_dash(albums->items[i].title), albums->items[i].size);

	if (argc == 6)
		rc = scrape_communities(&app, argv[3], argv[4], session, argv[5]);

done:
	mailru_user_list_free(me);
	mailru_user_list_free(friends);
	mailru_stream_item_list_free(stream);
	mailru_album_list_free(albums);
	socapi_session_free(session);
	socapi_global_cleanup();
	return rc;
}
