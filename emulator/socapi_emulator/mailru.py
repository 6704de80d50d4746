"""Platform@Mail.Ru: the REST API, the OAuth token endpoint and the login pages.

Everything lives under /mailru: the real hosts appsmail.ru and connect.mail.ru
both map here. The sections, in reading order:

  1. Constants   apps, fixed accounts and tokens, error messages, text tables
  2. World       the seeded social graph, and what clients post into it
  3. REST API    signing, `Call` (parameter access), one function per method
  4. MailRu      the platform object: routing, REST checks, OAuth, HTML pages

Facts come from the official pages under https://api.mail.ru/docs/ and from the
public client KonstantinTogoi/aiomailru 0.1.1; comments name the source where it
matters. Shapes those sources leave open are documented in emulator/README.md.
"""

import time
from dataclasses import dataclass
from html import escape
from urllib.parse import quote, urlencode

from .common import (DAY, EPOCH, FEMALE_NAMES, HOUR, MALE_NAMES, SURNAMES, Account, ApiCall,
                     ApiError, OAuthError, SeededWorld, TokenMint, error_page, expire_session, find_account,
                     grant_handler, hidden, html_page, is_uint, json_response, md5_hex, redirect,
                     served_file, sorted_pairs, text_response, with_query)
from .mailru_web import MONTHS, MyMailRu, add_web_communities

# --------------------------------------------------------------------------
# 1. Constants
# --------------------------------------------------------------------------

PRIVATE_KEY = "7815696ecbf1c96e6894b779456d330e"
SECRET_KEY = "3dad9cbf9baaa0360c0f2ba372d25716"


@dataclass(frozen=True)
class App:
    app_id: int
    name: str
    in_development: bool  # its authorize page refuses everybody
    private_key: str = PRIVATE_KEY
    secret_key: str = SECRET_KEY  # also the OAuth client_secret


APPS = {str(app.app_id): app for app in (
    App(423004, "Тестовое приложение socapi", in_development=False),
    App(423005, "Приложение в разработке", in_development=True),
)}
MAIN_APP = APPS["423004"]

# Above INT64_MAX on purpose, like the uids of https://api.mail.ru/docs/reference/rest/users-getinfo/
IVAN = "15410773191172635989"
MARIA = "1324730981306483817"
FIXED_SESSION_KEY = "be6ef89965d58e56dec21acb9b62bdaa"  # Иван, full scope, never expires
FIXED_REFRESH_TOKEN = "0123456789abcdef0123456789abcdef"

PERMISSIONS = ("photos", "guestbook", "stream", "messages", "events", "notifications", "widget")
NEEDED_PERMISSIONS = "576"  # as in aiomailru's tests/data/dialogs/; the bit layout is unknown
TOKEN_LIFETIME = 86400
DOMAINS = ("mail.ru", "inbox.ru", "bk.ru", "list.ru")
JSON_TYPE = "text/javascript; charset=utf-8"  # what aiomailru/sessions.py expects
CLIENT_SERVER, SERVER_SERVER = "client-server", "server-server"

# The error table of the official method pages (e.g.
# https://api.mail.ru/docs/reference/rest/users-isappuser/); 202 as aiomailru has it;
# the messages of 5, 201, 301, 401 and 501 are inferred from peer libraries' names.
ERRORS = {
    1: "Unknown error: Please resubmit the request.",
    2: "Unknown method called.",
    3: "Service Unavailable. Please try again later.",
    4: "Method is deprecated.",
    5: "application not installed",
    100: "One of the parameters specified is missing or invalid.",
    102: "User authorization failed: the session key or uid is incorrect.",
    103: "Application lookup failed: the application id is not correct.",
    104: "Incorrect signature.",
    105: "Application is not installed for this user.",
    200: "Permission error: the application does not have permission to perform this action.",
    201: "rate limit exceeded",
    202: "Access to this object is denied",
    301: "payments disabled",
    401: "invalid request params",
    501: "incorrect image",
}

TYPE_NAMES = {  # aiomailru/objects/event.py; "5-17" (an app's stream.post) has no known name
    "1-1": "photo_upload", "1-2": "video_upload", "1-7": "music_add",
    "3-3": "user_community_actions_enter", "3-23": "micropost", "5-7": "avatar_change",
    "5-10": "gift_send", "5-16": "app_add", "5-17": "app_event", "5-26": "share",
    "5-39": "community_post",
}
# Seeded events cycle through these, so every kind shows up in Иван's feed.
PERSON_EVENTS = ("1-1", "1-2", "1-7", "3-3", "3-23", "5-7", "5-10", "5-16", "5-26")

PLACES = (  # country id, country, region id, region, city id, city
    ("24", "Россия", "1", "Москва", "25", "Москва"),
    ("24", "Россия", "2", "Санкт-Петербург", "26", "Санкт-Петербург"),
    ("24", "Россия", "54", "Новосибирская обл.", "1021", "Новосибирск"),
    ("24", "Россия", "66", "Свердловская обл.", "1145", "Екатеринбург"),
    ("24", "Россия", "16", "Татарстан", "1035", "Казань"),
    ("96", "Беларусь", "330", "Минская обл.", "2280", "Минск"),
)
STATUSES = ("", "На работе", "В отпуске!", "Учу C", "Всем привет", "Слушаю музыку")
REFERER_TYPES = ("", "stream.install", "stream.publish", "invitation", "catalog", "suggests",
                 "left menu suggest", "new apps", "guestbook", "agent")
COMMUNITIES = (  # name, nick, category id, category, closed
    ("Программисты на C", "c_programmers", 12, "Компьютеры и интернет", False),
    ("Фотоклуб «Объектив»", "objectiv", 7, "Фотография", False),
    ("Путешествия по России", "travel_russia", 9, "Путешествия", False),
    ("Закрытый клуб", "private_club", 3, "Общение", True),
)
TRACKS = (("Кино", "Группа крови", 286), ("Кино", "Звезда по имени Солнце", 225),
          ("ДДТ", "Что такое осень", 297), ("Сплин", "Выхода нет", 242),
          ("Земфира", "Искала", 233), ("Мумий Тролль", "Утекай", 215),
          ("Би-2", "Полковнику никто не пишет", 271), ("Ария", "Беспечный ангел", 282),
          ("Чайф", "Аргентина — Ямайка 5:0", 250), ("Агата Кристи", "Как на войне", 228),
          ("Наутилус Помпилиус", "Прогулки по воде", 263), ("Сплин", "Романс", 236))
MICROPOSTS = ("Наконец-то выходные!", "Кто идёт на концерт в субботу?", "Дочитал книгу про C",
              "Погода сегодня отличная", "Сделал новый проект, скоро покажу")
TAGS = ("выходные", "музыка", "программирование", "путешествия", "фото")
LINKS = (("Новости науки", "https://example.ru/science/1"),
         ("Рецепт пирога", "https://example.ru/recipes/pie"),
         ("Как писать на C", "https://example.ru/c/tutorial"))
GIFTS = ("Букет роз", "Плюшевый мишка", "Торт", "Звезда")
VIDEOS = ("Поход в горы", "День рождения", "Котик играет", "Концерт")
GUESTBOOK = (("Привет!", "Заходи в гости"), ("С днём рождения!", "Счастья и здоровья"),
             ("Спасибо", "Спасибо за фотографии"), ("", "Давно не виделись"))
MESSAGES = ("Привет! Как дела?", "Отлично, а у тебя?", "Тоже хорошо", "Встретимся завтра?",
            "Давай в шесть", "Договорились", "Посмотри фото, которые я выложил")


# --------------------------------------------------------------------------
# 2. World
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class UserRef:
    """Stands for a User object inside stored data; `World.resolve` renders
    it for the caller (is_friend depends on who asks)."""

    uid: str


def checksum(uid):
    """The "<User's checksum>" prefix of thread ids: any stable hex will do."""
    return md5_hex(uid)[:16]


class World(SeededWorld):
    """The seeded social graph (about 40 users) plus everything clients post.

    Built only from random.Random(seed), so the same seed gives the same
    world; things posted later get times from a logical clock after EPOCH.
    Lists that are answered in order are stored in that order.
    """

    def __init__(self, seed, base_url):
        super().__init__(seed, base_url)
        self.users = {}  # uid -> User object, is_friend filled per caller
        self.accounts = {}  # lower-case e-mail -> Account (only these can log in)
        self.communities = []  # uids of the users that are communities
        self.closed = set()  # closed communities
        self.friends = {}  # uid -> [uid]
        self.members = {}  # uid -> [community uid]
        self.stats = {}  # uid -> invitations, new_events, unread_mail, balance
        self.scores = {}  # uid -> game score total
        self.tracks = {}  # mid -> track
        self.plays = {}  # mid -> play count (orders audios.top)
        self.playlists = {}  # uid -> [track]
        self.albums = {}  # uid -> [album]
        self.photos = {}  # (uid, aid) -> [photo]
        self.next_pid = 1000
        self.items = []  # stream: events, likes, comments (dicts with "kind")
        self.events = {}  # event id -> event
        self.guestbook = {}  # uid -> [entry], newest first
        self.dialogs = {}  # (uid, uid) sorted -> {"id", "messages": oldest first}
        self.uploads = []  # Upload objects served at /mailru/uploads/<n>
        self.achievement_groups = [{"id": 1, "description": "Первые шаги"},
                                   {"id": 2, "description": "Мастерство"}]
        self.achievements = [self._achievement(*a) for a in (
            (1, "Первый вход", 10, 1), (2, "Десять побед", 30, 2), (3, "Пригласил друга", 20, 1),
            (4, "Сто побед", 50, 2), (5, "Собрал коллекцию", 40, 2))]
        self.awards = {IVAN: [1, 3]}  # uid -> achievement ids
        self.titles = [{"id": n, "name": name, "img_url": self.static(f"title/{n}.gif")}
                       for n, name in ((1, "Новичок"), (2, "Знаток"), (3, "Мастер"))]
        self.user_titles = {IVAN: 1}  # uid -> title id
        self._add_people()
        self._add_friends()
        self._add_music()
        self._add_photos()
        self._add_stream()
        self._add_guestbooks()
        self._add_dialogs()
        add_web_communities(self, seed, MARIA)  # the scrapers' pages (mailru_web.py)

    # --- helpers ---------------------------------------------------------

    def static(self, path):
        return f"{self.base}/mailru/static/{path}"

    def new_id(self):
        return f"{self.rng.getrandbits(64):016x}"

    def people(self):
        return [uid for uid in self.users if uid not in self.communities]

    def resolve(self, value, viewer):
        """Copy `value`, replacing every UserRef by the User as `viewer` sees it."""
        if isinstance(value, UserRef):
            user = dict(self.users[value.uid])
            user["is_friend"] = int(value.uid in self.friends.get(viewer, ()))
            return user
        if isinstance(value, dict):
            return {key: self.resolve(item, viewer) for key, item in value.items()}
        if isinstance(value, list):
            return [self.resolve(item, viewer) for item in value]
        return value

    # --- users -----------------------------------------------------------

    def _add_people(self):
        rng = self.rng
        fixed = (  # uid, first, last, nick, e-mail, sex, password, blocked
            (IVAN, "Иван", "Петров", "ivan", "ivan@mail.ru", 0, "secret", False),
            (MARIA, "Мария", "Сидорова", "maria", "maria@bk.ru", 1, "secret2", False),
            (self._new_uid(), "Борис", "Блинов", "blocked", "blocked@mail.ru", 0, "secret", True),
        )
        for uid, first, last, nick, email, sex, password, blocked in fixed:
            self.users[uid] = self._person(uid, first, last, nick, email, sex)
            self.accounts[email] = Account(uid, password, blocked)
        for user in (self.users[IVAN], self.users[MARIA]):
            user.update(has_pic=1, is_online=1, app_installed=1)
            user["cover"] = self._cover(user["uid"], user["link"])
        for _ in range(33):
            sex = rng.randint(0, 1)
            first, first_latin = rng.choice(FEMALE_NAMES if sex else MALE_NAMES)
            male, female, last_latin = rng.choice(SURNAMES)
            nick = f"{first_latin}.{last_latin}{'a' if sex else ''}"
            uid = self._new_uid()
            user = self._person(uid, first, female if sex else male, nick,
                                f"{nick}@{rng.choice(DOMAINS)}", sex)
            if rng.random() < 0.3:
                user["cover"] = self._cover(uid, user["link"])
            self.users[uid] = user
        for name, nick, category_id, category, closed in COMMUNITIES:
            uid = self._new_uid()
            user = self._person(uid, name, "", nick, f"{nick}@community", 0)
            user.update(email="", birthday="", show_age=0, link=f"https://my.mail.ru/community/{nick}/")
            user["group_info"] = {
                "category_id": category_id, "short_description": f"Сообщество «{name}»",
                "full_description": f"Сообщество «{name}». Обсуждаем всё, что связано с темой "
                                    f"«{category}».",
                "interests": category.lower(), "posts_cnt": rng.randint(10, 900),
                "category_name": category, "rules": "Будьте вежливы, без рекламы."}
            self.users[uid] = user
            self.communities.append(uid)
            if closed:
                self.closed.add(uid)
        for uid in self.users:
            self.stats[uid] = {"invitations": rng.randint(0, 5), "new_events": rng.randint(0, 20),
                               "unread_mail": rng.randint(0, 50), "balance": rng.randint(0, 500)}
            self.scores[uid] = rng.randint(0, 5000)

    def _new_uid(self):
        while True:
            uid = str(self.rng.getrandbits(64))
            if uid not in self.users and uid not in (IVAN, MARIA):
                return uid

    def _person(self, uid, first, last, nick, email, sex):
        """A User with every field of aiomailru's docs/source/rest_api.rst but cover and group_info."""
        rng = self.rng
        login, _, domain = email.partition("@")
        country_id, country, region_id, region, city_id, city = rng.choice(PLACES)
        referer_type = rng.choice(REFERER_TYPES)
        avatar = f"avatar/{uid}/"
        return {
            "uid": uid, "first_name": first, "last_name": last, "nick": nick,
            "status_text": rng.choice(STATUSES), "email": email, "sex": sex,
            "show_age": rng.randint(0, 1),
            "birthday": f"{rng.randint(1, 28):02}.{rng.randint(1, 12):02}.{rng.randint(1965, 2005)}",
            "has_my": 1, "has_pic": int(rng.random() < 0.85),
            "pic": self.static(avatar + "pic.gif"),
            "pic_small": self.static(avatar + "pic_small.gif"),
            "pic_big": self.static(avatar + "pic_big.gif"),
            **{f"pic_{size}": self.static(f"{avatar}pic_{size}.gif")
               for size in (22, 32, 40, 50, 128, 180, 190)},
            "link": f"https://my.mail.ru/{domain.split('.')[0]}/{login}/",
            "referer_type": referer_type,
            "referer_id": str(rng.randint(1, 99999)) if referer_type else "",
            "is_online": int(rng.random() < 0.4), "is_friend": 0, "friends_count": 0,
            "follower": rng.randint(0, 1), "following": rng.randint(0, 1),
            "subscribe": rng.randint(0, 1), "subscribers_count": rng.randint(0, 500),
            "video_count": rng.randint(0, 40), "is_verified": int(rng.random() < 0.7),
            "vip": int(rng.random() < 0.1), "app_installed": int(rng.random() < 0.35),
            "last_visit": EPOCH - rng.randint(0, 30 * DAY),
            "location": {"country": {"id": country_id, "name": country},
                         "city": {"id": city_id, "name": city},
                         "region": {"id": region_id, "name": region}},
        }

    def _cover(self, uid, link):
        """A Cover, with the types of the aiomailru docs: strings, except in target_album."""
        pid = str(self.rng.randint(1, 9999))
        created = EPOCH - self.rng.randint(DAY, 400 * DAY)
        src = self.static(f"cover/{uid}.gif")
        return {
            "cover_position": "0", "width": "1280", "size": str(self.rng.randint(50000, 400000)),
            "aid": "_cover", "pid": pid, "thread_id": checksum(uid) + pid, "owner": uid,
            "target_album": {
                "link": f"{link}photo/_cover/", "owner": uid, "sort_order": "desc",
                "sort_by": "time", "description": "", "privacy_desc": "Всем", "size": 1,
                "aid": "_cover", "created": created, "cover_pid": pid, "cover_url": src,
                "is_commentable": 1, "title": "Обложки", "updated": created, "privacy": 2,
                "can_read_comment": 1},
            "click_url": f"{link}photo/_cover/{pid}.html", "src": src, "height": "320",
            "cover_width": "1280", "created": str(created), "comment": "",
            "src_small": self.static(f"cover/{uid}_small.gif"), "cover_height": "320",
            "title": "Обложка",
        }

    def _add_friends(self):
        rng = self.rng
        people = self.people()
        self.friends = {uid: [] for uid in self.users}
        self.members = {uid: [] for uid in self.users}

        def befriend(a, b):
            if b not in self.friends[a]:
                self.friends[a].append(b)
                self.friends[b].append(a)

        others = [uid for uid in people if uid not in (IVAN, MARIA)]
        for uid in [MARIA] + rng.sample(others, 14):  # Иван: exactly 15 friends
            befriend(IVAN, uid)
        for index, a in enumerate(people):
            for b in people[index + 1:]:
                if IVAN not in (a, b) and rng.random() < 0.12:
                    befriend(a, b)
        for uid in self.friends:
            self.friends[uid].sort(key=int)
            self.users[uid]["friends_count"] = len(self.friends[uid])
        for uid in rng.sample(self.friends[IVAN], 4):  # some online friends and app users
            self.users[uid]["is_online"] = 1
        for uid in rng.sample(self.friends[IVAN], 5):
            self.users[uid]["app_installed"] = 1
        for community in self.communities:
            for uid in people:
                joins = community not in self.closed if uid == IVAN else rng.random() < 0.3
                if joins:
                    self.members[uid].append(community)

    # --- music and photos ------------------------------------------------

    def _add_music(self):
        for author, name, duration in TRACKS:
            mid = f"{self.rng.getrandbits(40):010x}"
            self.tracks[mid] = {"mid": mid, "name": name, "author": author, "duration": duration,
                                "file_url": self.static(f"audio/{mid}.mp3"),
                                "link": f"https://my.mail.ru/music/songs/{mid}"}
            self.plays[mid] = self.rng.randint(100, 100000)
        catalogue = list(self.tracks.values())
        for uid in self.people():
            count = 6 if uid == IVAN else self.rng.randint(0, 5)
            self.playlists[uid] = self.rng.sample(catalogue, count)

    def top_tracks(self):
        return sorted(self.tracks.values(), key=lambda track: -self.plays[track["mid"]])

    def _add_photos(self):
        rng = self.rng
        for uid in self.people():
            counts = (4, 3, 0) if uid == IVAN else [rng.randint(0, 4) for _ in range(rng.randint(1, 3))]
            self.albums[uid] = []
            for index, count in enumerate(counts):
                created = EPOCH - rng.randint(100 * DAY, 400 * DAY)
                album = self.add_album(uid, "Фото со мной" if index == 0 else f"Альбом {index}",
                                       "", 2 if index < 2 else 4, created)
                for number in range(count):
                    width, height = rng.choice(((1024, 768), (800, 600), (480, 360), (320, 240)))
                    self.add_photo(uid, album, f"Фото {number + 1}", created + number * DAY,
                                   width, height, rng.randint(20000, 900000))

    def add_album(self, owner, title, description, privacy, created):
        """Album (https://api.mail.ru/docs/reference/rest/photos-getalbums/): created
        and updated are strings; cover_pid is a string, "" while there is no cover
        (as real answers have it)."""
        aid = "_myphoto" if not self.albums[owner] else f"album{len(self.albums[owner])}"
        album = {"aid": aid, "cover_pid": "", "owner": owner, "title": title,
                 "description": description, "created": str(created), "updated": str(created),
                 "size": 0, "privacy": privacy,
                 "link": f"{self.users[owner]['link']}photo/{aid}/"}
        self.albums[owner].append(album)
        self.photos[(owner, aid)] = []
        return album

    def album(self, owner, aid):
        return next((album for album in self.albums.get(owner, ()) if album["aid"] == aid), None)

    def add_photo(self, owner, album, title, created, width, height, size, src=None):
        """Photo (https://api.mail.ru/docs/reference/rest/photos-get): src_big only when
        the photo is larger than 480 px; pid is a decimal string, as real answers send
        it (the documentation shows a number)."""
        self.next_pid += 1
        pid = str(self.next_pid)
        url = f"photo/{owner}/{pid}"
        photo = {"pid": pid, "aid": album["aid"], "owner": owner,
                 "src": src or self.static(url + ".gif"),
                 "src_small": src or self.static(url + "_small.gif")}
        if max(width, height) > 480:
            photo["src_big"] = self.static(url + "_big.gif")
        photo.update(created=created, width=width, height=height, size=size, title=title)
        self.photos[(owner, album["aid"])].append(photo)
        album.update(cover_pid=album["cover_pid"] or pid, size=album["size"] + 1,
                     updated=str(max(int(album["updated"]), created)))
        return photo

    def store_upload(self, upload):
        self.uploads.append(upload)
        return f"{self.base}/mailru/uploads/{len(self.uploads)}"

    # --- the stream ------------------------------------------------------

    def _add_stream(self):
        rng = self.rng
        ivan_friends = self.friends[IVAN]
        authors = ivan_friends + [uid for uid in self.people() if uid not in ivan_friends]
        count = 0
        for author in authors:
            for _ in range(rng.randint(1, 3)):
                kind = PERSON_EVENTS[count % len(PERSON_EVENTS)]
                when = EPOCH - rng.randint(2 * HOUR, 30 * DAY)
                self.add_event(author, kind, when, **self._event_content(author, kind, when))
                count += 1
        for community in self.communities:
            for _ in range(2):
                text = {"object": "text", "content": rng.choice(MICROPOSTS)}
                image = {"object": "image", "src": self.static(f"post/{self.new_id()}.gif")}
                self.add_event(community, "5-39", EPOCH - rng.randint(2 * HOUR, 30 * DAY),
                               [text, image])  # a minimal image: "all fields but src optional"
        likeable = [item for item in self.items if item["likeable"]]
        for _ in range(10):
            event = rng.choice(likeable)
            when = event["time"] + rng.randint(60, HOUR)
            self.like(rng.choice(ivan_friends), event, when)
            self.comment(rng.choice(ivan_friends), event, rng.choice(MESSAGES), when + 60)

    def _event_content(self, author, kind, when):
        """Attachments and extras of a seeded event, one attachment kind each."""
        rng = self.rng
        user = self.users[author]
        if kind == "1-1":
            album = self.albums[author][0]
            photo = self.add_photo(author, album, "Новое фото", when, 1024, 768,
                                   rng.randint(20000, 900000))
            return {"attachments": [self._image(photo)]}
        if kind == "1-2":
            vid = str(rng.randint(1, 9999))
            return {"attachments": [{
                "object": "video", "width": 640, "album_id": "_myvideo",
                "view_count": rng.randint(0, 5000), "desc": "", "comments_count": rng.randint(0, 9),
                "likes_count": rng.randint(0, 50), "thread_id": checksum(author) + vid,
                "image_filed": self.static(f"video/{author}/{vid}.gif"),
                "click_url": f"{user['link']}video/_myvideo/{vid}.html",
                "src": self.static(f"video/{author}/{vid}_preview.gif"),
                "duration": rng.randint(10, 600), "height": 360, "is_liked_by_me": 0,
                "external_id": "", "owner_id": author, "title": rng.choice(VIDEOS)}]}
        if kind == "1-7":
            track = rng.choice(list(self.tracks.values()))
            return {"attachments": [{
                "object": "music", "is_add": 1, "click_url": track["link"], "name": track["name"],
                "author": track["author"], "duration": track["duration"],
                "file_url": track["file_url"], "uploader": author, "mid": track["mid"]}]}
        if kind == "3-3":
            community = rng.choice(self.members[author] or self.communities)
            return {"attachments": [{"object": "group", "content": UserRef(community)}],
                    "likeable": False, "commentable": False}
        if kind == "3-23":
            text = rng.choice(MICROPOSTS)
            title, url = rng.choice(LINKS)
            return {"attachments": [], "user_text": text, "text_media": [
                {"object": "text", "content": text},
                {"object": "tag", "content": {"is_blacklist": 0, "tag": rng.choice(TAGS)}},
                {"object": "link", "content": {"type-id": "text", "contents": f"{title}: {url}"}}]}
        if kind == "5-7":
            aid = str(rng.randint(1, 9999))
            return {"attachments": [{"object": "avatar", "new": {
                "thread_id": checksum(author) + aid, "width": 180,
                "click_url": f"{user['link']}photo/_avatar/{aid}.html", "album_id": "_avatar",
                "src": user["pic_180"], "height": 180, "desc": "", "src_hires": user["pic_big"],
                "id": aid, "owner_id": author}}]}
        if kind == "5-10":
            day = time.gmtime(when)
            gift_id = str(rng.randint(1, 999))
            return {"attachments": [{"object": "gift", "content": {
                "is_private": 0, "click_url": f"{user['link']}gifts/", "is_anonymous": 0,
                "time": when, "is_read": 1, "to": UserRef(rng.choice(self.friends[author] or [author])),
                "gift": {"id": gift_id, "name": rng.choice(GIFTS),
                         "img_url": self.static(f"gift/{gift_id}.gif")},
                "from": UserRef(author), "text": "С праздником!",
                "rus_time": f"{day.tm_mday} {MONTHS[day.tm_mon - 1]} {day.tm_year}",
                "long_id": self.new_id()}}]}
        if kind == "5-16":
            return {"attachments": [self._app_card(MAIN_APP)], "app_id": MAIN_APP.app_id,
                    "likeable": False, "commentable": False,
                    "action_links": [{"text": "Играть",
                                      "href": f"https://my.mail.ru/apps/{MAIN_APP.app_id}"}]}
        title, url = rng.choice(LINKS)  # "5-26", a link share
        return {"attachments": [{"object": "link", "text": title, "url": url}],
                "user_text": "Интересная ссылка"}

    def _image(self, photo):
        owner, pid = photo["owner"], str(photo["pid"])
        return {"object": "image", "likes_count": self.rng.randint(0, 30),
                "thread_id": checksum(owner) + pid, "width": str(photo["width"]),
                "click_url": f"{self.users[owner]['link']}photo/{photo['aid']}/{pid}.html",
                "album_id": photo["aid"], "src": photo["src"], "resized_src": photo["src_small"],
                "height": str(photo["height"]), "src_filed": photo["src"],
                "src_hires": photo.get("src_big", photo["src"]), "id": pid, "owner_id": owner,
                "comments_count": self.rng.randint(0, 10)}

    def _app_card(self, app):
        """The `app` attachment: PascalCase keys, types as in the aiomailru docs."""
        installs = self.rng.randint(1000, 99999)
        return {"object": "app", "content": {
            "PublishStatus": {"My": "1", "Mobile": "0"}, "ID": str(app.app_id),
            "InstallationsSpaced": f"{installs:,}".replace(",", " "), "ShortName": "socapi",
            "Genre": [{"name": "Головоломки", "id": "12", "admin_genre": 0}],
            "Votes": {"VoteSum": "412", "VotesCount": "97", "VotesStarsWidth": "85",
                      "Votes2IntRounded": "4", "Votes2DigitRounded": "4.25"},
            "Installations": installs, "ShortDescription": "Тестовое приложение",
            "Name": app.name, "Description": "Приложение для проверки клиентов API.",
            "Pictures": {"Small": self.static(f"app/{app.app_id}_small.gif"),
                         "Big": self.static(f"app/{app.app_id}_big.gif")}}}

    def add_event(self, author, kind, when, attachments, user_text="", text_media=None,
                  app_id=0, action_links=(), likeable=True, commentable=True):
        event = {"kind": "event", "id": self.new_id(), "author": author, "time": when,
                 "type": kind, "attachments": attachments, "user_text": user_text,
                 "app_id": app_id, "action_links": list(action_links), "likeable": likeable,
                 "commentable": commentable, "likes": [], "comments": 0}
        if text_media is not None:
            event["text_media"] = text_media
        self.items.append(event)
        self.events[event["id"]] = event
        return event

    def like(self, uid, event, when):
        if uid not in event["likes"]:
            event["likes"].append(uid)
            self.items.append({"kind": "like", "id": self.new_id(), "author": uid, "time": when,
                               "event": event["id"]})

    def unlike(self, uid, event):
        if uid in event["likes"]:
            event["likes"].remove(uid)
            self.items = [item for item in self.items if not (
                item["kind"] == "like" and item["author"] == uid and item["event"] == event["id"])]

    def comment(self, uid, event, text, when):
        event["comments"] += 1
        self.items.append({"kind": "comment", "id": self.new_id(), "author": uid, "time": when,
                           "event": event["id"], "text": text})

    def event_by_thread(self, thread_id):
        return next((event for event in self.events.values()
                     if checksum(event["author"]) + event["id"] == thread_id), None)

    def newest_first(self, items):
        return sorted(items, key=lambda item: (item["time"], item["id"]), reverse=True)

    def feed(self, viewer):
        """«Что нового»: what the viewer, their friends and their communities did."""
        sources = [viewer, *self.friends[viewer], *self.members[viewer]]
        return self.newest_first([item for item in self.items if item["author"] in sources])

    def events_by(self, author):
        return self.newest_first([item for item in self.items
                                  if item["kind"] == "event" and item["author"] == author])

    def render_item(self, item, viewer):
        """An Event, Like or Comment; UserRefs stay for resolve()."""
        if item["kind"] == "event":
            return self._render_event(item, viewer)
        event = self.events[item["event"]]
        rendered = {"time": item["time"]}
        if item["kind"] == "like":
            rendered["author"] = UserRef(item["author"])
        rendered.update(huid=checksum(item["author"]) + item["id"],
                        subevent=self._render_event(event, viewer), subtype=item["kind"])
        if item["kind"] == "comment":
            rendered["comment"] = {"text": item["text"], "time": item["time"], "is_deleted": 0,
                                   "id": item["id"], "author": UserRef(item["author"]),
                                   "text_media": {"object": "text", "content": item["text"]}}
        rendered.update(is_commentable=0, id=item["id"], is_likeable=0)
        return rendered

    def _render_event(self, event, viewer):
        thread_id = checksum(event["author"]) + event["id"]
        rendered = {"id": event["id"], "thread_id": thread_id, "authors": [UserRef(event["author"])],
                    "type_name": TYPE_NAMES[event["type"]], "type": event["type"],
                    "subtype": "event"}
        if event["likeable"]:  # click_url and likes_count only for likeable events
            rendered["click_url"] = f"{self.users[event['author']]['link']}multipost/{event['id']}.html"
            rendered["likes_count"] = len(event["likes"])
        if event["commentable"]:
            rendered["comments_count"] = event["comments"]
        rendered.update(attachments=event["attachments"], time=event["time"], huid=thread_id)
        if event["app_id"]:
            app = APPS[str(event["app_id"])]
            rendered["generator"] = {"icon": self.static(f"app/{app.app_id}_icon.gif"),
                                     "url": f"https://my.mail.ru/apps/{app.app_id}",
                                     "app_id": app.app_id, "type": "application",
                                     "title": app.name}
        rendered["user_text"] = event["user_text"]
        if "text_media" in event:
            rendered["text_media"] = event["text_media"]
        rendered.update(is_liked_by_me=int(viewer in event["likes"]),
                        is_commentable=int(event["commentable"]),
                        is_likeable=int(event["likeable"]), action_links=event["action_links"])
        return rendered

    # --- guestbooks and messages -----------------------------------------

    def _add_guestbooks(self):
        rng = self.rng
        for uid in self.people():
            entries = []
            count = 4 if uid == IVAN else rng.randint(0, 3)
            for _ in range(count if self.friends[uid] else 0):
                title, description = rng.choice(GUESTBOOK)
                entries.append(self.guestbook_entry(
                    rng.choice(self.friends[uid]), EPOCH - rng.randint(HOUR, 60 * DAY),
                    title, description, "", self.static(f"guestbook/{self.new_id()}.gif")))
            self.guestbook[uid] = self.newest_first(entries)

    def guestbook_entry(self, author, when, title, description, user_text, img_url):
        return {"id": self.new_id(), "time": when, "author": UserRef(author), "title": title,
                "description": description, "user_text": user_text, "img_url": img_url}

    def _add_dialogs(self):
        rng = self.rng
        ivan_partners = [MARIA] + rng.sample([u for u in self.friends[IVAN] if u != MARIA], 3)
        maria_partners = rng.sample([u for u in self.friends[MARIA] if u != IVAN],
                                    min(3, len(self.friends[MARIA]) - 1))
        pairs = [(IVAN, uid) for uid in ivan_partners] + [(MARIA, uid) for uid in maria_partners]
        for owner, partner in pairs:
            when = EPOCH - rng.randint(DAY, 20 * DAY)
            speaker = rng.choice((owner, partner))
            for number in range(rng.randint(2, 6)):
                when += rng.randint(60, 3 * HOUR)
                self.send_message(speaker, owner if speaker == partner else partner,
                                  MESSAGES[number], when)
                speaker = partner if speaker == owner else owner
            for message in self.messages_between(owner, partner)[:-1]:
                message["is_read"] = 1  # only the last message of a dialog is unread

    def messages_between(self, a, b):
        """The messages of a dialog, oldest first ([] if they never wrote)."""
        return self.dialogs.get(tuple(sorted((a, b))), {"messages": []})["messages"]

    def dialogs_of(self, uid):
        """(partner, dialog) pairs, the most recent dialog first."""
        found = [(b if a == uid else a, dialog) for (a, b), dialog in self.dialogs.items()
                 if uid in (a, b)]
        return sorted(found, key=lambda pair: pair[1]["messages"][-1]["time"], reverse=True)

    def send_message(self, sender, recipient, text, when):
        key = tuple(sorted((sender, recipient)))
        if key not in self.dialogs:
            self.dialogs[key] = {"id": str(self.rng.getrandbits(40)), "messages": []}
        self.dialogs[key]["messages"].append(
            {"id": self.new_id(), "time": when, "author_uid": sender, "text": text, "is_read": 0})

    # --- games -----------------------------------------------------------

    def _achievement(self, number, description, weight, group_id):
        return {"id": number, "img_url": self.static(f"achievement/{number}.gif"),
                "description": description, "weight": weight, "group_id": group_id}


# --------------------------------------------------------------------------
# 3. REST API
# --------------------------------------------------------------------------

def error_body(code):
    return {"error": {"error_code": code, "error_msg": ERRORS.get(code, ERRORS[1])}}


def sign(params, prefix, key):
    """https://api.mail.ru/docs/guides/restapi/#sig: md5(prefix + "k1=v1k2=v2..." + key),
    keys sorted bytewise, sig left out.
    Client-server: prefix = the session user's uid, key = private_key.
    Server-server: prefix = "", key = secret_key (secure=1 is among the params)."""
    return md5_hex(prefix + sorted_pairs(params, {"sig"}) + key)


@dataclass(frozen=True)
class Method:
    handler: object
    permission: str = None  # scope the session needs (error 200)
    circuit: str = None  # the only allowed circuit, if restricted (error 100)
    needs_session: bool = True


METHODS = {}  # method name -> Method


def api(*names, permission=None, circuit=None, needs_session=True):
    """Register the decorated function as the handler of the named methods."""
    def register(handler):
        for name in names:
            METHODS[name] = Method(handler, permission, circuit, needs_session)
        return handler
    return register


class Call(ApiCall):
    """One authenticated REST call: the caller, its app, its parameters and the
    world. Every accessor raises ApiError(100) on a missing or malformed value."""

    def __init__(self, world, app, session, params, files):
        super().__init__(world, session, params, files)
        self.app = app

    def integer(self, name, default=None):
        value = self.params.get(name, "")
        if value == "" and default is not None:
            return default
        if not is_uint(value):
            raise ApiError(100)
        return int(value)

    def flag(self, name):
        value = self.integer(name, 0)
        if value > 1:
            raise ApiError(100)
        return value

    def user(self, name, required=False):
        """An existing uid from parameter `name`; the caller when it is absent."""
        uid = self.params.get(name, "")
        if uid == "" and not required and self.viewer:
            return self.viewer
        if uid not in self.world.users:
            raise ApiError(100)
        return uid

    def uid_list(self, name, required=False):
        uids = [uid.strip() for uid in self.params.get(name, "").split(",") if uid.strip()]
        if (required and not uids) or not all(is_uint(uid) and int(uid) < 2 ** 64 for uid in uids):
            raise ApiError(100)
        return uids

    def page(self, items, limit=10):
        offset = self.integer("offset", 0)
        return items[offset:offset + self.integer("limit", limit)]


def next_id(items):
    return max((item["id"] for item in items), default=0) + 1


def by_id(items, call, name):
    """The item whose "id" is the integer parameter `name`."""
    wanted = call.integer(name)
    item = next((item for item in items if item["id"] == wanted), None)
    if item is None:
        raise ApiError(100)
    return item


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


# --------------------------------------------------------------------------
# 4. MailRu: the platform object
# --------------------------------------------------------------------------

@dataclass
class Session:
    access_token: str  # = session_key
    refresh_token: str
    uid: str
    app_id: int
    scope: frozenset
    expires_at: float = None  # None: never

    def valid_for(self, app):
        return self.app_id == app.app_id and (self.expires_at is None or time.time() < self.expires_at)

    def token_reply(self):
        return {"access_token": self.access_token, "refresh_token": self.refresh_token,
                "expires_in": TOKEN_LIFETIME, "token_type": "bearer", "x_mailru_vid": self.uid}


def parse_scope(text):
    """Space- (or comma-) separated permission names; none = no extra permissions."""
    names = text.replace(",", " ").split()
    unknown = [name for name in names if name not in PERMISSIONS]
    if unknown:
        raise ValueError(f"unknown permission {unknown[0]!r}")
    return frozenset(names)


def scope_text(scope):
    return " ".join(name for name in PERMISSIONS if name in scope)


class MailRu:
    prefix = "/mailru"
    content_type = JSON_TYPE
    cli_accounts = "ivan@mail.ru / secret, maria@bk.ru / secret2"

    def cli_settings(self):
        """What points the socapi CLI here: URLs, the app and Иван's fixed session."""
        return {"SOCAPI_MAILRU_API_URL": f"{self.base}/mailru/platform/api",
                "SOCAPI_MAILRU_OAUTH_URL": f"{self.base}/mailru/oauth",
                "SOCAPI_MAILRU_WEB_URL": f"{self.base}/mailru/web",  # my.mail.ru, for --scrape
                "SOCAPI_MAILRU_APP_ID": str(MAIN_APP.app_id),
                "SOCAPI_MAILRU_PRIVATE_KEY": MAIN_APP.private_key,
                "SOCAPI_MAILRU_SECRET_KEY": MAIN_APP.secret_key,
                "SOCAPI_MAILRU_ACCESS_TOKEN": FIXED_SESSION_KEY,
                "SOCAPI_MAILRU_UID": IVAN}

    def __init__(self, seed, base_url):
        self.seed = seed
        self.base = base_url
        self.world = World(seed, base_url)
        self.new_token = TokenMint(seed)  # new_token(kind): tokens, codes and cookies
        fixed = Session(FIXED_SESSION_KEY, FIXED_REFRESH_TOKEN, IVAN, MAIN_APP.app_id,
                        frozenset(PERMISSIONS))
        self.sessions = {fixed.access_token: fixed}  # access token -> Session
        self.refresh_tokens = {fixed.refresh_token: fixed}  # refresh token -> latest Session
        self.codes = {}  # code -> (uid, app_id, redirect_uri, scope)
        self.logins = {}  # Mpop cookie -> uid
        self.grants = {}  # (uid, app_id) -> scope the user agreed to
        self.web = MyMailRu(self)  # my.mail.ru pages for the scrapers
        self.pages = {
            ("POST", "/mailru/oauth/token"): self.token,
            ("GET", "/mailru/oauth/authorize"): self.authorize,
            ("POST", "/mailru/oauth/authorize"): self.authorize,
            ("POST", "/mailru/cgi-bin/auth"): self.login,
            ("GET", "/mailru/oauth/success.html"): lambda request: html_page(
                "Авторизация", "<p>Авторизация завершена. Это окно можно закрыть.</p>"),
            ("GET", "/mailru/recovery"): lambda request: html_page(
                "Восстановление доступа", "<h1>Восстановление доступа</h1>\n"
                "<p>Ваш аккаунт заблокирован. Восстановите доступ к почтовому ящику.</p>"),
        }

    # --- the interface server.py uses ------------------------------------

    def method_of(self, request):
        return request.params.get("method")

    def api_error(self, code):
        return json_response(error_body(code), content_type=JSON_TYPE)

    def control(self, request, action):
        """GET /_emulator/mailru/code?client_id=&redirect_uri=&uid=[&scope=] -> {"code"};
        POST /_emulator/mailru/expire {"token"}: that session key answers 102 from now on;
        POST /_emulator/mailru/site: see mailru_web.py."""
        if (request.verb, action) == ("POST", "site"):
            return self.web.control(request)
        if (request.verb, action) == ("POST", "expire"):
            return expire_session(self.sessions, request)
        if (request.verb, action) != ("GET", "code"):
            return text_response("not found\n", 404)
        params = request.query
        app = APPS.get(params.get("client_id", ""))
        uid = params.get("uid", "")
        if (app is None or not params.get("redirect_uri") or uid not in self.world.users
                or uid in self.world.communities):
            return json_response({"error": "need client_id, redirect_uri and the uid of a person"}, 400)
        try:
            scope = parse_scope(params.get("scope", ""))
        except ValueError as error:
            return json_response({"error": str(error)}, 400)
        return json_response({"code": self.new_code(uid, app, params["redirect_uri"], scope)})

    def handle(self, request):
        path = request.path
        if path in ("/mailru/platform/api", "/mailru/platform/api/"):
            if request.verb not in ("GET", "POST"):
                return text_response("method not allowed\n", 405)
            return self.rest(request)
        if path.startswith("/mailru/web/"):
            return self.web.handle(request)
        if path.startswith("/mailru/platform/") and request.verb == "GET":
            return self.web.public(request)
        served = served_file(request, self.prefix, self.world.uploads)
        if served:
            return served
        page = self.pages.get((request.verb, path))
        return page(request) if page else text_response("not found\n", 404)

    # --- REST ------------------------------------------------------------

    def rest(self, request):
        params = request.params
        try:
            method, session, app = self.authenticate(params)
            if params.get("format", "json").lower() != "json":  # XML is not emulated
                raise ApiError(100)
            call = Call(self.world, app, session, params, request.files)
            result = self.world.resolve(method.handler(call), call.viewer)
        except ApiError as error:
            return self.api_error(error.code)
        return json_response(result, content_type=JSON_TYPE)

    def authenticate(self, params):
        """The checks every call passes, in this order:
        app (103), method (2), circuit restriction (100), session (102),
        signature (104), permission (200)."""
        app = APPS.get(params.get("app_id", ""))
        if app is None:
            raise ApiError(103)
        method = METHODS.get(params.get("method", ""))
        if method is None:
            raise ApiError(2)
        secure = params.get("secure", "0")
        if secure not in ("0", "1"):
            raise ApiError(100)
        circuit = SERVER_SERVER if secure == "1" else CLIENT_SERVER
        if method.circuit not in (None, circuit):
            raise ApiError(100)
        session = None
        if method.needs_session:
            session = self.sessions.get(params.get("session_key", ""))
            if session is None or not session.valid_for(app):
                raise ApiError(102)
        if circuit == SERVER_SERVER:
            expected = sign(params, "", app.secret_key)
        else:
            expected = sign(params, session.uid, app.private_key)
        if params.get("sig", "").lower() != expected:
            raise ApiError(104)
        if method.permission and method.permission not in session.scope:
            raise ApiError(200)
        return method, session, app

    # --- tokens ----------------------------------------------------------

    def issue(self, uid, app, scope, refresh_token=None):
        session = Session(self.new_token("access"), refresh_token or self.new_token("refresh"),
                          uid, app.app_id, frozenset(scope), time.time() + TOKEN_LIFETIME)
        self.sessions[session.access_token] = session
        self.refresh_tokens[session.refresh_token] = session
        return session

    def new_code(self, uid, app, redirect_uri, scope):
        code = self.new_token("code")
        self.codes[code] = (uid, app.app_id, redirect_uri, scope)
        return code

    def account(self, email, password):
        """The Account for a correct e-mail and password, else None."""
        return find_account(self.world.accounts, email, password)

    # --- POST /mailru/oauth/token: code, password and refresh grants ------

    def token(self, request):
        try:
            session = self.grant(request.params)
        except OAuthError as error:
            return json_response(error.body(), 400, JSON_TYPE)
        return json_response(session.token_reply(), content_type=JSON_TYPE)

    def grant(self, form):
        handler = grant_handler(form, {"password": self.password_grant,
                                       "refresh_token": self.refresh_grant,
                                       "authorization_code": self.code_grant})
        app = APPS.get(form.get("client_id", ""))
        if app is None or form.get("client_secret") != app.secret_key:
            raise OAuthError("invalid_client", "invalid client id")
        return handler(app, form)

    def password_grant(self, app, form):
        username, password = form.get("username", ""), form.get("password", "")
        if not username or not password:
            raise OAuthError("invalid_request", "username and password are required")
        account = self.account(username, password)
        if account is None:
            raise OAuthError("invalid_grant", "invalid login or password")
        if account.blocked:
            raise OAuthError("invalid_user", "user is blocked")
        try:
            scope = parse_scope(form.get("scope", ""))
        except ValueError as error:
            raise OAuthError("invalid_request", str(error)) from None
        return self.issue(account.uid, app, scope)

    def refresh_grant(self, app, form):
        if not form.get("refresh_token"):
            raise OAuthError("invalid_request", "refresh_token is required")
        old = self.refresh_tokens.get(form["refresh_token"])
        if old is None or old.app_id != app.app_id:
            raise OAuthError("invalid_grant", "invalid refresh token")
        return self.issue(old.uid, app, old.scope, old.refresh_token)

    def code_grant(self, app, form):
        if not form.get("code") or not form.get("redirect_uri"):
            raise OAuthError("invalid_request", "code and redirect_uri are required")
        found = self.codes.get(form["code"])
        if found is None or found[1] != app.app_id:
            raise OAuthError("invalid_grant", "invalid code")
        uid, _, redirect_uri, scope = found
        if form["redirect_uri"] != redirect_uri:
            raise OAuthError("invalid_grant", "redirect_uri mismatch")
        del self.codes[form["code"]]  # a code works once
        return self.issue(uid, app, scope)

    # --- the implicit flow pages (aiomailru's ImplicitSession) -------------

    def authorize(self, request):
        """GET: login dialog, consent dialog or the redirect with the token or code.
        POST: the consent form; records the grant, then redirects."""
        params = request.params
        app = APPS.get(params.get("client_id", ""))
        if app is None:
            return error_page("Не указано приложение", status=200)
        redirect_uri, response_type = params.get("redirect_uri", ""), params.get("response_type", "")
        if not redirect_uri or response_type not in ("token", "code"):
            return error_page("Неверный запрос: нужны redirect_uri и response_type token или code.")
        try:
            scope = parse_scope(params.get("scope", ""))
        except ValueError as error:
            return error_page(f"Неверный запрос: {error}.")
        uid = self.logins.get(request.cookies.get("Mpop", ""))
        if uid is None:
            return self.login_dialog(params)
        if app.in_development:
            return html_page("Авторизация запрещена", "<h1>Авторизация запрещена</h1>\n"
                             "<p>Приложение находится в разработке, поэтому авторизация не доступна.</p>")
        if request.verb == "POST":
            if params.get("sig") != self.consent_sig(uid, app, scope):
                return error_page("Неверная подпись формы доступа.")
            self.grants[(uid, app.app_id)] = self.grants.get((uid, app.app_id), frozenset()) | scope
        granted = self.grants.get((uid, app.app_id))
        if granted is None or not scope <= granted:
            return self.consent_dialog(uid, app, params, scope)
        fields = {}
        if response_type == "token":
            fields.update(self.issue(uid, app, scope).token_reply())
        else:
            fields["code"] = self.new_code(uid, app, redirect_uri, scope)
        if params.get("state"):
            fields["state"] = params["state"]
        if response_type == "token":
            return redirect(f"{redirect_uri}#{urlencode(fields)}")
        return redirect(with_query(redirect_uri, fields))

    def authorize_url(self, params):
        fields = {name: params[name] for name in
                  ("client_id", "redirect_uri", "response_type", "scope", "state") if name in params}
        return f"{self.base}/mailru/oauth/authorize?{urlencode(fields, quote_via=quote)}"

    def login_dialog(self, params):
        authorize = self.authorize_url(params)
        failed = "<p>Неверное имя пользователя или пароль.</p>\n" if "fail" in params else ""
        options = "".join(f'<option value="{domain}">{domain}</option>' for domain in DOMAINS)
        return html_page("Вход", (
            f"<h1>Вход на Mail.Ru</h1>\n{failed}"
            f'<form id="login-form" method="post" action="{self.base}/mailru/cgi-bin/auth">\n'
            f"{hidden('Page', authorize + '&login=1')}\n{hidden('FailPage', authorize + '&fail=1')}\n"
            '<input type="text" name="Login" value="">\n'
            f'<select name="Domain">{options}</select>\n'
            '<input type="password" name="Password" value="">\n'
            '<button type="submit">Войти</button>\n</form>'))

    def consent_sig(self, uid, app, scope):
        """Ties the consent form to the user, the app and the scope it shows."""
        return md5_hex(f"consent:{self.seed}:{uid}:{app.app_id}:{scope_text(scope)}")

    def consent_dialog(self, uid, app, params, scope):
        fields = {"sig": self.consent_sig(uid, app, scope), "client_id": app.app_id,
                  "redirect_uri": params["redirect_uri"], "response_type": params["response_type"],
                  "state": params.get("state", ""), "login": "1",
                  "needed_permissions": NEEDED_PERMISSIONS, "scope": scope_text(scope)}
        inputs = "\n".join(hidden(name, value) for name, value in fields.items())
        deny = with_query(params["redirect_uri"], {"error": "access_denied"})
        return html_page("Доступ к данным", (
            "<h1>Необходим доступ к вашим данным</h1>\n"
            f"<p>Приложение «{escape(app.name)}» запрашивает: "
            f"{escape(scope_text(scope) or 'данные профиля')}.</p>\n"
            f'<form method="post" action="{self.base}/mailru/oauth/authorize">\n{inputs}\n'
            '<button type="submit" name="agree" value="1">Разрешить</button>\n'
            f'<a href="{escape(deny)}">Отмена</a>\n</form>'))

    def login(self, request):
        """POST /mailru/cgi-bin/auth: the login form of the dialog above."""
        form = request.params
        page, fail_page = form.get("Page", ""), form.get("FailPage", "")
        if not page or not fail_page:
            return error_page("Неверный запрос: нужны Page и FailPage.")
        login = form.get("Login", "")
        email = login if "@" in login else f"{login}@{form.get('Domain') or 'mail.ru'}"
        account = self.account(email, form.get("Password", ""))
        if account is None:
            return redirect(fail_page)
        if account.blocked:
            return redirect(f"{self.base}/mailru/recovery")
        mpop = self.new_token("mpop")
        self.logins[mpop] = account.uid
        return redirect(page, [("Set-Cookie", f"Mpop={mpop}; Path=/; HttpOnly"),
                               ("Set-Cookie", f"t={self.new_token('t')}; Path=/")])
