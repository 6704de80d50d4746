"""OK.ru (Odnoklassniki): the REST API, the OAuth token endpoint, the login and
permission pages, and the photo upload host.

Everything lives under /ok: the real hosts api.ok.ru and connect.ok.ru both map
here. The sections, in reading order:

  1. Constants   the app, fixed accounts and tokens, error names, text tables
  2. World       the seeded social graph, and what clients post into it
  3. REST API    signing, `Call` (parameter access, paging), one function per method
  4. OK          the platform object: routing, REST checks, uploads, OAuth, HTML pages

Facts come from the method pages and OAuth guides under https://apiok.ru/dev/ and
from the public client KonstantinTogoi/aiookru; comments name the source where it
matters. Every answer follows the method's response definition in schema/ok; what
both leave open is documented in emulator/README.md.
"""

import base64
import binascii
import json
import re
import time
from dataclasses import dataclass
from html import escape
from urllib.parse import quote, urlencode, urlsplit

from .common import (DAY, EPOCH, FEMALE_NAMES, HOUR, MALE_NAMES, SURNAMES, Account, ApiCall,
                     ApiError, OAuthError, SeededWorld, TokenMint, error_page, expire_session, find_account,
                     grant_handler, hidden, html_page, is_uint, json_response, md5_hex, redirect,
                     served_file, sorted_pairs, text_response, with_query)

# --------------------------------------------------------------------------
# 1. Constants
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class App:
    app_id: str  # the OAuth client_id
    key: str  # application_key, sent with every REST call
    secret: str  # application_secret_key, also the OAuth client_secret
    name: str
    redirect_uris: tuple  # registered; the emulator's own /ok/blank.html is added per server


APP = App("1267418112", "CBAEJBKGDIHBABABA", "8a5c2d0e4f6b1a3c5e7d9f0b2c4e6a8d",
          "Тестовое приложение socapi",
          ("https://oauth.mycdn.me/blank.html", "http://localhost/callback"))

IVAN = "574238563453"
MARIA = "580012345678"
FIXED_TOKEN = "tkn1ivan0fixed0emulator0ok0000000000000000"  # Иван, every permission, never expires
FIXED_SECRET = "5d41402abc4b2a76b9719d911017c592"  # its session_secret_key
FIXED_REFRESH_TOKEN = "rfr1ivan0fixed0emulator0ok"
EXPIRED_TOKEN = "tkn1expired0emulator0ok"  # always error 102
EXPIRED_SECRET = "e10adc3949ba59abbe56e057f20f883e"

PERMISSIONS = ("VALUABLE_ACCESS", "LONG_ACCESS_TOKEN", "PHOTO_CONTENT", "GROUP_CONTENT",
               "VIDEO_CONTENT", "APP_INVITE", "GET_EMAIL", "SET_STATUS", "PUBLISH_NOTE", "LIKE")
# Every token has VALUABLE_ACCESS ("necessary to call most methods"); LONG_ACCESS_TOKEN
# makes a token live 30 days: https://apiok.ru/en/ext/oauth/permissions
VALUABLE_ACCESS = "VALUABLE_ACCESS"
TOKEN_LIFETIME = 1800  # seconds
LONG_TOKEN_LIFETIME = 30 * DAY
JSON_TYPE = "application/json;charset=utf-8"  # what aiookru/sessions.py expects
LOGIN_COOKIE, DIALOG_COOKIE = "ok_login", "ok_dialog"
UNSIGNED = {"sig", "access_token", "session_key"}  # see sign()
SESSION_LESS = "Either session_key or uid must be specified"  # aiookru docs/source/session.rst

# code -> (name, usual text); error_msg is "<name> : <text>". Up to 151 as
# https://apiok.ru/en/dev/errors has them; later names from third-party lists.
ERRORS = {
    1: ("UNKNOWN", "Unknown error"),
    2: ("SERVICE", "Service is temporary unavailable"),
    3: ("METHOD", "Method does not exist"),
    4: ("REQUEST", "Failed to process the request, as it is incorrect"),
    7: ("ACTION_BLOCKED", "Requested action is temporarily blocked for the current user"),
    8: ("FLOOD_BLOCKED", "Call blocked due to flood protection"),
    9: ("IP_BLOCKED", "Method execution is blocked by IP address"),
    10: ("PERMISSION_DENIED", "Permission is denied"),
    11: ("LIMIT_REACHED", "Request call limit is reached"),
    12: ("CANCELLED", "Operation is canceled by the user"),
    21: ("NOT_MULTIPART", "Non multi-part request when adding photos"),
    22: ("NOT_ACTIVATED", "The user must activate their account"),
    23: ("NOT_YET_INVOLVED", "The user is not involved in the application"),
    24: ("NOT_OWNER", "The user is not the owner of the object"),
    25: ("NOT_ACTIVE", "Notification delivery error. The user is inactive in the application"),
    26: ("TOTAL_LIMIT_REACHED", "Notification delivery error. Notification limit is reached"),
    50: ("NOT_ADMIN", "The user does not have administrative rights to execute this method"),
    100: ("PARAM", "Missing or incorrect parameter"),
    101: ("PARAM_API_KEY", "The application_key parameter is missing or incorrect"),
    102: ("PARAM_SESSION_EXPIRED", "Session expired"),
    103: ("PARAM_SESSION_KEY", "Invalid session key"),
    104: ("PARAM_SIGNATURE", "Invalid signature"),
    105: ("PARAM_RESIGNATURE", "Invalid resignature"),
    110: ("PARAM_USER_ID", "Invalid user identifier"),
    120: ("PARAM_ALBUM_ID", "Invalid album identifier"),
    121: ("PARAM_PHOTO_ID", "Invalid photo identifier"),
    160: ("PARAM_GROUP_ID", "Invalid group identifier"),
    200: ("PARAM_PERMISSION", "The application cannot perform this operation"),
    210: ("PARAM_APPLICATION_DISABLED", "Application disabled"),
    220: ("PARAM_FIELDSET", "Invalid field set"),
    300: ("NOT_FOUND", "Requested information is not found"),
    401: ("AUTH_LOGIN", "Login failed"),
    451: ("NOT_SESSION_METHOD", "Method must be called without a session"),
    453: ("SESSION_REQUIRED", "Session key is required for this method"),
    454: ("CENSOR_MATCH", "Text rejected by the censor"),
    456: ("GROUP_RESTRICTION", "Operation restricted by the group"),
    505: ("PHOTO_NO_IMAGE", "No image"),
    512: ("PHOTO_ALBUM_NOT_BELONGS_TO_USER", "The album does not belong to the user"),
    513: ("PHOTO_ALBUM_NOT_BELONGS_TO_GROUP", "The album does not belong to the group"),
    600: ("MEDIA_TOPIC_BLOCK_LIMIT", "Too many media blocks"),
    601: ("MEDIA_TOPIC_TEXT_LIMIT", "Text is too long"),
    607: ("MEDIA_TOPIC_LINK_BAD_FORMAT", "Bad link format"),
    9999: ("SYSTEM", "Critical system error"),
}

# The fields of users.getCurrentUser without `fields`, and of the users and groups
# in entity lists (stream.get, mediatopic.*), which ignore `fields`.
DEFAULT_USER_FIELDS = ("first_name", "last_name", "name", "gender", "age", "birthday", "locale",
                       "location", "pic50x50", "pic128x128", "pic190x190", "has_email", "email")
ENTITY_USER_FIELDS = ("first_name", "last_name", "name", "gender", "pic128x128")
ENTITY_GROUP_FIELDS = ("name", "shortname", "pic_avatar", "members_count")
AVATAR_SIZES = ("pic50x50", "pic128x128", "pic128max", "pic180min", "pic240min", "pic320min",
                "pic190x190", "pic640x480", "pic1024x768")
PICTURES = {**{size: size for size in AVATAR_SIZES},  # user field -> avatar size
            "pic_1": "pic50x50", "pic_2": "pic128max", "pic_3": "pic190x190",  # aliases
            "pic_4": "pic640x480", "pic_5": "pic128x128"}
PHOTO_SIZES = ("pic50x50", "pic128x128", "pic180min", "pic240min", "pic320min", "pic640x480",
               "pic1024x768")
MEMBER_STATUSES = ("ACTIVE", "MAYBE", "BLOCKED", "ADMIN", "MODERATOR", "PASSIVE", "UNKNOWN")
DIRECTIONS = ("FORWARD", "BACKWARD", "AROUND")
TOPIC_TYPES = {  # mediatopic.post type -> the permission it needs beyond the method's own
    "USER": None, "USER_STATUS": "SET_STATUS", "USER_NOTE": "PUBLISH_NOTE",
    "GROUP_THEME": "GROUP_CONTENT", "GROUP_THEME_PROMO": "GROUP_CONTENT",
    "GROUP_SUGGESTED": "GROUP_CONTENT",
}
MEDIA_BLOCK_LIMIT, TOPIC_TEXT_LIMIT = 10, 10000
DISCUSSION_CATEGORIES = ("ALL", "MY", "OTHERS", "UNREAD")
EVENT_TYPES = ("messages", "notifications", "guests", "marks", "activities", "discussions")
OK_HOSTS = ("ok.ru", "www.ok.ru", "m.ok.ru", "odnoklassniki.ru", "www.odnoklassniki.ru")

PLACES = (  # city, country (enum-style), country code, country name
    ("Москва", "RUSSIA", "RU", "Россия"), ("Санкт-Петербург", "RUSSIA", "RU", "Россия"),
    ("Новосибирск", "RUSSIA", "RU", "Россия"), ("Екатеринбург", "RUSSIA", "RU", "Россия"),
    ("Казань", "RUSSIA", "RU", "Россия"), ("Минск", "BELARUS", "BY", "Беларусь"),
    ("Алматы", "KAZAKHSTAN", "KZ", "Казахстан"),
)
STATUSES = ("Всем привет!", "На даче до понедельника", "Учу C", "Скоро отпуск", "Слушаю музыку")
GROUPS = (  # name, shortname, description, access, category, other members, Иван's status
    ("Программисты на C", "c.programmers", "Обсуждаем язык C, компиляторы и библиотеки.",
     "OPEN", "Программирование", 27, "ADMIN"),
    ("Фотоклуб «Объектив»", "objectiv", "Фотографии участников и разбор снимков.",
     "OPEN", "Фотография", 11, "ACTIVE"),
    ("Путешествия по России", "travel.russia", "Маршруты, отчёты и советы путешественникам.",
     "OPEN", "Путешествия", 14, "MODERATOR"),
    ("Закрытый клуб", "private.club", "Только для своих.", "CLOSED", "Общение", 5, None),
)
TOPIC_TEXTS = ("Наконец-то выходные!", "Кто идёт на концерт в субботу?",
               "Книга про C прочитана, советую", "Погода сегодня отличная",
               "Новый проект почти готов, скоро покажу", "Фотографии с Байкала уже в альбоме")
LINKS = ("https://example.ru/science/1", "https://example.ru/recipes/pie",
         "https://example.ru/c/tutorial")
POLLS = (("Куда поедем летом?", ("На море", "В горы", "Останусь дома")),
         ("Какой язык учить?", ("C", "Python", "Оба")))
ALBUM_TITLES = ("Личные фото", "Отпуск", "Дача", "Друзья", "Город", "Праздники", "Разное")


def stamp(seconds):
    """The "YYYY-MM-DD hh:mm:ss" form OK uses for dates."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds))


def parse_scope(text):
    """';'-separated permission names (',' and spaces work too); VALUABLE_ACCESS always."""
    names = [name for name in re.split(r"[;,\s]+", text) if name]
    unknown = [name for name in names if name not in PERMISSIONS]
    if unknown:
        raise ValueError(f"unknown permission {unknown[0]!r}")
    return frozenset(names) | {VALUABLE_ACCESS}


def scope_text(scope):
    return ";".join(name for name in PERMISSIONS if name in scope)


# --------------------------------------------------------------------------
# 2. World
# --------------------------------------------------------------------------

@dataclass
class PendingUpload:
    """What photosV2.getUploadUrl reserved: where the photos go and their ids."""

    owner: str  # a uid, or the gid when group is set
    album: str  # aid, or None for the owner's album-less photos
    photo_ids: list
    group: bool = False


@dataclass
class UploadedPhoto:
    """An uploaded file waiting for photosV2.commit or mediatopic.post."""

    pending: PendingUpload
    photo_id: str  # the reserved id it was uploaded under
    number: int  # 1-based index into World.uploads


class World(SeededWorld):
    """The seeded social graph (34 people, 4 groups) plus everything clients post.

    Built only from random.Random(seed), so the same seed gives the same world;
    things posted later get times from a logical clock after EPOCH. Lists that
    are answered in order are stored in that order.
    """

    def __init__(self, seed, base_url):
        super().__init__(seed, base_url)
        self.taken = {IVAN, MARIA}  # every id handed out, so none repeats
        self.users = {}  # uid -> profile: every static User field
        self.emails = {}  # uid -> e-mail (shown only to its owner with GET_EMAIL)
        self.shortnames = {}  # custom profile URL name -> uid
        self.no_photo = set()  # users whose pictures are OK's stubs
        self.accounts = {}  # lower-case login -> Account (only these can log in)
        self.friends = {}  # uid -> [uid], ascending
        self.grants = {}  # uid -> permissions the user granted this app (app users)
        self.groups = {}  # gid -> group fields
        self.members = {}  # gid -> {uid: status}, ascending uid
        self.albums = {}  # aid -> album fields
        self.photos = {}  # photo id -> photo fields, in creation order
        self.topics = {}  # topic id -> topic, in creation order
        self.feed_items = []  # non-topic stream items (JOIN), dicts
        self.commented = {}  # uid -> [topic id]: discussions the user takes part in
        self.counters = {}  # uid -> {event type: number} for events.get
        self.uploads = []  # Upload objects served at /ok/uploads/<n>
        self.pending_uploads = {}  # upload URL id -> PendingUpload
        self.upload_tokens = {}  # upload token -> UploadedPhoto
        self._add_people()
        self._add_friends()
        self._add_groups()
        self._add_photos()
        self._add_topics()

    # --- helpers ---------------------------------------------------------

    def static(self, path):
        return f"{self.base}/ok/static/{path}"

    def new_id(self, digits):
        """A fresh decimal id of `digits` digits (OK ids are strings on the wire)."""
        while True:
            number = str(self.rng.randint(5 * 10 ** (digits - 1), 6 * 10 ** (digits - 1) - 1))
            if number not in self.taken:
                self.taken.add(number)
                return number

    def people(self):
        return list(self.users)

    def account(self, login, password):
        """The Account for a correct login and password, else None."""
        return find_account(self.accounts, login, password)

    # --- people ----------------------------------------------------------

    def _add_people(self):
        rng = self.rng
        self.blocked = self.new_id(12)  # can't log in; has no friends
        fixed = (  # uid, first, last, gender, login, password, blocked, shortname
            (IVAN, "Иван", "Петров", "male", "ivan.petrov@ok.ru", "secret", False, "ivan.petrov"),
            (MARIA, "Мария", "Сидорова", "female", "maria@ok.ru", "secret2", False,
             "maria.sidorova"),
            (self.blocked, "Борис", "Блинов", "male", "blocked@ok.ru", "secret", True, None),
        )
        for uid, first, last, gender, login, password, blocked, shortname in fixed:
            self._add_person(uid, first, last, gender, login)
            self.accounts[login] = Account(uid, password, blocked)
            if shortname:
                self.shortnames[shortname] = uid
        for uid in (IVAN, MARIA):
            self.no_photo.discard(uid)
            self.users[uid].update(self._pictures(uid), photo_id=self.new_id(12))
        for _ in range(31):
            female = rng.random() < 0.5
            first, first_latin = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
            male_last, female_last, last_latin = rng.choice(SURNAMES)
            self._add_person(self.new_id(12), first, female_last if female else male_last,
                             "female" if female else "male",
                             f"{first_latin}.{last_latin}{'a' if female else ''}@ok.ru")
        self.loner = self.people()[-1]  # no friends, groups or topics: empty answers

    def _add_person(self, uid, first, last, gender, email):
        """A profile with every static User field; the per-caller ones are computed."""
        rng = self.rng
        born = EPOCH - rng.randint(18 * 365, 60 * 365) * DAY
        birthday = time.strftime("%Y-%m-%d", time.gmtime(born))
        city, country, code, country_name = rng.choice(PLACES)
        status_time = EPOCH - rng.randint(HOUR, 90 * DAY)
        last_online = EPOCH - rng.randint(0, 20 * DAY)
        online = rng.choice(("web", "mobile")) if rng.random() < 0.4 else None
        profile = {
            "uid": uid, "locale": "ru", "first_name": first, "last_name": last,
            "name": f"{first} {last}", "gender": gender, "age": self.age(birthday),
            "birthday": birthday, "has_email": True,
            "location": {"city": city, "country": country, "countryCode": code,
                         "countryName": country_name},
            "current_status": rng.choice(STATUSES), "current_status_id": self.new_id(13),
            "current_status_date": stamp(status_time), "current_status_date_ms": status_time * 1000,
            "last_online": stamp(last_online), "last_online_ms": last_online * 1000,
            "url_profile": f"https://ok.ru/profile/{uid}",
            "url_profile_mobile": f"https://m.ok.ru/profile/{uid}",
            "url_chat": f"https://ok.ru/messages/{uid}",
            "url_chat_mobile": f"https://m.ok.ru/messages/{uid}",
            "can_vcall": rng.random() < 0.5, "can_vmail": rng.random() < 0.5,
            "allows_anonym_access": rng.random() < 0.8,
            "allows_messaging_only_for_friends": rng.random() < 0.2,
            "registered_date": stamp(EPOCH - rng.randint(400, 4000) * DAY),
            "has_service_invisible": rng.random() < 0.1, "private": rng.random() < 0.15,
            "capabilities": rng.choice(("cnv", "cnv,vcall", "")), "is_activated": True,
            "city_of_birth": rng.choice(PLACES)[0],
        }
        if online:
            profile["online"] = online
            profile["current_location"] = {"city": city, "country": country_name,
                                           "latitude": round(rng.uniform(43, 60), 4),
                                           "longitude": round(rng.uniform(27, 83), 4)}
        if rng.random() < 0.85:
            profile.update(self._pictures(uid), photo_id=self.new_id(12))
        else:  # no own photo: OK's stub pictures (emptyPictures=true leaves them out)
            self.no_photo.add(uid)
            profile.update({size: self.static(f"stub/{size}.gif") for size in AVATAR_SIZES})
        self.users[uid] = profile
        self.emails[uid] = email

    def _pictures(self, uid):
        return {size: self.static(f"avatar/{uid}/{size}.gif") for size in AVATAR_SIZES}

    @staticmethod
    def age(birthday):
        year, month, day = map(int, birthday.split("-"))
        now = time.gmtime(EPOCH)
        return now.tm_year - year - ((now.tm_mon, now.tm_mday) < (month, day))

    def user(self, uid, fields, viewer=None, scope=frozenset(), empty_pictures=False):
        """User: uid plus the requested fields this user has. Per-caller fields
        (friend, common_friends_count, ...) need a caller; email needs GET_EMAIL and
        is shown to its owner only."""
        profile = self.users[uid]
        rendered = {"uid": uid}
        for name in fields:
            if name in PICTURES:
                if not (empty_pictures and uid in self.no_photo):
                    rendered[name] = profile[PICTURES[name]]
            elif name == "email":
                if uid == viewer and "GET_EMAIL" in scope:
                    rendered["email"] = self.emails[uid]
            elif name == "accessible":
                rendered[name] = (not profile["private"] or uid == viewer
                                  or uid in self.friends.get(viewer, ()))
            elif name in ("friend", "feed_subscription"):
                if viewer:
                    rendered[name] = uid in self.friends[viewer]
            elif name == "common_friends_count":
                if viewer:
                    rendered[name] = len(set(self.friends[viewer]) & set(self.friends[uid]))
            elif name in ("friend_invitation", "blocked", "blocks"):
                if viewer:
                    rendered[name] = False  # nobody invites or blocks anybody here
            elif name in profile:
                rendered[name] = profile[name]
        return rendered

    # --- friends and app users -------------------------------------------

    def _add_friends(self):
        rng = self.rng
        people = self.people()
        others = [uid for uid in people if uid not in (IVAN, MARIA, self.blocked, self.loner)]
        self.friends = {uid: set() for uid in people}

        def befriend(a, b):
            self.friends[a].add(b)
            self.friends[b].add(a)

        for uid in [MARIA] + rng.sample(others, 25):  # Иван: 26 friends
            befriend(IVAN, uid)
        for index, a in enumerate(others + [MARIA]):
            for b in (others + [MARIA])[index + 1:]:
                if rng.random() < 0.15:
                    befriend(a, b)
        self.friends = {uid: sorted(friends, key=int) for uid, friends in self.friends.items()}
        ivan_friends = [uid for uid in self.friends[IVAN] if uid != MARIA]
        for uid, days in zip(rng.sample(ivan_friends, 5), (1, 2, 9, 16, 27)):
            self.set_birthday(uid, EPOCH + days * DAY)  # friends.getBirthdays has answers
        self.grants = {IVAN: frozenset(PERMISSIONS),
                       MARIA: frozenset({VALUABLE_ACCESS, "PHOTO_CONTENT"})}
        for uid in rng.sample(ivan_friends, 8):
            self.grants[uid] = frozenset({VALUABLE_ACCESS})
        self.counters = {uid: {kind: rng.randint(0, 12) for kind in EVENT_TYPES} for uid in people}

    def set_birthday(self, uid, when):
        profile = self.users[uid]
        year = int(profile["birthday"][:4])
        profile["birthday"] = f"{year}-" + time.strftime("%m-%d", time.gmtime(when))
        profile["age"] = self.age(profile["birthday"])

    def upcoming_birthdays(self, uid, days):
        """Friends of uid whose birthday falls in the `days` days from EPOCH on."""
        soon = {time.strftime("%m-%d", time.gmtime(EPOCH + n * DAY)) for n in range(days)}
        return [{"uid": friend, "birthday": self.users[friend]["birthday"]}
                for friend in self.friends[uid] if self.users[friend]["birthday"][5:] in soon]

    def grant(self, uid, scope):
        self.grants[uid] = self.grants.get(uid, frozenset()) | scope

    # --- groups ----------------------------------------------------------

    def _add_groups(self):
        rng = self.rng
        people = [uid for uid in self.people() if uid not in (IVAN, self.blocked, self.loner)]
        for name, shortname, description, access, category, count, ivan in GROUPS:
            gid = self.new_id(14)
            created = EPOCH - rng.randint(300, 3000) * DAY
            city, country, _, _ = rng.choice(PLACES)
            members = {uid: "ACTIVE" for uid in rng.sample(people, count)}
            if ivan:
                members[IVAN] = ivan
            others = sorted((uid for uid in members if uid != IVAN), key=int)
            admin = IVAN if ivan == "ADMIN" else others[0]
            members[admin] = "ADMIN"
            members[others[1]] = "MODERATOR"
            self.members[gid] = dict(sorted(members.items(), key=lambda item: int(item[0])))
            self.groups[gid] = {
                "uid": gid, "name": name, "description": description, "shortname": shortname,
                "abbreviation": "".join(word[0] for word in name.split()[:3]).upper(),
                "pic_avatar": self.static(f"group/{gid}/avatar.gif"), "photo_id": self.new_id(12),
                "shop_visible_admin": False, "shop_visible_public": False, "premium": False,
                "private": access == "CLOSED", "access_type": access, "admin_id": admin,
                "attrs": {"flags": "p,ms" if access == "OPEN" else "p"}, "business": False,
                "category": category, "city": city, "country": country, "community": False,
                "created_ms": created * 1000, "ref": f"https://ok.ru/group/{gid}",
                "homepage_url": f"https://example.ru/{shortname}", "homepage_name": name,
            }
            self.shortnames[shortname] = gid
        for gid, members in self.members.items():  # some "joined the group" stream items
            for uid in rng.sample(sorted(members), 3):
                self.feed_items.append({"pattern": "JOIN", "actor": uid, "target": f"group:{gid}",
                                        "time": EPOCH - rng.randint(HOUR, 30 * DAY),
                                        "id": self.new_id(15)})

    def group(self, gid, fields, viewer=None):
        """Group: uid plus the requested fields. pic_avatar comes back under the
        camelCase key picAvatar, as the real server answers
        (ramusus/django-odnoklassniki-groups odnoklassniki_groups/tests.py)."""
        stored = self.groups[gid]
        status = self.members[gid].get(viewer)
        rendered = {"uid": gid}
        for name in fields:
            if name == "pic_avatar":
                rendered["picAvatar"] = stored["pic_avatar"]
            elif name == "members_count":
                rendered[name] = len(self.members[gid])
            elif name == "feed_subscription":
                rendered[name] = status is not None
            elif name in ("add_photoalbum_allowed", "change_avatar_allowed"):
                rendered[name] = status in ("ADMIN", "MODERATOR")
            elif name in stored:
                rendered[name] = stored[name]
        return rendered

    def groups_of(self, uid):
        return [gid for gid, members in self.members.items() if uid in members]

    # --- photos ----------------------------------------------------------

    def _add_photos(self):
        rng = self.rng
        for uid in self.people():
            counts = (5, 3, 0, 2, 4, 1, 6) if uid == IVAN else [
                rng.randint(0, 4) for _ in range(rng.randint(0, 3))]
            for index, count in enumerate(counts):
                created = EPOCH - rng.randint(100, 400) * DAY
                album = self.add_album(uid, False, ALBUM_TITLES[index],
                                       rng.choice(("PUBLIC", "FRIENDS")), created)
                for number in range(count):
                    self.add_photo(uid, False, album["aid"], f"Фото {number + 1}",
                                   created + number * DAY,
                                   rng.choice(((1024, 768), (800, 600), (640, 480))))
        for gid in self.groups:
            for title in ("Фото участников", "Встречи")[:rng.randint(1, 2)]:
                created = EPOCH - rng.randint(30, 300) * DAY
                album = self.add_album(gid, True, title, "PUBLIC", created)
                for number in range(rng.randint(1, 4)):
                    self.add_photo(gid, True, album["aid"], f"Снимок {number + 1}",
                                   created + number * HOUR, (1024, 768))

    def add_album(self, owner, group, title, kind, created):
        aid = self.new_id(12)
        self.albums[aid] = {"aid": aid, "title": title, "description": "",
                            "created": stamp(created), "type": kind,
                            "like_count": self.rng.randint(0, 20),
                            "group_id" if group else "user_id": owner}
        return self.albums[aid]

    def album_owner(self, aid):
        album = self.albums[aid]
        return album.get("user_id") or album["group_id"]

    def add_photo(self, owner, group, aid, text, created, size, src=None):
        """A photo; `src` (an upload's URL) stands for every size, else placeholders."""
        photo_id = self.new_id(13)
        width, height = size
        photo = {"id": photo_id}
        if aid:
            photo["album_id"] = aid
        photo["group_id" if group else "user_id"] = owner
        photo.update({name: src or self.static(f"photo/{photo_id}/{name}.gif")
                      for name in PHOTO_SIZES})
        photo.update(text=text, standard_width=width, standard_height=height,
                     created_ms=created * 1000, like_count=self.rng.randint(0, 30),
                     liked_it=False, comments_count=self.rng.randint(0, 8))
        self.photos[photo_id] = photo
        return photo

    def photos_in(self, aid):
        return [photo for photo in self.photos.values() if photo.get("album_id") == aid]

    def photos_of(self, owner):
        return [photo for photo in self.photos.values()
                if owner in (photo.get("user_id"), photo.get("group_id"))]

    def albums_of(self, owner):
        return [aid for aid, album in self.albums.items()
                if owner in (album.get("user_id"), album.get("group_id"))]

    def album(self, aid):
        """An album with its computed counters: photos_count and the first photo as main_photo."""
        rendered = {**self.albums[aid], "liked_it": False}
        photos = self.photos_in(aid)
        rendered["photos_count"] = len(photos)
        if photos:
            rendered["main_photo"] = photos[0]
        return rendered

    def store_upload(self, upload):
        self.uploads.append(upload)
        return len(self.uploads)

    def commit_upload(self, token, comment):
        """Turn an uploaded file into a photo (photosV2.commit, mediatopic.post)."""
        uploaded = self.upload_tokens.pop(token)
        pending = uploaded.pending
        return self.add_photo(pending.owner, pending.group, pending.album, comment, self.tick(),
                              (640, 480), f"{self.base}/ok/uploads/{uploaded.number}")

    # --- media topics, the stream and discussions -------------------------

    def _add_topics(self):
        rng = self.rng
        for uid in self.people():
            if uid == self.loner:
                continue
            for _ in range(4 if uid == IVAN else rng.randint(0, 3)):
                self.add_topic(uid, f"user:{uid}", self._seeded_media(),
                               EPOCH - rng.randint(HOUR, 30 * DAY))
        for gid, members in self.members.items():
            for _ in range(3):
                self.add_topic(rng.choice(sorted(members)), f"group:{gid}", self._seeded_media(),
                               EPOCH - rng.randint(HOUR, 30 * DAY))
        for uid in self.people():
            own = [topic["id"] for topic in self.topics.values() if topic["author"] == uid]
            others = [item["id"] for item in self.feed(uid)
                      if "media" in item and item["id"] not in own]
            self.commented[uid] = own + rng.sample(others, min(8, len(others)))
        for topic in self.topics.values():  # what happened to the seeded topics since
            topic.update(likes=rng.randint(0, 40), comments=rng.randint(0, 12),
                         reshares=rng.randint(0, 5))
            if topic["comments"]:
                topic["active"] = rng.randint(topic["time"], EPOCH)
                topic["unread"] = rng.randint(0, min(3, topic["comments"]))

    def _seeded_media(self):
        rng = self.rng
        media = [{"type": "text", "text": rng.choice(TOPIC_TEXTS)}]
        extra = rng.random()
        if extra < 0.3:
            media.append({"type": "link", "url": rng.choice(LINKS)})
        elif extra < 0.45:
            question, answers = rng.choice(POLLS)
            media.append(self.poll(question, [{"text": text} for text in answers],
                                   "SingleChoice"))
        return media

    def poll(self, question, answers, options):
        return {"type": "poll", "question": question, "options": options,
                "answers": [{"id": self.new_id(10), "text": answer["text"], "votes_count": 0}
                            for answer in answers]}

    def add_topic(self, author, owner_ref, media, when):
        """A topic as posted: no likes, comments or reshares yet."""
        topic = {"id": self.new_id(16), "author": author, "owner": owner_ref, "time": when,
                 "active": when, "media": media, "likes": 0, "comments": 0, "reshares": 0,
                 "unread": 0}  # active: the time of the last comment
        self.topics[topic["id"]] = topic
        return topic

    def topic(self, topic_id, media_limit=None):
        """media_topic (base/objects.json): counters as summaries, refs as "kind:id"."""
        topic = self.topics[topic_id]
        return {"id": topic_id, "media": topic["media"][:media_limit],
                "discussion_summary": {"comments_count": topic["comments"]},
                "like_summary": {"count": topic["likes"], "self": False},
                "reshare_summary": {"count": topic["reshares"], "self": False},
                "created_ms": topic["time"] * 1000, "author_ref": f"user:{topic['author']}",
                "owner_ref": topic["owner"]}

    def feed(self, viewer, gid=None):
        """The stream, newest first: topics of the viewer, their friends and groups
        (or of one group), and friends joining groups."""
        if gid:
            owners = {f"group:{gid}"}
            actors = set(self.members[gid])
        else:
            owners = {f"user:{uid}" for uid in [viewer, *self.friends[viewer]]}
            owners |= {f"group:{gid}" for gid in self.groups_of(viewer)}
            actors = set(self.friends[viewer])
        items = [topic for topic in self.topics.values() if topic["owner"] in owners]
        items += [item for item in self.feed_items
                  if item["actor"] in actors and (not gid or item["target"] == f"group:{gid}")]
        return sorted(items, key=lambda item: (item["time"], item["id"]), reverse=True)

    def feed_entry(self, item):
        """A stream item (stream/objects.json `feed`)."""
        if "media" in item:
            pattern, actor, target = "POST", item["author"], f"media_topic:{item['id']}"
            message = f"{self.users[actor]['name']}: {item['media'][0].get('text', '')}"
        else:
            pattern, actor, target = item["pattern"], item["actor"], item["target"]
            message = (f"{self.users[actor]['name']} вступает в группу "
                       f"«{self.groups[target.split(':')[1]]['name']}»")
        return {"pattern": pattern, "date": stamp(item["time"]), "message": message,
                "delete_id": f"{pattern.lower()}:{item['id']}",
                "mark_as_spam_id": f"spam:{item['id']}",
                "actor_refs": [f"user:{actor}"], "target_refs": [target]}

    def entities(self, refs, viewer):
        """The users, groups and topics that "kind:id" refs name (base/objects.json)."""
        found = {"users": [], "groups": [], "media_topics": []}
        for ref in dict.fromkeys(refs):
            kind, _, ident = ref.partition(":")
            if kind == "user":
                found["users"].append(self.user(ident, ENTITY_USER_FIELDS, viewer))
            elif kind == "group":
                found["groups"].append(self.group(ident, ENTITY_GROUP_FIELDS, viewer))
            elif kind == "media_topic":
                found["media_topics"].append(self.topic(ident))
        return {kind: items for kind, items in found.items() if items}

    def discussions(self, uid):
        """uid's discussions (base/objects.json), the most recently active first."""
        rendered = []
        for topic_id in self.commented[uid]:
            topic = self.topics[topic_id]
            text = next((block["text"] for block in topic["media"] if block["type"] == "text"), "")
            kind, _, owner = topic["owner"].partition(":")
            rendered.append({
                "object_type": "GROUP_TOPIC" if kind == "group" else "USER_TOPIC",
                "object_id": topic_id, "title": text[:50], "message": text,
                "owner_uid": topic["author"] if kind == "user" else owner,
                "creation_date": stamp(topic["time"]),
                "last_activity_date": stamp(topic["active"]),
                "total_comments_count": topic["comments"], "new_comments_count": topic["unread"],
                "like_count": topic["likes"], "liked_it": False})
        return sorted(rendered, key=lambda d: (d["last_activity_date"], d["object_id"]),
                      reverse=True)


# --------------------------------------------------------------------------
# 3. REST API
# --------------------------------------------------------------------------

def error_body(code, text=None):
    """A top-level object (https://apiok.ru/en/dev/errors); unknown codes get the name UNKNOWN."""
    name, usual = ERRORS.get(code, ("UNKNOWN", ERRORS[1][1]))
    return {"error_code": code, "error_msg": f"{name} : {text or usual}", "error_data": None}


def sign(params, secret):
    """md5("k1=v1k2=v2..." + secret) over every parameter but sig and the token, as the
    signature footer of every https://apiok.ru/dev/methods/rest/ page says."""
    return md5_hex(sorted_pairs(params, UNSIGNED) + secret)


@dataclass(frozen=True)
class Method:
    handler: object
    session: str  # "none", "optional" or "required", as schema/ok/socapi.json says
    permissions: tuple  # every one must be in the token's scope (error 10)
    signed: bool = True  # auth.login is the one unsigned method


METHODS = {}  # method name -> Method


def api(name, session="optional", permissions=(), signed=True):
    """Register the decorated function as the handler of method `name`."""
    def register(handler):
        METHODS[name] = Method(handler, session, tuple(permissions), signed)
        return handler
    return register


def anchor_text(position):
    return base64.b64encode(f"pos:{position}".encode()).decode()


class Call(ApiCall):
    """One authenticated REST call: the caller, its parameters and the world.
    Accessors raise ApiError(100) on a missing or malformed value, 110 for an
    unknown user and 160 for an unknown group."""

    def __init__(self, platform, session, params, files):
        super().__init__(platform.world, session, params, files)
        self.platform = platform
        self.session = session

    def missing(self, name):
        return ApiError(100, f"{name} is required")

    def boolean(self, name):
        """Booleans are the strings true and false; absent means false."""
        value = self.params.get(name, "false")
        if value not in ("true", "false"):
            raise ApiError(100, f"{name} must be true or false")
        return value == "true"

    def integer(self, name, default, lowest=0, highest=None):
        value = self.params.get(name, "")
        if value == "":
            return default
        if not is_uint(value) or int(value) < lowest:
            raise ApiError(100, f"{name} must be an integer of at least {lowest}")
        return min(int(value), highest) if highest else int(value)

    def listing(self, name, required=False, limit=None):
        """A comma-separated list; empty items are dropped."""
        items = [item.strip() for item in self.params.get(name, "").split(",") if item.strip()]
        if required and not items:
            raise self.missing(name)
        if limit and len(items) > limit:
            raise ApiError(100, f"{name} takes at most {limit} items")
        return items

    def ids(self, name, required=False, limit=100):
        items = self.listing(name, required, limit)
        if not all(is_uint(item) for item in items):
            raise ApiError(100, f"{name} must be a list of ids")
        return items

    def fields(self, name="fields", required=False):
        """Field names are case-insensitive; unknown ones are ignored, as OK does."""
        return list(dict.fromkeys(item.lower() for item in self.listing(name, required)))

    def known_id(self, name, required, known, kind, unknown_code):
        """The id in parameter `name` if `known` holds it (None if absent and not
        required): 100 for what is not an id, `unknown_code` for an unknown one."""
        value = self.params.get(name, "")
        if value == "" and not required:
            return None
        if not is_uint(value):
            raise ApiError(100, f"{name} must be a {kind} id")
        if value not in known:
            raise ApiError(unknown_code)
        return value

    def person(self, name, required=False):
        """The existing uid in parameter `name` (None if absent and not required)."""
        return self.known_id(name, required, self.world.users, "user", 110)

    def subject(self, name="uid"):
        """Whom the call is about: parameter `name`, or the caller. A session-less
        call must name somebody (SESSION_LESS)."""
        uid = self.person(name) or self.viewer
        if uid is None:
            raise ApiError(100, SESSION_LESS)
        return uid

    def group(self, name, required=False):
        return self.known_id(name, required, self.world.groups, "group", 160)

    def album(self, name, required=False):
        aid = self.required(name) if required else self.text(name)
        if aid and aid not in self.world.albums:
            raise ApiError(120)
        return aid or None

    def json(self, name, required=False):
        """A JSON-typed parameter: JSON text in a string."""
        text = self.required(name) if required else self.text(name)
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError:
            raise ApiError(100, f"{name} is not valid JSON") from None

    def need(self, permission):
        """A permission only some uses of a method need (mediatopic.post types)."""
        if self.session and permission not in self.scope:
            raise ApiError(10, f"Permission {permission} is not granted")

    def page(self, items, default, highest, anchor="anchor", direction="direction"):
        """Anchor paging over `items`: (page, next anchor, has_more).
        Anchors are opaque base64 positions. FORWARD (default) reads on from the
        anchor; BACKWARD reads the items before it and answers the anchor of the
        page's start; AROUND centres the page on it."""
        count = self.integer("count", default, 1, highest)
        way = self.params.get(direction, "FORWARD") or "FORWARD"
        if way not in DIRECTIONS:
            raise ApiError(100, f"{direction} must be one of {', '.join(DIRECTIONS)}")
        position = self.position(anchor, len(items) if way == "BACKWARD" else 0)
        if way == "BACKWARD":
            end = min(position, len(items))
            start = max(0, end - count)
            return items[start:end], anchor_text(start), start > 0
        start = max(0, position - count // 2) if way == "AROUND" else position
        end = min(start + count, len(items))
        return items[start:end], anchor_text(end), end < len(items)

    def position(self, name, default):
        text = self.params.get(name, "")
        if not text:
            return default
        try:
            match = re.fullmatch(r"pos:(\d+)", base64.b64decode(text, validate=True).decode())
        except (binascii.Error, UnicodeDecodeError):
            match = None
        if match is None:
            raise ApiError(100, f"{name} is not an anchor this method answered")
        return int(match.group(1))


def paged(call, items, key, total=None, camel=False, default=10, highest=100, more=None):
    """The reply of an anchor-paged method: {key: page, anchor, has_more}, or with
    camel the pagingAnchor/pagingDirection/hasMore spelling some methods use.
    `total` names the count detectTotalCount=true adds; `more` another spelling of
    has_more (photos.getPhotos answers hasMore beside anchor)."""
    anchor, direction, more_name = (("pagingAnchor", "pagingDirection", "hasMore") if camel
                                    else ("anchor", "direction", "has_more"))
    more = more or more_name
    page, next_anchor, has_more = call.page(items, default, highest, anchor, direction)
    reply = {key: page, anchor: next_anchor, more: has_more}
    if total and call.boolean("detectTotalCount"):
        reply[total] = len(items)
    return reply


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


# --------------------------------------------------------------------------
# 4. OK: the platform object
# --------------------------------------------------------------------------

@dataclass
class Session:
    access_token: str  # also accepted as session_key
    uid: str
    scope: frozenset
    secret_key: str = None  # session_secret_key: implicit grant, auth.login and the fixed token
    expires_at: float = None  # None: never

    def expired(self):
        return self.expires_at is not None and time.time() >= self.expires_at


@dataclass(frozen=True)
class Grant:
    """What an authorization code or a refresh token stands for."""

    uid: str
    scope: frozenset
    redirect_uri: str = None  # codes only: the token request must repeat it


@dataclass(frozen=True)
class Dialog:
    """The authorize request the login and permission pages work for."""

    redirect_uri: str
    response_type: str
    scope: frozenset
    state: str = None  # None: the request had none
    layout: str = "w"


@dataclass(frozen=True)
class Consent:
    """A shown permissions form, found again by its fr.token."""

    uid: str
    dialog: Dialog


class OK:
    prefix = "/ok"
    content_type = JSON_TYPE
    cli_accounts = "ivan.petrov@ok.ru / secret, maria@ok.ru / secret2"

    def cli_settings(self):
        """What points the socapi CLI here: URLs, the app and Иван's fixed token."""
        return {"SOCAPI_OK_API_URL": f"{self.base}/ok/fb.do",
                "SOCAPI_OK_OAUTH_URL": f"{self.base}/ok/oauth",
                "SOCAPI_OK_APPLICATION_ID": APP.app_id,
                "SOCAPI_OK_APPLICATION_KEY": APP.key,
                "SOCAPI_OK_APPLICATION_SECRET_KEY": APP.secret,
                "SOCAPI_OK_ACCESS_TOKEN": FIXED_TOKEN}

    def __init__(self, seed, base_url):
        self.base = base_url
        self.world = World(seed, base_url)
        self.new_token = TokenMint(seed)  # new_token(kind): tokens, codes, cookies, form tokens
        everything = frozenset(PERMISSIONS)
        fixed = Session(FIXED_TOKEN, IVAN, everything, FIXED_SECRET)
        expired = Session(EXPIRED_TOKEN, IVAN, everything, EXPIRED_SECRET, expires_at=0)
        self.sessions = {session.access_token: session for session in (fixed, expired)}
        self.refresh_tokens = {FIXED_REFRESH_TOKEN: Grant(IVAN, everything)}
        self.codes = {}  # code -> Grant
        self.logins = {}  # login cookie -> uid
        self.dialogs = {}  # dialog cookie -> Dialog (the login form carries no parameters)
        self.consents = {}  # fr.token -> Consent
        self.redirect_uris = APP.redirect_uris + (f"{base_url}/ok/blank.html",)
        self.pages = {
            ("POST", "/ok/oauth/token.do"): self.token,
            ("GET", "/ok/oauth/authorize"): self.authorize,
            ("GET", "/ok/dk"): self.dialog_page,
            ("POST", "/ok/dk"): self.dialog_form,
            ("GET", "/ok/blocked"): lambda request: html_page(
                "Профиль заблокирован", "<h1>Профиль заблокирован</h1>\n"
                "<p>Ваш профиль заблокирован за нарушение правил сайта.</p>"),
            ("GET", "/ok/blank.html"): lambda request: html_page(
                "OK", "<p>Авторизация завершена. Это окно можно закрыть.</p>"),
        }

    # --- the interface server.py uses ------------------------------------

    def method_of(self, request):
        return request.params.get("method") if request.path == "/ok/fb.do" else None

    def api_error(self, code, text=None):
        """The error object with HTTP 200 and the invocation-error header
        (https://apiok.ru/en/dev/errors)."""
        response = json_response(error_body(code, text), content_type=JSON_TYPE)
        response.headers.append(("invocation-error", str(code)))
        return response

    def control(self, request, action):
        """GET /_emulator/ok/code?client_id=&redirect_uri=&uid=[&scope=] -> {"code"};
        POST /_emulator/ok/expire {"token"}: that token answers 102 from now on."""
        if (request.verb, action) == ("POST", "expire"):
            return expire_session(self.sessions, request)
        if (request.verb, action) != ("GET", "code"):
            return text_response("not found\n", 404)
        params = request.query
        uid = params.get("uid", "")
        if (params.get("client_id") != APP.app_id or not params.get("redirect_uri")
                or uid not in self.world.users):
            return json_response({"error": "need client_id, redirect_uri and the uid of a user"},
                                 400)
        try:
            scope = parse_scope(params.get("scope", ""))
        except ValueError as error:
            return json_response({"error": str(error)}, 400)
        return json_response({"code": self.new_code(uid, params["redirect_uri"], scope)})

    def handle(self, request):
        path, verb = request.path, request.verb
        if path == "/ok/fb.do":
            if verb not in ("GET", "POST"):
                return text_response("method not allowed\n", 405)
            return self.rest(request)
        if verb == "POST" and path.startswith("/ok/upload/"):
            return self.upload(request, path.rsplit("/", 1)[1])
        served = served_file(request, self.prefix, self.world.uploads)
        if served:
            return served
        page = self.pages.get((verb, path))
        return page(request) if page else text_response("not found\n", 404)

    # --- REST ------------------------------------------------------------

    def rest(self, request):
        params = request.params
        try:
            method, session = self.authenticate(params)
            result = method.handler(Call(self, session, params, request.files))
        except ApiError as error:
            return self.api_error(error.code, error.text)
        return json_response(result, content_type=JSON_TYPE)

    def authenticate(self, params):
        """The checks every call passes, in this order: application_key (101),
        method (100 missing, 3 unknown), format (100), token (103 unknown, 102
        expired), signature (104), session rule (451, 453), permissions (10)."""
        if not params.get("application_key"):
            raise ApiError(101, "application_key is missing")
        if params["application_key"] != APP.key:
            raise ApiError(101, "application_key is not known")
        name = params.get("method", "")
        if not name:
            raise ApiError(100, "method is missing")
        method = METHODS.get(name)
        if method is None:
            raise ApiError(3, f"Method {name} does not exist")
        if params.get("format", "json").lower() != "json":  # XML is not emulated
            raise ApiError(100, "format must be json")
        token = params.get("access_token") or params.get("session_key")
        session = None
        if token:
            session = self.sessions.get(token)
            if session is None:
                raise ApiError(103)
            if session.expired():
                raise ApiError(102)
        if method.signed:
            self.check_signature(params, token, session)
        if method.session == "none" and session:
            raise ApiError(451)
        if method.session == "required" and not session:
            raise ApiError(453)
        for permission in method.permissions:
            if session and permission not in session.scope:
                raise ApiError(10, f"Permission {permission} is not granted")
        return method, session

    @staticmethod
    def check_signature(params, token, session):
        """The three circuits of the apiok.ru signature footer. With a token:
        md5(token + application_secret_key) always, and the session_secret_key for
        sessions that have one. Without: the application_secret_key. Upper-case hex
        is accepted."""
        sig = params.get("sig", "").lower()
        if not sig:
            raise ApiError(104, "No signature specified")
        if token:
            secrets = [md5_hex(token + APP.secret)]
            if session.secret_key:
                secrets.append(session.secret_key)
        else:
            secrets = [APP.secret]
        if sig not in (sign(params, secret) for secret in secrets):
            raise ApiError(104)

    # --- the upload host (https://apiok.ru/dev/examples/moment_upload) ------

    def upload(self, request, upload_id):
        """POST <upload_url>: multipart, one file per reserved photo id, in order
        of appearance (use distinct field names: pic1, pic2, ...). Answers
        {"photos": {"<photo_id>": {"token": "..."}}}; errors use the API envelope."""
        pending = self.world.pending_uploads.get(upload_id)
        if pending is None:
            return self.api_error(100, "unknown upload URL")
        files = list(request.files.values())
        if not files:
            return self.api_error(21)
        if len(files) > len(pending.photo_ids):
            return self.api_error(100, "more files than reserved photo ids")
        if not all(upload.data for upload in files):
            return self.api_error(505)
        tokens = {}
        for photo_id, upload in zip(pending.photo_ids, files):
            token = self.new_token("upload")
            self.world.upload_tokens[token] = UploadedPhoto(pending, photo_id,
                                                            self.world.store_upload(upload))
            tokens[photo_id] = {"token": token}
        return json_response({"photos": tokens}, content_type=JSON_TYPE)

    # --- tokens ----------------------------------------------------------

    def issue(self, uid, scope, with_secret):
        """A new access token. Only the implicit grant and auth.login give a
        session_secret_key; code and refresh tokens sign server-server only."""
        session = Session(self.new_token("access"), uid, scope,
                          self.new_token("secret") if with_secret else None,
                          time.time() + self.lifetime(scope))
        self.sessions[session.access_token] = session
        return session

    @staticmethod
    def lifetime(scope):
        return LONG_TOKEN_LIFETIME if "LONG_ACCESS_TOKEN" in scope else TOKEN_LIFETIME

    def touch(self, session):
        """auth.touchSession: a token that expires lives its full lifetime again."""
        if session.expires_at is not None:
            session.expires_at = time.time() + self.lifetime(session.scope)

    def new_code(self, uid, redirect_uri, scope):
        code = self.new_token("code")
        self.codes[code] = Grant(uid, scope, redirect_uri)
        return code

    # --- POST /ok/oauth/token.do (https://apiok.ru/en/ext/oauth/server) ---

    def token(self, request):
        try:
            reply = self.grant(request.params)
        except OAuthError as error:
            return json_response(error.body(), 400, JSON_TYPE)
        return json_response(reply, content_type=JSON_TYPE)

    def grant(self, form):
        handler = grant_handler(form, {"authorization_code": self.code_grant,
                                       "refresh_token": self.refresh_grant})
        if form.get("client_id") != APP.app_id or form.get("client_secret") != APP.secret:
            raise OAuthError("invalid_client", "invalid client id or secret")
        return handler(form)

    def code_grant(self, form):
        if not form.get("code") or not form.get("redirect_uri"):
            raise OAuthError("invalid_request", "code and redirect_uri are required")
        grant = self.codes.get(form["code"])
        if grant is None:
            raise OAuthError("invalid_grant", "invalid or used code")
        if form["redirect_uri"] != grant.redirect_uri:
            raise OAuthError("invalid_grant", "redirect_uri mismatch")
        del self.codes[form["code"]]  # a code works once
        refresh_token = self.new_token("refresh")
        self.refresh_tokens[refresh_token] = grant
        return {**self.token_reply(grant), "refresh_token": refresh_token}

    def refresh_grant(self, form):
        """The refresh token stays valid and is not sent again (aiookru reads none)."""
        if not form.get("refresh_token"):
            raise OAuthError("invalid_request", "refresh_token is required")
        grant = self.refresh_tokens.get(form["refresh_token"])
        if grant is None:
            raise OAuthError("invalid_grant", "invalid refresh token")
        return self.token_reply(grant)

    def token_reply(self, grant):
        session = self.issue(grant.uid, grant.scope, with_secret=False)
        return {"access_token": session.access_token, "token_type": "session",
                "expires_in": str(self.lifetime(grant.scope))}

    # --- the authorization pages (aiookru's ImplicitSession walks them) -------

    def authorize(self, request):
        """GET /ok/oauth/authorize: 401/400 JSON for a bad request; logged in and
        already granted: the final redirect; else the login or permissions page."""
        try:
            dialog = self.dialog_from(request.query)
        except OAuthError as error:
            return json_response(error.body(), 401 if error.error == "invalid_client" else 400,
                                 JSON_TYPE)
        uid = self.logins.get(request.cookies.get(LOGIN_COOKIE, ""))
        if uid and dialog.scope <= self.world.grants.get(uid, frozenset()):
            return self.finish(uid, dialog)
        return redirect(self.dialog_url("OAuth2Permissions" if uid else "OAuth2Login", dialog))

    def dialog_from(self, params):
        """The Dialog of authorize parameters (plain names, no "st." prefix)."""
        if params.get("client_id") != APP.app_id:
            raise OAuthError("invalid_client", "unknown client_id")
        redirect_uri = params.get("redirect_uri", "")
        if redirect_uri not in self.redirect_uris:
            raise OAuthError("invalid_request",
                             "redirect_uri is not registered for this application")
        response_type = params.get("response_type", "")
        if response_type not in ("token", "code"):
            raise OAuthError("unsupported_response_type", "response_type must be token or code")
        try:
            scope = parse_scope(params.get("scope", ""))
        except ValueError as error:
            raise OAuthError("invalid_scope", str(error)) from None
        return Dialog(redirect_uri, response_type, scope, params.get("state"),
                      params.get("layout") or "w")

    def dialog_url(self, command, dialog):
        """/ok/dk?st.cmd=...: the dialog's parameters ride along as st.*."""
        fields = {"st.cmd": command, "st.client_id": APP.app_id,
                  "st.scope": scope_text(dialog.scope), "st.response_type": dialog.response_type,
                  "st.redirect_uri": dialog.redirect_uri, "st.layout": dialog.layout}
        if dialog.state is not None:
            fields["st.state"] = dialog.state
        return f"{self.base}/ok/dk?{urlencode(fields, quote_via=quote)}"

    def dialog_page(self, request):
        """GET /ok/dk?st.cmd=OAuth2Login|OAuth2Permissions&st.*."""
        query = request.query
        try:
            dialog = self.dialog_from({name[3:]: value for name, value in query.items()
                                       if name.startswith("st.")})
        except OAuthError as error:
            return error_page(error.description)
        command = query.get("st.cmd")
        if command == "OAuth2Login":
            key = self.new_token("dialog")
            self.dialogs[key] = dialog
            cookie = f"{DIALOG_COOKIE}={key}; Path=/ok; HttpOnly"
            return self.login_page(headers=[("Set-Cookie", cookie)])
        if command == "OAuth2Permissions":
            uid = self.logins.get(request.cookies.get(LOGIN_COOKIE, ""))
            if uid is None:
                return redirect(self.dialog_url("OAuth2Login", dialog))
            return self.permissions_page(uid, dialog)
        return text_response("not found\n", 404)

    def dialog_form(self, request):
        """POST /ok/dk?cmd=OAuth2Login|OAuth2Permissions: the two forms."""
        command = request.query.get("cmd")
        if command == "OAuth2Login":
            return self.log_in(request)
        if command == "OAuth2Permissions":
            return self.consent(request)
        return text_response("not found\n", 404)

    @staticmethod
    def login_page(failed_login=None, headers=()):
        """The login form of aiookru's tests/data/dialogs/, with its exact names and action."""
        failure = ""
        if failed_login is not None:
            failure = ('<div class="form_i form_i__error">'
                       "Неправильно указан логин и/или пароль</div>\n")
        return html_page("Одноклассники", (
            '<div id="hook_Block_OAuth2Login">\n'
            f"{failure}"
            '<form method="post" action="/ok/dk?cmd=OAuth2Login&amp;st.cmd=OAuth2Login">\n'
            '<input name="fr.posted" type="hidden" value="set">\n'
            '<label for="field_email">Логин, адрес почты или телефон</label>\n'
            '<input name="fr.email" id="field_email" type="text" '
            f'value="{escape(failed_login or "")}">\n'
            '<label for="field_password">Пароль</label>\n'
            '<input name="fr.password" id="field_password" type="password">\n'
            '<input name="fr.remember" checked="checked" type="checkbox" value="on">\n'
            '<input value="Войти" type="submit">\n'
            "</form>\n</div>"), headers=headers)

    def log_in(self, request):
        """The login form's POST. Wrong login or password: the same page again,
        with the error text. Blocked: 302 to /ok/blocked. Else the login cookie
        and 302 to the permissions page."""
        dialog = self.dialogs.get(request.cookies.get(DIALOG_COOKIE, ""))
        if dialog is None:
            return error_page("Сессия авторизации устарела: откройте окно авторизации заново.")
        login = request.form.get("fr.email", "")
        account = self.world.account(login, request.form.get("fr.password", ""))
        if account is None:
            return self.login_page(failed_login=login)
        if account.blocked:
            return redirect(f"{self.base}/ok/blocked")
        cookie = self.new_token("login")
        self.logins[cookie] = account.uid
        return redirect(self.dialog_url("OAuth2Permissions", dialog),
                        [("Set-Cookie", f"{LOGIN_COOKIE}={cookie}; Path=/ok; HttpOnly")])

    def permissions_page(self, uid, dialog):
        """The permissions form of aiookru's tests/data/dialogs/; its fr.token finds the dialog again."""
        token = self.new_token("form")
        self.consents[token] = Consent(uid, dialog)
        wanted = ", ".join(sorted(dialog.scope, key=PERMISSIONS.index))
        return html_page("Разрешение доступа", (
            '<div id="hook_Block_OAuth2Permissions">\n'
            f"<p>Приложение «{escape(APP.name)}» запрашивает доступ: {escape(wanted)}.</p>\n"
            '<form method="POST" '
            'action="/ok/dk?st.cmd=OAuth2Permissions&amp;cmd=OAuth2Permissions">\n'
            '<input name="fr.posted" type="hidden" value="set">\n'
            f"{hidden('fr.token', token)}\n"
            '<button name="button_accept_request" class="button-pro form-actions_yes">'
            "Разрешить</button>\n"
            f'<a href="{escape(self.denied_url(dialog))}">Отменить</a>\n'
            "</form>\n</div>"))

    def consent(self, request):
        """The permissions form's POST: with button_accept_request the grant and the
        final redirect, without it the access_denied redirect. A form works once."""
        consent = self.consents.pop(request.form.get("fr.token", ""), None)
        uid = self.logins.get(request.cookies.get(LOGIN_COOKIE, ""))
        if consent is None or consent.uid != uid:
            return error_page("Форма устарела: откройте окно авторизации заново.")
        if "button_accept_request" not in request.form:
            return redirect(self.denied_url(consent.dialog))
        self.world.grant(uid, consent.dialog.scope)
        return self.finish(uid, consent.dialog)

    def finish(self, uid, dialog):
        """The final redirect: the token in the fragment, or ?code=."""
        if dialog.response_type == "code":
            return redirect(with_query(dialog.redirect_uri, self.with_state(
                {"code": self.new_code(uid, dialog.redirect_uri, dialog.scope)}, dialog)))
        session = self.issue(uid, dialog.scope, with_secret=True)
        fields = {"access_token": session.access_token, "session_secret_key": session.secret_key,
                  "permissions_granted": scope_text(dialog.scope),
                  "expires_in": str(self.lifetime(dialog.scope))}
        return redirect(f"{dialog.redirect_uri}#{urlencode(self.with_state(fields, dialog))}")

    def denied_url(self, dialog):
        fields = self.with_state({"error": "access_denied"}, dialog)
        if dialog.response_type == "code":
            return with_query(dialog.redirect_uri, fields)
        return f"{dialog.redirect_uri}#{urlencode(fields)}"

    @staticmethod
    def with_state(fields, dialog):
        return {**fields, "state": dialog.state} if dialog.state is not None else fields
