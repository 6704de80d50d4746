"""VK: the REST API, the OAuth endpoints and the login pages.

Host mapping: api.vk.ru/X -> /vk/X (so /vk/method/<name>), oauth.vk.ru/X ->
/vk/oauth/X and login.vk.ru/X -> /vk/login/X. The sections, in reading order:

  1. Constants   the app, accounts, fixed tokens, scopes, error messages, tables
  2. World       the seeded social graph, what clients post into it, rendering
  3. REST API    `Call` (parameter access), one function per method
  4. execute     the emulated VKScript subset
  5. Vk          the platform object: routing, checks, controls, OAuth, pages

Facts come from https://dev.vk.com/, VK's public schema (VKCOM/vk-api-schema,
schema/vk/ here) and the public client voronind/vk; comments name the source
where it matters. Every answer conforms to its method's response definition in
schema/vk/, because C generated from that schema decodes strictly. What the
sources leave open is documented in emulator/README.md.
"""

import ast
import base64
import binascii
import itertools
import json
import random
import re
import time
from collections import deque
from dataclasses import dataclass
from html import escape
from urllib.parse import quote, urlencode, urlsplit

from .common import (DAY, EPOCH, FEMALE_NAMES, HOUR, MALE_NAMES, SURNAMES, ApiError, OAuthError,
                     TokenMint, error_page, hidden, html_page, json_response, md5_hex, placeholder,
                     redirect, served_file, text_response, with_query)

# --------------------------------------------------------------------------
# 1. Constants
# --------------------------------------------------------------------------

CLIENT_ID = 51234567
CLIENT_SECRET = "EmuVkClientSecret01x"
APP_NAME = "socapi"
SERVICE_TOKEN = "svc1.emu.51234567.service"

IVAN, MARIA = 172000001, 172000002
PRIVATE_USER = 172000003  # a closed profile; not Иван's friend (error 30)
DELETED_USER, BANNED_USER = 172000004, 172000005  # deactivated pages (error 18)
CAPTCHA_USER, TWO_FACTOR_USER = 172000006, 172000007
IVAN_TOKEN = "vk1.a.emuIvanFixedUserToken0001"  # every user scope, never expires
CLUB, NEWS, CLOSED_CLUB = 200001, 200002, 200003
GROUP_TOKENS = {"vk1.a.emuGroup200001Token": CLUB, "vk1.a.emuGroup200002Token": NEWS}
TWO_FACTOR_CODE = "123456"
PHONE_MASK = "+7 *** *** ** 67"

JSON_TYPE = "application/json; charset=utf-8"
TOKEN_LIFETIME = 86400  # user tokens without `offline`
CODE_LIFETIME = 3600  # one hour: https://m.vk.com/pages?oid=-17680044&p=Authorizing_Sites
REGISTERED_REDIRECTS = ("https://oauth.vk.ru/blank.html", "https://oauth.vk.com/blank.html",
                        "http://localhost/callback")  # plus <base>/vk/oauth/blank.html
UPLOAD_SERVER = 850117  # the `server` every upload answer names
MAX_EXECUTE_CALLS = 25

# name -> bit; `scope` is a comma-separated list of names or a bit mask. User bits:
# alsemyonov/vk lib/vk/access.rb (menu, stories, phone_number inferred); community bits inferred.
USER_SCOPES = {"notify": 1, "friends": 2, "photos": 4, "audio": 8, "video": 16, "stories": 64,
               "pages": 128, "menu": 256, "status": 1024, "notes": 2048, "messages": 4096,
               "wall": 8192, "ads": 32768, "offline": 65536, "docs": 131072, "groups": 262144,
               "notifications": 524288, "stats": 1048576, "email": 4194304,
               "market": 134217728, "phone_number": 268435456}
GROUP_SCOPES = {"stories": 1, "photos": 4, "app_widget": 64, "messages": 4096, "wall": 8192,
                "docs": 131072, "manage": 262144}

# access_token_type values of the schema
USER, USER_GROUP, USER_SERVICE = ("user",), ("user", "group"), ("user", "service")
ANY_TOKEN = ("user", "group", "service")

ERRORS = {  # schema/vk/errors.json descriptions; the emulator adds details after a colon
    1: "Unknown error occurred",
    3: "Unknown method passed",
    5: "User authorization failed",
    6: "Too many requests per second",
    7: "Permission to perform this action is denied",
    8: "Invalid request",
    9: "Flood control",
    10: "Internal server error",
    12: "Unable to compile code",
    13: "Runtime error occurred during code invocation",
    14: "Captcha needed",
    15: "Access denied",
    17: "Validation required: please open redirect_uri in browser",
    18: "User was deleted or banned",
    24: "Confirmation required",
    27: "Group authorization failed: method is unavailable with group auth.",
    28: "Application authorization failed: method is unavailable with service token.",
    29: "Rate limit reached",
    30: "This profile is private",
    100: "One of the parameters specified was missing or invalid",
    113: "Invalid user id",
    118: "Invalid server",
    121: "Invalid hash",
    174: "Cannot add user himself as friend",
    177: "Cannot add this user to friends as user not found",
    203: "Access to group denied",
    214: "Access to adding post denied",
    901: "Can't send messages for users without permission",
    902: "Can't send messages to this user due to their privacy settings",
    920: "Can't edit this kind of message",
}
NO_TOKEN = "User authorization failed: no access_token passed."
BAD_TOKEN = "User authorization failed: invalid access_token (4)."
EXPIRED_TOKEN = "User authorization failed: access_token has expired."
TOKEN_IN_URL = ("User authorization failed: access_token was passed in the URL query string; "
                "send it in the POST body or in an Authorization: Bearer header.")
NO_VERSION = "Invalid request: v is required"
BAD_VERSION = "Invalid request: v must be 5.81 or newer (5.199 is emulated)"
NO_SCOPE = "Access denied: no access to call this method"
CONFIRMATION_TEXT = "Подтвердите действие: вы действительно хотите это сделать?"

CASES = ("nom", "gen", "dat", "acc", "ins", "abl")
CONSONANT = "[бвгджзйклмнпрстфхцчшщ]"
# name_case: (ending, letters it replaces, gen/dat/acc/ins/abl endings), first match wins.
DECLENSION = {
    ("first", 2): ((r"ий", 2, ("ия", "ию", "ия", "ием", "ии")), (r"й", 1, ("я", "ю", "я", "ем", "е")),
                   (CONSONANT, 0, ("а", "у", "а", "ом", "е"))),
    ("first", 1): ((r"ия", 2, ("ии", "ии", "ию", "ией", "ии")), (r"ья", 1, ("и", "е", "ю", "ей", "е")),
                   (r"[гкх]а", 1, ("и", "е", "у", "ой", "е")), (r"а", 1, ("ы", "е", "у", "ой", "е"))),
    ("last", 2): ((r"(ов|ев|ёв|ин)", 0, ("а", "у", "а", "ым", "е")),),
    ("last", 1): ((r"(ова|ева|ёва|ина)", 1, ("ой", "ой", "у", "ой", "ой")),),
}
FLEETING_VOWEL = {"Павел": "Павл"}  # Павел -> Павла

COUNTRIES = (  # id, ISO code, Russian, English, shown without need_all
    (1, "RU", "Россия", "Russia", True), (2, "UA", "Украина", "Ukraine", True),
    (3, "BY", "Беларусь", "Belarus", True), (4, "KZ", "Казахстан", "Kazakhstan", True),
    (5, "AZ", "Азербайджан", "Azerbaijan", False), (6, "AM", "Армения", "Armenia", False),
    (7, "GE", "Грузия", "Georgia", False), (9, "US", "США", "USA", False),
    (11, "KG", "Киргизия", "Kyrgyzstan", False), (18, "UZ", "Узбекистан", "Uzbekistan", False),
    (65, "DE", "Германия", "Germany", False),
)
CITIES = (  # id, country, Russian, English, region (ru, en) or None, important
    (1, 1, "Москва", "Moscow", None, True),
    (2, 1, "Санкт-Петербург", "Saint Petersburg", None, True),
    (99, 1, "Новосибирск", "Novosibirsk", ("Новосибирская область", "Novosibirsk Oblast"), True),
    (49, 1, "Екатеринбург", "Yekaterinburg", ("Свердловская область", "Sverdlovsk Oblast"), True),
    (60, 1, "Казань", "Kazan", ("Республика Татарстан", "Republic of Tatarstan"), True),
    (95, 1, "Нижний Новгород", "Nizhny Novgorod", ("Нижегородская область", "Nizhny Novgorod Oblast"), True),
    (72, 1, "Краснодар", "Krasnodar", ("Краснодарский край", "Krasnodar Krai"), False),
    (110, 1, "Пермь", "Perm", ("Пермский край", "Perm Krai"), False),
    (10, 1, "Волгоград", "Volgograd", ("Волгоградская область", "Volgograd Oblast"), False),
    (282, 3, "Минск", "Minsk", None, True),
    (296, 3, "Гомель", "Gomel", ("Гомельская область", "Gomel Region"), False),
    (314, 2, "Киев", "Kyiv", None, True),
    (280, 2, "Харьков", "Kharkiv", ("Харьковская область", "Kharkiv Oblast"), False),
    (1526384, 4, "Алматы", "Almaty", None, True),
)
CITY_IDS = tuple(city[0] for city in CITIES if city[1] == 1)

STATUSES = ("", "На работе", "В отпуске!", "Учу C", "Всем привет", "Пишу код")
PROFILE_TEXTS = {  # optional profile texts; "" = not filled in
    "about": ("", "Люблю C и кофе", "Фотограф-любитель", "Путешествую"),
    "activities": ("", "Разработка", "Спорт"),
    "interests": ("", "программирование", "фотография, путешествия", "шахматы"),
    "music": ("", "Кино, ДДТ", "Сплин", "Би-2"),
    "movies": ("", "Брат", "Москва слезам не верит"),
    "tv": ("",), "games": ("", "шахматы"), "quotes": ("",),
    "books": ("", "Керниган и Ричи", "Мастер и Маргарита"),
}
COMPANIES = ("ООО «Ромашка»", "Яндекс", "Сбер", "НИИ Системного Программирования")
UNIVERSITIES = ((1, "МГУ", 11, "Факультет ВМК"), (2, "СПбГУ", 21, "Математико-механический факультет"),
                (241, "НГУ", 2411, "Факультет информационных технологий"))
COMMUNITIES = (  # id, name, screen name, type, is_closed, activity, wall (1 open, 2 limited, 3 closed)
    (CLUB, "Клуб любителей C", "c_lovers", "group", 0, "Программирование", 1),
    (NEWS, "Новости эмулятора", "emu_news", "page", 0, "Информационные технологии", 2),
    (CLOSED_CLUB, "Закрытый клуб", "secret_club", "group", 1, "Общение", 3),
)
ADMIN_LEVELS = {"moderator": 1, "editor": 2, "administrator": 3, "creator": 3}

POST_TEXTS = ("Наконец-то выходные!", "Кто идёт на митап по C в субботу?", "Дочитал K&R второй раз",
              "Погода сегодня отличная", "Собрал новый проект, скоро покажу",
              "Лучший кофе в городе — рядом с офисом", "Всем хорошей недели!",
              "Нашёл утечку памяти за пять минут благодаря valgrind")
GROUP_POST_TEXTS = ("Встреча клуба в четверг в 19:00", "Новый выпуск: что нового в C23",
                    "Опрос недели", "Полезная ссылка для начинающих", "Итоги конкурса",
                    "Правила сообщества обновлены")
COMMENT_TEXTS = ("Отлично!", "Согласен", "А где это?", "Спасибо, полезно", "Класс!", "+1",
                 "Интересно, расскажи подробнее")
MESSAGE_TEXTS = ("Привет! Как дела?", "Отлично, а у тебя?", "Тоже хорошо", "Встретимся завтра?",
                 "Давай в шесть", "Договорились", "Посмотри фото, которые я выложил")
LINKS = (("https://example.ru/c/tutorial", "Как писать на C"),
         ("https://example.ru/science/1", "Новости науки"),
         ("https://example.ru/recipes/pie", "Рецепт пирога"))
VIDEOS = (("Поход в горы", 624), ("Доклад про libcurl", 2710), ("Котик играет", 45))
AUDIOS = (("Кино", "Группа крови", 286), ("ДДТ", "Что такое осень", 297), ("Сплин", "Выхода нет", 242))
DOCS = (("manual.pdf", "pdf", 1), ("notes.txt", "txt", 1), ("cat.gif", "gif", 3))
POLLS = (("Какой стандарт C вы используете?", ("C89", "C99", "C11", "C17")),
         ("Куда поедем летом?", ("На море", "В горы", "На дачу")))
# Seeded posts cycle through these attachment kinds, so every kind shows up on Иван's wall.
ATTACHMENT_KINDS = ("photo", "link", "video", None, "audio", "doc", "poll", "album")
PHOTO_DIMENSIONS = ((1280, 960), (2560, 1440), (604, 453), (800, 600), (1080, 1080))
UPLOAD_DIMENSIONS = (640, 480)  # uploaded images are not inspected
SIZE_TYPES = (("s", 75), ("m", 130), ("x", 604), ("y", 807), ("z", 1080), ("w", 2560))
SYSTEM_ALBUMS = {-6: ("profile", "Фотографии со страницы"), -7: ("wall", "Фотографии на стене"),
                 -15: ("saved", "Сохранённые фотографии")}
MESSAGES_ALBUM = -3  # photos sent in messages: never listed
LIKE_TYPES = ("post", "comment", "photo")
# keys of rendered objects that name a user (> 0) or a community (< 0), for `extended`
OWNER_KEYS = ("from_id", "owner_id", "signer_id", "source_id", "reply_to_user", "peer_id", "user_id")
# fields the extended variants render profiles with, beyond those the caller asks for
EXTENDED_USER_FIELDS = ("sex", "screen_name", "photo_50", "photo_100", "online_info", "online")
BANNED_LINK = "malware.example"  # utils.checkLink calls links to this host banned


# --------------------------------------------------------------------------
# 2. World
# --------------------------------------------------------------------------

@dataclass
class Account:
    user_id: int
    password: str


def decline(name, sex, case, part):
    """`name` (a first or last name, part "first"/"last") in a name_case."""
    if case == "nom":
        return name
    stem = FLEETING_VOWEL.get(name, name)
    for ending, replaced, endings in DECLENSION.get((part, sex), ()):
        if re.search(ending + "$", stem):
            return stem[:len(stem) - replaced] + endings[CASES.index(case) - 1]
    return name


def country(country_id, lang):
    found = next(item for item in COUNTRIES if item[0] == country_id)
    return {"id": country_id, "title": found[3] if lang == "en" else found[2]}


def city(city_id, lang):
    found = next(item for item in CITIES if item[0] == city_id)
    return {"id": city_id, "title": found[3] if lang == "en" else found[2]}


def collect_owners(value, found):
    """Add every user / community id named by OWNER_KEYS inside `value` to `found`."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in OWNER_KEYS and isinstance(item, int):
                found.add(item)
            else:
                collect_owners(item, found)
    elif isinstance(value, list):
        for item in value:
            collect_owners(item, found)
    return found


class World:
    """The seeded social graph (36 people, 3 communities) plus what clients post.

    Built only from random.Random(seed): the same seed gives the same world.
    Client writes get times from a logical clock after EPOCH. Users are ids
    > 0, communities are named by their negative id wherever VK does so
    (owner_id, from_id, peer_id) and by the positive one in `self.groups`.
    """

    def __init__(self, seed, base_url):
        self.rng = random.Random(seed)
        self.base = base_url
        self.clock = EPOCH
        self.users = {}  # id -> profile attributes (rendered by render_user)
        self.accounts = {}  # lower-case login -> Account
        self.friends = {}  # id -> set of ids
        self.friend_dates = {}  # (smaller id, larger id) -> when they became friends
        self.requests = {}  # (from, to) -> (message, date): friend requests
        self.friend_lists = {IVAN: [{"id": 1, "name": "Лучшие друзья", "members": []},
                                    {"id": 2, "name": "Коллеги", "members": []}]}
        self.groups = {}  # id -> community attributes
        self.members = {}  # group id -> [user ids], sorted (joining order is not kept)
        self.roles = {}  # group id -> {user id: role}
        self.join_requests = {}  # group id -> set of user ids (closed communities)
        self.albums = {}  # owner -> [album]
        self.photos = {}  # (owner, id) -> photo
        self.next_photo_id, self.next_album_id = 457239017, 270000001
        self.next_media_id = 456239001  # seeded videos, audios, docs and polls
        self.walls = {}  # owner -> [post], oldest first
        self.next_item = {}  # owner -> next post / comment id on that wall
        self.pinned = {}  # owner -> post id
        self.comments = {}  # (owner, post id) -> [comment], oldest first
        self.likes = {}  # (type, owner, item id) -> [user id], oldest first
        self.reposts = {}  # (owner, post id) -> [user id]
        self.dialogs = {}  # (id, id) sorted -> [message], oldest first
        self.read = {}  # (reader, peer) -> id of the last message from peer the reader has read
        self.next_message_id = 1
        self.sent = {}  # (sender, peer, random_id) -> message: resends are not duplicated
        self.posted = {}  # (author, owner, guid) -> post id: wall.post resends are not duplicated
        self.storage = {}  # owner (user, -group, or 0 = the app) -> {key: value}
        self.uploads = []  # Upload objects served at /vk/uploads/<n>
        self._add_people()
        self._add_friends()
        self._add_communities()
        self._add_photos()
        self._add_walls()
        self._add_dialogs()
        self.storage[IVAN] = {"greeting": "Привет"}

    # --- helpers ---------------------------------------------------------

    def tick(self):
        """The time of a client write: strictly after everything before it."""
        self.clock += 1
        return self.clock

    def static(self, path):
        return f"{self.base}/vk/static/{path}.gif"

    def people(self):
        return self.active(self.users)

    def active(self, uids):
        """The ids, sorted, without deactivated pages."""
        return sorted(uid for uid in uids if not self.users[uid]["deactivated"])

    def new_item_id(self, owner):
        """Posts and comments of one wall share one id sequence, as on VK."""
        self.next_item[owner] = self.next_item.get(owner, 0) + 1
        return self.next_item[owner]

    def new_media_id(self):
        self.next_media_id += 1
        return self.next_media_id

    # --- people ----------------------------------------------------------

    def _add_people(self):
        rng = self.rng
        fixed = (  # id, first, last, sex (1 female, 2 male), screen name, city
            (IVAN, "Иван", "Петров", 2, "ivan_petrov", 1),
            (MARIA, "Мария", "Сидорова", 1, "maria_sidorova", 2),
            (PRIVATE_USER, "Виктория", "Соколова", 1, "", 2),
            (DELETED_USER, "DELETED", "", 2, "", 1),  # how VK shows a deleted page
            (BANNED_USER, "Роман", "Зайцев", 2, "", 99),
            (CAPTCHA_USER, "Кирилл", "Капчин", 2, "kirill_captcha", 1),
            (TWO_FACTOR_USER, "Марина", "Защитова", 1, "", 49),
        )
        for uid, first, last, sex, screen_name, home in fixed:
            self.users[uid] = self._person(uid, first, last, sex, screen_name, home)
        self.users[PRIVATE_USER]["closed"] = True
        self.users[DELETED_USER]["deactivated"] = "deleted"
        self.users[BANNED_USER]["deactivated"] = "banned"
        ivan = self.users[IVAN]
        ivan.update(bdate="12.4.1990", status="Пишу на C", online=1, has_photo=1, verified=1,
                    mobile_phone="+7 900 123-45-67", relation=1)
        self.users[MARIA].update(online=1, mobile=True, has_photo=1, maiden_name="Кузнецова")
        for login, uid, password in (("ivan@vk.ru", IVAN, "secret"), ("+79001234567", IVAN, "secret"),
                                     ("maria@vk.ru", MARIA, "secret2"),
                                     ("captcha@vk.ru", CAPTCHA_USER, "secret"),
                                     ("twofactor@vk.ru", TWO_FACTOR_USER, "secret")):
            self.accounts[login] = Account(uid, password)
        taken = {user["screen_name"] for user in self.users.values()}
        for uid in range(TWO_FACTOR_USER + 1, TWO_FACTOR_USER + 30):
            sex = rng.choice((1, 2))
            first, first_latin = rng.choice(FEMALE_NAMES if sex == 1 else MALE_NAMES)
            male, female, last_latin = rng.choice(SURNAMES)
            screen_name = f"{first_latin}.{last_latin}{'a' if sex == 1 else ''}"
            if screen_name in taken or rng.random() < 0.3:
                screen_name = ""  # the default id<N> address
            taken.add(screen_name)
            self.users[uid] = self._person(uid, first, female if sex == 1 else male, sex,
                                           screen_name, rng.choice(CITY_IDS))
            self.users[uid]["online"] = int(rng.random() < 0.4)
            self.users[uid]["mobile"] = bool(self.users[uid]["online"] and rng.random() < 0.5)

    def _person(self, uid, first, last, sex, screen_name, home):
        rng = self.rng
        year = rng.randint(1965, 2005)
        bdate = rng.choice((f"{rng.randint(1, 28)}.{rng.randint(1, 12)}.{year}",
                            f"{rng.randint(1, 28)}.{rng.randint(1, 12)}", None))
        user = {"id": uid, "first_name": first, "last_name": last, "sex": sex,
                "screen_name": screen_name or f"id{uid}", "closed": False, "deactivated": None,
                "has_photo": int(rng.random() < 0.85), "avatar": None, "online": 0, "mobile": False,
                "last_seen": EPOCH - rng.randint(60, 20 * DAY), "platform": rng.choice((1, 2, 4, 7)),
                "verified": 0, "status": rng.choice(STATUSES), "city": home, "country": 1,
                "home_town": rng.choice(("", "Тула", "Самара", "Омск")), "bdate": bdate,
                "nickname": "", "maiden_name": "", "site": "", "mobile_phone": "", "home_phone": "",
                "relation": rng.randint(0, 6), "timezone": 3,
                **{name: rng.choice(options) for name, options in PROFILE_TEXTS.items()}}
        if rng.random() < 0.5:
            user["occupation"] = {"type": "work", "name": rng.choice(COMPANIES)}
        if rng.random() < 0.5:
            university, name, faculty, faculty_name = rng.choice(UNIVERSITIES)
            user["education"] = {"university": university, "university_name": name,
                                 "faculty": faculty, "faculty_name": faculty_name,
                                 "graduation": year + 22}
        return user

    def _add_friends(self):
        rng = self.rng
        self.friends = {uid: set() for uid in self.users}
        generated = sorted(uid for uid in self.users if uid > TWO_FACTOR_USER)
        ivan_friends = rng.sample(generated, 25)
        for uid in [MARIA, DELETED_USER, CAPTCHA_USER] + ivan_friends:  # Иван: 28 friends
            self.befriend(IVAN, uid, EPOCH - rng.randint(DAY, 900 * DAY))
        strangers = [uid for uid in generated if uid not in ivan_friends]
        for uid in strangers[:2]:
            self.requests[(uid, IVAN)] = ("Привет! Давай дружить", EPOCH - rng.randint(HOUR, 9 * DAY))
        self.requests[(IVAN, strangers[2])] = ("", EPOCH - rng.randint(HOUR, 9 * DAY))
        for uid in (PRIVATE_USER, TWO_FACTOR_USER):
            self.befriend(MARIA, uid, EPOCH - rng.randint(DAY, 900 * DAY))
        pool = [MARIA, PRIVATE_USER, BANNED_USER, CAPTCHA_USER, TWO_FACTOR_USER] + generated
        for index, a in enumerate(pool):
            for b in pool[index + 1:]:
                if rng.random() < 0.15:
                    self.befriend(a, b, EPOCH - rng.randint(HOUR, 900 * DAY))
        best, colleagues = self.friend_lists[IVAN]
        best["members"] = [MARIA] + sorted(ivan_friends[:2])
        colleagues["members"] = sorted(ivan_friends[2:7])

    def befriend(self, a, b, when):
        self.friends[a].add(b)
        self.friends[b].add(a)
        self.friend_dates[tuple(sorted((a, b)))] = when

    def unfriend(self, a, b):
        self.friends[a].discard(b)
        self.friends[b].discard(a)
        self.friend_dates.pop(tuple(sorted((a, b))), None)

    def friend_status(self, viewer, uid):
        """0 none, 1 viewer asked uid, 2 uid asked viewer, 3 friends."""
        if uid in self.friends.get(viewer, ()):
            return 3
        if (viewer, uid) in self.requests:
            return 1
        return 2 if (uid, viewer) in self.requests else 0

    def can_access(self, uid, viewer):
        """Whether `viewer` sees a closed profile's content."""
        return not self.users[uid]["closed"] or viewer == uid or viewer in self.friends[uid]

    def mutual_friends(self, a, b):
        return sorted(self.friends.get(a, set()) & self.friends.get(b, set()))

    # --- communities -----------------------------------------------------

    def _add_communities(self):
        rng = self.rng
        generated = [uid for uid in self.people() if uid > TWO_FACTOR_USER]
        for gid, name, screen_name, kind, closed, activity, wall in COMMUNITIES:
            self.groups[gid] = {"id": gid, "name": name, "screen_name": screen_name, "type": kind,
                                "is_closed": closed, "activity": activity, "wall": wall,
                                "status": f"Сообщество «{name}»", "site": f"https://example.ru/{screen_name}",
                                "city": 1, "verified": int(gid == NEWS)}
            self.join_requests[gid] = set()
        self.roles = {CLUB: {IVAN: "creator", generated[0]: "moderator"},
                      NEWS: {IVAN: "administrator", MARIA: "editor"},
                      CLOSED_CLUB: {MARIA: "creator"}}
        share = {CLUB: 0.4, NEWS: 0.5, CLOSED_CLUB: 0.2}
        for gid in self.groups:
            joined = set(self.roles[gid]) | {uid for uid in generated if rng.random() < share[gid]}
            if gid == CLOSED_CLUB:
                joined |= {PRIVATE_USER}
                joined.discard(IVAN)
            else:
                joined |= {CAPTCHA_USER}
            self.members[gid] = sorted(joined)
        self.join_requests[CLOSED_CLUB].add(TWO_FACTOR_USER)

    def is_admin(self, gid, viewer):
        """Editors, administrators and the creator run a community; moderators do not."""
        return viewer in self.roles.get(gid, {}) and self.roles[gid][viewer] != "moderator"

    def groups_of(self, uid):
        return [gid for gid in self.groups if uid in self.members[gid]]

    def manages(self, owner, viewer):
        """Whether `viewer` runs the wall of `owner`: the user himself, or an admin
        (or the token) of the community."""
        if owner > 0:
            return viewer == owner
        return viewer == owner or self.is_admin(-owner, viewer)

    def check_owner(self, owner, viewer, name="owner_id"):
        """The error VK gives when `viewer` may not see what `owner` keeps, if any."""
        if owner > 0:
            user = self.users.get(owner)
            if user is None:
                raise ApiError(113)
            if user["deactivated"]:
                raise ApiError(18)
            if not self.can_access(owner, viewer):
                raise ApiError(30)
            return
        group = self.groups.get(-owner)
        if group is None:
            raise invalid(name)
        if group["is_closed"] and viewer != owner and viewer not in self.members[-owner]:
            raise ApiError(203)

    def resolve_screen_name(self, name):
        """(type, id) for a screen name, id<N>, club<N>, public<N> or app<N>; None if unknown."""
        match = re.fullmatch(r"(id|club|public|event|app)(\d+)", name)
        if match:
            kind, number = match[1], int(match[2])
            if kind == "id" and number in self.users:
                return "user", number
            if kind in ("club", "public", "event") and number in self.groups:
                return self.groups[number]["type"], number
            if kind == "app" and number == CLIENT_ID:
                return "application", number
            return None
        for uid, user in self.users.items():
            if user["screen_name"] == name:
                return "user", uid
        for gid, group in self.groups.items():
            if group["screen_name"] == name:
                return group["type"], gid
        return None

    # --- photos ----------------------------------------------------------

    def _add_photos(self):
        rng = self.rng
        seeded = {IVAN: (("Отпуск на Байкале", 5), ("Кот Васька", 3), ("Пустой альбом", 0)),
                  MARIA: (("Петербург", 4),), -CLUB: (("Встречи клуба", 3),),
                  -NEWS: (("Скриншоты", 2),)}
        for uid in self.people():
            when = EPOCH - rng.randint(30 * DAY, 900 * DAY)
            for _ in range(self.users[uid]["has_photo"] * rng.randint(1, 2)):
                when += rng.randint(DAY, 90 * DAY)
                photo = self.add_photo(uid, -6, uid, when, "", rng.choice(PHOTO_DIMENSIONS))
                self.users[uid]["avatar"] = photo["id"]
            if uid not in seeded:
                seeded[uid] = tuple((f"Альбом {n + 1}", rng.randint(1, 4))
                                    for n in range(rng.randint(0, 2)))
        for owner, albums in seeded.items():
            uploader = owner if owner > 0 else IVAN
            for title, count in albums:
                created = EPOCH - rng.randint(60 * DAY, 400 * DAY)
                album = self.add_album(owner, title, created)
                for number in range(count):
                    self.add_photo(owner, album["id"], uploader, created + number * DAY + rng.randint(0, DAY),
                                   f"Фото {number + 1}" if number % 2 else "", rng.choice(PHOTO_DIMENSIONS))
        for gid in self.groups:
            self.groups[gid]["main_album_id"] = next((album["id"] for album in self.albums.get(-gid, [])), None)

    def add_album(self, owner, title, created, admins_only=False, comments_disabled=False):
        """A normal album (system albums are not stored: see album())."""
        album = {"id": self.next_album_id, "owner_id": owner, "title": title, "created": created,
                 "updated": created, "upload_by_admins_only": int(admins_only),
                 "comments_disabled": int(comments_disabled)}
        self.next_album_id += 1
        self.albums.setdefault(owner, []).append(album)
        return album

    def album(self, owner, album_id):
        """A normal album, or a system one (-6, -7, -15, -3), which always exist."""
        if album_id in SYSTEM_ALBUMS or album_id == MESSAGES_ALBUM:
            return {"id": album_id, "owner_id": owner, "system": True}
        return next((album for album in self.albums.get(owner, []) if album["id"] == album_id), None)

    def photo(self, owner, photo_id):
        """A photo that is not deleted, or None."""
        photo = self.photos.get((owner, photo_id))
        return photo if photo and not photo["deleted"] else None

    def owner_photos(self, owner):
        return sorted((photo for (key, _), photo in self.photos.items() if key == owner and not photo["deleted"]),
                      key=lambda photo: photo["id"])

    def album_photos(self, owner, album_id):
        return [photo for photo in self.owner_photos(owner) if photo["album_id"] == album_id]

    def add_photo(self, owner, album_id, uploader, when, text, dimensions, upload=None):
        photo = {"id": self.next_photo_id, "owner_id": owner, "album_id": album_id,
                 "user_id": uploader, "date": when, "text": text, "width": dimensions[0],
                 "height": dimensions[1], "upload": upload, "post_id": None, "deleted": False}
        self.next_photo_id += 1
        self.photos[(owner, photo["id"])] = photo
        album = self.album(owner, album_id)
        if not album.get("system"):
            album["updated"] = max(album["updated"], when)
        return photo

    def store_upload(self, upload):
        self.uploads.append(upload)
        return len(self.uploads)

    def photo_url(self, photo, kind):
        if photo["upload"]:
            return f"{self.base}/vk/uploads/{photo['upload']}"
        return self.static(f"photo{photo['owner_id']}_{photo['id']}_{kind}")

    def photo_sizes(self, photo):
        """s, m and x always; y, z and w while the original is larger than the type before."""
        width, height = photo["width"], photo["height"]
        longest = max(width, height)
        sizes = []
        for index, (kind, limit) in enumerate(SIZE_TYPES):
            if index >= 3 and longest <= SIZE_TYPES[index - 1][1]:
                break
            scale = min(1, limit / longest)
            sizes.append({"height": round(height * scale), "type": kind,
                          "width": round(width * scale), "url": self.photo_url(photo, kind)})
        return sizes

    def render_photo(self, photo, viewer, extended=False):
        rendered = {"album_id": photo["album_id"], "date": photo["date"], "id": photo["id"],
                    "owner_id": photo["owner_id"], "sizes": self.photo_sizes(photo),
                    "text": photo["text"], "has_tags": False}
        if photo["owner_id"] < 0:
            rendered["user_id"] = photo["user_id"]  # who uploaded a community's photo
        if photo["post_id"]:
            rendered["post_id"] = photo["post_id"]
        if extended:
            likers = self.likes.get(("photo", photo["owner_id"], photo["id"]), [])
            rendered.update(likes={"count": len(likers), "user_likes": int(viewer in likers)},
                            comments={"count": 0}, reposts={"count": 0}, tags={"count": 0},
                            can_comment=1)
        return rendered

    def render_album(self, album, viewer, need_covers=False, photo_sizes=False):
        photos = self.album_photos(album["owner_id"], album["id"])
        system = album.get("system")
        rendered = {"id": album["id"], "owner_id": album["owner_id"], "size": len(photos),
                    "title": SYSTEM_ALBUMS[album["id"]][1] if system else album["title"]}
        if not system:
            rendered.update(created=album["created"], updated=album["updated"],
                            upload_by_admins_only=album["upload_by_admins_only"],
                            comments_disabled=album["comments_disabled"])
        rendered["can_upload"] = int(not system and self.manages(album["owner_id"], viewer))
        cover = photos[-1] if photos else None
        if cover:
            rendered["thumb_id"] = cover["id"]
        if need_covers:
            rendered["thumb_src"] = self.photo_url(cover, "x") if cover else self.static("no_album")
            if photo_sizes and cover:
                rendered["sizes"] = self.photo_sizes(cover)
        return rendered

    # --- walls -----------------------------------------------------------

    def _add_walls(self):
        rng = self.rng
        kinds = itertools.cycle(ATTACHMENT_KINDS)  # across all walls
        counts = {IVAN: 8, MARIA: 5, -CLUB: 6, -NEWS: 5, -CLOSED_CLUB: 3}
        owners = [IVAN, MARIA] + [uid for uid in self.people() if uid not in (IVAN, MARIA)]
        owners += [-gid for gid in self.groups]
        for owner in owners:
            count = counts.get(owner, rng.randint(0, 3))
            for index, when in enumerate(sorted(EPOCH - rng.randint(2 * HOUR, 60 * DAY)
                                                for _ in range(count))):
                author, signer = owner, None
                friends = self.active(self.friends[owner]) if owner > 0 else []
                if friends and index % 3 == 2:
                    author = rng.choice(friends)
                elif owner == -CLUB and index == 3:
                    author = self.members[CLUB][-1]  # a member's post on the community wall
                elif owner == -CLUB and index == 1:
                    signer = IVAN
                texts = POST_TEXTS if owner > 0 else GROUP_POST_TEXTS
                post = self.add_post(owner, author, when, rng.choice(texts),
                                     self._seed_attachments(owner, author, next(kinds), when),
                                     signer=signer)
                post["views"] = rng.randint(5, 900)
                self._seed_reactions(post)
        original = self.walls[-NEWS][0]
        repost = self.add_post(IVAN, IVAN, self.walls[IVAN][-1]["date"] + HOUR, "Полезно!", [],
                               copy=(-NEWS, original["id"]))
        self.reposts[(-NEWS, original["id"])] = [IVAN]
        repost["views"] = 12
        self.pinned[IVAN] = self.walls[IVAN][1]["id"]
        self.pinned[-CLUB] = self.walls[-CLUB][0]["id"]

    def _seed_attachments(self, owner, author, kind, when):
        rng = self.rng
        if kind == "album":
            album = next((a for a in self.albums.get(owner, []) if self.album_photos(owner, a["id"])), None)
            kind = "photo" if album is None else kind
        if kind == "photo":
            photo = self.add_photo(owner, -7, author if author > 0 else IVAN, when, "",
                                   rng.choice(PHOTO_DIMENSIONS))
            return [{"type": "photo", "photo": (owner, photo["id"])}]
        if kind == "album":
            return [{"type": "album", "album": (owner, album["id"])}]
        if kind == "link":
            url, title = rng.choice(LINKS)
            return [{"type": "link", "link": {"url": url, "title": title, "caption": urlsplit(url).netloc,
                                               "is_favorite": False}}]
        media_id = self.new_media_id()
        if kind == "video":
            title, duration = rng.choice(VIDEOS)
            return [{"type": "video", "video": {
                "id": media_id, "owner_id": owner, "title": title, "duration": duration,
                "date": when, "views": rng.randint(0, 5000), "comments": rng.randint(0, 20),
                "image": [{"url": self.static(f"video{owner}_{media_id}_{width}"), "width": width,
                           "height": width * 9 // 16} for width in (320, 800)],
                "width": 1280, "height": 720, "type": "video", "can_comment": 1,
                "player": f"https://vk.ru/video_ext.php?oid={owner}&id={media_id}"}}]
        if kind == "audio":
            artist, title, duration = rng.choice(AUDIOS)
            return [{"type": "audio", "audio": {"id": media_id, "owner_id": owner, "artist": artist,
                                                 "title": title, "duration": duration, "date": when}}]
        if kind == "doc":
            title, ext, doc_type = rng.choice(DOCS)
            return [{"type": "doc", "doc": {"id": media_id, "owner_id": owner, "title": title,
                                             "size": rng.randint(1000, 900000), "ext": ext,
                                             "url": f"https://vk.ru/doc{owner}_{media_id}",
                                             "date": when, "type": doc_type}}]
        if kind == "poll":
            question, options = rng.choice(POLLS)
            votes = [rng.randint(0, 40) for _ in options]
            total = sum(votes)
            return [{"type": "poll", "poll": {
                "id": media_id, "owner_id": owner, "created": when, "question": question,
                "votes": total, "multiple": False, "end_date": 0, "closed": False,
                "can_vote": True, "anonymous": False, "author_id": author,
                "answers": [{"id": media_id * 10 + n, "text": text, "votes": count,
                             "rate": round(100 * count / total, 2) if total else 0}
                            for n, (text, count) in enumerate(zip(options, votes))]}}]
        return []

    def _seed_reactions(self, post):
        rng = self.rng
        owner = post["owner_id"]
        audience = self.active(self.friends[owner] if owner > 0 else self.members[-owner])
        if not audience:
            return
        self.likes[("post", owner, post["id"])] = rng.sample(audience, rng.randint(0, min(12, len(audience))))
        for attachment in post["attachments"]:
            if attachment["type"] == "photo":
                self.likes[("photo", *attachment["photo"])] = rng.sample(audience, min(3, len(audience)))
        for number in range(rng.randint(0, 3)):
            comment = self.add_comment(owner, post["id"], rng.choice(audience), post["date"] + (number + 1) * HOUR,
                                       rng.choice(COMMENT_TEXTS))
            if number == 0 and rng.random() < 0.5:
                self.add_comment(owner, post["id"], post["from_id"], comment["date"] + 600, "Спасибо!",
                                 reply_to=comment)

    def add_post(self, owner, author, when, text, attachments, copy=None, signer=None, source="vk"):
        post = {"id": self.new_item_id(owner), "owner_id": owner, "from_id": author, "date": when,
                "text": text, "attachments": attachments, "copy": copy, "signer_id": signer,
                "source": source, "edited": None, "deleted": False, "views": 0}
        self.walls.setdefault(owner, []).append(post)
        for attachment in attachments:
            if attachment["type"] == "photo" and attachment["photo"][0] == owner:
                self.photos[attachment["photo"]]["post_id"] = post["id"]
        return post

    def post(self, owner, post_id):
        """A post that is not deleted, or None."""
        return next((post for post in self.walls.get(owner, [])
                     if post["id"] == post_id and not post["deleted"]), None)

    def wall_posts(self, owner):
        """The visible posts of a wall as VK lists them: pinned first, then newest first."""
        posts = [post for post in reversed(self.walls.get(owner, [])) if not post["deleted"]]
        pinned = [post for post in posts if post["id"] == self.pinned.get(owner)]
        return pinned + [post for post in posts if post not in pinned]

    def can_post(self, owner, viewer):
        """Whether `viewer` may post on a wall: his own or a friend's; a community's by
        its wall setting (1 open to anybody, 2 and 3 admins only)."""
        if owner > 0:
            return viewer == owner or viewer in self.friends[owner]
        return self.manages(owner, viewer) or self.groups[-owner]["wall"] == 1

    def may_edit(self, post, viewer):
        """Its author edits a post; a community's admins edit the community's posts."""
        author = post["from_id"]
        return viewer is not None and (viewer == author or (author < 0 and self.manages(author, viewer)))

    def may_delete(self, post, viewer):
        return self.may_edit(post, viewer) or self.manages(post["owner_id"], viewer)

    def can_comment(self, owner, viewer):
        if viewer is None:
            return False
        if owner > 0:
            return viewer == owner or viewer in self.friends[owner]
        return viewer == owner or not self.groups[-owner]["is_closed"] or viewer in self.members[-owner]

    def render_attachment(self, attachment, viewer):
        kind = attachment["type"]
        if kind == "photo":
            return {"type": "photo", "photo": self.render_photo(self.photos[attachment["photo"]], viewer)}
        if kind == "album":
            album = self.album(*attachment["album"])
            photos = self.album_photos(album["owner_id"], album["id"])
            rendered = {"id": album["id"], "owner_id": album["owner_id"], "title": album["title"],
                        "size": len(photos), "created": album["created"], "updated": album["updated"]}
            if photos:
                rendered["thumb"] = self.render_photo(photos[-1], viewer)
            return {"type": "album", "album": rendered}
        if kind == "wall":
            return {"type": "wall", "wall": self.render_post(self.walls_post(attachment["wall"]), viewer)}
        return attachment

    def walls_post(self, key):
        """Any post by (owner, id), deleted or not (reposts keep showing what they copied)."""
        return next(post for post in self.walls[key[0]] if post["id"] == key[1])

    def render_post(self, post, viewer, depth=2):
        owner, post_id = post["owner_id"], post["id"]
        rendered = {"id": post_id, "from_id": post["from_id"], "owner_id": owner, "date": post["date"],
                    "marked_as_ads": 0, "post_type": "post", "text": post["text"]}
        if post["signer_id"]:
            rendered["signer_id"] = post["signer_id"]
        if post["edited"]:
            rendered["edited"] = post["edited"]
        if post["copy"] and depth > 0:
            rendered["copy_history"] = [self.render_post(self.walls_post(post["copy"]), viewer, depth - 1)]
        if self.may_edit(post, viewer):
            rendered["can_edit"] = 1
        if self.may_delete(post, viewer):
            rendered["can_delete"] = 1
        if self.manages(owner, viewer):
            rendered["can_pin"] = 1
        if self.pinned.get(owner) == post_id:
            rendered["is_pinned"] = 1
        rendered["attachments"] = [self.render_attachment(item, viewer) for item in post["attachments"]]
        rendered["post_source"] = {"type": post["source"]}
        likers = self.likes.get(("post", owner, post_id), [])
        reposters = self.reposts.get((owner, post_id), [])
        rendered.update(
            comments={"can_post": int(self.can_comment(owner, viewer)),
                      "count": len(self.comments.get((owner, post_id), [])), "groups_can_post": True},
            likes={"can_like": int(viewer is not None and viewer > 0), "count": len(likers),
                   "user_likes": int(viewer in likers), "can_publish": 1},
            reposts={"count": len(reposters), "user_reposted": int(viewer in reposters)},
            views={"count": post["views"]}, is_favorite=False)
        return rendered

    # --- comments --------------------------------------------------------

    def add_comment(self, owner, post_id, author, when, text, attachments=(), reply_to=None):
        comment = {"id": self.new_item_id(owner), "from_id": author, "date": when, "text": text,
                   "post_id": post_id, "owner_id": owner, "attachments": list(attachments),
                   "parent": None, "reply_to_user": None, "reply_to_comment": None}
        if reply_to:
            comment.update(parent=reply_to["parent"] or reply_to["id"], reply_to_user=reply_to["from_id"],
                           reply_to_comment=reply_to["id"])
        self.comments.setdefault((owner, post_id), []).append(comment)
        return comment

    def comment(self, owner, comment_id):
        return next((comment for (key, _), comments in self.comments.items() if key == owner
                     for comment in comments if comment["id"] == comment_id), None)

    def render_comment(self, comment, viewer, need_likes=False, thread_items=None):
        """thread_items: how many replies to show in `thread` (None: a reply, no thread)."""
        rendered = {"id": comment["id"], "from_id": comment["from_id"], "post_id": comment["post_id"],
                    "owner_id": comment["owner_id"],
                    "parents_stack": [comment["parent"]] if comment["parent"] else [],
                    "date": comment["date"], "text": comment["text"]}
        if comment["reply_to_comment"]:
            rendered.update(reply_to_user=comment["reply_to_user"],
                            reply_to_comment=comment["reply_to_comment"])
        if comment["attachments"]:
            rendered["attachments"] = [self.render_attachment(item, viewer) for item in comment["attachments"]]
        if viewer == comment["from_id"]:
            rendered["can_edit"] = 1
        if need_likes:
            likers = self.likes.get(("comment", comment["owner_id"], comment["id"]), [])
            rendered["likes"] = {"can_like": int(viewer is not None and viewer > 0),
                                 "count": len(likers), "user_likes": int(viewer in likers),
                                 "can_publish": 0}
        if thread_items is not None:
            replies = self.replies(comment)
            rendered["thread"] = {"count": len(replies), "can_post": self.can_comment(comment["owner_id"], viewer),
                                  "show_reply_button": True, "groups_can_post": True,
                                  "items": [self.render_comment(reply, viewer, need_likes)
                                            for reply in replies[:thread_items]]}
        return rendered

    def replies(self, comment):
        return [item for item in self.comments[(comment["owner_id"], comment["post_id"])]
                if item["parent"] == comment["id"]]

    # --- messages --------------------------------------------------------

    def _add_dialogs(self):
        rng = self.rng
        ivan_friends = sorted(self.friends[IVAN] - {MARIA, DELETED_USER})
        maria_friend = sorted(self.friends[MARIA] - {IVAN, PRIVATE_USER})[0]
        pairs = ((IVAN, MARIA, 6), (IVAN, ivan_friends[0], 3), (IVAN, ivan_friends[1], 2),
                 (IVAN, -CLUB, 2), (MARIA, maria_friend, 3))
        for owner, partner, count in pairs:
            when = EPOCH - rng.randint(DAY, 20 * DAY)
            speaker, listener = owner, partner  # Иван opens every dialog, so the club may answer
            for number in range(count):
                when += rng.randint(60, 3 * HOUR)
                self.send_message(speaker, listener, MESSAGE_TEXTS[number], when)
                speaker, listener = listener, speaker
        for key, messages in self.dialogs.items():
            for reader in key:
                peer = sum(key) - reader
                incoming = [m["id"] for m in messages if m["from_id"] == peer]
                if (reader, peer) in ((IVAN, MARIA), (IVAN, -CLUB)):
                    incoming = incoming[:-1]  # Иван has not read their last message yet
                if incoming:
                    self.read[(reader, peer)] = incoming[-1]

    def dialog(self, a, b):
        """The messages between a and b, oldest first."""
        return self.dialogs.get(tuple(sorted((a, b))), [])

    def send_message(self, sender, peer, text, when, attachments=(), random_id=0):
        messages = self.dialogs.setdefault(tuple(sorted((sender, peer))), [])
        message = {"id": self.next_message_id, "cmid": len(messages) + 1, "from_id": sender,
                   "peer": peer, "date": when, "text": text, "attachments": list(attachments),
                   "random_id": random_id, "update_time": None, "hidden_for": set()}
        self.next_message_id += 1
        messages.append(message)
        self.read[(sender, peer)] = max(self.read.get((sender, peer), 0),
                                        max((m["id"] for m in messages if m["from_id"] == peer), default=0))
        return message

    def visible_messages(self, viewer, peer):
        return [m for m in self.dialog(viewer, peer) if viewer not in m["hidden_for"]]

    def peers_of(self, viewer):
        """Conversation partners of `viewer`, the most recent conversation first."""
        peers = [sum(key) - viewer for key in self.dialogs if viewer in key]
        peers = [peer for peer in peers if self.visible_messages(viewer, peer)]
        return sorted(peers, key=lambda peer: -self.visible_messages(viewer, peer)[-1]["id"])

    def message_of(self, viewer, message_id):
        """(peer, message) for a message id the viewer can see, or None."""
        for key, messages in self.dialogs.items():
            if viewer in key:
                for message in messages:
                    if message["id"] == message_id and viewer not in message["hidden_for"]:
                        return sum(key) - viewer, message
        return None

    def render_message(self, message, viewer):
        rendered = {"date": message["date"], "from_id": message["from_id"], "id": message["id"],
                    "out": int(message["from_id"] == viewer),
                    "attachments": [self.render_attachment(item, viewer) for item in message["attachments"]],
                    "conversation_message_id": message["cmid"], "fwd_messages": [],
                    "important": False, "is_hidden": False,
                    "peer_id": message["peer"] if message["from_id"] == viewer else message["from_id"],
                    "random_id": message["random_id"], "text": message["text"]}
        if message["update_time"]:
            rendered["update_time"] = message["update_time"]
        return rendered

    def can_write(self, viewer, peer):
        """(allowed, VK's reason code when not)."""
        if peer > 0:
            user = self.users[peer]
            if user["deactivated"]:
                return False, 18
            if viewer < 0 and not any(m["from_id"] == peer for m in self.dialog(viewer, peer)):
                return False, 901  # a community writes only to those who wrote to it
            if user["closed"] and viewer not in self.friends[peer] and viewer != peer:
                return False, 902
        return True, 0

    def render_conversation(self, viewer, peer):
        messages = self.visible_messages(viewer, peer)
        last = messages[-1]
        in_read = self.read.get((viewer, peer), 0)
        unread = sum(1 for m in messages if m["from_id"] != viewer and m["id"] > in_read)
        rendered = {"peer": {"id": peer, "type": "user" if peer > 0 else "group", "local_id": abs(peer)},
                    "last_message_id": last["id"], "last_conversation_message_id": last["cmid"],
                    "in_read": in_read, "out_read": self.read.get((peer, viewer), 0)}
        if unread:
            rendered["unread_count"] = unread
        allowed, reason = self.can_write(viewer, peer)
        rendered.update(is_marked_unread=False, important=False,
                        unanswered=last["from_id"] != viewer,
                        can_write={"allowed": allowed, **({"reason": reason} if reason else {})})
        return rendered

    # --- users and communities, as rendered --------------------------------

    def user_photo(self, user, size):
        if user["deactivated"]:
            return self.static(f"deactivated_{size}")
        if not user["has_photo"]:
            return self.static(f"camera_{size}")
        if user["avatar"] and self.photos[(user["id"], user["avatar"])]["upload"]:
            return self.photo_url(self.photos[(user["id"], user["avatar"])], size)
        return self.static(f"u{user['id']}_{size}")

    def render_user(self, uid, viewer, fields=(), lang="ru", name_case="nom"):
        """A users_user_full with the requested fields, as `viewer` may see it."""
        user = self.users[uid]
        rendered = {"id": uid, "first_name": decline(user["first_name"], user["sex"], name_case, "first"),
                    "last_name": decline(user["last_name"], user["sex"], name_case, "last")}
        if user["deactivated"]:
            rendered["deactivated"] = user["deactivated"]
            fields = [name for name in fields if name in PHOTO_FIELDS]
        else:
            access = self.can_access(uid, viewer)
            rendered.update(can_access_closed=access, is_closed=user["closed"])
            if not access:
                fields = [name for name in fields if name not in PRIVATE_FIELDS]
        for name in USER_FIELDS:
            if name in fields:
                rendered.update(self._user_field(name, user, viewer, lang))
        return rendered

    def _user_field(self, name, user, viewer, lang):
        uid = user["id"]
        if name in PHOTO_FIELDS:
            return {name: self.user_photo(user, name)}
        if name in ("sex", "screen_name", "verified", "has_photo", "status", "timezone", "relation",
                    "nickname", "maiden_name", "site", "home_town", "occupation", *PROFILE_TEXTS):
            return {name: user[name]} if name in user else {}
        simple = {
            "domain": lambda: user["screen_name"],
            "bdate": lambda: user["bdate"],
            "city": lambda: city(user["city"], lang),
            "country": lambda: country(user["country"], lang),
            "photo_id": lambda: f"{uid}_{user['avatar']}" if user["avatar"] else None,
            "has_mobile": lambda: int(bool(user["mobile_phone"])),
            "last_seen": lambda: {"time": user["last_seen"], "platform": user["platform"]},
            "followers_count": lambda: len(self.followers(uid)),
            "trending": lambda: 0,
            "is_friend": lambda: int(uid in self.friends.get(viewer, ())),
            "friend_status": lambda: self.friend_status(viewer, uid),
            "can_post": lambda: int(self.can_post(uid, viewer)),
            "can_see_all_posts": lambda: 1,
            "wall_comments": lambda: 1,
            "can_write_private_message": lambda: int(viewer is not None and self.can_write(viewer, uid)[0]),
            "can_send_friend_request": lambda: int(viewer is not None and viewer > 0 and viewer != uid
                                                   and self.friend_status(viewer, uid) == 0),
            "blacklisted": lambda: 0, "blacklisted_by_me": lambda: 0,
            "is_favorite": lambda: 0, "is_hidden_from_feed": lambda: 0,
            "common_count": lambda: len(self.mutual_friends(uid, viewer)) if viewer and viewer > 0 else None,
            "lists": lambda: [item["id"] for item in self.friend_lists.get(viewer, [])
                              if uid in item["members"]] if uid in self.friends.get(viewer, ()) else None,
            "counters": lambda: self.counters(uid, viewer),
        }
        if name in simple:
            value = simple[name]()
            return {} if value is None else {name: value}
        if name == "online":
            if not user["online"]:
                return {"online": 0}
            return {"online": 1, **({"online_mobile": 1, "online_app": 2274003} if user["mobile"] else {})}
        if name == "online_info":
            return {"online_info": {"visible": True, "last_seen": user["last_seen"],
                                    "is_online": bool(user["online"]), "is_mobile": user["mobile"]}}
        if name == "contacts":
            return {"mobile_phone": user["mobile_phone"], "home_phone": user["home_phone"]}
        if name == "education":
            return dict(user.get("education", {}))
        if name == "mutual":
            if viewer is None or viewer < 0 or viewer == uid:
                return {}
            common = self.mutual_friends(uid, viewer)
            return {"mutual": {"count": len(common), "users": common}}
        raise AssertionError(name)

    def followers(self, uid):
        """Those who asked `uid` for friendship and were not answered."""
        return sorted(a for (a, b) in self.requests if b == uid)

    def counters(self, uid, viewer):
        counted = {"albums": len(self.albums.get(uid, [])), "audios": 0, "followers": len(self.followers(uid)),
                   "friends": len(self.friends[uid]), "gifts": 0, "groups": len(self.groups_of(uid)),
                   "online_friends": sum(1 for f in self.friends[uid] if self.users[f]["online"]),
                   "pages": 0, "photos": len(self.owner_photos(uid)),
                   "subscriptions": sum(1 for (a, _) in self.requests if a == uid), "user_photos": 0,
                   "videos": 0}
        if viewer and viewer > 0 and viewer != uid:
            counted["mutual_friends"] = len(self.mutual_friends(uid, viewer))
        return counted

    def render_group(self, gid, viewer, fields=(), lang="ru"):
        """A groups_group_full with the requested fields, as `viewer` may see it."""
        group = self.groups[gid]
        rendered = {"id": gid, "name": group["name"], "screen_name": group["screen_name"],
                    "is_closed": group["is_closed"], "type": group["type"]}
        if viewer is not None and viewer > 0:  # VK tells a user his own relation to it
            role = self.roles[gid].get(viewer)
            rendered["is_admin"] = int(role is not None)
            if role:
                rendered["admin_level"] = ADMIN_LEVELS[role]
            rendered.update(is_member=int(viewer in self.members[gid]), is_advertiser=0)
        rendered.update({size: self.static(f"club{gid}_{size}") for size in ("photo_50", "photo_100", "photo_200")})
        member = viewer in self.members[gid] or viewer == -gid
        admin = self.is_admin(gid, viewer) or viewer == -gid
        values = {
            "members_count": lambda: len(self.members[gid]),
            "status": lambda: group["status"], "activity": lambda: group["activity"],
            "city": lambda: city(group["city"], lang),
            "country": lambda: country(1, lang),
            "site": lambda: group["site"],
            "fixed_post": lambda: self.pinned.get(-gid),
            "main_album_id": lambda: group["main_album_id"],
            "member_status": lambda: (1 if viewer in self.members[gid] else
                                      4 if viewer in self.join_requests[gid] else 0),
            "is_favorite": lambda: 0,
            "is_subscribed": lambda: int(viewer in self.members[gid]),
            "is_hidden_from_feed": lambda: 0,
            "can_post": lambda: int(viewer is not None and self.can_post(-gid, viewer)),
            "can_see_all_posts": lambda: int(not group["is_closed"] or member),
            "can_message": lambda: int(not group["is_closed"]),
            "can_create_topic": lambda: int(member),
            "can_upload_doc": lambda: int(admin), "can_upload_video": lambda: int(admin),
            "has_photo": lambda: 1, "wall": lambda: group["wall"], "age_limits": lambda: 1,
            "trending": lambda: 0, "verified": lambda: group["verified"],
        }
        for name, value in values.items():
            if name in fields:
                value = value()
                if value is not None:
                    rendered[name] = value
        return rendered


PHOTO_FIELDS = ("photo_50", "photo_100", "photo_200", "photo_200_orig", "photo_400_orig",
                "photo_max", "photo_max_orig")
# What a closed profile hides from strangers.
PRIVATE_FIELDS = ("bdate", "city", "country", "home_town", "status", "site", "contacts", "education",
                  "occupation", "relation", "counters", "followers_count", "nickname", "maiden_name",
                  "timezone", "last_seen", *PROFILE_TEXTS)
# The user fields the emulator knows, in the order it renders them (others are ignored, as on VK).
USER_FIELDS = ("sex", "screen_name", "nickname", "maiden_name", "domain", "bdate", "city", "country",
               "home_town", "timezone", *PHOTO_FIELDS, "photo_id", "has_photo", "has_mobile",
               "contacts", "site", "education", "status", "last_seen", "followers_count",
               "common_count", "occupation", "relation", *PROFILE_TEXTS, "is_friend", "friend_status",
               "is_favorite", "is_hidden_from_feed", "can_post", "can_see_all_posts",
               "can_write_private_message", "can_send_friend_request", "wall_comments", "blacklisted",
               "blacklisted_by_me", "online", "online_info", "verified", "trending", "counters",
               "lists", "mutual")


# --------------------------------------------------------------------------
# 3. REST API
# --------------------------------------------------------------------------

class Challenge(ApiError):
    """An error that carries extra fields next to error_code (captcha_sid, ...)."""

    def __init__(self, code, **fields):
        super().__init__(code)
        self.fields = fields


def error_message(error):
    return error.text or ERRORS.get(error.code, ERRORS[1])


def invalid(name, why="is invalid"):
    return ApiError(100, f"{ERRORS[100]}: {name} {why}")


@dataclass
class Session:
    token: str
    kind: str  # "user", "group" or "service"
    owner: int  # the user id, the community id, or the app id
    scope: frozenset
    expires_at: float = None  # None: never

    def expired(self):
        return self.expires_at is not None and time.time() >= self.expires_at


@dataclass(frozen=True)
class Method:
    handler: object
    tokens: tuple  # the schema's access_token_type
    permissions: tuple = ()  # user scope names (schema/vk/socapi.json), all needed
    tokenless: bool = False  # "open": callable without access_token


METHODS = {}  # method name -> Method


def api(name, tokens, permissions=(), tokenless=False):
    """Register the decorated function as the handler of method `name`."""
    def register(handler):
        METHODS[name] = Method(handler, tokens, tuple(permissions), tokenless)
        return handler
    return register


INTEGER = re.compile(r"-?\d+")


class Call:
    """One API call: who calls, its parameters and the world.
    Accessors raise ApiError(100) on a missing or malformed value."""

    def __init__(self, platform, session, params):
        self.platform = platform
        self.world = platform.world
        self.session = session
        self.params = params
        kind = session.kind if session else None
        self.user_id = session.owner if kind == "user" else None
        self.group_id = session.owner if kind == "group" else None
        # who calls, as VK names owners: a user id, a negative community id, or None
        self.viewer = self.user_id or (-self.group_id if self.group_id else None)
        self.lang = "en" if params.get("lang") in ("en", "3") else "ru"
        self.execute_errors = []

    def text(self, name):
        return self.params.get(name, "")

    def required(self, name):
        value = self.params.get(name, "")
        if value == "":
            raise invalid(name, "is undefined")
        return value

    def integer(self, name, default=None, minimum=None):
        value = self.params.get(name, "")
        if value == "":
            if default is None:
                raise invalid(name, "is undefined")
            return default
        if not INTEGER.fullmatch(value):
            raise invalid(name, "not integer")
        if minimum is not None and int(value) < minimum:
            raise invalid(name, f"should be greater or equal to {minimum}")
        return int(value)

    def flag(self, name):
        """VK booleans: anything but "" and "0" is true, the literal "false" included
        (VKCOM/api-schema-typescript-generator src/generators/methods.ts)."""
        return self.params.get(name, "") not in ("", "0")

    def names(self, name, required=False):
        found = [item.strip() for item in self.params.get(name, "").split(",") if item.strip()]
        if required and not found:
            raise invalid(name, "is undefined")
        return found

    def integers(self, name, required=False):
        items = self.names(name, required)
        if not all(INTEGER.fullmatch(item) for item in items):
            raise invalid(name)
        return [int(item) for item in items]

    def fields(self):
        return set(self.names("fields"))

    def page(self, items, count, maximum):
        """offset/count paging; a count above the maximum is cut to it, as VK does."""
        offset = self.integer("offset", 0, minimum=0)
        return items[offset:offset + min(self.integer("count", count, minimum=0), maximum)]

    def me(self):
        """The calling user; methods that need one fail without it."""
        if self.user_id is None:
            raise invalid("user_id", "is undefined")
        return self.user_id

    def user(self, name="user_id"):
        """An existing user id from `name`, by default the caller."""
        uid = self.integer(name, self.user_id or 0)
        if uid == 0:
            raise invalid(name, "is undefined")
        if uid not in self.world.users:
            raise ApiError(113)
        return uid

    def owner(self, name="owner_id"):
        """A wall owner from `name` (a user, or a community as a negative id),
        by default the caller, checked against what the caller may see."""
        return self.visible_owner(self.integer(name, self.viewer or 0), name)

    def visible_owner(self, owner, name):
        if owner == 0:
            raise invalid(name, "is undefined")
        self.world.check_owner(owner, self.viewer, name)
        return owner

    def group(self, name="group_id", default=None):
        """A community id from `name` (a number or a screen name), else `default`."""
        value = self.text(name)
        if value == "" and default:
            return default
        if value == "":
            raise invalid(name, "is undefined")
        return self.community(value, name)

    def community(self, text, name):
        if INTEGER.fullmatch(text):
            gid = abs(int(text))
        else:
            found = self.world.resolve_screen_name(text)
            gid = found[1] if found and found[0] in ("group", "page", "event") else 0
        if gid not in self.world.groups:
            raise invalid(name)
        return gid

    def admin_of(self, gid):
        """The community's wall owner id, if the caller may manage it (else 15)."""
        if not self.world.manages(-gid, self.viewer):
            raise ApiError(15, "Access denied: you are not an administrator of this community")
        return -gid

    def name_case(self):
        case = self.text("name_case").lower() or "nom"
        if case not in CASES:
            raise invalid("name_case")
        return case

    def users(self, uids, fields=None, extra=()):
        fields = self.fields() if fields is None else fields
        return [self.world.render_user(uid, self.viewer, fields | set(extra), self.lang, self.name_case())
                for uid in uids]

    def extended(self, items, *more):
        """profiles and groups for the owners that `items` name (extended=1 answers)."""
        found = collect_owners(items, set(more))
        fields = self.fields()
        return {"profiles": self.users([o for o in sorted(found) if o in self.world.users], fields,
                                       EXTENDED_USER_FIELDS),
                "groups": [self.world.render_group(-o, self.viewer, fields, self.lang)
                           for o in sorted(found, reverse=True) if -o in self.world.groups]}

    def attachments(self, name, kinds):
        """Attachment strings ("photo<owner>_<id>", "wall<owner>_<id>" or a link URL)."""
        found = []
        for item in self.names(name):
            if "link" in kinds and re.match(r"https?://", item):
                found.append({"type": "link", "link": {"url": item, "title": urlsplit(item).netloc,
                                                        "caption": urlsplit(item).netloc,
                                                        "is_favorite": False}})
                continue
            match = re.fullmatch(r"(photo|wall)(-?\d+)_(\d+)(?:_\w+)?", item)
            key = (int(match[2]), int(match[3])) if match else None
            exists = match and match[1] in kinds and (
                self.world.photo(*key) if match[1] == "photo" else self.world.post(*key))
            if not exists:
                raise invalid(name)
            found.append({"type": match[1], match[1]: key})
        return found


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


# --- photos ------------------------------------------------------------------

def album_of(call, name="album_id"):
    """An album id: a number, or wall / profile / saved for the system albums."""
    text = call.required(name)
    aliases = {alias: number for number, (alias, _) in SYSTEM_ALBUMS.items()}
    if text in aliases:
        return aliases[text]
    return call.integer(name)


def uploads_owner(call):
    """Where uploaded photos go: the caller, or a community he manages (group_id)."""
    if call.text("group_id"):
        return call.admin_of(call.integer("group_id"))
    return call.me()


def photos_by_key(call, name):
    """Photos named "<owner>_<id>[_<access key>]" that the caller may see."""
    found = []
    for item in call.names(name, required=True):
        match = re.fullmatch(r"(-?\d+)_(\d+)(?:_\w+)?", item)
        if not match:
            raise invalid(name)
        try:
            call.world.check_owner(int(match[1]), call.viewer)
        except ApiError:
            continue
        photo = call.world.photo(int(match[1]), int(match[2]))
        if photo:
            found.append(photo)
    return found


@api("photos.get", USER_SERVICE, permissions=("photos",))
def photos_get(call):
    owner = call.owner()
    album = call.world.album(owner, album_of(call))
    if album is None or album["id"] == MESSAGES_ALBUM:
        raise invalid("album_id")
    photos = call.world.album_photos(owner, album["id"])
    wanted = call.integers("photo_ids")
    photos = [photo for photo in photos if not wanted or photo["id"] in wanted]
    if call.flag("rev"):
        photos.reverse()
    return {"count": len(photos), "items": [call.world.render_photo(photo, call.viewer, call.flag("extended"))
                                            for photo in call.page(photos, 50, 1000)]}


@api("photos.getAll", USER, permissions=("photos",))
def photos_get_all(call):
    """Every photo of an owner, newest first, but those sent in messages."""
    owner = call.owner()
    photos = [photo for photo in reversed(call.world.owner_photos(owner)) if photo["album_id"] != MESSAGES_ALBUM
              and (photo["album_id"] > 0 or not call.flag("no_service_albums"))]
    page = call.page(photos, 20, 200)
    more = call.integer("offset", 0) + len(page) < len(photos)
    return {"count": len(photos), "items": [call.world.render_photo(photo, call.viewer, call.flag("extended"))
                                            for photo in page], "more": int(more)}


@api("photos.getAlbums", USER_SERVICE, permissions=("photos",))
def photos_get_albums(call):
    owner = call.owner()
    albums = list(call.world.albums.get(owner, []))
    if call.flag("need_system"):
        albums = [call.world.album(owner, number) for number in SYSTEM_ALBUMS] + albums
    wanted = call.integers("album_ids")
    albums = [album for album in albums if not wanted or album["id"] in wanted]
    items = [call.world.render_album(album, call.viewer, call.flag("need_covers"), call.flag("photo_sizes"))
             for album in call.page(albums, len(albums), len(albums))]
    return {"count": len(albums), "items": items}


@api("photos.getById", USER_SERVICE, permissions=("photos",))
def photos_get_by_id(call):
    return [call.world.render_photo(photo, call.viewer, call.flag("extended"))
            for photo in photos_by_key(call, "photos")]


@api("photos.createAlbum", USER, permissions=("photos",))
def photos_create_album(call):
    title = call.required("title")
    if len(title) < 2:
        raise invalid("title", "should be at least 2 characters long")
    album = call.world.add_album(uploads_owner(call), title, call.world.tick(), call.flag("upload_by_admins_only"),
                                 call.flag("comments_disabled"))
    return call.world.render_album(album, call.viewer)


@api("photos.delete", USER, permissions=("photos",))
def photos_delete(call):
    if call.text("photos"):
        photos = photos_by_key(call, "photos")
    else:
        photo = call.world.photo(call.owner(), call.integer("photo_id"))
        photos = [photo] if photo else []
    if not photos:
        raise invalid("photo_id")
    for photo in photos:
        if not call.world.manages(photo["owner_id"], call.me()):
            raise ApiError(15, "Access denied: you can't delete this photo")
        photo["deleted"] = True
        owner = call.world.users.get(photo["owner_id"])
        if owner and owner["avatar"] == photo["id"]:
            owner["avatar"] = None
    return 1


@api("photos.getUploadServer", USER, permissions=("photos",))
def photos_get_upload_server(call):
    owner = uploads_owner(call)
    album = call.world.album(owner, call.integer("album_id"))
    if album is None or album.get("system"):
        raise invalid("album_id")
    return upload_server(call, "album", owner, album["id"])


@api("photos.getWallUploadServer", USER, permissions=("photos",))
def photos_get_wall_upload_server(call):
    return upload_server(call, "wall", uploads_owner(call), -7)


@api("photos.getMessagesUploadServer", USER_GROUP, permissions=("photos",))
def photos_get_messages_upload_server(call):
    return upload_server(call, "messages", call.viewer, MESSAGES_ALBUM)


@api("photos.getOwnerPhotoUploadServer", USER, permissions=("photos",))
def photos_get_owner_photo_upload_server(call):
    owner = call.integer("owner_id", call.me())
    if owner != call.me():
        call.admin_of(-owner)
    return {"upload_url": call.platform.upload_url("owner", call.viewer, owner, -6)}


def upload_server(call, kind, owner, album_id):
    answer = {"upload_url": call.platform.upload_url(kind, call.viewer, owner, album_id),
              "album_id": album_id, "user_id": call.user_id or 0}
    if owner < 0:
        answer["group_id"] = -owner
    return answer


def saved_photos(call, uploads):
    """The photos made of claimed uploads (see Vk.claim_uploads)."""
    uploader = call.user_id or 100  # VK's user_id for what a community uploads itself
    return [call.world.add_photo(upload.owner, upload.album_id, uploader, call.world.tick(),
                                 call.text("caption"), UPLOAD_DIMENSIONS, upload.number)
            for upload in uploads]


@api("photos.saveWallPhoto", USER, permissions=("photos",))
def photos_save_wall_photo(call):
    uploads = call.platform.claim_uploads(call, "wall", "photo", uploads_owner(call), -7)
    return [call.world.render_photo(photo, call.viewer) for photo in saved_photos(call, uploads)]


@api("photos.save", USER, permissions=("photos",))
def photos_save(call):
    uploads = call.platform.claim_uploads(call, "album", "photos_list", uploads_owner(call),
                                          call.integer("album_id"))
    return [call.world.render_photo(photo, call.viewer) for photo in saved_photos(call, uploads)]


@api("photos.saveMessagesPhoto", USER_GROUP, permissions=("photos",))
def photos_save_messages_photo(call):
    uploads = call.platform.claim_uploads(call, "messages", "photo", call.viewer, MESSAGES_ALBUM)
    return [call.world.render_photo(photo, call.viewer) for photo in saved_photos(call, uploads)]


@api("photos.saveOwnerPhoto", USER, permissions=("photos",))
def photos_save_owner_photo(call):
    """The uploaded photo becomes the profile photo of whom the upload server was for."""
    (photo,) = saved_photos(call, call.platform.claim_uploads(call, "owner", "photo"))
    if photo["owner_id"] > 0:
        call.world.users[photo["owner_id"]].update(avatar=photo["id"], has_photo=1)
    sizes = call.world.photo_sizes(photo)
    return {"photo_hash": md5_hex(f"owner-photo:{photo['id']}"), "photo_src": sizes[2]["url"],
            "photo_src_big": sizes[-1]["url"], "photo_src_small": sizes[0]["url"], "saved": 1}


# --- messages ----------------------------------------------------------------

def message_peer(call, names=("peer_id", "user_id", "domain")):
    """The other side of a conversation: a user, or a community as a negative id."""
    for name in names:
        value = call.text(name)
        if not value:
            continue
        if name == "domain":
            found = call.world.resolve_screen_name(value)
            if found is None or found[0] == "application":
                raise invalid(name)
            peer = found[1] if found[0] == "user" else -found[1]
        else:
            peer = call.integer(name)
        if (peer > 0 and peer in call.world.users) or (peer < 0 and -peer in call.world.groups):
            return peer
        raise invalid(name)  # chats (2000000000 + id) are not emulated
    raise invalid(names[0], "is undefined")


def deliver(call, peer, random_id, text, attachments):
    """Send one message; a resend with the same random_id returns the first id."""
    sender = call.viewer
    if sender < 0 and peer < 0:
        raise invalid("peer_id")
    allowed, reason = call.world.can_write(sender, peer)
    if not allowed:
        raise ApiError(reason)
    key = (sender, peer, random_id)
    if random_id and key in call.world.sent:
        return call.world.sent[key]
    message = call.world.send_message(sender, peer, text, call.world.tick(), attachments, random_id)
    if random_id:
        call.world.sent[key] = message
    return message


@api("messages.send", USER_GROUP, permissions=("messages",))
def messages_send(call):
    random_id = call.integer("random_id")
    text = call.text("message")
    attachments = call.attachments("attachment", ("photo", "wall"))
    if not text and not attachments:
        raise invalid("message", "is empty")
    if call.text("chat_id"):
        raise invalid("chat_id")  # no chats here
    if not call.text("peer_ids"):
        return deliver(call, message_peer(call), random_id, text, attachments)["id"]
    answers = []
    for peer in call.integers("peer_ids"):
        try:
            if not ((peer > 0 and peer in call.world.users) or (peer < 0 and -peer in call.world.groups)):
                raise invalid("peer_ids")
            message = deliver(call, peer, random_id, text, attachments)
            answers.append({"peer_id": peer, "message_id": message["id"],
                            "conversation_message_id": message["cmid"]})
        except ApiError as error:
            answers.append({"peer_id": peer, "message_id": 0, "conversation_message_id": 0,
                            "error": {"code": error.code}})
    return answers


def conversations_answer(call, peers, answer):
    viewer = call.viewer
    items = [{"conversation": call.world.render_conversation(viewer, peer),
              "last_message": call.world.render_message(call.world.visible_messages(viewer, peer)[-1], viewer)}
             for peer in peers]
    answer["items"] = items
    return with_extended(call, answer, items)


@api("messages.getConversations", USER_GROUP, permissions=("messages",))
def messages_get_conversations(call):
    viewer = call.viewer
    peers = call.world.peers_of(viewer)
    unread = [peer for peer in peers if "unread_count" in call.world.render_conversation(viewer, peer)]
    kind = call.text("filter") or "all"
    if kind not in ("all", "unread", "unanswered", "important", "archive", "sorted_chats"):
        raise invalid("filter")
    if kind == "unread":
        peers = unread
    elif kind == "unanswered":
        peers = [peer for peer in peers if call.world.visible_messages(viewer, peer)[-1]["from_id"] != viewer]
    elif kind != "all":
        peers = []  # nothing is important, archived or a chat here
    answer = {"count": len(peers)}
    if unread:
        answer["unread_count"] = len(unread)
    return conversations_answer(call, call.page(peers, 20, 200), answer)


@api("messages.getConversationsById", USER_GROUP, permissions=("messages",))
def messages_get_conversations_by_id(call):
    peers = [peer for peer in call.integers("peer_ids", required=True)
             if call.world.visible_messages(call.viewer, peer)]
    items = [call.world.render_conversation(call.viewer, peer) for peer in peers]
    return with_extended(call, {"count": len(items), "items": items}, items, *peers)


@api("messages.getHistory", USER_GROUP, permissions=("messages",))
def messages_get_history(call):
    peer = message_peer(call)
    messages = call.world.visible_messages(call.viewer, peer)
    ordered = messages if call.integer("rev", 0) == 1 else messages[::-1]
    if call.text("start_message_id"):
        start = call.integer("start_message_id")
        ordered = ordered[next((n for n, m in enumerate(ordered) if m["id"] == start), len(ordered)):]
    items = [call.world.render_message(message, call.viewer) for message in call.page(ordered, 20, 200)]
    answer = {"count": len(messages), "items": items}
    if call.flag("extended"):
        answer.update(call.extended(items, peer))
        answer["conversations"] = [call.world.render_conversation(call.viewer, peer)] if messages else []
    return answer


@api("messages.getById", USER_GROUP, permissions=("messages",))
def messages_get_by_id(call):
    found = filter(None, (call.world.message_of(call.viewer, number)
                          for number in call.integers("message_ids", required=True)))
    items = [call.world.render_message(message, call.viewer) for _, message in found]
    return with_extended(call, {"count": len(items), "items": items}, items)


def own_dialog_message(call, peer, message_id_name="message_id"):
    """A visible message of the conversation with `peer`, by message_id or cmid."""
    messages = call.world.visible_messages(call.viewer, peer)
    if call.text("cmid"):
        wanted, key = call.integer("cmid"), "cmid"
    else:
        wanted, key = call.integer(message_id_name), "id"
    message = next((m for m in messages if m[key] == wanted), None)
    if message is None:
        raise invalid(message_id_name)
    return message


@api("messages.edit", USER_GROUP, permissions=("messages",))
def messages_edit(call):
    message = own_dialog_message(call, message_peer(call, ("peer_id",)))
    if message["from_id"] != call.viewer:
        raise ApiError(920)
    attachments = call.attachments("attachment", ("photo", "wall"))
    if not call.text("message") and not attachments:
        raise invalid("message", "is empty")
    message.update(text=call.text("message"), attachments=attachments, update_time=call.world.tick())
    return 1


@api("messages.delete", USER_GROUP, permissions=("messages",))
def messages_delete(call):
    """Hides messages from the caller, or from both sides with delete_for_all (own messages only)."""
    if call.text("cmids"):
        peer = message_peer(call, ("peer_id",))
        messages = call.world.visible_messages(call.viewer, peer)
        targets = [next((m for m in messages if m["cmid"] == cmid), None)
                   for cmid in call.integers("cmids")]
    else:
        targets = [(call.world.message_of(call.viewer, number) or (None, None))[1]
                   for number in call.integers("message_ids", required=True)]
    answers = []
    for message in targets:
        if message is None:
            answers.append({"response": 0, "error": {"code": 100}})
            continue
        peer = message["peer"] if message["from_id"] == call.viewer else message["from_id"]
        item = {"peer_id": peer, "message_id": message["id"], "conversation_message_id": message["cmid"]}
        if call.flag("delete_for_all") and message["from_id"] != call.viewer:
            answers.append({**item, "response": 0, "error": {"code": 924}})
            continue
        message["hidden_for"] |= {call.viewer, peer} if call.flag("delete_for_all") else {call.viewer}
        answers.append({**item, "response": 1})
    return answers


@api("messages.markAsRead", USER_GROUP, permissions=("messages",))
def messages_mark_as_read(call):
    peer = message_peer(call, ("peer_id",))
    incoming = [m["id"] for m in call.world.visible_messages(call.viewer, peer) if m["from_id"] == peer]
    last = call.integer("start_message_id", max(incoming, default=0))
    key = (call.viewer, peer)
    call.world.read[key] = max(call.world.read.get(key, 0), last)
    return 1


@api("messages.setActivity", USER_GROUP, permissions=("messages",))
def messages_set_activity(call):
    message_peer(call, ("peer_id", "user_id"))
    if call.text("type") not in ("", "audiomessage", "file", "photo", "typing", "video"):
        raise invalid("type")
    return 1


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


# --------------------------------------------------------------------------
# 4. execute: the emulated VKScript subset
# --------------------------------------------------------------------------

SCRIPT_TOKEN = re.compile(r"""\s*(?:(?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')"""
                          r"|(?P<number>-?\d+(?:\.\d+)?)|(?P<name>[A-Za-z_]\w*)|(?P<punct>[.,:;(){}\[\]]))")


class Script:
    """`return API.a.b({...});` or `return [API.a.b({...}), ...];`. Values are
    strings, numbers, true/false and arrays of those; keys may be unquoted.
    parse() gives ([(method, params)], whether the result is a list);
    ValueError says what does not parse."""

    def __init__(self, code):
        self.tokens = []
        position = 0
        while code[position:].strip():
            match = SCRIPT_TOKEN.match(code, position)
            if not match:
                raise ValueError(f"unexpected text at {position}: {code[position:position + 20]!r}")
            self.tokens.append((match.lastgroup, match[match.lastgroup]))
            position = match.end()
        self.position = 0

    def peek(self):
        return self.tokens[self.position] if self.position < len(self.tokens) else (None, "end of code")

    def take(self, kind=None, text=None):
        token = self.peek()
        if (kind and token[0] != kind) or (text and token[1] != text):
            raise ValueError(f"expected {text or kind}, found {token[1]!r}")
        self.position += 1
        return token[1]

    def parse(self):
        self.take("name", "return")
        is_list = self.peek()[1] == "["
        if is_list:
            self.take("punct", "[")
            calls = [self.call()]
            while self.peek()[1] == ",":
                self.take()
                calls.append(self.call())
            self.take("punct", "]")
        else:
            calls = [self.call()]
        if self.peek()[1] == ";":
            self.take()
        if self.peek()[0] is not None:
            raise ValueError(f"unexpected {self.peek()[1]!r} after the return value")
        return calls, is_list

    def call(self):
        self.take("name", "API")
        parts = []
        while self.peek()[1] == ".":
            self.take()
            parts.append(self.take("name"))
        if not parts:
            raise ValueError("expected API.<method>")
        self.take("punct", "(")
        params = self.object() if self.peek()[1] == "{" else {}
        self.take("punct", ")")
        return ".".join(parts), params

    def object(self):
        self.take("punct", "{")
        params = {}
        while self.peek()[1] != "}":
            kind, key = self.peek()
            self.take()
            if kind not in ("name", "string"):
                raise ValueError(f"expected a key, found {key!r}")
            self.take("punct", ":")
            params[ast.literal_eval(key) if kind == "string" else key] = self.value()
            if self.peek()[1] != ",":
                break
            self.take()
        self.take("punct", "}")
        return params

    def value(self):
        if self.peek()[1] == "[":
            self.take()
            items = []
            while self.peek()[1] != "]":
                items.append(self.scalar())
                if self.peek()[1] != ",":
                    break
                self.take()
            self.take("punct", "]")
            return ",".join(items)  # arrays go to methods comma-joined
        return self.scalar()

    def scalar(self):
        kind, text = self.peek()
        self.take()
        if kind == "string":
            return ast.literal_eval(text)
        if kind == "number":
            return text
        if kind == "name" and text in ("true", "false"):
            return "1" if text == "true" else "0"
        raise ValueError(f"expected a value, found {text!r}")


@api("execute", USER_GROUP)
def execute(call):
    """Runs each API call with the caller's token; a failing one gives false in
    its place and an entry in execute_errors."""
    try:
        calls, is_list = Script(call.required("code")).parse()
    except ValueError as error:
        raise ApiError(12, f"{ERRORS[12]}: {error}") from None
    if len(calls) > MAX_EXECUTE_CALLS:
        raise ApiError(13, f"{ERRORS[13]}: too many API calls (more than {MAX_EXECUTE_CALLS})")
    results = []
    for name, params in calls:
        try:
            results.append(call.platform.invoke(name, {**params, "v": call.text("v"), "lang": call.text("lang")},
                                                call.session))
        except ApiError as error:
            results.append(False)
            call.execute_errors.append({"method": name, "error_code": error.code,
                                        "error_msg": error_message(error)})
    return results if is_list else results[0]


# --------------------------------------------------------------------------
# 5. Vk: the platform object
# --------------------------------------------------------------------------

@dataclass
class PendingUpload:
    """An uploaded file that a photos.save* call has not claimed yet."""

    number: int  # in World.uploads
    kind: str  # wall, album, messages or owner
    uploader: int  # the caller that asked for the upload server
    owner: int
    album_id: int


@dataclass
class Authorization:
    """The parameters of one /vk/oauth/authorize request, checked."""

    query: str  # the authorize query to come back to, without page state
    redirect_uri: str
    response_type: str
    scope: frozenset
    group_ids: tuple
    state: str


class OAuthFailure(OAuthError):
    """An OAuth JSON error with its HTTP status and extra fields; Vk.handle
    answers it for whichever route raised it."""

    def __init__(self, status, error, description=None, **fields):
        super().__init__(error, description)
        self.status = status
        self.fields = fields

    def response(self):
        body = {"error": self.error}
        if self.description:
            body["error_description"] = self.description
        body.update(self.fields)
        return json_response(body, self.status, JSON_TYPE)


def parse_scope(text, table):
    """Comma (or space) separated names, or a bit mask. VK ignores unknown names."""
    if text.strip().isdigit():
        mask = int(text)
        return frozenset(name for name, bit in table.items() if mask & bit)
    return frozenset(name for name in re.split(r"[,\s]+", text) if name in table)


AUTHORIZE_PAGE_STATE = ("m", "email", "sid")  # what the login pages add to the authorize URL
CHALLENGES = ("captcha", "vkid_captcha", "validation", "confirmation")
LOGIN = ("login",)  # what a login captcha guards; API captchas guard ("api", method)


class Vk:
    prefix = "/vk"
    content_type = JSON_TYPE
    cli_accounts = f"ivan@vk.ru / secret, twofactor@vk.ru / secret (code {TWO_FACTOR_CODE})"

    def cli_settings(self):
        """What points the socapi CLI here: URLs, Иван's fixed token and the app."""
        return {"SOCAPI_VK_API_URL": f"{self.base}/vk/method",
                "SOCAPI_VK_OAUTH_URL": f"{self.base}/vk/oauth",
                "SOCAPI_VK_ACCESS_TOKEN": IVAN_TOKEN,
                "SOCAPI_VK_CLIENT_ID": str(CLIENT_ID),
                "SOCAPI_VK_CLIENT_SECRET": CLIENT_SECRET}

    def __init__(self, seed, base_url):
        self.seed = seed
        self.base = base_url
        self.world = World(seed, base_url)
        self.mint = TokenMint(seed)  # tokens, codes, cookies, captcha sids
        self.sessions = {IVAN_TOKEN: Session(IVAN_TOKEN, "user", IVAN, frozenset(USER_SCOPES)),
                         SERVICE_TOKEN: Session(SERVICE_TOKEN, "service", CLIENT_ID, frozenset())}
        for token, gid in GROUP_TOKENS.items():
            self.sessions[token] = Session(token, "group", gid, frozenset(GROUP_SCOPES))
        self.codes = {}  # code -> (user, redirect_uri, scope, group ids, issued at)
        self.logins = {}  # remixsid cookie -> user id
        self.authchecks = {}  # remixauthcheck cookie -> (user id, authorize query)
        self.grants = {}  # (user id, group ids) -> scope the user allowed this app
        self.captchas = {}  # captcha sid -> what it guards (LOGIN or ("api", method))
        self.vkid_sessions = {}  # VK ID captcha success_token -> what it guards
        self.challenges = {}  # (challenge, method) -> calls still to challenge
        self.limits = {"user": 0, "group": 0}  # requests per second per token; 0 = no limit
        self.recent = {}  # token -> times of its recent calls
        self.pending = {}  # key in an upload answer -> PendingUpload
        self.log = deque(maxlen=50)  # what API requests carried, by name only
        self.routes = {
            ("GET", "/vk/oauth/authorize"): self.authorize,
            ("POST", "/vk/oauth/authorize"): self.authorize,
            ("GET", "/vk/oauth/token"): self.token,
            ("POST", "/vk/oauth/token"): self.token,
            ("GET", "/vk/oauth/access_token"): self.access_token,
            ("POST", "/vk/oauth/access_token"): self.access_token,
            ("GET", "/vk/oauth/blank.html"): lambda request: html_page(
                "VK", "<p>Авторизация завершена. Это окно можно закрыть.</p>"),
            ("GET", "/vk/oauth/validate"): self.validate_page,
            ("GET", "/vk/captcha.php"): self.captcha_image,
            ("GET", "/vk/captcha/vkid"): self.vkid_page,
            ("GET", "/vk/login/"): self.login_get,
            ("POST", "/vk/login/"): self.login_post,
            ("POST", "/vk/upload/photo"): self.upload,
        }

    # --- the interface server.py uses ------------------------------------

    def method_of(self, request):
        if request.path.startswith("/vk/method/"):
            return request.path[len("/vk/method/"):]
        return None

    def api_error(self, code):
        """An injected fault: the envelope without request_params (it never saw the request)."""
        return json_response({"error": {"error_code": code, "error_msg": ERRORS.get(code, ERRORS[1])}},
                             content_type=JSON_TYPE)

    def handle(self, request):
        path = "/vk/login/" if request.path == "/vk/login" else request.path
        name = self.method_of(request)
        if name is not None:
            if request.verb not in ("GET", "POST"):
                return text_response("method not allowed\n", 405)
            return self.api(request, name)
        served = served_file(request, self.prefix, self.world.uploads)
        if served:
            return served
        route = self.routes.get((request.verb, path))
        if route is None:
            return text_response("not found\n", 404)
        try:
            return route(request)
        except OAuthFailure as failure:  # raised by the OAuth endpoints' checks
            return failure.response()

    def control(self, request, action):
        controls = {("POST", "captcha"): self.arm_challenge, ("POST", "vkid_captcha"): self.arm_challenge,
                    ("POST", "validation"): self.arm_challenge,
                    ("POST", "confirmation"): self.arm_challenge, ("POST", "rate_limit"): self.set_limits,
                    ("GET", "code"): self.code_control, ("GET", "requests"): self.requests_control}
        handler = controls.get((request.verb, action))
        if handler is None:
            return text_response("not found\n", 404)
        try:
            return handler(request, action)
        except ValueError as error:  # also bad JSON
            return json_response({"error": str(error)}, 400)

    # --- controls (/_emulator/vk/...) ------------------------------------------

    def arm_challenge(self, request, action):
        """{"method": name, "times": n}: the next n calls of the method answer error
        14 (captcha, classic or VK ID), 17 (validation) or 24 (confirmation)."""
        spec = json_object(request.body, {"method", "times"})
        method, times = spec.get("method"), spec.get("times", 1)
        if method not in METHODS:
            raise ValueError("method must name an emulated API method")
        if not is_count(times) or times < 1:
            raise ValueError("times must be an integer >= 1")
        self.challenges[(action, method)] = times
        return json_response({"challenge": action, "method": method, "times": times})

    def set_limits(self, request, action):
        """{"user": n, "group": m}: requests per second per token; 0 turns a limit off."""
        spec = json_object(request.body, {"user", "group"})
        if not all(is_count(value) for value in spec.values()):
            raise ValueError("limits must be integers >= 0")
        self.limits.update(spec)
        return json_response(self.limits)

    def code_control(self, request, action):
        """?client_id=&redirect_uri=&user_id=[&scope=] -> {"code"}: skips the HTML pages."""
        params = request.query
        user = params.get("user_id", "")
        if (params.get("client_id") != str(CLIENT_ID) or not params.get("redirect_uri")
                or not user.isdigit() or int(user) not in self.world.people()):
            raise ValueError("need client_id, redirect_uri and the user_id of an active user")
        scope = parse_scope(params.get("scope", ""), USER_SCOPES)
        return json_response({"code": self.new_code(int(user), params["redirect_uri"], scope, ())})

    def requests_control(self, request, action):
        return json_response(list(self.log))

    # --- the API -----------------------------------------------------------

    def api(self, request, name):
        """One /vk/method/<name> call. The checks, in order: token in the URL (5),
        v (8), method (3), token (5, 27, 28), rate limit (6), scope (15),
        armed challenges (14, 17, 24), then the method's own parameters."""
        self.log.append({"verb": request.verb, "method": name, "query_keys": list(request.query),
                         "body_keys": list(request.form) + list(request.files),
                         "has_authorization_header": bool(request.authorization)})
        params = {key: value for key, value in request.params.items() if key != "access_token"}
        call = None
        try:
            if "access_token" in request.query:
                raise ApiError(5, TOKEN_IN_URL)
            check_version(params.get("v", ""))
            method = METHODS.get(name)
            if method is None:
                raise ApiError(3)
            session = self.session_for(request, method)
            self.throttle(session)
            self.challenge(name, params)
            call = Call(self, session, params)
            result = self.run(method, call)
        except ApiError as error:
            return self.error_response(error, name, params)
        body = {"response": result}
        if call.execute_errors:
            body["execute_errors"] = call.execute_errors
        return json_response(body, content_type=JSON_TYPE)

    def invoke(self, name, params, session):
        """An API call inside execute: the outer token, no rate limit, no challenges."""
        method = METHODS.get(name)
        if method is None or name == "execute":
            raise ApiError(3)
        check_kind(session, method)
        return self.run(method, Call(self, session, params))

    def run(self, method, call):
        """The scope check (user and community tokens), then the method."""
        session = call.session
        if session and session.kind != "service":
            table = USER_SCOPES if session.kind == "user" else GROUP_SCOPES
            if not {name for name in method.permissions if name in table} <= session.scope:
                raise ApiError(15, NO_SCOPE)
        return method.handler(call)

    def error_response(self, error, name, params):
        body = {"error_code": error.code, "error_msg": error_message(error),
                "request_params": [{"key": "method", "value": name}]
                + [{"key": key, "value": value} for key, value in params.items()]}
        body.update(getattr(error, "fields", {}))
        return json_response({"error": body}, content_type=JSON_TYPE)

    def session_for(self, request, method):
        """The caller's Session (None for a token-less call of an open method)."""
        token = request.form.get("access_token", "")
        if not token and request.authorization:
            scheme, _, token = request.authorization.partition(" ")
            if scheme.lower() != "bearer":
                raise ApiError(5, BAD_TOKEN)
        if not token:
            if method.tokenless:
                return None
            raise ApiError(5, NO_TOKEN)
        session = self.sessions.get(token.strip())
        if session is None:
            raise ApiError(5, BAD_TOKEN)
        if session.expired():
            raise ApiError(5, EXPIRED_TOKEN)
        check_kind(session, method)
        return session

    def throttle(self, session):
        """Error 6 past the per-token limit in any sliding second (rejected calls don't count)."""
        limit = self.limits.get(session.kind, 0) if session else 0
        if not limit:
            return
        now = time.monotonic()
        recent = self.recent.setdefault(session.token, deque())
        while recent and now - recent[0] >= 1:
            recent.popleft()
        if len(recent) >= limit:
            raise ApiError(6)
        recent.append(now)

    def challenge(self, name, params):
        """Armed captcha / validation / confirmation errors. An answered challenge
        (a right captcha_key for a captcha of this method, or confirm=1) passes."""
        purpose = ("api", name)
        answered = {"confirmation"} if params.get("confirm") == "1" else set()
        if self.captchas.get(params.get("captcha_sid")) == purpose:
            if not self.solved(params, purpose):
                raise self.captcha_error(purpose)
            answered.add("captcha")
        if "success_token" in params:
            if self.vkid_sessions.pop(params["success_token"], None) != purpose:
                raise self.vkid_captcha_error(purpose)
            answered.add("vkid_captcha")
        for kind in CHALLENGES:
            if kind not in answered and self.challenges.get((kind, name), 0) > 0:
                self.challenges[(kind, name)] -= 1
                if kind == "captcha":
                    raise self.captcha_error(purpose)
                if kind == "vkid_captcha":
                    raise self.vkid_captcha_error(purpose)
                if kind == "validation":
                    raise Challenge(17, redirect_uri=f"{self.base}/vk/oauth/validate?sid={self.mint('validation')}")
                raise Challenge(24, confirmation_text=CONFIRMATION_TEXT)

    def new_captcha_sid(self, purpose):
        """A fresh sid of digits; its right answer is its last four characters."""
        sid = str(int(self.mint("captcha")[:12], 16))
        self.captchas[sid] = purpose
        return sid

    def captcha_img(self, sid):
        return f"{self.base}/vk/captcha.php?sid={sid}&s=1"

    def captcha_error(self, purpose):
        sid = self.new_captcha_sid(purpose)
        return Challenge(14, captcha_sid=sid, captcha_img=self.captcha_img(sid))

    def vkid_captcha_error(self, purpose):
        """The VK ID captcha: no sid, a page to solve it on. Solving it there gives
        a success_token; here the token for session S is "ok-" + S, once."""
        session = self.mint("vkid")[:16]
        self.vkid_sessions["ok-" + session] = purpose
        return Challenge(14, redirect_uri=f"{self.base}/vk/captcha/vkid?session={session}")

    def vkid_page(self, request):
        session = request.query.get("session", "")
        if "ok-" + session not in self.vkid_sessions:
            return text_response("not found\n", 404)
        return html_page("VK ID", f"<p>Проверка пройдена.</p>\n<p>success_token: ok-{escape(session)}</p>")

    def solved(self, params, purpose):
        """Whether params answer a captcha issued for `purpose`; a sid works once."""
        sid = params.get("captcha_sid", "")
        answered = self.captchas.get(sid) == purpose
        if answered:
            del self.captchas[sid]
        return answered and params.get("captcha_key", "") == sid[-4:]

    # --- uploads -------------------------------------------------------------

    def upload_hash(self, kind, uploader, owner, album_id):
        return md5_hex(f"{self.seed}:upload:{kind}:{uploader}:{owner}:{album_id}")

    def upload_url(self, kind, uploader, owner, album_id):
        fields = {"act": "do_add", "kind": kind, "mid": uploader, "owner": owner, "aid": album_id,
                  "hash": self.upload_hash(kind, uploader, owner, album_id)}
        return f"{self.base}/vk/upload/photo?{urlencode(fields)}"

    def save_hash(self, text):
        return md5_hex(f"{self.seed}:save:{UPLOAD_SERVER}:{text}")

    def upload(self, request):
        """POST <upload_url>, multipart: `photo` (wall, messages, owner) or
        file1..file5 (album). The answer is what photos.save* take."""
        query = request.query
        target = [query.get(name, "") for name in ("kind", "mid", "owner", "aid")]
        if not all(INTEGER.fullmatch(value) for value in target[1:]) or \
                query.get("hash") != self.upload_hash(*target):
            return json_response({"error": "ERR_UPLOAD_BAD_HASH: bad upload hash"}, content_type=JSON_TYPE)
        kind, uploader, owner, album_id = target[0], *map(int, target[1:])
        names = [f"file{n}" for n in range(1, 6)] if kind == "album" else ["photo"]
        files = [request.files[name] for name in names if name in request.files]
        if not files:
            return json_response({"error": "ERR_UPLOAD_FILE_NOT_UPLOADED: file not uploaded"},
                                 content_type=JSON_TYPE)
        items = []
        for upload in files:
            key = self.mint("photo")
            self.pending[key] = PendingUpload(self.world.store_upload(upload), kind, uploader, owner, album_id)
            items.append({"photo": key, "sizes": [], "kid": key[:12]})
        text = json.dumps(items, separators=(",", ":"))
        answer = {"server": UPLOAD_SERVER, "photos_list" if kind == "album" else "photo": text,
                  "hash": self.save_hash(text)}
        if kind == "album":
            answer["aid"] = album_id
        return json_response(answer, content_type=JSON_TYPE)

    def claim_uploads(self, call, kind, field, owner=None, album_id=None):
        """The uploads named by `field`, `server` and `hash` of a photos.save* call:
        made through an upload server of this kind, for this caller (and owner and
        album, when given). Each upload can be saved once."""
        server = call.integer("server")
        text = call.required(field)
        if server != UPLOAD_SERVER:
            raise ApiError(118)
        if call.required("hash") != self.save_hash(text):
            raise ApiError(121)
        try:
            keys = [item["photo"] for item in json.loads(text)]
        except (ValueError, TypeError, KeyError):
            raise invalid(field) from None
        uploads = [self.pending.get(key) for key in keys]
        if not uploads or not all(upload and upload.kind == kind and upload.uploader == call.viewer
                                  and owner in (None, upload.owner) and album_id in (None, upload.album_id)
                                  for upload in uploads):
            raise invalid(field)
        for key in keys:
            del self.pending[key]
        return uploads

    # --- tokens and codes ------------------------------------------------------

    def issue(self, kind, owner, scope):
        lifetime = None if kind == "group" or "offline" in scope else TOKEN_LIFETIME
        session = Session("vk1.a." + self.mint("access"), kind, owner, frozenset(scope),
                          time.time() + lifetime if lifetime else None)
        self.sessions[session.token] = session
        return session

    def user_token_reply(self, user, scope):
        session = self.issue("user", user, scope)
        return {"access_token": session.token, "expires_in": 0 if session.expires_at is None else TOKEN_LIFETIME,
                "user_id": user}

    def group_token_reply(self, group_ids, scope):
        return {**{f"access_token_{gid}": self.issue("group", gid, scope).token for gid in group_ids},
                "expires_in": 0}

    def new_code(self, user, redirect_uri, scope, group_ids):
        code = self.mint("code")
        self.codes[code] = (user, redirect_uri, scope, tuple(group_ids), time.time())
        return code

    def account(self, login, password=None):
        """The Account of a login; with a password, only if it is right."""
        account = self.world.accounts.get(login.strip().lower())
        if account and password is not None and account.password != password:
            return None
        return account

    def check_client(self, params, need_secret=True):
        if params.get("client_id") != str(CLIENT_ID):
            raise OAuthFailure(401, "invalid_client", "client_id is incorrect")
        if need_secret and params.get("client_secret") != CLIENT_SECRET:
            raise OAuthFailure(401, "invalid_client", "client_secret is incorrect")

    # --- POST /vk/oauth/token: direct authorization (voronind/vk DirectUserAPI) --

    def token(self, request):
        return json_response(self.password_grant(request.params), content_type=JSON_TYPE)

    def password_grant(self, form):
        grant_type = form.get("grant_type", "")
        if grant_type != "password":
            raise OAuthFailure(400, "unsupported_grant_type" if grant_type else "invalid_request",
                               "grant_type must be password")
        self.check_client(form)
        username, password = form.get("username", ""), form.get("password", "")
        if not username or not password:
            raise OAuthFailure(400, "invalid_request", "username and password are required")
        account = self.account(username)
        if account and account.user_id == CAPTCHA_USER and not self.solved(form, LOGIN):
            sid = self.new_captcha_sid(LOGIN)
            raise OAuthFailure(401, "need_captcha", captcha_sid=sid, captcha_img=self.captcha_img(sid))
        if self.account(username, password) is None:
            raise OAuthFailure(401, "invalid_client", "Username or password is incorrect")
        if account.user_id == TWO_FACTOR_USER:
            if not form.get("code"):
                sid = self.mint("validation")
                raise OAuthFailure(401, "need_validation", "use app code", validation_type="2fa_app",
                                   validation_sid=sid, phone_mask=PHONE_MASK,
                                   redirect_uri=f"{self.base}/vk/oauth/validate?sid={sid}")
            if form["code"] != TWO_FACTOR_CODE:
                raise OAuthFailure(401, "invalid_request", "wrong code")
        return self.user_token_reply(account.user_id, parse_scope(form.get("scope", ""), USER_SCOPES))

    # --- /vk/oauth/access_token: the code exchange (https://vk.com/dev/authcode_flow_user)

    def access_token(self, request):
        params = request.params
        self.check_client(params)
        found = self.codes.pop(params.get("code", ""), None)
        if found is None or time.time() - found[4] > CODE_LIFETIME:
            raise OAuthFailure(401, "invalid_grant", "Code is invalid or expired.")
        user, redirect_uri, scope, group_ids, _ = found
        if params.get("redirect_uri", "") != redirect_uri:
            raise OAuthFailure(401, "invalid_grant", "redirect_uri is incorrect")
        if group_ids:
            return json_response(self.group_token_reply(group_ids, scope), content_type=JSON_TYPE)
        return json_response(self.user_token_reply(user, scope), content_type=JSON_TYPE)

    # --- /vk/oauth/authorize: the implicit and code flows (voronind/vk UserAPI, CommunityAPI)

    def authorization(self, params):
        """The checked parameters of an authorize request (OAuthFailure if bad)."""
        self.check_client(params, need_secret=False)
        redirect_uri = params.get("redirect_uri") or f"{self.base}/vk/oauth/blank.html"
        if redirect_uri not in REGISTERED_REDIRECTS + (f"{self.base}/vk/oauth/blank.html",):
            raise OAuthFailure(400, "invalid_request",
                               "redirect_uri is incorrect, check application domain in the settings page")
        response_type = params.get("response_type", "")
        if response_type not in ("token", "code"):
            raise OAuthFailure(400, "unsupported_response_type", "response_type must be token or code")
        groups = [item.strip() for item in params.get("group_ids", "").split(",") if item.strip()]
        if not all(item.isdigit() for item in groups):
            raise OAuthFailure(400, "invalid_request", "group_ids is invalid")
        group_ids = tuple(int(item) for item in groups)
        kept = [(key, value) for key, value in params.items() if key not in AUTHORIZE_PAGE_STATE + ("hash", "act")]
        query = urlencode(sorted(kept, key=lambda item: item[0] != "client_id"), quote_via=quote)
        return Authorization(query, redirect_uri, response_type,
                             parse_scope(params.get("scope", ""), GROUP_SCOPES if group_ids else USER_SCOPES),
                             group_ids, params.get("state", ""))

    def authorize_url(self, auth, **page_state):
        url = f"{self.base}/vk/oauth/authorize?{auth.query}"
        return with_query(url, page_state) if page_state else url

    def authorize(self, request):
        """Not logged in: the login form. Logged in: the grant page, or, once the
        user allowed this scope, the redirect with the token or code."""
        auth = self.authorization(request.params)
        user = self.logged_in_user(request)
        if user is None:
            return self.login_page(auth, request.query)
        not_admin = [gid for gid in auth.group_ids if not self.world.is_admin(gid, user)]
        if not_admin:
            return self.finish_redirect(auth, {"error": "access_denied",
                                               "error_description": f"no admin rights in group {not_admin[0]}"})
        granted = self.grants.get((user, auth.group_ids))
        if granted is None or not auth.scope <= granted:
            return self.grant_page(user, auth)
        return self.finish(user, auth)

    def finish(self, user, auth):
        if auth.response_type == "code":
            fields = {"code": self.new_code(user, auth.redirect_uri, auth.scope, auth.group_ids)}
        elif auth.group_ids:
            fields = self.group_token_reply(auth.group_ids, auth.scope)
        else:
            fields = self.user_token_reply(user, auth.scope)
        return self.finish_redirect(auth, fields)

    def finish_redirect(self, auth, fields):
        return redirect(self.redirect_target(auth, fields))

    def redirect_target(self, auth, fields):
        """redirect_uri with the fields (and state): in the fragment for response_type
        token, in the query for code."""
        if auth.state:
            fields = {**fields, "state": auth.state}
        if auth.response_type == "token":
            return f"{auth.redirect_uri}#{urlencode(fields)}"
        return with_query(auth.redirect_uri, fields)

    # --- the login pages -----------------------------------------------------------

    def form_hash(self, *parts):
        return md5_hex(":".join(map(str, (self.seed, *parts))))[:18]

    def login_page(self, auth, page_state):
        """The login form; m=4 adds the wrong-password text, sid a captcha."""
        to = base64.urlsafe_b64encode(auth.query.encode()).decode()
        fields = {"ip_h": self.form_hash("ip"), "lg_domain_h": self.form_hash("lg", to),
                  "_origin": "https://oauth.vk.ru", "to": to}
        error = "<p class=\"error\">Указан неверный логин или пароль</p>\n" if page_state.get("m") == "4" else ""
        captcha = ""
        sid = page_state.get("sid", "")
        if sid:
            fields["captcha_sid"] = sid
            captcha = (f'<p>Введите код с картинки</p>\n<img id="captcha" src="{escape(self.captcha_img(sid))}">\n'
                       '<input type="text" name="captcha_key" value="">\n')
        inputs = "\n".join(hidden(name, value) for name, value in fields.items())
        return html_page("ВКонтакте | Вход", (
            f"<h1>Вход ВКонтакте</h1>\n{error}"
            f'<form method="post" action="{escape(self.base)}/vk/login/?act=login&amp;soft=1">\n{inputs}\n'
            f"{captcha}"
            f'<input type="text" name="email" value="{escape(page_state.get("email", ""))}">\n'
            '<input type="password" name="pass" value="">\n'
            '<button type="submit">Войти</button>\n</form>'))

    def grant_hash(self, user, auth):
        return self.form_hash("grant", user, auth.query)

    def grant_page(self, user, auth):
        action = (f"{self.base}/vk/login/?act=grant_access&{auth.query}&"
                  + urlencode({"hash": self.grant_hash(user, auth)}))
        asked = ", ".join(sorted(auth.scope)) or "основная информация"
        deny = {"error": "access_denied", "error_reason": "user_denied",
                "error_description": "User denied your request"}
        target = "сообществам " + ", ".join(map(str, auth.group_ids)) if auth.group_ids else "вашей странице"
        return html_page("ВКонтакте | Разрешение доступа", (
            "<h1>Разрешить доступ</h1>\n"
            f"<p>Приложение «{APP_NAME}» запрашивает доступ к {escape(target)}: {escape(asked)}.</p>\n"
            f'<form method="post" action="{escape(action)}">\n'
            '<button type="submit">Разрешить</button>\n</form>\n'
            f'<a href="{escape(self.redirect_target(auth, deny))}">Отмена</a>'))

    def login_get(self, request):
        if request.query.get("act") == "authcheck":
            return self.authcheck_page(request)
        return text_response("not found\n", 404)

    def login_post(self, request):
        actions = {"login": self.log_in, "authcheck_code": self.authcheck_code,
                   "grant_access": self.grant_access}
        action = actions.get(request.query.get("act", ""))
        return action(request) if action else error_page("Неизвестное действие.")

    def log_in(self, request):
        """POST /vk/login/?act=login: the login form of login_page."""
        form = request.form
        to = form.get("to", "")
        try:
            query = base64.urlsafe_b64decode(to.encode()).decode()
        except (binascii.Error, UnicodeDecodeError):
            query = None
        if query is None or form.get("ip_h") != self.form_hash("ip") or \
                form.get("lg_domain_h") != self.form_hash("lg", to):
            return error_page("Форма входа устарела. Откройте страницу входа заново.")
        authorize = f"{self.base}/vk/oauth/authorize?{query}"
        email = form.get("email", "")
        account = self.account(email)
        if account and account.user_id == CAPTCHA_USER and not self.solved(form, LOGIN):
            return redirect(with_query(authorize, {"sid": self.new_captcha_sid(LOGIN)}))
        if self.account(email, form.get("pass", "")) is None:
            return redirect(with_query(authorize, {"m": 4, "email": email}))
        if account.user_id == TWO_FACTOR_USER:
            check = self.mint("authcheck")
            self.authchecks[check] = (account.user_id, query)
            return redirect(f"{self.base}/vk/login/?act=authcheck",
                            [("Set-Cookie", f"remixauthcheck={check}; Path=/; HttpOnly")])
        return self.logged_in(account.user_id, authorize)

    def logged_in(self, user, authorize, headers=()):
        cookie = self.mint("remixsid")
        self.logins[cookie] = user
        return redirect(authorize, [*headers, ("Set-Cookie", f"remixsid={cookie}; Path=/; HttpOnly")])

    def logged_in_user(self, request):
        """The user id the request's remixsid cookie logged in, or None."""
        return self.logins.get(request.cookies.get("remixsid", ""))

    def authcheck_page(self, request):
        """The 2FA page after the password of the two-factor user; m=1: a wrong code before."""
        check = request.cookies.get("remixauthcheck", "")
        if check not in self.authchecks:
            return error_page("Сеанс входа истёк. Войдите заново.")
        action = f"{self.base}/vk/login/?act=authcheck_code&hash={self.form_hash('authcheck', check)}"
        error = "<p class=\"error\">Неверный код подтверждения</p>\n" if request.query.get("m") == "1" else ""
        return html_page("ВКонтакте | Подтверждение входа", (
            f"<h1>Подтверждение входа</h1>\n{error}"
            "<p>Введите код из приложения для генерации кодов.</p>\n"
            f'<form method="post" action="{escape(action)}">\n'
            '<input type="text" name="code" value="">\n'
            f"{hidden('remember', 1)}\n"
            '<button type="submit">Подтвердить</button>\n</form>'))

    def authcheck_code(self, request):
        check = request.cookies.get("remixauthcheck", "")
        if check not in self.authchecks or request.query.get("hash") != self.form_hash("authcheck", check):
            return error_page("Сеанс входа истёк. Войдите заново.")
        if request.form.get("code", "") != TWO_FACTOR_CODE:
            return redirect(f"{self.base}/vk/login/?act=authcheck&m=1")
        user, query = self.authchecks.pop(check)
        return self.logged_in(user, f"{self.base}/vk/oauth/authorize?{query}",
                              [("Set-Cookie", "remixauthcheck=; Path=/; Max-Age=0")])

    def grant_access(self, request):
        """POST of the grant page: records the grant and redirects with the token or code."""
        auth = self.authorization(request.query)
        user = self.logged_in_user(request)
        if user is None:
            return redirect(self.authorize_url(auth))
        if request.query.get("hash") != self.grant_hash(user, auth):
            return error_page("Неверная подпись формы доступа.")
        key = (user, auth.group_ids)
        self.grants[key] = self.grants.get(key, frozenset()) | auth.scope
        return self.finish(user, auth)

    # --- small pages ---------------------------------------------------------------

    def validate_page(self, request):
        return html_page("ВКонтакте | Проверка", (
            "<h1>Требуется проверка</h1>\n<p>В эмуляторе проверка проходит сама: повторите запрос "
            "(API) или передайте code (прямая авторизация).</p>"))

    def captcha_image(self, request):
        if request.query.get("sid", "") not in self.captchas:
            return text_response("not found\n", 404)
        return placeholder(".gif")


def check_kind(session, method):
    """27 / 28 when the method's access_token_type does not take this kind of token."""
    if session.kind not in method.tokens:
        raise ApiError(27 if session.kind == "group" else 28)


def check_version(version):
    if not version:
        raise ApiError(8, NO_VERSION)
    match = re.fullmatch(r"5\.(\d+)", version)
    if not match or int(match[1]) < 81:
        raise ApiError(8, BAD_VERSION)


def json_object(body, keys):
    """A JSON object body with only the given keys (ValueError otherwise)."""
    spec = json.loads(body or b"{}")
    if not isinstance(spec, dict):
        raise ValueError("the body must be a JSON object")
    unknown = set(spec) - set(keys)
    if unknown:
        raise ValueError(f"unknown key {sorted(unknown)[0]!r}")
    return spec


def is_count(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
