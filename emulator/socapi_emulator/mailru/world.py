"""Platform@Mail.Ru's world: the seeded social graph, and what clients post
into it.
"""

import time
from dataclasses import dataclass

from ..common import DAY, EPOCH, FEMALE_NAMES, HOUR, MALE_NAMES, SURNAMES, Account, SeededWorld, md5_hex
from ..mailru_web import MONTHS, add_web_communities
from .constants import (APPS, COMMUNITIES, DOMAINS, GIFTS, GUESTBOOK, IVAN, LINKS, MAIN_APP, MARIA, MESSAGES,
                        MICROPOSTS, PERSON_EVENTS, PLACES, REFERER_TYPES, STATUSES, TAGS, TRACKS, TYPE_NAMES,
                        VIDEOS)


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
