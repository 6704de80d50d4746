/*
 * test_scrapers.c - the four Mail.Ru scrapers with a real Chromium against
 * the emulator's my.mail.ru pages, whose content only their own scripts
 * load: so a passing test proves a real browser drove them. One browser
 * serves every case (each scraper has a browser context of its own); the
 * error cases that wait for a timeout use short ones.
 *
 * Мария (maria@bk.ru) logs in through the implicit grant: her cookies drive
 * the browser, her REST session answers the same questions for comparison.
 */
#define _GNU_SOURCE
#include "../runtime/src/browser_internal.h"
#include "check.h"
#include "scraper_harness.h"

#include <mailru/mailru.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define MARIA "1324730981306483817"
#define SKIPPED 77

static struct emulator emu;
static struct socapi_session *session; /* Мария's REST session */
static char *cookies;                  /* her login cookies */
static struct socapi_browser *browser; /* shared by every case */
static char web_url[128];

/* A scraper on the shared browser; jar NULL: Мария's cookies. */
static struct socapi_scraper *scraper_with(long timeout_ms, const char *jar)
{
	struct socapi_scraper_options o = SOCAPI_SCRAPER_OPTIONS_INIT;
	o.cookies = jar ? jar : cookies;
	o.browser = browser;
	o.web_url = web_url;
	o.timeout_ms = timeout_ms;
	o.join_attempts = 3;
	o.join_interval_ms = 150;
	struct socapi_scraper *s = NULL;
	struct socapi_error err;
	CHECK_OK(socapi_scraper_new(session, &o, &s, &err), err);
	return s;
}

/* A community's uid from the emulator's public profile endpoint. */
static bool same_uids(const struct socapi_uint_list *a, const struct socapi_uint_list *b)
{
	if (!a || !b || a->n_items != b->n_items)
		return false;
	for (size_t i = 0; i < a->n_items; i++)
		if (a->items[i] != b->items[i])
			return false;
	return true;
}

/* Past the first "more": 20 communities load with the page, 20 on each click. */
static void test_groups_get(void)
{
	struct socapi_scraper *s = scraper_with(0, NULL);
	struct socapi_error err;
	struct mailru_groups_get_params p = {
	    .has_limit = true, .limit = 45, .has_offset = true, .offset = 5};
	struct socapi_uint_list *scraped = NULL, *rest = NULL;
	CHECK_OK(mailru_groups_get_scrape(s, &p, &scraped, &err), err);
	CHECK_OK(mailru_groups_get(session, &p, &rest, &err), err);
	CHECK(scraped && scraped->n_items == 45);
	CHECK(same_uids(scraped, rest));
	socapi_free(scraped);
	socapi_free(rest);

	/* the extended variant: users.getInfo of each, in page order, across a page boundary */
	struct mailru_groups_get_params q = {
	    .has_limit = true, .limit = 4, .has_offset = true, .offset = 18};
	struct mailru_user_list *users = NULL, *rest_users = NULL;
	CHECK_OK(mailru_groups_get_with_extended_scrape(s, &q, &users, &err), err);
	CHECK_OK(mailru_groups_get_with_extended(session, &q, &rest_users, &err), err);
	CHECK(users && rest_users && users->n_items == 4 && rest_users->n_items == 4);
	for (size_t i = 0; users && rest_users && i < users->n_items && i < rest_users->n_items;
	     i++) {
		CHECK(users->items[i].uid == rest_users->items[i].uid);
		CHECK_STR(users->items[i].first_name, rest_users->items[i].first_name);
		CHECK(users->items[i].group_info != NULL);
	}
	socapi_free(users);
	socapi_free(rest_users);

	/* past the end: what there is; a limit of 0: nothing, without a page */
	struct mailru_groups_get_params end = {
	    .has_limit = true, .limit = 10, .has_offset = true, .offset = 1000};
	CHECK_OK(mailru_groups_get_scrape(s, &end, &scraped, &err), err);
	CHECK(scraped && scraped->n_items == 0);
	socapi_free(scraped);
	socapi_scraper_free(s);
}

static void test_is_closed(void)
{
	struct socapi_scraper *s = scraper_with(0, NULL);
	struct socapi_error err;
	uint64_t ids[] = {community_uid(&emu, "big_feed"), strtoull(MARIA, NULL, 10),
	                  community_uid(&emu, "invite_only")};
	struct mailru_groups_get_info_params p = {.uids = {ids, 3}};
	struct mailru_user_list *info = NULL;
	CHECK_OK(mailru_groups_get_info_scrape(s, &p, &info, &err), err);
	/* the person is left out; open and closed communities both ways */
	CHECK(info && info->n_items == 2);
	if (info && info->n_items == 2) {
		CHECK(info->items[0].uid == ids[0] && info->items[1].uid == ids[2]);
		CHECK(info->items[0].group_info && info->items[0].group_info->has_is_closed &&
		      info->items[0].group_info->is_closed == 0);
		CHECK(info->items[1].group_info && info->items[1].group_info->has_is_closed &&
		      info->items[1].group_info->is_closed == 1);
		CHECK_STR(info->items[1].first_name, "Клуб по приглашениям");
	}
	socapi_free(info);

	/* only a person: no communities, as aiomailru's EmptyGroupsError */
	struct mailru_groups_get_info_params person = {.uids = {&ids[1], 1}};
	info = NULL;
	CHECK(mailru_groups_get_info_scrape(s, &person, &info, &err) == SOCAPI_E_API && !info);
	CHECK(err.api_code == 202);
	socapi_scraper_free(s);
}

static const struct mailru_event *event_at(const struct mailru_stream_item_list *list, size_t i)
{
	return list && i < list->n_items && list->items[i].kind == MAILRU_STREAM_ITEM_EVENT
	           ? list->items[i].event
	           : NULL;
}

/* The scraped events are the REST twin's: same ids, times, counters. */
static void check_feed(const struct mailru_stream_item_list *scraped,
                       const struct mailru_stream_item_list *rest, size_t from, size_t n,
                       uint64_t community)
{
	CHECK(scraped && scraped->n_items == n);
	for (size_t i = 0; scraped && i < scraped->n_items; i++) {
		const struct mailru_event *a = event_at(scraped, i), *b = event_at(rest, from + i);
		CHECK(a && b);
		if (!a || !b)
			return;
		CHECK_STR(a->id, b->id);
		CHECK(a->has_time && a->time == b->time);
		CHECK(a->has_likes_count && a->likes_count == b->likes_count);
		CHECK(a->has_comments_count && a->comments_count == b->comments_count);
		CHECK_STR(a->type, "5-39");
		CHECK_STR(a->type_name, "community_post");
		CHECK(a->authors.n_items == 1 && a->authors.items[0].uid == community);
		CHECK(b->attachments.n_items >= 1 &&
		      b->attachments.items[0].kind == MAILRU_ATTACHMENT_TEXT);
		/* the text the page shows is the post's text */
		CHECK(a->user_text && b->attachments.n_items && b->attachments.items[0].text &&
		      strcmp(a->user_text, b->attachments.items[0].text->content) == 0);
		CHECK(a->click_url && strstr(a->click_url, a->id));
	}
}

static void test_feed(void)
{
	struct socapi_scraper *s = scraper_with(0, NULL);
	struct socapi_error err;
	uint64_t big = community_uid(&emu, "big_feed");
	struct mailru_stream_get_by_author_params all = {
	    .has_uid = true, .uid = big, .has_limit = true, .limit = 100};
	struct mailru_stream_item_list *rest = NULL, *scraped = NULL;
	CHECK_OK(mailru_stream_get_by_author(session, &all, &rest, &err), err);
	CHECK(rest && rest->n_items == 100);

	/* limit past the first page of 20: the feed scrolls */
	struct mailru_stream_get_by_author_params p = {
	    .has_uid = true, .uid = big, .has_limit = true, .limit = 30};
	CHECK_OK(mailru_stream_get_by_author_scrape(s, &p, &scraped, &err), err);
	check_feed(scraped, rest, 0, 30, big);
	socapi_free(scraped);

	/* skip drops the events up to and including its id */
	const struct mailru_event *tenth = event_at(rest, 9);
	p.skip = tenth ? tenth->id : "";
	p.limit = 25;
	scraped = NULL;
	CHECK_OK(mailru_stream_get_by_author_scrape(s, &p, &scraped, &err), err);
	check_feed(scraped, rest, 10, 25, big);
	socapi_free(scraped);

	/* a feed that ends before the limit: every event, then "noevents" */
	struct mailru_stream_get_by_author_params small = {.has_uid = true,
	                                                   .uid = community_uid(&emu, "open_doors"),
	                                                   .has_limit = true,
	                                                   .limit = 50};
	scraped = NULL;
	CHECK_OK(mailru_stream_get_by_author_scrape(s, &small, &scraped, &err), err);
	CHECK(scraped && scraped->n_items == 3);
	socapi_free(scraped);

	/* a closed community's feed is denied; a person's is not a community's */
	struct mailru_stream_get_by_author_params closed = {
	    .has_uid = true, .uid = community_uid(&emu, "invite_only")};
	scraped = NULL;
	CHECK(mailru_stream_get_by_author_scrape(s, &closed, &scraped, &err) == SOCAPI_E_API &&
	      !scraped);
	CHECK(err.api_code == 202);
	struct mailru_stream_get_by_author_params person = {.has_uid = true,
	                                                    .uid = strtoull(MARIA, NULL, 10)};
	CHECK(mailru_stream_get_by_author_scrape(s, &person, &scraped, &err) == SOCAPI_E_ARG);
	CHECK(strstr(err.message, "person") != NULL);
	/* offset is the REST call's: the scraper does not read it */
	struct mailru_stream_get_by_author_params offset = {
	    .has_uid = true, .uid = big, .has_offset = true};
	CHECK(mailru_stream_get_by_author_scrape(s, &offset, &scraped, &err) == SOCAPI_E_ARG);
	CHECK(strstr(err.message, "offset") != NULL);
	socapi_free(rest);
	socapi_scraper_free(s);
}

static bool in_my_groups(uint64_t uid)
{
	struct mailru_groups_get_params p = {.has_limit = true, .limit = 1000};
	struct socapi_uint_list *mine = NULL;
	struct socapi_error err;
	CHECK_OK(mailru_groups_get(session, &p, &mine, &err), err);
	bool found = false;
	for (size_t i = 0; mine && i < mine->n_items; i++)
		found = found || mine->items[i] == uid;
	socapi_free(mine);
	return found;
}

static void test_join(void)
{
	struct socapi_scraper *s = scraper_with(0, NULL);
	struct socapi_error err;
	int64_t joined = 0;

	/* an open community: joined at once */
	struct mailru_groups_join_params open = {.has_group_id = true,
	                                         .group_id = community_uid(&emu, "open_doors")};
	CHECK(!in_my_groups(open.group_id));
	CHECK_OK(mailru_groups_join_scrape(s, &open, &joined, &err), err);
	CHECK(joined == 1 && in_my_groups(open.group_id));
	/* again: already in, no click needed */
	joined = 0;
	CHECK_OK(mailru_groups_join_scrape(s, &open, &joined, &err), err);
	CHECK(joined == 1);

	/* a moderated one: the request is sent, the community stays closed to her */
	struct mailru_groups_join_params moderated = {
	    .has_group_id = true, .group_id = community_uid(&emu, "invite_only")};
	joined = 0;
	CHECK_OK(mailru_groups_join_scrape(s, &moderated, &joined, &err), err);
	CHECK(joined == 1 && !in_my_groups(moderated.group_id));
	struct mailru_groups_get_info_params p = {.uids = {&moderated.group_id, 1}};
	struct mailru_user_list *info = NULL;
	CHECK_OK(mailru_groups_get_info_scrape(s, &p, &info, &err), err);
	CHECK(info && info->n_items == 1 && info->items[0].group_info &&
	      info->items[0].group_info->is_closed == 1);
	socapi_free(info);
	socapi_scraper_free(s);
}

/* ---- errors ---- */

static void test_no_cookies(void)
{
	struct socapi_error err;
	struct socapi_scraper *s = (void *)&err;
	/* a browser that cannot start: the cookie check comes first, so it is never tried */
	struct socapi_browser_options never = {.executable = "/nonexistent/chromium",
	                                       .ignore_environment = true};
	const char *jars[] = {NULL, "", "# Netscape HTTP Cookie File\n\n"};
	for (size_t i = 0; i < sizeof jars / sizeof *jars; i++) {
		struct socapi_scraper_options o = {.cookies = jars[i], .browser_options = &never};
		CHECK(socapi_scraper_new(session, &o, &s, &err) == SOCAPI_E_ARG && s == NULL);
		CHECK(strstr(err.message, "cookie jar is empty") != NULL);
	}
	struct socapi_scraper_options bad = {.cookies = "127.0.0.1\tFALSE\n",
	                                     .browser_options = &never};
	CHECK(socapi_scraper_new(session, &bad, &s, &err) == SOCAPI_E_ARG);
	CHECK(strstr(err.message, "line 1") != NULL);
}

/* A jar whose Mpop no login made: the site sends the login form. */
static void test_not_logged_in(void)
{
	struct socapi_scraper *s =
	    scraper_with(5000, "127.0.0.1\tFALSE\t/\tFALSE\t0\tMpop\tstale\n");
	struct socapi_error err;
	struct socapi_uint_list *groups = NULL;
	CHECK(s && mailru_groups_get_scrape(s, NULL, &groups, &err) == SOCAPI_E_AUTH && !groups);
	CHECK(strstr(err.message, "/mailru/web/login") != NULL);
	socapi_scraper_free(s);
}

/* The site renamed a class the scraper selects: the error names the selector. */
static void test_site_changed(void)
{
	CHECK(emulator_control(&emu, "mailru/site",
	                       "{\"rename\": {\"groups__container\": \"groups__grid\"}}"));
	struct socapi_scraper *s = scraper_with(2000, NULL);
	struct socapi_error err;
	struct socapi_uint_list *groups = NULL;
	CHECK(s && mailru_groups_get_scrape(s, NULL, &groups, &err) == SOCAPI_E_DECODE && !groups);
	CHECK(strstr(err.path, "div.groups__container") != NULL);
	CHECK(strstr(err.message, "div.groups__container") != NULL);
	CHECK(emulator_control(&emu, "mailru/site", "{\"rename\": {}}"));
	/* and the same scraper works again once the site is back */
	CHECK_OK(mailru_groups_get_scrape(s, NULL, &groups, &err), err);
	CHECK(groups && groups->n_items == 10);
	socapi_free(groups);
	socapi_scraper_free(s);
}

/* The join request fails every time: three clicks, then a clear error. */
static void test_join_never_confirms(void)
{
	char fault[256];
	snprintf(fault, sizeof fault,
	         "{\"path\": \"/mailru/web/community/quiet_club/join\", \"fault\": \"http500\", "
	         "\"times\": 3}");
	CHECK(emulator_control(&emu, "faults", fault));
	struct socapi_scraper *s = scraper_with(5000, NULL);
	struct socapi_error err;
	struct mailru_groups_join_params p = {.has_group_id = true,
	                                      .group_id = community_uid(&emu, "quiet_club")};
	int64_t joined = 0;
	CHECK(s && mailru_groups_join_scrape(s, &p, &joined, &err) == SOCAPI_E_API && joined == 0);
	CHECK(err.api_code == 0 && strstr(err.message, "did not confirm the join after 3 clicks"));
	CHECK(!in_my_groups(p.group_id));
	socapi_scraper_free(s);
}

/* The communities page answers after 3 s; the scraper waits 1 s. */
static void test_page_never_loads(void)
{
	CHECK(emulator_control(&emu, "faults",
	                       "{\"path\": \"/mailru/web/my/communities\", \"fault\": \"timeout\", "
	                       "\"delay_ms\": 3000}"));
	struct socapi_scraper *s = scraper_with(1000, NULL);
	struct socapi_error err;
	struct socapi_uint_list *groups = NULL;
	CHECK(s && mailru_groups_get_scrape(s, NULL, &groups, &err) == SOCAPI_E_TRANSPORT &&
	      !groups);
	CHECK(strstr(err.message, "within 1000 ms") != NULL);
	socapi_scraper_free(s);
}

/* ---- connect mode: a Chromium this test starts itself, on loopback ---- */

static void test_connect(void)
{
	struct own_chromium c = {0};
	CHECK(chromium_start(&c));
	struct socapi_error err;
	uint64_t big = community_uid(&emu, "big_feed");

	/* through the environment variable, with its http:// address */
	setenv(SOCAPI_BROWSER_ENDPOINT_ENV, c.http, 1);
	struct socapi_scraper_options o = {.cookies = cookies, .web_url = web_url};
	struct socapi_scraper *s = NULL;
	CHECK_OK(socapi_scraper_new(session, &o, &s, &err), err);
	unsetenv(SOCAPI_BROWSER_ENDPOINT_ENV);
	struct mailru_groups_get_info_params p = {.uids = {&big, 1}};
	struct mailru_user_list *info = NULL;
	if (s)
		CHECK_OK(mailru_groups_get_info_scrape(s, &p, &info, &err), err);
	CHECK(info && info->n_items == 1 && info->items[0].group_info &&
	      info->items[0].group_info->has_is_closed &&
	      info->items[0].group_info->is_closed == 0);
	socapi_free(info);
	socapi_scraper_free(s);

	/* the ws:// address itself, as an option */
	struct socapi_browser_options direct = {.endpoint = c.ws};
	o.browser_options = &direct;
	s = NULL;
	CHECK_OK(socapi_scraper_new(session, &o, &s, &err), err);
	struct mailru_stream_get_by_author_params feed = {
	    .has_uid = true, .uid = big, .has_limit = true, .limit = 25};
	struct mailru_stream_item_list *events = NULL;
	if (s)
		CHECK_OK(mailru_stream_get_by_author_scrape(s, &feed, &events, &err), err);
	CHECK(events && events->n_items == 25);
	socapi_free(events);
	socapi_scraper_free(s);

	/* the browser is not socapi's: it still runs, without the contexts socapi made */
	CHECK(kill(c.pid, 0) == 0);
	struct socapi_browser *b = NULL;
	struct json_object *contexts = NULL, *ids;
	CHECK_OK(socapi_browser_new(&direct, &b, &err), err);
	if (b)
		CHECK_OK(cdp_call(b, NULL, "Target.getBrowserContexts", NULL, browser_deadline(b),
		                  &contexts, &err),
		         err);
	CHECK(json_object_object_get_ex(contexts, "browserContextIds", &ids) &&
	      json_object_array_length(ids) == 0);
	json_object_put(contexts);
	socapi_browser_free(b);
	chromium_stop(&c);
}

int main(void)
{
	struct socapi_error err;
	CHECK_OK(socapi_global_init(NULL, &err), err);
	struct socapi_browser_options o = {.ignore_environment = true};
	enum socapi_status st = socapi_browser_new(&o, &browser, &err);
	if (st == SOCAPI_E_ARG && strstr(err.message, "no browser found")) {
		printf("skipped: %s\n", err.message);
		return SKIPPED;
	}
	CHECK_OK(st, err);
	bool ready = browser && emulator_start(&emu) &&
	             mailru_log_in(&emu, "maria@bk.ru", "secret2", &session, &cookies);
	CHECK(ready);
	snprintf(web_url, sizeof web_url, "%s/mailru/web", emu.base);
	if (ready) {
		test_no_cookies();
		test_groups_get();
		test_is_closed();
		test_feed();
		test_join();
		test_not_logged_in();
		test_site_changed();
		test_join_never_confirms();
		test_page_never_loads();
		test_connect();
	}
	socapi_session_free(session);
	free(cookies);
	socapi_browser_free(browser);
	emulator_stop(&emu);
	socapi_global_cleanup();
	return check_summary();
}
