/*
 * test_mailru_calls.c - the Mail.Ru binding's typed calls end to end
 * against the bundled emulator (loopback only): lists, unions, counters,
 * offset and skip paging, and multipart uploads.
 */
#define _POSIX_C_SOURCE 200809L
#include "mailru_emulator_common.h"

#include <unistd.h>

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

int main(void)
{
	if (!mailru_emulator_begin())
		return 1;

	test_friends();
	test_stream();
	test_photos();
	test_counters();
	test_uploads();

	return mailru_emulator_end();
}
