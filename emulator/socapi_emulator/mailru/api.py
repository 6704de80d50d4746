"""Platform@Mail.Ru REST methods, one function per method: users and friends,
stream, guestbook and messages, photos, audio, counters, games,
notifications, mobile and groups.
"""

from ..common import ApiError
from .constants import CLIENT_SERVER, PERMISSIONS, SERVER_SERVER
from .world import UserRef
from .call import api, by_id, next_id


# --- users and friends ------------------------------------------------------

@api("users.getInfo")
def users_get_info(call):
    uids = call.uid_list("uids") or [call.viewer]
    if len(uids) > 200:
        raise ApiError(100)
    return [UserRef(uid) for uid in uids if uid in call.world.users]


@api("users.isAppUser")
def users_is_app_user(call):
    return {"isAppUser": call.world.users[call.user("uid")]["app_installed"]}


@api("users.hasAppPermission")
def users_has_app_permission(call):
    """All seven permissions, 0/1, for the calling token (ext_perm is checked)."""
    if any(name not in PERMISSIONS for name in call.required("ext_perm").split(",")):
        raise ApiError(100)
    return {name: int(name in call.scope) for name in PERMISSIONS}


@api("users.getBalance")
def users_get_balance(call):
    return {"balance": call.world.stats[call.user("uid")]["balance"]}


def friends_answer(call, keep):
    """friends.* answers: uid strings (ext=0) or User objects (ext=1)."""
    owner = call.user("uid")
    ext = call.flag("ext")
    uids = [uid for uid in call.world.friends[owner] if keep(call.world.users[uid])]
    return [UserRef(uid) if ext else uid for uid in uids[call.integer("offset", 0):]]


@api("friends.get")
def friends_get(call):
    return friends_answer(call, lambda user: True)


@api("friends.getAppUsers")
def friends_get_app_users(call):
    return friends_answer(call, lambda user: user["app_installed"])


@api("friends.getOnline")
def friends_get_online(call):
    return friends_answer(call, lambda user: user["is_online"])


@api("friends.getInvitationsCount")
def friends_get_invitations_count(call):
    return {"count": call.world.stats[call.user("uid", required=True)]["invitations"]}


# --- stream -----------------------------------------------------------------

def stream_answer(call, items):
    """Paging of stream.get/getByAuthor: skip = id of the last item seen, or offset."""
    if call.flag("filter_app"):
        items = [item for item in items if item.get("app_id") == call.app.app_id]
    skip = call.text("skip")
    if skip:
        ids = [item["id"] for item in items]
        if skip not in ids:
            raise ApiError(100)
        items = items[ids.index(skip) + 1:]
    else:
        items = items[call.integer("offset", 0):]
    return [call.world.render_item(item, call.viewer) for item in items[:call.integer("limit", 10)]]


@api("stream.get")
def stream_get(call):
    return stream_answer(call, call.world.feed(call.viewer))


@api("stream.getByAuthor")
def stream_get_by_author(call):
    return stream_answer(call, call.world.events_by(call.user("uid")))


@api("stream.post", permission="stream")
def stream_post(call):
    """Needs some content: text (at most 400 characters), title or img_url."""
    if len(call.text("text")) > 400:
        raise ApiError(100)
    attachments = [{"object": "text", "content": value}
                   for value in (call.text("title"), call.text("text")) if value]
    if call.text("img_url"):
        attachments.append({"object": "image", "src": call.text("img_url")})
    if not attachments:
        raise ApiError(100)
    links = [{"text": call.text(f"link{n}_text"), "href": call.text(f"link{n}_href")}
             for n in (1, 2) if call.text(f"link{n}_href")]
    call.world.add_event(call.viewer, "5-17", call.world.tick(), attachments,
                         user_text=call.text("user_text"), app_id=call.app.app_id,
                         action_links=links)
    return 1


@api("stream.share", permission="stream")
def stream_share(call):
    url = call.required("url")
    attachments = [{"object": "link", "text": call.text("title") or url, "url": url}]
    if call.text("description"):
        attachments.append({"object": "text", "content": call.text("description")})
    if call.text("img_url"):
        attachments.append({"object": "image", "src": call.text("img_url")})
    call.world.add_event(call.viewer, "5-26", call.world.tick(), attachments,
                         user_text=call.text("user_text"))
    return 1


def thread_event(call, capability):
    """The event named by thread_id; it must be likeable / commentable."""
    event = call.world.event_by_thread(call.required("thread_id"))
    if event is None or not event[capability]:
        raise ApiError(100)
    return event


@api("stream.comment", permission="stream")
def stream_comment(call):
    event = thread_event(call, "commentable")
    call.world.comment(call.viewer, event, call.required("text"), call.world.tick())
    return 1


@api("stream.like", permission="stream")
def stream_like(call):
    call.world.like(call.viewer, thread_event(call, "likeable"), call.world.tick())
    return 1


@api("stream.unlike", permission="stream")
def stream_unlike(call):
    call.world.unlike(call.viewer, thread_event(call, "likeable"))
    return 1


@api("multipost.send")
def multipost_send(call):
    """Posted as the caller's micropost; uid2 is checked; photo/audio/video count
    as content but are not attached."""
    call.user("uid2")
    if not any(call.text(name) for name in ("text", "photo", "audio", "video")):
        raise ApiError(100)
    text = call.text("text")
    call.world.add_event(call.viewer, "3-23", call.world.tick(), [], user_text=text,
                         text_media=[{"object": "text", "content": text}] if text else [])
    return 1


# --- guestbook and messages ---------------------------------------------------

@api("guestbook.get")
def guestbook_get(call):
    return call.page(call.world.guestbook.get(call.user("uid"), []))


@api("guestbook.post", permission="guestbook")
def guestbook_post(call):
    owner = call.user("uid", required=True)
    if owner not in call.world.guestbook:  # a community has no guestbook
        raise ApiError(100)
    description = call.required("description")
    upload = call.files.get("img_file")
    img_url = call.world.store_upload(upload) if upload else call.text("img_url")
    call.world.guestbook[owner].insert(0, call.world.guestbook_entry(
        call.viewer, call.world.tick(), call.text("title"), description,
        call.text("user_text"), img_url))
    return 1


@api("messages.getThreadsList", permission="messages")
def messages_get_threads_list(call):
    return call.page([{"id": dialog["id"], "user": UserRef(partner),
                       "last_message": dialog["messages"][-1], "count": len(dialog["messages"])}
                      for partner, dialog in call.world.dialogs_of(call.viewer)])


@api("messages.getThread", permission="messages")
def messages_get_thread(call):
    """The messages of one dialog, newest first."""
    partner = call.user("uid", required=True)
    return call.page(call.world.messages_between(call.viewer, partner)[::-1])


@api("messages.getUnreadCount", permission="messages")
def messages_get_unread_count(call):
    return {"count": sum(1 for _, dialog in call.world.dialogs_of(call.viewer)
                         for message in dialog["messages"]
                         if message["author_uid"] != call.viewer and not message["is_read"])}


@api("messages.post", permission="messages")
def messages_post(call):
    partner = call.user("uid", required=True)
    if partner == call.viewer:
        raise ApiError(100)
    call.world.send_message(call.viewer, partner, call.required("message"), call.world.tick())
    return 1


# --- photos -----------------------------------------------------------------

@api("photos.getAlbums")
def photos_get_albums(call):
    wanted = [aid for aid in call.text("aids").split(",") if aid]
    return [album for album in call.world.albums.get(call.user("uid"), [])
            if not wanted or album["aid"] in wanted]


@api("photos.get")
def photos_get(call):
    owner = call.user("uid")
    aid = call.required("aid")
    if call.world.album(owner, aid) is None:
        raise ApiError(100)
    wanted = [pid for pid in call.text("pids").split(",") if pid]
    return [photo for photo in call.world.photos[(owner, aid)]
            if not wanted or str(photo["pid"]) in wanted]


@api("photos.createAlbum", permission="photos")
def photos_create_album(call):
    if call.viewer not in call.world.albums:  # communities keep no albums here
        raise ApiError(100)
    return call.world.add_album(call.viewer, call.required("title"), call.text("description"),
                                call.integer("privacy", 2), call.world.tick())


@api("photos.upload", permission="photos")
def photos_upload(call):
    """img_file (multipart) is stored and served back; img_url is not fetched (size 0)."""
    album = call.world.album(call.viewer, call.text("aid") or "_myphoto")
    if album is None:
        raise ApiError(100)
    upload = call.files.get("img_file")
    if upload:
        src, size = call.world.store_upload(upload), len(upload.data)
    else:
        src, size = call.required("img_url"), 0
    return call.world.add_photo(call.viewer, album, call.text("name"), call.world.tick(),
                                480, 480, size, src)


# --- audio ------------------------------------------------------------------

@api("audio.get")
def audio_get(call):
    wanted = [mid for mid in (call.text("mids") or call.text("mid")).split(",") if mid]
    tracks = call.world.playlists.get(call.user("uid"), [])
    return call.page([track for track in tracks if not wanted or track["mid"] in wanted])


@api("audio.link")
def audio_link(call):
    track = call.world.tracks.get(call.required("mid"))
    if track is None:
        raise ApiError(100)
    return track["file_url"]


@api("audio.search")
def audio_search(call):
    query = call.required("query").casefold()
    return call.page([track for track in call.world.top_tracks()
                      if query in f"{track['author']} {track['name']}".casefold()])


@api("audios.top", "audio.top", circuit=CLIENT_SERVER)
def audios_top(call):
    return call.page(call.world.top_tracks())


# --- counters ---------------------------------------------------------------

@api("events.getNewCount", permission="events")
def events_get_new_count(call):
    return {"count": call.world.stats[call.viewer]["new_events"]}


@api("mail.getUnreadCount", "email.getUnreadCount")
def mail_get_unread_count(call):
    return {"count": call.world.stats[call.viewer]["unread_mail"]}


# --- games: achievements, titles, score --------------------------------------

@api("achievements.list")
def achievements_list(call):
    return call.page(call.world.achievements)


@api("achievements.user_awards")
def achievements_user_awards(call):
    """The caller's achievements, the heaviest first."""
    awarded = call.world.awards.get(call.viewer, [])
    found = [item for item in call.world.achievements if item["id"] in awarded]
    return call.page(sorted(found, key=lambda item: -item["weight"]))


@api("achievements.groups")
def achievements_groups(call):
    wanted = [number for number in call.text("groups").split(",") if number]
    return [group for group in call.world.achievement_groups
            if not wanted or str(group["id"]) in wanted]


@api("achievements.add")
def achievements_add(call):
    """weight may also come as `width` (the py-mymailru spelling)."""
    group_id = call.integer("group_id", 0)
    if group_id:
        by_id(call.world.achievement_groups, call, "group_id")
    weight = call.integer("weight" if call.text("weight") else "width", 0)
    items = call.world.achievements
    items.append({"id": next_id(items), "img_url": call.text("img_url"), "description": call.required("description"),
                  "weight": weight, "group_id": group_id})
    return 1


@api("achievements.update")
def achievements_update(call):
    item = by_id(call.world.achievements, call, "id")
    for name in ("img_url", "description"):
        item[name] = call.text(name) or item[name]
    item["weight"] = call.integer("weight", item["weight"])
    return 1


@api("achievements.remove")
def achievements_remove(call):
    item = by_id(call.world.achievements, call, "id")
    call.world.achievements.remove(item)
    for awarded in call.world.awards.values():
        if item["id"] in awarded:
            awarded.remove(item["id"])
    return 1


@api("achievements.reward")
def achievements_reward(call):
    item = by_id(call.world.achievements, call, "id")
    awarded = call.world.awards.setdefault(call.user("uid"), [])
    if item["id"] not in awarded:
        awarded.append(item["id"])
    return 1


@api("achievements.unreward")
def achievements_unreward(call):
    item = by_id(call.world.achievements, call, "id")
    awarded = call.world.awards.get(call.user("uid"), [])
    if item["id"] in awarded:
        awarded.remove(item["id"])
    return 1


@api("achievements.group_add")
def achievements_group_add(call):
    groups = call.world.achievement_groups
    groups.append({"id": next_id(groups), "description": call.required("description")})
    return 1


@api("achievements.group_remove")
def achievements_group_remove(call):
    call.world.achievement_groups.remove(by_id(call.world.achievement_groups, call, "group_id"))
    return 1


@api("achievements.group_update")
def achievements_group_update(call):
    by_id(call.world.achievement_groups, call, "group_id")["description"] = call.required("description")
    return 1


@api("titles.list")
def titles_list(call):
    return call.page(call.world.titles)


@api("titles.add")
def titles_add(call):
    titles = call.world.titles
    titles.append({"id": next_id(titles), "name": call.required("name"),
                   "img_url": call.text("img_url")})
    return 1


@api("titles.del")
def titles_del(call):
    call.world.titles.remove(by_id(call.world.titles, call, "id"))
    return 1


@api("titles.update")
def titles_update(call):
    """The picture parameter is `image` (py-mymailru), stored as img_url."""
    title = by_id(call.world.titles, call, "id")
    title.update(name=call.text("name") or title["name"],
                 img_url=call.text("image") or title["img_url"])
    return 1


@api("titles.user_reward")
def titles_user_reward(call):
    call.world.user_titles[call.viewer] = by_id(call.world.titles, call, "id")["id"]
    return 1


@api("titles.user_drop")
def titles_user_drop(call):
    call.world.user_titles.pop(call.viewer, None)
    return 1


@api("score.add")
def score_add(call):
    uid = call.user("uid2")
    call.world.scores[uid] += call.integer("score")
    return 1


@api("score.total")
def score_total(call):
    return {"total": call.world.scores[call.user("uid2")]}


# --- notifications, mobile, groups -----------------------------------------

@api("notifications.send", circuit=SERVER_SERVER, needs_session=False)
def notifications_send(call):
    uids = call.uid_list("uids", required=True)
    if len(uids) > 200 or any(uid not in call.world.users for uid in uids):
        raise ApiError(100)
    call.required("text")
    return 1


@api("mobile.getCanvas", circuit=CLIENT_SERVER)
def mobile_get_canvas(call):
    spec = call.text("mobile_spec") or "basic"
    if spec not in ("basic", "smartphone"):
        raise ApiError(100)
    return {"header": f'<div class="mailru-header mailru-{spec}"><a href="https://m.my.mail.ru/">'
                      "Мой Мир</a></div>",
            "footer": f'<div class="mailru-footer mailru-{spec}">© Mail.Ru</div>'}


@api("groups.get")
def groups_get(call):
    """The caller's communities (a REST stand-in for aiomailru/scrapers.py's groups.get)."""
    ext = call.flag("ext")
    return [UserRef(uid) if ext else uid for uid in call.page(call.world.members[call.viewer])]


@api("groups.getInfo")
def groups_get_info(call):
    """Community users with group_info.is_closed; other uids are skipped (202 if none left)."""
    found = []
    for uid in call.uid_list("uids", required=True):
        if uid in call.world.communities:
            user = call.world.resolve(UserRef(uid), call.viewer)
            user["group_info"] = {**user["group_info"], "is_closed": int(uid in call.world.closed)}
            found.append(user)
    if not found:
        raise ApiError(202)
    return found


@api("groups.join")
def groups_join(call):
    community = call.required("group_id")
    if community not in call.world.communities:
        raise ApiError(100)
    if community not in call.world.members[call.viewer]:
        call.world.members[call.viewer].append(community)
    return 1
