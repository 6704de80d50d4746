"""VK REST methods: wall.*, likes.* and newsfeed.*."""

import re

from ..common import DAY, EPOCH, ApiError
from .constants import LIKE_TYPES, USER, USER_GROUP, USER_SERVICE, invalid
from .call import INTEGER, api


# --- walls -------------------------------------------------------------------

def wall_owner(call):
    """owner_id, or the owner a `domain` (screen name) names."""
    if not call.text("domain") or call.text("owner_id"):
        return call.owner()
    found = call.world.resolve_screen_name(call.text("domain"))
    if found is None or found[0] == "application":
        raise invalid("domain")
    return call.visible_owner(found[1] if found[0] == "user" else -found[1], "domain")


def visible_post(call, owner, post_id, name="post_id"):
    post = call.world.post(owner, post_id)
    if post is None:
        raise invalid(name)
    return post


def with_extended(call, answer, items, *more):
    if call.flag("extended"):
        answer.update(call.extended(items, *more))
    return answer


@api("wall.get", USER_SERVICE)
def wall_get(call):
    owner = wall_owner(call)
    posts = call.world.wall_posts(owner)
    kind = call.text("filter") or "all"
    if kind == "owner":
        posts = [post for post in posts if post["from_id"] == owner]
    elif kind == "others":
        posts = [post for post in posts if post["from_id"] != owner]
    elif kind != "all":
        posts = []  # postponed, suggests, archived, donut: none here
    items = [call.world.render_post(post, call.viewer) for post in call.page(posts, 20, 100)]
    return with_extended(call, {"count": len(posts), "items": items}, items, owner)


@api("wall.getById", USER_SERVICE)
def wall_get_by_id(call):
    depth = call.integer("copy_history_depth", 2, minimum=0)
    items = []
    for name in call.names("posts", required=True):
        match = re.fullmatch(r"(-?\d+)_(\d+)", name)
        if not match:
            raise invalid("posts")
        owner, post_id = int(match[1]), int(match[2])
        try:
            call.world.check_owner(owner, call.viewer)
        except ApiError:
            continue  # posts the caller may not see are left out
        post = call.world.post(owner, post_id)
        if post:
            items.append(call.world.render_post(post, call.viewer, depth))
    return with_extended(call, {"items": items}, items)


@api("wall.post", USER, permissions=("wall",))
def wall_post(call):
    me = call.me()
    owner = call.owner()
    attachments = call.attachments("attachments", ("photo", "link"))
    message = call.text("message")
    if not message and not attachments:
        raise invalid("message", "should be given, or attachments")
    if not call.world.can_post(owner, me):
        raise ApiError(214)
    author, signer = me, None
    if owner < 0 and call.flag("from_group"):
        author = call.admin_of(-owner)
        signer = me if call.flag("signed") else None
    key = (me, owner, call.text("guid"))
    if key[2] and key in call.world.posted:  # the same guid again: the first post
        return {"post_id": call.world.posted[key]}
    post = call.world.add_post(owner, author, call.world.tick(), message, attachments, signer=signer,
                               source="api")
    if key[2]:
        call.world.posted[key] = post["id"]
    return {"post_id": post["id"]}


@api("wall.edit", USER, permissions=("wall",))
def wall_edit(call):
    owner = call.owner()
    post = visible_post(call, owner, call.integer("post_id"))
    if not call.world.may_edit(post, call.me()):
        raise ApiError(15, "Access denied: you can't edit this post")
    attachments = call.attachments("attachments", ("photo", "link"))
    if not call.text("message") and not attachments:
        raise invalid("message", "should be given, or attachments")
    post.update(text=call.text("message"), attachments=attachments, edited=call.world.tick())
    return {"post_id": post["id"]}


def managed_post(call, deleted=False):
    """The post of owner_id/post_id the caller may delete (a deleted one for restore)."""
    owner = call.owner()
    post_id = call.integer("post_id")
    post = next((post for post in call.world.walls.get(owner, [])
                 if post["id"] == post_id and post["deleted"] == deleted), None)
    if post is None:
        raise invalid("post_id")
    if not call.world.may_delete(post, call.me()):
        raise ApiError(15, "Access denied: you can't delete this post")
    return post


@api("wall.delete", USER, permissions=("wall",))
def wall_delete(call):
    post = managed_post(call)
    post["deleted"] = True
    if call.world.pinned.get(post["owner_id"]) == post["id"]:
        del call.world.pinned[post["owner_id"]]
    return 1


@api("wall.restore", USER, permissions=("wall",))
def wall_restore(call):
    managed_post(call, deleted=True)["deleted"] = False
    return 1


def pinnable_post(call):
    owner = call.owner()
    if not call.world.manages(owner, call.me()):
        raise ApiError(15, "Access denied: only the wall owner pins posts")
    return visible_post(call, owner, call.integer("post_id"))


@api("wall.pin", USER, permissions=("wall",))
def wall_pin(call):
    post = pinnable_post(call)
    call.world.pinned[post["owner_id"]] = post["id"]
    return 1


@api("wall.unpin", USER, permissions=("wall",))
def wall_unpin(call):
    post = pinnable_post(call)
    if call.world.pinned.get(post["owner_id"]) == post["id"]:
        del call.world.pinned[post["owner_id"]]
    return 1


@api("wall.repost", USER, permissions=("wall",))
def wall_repost(call):
    """Only wall posts ("wall<owner>_<id>") can be reposted here."""
    me = call.me()
    match = re.fullmatch(r"wall(-?\d+)_(\d+)", call.required("object"))
    if not match:
        raise invalid("object")
    owner, post_id = int(match[1]), int(match[2])
    call.world.check_owner(owner, me, "object")
    original = visible_post(call, owner, post_id, "object")
    target = call.admin_of(call.integer("group_id")) if call.text("group_id") else me
    post = call.world.add_post(target, target, call.world.tick(), call.text("message"), [],
                               copy=(owner, original["id"]), source="api")
    reposters = call.world.reposts.setdefault((owner, original["id"]), [])
    if me not in reposters:
        reposters.append(me)
    return {"success": 1, "post_id": post["id"], "reposts_count": len(reposters),
            "wall_repost_count": len(reposters), "mail_repost_count": 0,
            "likes_count": len(call.world.likes.get(("post", owner, original["id"]), []))}


@api("wall.getComments", USER_SERVICE)
def wall_get_comments(call):
    owner = call.owner()
    post = visible_post(call, owner, call.integer("post_id"))
    comments = call.world.comments.get((owner, post["id"]), [])
    parent = call.integer("comment_id", 0)
    if parent and not any(comment["id"] == parent for comment in comments):
        raise invalid("comment_id")
    level = [comment for comment in comments if comment["parent"] == (parent or None)]
    if call.text("sort") == "desc":
        level.reverse()
    if call.text("start_comment_id"):
        start = call.integer("start_comment_id")
        level = level[next((n for n, c in enumerate(level) if c["id"] == start), len(level)):]
    thread_items = None if parent else min(call.integer("thread_items_count", 0, minimum=0), 10)
    items = [call.world.render_comment(comment, call.viewer, call.flag("need_likes"), thread_items)
             for comment in call.page(level, 10, 100)]
    can_post = call.world.can_comment(owner, call.viewer)
    answer = {"count": len(level), "items": items, "current_level_count": len(level), "can_post": can_post,
              "show_reply_button": True, "groups_can_post": True}
    if call.flag("extended"):
        answer.update(call.extended(items), post_author_id=post["from_id"])
    return answer


@api("wall.createComment", USER_GROUP, permissions=("wall",))
def wall_create_comment(call):
    owner = call.owner()
    if call.group_id and owner != -call.group_id:
        raise ApiError(15, "Access denied: a community comments on its own wall only")
    post = visible_post(call, owner, call.integer("post_id"))
    if not call.world.can_comment(owner, call.viewer):
        raise ApiError(15, "Access denied: you can't comment this post")
    attachments = call.attachments("attachments", ("photo", "link"))
    if not call.text("message") and not attachments:
        raise invalid("message", "should be given, or attachments")
    reply_to = None
    if call.text("reply_to_comment"):
        reply_to = call.world.comment(owner, call.integer("reply_to_comment"))
        if reply_to is None or reply_to["post_id"] != post["id"]:
            raise invalid("reply_to_comment")
    author = call.viewer
    if call.flag("from_group") and owner < 0 and call.user_id:
        author = call.admin_of(-owner)
    comment = call.world.add_comment(owner, post["id"], author, call.world.tick(), call.text("message"),
                                     attachments, reply_to)
    return {"comment_id": comment["id"], "parents_stack": [comment["parent"]] if comment["parent"] else []}


@api("wall.deleteComment", USER, permissions=("wall",))
def wall_delete_comment(call):
    owner = call.owner()
    comment = call.world.comment(owner, call.integer("comment_id"))
    if comment is None:
        raise invalid("comment_id")
    if comment["from_id"] != call.me() and not call.world.manages(owner, call.me()):
        raise ApiError(15, "Access denied: you can't delete this comment")
    key = (owner, comment["post_id"])
    call.world.comments[key] = [item for item in call.world.comments[key]
                                if comment["id"] not in (item["id"], item["parent"])]
    return 1


# --- likes -------------------------------------------------------------------

def liked_object(call):
    """(type, owner, item id) of an existing object the caller may see."""
    kind = call.required("type")
    if kind not in LIKE_TYPES:
        raise invalid("type")
    owner = call.owner()
    item = call.integer("item_id")
    world = call.world
    exists = {"post": lambda: world.post(owner, item), "comment": lambda: world.comment(owner, item),
              "photo": lambda: world.photo(owner, item)}[kind]()
    if not exists:
        raise invalid("item_id")
    return kind, owner, item


@api("likes.add", USER, permissions=("wall",))
def likes_add(call):
    key = liked_object(call)
    likers = call.world.likes.setdefault(key, [])
    if call.me() not in likers:
        likers.append(call.me())
    return {"likes": len(likers)}


@api("likes.delete", USER, permissions=("wall",))
def likes_delete(call):
    key = liked_object(call)
    likers = call.world.likes.get(key, [])
    if call.me() in likers:
        likers.remove(call.me())
    return {"likes": len(likers)}


@api("likes.getList", USER_SERVICE)
def likes_get_list(call):
    kind, owner, item = liked_object(call)
    if call.text("filter") == "copies":
        found = list(call.world.reposts.get((owner, item), [])) if kind == "post" else []
    else:
        found = list(call.world.likes.get((kind, owner, item), []))
    found.reverse()  # newest first
    friends = call.world.friends.get(call.viewer, set())
    friends_only = call.integer("friends_only", 0)
    if friends_only in (1, 2):
        found = [uid for uid in found if uid in friends]
    elif friends_only == 3:
        found.sort(key=lambda uid: uid not in friends)
    if call.flag("skip_own"):
        found = [uid for uid in found if uid != call.viewer]
    page = call.page(found, 100, 1000)
    if call.flag("extended"):
        page = [{**user, "type": "profile"} for user in call.users(page)]
    return {"count": len(found), "items": page}


@api("likes.isLiked", USER, permissions=("wall",))
def likes_is_liked(call):
    kind, owner, item = liked_object(call)
    uid = call.user()
    return {"liked": int(uid in call.world.likes.get((kind, owner, item), [])),
            "copied": int(kind == "post" and uid in call.world.reposts.get((owner, item), []))}


# --- newsfeed ----------------------------------------------------------------

def feed_sources(call, me):
    """Owners whose news the feed shows: source_ids (friends, groups, pages or ids),
    by default the caller's friends and communities."""
    wanted = call.names("source_ids") or ["friends", "groups", "pages"]
    world = call.world
    sources = []
    for item in wanted:
        if item == "friends":
            sources += world.active(world.friends[me])
        elif item in ("groups", "pages"):
            kinds = ("group", "event") if item == "groups" else ("page",)
            sources += [-gid for gid in world.groups_of(me) if world.groups[gid]["type"] in kinds]
        elif INTEGER.fullmatch(item):
            sources.append(int(item))
        else:
            raise invalid("source_ids")
    visible = []
    for owner in dict.fromkeys(sources):
        try:
            world.check_owner(owner, me, "source_ids")
        except ApiError:
            continue  # a source the caller may not read adds nothing
        visible.append(owner)
    return visible


def feed_page(call, items, count, maximum):
    """Items newest first, cut at start_from (an opaque offset) and count."""
    start = call.text("start_from") or "0"
    if not start.isdigit():
        raise invalid("start_from")
    start_time, end_time = call.integer("start_time", 0), call.integer("end_time", 0)
    items = [item for item in items if item["date"] >= start_time and (not end_time or item["date"] <= end_time)]
    items.sort(key=lambda item: -item["date"])
    limit = min(call.integer("count", count, minimum=0), maximum)
    page = items[int(start):int(start) + limit]
    next_from = str(int(start) + limit) if int(start) + limit < len(items) else None
    return items, page, next_from


@api("newsfeed.get", USER, permissions=("wall", "friends"))
def newsfeed_get(call):
    """post, photo and friend items (the `filters` VK also knows give nothing)."""
    me, world = call.me(), call.world
    sources = feed_sources(call, me)
    wanted = set(call.names("filters") or ("post", "photo", "friend"))
    max_photos = call.integer("max_photos", 5, minimum=0)
    items = []
    for owner in sources:
        if "post" in wanted:
            items += [{"type": "post", "source_id": owner, **world.render_post(post, me)}
                      for post in world.wall_posts(owner) if owner < 0 or post["from_id"] == owner]
        if owner < 0:
            continue
        albums = [a for a in world.albums.get(owner, []) if world.album_photos(owner, a["id"])]
        if "photo" in wanted and albums:
            photos = world.album_photos(owner, albums[-1]["id"])[::-1]
            items.append({"type": "photo", "source_id": owner, "date": photos[0]["date"],
                          "photos": {"count": len(photos), "items": [world.render_photo(photo, me)
                                                                     for photo in photos[:max_photos]]}})
        if "friend" in wanted:
            items += [{"type": "friend", "source_id": owner, "date": when,
                       "friends": {"count": 1, "items": [{"user_id": sum(pair) - owner}]}}
                      for pair, when in world.friend_dates.items()
                      if owner in pair and when >= EPOCH - 14 * DAY]
    _, page, next_from = feed_page(call, items, 50, 100)
    answer = {"items": page, **call.extended(page)}
    if next_from:
        answer["next_from"] = next_from
    return answer


@api("newsfeed.search", USER_SERVICE)
def newsfeed_search(call):
    """Posts whose text contains q, on walls that anybody may read."""
    query = call.text("q").casefold()
    found = []
    for owner in call.world.walls:
        try:
            call.world.check_owner(owner, None)
        except ApiError:
            continue
        found += [call.world.render_post(post, call.viewer) for post in call.world.wall_posts(owner)
                  if query and query in post["text"].casefold()]
    found, page, next_from = feed_page(call, found, 30, 200)
    answer = {"items": page, "count": len(found), "total_count": len(found)}
    if next_from:
        answer["next_from"] = next_from
    return with_extended(call, answer, page)
