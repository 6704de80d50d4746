"""VK's world: the seeded social graph, what clients post into it, and how it
renders users, communities, posts, photos and messages.
"""

import itertools
import random
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..common import DAY, EPOCH, FEMALE_NAMES, HOUR, MALE_NAMES, SURNAMES, ApiError
from .constants import (ADMIN_LEVELS, ATTACHMENT_KINDS, AUDIOS, BANNED_USER, CAPTCHA_USER, CASES, CITIES,
                        CITY_IDS, CLIENT_ID, CLOSED_CLUB, CLUB, COMMENT_TEXTS, COMMUNITIES, COMPANIES,
                        COUNTRIES, DECLENSION, DELETED_USER, DOCS, FLEETING_VOWEL, GROUP_POST_TEXTS, IVAN,
                        LINKS, MARIA, MESSAGES_ALBUM, MESSAGE_TEXTS, NEWS, OWNER_KEYS, PHOTO_DIMENSIONS,
                        POLLS, POST_TEXTS, PRIVATE_USER, PROFILE_TEXTS, SIZE_TYPES, STATUSES, SYSTEM_ALBUMS,
                        TWO_FACTOR_USER, UNIVERSITIES, VIDEOS, invalid)


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
