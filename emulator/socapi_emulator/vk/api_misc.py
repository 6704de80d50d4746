"""VK REST methods: account.*, utils.*, database.*, storage.* and status.*."""

import re
from urllib.parse import urlsplit

from ..common import md5_hex
from .constants import (ANY_TOKEN, BANNED_LINK, CITIES, COUNTRIES, IVAN, PHONE_MASK, TWO_FACTOR_USER, USER,
                        invalid)
from .world import city, country
from .call import api


# --- account, utils, database, storage, status ------------------------------------

@api("account.getInfo", USER)
def account_get_info(call):
    info = {"country": "RU", "https_required": 1, "own_posts_default": 0, "no_wall_replies": 0,
            "intro": 0, "lang": 0, "2fa_required": int(call.me() == TWO_FACTOR_USER)}
    wanted = call.names("fields")
    return {name: value for name, value in info.items() if not wanted or name in wanted}


@api("account.getProfileInfo", USER)
def account_get_profile_info(call):
    user = call.world.users[call.me()]
    info = {"id": user["id"], "first_name": user["first_name"], "last_name": user["last_name"],
            "home_town": user["home_town"], "status": user["status"], "bdate_visibility": 1,
            "city": city(user["city"], call.lang), "relation": user["relation"],
            "screen_name": user["screen_name"], "sex": user["sex"],
            "photo_200": call.world.user_photo(user, "photo_200"), "is_service_account": False}
    if user["bdate"]:
        info["bdate"] = user["bdate"]
    if user["maiden_name"]:
        info["maiden_name"] = user["maiden_name"]
    if user["mobile_phone"]:
        info["phone"] = PHONE_MASK
    return info


@api("account.getCounters", USER)
def account_get_counters(call):
    """Only counters above zero, as VK answers."""
    me, world = call.me(), call.world
    counts = {"friends": len(world.followers(me)),
              "messages": sum(1 for peer in world.peers_of(me)
                              if "unread_count" in world.render_conversation(me, peer)),
              "notifications": 2 if me == IVAN else 0}
    wanted = call.names("filter")
    return {name: count for name, count in counts.items() if count and (not wanted or name in wanted)}


@api("account.setOnline", USER)
def account_set_online(call):
    call.world.users[call.me()].update(online=1, mobile=False)
    return 1


@api("account.setOffline", USER)
def account_set_offline(call):
    call.world.users[call.me()].update(online=0, mobile=False, last_seen=call.world.tick())
    return 1


@api("utils.resolveScreenName", ANY_TOKEN, tokenless=True)
def utils_resolve_screen_name(call):
    """{} for an unknown name: VK answers [], which the schema's object cannot hold."""
    found = call.world.resolve_screen_name(call.required("screen_name"))
    return {"type": found[0], "object_id": found[1]} if found else {}


@api("utils.getServerTime", ANY_TOKEN, tokenless=True)
def utils_get_server_time(call):
    return call.world.clock  # the world's logical clock, not the wall clock


def link_param(call):
    url = call.required("url")
    if not re.match(r"https?://[^/\s]+", url):
        raise invalid("url")
    return url


@api("utils.getShortLink", ANY_TOKEN)
def utils_get_short_link(call):
    url = link_param(call)
    key = md5_hex(url)[:6]
    answer = {"short_url": f"https://vk.cc/{key}", "url": url, "key": key}
    if call.flag("private"):
        answer["access_key"] = md5_hex(f"private:{url}")[:18]
    return answer


@api("utils.checkLink", ANY_TOKEN)
def utils_check_link(call):
    url = link_param(call)
    return {"status": "banned" if urlsplit(url).hostname == BANNED_LINK else "not_banned", "link": url}


@api("database.getCountries", USER, tokenless=True)
def database_get_countries(call):
    """The main countries, all with need_all=1, or those of `code` (ISO codes)."""
    codes = [code.upper() for code in call.names("code")]
    found = [item for item in COUNTRIES
             if (item[1] in codes if codes else item[4] or call.flag("need_all"))]
    return {"count": len(found), "items": [country(item[0], call.lang) for item in call.page(found, 100, 1000)]}


@api("database.getCities", USER, tokenless=True)
def database_get_cities(call):
    """The important cities of a country, all with need_all=1, or those matching q."""
    country_id = call.integer("country_id")
    query = call.text("q").casefold()
    found = [item for item in CITIES if item[1] == country_id
             and (query in f"{item[2]} {item[3]}".casefold() if query else item[5] or call.flag("need_all"))]
    items = []
    for city_id, _, _, _, region, important in call.page(found, 100, 1000):
        item = city(city_id, call.lang)
        if region:
            item["region"] = region[call.lang == "en"]
        if important:
            item["important"] = 1
        items.append(item)
    return {"count": len(found), "items": items}


STORAGE_KEY = re.compile(r"[A-Za-z0-9_\-]{1,100}")


def storage_of(call):
    """A user's variables, a community's, or with a service token user_id's
    (0, the default: the app's global variables)."""
    if call.session.kind == "service":
        return call.world.storage.setdefault(call.integer("user_id", 0, minimum=0), {})
    return call.world.storage.setdefault(call.viewer, {})


def storage_key(call, name, key):
    if not STORAGE_KEY.fullmatch(key):
        raise invalid(name)
    return key


@api("storage.get", ANY_TOKEN)
def storage_get(call):
    keys = call.names("keys") or [call.required("key")]
    variables = storage_of(call)
    return [{"key": key, "value": variables.get(storage_key(call, "keys", key), "")} for key in keys]


@api("storage.set", ANY_TOKEN)
def storage_set(call):
    key = storage_key(call, "key", call.required("key"))
    value = call.text("value")
    if len(value.encode("utf-8")) > 4096:
        raise invalid("value", "is too long")
    variables = storage_of(call)
    if value:
        variables[key] = value
    else:
        variables.pop(key, None)  # an empty value deletes the variable
    return 1


@api("storage.getKeys", ANY_TOKEN)
def storage_get_keys(call):
    return call.page(list(storage_of(call)), 100, 1000)


@api("status.get", USER, permissions=("status",))
def status_get(call):
    if call.text("group_id"):
        gid = call.group()
        call.world.check_owner(-gid, call.viewer, "group_id")
        return {"text": call.world.groups[gid]["status"]}
    uid = call.user()
    call.world.check_owner(uid, call.viewer, "user_id")
    return {"text": call.world.users[uid]["status"]}


@api("status.set", USER, permissions=("status",))
def status_set(call):
    if call.text("group_id"):
        call.world.groups[-call.admin_of(call.group())]["status"] = call.text("text")
    else:
        call.world.users[call.me()]["status"] = call.text("text")
    return 1
