/*
 * socapi/scraper.h - the Mail.Ru scrapers: what the REST API does not give
 * (a user's communities, whether a community is closed, joining one, a
 * community's feed), read from my.mail.ru pages by a real Chromium
 * (socapi/browser.h) logged in with the implicit grant's cookies, as
 * aiomailru's APIScraper does.
 *
 * The typed scrapers are generated beside their REST twins in
 * <mailru/mailru.h> and return the same structs:
 *
 *   mailru_groups_get_scrape            (limit=10, offset=0) -> uids
 *   mailru_groups_get_extended_scrape   (limit=10, offset=0) -> users.getInfo of each
 *   mailru_groups_get_info_scrape       (uids) -> users.getInfo + group_info.is_closed
 *   mailru_groups_join_scrape           (group_id) -> 1
 *   mailru_stream_get_by_author_scrape  (uid of a community, limit=10, skip) -> events
 *
 * mailru_scrapers[] lists them for tools. A scraper takes only the
 * parameters its page can answer (the generated header lists them); any
 * other parameter set fails with SOCAPI_E_ARG before anything is loaded.
 *
 * What each does:
 *  - groups.get opens <web_url>/my/communities, waits for the list its
 *    script loads, clicks "more" until offset + limit communities are shown
 *    or the "more" bar hides, and resolves each community link to its uid
 *    through the public profile endpoint (<public_url>/community/<name>);
 *    the extended variant returns users.getInfo of them, in page order.
 *  - groups.getInfo calls users.getInfo, then opens each community's page:
 *    group_info.is_closed is true when the closed-community sign
 *    (div.mf_cc) shows. Uids that are not communities are left out; none
 *    left is SOCAPI_E_API with api_code 202, as aiomailru does.
 *  - groups.join opens the community's page; when the join button shows it
 *    clicks it (join_attempts times, join_interval_ms apart) until "request
 *    sent" (a moderated community) or "in the community" shows. Already
 *    joined or requested: 1 without a click.
 *  - stream.getByAuthor reads a community's feed, scrolling to its bottom
 *    while the feed's data-state says more may come, until limit events
 *    after skip (an event id: the events up to and including it are
 *    dropped) are read or the feed says "noevents". Events carry id, type,
 *    type_name, time, likes_count, comments_count, user_text, click_url,
 *    is_commentable and the author (the community's users.getInfo).
 *
 * Errors, with a message saying what happened:
 *  - SOCAPI_E_ARG: no cookies (socapi_scraper_new fails before any browser
 *    starts), a session of another platform, a parameter the scraper does
 *    not read, a feed of a person (communities only), no browser found;
 *  - SOCAPI_E_TRANSPORT: the browser did not start or the endpoint refused
 *    (socapi/browser.h), a page that did not load within timeout_ms, the
 *    public endpoint failing;
 *  - SOCAPI_E_AUTH: the site sent the login form (cookies missing or expired);
 *  - SOCAPI_E_DECODE: an element the scraper needs is not on the page
 *    within timeout_ms (the site changed): err->path is its CSS selector;
 *  - SOCAPI_E_API: users.getInfo failed (its code), api_code 202 for no
 *    communities (groups.getInfo) and a closed community's feed
 *    (stream.getByAuthor), api_code 0 for a join that was never confirmed;
 *  - SOCAPI_E_NOMEM.
 * On failure nothing is handed back and no page stays open.
 *
 * Threads: a scraper, its session and its browser are used by one thread
 * at a time.
 */
#ifndef SOCAPI_SCRAPER_H
#define SOCAPI_SCRAPER_H

#include <socapi/browser.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SOCAPI_MAILRU_WEB_URL "https://my.mail.ru"

/* Zero-initialise (or SOCAPI_SCRAPER_OPTIONS_INIT); zero means the default. */
struct socapi_scraper_options {
	/* Required: the login cookies, Netscape cookie-file text, one cookie a
	 * line (socapi_mailru_grant_implicit's token->cookies, or a file saved
	 * from it for a token session). Copied. */
	const char *cookies;
	/* A browser to use (borrowed: it must outlive the scraper); NULL: the
	 * scraper opens its own with browser_options and closes it when freed. */
	struct socapi_browser *browser;
	const struct socapi_browser_options *browser_options;
	/* my.mail.ru; default SOCAPI_MAILRU_WEB_URL. Profile links
	 * (https://my.mail.ru/community/<name>/) are opened under it. */
	const char *web_url;
	/* The public profile endpoint; default: the session's API URL without
	 * its last segment (https://appsmail.ru/platform). */
	const char *public_url;
	/* Bounds each page load and each wait for what a page's scripts
	 * render; default 30000. */
	long timeout_ms;
	unsigned join_attempts;  /* groups.join clicks; default 10 */
	long join_interval_ms;   /* between them; default 1000 */
};

#define SOCAPI_SCRAPER_OPTIONS_INIT {0}

struct socapi_scraper;

/*
 * Makes a scraper for a Mail.Ru session (borrowed: it must outlive the
 * scraper; its REST calls answer users.getInfo): checks the cookies, opens
 * or borrows the browser, and gives the scraper a browser context of its
 * own holding the cookies. Errors: see above. Release with
 * socapi_scraper_free.
 */
SOCAPI_NODISCARD enum socapi_status
socapi_scraper_new(struct socapi_session *session, const struct socapi_scraper_options *options,
                   struct socapi_scraper **out, struct socapi_error *err);

/* Drops the scraper's browser context and, if it opened it, the browser.
 * NULL allowed. */
void socapi_scraper_free(struct socapi_scraper *scraper);

/* A generated scraper: its REST twin and the parameters it reads. */
struct socapi_scrape_method {
	const struct socapi_method *method;
	const char *c_name;          /* "mailru_groups_get_scrape" */
	uint32_t n_params;
	const char *const *params;   /* the parameters the scraper reads */
};

/*
 * Runs a scraper (what every generated *_scrape function does): params is
 * the REST twin's params struct (NULL: none set), out receives the result
 * as socapi_call's out does. Errors: see above.
 */
SOCAPI_NODISCARD enum socapi_status
socapi_scrape(struct socapi_scraper *scraper, const struct socapi_scrape_method *method,
              const void *params, void *out, struct socapi_error *err);

#ifdef __cplusplus
}
#endif

#endif
