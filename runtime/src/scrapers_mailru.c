/*
 * scrapers_mailru.c - the four my.mail.ru scrapers: groups.get,
 * groups.getInfo, groups.join and stream.getByAuthor, with aiomailru's
 * selectors and semantics (aiomailru 0.1.1 aiomailru/scrapers.py). Each builds its REST twin's
 * JSON; socapi_scrape decodes it into the generated type.
 *
 * Everything a scraper reads is rendered by the pages' own scripts after
 * the load, so it waits (page_wait) for what it needs, and names the
 * selector when it never shows: that is how a redesign of the site shows up.
 */
#include "browser_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* my.mail.ru/my/communities */
#define MINE "div.groups-catalog__mine-groups div.groups-catalog__small-groups "
#define CATALOG MINE "div.groups__container"
#define MORE_BAR MINE "div.groups-catalog__groups-more"
#define MORE_BUTTON MORE_BAR " span.ui-button-gray"
#define MORE_PROGRESS MORE_BAR " span.progress"
#define GROUP_ITEM CATALOG " div.groups__item"
#define GROUP_LINK "a.groups__avatar"

/* a community's page */
#define MAIN_PAGE "div.b-community__main-page"
#define CLOSED_SIGN MAIN_PAGE " div.mf_cc"
#define ACTIVE_LINKS                                                                               \
	MAIN_PAGE " div.profile div.profile__contentBlock div.profile__activeLinks "               \
	          "div.profile__activeLinks_community"
#define JOIN_BUTTON ACTIVE_LINKS " span.profile__activeLinks_button_enter"
#define JOIN_SENT ACTIVE_LINKS " span.profile__activeLinks_link_modarated"
#define JOIN_DONE ACTIVE_LINKS " span.profile__activeLinks_link_inGroup"
#define FEED MAIN_PAGE " div.b-community__main-page__feed div.b-history"
#define FEED_EVENT FEED " div.b-history-event[data-astat]"
#define EVENT_OWNER                                                                                \
	"div.b-history-event_head div.b-history-event__action .b-history-event__ownername"
#define EVENT_TIME_LINK                                                                            \
	"div.b-history-event_head div.b-history-event__action div.b-history-event_time a"
#define EVENT_TEXT "div.b-history-event__body div.b-history-event__event-textbox2"
#define EVENT_COMMENTS "div.b-comments__history"

/* The feed's data-state: "", "loading", then "loaded" or "noevents". */
#define FEED_STATE                                                                                 \
	"(function () { var h = document.querySelector('" FEED "'); "                              \
	"return h ? h.getAttribute('data-state') : null; })()"
/* Whether the element of a selector shows (display is not none). */
#define SHOWN(selector)                                                                            \
	"(function () { var e = document.querySelector('" selector "'); "                          \
	"return !!e && getComputedStyle(e).display !== 'none'; })()"

/* aiomailru's event type names (aiomailru/objects/event.py). */
/* clang-format off */
static const char *const type_names[][2] = {
	{"1-1", "photo_upload"}, {"1-2", "video_upload"}, {"1-7", "music_add"},
	{"3-3", "user_community_actions_enter"}, {"3-5", "user_community_actions_leave"},
	{"3-23", "micropost"}, {"5-7", "avatar_change"}, {"5-10", "gift_send"},
	{"5-11", "gift_received"}, {"5-16", "app_add"}, {"5-26", "share"}, {"5-28", "app_info2"},
	{"5-37", "gift_receive_multi"}, {"5-39", "community_post"}, {"5-41", "user_post"},
	{"5-44", "community_video_upload"}, {"5-47", "community_photo_upload"}};
/* clang-format on */
/* Types whose time link is the event's click_url. */
static const char *const clickable_types[] = {"1-1", "3-23", "5-39", "5-41"};

static enum socapi_status nomem(struct socapi_error *err)
{
	return set_error(err, SOCAPI_E_NOMEM, "out of memory");
}

/* An integer answer of a script, or -1. */
static enum socapi_status eval_int(struct socapi_scraper *s, struct cdp_page *page,
                                   const char *script, int64_t *out, struct socapi_error *err)
{
	struct json_object *v;
	enum socapi_status st = page_eval(s->browser, page, script, scraper_deadline(s), &v, err);
	*out = st == SOCAPI_OK && json_object_is_type(v, json_type_int) ? json_object_get_int64(v)
	                                                                : -1;
	json_object_put(v);
	return st;
}

static enum socapi_status eval_bool(struct socapi_scraper *s, struct cdp_page *page,
                                    const char *script, bool *out, struct socapi_error *err)
{
	struct json_object *v;
	enum socapi_status st = page_eval(s->browser, page, script, scraper_deadline(s), &v, err);
	*out = st == SOCAPI_OK && json_object_get_boolean(v);
	json_object_put(v);
	return st;
}

/* The one community a uid parameter names, as users.getInfo has it. */
static enum socapi_status community(struct socapi_scraper *s, const struct pairs *params,
                                    const char *name, struct json_object **users,
                                    struct json_object **group, struct socapi_error *err)
{
	*users = *group = NULL;
	const char *uid = pairs_get(params, name);
	if (!str_set(uid))
		return set_error(err, SOCAPI_E_ARG, "%s is required", name);
	enum socapi_status st = scraper_users(s, uid, users, err);
	if (st != SOCAPI_OK)
		return st;
	*group = json_object_array_get_idx(*users, 0);
	if (!*group)
		return set_error(err, SOCAPI_E_ARG, "there is no user or community %s", uid);
	if (!json_object_object_get_ex(*group, "group_info", NULL))
		return set_error(
		    err, SOCAPI_E_ARG,
		    "%s is a person: the scrapers read communities' pages (use the REST call)",
		    uid);
	return SOCAPI_OK;
}

static const char *link_of(struct json_object *user)
{
	return member_string(user, "link");
}

static enum socapi_status open_community(struct socapi_scraper *s, struct json_object *group,
                                         struct cdp_page **page, struct socapi_error *err)
{
	const char *link = link_of(group);
	if (!str_set(link))
		return set_error(err, SOCAPI_E_DECODE, "users.getInfo gave the community no link");
	return scraper_open(s, link, page, err);
}

/* ---- groups.get ---- */

/* Clicks "more" until `want` items show or the bar hides. */
static enum socapi_status show_groups(struct socapi_scraper *s, struct cdp_page *page, int64_t want,
                                      struct socapi_error *err)
{
	enum socapi_status st = page_wait(s->browser, page,
	                                  "!!document.querySelector('" CATALOG "') && "
	                                  "!document.querySelector('" MORE_PROGRESS "')",
	                                  CATALOG, scraper_deadline(s), err);
	for (;;) {
		int64_t shown;
		bool more = false;
		if (st == SOCAPI_OK)
			st = eval_int(s, page, "document.querySelectorAll('" GROUP_ITEM "').length",
			              &shown, err);
		if (st != SOCAPI_OK || shown >= want)
			return st;
		st = eval_bool(s, page,
		               "(function () { var bar = document.querySelector('" MORE_BAR "'); "
		               "return !!bar && !/display:\\s*none/.test(bar.getAttribute('style') "
		               "|| '') && " SHOWN(MORE_BUTTON) "; })()",
		               &more, err);
		if (st != SOCAPI_OK || !more)
			return st;
		st =
		    page_eval(s->browser, page, "document.querySelector('" MORE_BUTTON "').click()",
		              scraper_deadline(s), NULL, err);
		struct buf more_shown = {0};
		buf_printf(&more_shown,
		           "!document.querySelector('" MORE_PROGRESS "') && "
		           "(document.querySelectorAll('" GROUP_ITEM "').length > %lld || "
		           "/display:\\s*none/.test(document.querySelector('" MORE_BAR
		           "').getAttribute('style') || ''))",
		           (long long)shown);
		if (st == SOCAPI_OK)
			st = more_shown.failed ? nomem(err)
			                       : page_wait(s->browser, page, more_shown.data,
			                                   GROUP_ITEM, scraper_deadline(s), err);
		buf_release(&more_shown);
	}
}

/* users.getInfo of uids, in their order (users.getInfo's own order is not promised). */
static enum socapi_status users_in_order(struct socapi_scraper *s, const struct buf *csv,
                                         struct json_object *uids, struct json_object *out,
                                         struct socapi_error *err)
{
	struct json_object *users;
	enum socapi_status st = scraper_users(s, csv->data, &users, err);
	for (size_t i = 0; st == SOCAPI_OK && i < json_object_array_length(uids); i++) {
		const char *want = json_object_get_string(json_object_array_get_idx(uids, i));
		struct json_object *found = NULL, *uid;
		for (size_t k = 0; !found && k < json_object_array_length(users); k++) {
			struct json_object *u = json_object_array_get_idx(users, k);
			if (json_object_object_get_ex(u, "uid", &uid) &&
			    strcmp(json_object_get_string(uid), want) == 0)
				found = u;
		}
		if (!found)
			st = set_error(err, SOCAPI_E_DECODE,
			               "users.getInfo did not answer for community %s", want);
		else if (json_object_array_add(out, json_object_get(found)) != 0)
			st = nomem(err);
	}
	json_object_put(users);
	return st;
}

static enum socapi_status groups_get(struct socapi_scraper *s, const struct pairs *params,
                                     struct json_object **result, struct socapi_error *err)
{
	int64_t limit, offset, ext;
	enum socapi_status st = scraper_int_param(params, "limit", 10, &limit, err);
	if (st == SOCAPI_OK)
		st = scraper_int_param(params, "offset", 0, &offset, err);
	if (st == SOCAPI_OK)
		st = scraper_int_param(params, "ext", 0, &ext, err);
	if (st == SOCAPI_OK && (limit < 0 || offset < 0))
		st = set_error(err, SOCAPI_E_ARG,
		               "groups.get: limit and offset must not be negative");
	if (st != SOCAPI_OK)
		return st;
	*result = json_object_new_array();
	if (!*result)
		return nomem(err);
	if (limit == 0)
		return SOCAPI_OK;
	struct cdp_page *page;
	struct json_object *hrefs = NULL, *uids = json_object_new_array();
	st = uids ? scraper_open(s, "/my/communities", &page, err) : nomem(err);
	if (st == SOCAPI_OK) {
		st = show_groups(s, page, offset + limit, err);
		if (st == SOCAPI_OK)
			st = page_evalf(
			    s->browser, page, scraper_deadline(s), &hrefs, err,
			    "Array.prototype.slice.call(document.querySelectorAll('" GROUP_ITEM
			    "'), %lld, %lld).map(function (item) { var a = "
			    "item.querySelector('" GROUP_LINK "'); return a ? a.href : null; })",
			    (long long)offset, (long long)(offset + limit));
		page_close(s->browser, page);
	}
	struct buf csv = {0};
	for (size_t i = 0; st == SOCAPI_OK && i < json_object_array_length(hrefs); i++) {
		const char *href = json_object_get_string(json_object_array_get_idx(hrefs, i));
		char *uid = NULL;
		if (!href) {
			st = set_error(err, SOCAPI_E_DECODE,
			               "a community of the list has no link: the site changed");
			if (err)
				copy_text(err->path, sizeof err->path, GROUP_ITEM " " GROUP_LINK);
		} else {
			st = scraper_uid_of(s, href, &uid, err);
		}
		int64_t unused_i;
		uint64_t value;
		if (st == SOCAPI_OK && !parse_decimal(uid, true, &unused_i, &value))
			st = set_error(err, SOCAPI_E_DECODE,
			               "the profile endpoint gave %s a uid that is not one", href);
		if (st == SOCAPI_OK) {
			buf_printf(&csv, "%s%s", i ? "," : "", uid);
			if (json_object_array_add(ext ? uids : *result,
			                          ext ? json_object_new_string(uid)
			                              : json_object_new_uint64(value)))
				st = nomem(err);
		}
		sc_free(uid);
	}
	if (st == SOCAPI_OK && csv.failed)
		st = nomem(err);
	if (st == SOCAPI_OK && ext && csv.len)
		st = users_in_order(s, &csv, uids, *result, err);
	buf_release(&csv);
	json_object_put(hrefs);
	json_object_put(uids);
	return st;
}

/* ---- groups.getInfo ---- */

static enum socapi_status is_closed(struct socapi_scraper *s, struct json_object *group,
                                    bool *closed, struct socapi_error *err)
{
	struct cdp_page *page;
	enum socapi_status st = open_community(s, group, &page, err);
	if (st != SOCAPI_OK)
		return st;
	/* the sign shows with the links the page's script renders */
	st = page_wait(s->browser, page, "!!document.querySelector('" ACTIVE_LINKS "')",
	               ACTIVE_LINKS, scraper_deadline(s), err);
	if (st == SOCAPI_OK)
		st = eval_bool(s, page, "!!document.querySelector('" CLOSED_SIGN "')", closed, err);
	page_close(s->browser, page);
	return st;
}

static enum socapi_status groups_get_info(struct socapi_scraper *s, const struct pairs *params,
                                          struct json_object **result, struct socapi_error *err)
{
	const char *uids = pairs_get(params, "uids");
	if (!str_set(uids))
		return set_error(err, SOCAPI_E_ARG, "uids is required");
	struct json_object *users;
	enum socapi_status st = scraper_users(s, uids, &users, err);
	if (st == SOCAPI_OK && !(*result = json_object_new_array()))
		st = nomem(err);
	for (size_t i = 0; st == SOCAPI_OK && i < json_object_array_length(users); i++) {
		struct json_object *user = json_object_array_get_idx(users, i), *info;
		bool closed = false;
		if (!json_object_object_get_ex(user, "group_info", &info) ||
		    !json_object_is_type(info, json_type_object))
			continue; /* a person: aiomailru leaves them out */
		st = is_closed(s, user, &closed, err);
		if (st == SOCAPI_OK &&
		    (json_object_object_add(info, "is_closed", json_object_new_int(closed)) ||
		     json_object_array_add(*result, json_object_get(user))))
			st = nomem(err);
	}
	json_object_put(users);
	if (st == SOCAPI_OK && json_object_array_length(*result) == 0) {
		st =
		    set_error(err, SOCAPI_E_API, "groups.getInfo: none of %s is a community", uids);
		if (err)
			err->api_code = 202;
	}
	return st;
}

/* ---- groups.join ---- */

/* "join", "sent", "done" or "none": which of the join links shows. */
static enum socapi_status join_state(struct socapi_scraper *s, struct cdp_page *page, char *state,
                                     size_t size, struct socapi_error *err)
{
	struct json_object *v;
	enum socapi_status st =
	    page_eval(s->browser, page,
	              SHOWN(JOIN_SENT) " ? 'sent' : " SHOWN(JOIN_DONE) " ? 'done' : " SHOWN(
	                  JOIN_BUTTON) " ? 'join' : 'none'",
	              scraper_deadline(s), &v, err);
	copy_text(state, size, st == SOCAPI_OK ? json_object_get_string(v) : "none");
	json_object_put(v);
	return st;
}

static enum socapi_status groups_join(struct socapi_scraper *s, const struct pairs *params,
                                      struct json_object **result, struct socapi_error *err)
{
	struct json_object *users, *group;
	struct cdp_page *page = NULL;
	char state[8] = "none";
	enum socapi_status st = community(s, params, "group_id", &users, &group, err);
	if (st == SOCAPI_OK)
		st = open_community(s, group, &page, err);
	if (st == SOCAPI_OK)
		st = page_wait(s->browser, page, "!!document.querySelector('" ACTIVE_LINKS "')",
		               ACTIVE_LINKS, scraper_deadline(s), err);
	if (st == SOCAPI_OK)
		st = join_state(s, page, state, sizeof state, err);
	if (st == SOCAPI_OK && strcmp(state, "none") == 0) {
		set_error(err, SOCAPI_E_DECODE,
		          "groups.join: the join button is not on the page (the site changed?)");
		if (err)
			copy_text(err->path, sizeof err->path, JOIN_BUTTON);
		st = SOCAPI_E_DECODE;
	}
	for (unsigned i = 0; st == SOCAPI_OK && strcmp(state, "join") == 0 && i < s->join_attempts;
	     i++) {
		st = page_eval(s->browser, page,
		               "(function () { var b = document.querySelector('" JOIN_BUTTON "'); "
		               "if (b) { b.click(); } })()",
		               scraper_deadline(s), NULL, err);
		sleep_ms(s->join_interval_ms);
		if (st == SOCAPI_OK)
			st = join_state(s, page, state, sizeof state, err);
	}
	if (st == SOCAPI_OK && strcmp(state, "join") == 0) {
		st = set_error(
		    err, SOCAPI_E_API,
		    "groups.join: the site did not confirm the join after %u clicks, %ld ms apart",
		    s->join_attempts, s->join_interval_ms);
		if (err)
			err->api_code = 0;
	}
	page_close(s->browser, page);
	json_object_put(users);
	if (st == SOCAPI_OK && !(*result = json_object_new_int(1)))
		st = nomem(err);
	return st;
}

/* ---- stream.getByAuthor ---- */

static const char *type_name(const char *type)
{
	for (size_t i = 0; i < sizeof type_names / sizeof *type_names; i++)
		if (strcmp(type_names[i][0], type) == 0)
			return type_names[i][1];
	return "";
}

static bool clickable(const char *type)
{
	for (size_t i = 0; i < sizeof clickable_types / sizeof *clickable_types; i++)
		if (strcmp(clickable_types[i], type) == 0)
			return true;
	return false;
}

static bool add_int(struct json_object *o, const char *name, int64_t v)
{
	return json_object_object_add(o, name, json_object_new_int64(v)) == 0;
}

static bool add_text(struct json_object *o, const char *name, const char *v)
{
	return json_object_object_add(o, name, json_object_new_string(v ? v : "")) == 0;
}

/* data-astat: "user:type:EVENT:owner:corr_user:corr_event:likes:comments:time". */
enum {
	ASTAT_TYPE = 1,
	ASTAT_ID = 2,
	ASTAT_LIKES = 6,
	ASTAT_COMMENTS = 7,
	ASTAT_TIME = 8,
	ASTAT_FIELDS
};

static bool split_astat(const char *astat, char field[ASTAT_FIELDS][128])
{
	const char *p = astat;
	for (int n = 0; n < ASTAT_FIELDS; n++) {
		size_t len = strcspn(p, ":");
		if (len >= 128 || (!p[len] && n < ASTAT_FIELDS - 1))
			return false;
		memcpy(field[n], p, len);
		field[n][len] = '\0';
		p += len + (p[len] != '\0');
	}
	return true;
}

/* The author: the community itself when the owner link is its page, else the link. */
static struct json_object *event_author(const char *owner, struct json_object *group,
                                        const char *group_page)
{
	size_t len = owner ? strcspn(owner, "?#") : 0;
	if (owner && strlen(group_page) == len && strncmp(owner, group_page, len) == 0)
		return json_object_get(group);
	struct json_object *author = json_object_new_object();
	if (author && owner &&
	    json_object_object_add(author, "link", json_object_new_string_len(owner, (int)len)) !=
	        0) {
		json_object_put(author);
		return NULL;
	}
	return author;
}

/*
 * An event from what the feed shows of it (a card): data-astat, the owner
 * link, the time link, the text and whether it takes comments.
 * SOCAPI_E_DECODE when data-astat is not what aiomailru reads.
 */
static enum socapi_status event_from_card(struct json_object *card, struct json_object *group,
                                          const char *group_page, struct json_object **event)
{
	char field[ASTAT_FIELDS][128];
	const char *astat = member_string(card, "astat");
	if (!astat || !split_astat(astat, field))
		return SOCAPI_E_DECODE;
	/* the type is the first two parts of "5-39"; a third is the subtype (like, comment) */
	char *kind = field[ASTAT_TYPE];
	size_t first = strcspn(kind, "-"),
	       cut = first + (kind[first] ? 1 + strcspn(kind + first + 1, "-") : 0);
	const char *subtype = kind[cut] ? kind + cut + 1 : "event";
	char type[128];
	snprintf(type, sizeof type, "%.*s", (int)cut, kind);
	for (char *c = field[ASTAT_ID]; *c; c++)
		*c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
	struct json_object *v;
	bool comments =
	    json_object_object_get_ex(card, "comments", &v) && json_object_get_boolean(v);
	const char *text = member_string(card, "text"),
	           *time_link = member_string(card, "time_link");
	struct json_object *e = json_object_new_object(), *authors = json_object_new_array();
	struct json_object *author = event_author(member_string(card, "owner"), group, group_page);
	bool ok = e && authors && author && json_object_array_add(authors, author) == 0;
	if (!ok)
		json_object_put(author);
	ok = ok && json_object_object_add(e, "authors", authors) == 0;
	if (!ok)
		json_object_put(authors);
	ok = ok && add_text(e, "id", field[ASTAT_ID]) && add_text(e, "type", type) &&
	     add_text(e, "type_name", type_name(type)) && add_text(e, "subtype", subtype) &&
	     add_int(e, "time", strtoll(field[ASTAT_TIME], NULL, 10)) &&
	     add_int(e, "likes_count", strtoll(field[ASTAT_LIKES], NULL, 10)) &&
	     add_int(e, "comments_count", strtoll(field[ASTAT_COMMENTS], NULL, 10)) &&
	     add_int(e, "is_commentable", comments) && add_int(e, "is_likeable", comments) &&
	     add_text(e, "user_text", text) &&
	     (!clickable(type) || !time_link || add_text(e, "click_url", time_link));
	if (!ok) {
		json_object_put(e);
		return SOCAPI_E_NOMEM;
	}
	*event = e;
	return SOCAPI_OK;
}

/* The feed's events from index `from` on, as cards. */
static enum socapi_status read_cards(struct socapi_scraper *s, struct cdp_page *page, size_t from,
                                     struct json_object **cards, struct socapi_error *err)
{
	return page_evalf(
	    s->browser, page, scraper_deadline(s), cards, err,
	    "Array.prototype.slice.call(document.querySelectorAll('" FEED_EVENT "'), %zu).map("
	    "function (e) { var owner = e.querySelector('" EVENT_OWNER "'), "
	    "time = e.querySelector('" EVENT_TIME_LINK "'), text = e.querySelector('" EVENT_TEXT
	    "'); "
	    "return {astat: e.getAttribute('data-astat'), owner: owner ? owner.href : null, "
	    "time_link: time ? time.href : null, text: text ? text.innerText : '', "
	    "comments: !!e.querySelector('" EVENT_COMMENTS "')}; })",
	    from);
}

/* Waits for the feed to settle: "noevents", or "loaded" with more than `seen` events. */
static enum socapi_status feed_settled(struct socapi_scraper *s, struct cdp_page *page, size_t seen,
                                       bool *ended, struct socapi_error *err)
{
	struct buf cond = {0};
	buf_printf(&cond,
	           "(function () { var st = " FEED_STATE
	           "; return st === 'noevents' || (st === 'loaded' "
	           "&& document.querySelectorAll('" FEED_EVENT "').length > %zu); })()",
	           seen);
	enum socapi_status st = cond.failed
	                            ? nomem(err)
	                            : page_wait(s->browser, page, cond.data, FEED "[data-state]",
	                                        scraper_deadline(s), err);
	buf_release(&cond);
	struct json_object *state = NULL;
	if (st == SOCAPI_OK)
		st = page_eval(s->browser, page, FEED_STATE, scraper_deadline(s), &state, err);
	*ended = st == SOCAPI_OK &&
	         strcmp(json_object_get_string(state) ? json_object_get_string(state) : "",
	                "noevents") == 0;
	json_object_put(state);
	return st;
}

static enum socapi_status read_feed(struct socapi_scraper *s, struct cdp_page *page,
                                    struct json_object *group, int64_t limit, const char *skip,
                                    struct json_object *events, struct socapi_error *err)
{
	struct buf group_page = {0};
	const char *link = link_of(group), *host = link ? strstr(link, "://") : NULL;
	buf_printf(&group_page, "%s%s", s->web_url,
	           host && strchr(host + 3, '/') ? strchr(host + 3, '/') : "/");
	bool skipping = str_set(skip), ended = false;
	size_t seen = 0;
	enum socapi_status st = group_page.failed ? nomem(err) : SOCAPI_OK;
	while (st == SOCAPI_OK && (int64_t)json_object_array_length(events) < limit) {
		if (seen)
			st = page_eval(s->browser, page,
			               "window.scroll(0, document.body.scrollHeight)",
			               scraper_deadline(s), NULL, err);
		if (st == SOCAPI_OK)
			st = feed_settled(s, page, seen, &ended, err);
		struct json_object *cards = NULL;
		if (st == SOCAPI_OK)
			st = read_cards(s, page, seen, &cards, err);
		for (size_t i = 0; st == SOCAPI_OK && i < json_object_array_length(cards) &&
		                   (int64_t)json_object_array_length(events) < limit;
		     i++) {
			struct json_object *event;
			st = event_from_card(json_object_array_get_idx(cards, i), group,
			                     group_page.data, &event);
			if (st == SOCAPI_E_DECODE && err) {
				set_error(err, st,
				          "an event's data-astat is not what the scraper reads: "
				          "the site changed");
				copy_text(err->path, sizeof err->path, FEED_EVENT);
			} else if (st == SOCAPI_E_NOMEM) {
				nomem(err);
			}
			seen++;
			struct json_object *id;
			if (st == SOCAPI_OK && skipping) {
				/* drop the events up to and including skip */
				json_object_object_get_ex(event, "id", &id);
				skipping = strcasecmp(json_object_get_string(id), skip) != 0;
				json_object_put(event);
			} else if (st == SOCAPI_OK && json_object_array_add(events, event) != 0) {
				json_object_put(event);
				st = nomem(err);
			}
		}
		json_object_put(cards);
		if (ended)
			break;
	}
	buf_release(&group_page);
	return st;
}

static enum socapi_status stream_get_by_author(struct socapi_scraper *s, const struct pairs *params,
                                               struct json_object **result,
                                               struct socapi_error *err)
{
	int64_t limit;
	struct json_object *users = NULL, *group;
	struct cdp_page *page = NULL;
	enum socapi_status st = scraper_int_param(params, "limit", 10, &limit, err);
	if (st == SOCAPI_OK && limit < 0)
		st = set_error(err, SOCAPI_E_ARG, "stream.getByAuthor: limit must not be negative");
	if (st == SOCAPI_OK)
		st = community(s, params, "uid", &users, &group, err);
	if (st == SOCAPI_OK && !(*result = json_object_new_array()))
		st = nomem(err);
	if (st == SOCAPI_OK && limit > 0)
		st = open_community(s, group, &page, err);
	bool closed = false;
	if (page && st == SOCAPI_OK)
		st = page_wait(s->browser, page,
		               "!!document.querySelector('" CLOSED_SIGN "') || "
		               "!!document.querySelector('" FEED "[data-state]')",
		               FEED "[data-state]", scraper_deadline(s), err);
	if (page && st == SOCAPI_OK)
		st =
		    eval_bool(s, page, "!!document.querySelector('" CLOSED_SIGN "')", &closed, err);
	if (page && st == SOCAPI_OK && closed) {
		st = set_error(err, SOCAPI_E_API,
		               "Access to this object is denied: %s is a closed community",
		               link_of(group));
		if (err)
			err->api_code = 202;
	}
	if (page && st == SOCAPI_OK)
		st = read_feed(s, page, group, limit, pairs_get(params, "skip"), *result, err);
	page_close(s->browser, page);
	json_object_put(users);
	return st;
}

scrape_fn mailru_scraper_for(const char *method)
{
	static const struct {
		const char *name;
		scrape_fn fn;
	} scrapers[] = {
	    {"groups.get", groups_get},
	    {"groups.getInfo", groups_get_info},
	    {"groups.join", groups_join},
	    {"stream.getByAuthor", stream_get_by_author},
	};
	for (size_t i = 0; i < sizeof scrapers / sizeof *scrapers; i++)
		if (strcmp(scrapers[i].name, method) == 0)
			return scrapers[i].fn;
	return NULL;
}
