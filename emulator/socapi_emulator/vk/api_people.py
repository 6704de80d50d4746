"""VK REST methods: users.*, friends.* and groups.* (communities)."""

from ..common import ApiError, md5_hex
from .constants import ANY_TOKEN, CLIENT_SECRET, USER, USER_SERVICE, invalid
from .call import INTEGER, api


# --- users -------------------------------------------------------------------

def user_ids(call, name):
    """Users named by ids, id<N> or screen names; 113 for unknown ones."""
    found = []
    for item in call.names(name):
        resolved = call.world.resolve_screen_name(item)
        if INTEGER.fullmatch(item) and int(item) in call.world.users:
            found.append(int(item))
        elif resolved and resolved[0] == "user":
            found.append(resolved[1])
        else:
            raise ApiError(113)
    return found


@api("users.get", ANY_TOKEN, tokenless=True)
def users_get(call):
    uids = user_ids(call, "user_ids") or ([call.user_id] if call.user_id else [])
    if not uids:
        raise invalid("user_ids", "is undefined")
    if len(uids) > 1000:
        raise invalid("user_ids")
    return call.users(uids)


@api("users.search", USER)
def users_search(call):
    """q (a part of the name), sex, city or city_id, online and has_photo filter."""
    query = call.text("q").casefold()
    sex, city_id = call.integer("sex", 0), call.integer("city", 0) or call.integer("city_id", 0)

    def matches(user):
        return (query in f"{user['first_name']} {user['last_name']}".casefold()
                and sex in (0, user["sex"]) and city_id in (0, user["city"])
                and (user["online"] or not call.flag("online"))
                and (user["has_photo"] or not call.flag("has_photo")))

    found = [uid for uid in call.world.people() if matches(call.world.users[uid])]
    return {"count": len(found), "items": call.users(call.page(found, 20, 1000))}


@api("users.getFollowers", USER_SERVICE)
def users_get_followers(call):
    uid = call.user()
    call.world.check_owner(uid, call.viewer, "user_id")
    followers = call.world.followers(uid)
    page = call.page(followers, 100, 1000)
    return {"count": len(followers), "items": call.users(page) if call.fields() else page}


@api("users.getSubscriptions", USER_SERVICE)
def users_get_subscriptions(call):
    """Whom a user follows: the people he asked for friendship, and his communities."""
    uid = call.user()
    call.world.check_owner(uid, call.viewer, "user_id")
    users = sorted(b for (a, b) in call.world.requests if a == uid)
    groups = call.world.groups_of(uid)
    if not call.flag("extended"):
        return {"users": {"count": len(users), "items": users},
                "groups": {"count": len(groups), "items": groups}}
    items = [("profile", user) for user in users] + [("group", gid) for gid in groups]
    rendered = []
    for kind, number in call.page(items, 20, 200):
        if kind == "profile":
            rendered.append({**call.users([number])[0], "type": "profile"})
        else:
            rendered.append(call.world.render_group(number, call.viewer, call.fields(), call.lang))
    return {"count": len(items), "items": rendered}


# --- friends -----------------------------------------------------------------

def friends_of(call, uid):
    call.world.check_owner(uid, call.viewer, "user_id")
    return sorted(call.world.friends[uid])


@api("friends.get", USER_SERVICE, permissions=("friends",))
def friends_get(call):
    uid = call.user()
    friends = friends_of(call, uid)
    if call.text("list_id"):
        wanted = call.integer("list_id")
        found = next((item for item in call.world.friend_lists.get(uid, []) if item["id"] == wanted), None)
        if found is None or uid != call.user_id:
            raise invalid("list_id")
        friends = [friend for friend in friends if friend in found["members"]]
    if call.text("order") == "name":
        users = call.world.users
        friends.sort(key=lambda friend: (users[friend]["first_name"], users[friend]["last_name"]))
    page = call.page(friends, 5000, 5000)
    return {"count": len(friends), "items": call.users(page) if call.fields() else page}


@api("friends.getOnline", USER, permissions=("friends",))
def friends_get_online(call):
    online = [uid for uid in friends_of(call, call.user()) if call.world.users[uid]["online"]]
    online = call.page(online, 5000, 5000)
    if not call.flag("online_mobile"):
        return online
    mobile = [uid for uid in online if call.world.users[uid]["mobile"]]
    return {"online": [uid for uid in online if uid not in mobile], "online_mobile": mobile}


@api("friends.getMutual", USER, permissions=("friends",))
def friends_get_mutual(call):
    source = call.user("source_uid")
    targets = call.integers("target_uids")
    if targets:
        for target in targets:
            if target not in call.world.users:
                raise ApiError(113)
        return [{"id": target, "common_friends": call.world.mutual_friends(source, target),
                 "common_count": len(call.world.mutual_friends(source, target))} for target in targets]
    target = call.user("target_uid")
    return call.page(call.world.mutual_friends(source, target), 1000, 1000)


@api("friends.areFriends", USER, permissions=("friends",))
def friends_are_friends(call):
    me = call.me()
    found = []
    for uid in call.integers("user_ids", required=True):
        status = call.world.friend_status(me, uid)
        item = {"user_id": uid, "friend_status": status}
        if call.flag("need_sign"):
            item["sign"] = md5_hex(f"{me}_{uid}_{status}_{CLIENT_SECRET}")
        if call.flag("extended") and status == 2:
            item["is_request_unread"] = True
        found.append(item)
    return found


@api("friends.add", USER, permissions=("friends",))
def friends_add(call):
    """1 request sent, 2 request approved (or already friends), 4 request sent again."""
    me, uid = call.me(), call.integer("user_id")
    if uid == me:
        raise ApiError(174)
    if uid not in call.world.users or call.world.users[uid]["deactivated"]:
        raise ApiError(177)
    status = call.world.friend_status(me, uid)
    if status == 2:
        del call.world.requests[(uid, me)]
        call.world.befriend(me, uid, call.world.tick())
    elif status == 0:
        call.world.requests[(me, uid)] = (call.text("text"), call.world.tick())
    return {0: 1, 1: 4, 2: 2, 3: 2}[status]


@api("friends.delete", USER, permissions=("friends",))
def friends_delete(call):
    me, uid = call.me(), call.user()
    status = call.world.friend_status(me, uid)
    if status == 3:
        call.world.unfriend(me, uid)
        return {"success": 1, "friend_deleted": 1}
    if status == 1:
        del call.world.requests[(me, uid)]
        return {"success": 1, "out_request_deleted": 1}
    if status == 2:
        del call.world.requests[(uid, me)]
        return {"success": 1, "in_request_deleted": 1}
    raise invalid("user_id")


@api("friends.getRequests", USER, permissions=("friends",))
def friends_get_requests(call):
    """Requests to the caller (out=1: from him); extended / need_mutual give users."""
    me = call.me()
    out = call.flag("out")
    requests = sorted(((pair, value) for pair, value in call.world.requests.items()
                       if pair[0 if out else 1] == me), key=lambda item: -item[1][1])  # newest first
    page = call.page(requests, 100, 1000)
    if not call.flag("extended") and not call.flag("need_mutual"):
        items = [b if out else a for (a, b), _ in page]
    else:
        items = []
        for (a, b), (message, when) in page:
            uid = b if out else a
            common = call.world.mutual_friends(me, uid)
            item = {**call.users([uid])[0], "user_id": uid, "mutual": {"count": len(common), "users": common},
                    "timestamp": when}
            if call.flag("extended") and message:
                item["message"] = message
            items.append(item)
    return {"count": len(requests), "items": items}


@api("friends.getLists", USER, permissions=("friends",))
def friends_get_lists(call):
    lists = call.world.friend_lists.get(call.user(), [])
    return {"count": len(lists), "items": [{"id": item["id"], "name": item["name"]} for item in lists]}


# --- communities -----------------------------------------------------------------

GROUP_ROLE_FILTERS = {"admin": ("administrator", "creator"), "editor": ("editor", "administrator", "creator"),
                      "moder": ("moderator", "editor", "administrator", "creator")}
GROUP_TYPE_FILTERS = {"groups": "group", "publics": "page", "events": "event"}


@api("groups.get", USER_SERVICE, permissions=("groups",))
def groups_get(call):
    uid = call.user()
    call.world.check_owner(uid, call.viewer, "user_id")
    filters = call.names("filter")
    roles = {role for name in filters for role in GROUP_ROLE_FILTERS.get(name, ())}
    kinds = {GROUP_TYPE_FILTERS[name] for name in filters if name in GROUP_TYPE_FILTERS}
    found = [gid for gid in call.world.groups_of(uid)
             if (not roles or call.world.roles[gid].get(uid) in roles)
             and (not kinds or call.world.groups[gid]["type"] in kinds)]
    page = call.page(found, 1000, 1000)
    if call.flag("extended"):
        page = [call.world.render_group(gid, call.viewer, call.fields(), call.lang) for gid in page]
    return {"count": len(found), "items": page}


@api("groups.getById", ANY_TOKEN)
def groups_get_by_id(call):
    names = call.names("group_ids") or call.names("group_id")
    gids = [call.community(name, "group_ids") for name in names]
    if not gids and call.group_id:
        gids = [call.group_id]  # a community token asks about its own community
    if not gids:
        raise invalid("group_ids", "is undefined")
    return {"groups": [call.world.render_group(gid, call.viewer, call.fields(), call.lang) for gid in gids],
            "profiles": []}


@api("groups.getMembers", ANY_TOKEN)
def groups_get_members(call):
    gid = call.group(default=call.group_id)
    call.world.check_owner(-gid, call.viewer, "group_id")
    # joining order is not kept: the time sorts are the id sorts
    members = sorted(call.world.members[gid], reverse=call.text("sort") in ("id_desc", "time_desc"))
    roles = call.world.roles[gid]
    kind = call.text("filter")
    if kind == "friends":
        members = [uid for uid in members if uid in call.world.friends.get(call.viewer, ())]
    elif kind == "managers":
        members = [uid for uid in members if uid in roles]
    elif kind in ("unsure", "donut"):
        members = []
    page = call.page(members, 1000, 1000)
    if call.fields():
        items = call.users(page)
        if kind == "managers":
            items = [{**item, "role": roles[item["id"]]} for item in items]
    elif kind == "managers":
        items = [{"id": uid, "role": roles[uid]} for uid in page]
    else:
        items = page
    return {"count": len(members), "items": items}


@api("groups.isMember", ANY_TOKEN)
def groups_is_member(call):
    gid = call.group()

    def status(uid):
        member = int(uid in call.world.members[gid])
        return {"member": member, "request": int(uid in call.world.join_requests[gid]),
                "invitation": 0, "can_invite": member, "can_recall": 0}

    extended = call.flag("extended")
    if call.text("user_ids"):
        uids = call.integers("user_ids")
        return [{"user_id": uid, **(status(uid) if extended else {"member": status(uid)["member"]})}
                for uid in uids]
    found = status(call.user())
    return found if extended else found["member"]


@api("groups.join", USER, permissions=("groups",))
def groups_join(call):
    me, gid = call.me(), call.group()
    if me not in call.world.members[gid]:
        if call.world.groups[gid]["is_closed"]:
            call.world.join_requests[gid].add(me)  # a closed community takes requests
        else:
            call.world.members[gid] = sorted(call.world.members[gid] + [me])
    return 1


@api("groups.leave", USER, permissions=("groups",))
def groups_leave(call):
    me, gid = call.me(), call.group()
    call.world.members[gid] = [uid for uid in call.world.members[gid] if uid != me]
    call.world.join_requests[gid].discard(me)
    return 1


@api("groups.search", USER)
def groups_search(call):
    query = call.required("q").casefold()
    kind = call.text("type")
    found = [gid for gid, group in call.world.groups.items()
             if query in group["name"].casefold() and kind in ("", group["type"])]
    return {"count": len(found), "items": [call.world.render_group(gid, call.viewer, call.fields(), call.lang)
                                           for gid in call.page(found, 20, 1000)]}
