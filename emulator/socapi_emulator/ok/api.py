"""OK.ru REST methods, one function per method: users, friends, groups, events,
photos, media topics and the stream, and the rest.
"""

import base64
from urllib.parse import urlsplit

from ..common import DAY, ApiError
from .constants import (DEFAULT_USER_FIELDS, DISCUSSION_CATEGORIES, MEDIA_BLOCK_LIMIT, MEMBER_STATUSES,
                        OK_HOSTS, PERMISSIONS, TOPIC_TEXT_LIMIT, TOPIC_TYPES, VALUABLE_ACCESS, stamp)
from .world import PendingUpload
from .call import api, paged


VA = (VALUABLE_ACCESS,)


# --- users --------------------------------------------------------------------

@api("users.getInfo", permissions=VA)
def users_get_info(call):
    uids = call.ids("uids", required=True)
    fields = call.fields(required=True)
    empty = call.boolean("emptyPictures")
    return [call.world.user(uid, fields, call.viewer, call.scope, empty)
            for uid in uids if uid in call.world.users]  # unknown ids are skipped


@api("users.getCurrentUser", session="required")
def users_get_current_user(call):
    """The side file lists GET_EMAIL here; the emulator answers any token and lets
    GET_EMAIL decide only whether `email` is in the answer, as OK does."""
    return call.world.user(call.viewer, call.fields() or DEFAULT_USER_FIELDS, call.viewer,
                           call.scope)


@api("users.getLoggedInUser", session="required")
def users_get_logged_in_user(call):
    return call.viewer


@api("users.isAppUser")
def users_is_app_user(call):
    return call.subject() in call.world.grants


@api("users.hasAppPermission")
def users_has_app_permission(call):
    permission = call.required("ext_perm")
    if permission not in PERMISSIONS:
        raise ApiError(100, f"unknown permission {permission}")
    uid = call.subject()
    granted = call.scope if uid == call.viewer else call.world.grants.get(uid, frozenset())
    return permission in granted


@api("users.setStatus", session="required", permissions=("SET_STATUS",))
def users_set_status(call):
    set_status(call.world, call.viewer, call.required("status"))  # location is ignored
    return True


def set_status(world, uid, text):
    when = world.tick()
    world.users[uid].update(current_status=text, current_status_id=world.new_id(13),
                            current_status_date=stamp(when), current_status_date_ms=when * 1000)


# --- friends ------------------------------------------------------------------

@api("friends.get", permissions=VA)
def friends_get(call):
    if call.text("sort_type") not in ("", "PRESENT"):
        raise ApiError(100, "sort_type must be PRESENT")
    return call.world.friends[call.person("fid") or call.subject()]


@api("friends.getOnline", permissions=VA)
def friends_get_online(call):
    wanted = call.text("online")  # "web" or "mobile": only friends online there
    users = call.world.users
    return [uid for uid in call.world.friends[call.subject()]
            if users[uid].get("online") and wanted in ("", users[uid]["online"])]


@api("friends.getMutualFriends", permissions=VA)
def friends_get_mutual_friends(call):
    target = call.person("target_id", required=True)
    source = call.subject("source_id")
    mutual = [uid for uid in call.world.friends[source] if uid in call.world.friends[target]]
    return mutual[:call.integer("count", len(mutual), 1)]


@api("friends.getAppUsers", permissions=VA)
def friends_get_app_users(call):
    return {"uids": [uid for uid in call.world.friends[call.subject()] if uid in call.world.grants]}


@api("friends.getBirthdays", permissions=VA)
def friends_get_birthdays(call):
    """future=false: the next 3 days; true: the next 30 (from EPOCH's date)."""
    return call.world.upcoming_birthdays(call.subject(), 30 if call.boolean("future") else 3)


# --- groups -------------------------------------------------------------------

@api("group.getInfo", permissions=("GROUP_CONTENT", VALUABLE_ACCESS))
def group_get_info(call):
    gids = call.ids("uids", required=True)
    fields = call.fields(required=True)
    call.boolean("move_to_top")  # checked, without effect
    return [call.world.group(gid, fields, call.viewer) for gid in gids if gid in call.world.groups]


@api("group.getMembers", session="required", permissions=(VALUABLE_ACCESS, "GROUP_CONTENT"))
def group_get_members(call):
    """Members in ascending id order; a closed group shows them to members only."""
    gid = call.group("uid", required=True)
    members = call.world.members[gid]
    if call.world.groups[gid]["private"] and call.viewer not in members:
        raise ApiError(456)
    statuses = call.listing("statuses")
    if any(status not in MEMBER_STATUSES for status in statuses):
        raise ApiError(100, "unknown status in statuses")
    uids = [uid for uid, status in members.items() if not statuses or status in statuses]
    reply = paged(call, uids, "members", highest=1000)
    reply["members"] = [{"userId": uid} for uid in reply["members"]]
    return reply


@api("group.getUserGroupsV2")
def group_get_user_groups_v2(call):
    """No has_more here (as in the side file's paging table): the page after the
    last one has neither groups nor anchor."""
    uid = call.subject()
    gids = call.world.groups_of(uid)
    page, anchor, _ = call.page(gids, 10, 100)
    if not page:
        return {}
    return {"groups": [{"groupId": gid, "status": call.world.members[gid][uid]} for gid in page],
            "anchor": anchor}


@api("group.getUserGroupsByIds")
def group_get_user_groups_by_ids(call):
    gid = call.group("group_id", required=True)
    members = call.world.members[gid]
    return {"memberships": [
        {"groupId": gid, "userId": uid, "status": members.get(uid, "UNKNOWN")}
        for uid in call.ids("uids", required=True) if uid in call.world.users]}


# --- events -------------------------------------------------------------------

@api("events.get", session="required", permissions=VA)
def events_get(call):
    wanted = [kind.lower() for kind in call.listing("types")]  # version is ignored
    counters = call.world.counters[call.viewer]
    return [{"type": kind, "number": number, "uid": call.viewer, "icon": index,
             "lastId": int(call.viewer) * 100 + index, "marker": f"{kind}:{number}",
             "message": int(number > 0)}
            for index, (kind, number) in enumerate(counters.items())
            if not wanted or kind in wanted]


# --- photos -------------------------------------------------------------------

def photo_owner(call):
    """(owner id, is a group) from gid, else fid, else uid or the caller."""
    gid = call.group("gid")
    if gid:
        return gid, True
    return call.person("fid") or call.subject(), False


@api("photos.getAlbums", permissions=VA)
def photos_get_albums(call):
    """The pagingAnchor spelling; `fields` and album_type are accepted and ignored:
    albums always carry every field."""
    owner, _ = photo_owner(call)
    reply = paged(call, call.world.albums_of(owner), "albums", "totalCount", camel=True)
    reply["albums"] = [call.world.album(aid) for aid in reply["albums"]]
    return reply


@api("photos.getUserAlbumPhotos", permissions=(VALUABLE_ACCESS, "PHOTO_CONTENT"))
def photos_get_user_album_photos(call):
    aid = call.album("aid", required=True)
    if call.world.albums[aid].get("user_id") != call.subject():
        raise ApiError(120, "the album is not one of this user's albums")
    return paged(call, call.world.photos_in(aid), "photos", "totalCount", camel=True)


@api("photos.getPhotos", permissions=VA)
def photos_get_photos(call):
    """Without aid: every photo of the owner. The special aids tags, application
    and group_main list nothing here."""
    owner, _ = photo_owner(call)
    aid = call.text("aid")
    if aid in ("tags", "application", "group_main"):
        photos = []
    elif aid:
        call.album("aid")  # 120 if unknown
        if call.world.album_owner(aid) != owner:
            raise ApiError(120, "the album belongs to somebody else")
        photos = call.world.photos_in(aid)
    else:
        photos = call.world.photos_of(owner)
    return paged(call, photos, "photos", "total_count", more="hasMore")


@api("photosV2.getUploadUrl", permissions=("PHOTO_CONTENT",))
def photos_v2_get_upload_url(call):
    """Reserves `count` photo ids and a URL to POST their files to. The ids are
    base64 with "+", "/" and "=", so a client must percent-encode them
    (https://apiok.ru/dev/examples/moment_upload)."""
    owner, group = photo_owner(call)
    aid = call.album("aid")
    if aid and call.world.album_owner(aid) != owner:
        raise ApiError(513 if group else 512)
    count = call.integer("count", 1, 1)
    if count > 10:
        raise ApiError(100, "count must be at most 10")
    call.boolean("placeholders")  # checked; placeholders, topicLink and sizes change nothing
    call.boolean("topicLink")
    world = call.world
    ids = [base64.b64encode(b"\xfb\xff" + world.rng.randbytes(9)).decode() for _ in range(count)]
    upload_id = world.new_id(18)
    world.pending_uploads[upload_id] = PendingUpload(owner, aid, ids, group)
    ttl = DAY * 1000
    return {"upload_url": f"{world.base}/ok/upload/{upload_id}", "photo_ids": ids,
            "expires_ms": world.clock * 1000 + ttl, "ttl_ms": ttl}


@api("photosV2.commit", permissions=("PHOTO_CONTENT",))
def photos_v2_commit(call):
    """photo_id + token, or `photos` = [{"photo_id", "token", "comment"}]. A token
    commits once; a wrong or used one is error 121."""
    entries = call.json("photos")
    if entries is None:
        entries = [{"photo_id": call.required("photo_id"), "token": call.required("token"),
                    "comment": call.text("comment")}]
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise ApiError(100, "photos must be a JSON list of objects")
    tokens = [entry.get("token") for entry in entries]
    for entry, token in zip(entries, tokens):
        uploaded = call.world.upload_tokens.get(token) if isinstance(token, str) else None
        if uploaded is None or uploaded.photo_id != entry.get("photo_id"):
            raise ApiError(121)
    if len(set(tokens)) < len(tokens):
        raise ApiError(121, "a token appears twice")
    committed = []
    for entry in entries:
        photo = call.world.commit_upload(entry["token"], str(entry.get("comment") or ""))
        committed.append({"photo_id": entry["photo_id"], "status": "SUCCESS",
                          "assigned_photo_id": photo["id"]})
    return {"photos": committed}


# --- media topics and the stream ------------------------------------------------

@api("mediatopic.post")
def mediatopic_post(call):
    """`attachment` is JSON text. Answers the new topic id as a JSON string."""
    kind = call.text("type") or "USER"
    if kind not in TOPIC_TYPES:
        raise ApiError(100, "unknown type")
    if TOPIC_TYPES[kind]:
        call.need(TOPIC_TYPES[kind])
    author = call.subject()
    if call.viewer and author != call.viewer:
        raise ApiError(100, "uid names the author of session-less calls only")
    gid = call.group("gid")
    if kind.startswith("GROUP") != bool(gid):
        raise ApiError(100, "group topics need gid, and only they take it")
    if gid and author not in call.world.members[gid]:
        raise ApiError(456)
    set_status_too = call.boolean("set_status")
    if set_status_too:
        call.need("SET_STATUS")
    for flag in ("text_link_preview", "hidden_post", "ads_post"):
        call.boolean(flag)
    media = topic_media(call, call.json("attachment", required=True))
    world = call.world
    topic = world.add_topic(author, f"group:{gid}" if gid else f"user:{author}", media,
                            world.tick())
    world.commented[author].append(topic["id"])
    text = next((block["text"] for block in media if block["type"] == "text"), None)
    if text is not None and (kind == "USER_STATUS" or set_status_too):
        set_status(world, author, text)
    return topic["id"]


def topic_media(call, attachment):
    """The checked media blocks of an attachment. Photo blocks take ids of existing
    photos or upload tokens; the tokens are committed once every block is good."""
    media = attachment.get("media") if isinstance(attachment, dict) else None
    if not isinstance(media, list) or not media or not all(isinstance(b, dict) for b in media):
        raise ApiError(100, "attachment needs a non-empty media list")
    if len(media) > MEDIA_BLOCK_LIMIT:
        raise ApiError(600)
    blocks = []
    for block in media:
        kind = block.get("type")
        if kind == "text" and isinstance(block.get("text"), str):
            if len(block["text"]) > TOPIC_TEXT_LIMIT:
                raise ApiError(601)
            blocks.append({"type": "text", "text": block["text"]})
        elif kind == "link" and isinstance(block.get("url"), str):
            parts = urlsplit(block["url"])
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ApiError(607)
            blocks.append({"type": "link", "url": block["url"]})
        elif kind == "poll" and poll_is_valid(block):
            blocks.append(call.world.poll(block["question"], block["answers"],
                                          block.get("options", "")))
        elif kind == "photo" and isinstance(block.get("list"), list):
            blocks.append({"type": "photo", "list": [{"id": topic_photo(call, item)}
                                                     for item in block["list"]]})
        else:
            raise ApiError(100, f"bad media block of type {kind!r}")
    committed = {}  # upload token -> the new photo's id (a token may appear twice)
    for item in (item for block in blocks for item in block.get("list", ())):
        token = item["id"]
        if token in call.world.upload_tokens:
            committed[token] = call.world.commit_upload(token, "")["id"]
        item["id"] = committed.get(token, token)
    return blocks


def poll_is_valid(block):
    answers = block.get("answers")
    return (isinstance(block.get("question"), str) and isinstance(answers, list) and answers
            and all(isinstance(a, dict) and isinstance(a.get("text"), str) for a in answers)
            and isinstance(block.get("options", ""), str))


def topic_photo(call, item):
    """The id of a photo block item: an upload token or an existing photo's id."""
    ident = item.get("id") if isinstance(item, dict) else None
    if not isinstance(ident, str) or not (ident in call.world.upload_tokens
                                          or ident in call.world.photos):
        raise ApiError(121)
    return ident


@api("mediatopic.getByIds", session="required", permissions=VA)
def mediatopic_get_by_ids(call):
    """media_limit (1..3) keeps the first blocks of each topic; `fields` and
    `features` are accepted and ignored."""
    ids = call.ids("topic_ids", required=True)
    limit = call.integer("media_limit", None, 1, 3)
    topics = [call.world.topic(ident, limit) for ident in ids if ident in call.world.topics]
    refs = [ref for topic in topics for ref in (topic["author_ref"], topic["owner_ref"])]
    return {"media_topics": topics, "entities": call.world.entities(refs, call.viewer)}


@api("mediatopic.getTopics", permissions=VA)
def mediatopic_get_topics(call):
    """Not in schema/ok: the topics of a group (gid) or a user (uid, default the
    caller), newest first, anchor-paged like media_topics_reply + anchor/has_more."""
    gid = call.group("gid")
    owner = f"group:{gid}" if gid else f"user:{call.subject()}"
    topics = [topic["id"] for topic in reversed(call.world.topics.values())
              if topic["owner"] == owner]
    reply = paged(call, topics, "media_topics")
    reply["media_topics"] = [call.world.topic(ident) for ident in reply["media_topics"]]
    refs = [topic["author_ref"] for topic in reply["media_topics"]] + [owner]
    reply["entities"] = call.world.entities(refs, call.viewer)
    return reply


@api("stream.get", session="required", permissions=VA)
def stream_get(call):
    """patterns filters by POST or JOIN; `fields` is accepted and ignored (entities
    carry fixed field sets). A page holds `count` items (default 10; the schema
    lists no count, so clients get the default)."""
    gid = call.group("gid")
    patterns = [pattern.upper() for pattern in call.listing("patterns")]
    entries = [call.world.feed_entry(item) for item in call.world.feed(call.viewer, gid)]
    entries = [entry for entry in entries if not patterns or entry["pattern"] in patterns]
    reply = paged(call, entries, "feeds")
    refs = [ref for entry in reply["feeds"] for ref in entry["actor_refs"] + entry["target_refs"]]
    reply["entities"] = call.world.entities(refs, call.viewer)
    return reply


@api("discussions.getList", session="required", permissions=VA)
def discussions_get_list(call):
    """category: ALL (default), MY (topics the caller wrote), OTHERS, UNREAD (with
    new comments); types filters by object_type. version, fields, fieldset,
    locale and features are accepted and ignored."""
    category = call.text("category") or "ALL"
    if category not in DISCUSSION_CATEGORIES:
        raise ApiError(100, f"category must be one of {', '.join(DISCUSSION_CATEGORIES)}")
    types = call.listing("types")
    keep = {"ALL": lambda d: True, "MY": lambda d: d["owner_uid"] == call.viewer,
            "OTHERS": lambda d: d["owner_uid"] != call.viewer,
            "UNREAD": lambda d: d["new_comments_count"] > 0}[category]
    found = [d for d in call.world.discussions(call.viewer)
             if keep(d) and (not types or d["object_type"] in types)]
    return paged(call, found, "discussions")


# --- the rest -----------------------------------------------------------------

@api("url.getInfo", permissions=VA)
def url_get_info(call):
    """ok.ru profile, group and short-name URLs (also without the scheme);
    objectId is a JSON number (https://apiok.ru/dev/methods/rest/url/url.getInfo).
    Unknown targets: 300; other hosts: 100."""
    text = call.required("url")
    parts = urlsplit(text if "//" in text else "https://" + text)
    if parts.netloc.lower() not in OK_HOSTS:
        raise ApiError(100, "not an ok.ru URL")
    path = [part for part in parts.path.split("/") if part]
    world = call.world
    if len(path) == 2 and path[0] == "profile":
        target = path[1]
    elif len(path) == 2 and path[0] == "group":
        target = path[1]
    elif len(path) == 1:
        target = world.shortnames.get(path[0].lower(), path[0])
    else:
        target = None
    if target in world.users:
        kind = "PROFILE"
    elif target in world.groups:
        kind = "GROUP"
    else:
        raise ApiError(300)
    return {"objectId": int(target), "objectIdStr": target, "type": kind,
            "objectIdEncoded": base64.urlsafe_b64encode(target.encode()).decode().rstrip("=")}


@api("notifications.sendSimple", session="none", permissions=VA)
def notifications_send_simple(call):
    """Session-less only (aiookru docs/source/rest_api.rst). Checked and answered,
    not stored; the user must use the app (else 25)."""
    uid = call.person("uid", required=True)
    call.required("text")  # mark is ignored
    if uid not in call.world.grants:
        raise ApiError(25)
    return True


@api("auth.login", session="none", signed=False)
def auth_login(call):
    """Unsigned (aiookru/sessions.py). A password login gets every permission, a
    session_secret_key and a 30-day token. Wrong login or password and blocked
    users: 401, with different texts."""
    account = call.world.account(call.required("user_name"), call.required("password"))
    if account is None:
        raise ApiError(401, "Invalid login or password")
    if account.blocked:
        raise ApiError(401, "User is blocked")
    session = call.platform.issue(account.uid, frozenset(PERMISSIONS), with_secret=True)
    return {"uid": account.uid, "session_key": session.access_token,
            "session_secret_key": session.secret_key, "api_server": f"{call.world.base}/ok/"}


@api("auth.touchSession", session="required")
def auth_touch_session(call):
    """Not in schema/ok: restarts the token's lifetime (30 days with LONG_ACCESS_TOKEN)."""
    call.platform.touch(call.session)
    return True
