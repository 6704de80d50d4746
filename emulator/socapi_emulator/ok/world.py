"""OK.ru's world: the seeded social graph, and what clients post into it."""

import time
from dataclasses import dataclass

from ..common import DAY, EPOCH, FEMALE_NAMES, HOUR, MALE_NAMES, SURNAMES, Account, SeededWorld, find_account
from .constants import (ALBUM_TITLES, AVATAR_SIZES, ENTITY_GROUP_FIELDS, ENTITY_USER_FIELDS, EVENT_TYPES,
                        GROUPS, IVAN, LINKS, MARIA, PERMISSIONS, PHOTO_SIZES, PICTURES, PLACES, POLLS,
                        STATUSES, TOPIC_TEXTS, VALUABLE_ACCESS, stamp)


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
