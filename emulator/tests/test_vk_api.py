"""Tests of the VK emulator's REST API over real HTTP on a loopback port: the
rules of every call, error codes, captcha / validation / confirmation and rate
limits, execute, uploads, the seeded world and faults.

Run from the repository root:
    python3 -m unittest discover -s emulator/tests -t emulator -v
"""

import json
import os
import sys
import time
import unittest
import urllib.parse

EMULATOR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, EMULATOR)

from socapi_emulator import vk  # noqa: E402
from tests.support import multipart, other_servers  # noqa: E402
from tests.vk_support import (BANNED, CLOSED_CLUB, CLUB, CLUB_TOKEN, DELETED, IVAN, IVAN_TOKEN, MARIA,  # noqa: E402
                              NEWS_TOKEN, PNG, PRIVATE, SERVICE_TOKEN, VkCase, fetch)
from tests.vk_support import setUpModule, tearDownModule  # noqa: E402,F401  (one server for the module)


# --- the rules of every call ---------------------------------------------------------

class RequestRulesTest(VkCase):
    def test_token_in_the_url_is_refused_and_logged_by_name(self):
        answer = self.raw("users.get", {"v": "5.199"}, query=f"?access_token={IVAN_TOKEN}")
        self.assertEqual(answer["error"]["error_code"], 5)
        self.assertIn("URL query string", answer["error"]["error_msg"])
        self.api("users.get")
        self.raw("users.get", {"v": "5.199"}, headers={"Authorization": f"Bearer {IVAN_TOKEN}"})
        status, _, body = fetch(self.base + "/_emulator/vk/requests")
        in_url, in_body, in_header = json.loads(body)[-3:]
        self.assertEqual(in_url, {"verb": "POST", "method": "users.get", "query_keys": ["access_token"],
                                  "body_keys": ["v"], "has_authorization_header": False})
        self.assertEqual((in_body["query_keys"], in_body["body_keys"]), ([], ["v", "access_token"]))
        self.assertTrue(in_header["has_authorization_header"])
        self.assertNotIn(IVAN_TOKEN.encode(), body)  # names only, never values
        fetch(self.base + "/_emulator/reset", b"")
        self.assertEqual(json.loads(fetch(self.base + "/_emulator/vk/requests")[2]), [])

    def test_bearer_header_and_get_with_query(self):
        answer = self.raw("users.get", {"v": "5.199"}, headers={"Authorization": f"Bearer {IVAN_TOKEN}"})
        self.assertEqual(answer["response"][0]["id"], IVAN)
        answer = self.raw("users.get", {"v": "5.199"}, headers={"Authorization": f"Basic {IVAN_TOKEN}"})
        self.assertEqual(answer["error"]["error_code"], 5)
        status, _, body = fetch(f"{self.base}/vk/method/users.get?v=5.199&user_ids={MARIA}")
        self.assertEqual(json.loads(body)["response"][0]["first_name"], "Мария")

    def test_multipart_body(self):
        body, content_type = multipart({"v": "5.199", "access_token": IVAN_TOKEN, "user_ids": str(MARIA)}, {})
        status, _, answer = fetch(f"{self.base}/vk/method/users.get", body, {"Content-Type": content_type})
        self.assertEqual(json.loads(answer)["response"][0]["id"], MARIA)

    def test_version(self):
        answer = self.raw("users.get", {"access_token": IVAN_TOKEN})
        self.assertEqual(answer["error"]["error_code"], 8)
        self.assertEqual(answer["error"]["error_msg"], "Invalid request: v is required")
        for version in ("4.0", "5.80", "5", "6.0", "latest"):
            self.error("users.get", 8, v=version)
        self.api("users.get", v="5.131")

    def test_envelope_echoes_parameters_but_the_token(self):
        error = self.error("users.noSuchMethod", 3, user_ids="1")
        self.assertEqual(error["error_msg"], "Unknown method passed")
        self.assertEqual(error["request_params"], [{"key": "method", "value": "users.noSuchMethod"},
                                                   {"key": "v", "value": "5.199"},
                                                   {"key": "user_ids", "value": "1"}])

    def test_tokens(self):
        self.assertEqual(self.error("friends.get", 5, token=None)["error_msg"],
                         "User authorization failed: no access_token passed.")
        self.error("friends.get", 5, token="vk1.a.nonsense")
        self.assertEqual(self.api("users.get", token=None, user_ids=str(IVAN))[0]["first_name"], "Иван")
        self.error("users.get", 100, token=None)  # no token: nobody to default to
        for method, params in (("utils.getServerTime", {}), ("utils.resolveScreenName", {"screen_name": "durov"}),
                               ("database.getCountries", {}), ("database.getCities", {"country_id": "1"})):
            self.api(method, token=None, **params)

    def test_token_kinds(self):
        error = self.error("friends.get", 27, token=CLUB_TOKEN)
        self.assertEqual(error["error_msg"], "Group authorization failed: method is unavailable with group auth.")
        self.error("wall.post", 27, token=NEWS_TOKEN, message="x")
        self.error("messages.getConversations", 28, token=SERVICE_TOKEN)
        self.assertEqual(self.api("groups.getById", token=CLUB_TOKEN)["groups"][0]["id"], CLUB)
        self.assertEqual(self.api("friends.get", token=SERVICE_TOKEN, user_id=str(MARIA))["count"],
                         len(self.api("friends.get", user_id=str(MARIA))["items"]))
        self.error("friends.get", 100, token=SERVICE_TOKEN)  # a service token is nobody

    def test_scope(self):
        status, reply = self.direct_auth(scope="friends,photos")
        self.assertEqual(status, 200)
        token = reply["access_token"]
        self.api("friends.get", token=token)
        self.api("users.get", token=token)
        self.assertEqual(self.error("wall.post", 15, token=token, message="x")["error_msg"],
                         "Access denied: no access to call this method")
        self.error("messages.send", 15, token=token, peer_id=str(MARIA), random_id="1", message="x")
        self.error("newsfeed.get", 15, token=token)  # needs wall and friends
        token = self.direct_auth(scope=str(2 + 8192))[1]["access_token"]  # a bit mask: friends, wall
        self.api("newsfeed.get", token=token, count="1")

    def test_lang(self):
        russian = self.api("database.getCountries", code="RU")["items"]
        english = self.api("database.getCountries", code="RU", lang="en")["items"]
        self.assertEqual((russian, english), ([{"id": 1, "title": "Россия"}], [{"id": 1, "title": "Russia"}]))
        self.assertEqual(self.error("users.get", 113, lang="ru", user_ids="1")["error_msg"], "Invalid user id")

    def test_controls_refuse_bad_bodies(self):
        for action, spec in (("captcha", {"method": "wall.nope"}), ("captcha", {"method": "wall.post", "times": 0}),
                             ("validation", {"method": "wall.post", "colour": 1}),
                             ("rate_limit", {"user": -1}), ("rate_limit", {"robots": 3}),
                             ("confirmation", ["wall.post"])):
            self.assertEqual(self.control(action, spec)[0], 400, (action, spec))
        status, _, _ = fetch(self.base + "/_emulator/vk/captcha", b"{not json", {"Content-Type": "application/json"})
        self.assertEqual(status, 400)
        self.assertEqual(fetch(self.base + "/_emulator/vk/nothing")[0], 404)
        status, _, body = fetch(self.base + "/_emulator/vk/code?client_id=1&redirect_uri=x&user_id=1")
        self.assertEqual(status, 400)


class ErrorCodeTest(VkCase):
    def test_owner_errors(self):
        self.assertEqual(self.error("wall.get", 18, owner_id=str(DELETED))["error_msg"], "User was deleted or banned")
        self.error("friends.get", 18, user_id=str(BANNED))
        self.assertEqual(self.error("wall.get", 30, owner_id=str(PRIVATE))["error_msg"], "This profile is private")
        self.error("photos.getAll", 30, owner_id=str(PRIVATE))
        maria = self.direct_auth("maria@vk.ru", "secret2", scope="wall,friends")[1]["access_token"]
        self.api("wall.get", token=maria, owner_id=str(PRIVATE))  # a friend sees it
        self.error("wall.get", 113, owner_id="172999999")
        self.error("users.get", 113, user_ids="172000001,no_such_name")
        self.assertEqual(self.error("wall.get", 203, owner_id=str(-CLOSED_CLUB))["error_msg"], "Access to group denied")
        self.error("groups.getMembers", 203, group_id=str(CLOSED_CLUB))
        self.api("groups.getMembers", token=maria, group_id="secret_club")

    def test_parameter_errors(self):
        self.assertEqual(self.error("wall.getById", 100)["error_msg"],
                         "One of the parameters specified was missing or invalid: posts is undefined")
        self.assertIn("not integer", self.error("friends.get", 100, count="ten")["error_msg"])
        self.error("friends.get", 100, offset="-1")
        self.error("users.get", 100, name_case="vocative")
        self.error("groups.getById", 100, group_ids="999999")
        self.error("messages.send", 100, peer_id=str(MARIA), message="no random_id")
        self.error("messages.send", 100, peer_id=str(MARIA), random_id="1")  # no message

    def test_other_rules(self):
        stranger = self.api("friends.getRequests", out="1")["items"][0]  # Иван asked; not a friend yet
        self.error("wall.post", 214, owner_id=str(stranger), message="x")
        self.error("messages.send", 902, peer_id=str(PRIVATE), random_id="1", message="x")
        self.error("messages.send", 901, token=CLUB_TOKEN, peer_id=str(MARIA), random_id="1", message="x")
        self.error("wall.edit", 15, owner_id=str(-CLUB), post_id="1", message="x",
                   token=self.direct_auth("maria@vk.ru", "secret2", scope="wall")[1]["access_token"])
        self.error("friends.add", 174, user_id=str(IVAN))

    def test_methods_not_emulated(self):
        not_emulated = set(self.schema.methods) - set(vk.METHODS)
        self.assertEqual(not_emulated, {"messages.getLongPollServer", "messages.getConversationMembers"})
        for method in not_emulated:
            self.error(method, 3)


# --- captcha, validation, confirmation, rate limits ---------------------------------

class ChallengeTest(VkCase):
    def test_captcha(self):
        self.assertEqual(self.control("captcha", {"method": "wall.post", "times": 1})[0], 200)
        self.api("users.get")  # other methods: untouched
        error = self.error("wall.post", 14, message="Привет")
        sid = error["captcha_sid"]
        self.assertTrue(sid.isdigit())
        self.assertEqual(error["captcha_img"], f"{self.base}/vk/captcha.php?sid={sid}&s=1")
        status, headers, _ = fetch(error["captcha_img"])
        self.assertEqual((status, headers["Content-Type"]), (200, "image/gif"))
        wrong = self.error("wall.post", 14, message="Привет", captcha_sid=sid, captcha_key="0000")
        self.assertNotEqual(wrong["captcha_sid"], sid)
        sid = wrong["captcha_sid"]
        self.assertIn("post_id", self.api("wall.post", message="Привет", captcha_sid=sid, captcha_key=sid[-4:]))
        self.api("wall.post", message="x")  # times=1 is used up
        self.control("captcha", {"method": "wall.post", "times": 2})
        self.error("wall.post", 14, message="x", confirm="1")  # answers another challenge only
        sid = self.error("wall.post", 14, message="x")["captcha_sid"]
        self.api("wall.post", message="x", captcha_sid=sid, captcha_key=sid[-4:])
        self.api("wall.post", message="x", captcha_sid="12345", captcha_key="2345")  # unknown sid: ignored

    def test_vkid_captcha(self):
        self.control("vkid_captcha", {"method": "wall.post", "times": 1})
        error = self.error("wall.post", 14, message="Привет")
        self.assertNotIn("captcha_sid", error)
        page = error["redirect_uri"]
        self.assertTrue(page.startswith(f"{self.base}/vk/captcha/vkid?session="))
        session = urllib.parse.parse_qs(urllib.parse.urlsplit(page).query)["session"][0]
        status, _, body = fetch(page)
        self.assertEqual(status, 200)
        self.assertIn(f"success_token: ok-{session}", body.decode())
        again = self.error("wall.post", 14, message="x", success_token="ok-wrong")  # a new page
        self.assertNotEqual(again["redirect_uri"], page)
        self.assertIn("post_id", self.api("wall.post", message="x", success_token="ok-" + session))
        self.error("wall.post", 14, message="x", success_token="ok-" + session)  # a token works once

    def test_validation_and_confirmation(self):
        self.control("validation", {"method": "friends.get", "times": 2})
        for _ in range(2):
            error = self.error("friends.get", 17)
            self.assertTrue(error["redirect_uri"].startswith(f"{self.base}/vk/oauth/validate?"))
        self.assertEqual(fetch(error["redirect_uri"])[0], 200)
        self.api("friends.get")
        self.control("confirmation", {"method": "friends.delete"})
        error = self.error("friends.delete", 24, user_id=str(MARIA))
        self.assertTrue(error["confirmation_text"])
        self.assertEqual(self.api("friends.delete", user_id=str(MARIA), confirm="1"),
                         {"success": 1, "friend_deleted": 1})

    def test_rate_limit(self):
        self.assertEqual(self.control("rate_limit", {"user": 2, "group": 3}), (200, {"user": 2, "group": 3}))
        self.api("users.get")
        self.api("users.get")
        self.assertEqual(self.error("users.get", 6)["error_msg"], "Too many requests per second")
        for _ in range(3):
            self.api("groups.getById", token=CLUB_TOKEN)
        self.error("groups.getById", 6, token=CLUB_TOKEN)
        self.api("groups.getById", token=NEWS_TOKEN)  # per token
        time.sleep(1.05)
        self.api("users.get")
        self.control("rate_limit", {"user": 0, "group": 0})
        for _ in range(5):
            self.api("users.get")


# --- execute -----------------------------------------------------------------

class ExecuteTest(VkCase):
    def test_list_with_a_partial_failure(self):
        code = ('return [API.users.get({"user_ids": "172000002", fields: "sex"}),\n'
                "  API.wall.get({owner_id: -200003}), API.friends.getMutual({target_uid: 172000002}),"
                " API.groups.isMember({group_id: 'c_lovers', user_ids: [172000001, 172000002], extended: true})];")
        answer = self.call("execute", code=code)
        users, closed_wall, mutual, members = answer["response"]
        self.assertEqual((users[0]["id"], users[0]["sex"], closed_wall), (MARIA, 1, False))
        self.assertIsInstance(mutual, list)
        self.assertEqual([member["user_id"] for member in members], [IVAN, MARIA])
        self.assertEqual(answer["execute_errors"], [{"method": "wall.get", "error_code": 203,
                                                     "error_msg": "Access to group denied"}])

    def test_single_call_and_errors(self):
        answer = self.call("execute", code="return API.utils.getServerTime();")
        self.assertEqual((answer["response"], "execute_errors" in answer), (1717200000, False))
        answer = self.call("execute", code="return API.no.such({});")
        self.assertEqual((answer["response"], answer["execute_errors"][0]["error_code"]), (False, 3))
        self.assertEqual(self.call("execute", code="return API.messages.getConversations();",
                                   token=CLUB_TOKEN)["response"]["count"], 1)
        for code in ("var a = 1; return a;", "return API.users.get({x: y});", "return [API.users.get()",
                     "return API.users.get();;", "return API.users.get({a: 1 b: 2});", "return API();"):
            self.assertTrue(self.error("execute", 12, code=code)["error_msg"].startswith("Unable to compile code"))
        self.error("execute", 13, code="return [" + ", ".join(["API.users.get()"] * 26) + "];")
        answer = self.call("execute", token=CLUB_TOKEN, code="return API.friends.get();")
        self.assertEqual(answer["execute_errors"][0]["error_code"], 27)


# --- uploads -----------------------------------------------------------------

class UploadTest(VkCase):
    def test_wall_photo(self):
        server = self.api("photos.getWallUploadServer")
        self.assertEqual((server["album_id"], server["user_id"]), (-7, IVAN))
        answer = self.upload(server["upload_url"], {"photo": PNG})
        self.assertEqual(set(answer), {"server", "photo", "hash"})
        self.assertIsInstance(json.loads(answer["photo"]), list)
        self.error("photos.saveWallPhoto", 121, photo=answer["photo"], server=str(answer["server"]), hash="0")
        self.error("photos.saveWallPhoto", 118, photo=answer["photo"], server="1", hash=answer["hash"])
        (photo,) = self.api("photos.saveWallPhoto", photo=answer["photo"], server=str(answer["server"]),
                            hash=answer["hash"], caption="Подпись")
        self.assertEqual((photo["owner_id"], photo["album_id"], photo["text"]), (IVAN, -7, "Подпись"))
        status, headers, body = fetch(photo["sizes"][-1]["url"])
        self.assertEqual((status, headers["Content-Type"], body), (200, "image/png", PNG))
        self.error("photos.saveWallPhoto", 100, photo=answer["photo"], server=str(answer["server"]),
                   hash=answer["hash"])  # saved once
        post = self.api("wall.post", message="С фото", attachments=f"photo{IVAN}_{photo['id']},https://example.ru")
        (item,) = self.api("wall.getById", posts=f"{IVAN}_{post['post_id']}")["items"]
        self.assertEqual([attachment["type"] for attachment in item["attachments"]], ["photo", "link"])
        self.assertEqual(item["attachments"][0]["photo"]["id"], photo["id"])

    def test_album_community_and_errors(self):
        album = self.api("photos.createAlbum", title="Клубное", group_id=str(CLUB))
        self.assertEqual(album["owner_id"], -CLUB)
        server = self.api("photos.getUploadServer", album_id=str(album["id"]), group_id=str(CLUB))
        self.assertEqual(server["group_id"], CLUB)
        self.assertIn("error", self.upload(server["upload_url"], {"photo": PNG}))  # album uploads: file1..5
        self.assertIn("error", self.upload(server["upload_url"].replace("hash=", "hash=0"), {"file1": PNG}))
        answer = self.upload(server["upload_url"], {"file1": PNG, "file2": PNG[::-1]})
        self.assertEqual((set(answer), answer["aid"]), ({"server", "photos_list", "aid", "hash"}, album["id"]))
        self.error("photos.save", 100, album_id="1", group_id=str(CLUB), server=str(answer["server"]),
                   photos_list=answer["photos_list"], hash=answer["hash"])  # another album
        saved = self.api("photos.save", album_id=str(album["id"]), group_id=str(CLUB), server=str(answer["server"]),
                         photos_list=answer["photos_list"], hash=answer["hash"])
        self.assertEqual([photo["user_id"] for photo in saved], [IVAN, IVAN])
        listed = self.api("photos.get", owner_id=str(-CLUB), album_id=str(album["id"]))
        self.assertEqual([photo["id"] for photo in listed["items"]], [photo["id"] for photo in saved])
        self.error("photos.getUploadServer", 15, album_id=str(album["id"]), group_id=str(CLOSED_CLUB))

    def test_messages_and_owner_photo(self):
        server = self.api("photos.getMessagesUploadServer", token=CLUB_TOKEN)
        self.assertEqual((server["user_id"], server["group_id"]), (0, CLUB))
        answer = self.upload(server["upload_url"], {"photo": PNG})
        self.error("photos.saveMessagesPhoto", 100, photo=answer["photo"], server=str(answer["server"]),
                   hash=answer["hash"])  # Иван did not ask for this upload server
        (photo,) = self.api("photos.saveMessagesPhoto", token=CLUB_TOKEN, photo=answer["photo"],
                            server=str(answer["server"]), hash=answer["hash"])
        message_id = self.api("messages.send", token=CLUB_TOKEN, peer_id=str(IVAN), random_id="9",
                              attachment=f"photo{-CLUB}_{photo['id']}")
        (message,) = self.api("messages.getById", message_ids=str(message_id))["items"]
        self.assertEqual(message["attachments"][0]["photo"]["id"], photo["id"])
        server = self.api("photos.getOwnerPhotoUploadServer")
        answer = self.upload(server["upload_url"], {"photo": PNG})
        saved = self.api("photos.saveOwnerPhoto", photo=answer["photo"], server=str(answer["server"]),
                         hash=answer["hash"])
        me = self.api("users.get", fields="photo_200")[0]
        self.assertEqual(me["photo_200"], saved["photo_src"])
        self.assertEqual(fetch(me["photo_200"])[2], PNG)


# --- the seeded world ------------------------------------------------------------

class WorldTest(VkCase):
    def test_people(self):
        ivan, maria, private, deleted = self.api("users.get", user_ids=f"{IVAN},maria_sidorova,id{PRIVATE},{DELETED}",
                                                 fields="city,bdate,sex,online,is_friend,can_post")
        self.assertEqual((ivan["first_name"], ivan["last_name"], ivan["city"]["title"]), ("Иван", "Петров", "Москва"))
        self.assertEqual((maria["is_friend"], maria["can_post"], maria["sex"]), (1, 1, 1))
        self.assertEqual((private["is_closed"], private["can_access_closed"]), (True, False))
        self.assertNotIn("city", private)
        self.assertEqual((deleted["first_name"], deleted["deactivated"]), ("DELETED", "deleted"))
        self.assertNotIn("is_closed", deleted)
        for case, expected in (("gen", ("Ивана", "Петрова", "Марии", "Сидоровой")),
                               ("ins", ("Иваном", "Петровым", "Марией", "Сидоровой")),
                               ("dat", ("Ивану", "Петрову", "Марии", "Сидоровой"))):
            ivan, maria = self.api("users.get", user_ids=f"{IVAN},{MARIA}", name_case=case)
            self.assertEqual((ivan["first_name"], ivan["last_name"], maria["first_name"], maria["last_name"]),
                             expected)
        self.assertEqual(self.api("utils.resolveScreenName", screen_name="c_lovers"),
                         {"type": "group", "object_id": CLUB})
        self.assertEqual(self.api("utils.resolveScreenName", screen_name="nobody_here"), {})

    def test_friends_paging_to_the_end(self):
        everyone = self.api("friends.get")
        self.assertGreaterEqual(everyone["count"], 25)
        self.assertIn(MARIA, everyone["items"])
        seen, offset = [], 0
        while True:
            page = self.api("friends.get", offset=str(offset), count="10", fields="online")
            if not page["items"]:
                break
            self.assertEqual(page["count"], everyone["count"])
            seen += [user["id"] for user in page["items"]]
            offset += len(page["items"])
        self.assertEqual(seen, everyone["items"])
        self.assertEqual(self.api("friends.get", count="9000")["items"], everyone["items"])  # cut to the maximum

    def test_booleans(self):
        """0/1 where the schema says base_bool_int, true/false where it says boolean."""
        post = self.api("wall.get", count="1")["items"][0]
        self.assertIn(post["likes"]["user_likes"], (0, 1))
        self.assertIs(post["is_favorite"], False)
        self.assertIs(post["comments"]["groups_can_post"], True)
        user = self.api("users.get", fields="online,online_info,has_photo")[0]
        self.assertEqual((user["online"], user["has_photo"], user["online_info"]["is_online"]), (1, 1, True))
        self.assertIs(user["is_closed"], False)
        self.assertEqual(self.api("groups.isMember", group_id=str(CLUB)), 1)
        self.assertEqual(self.api("groups.isMember", group_id=str(CLOSED_CLUB)), 0)
        self.assertIs(self.api("photos.getAll", count="1")["items"][0]["has_tags"], False)
        # a literal "false" is true for VK
        self.assertIn("groups", self.api("wall.get", count="1", extended="false"))

    def test_walls_with_negative_owners(self):
        club = self.api("wall.get", owner_id=str(-CLUB), extended="1")
        self.assertTrue(club["items"][0]["is_pinned"])
        self.assertTrue(all(post["owner_id"] == -CLUB for post in club["items"]))
        self.assertIn(-CLUB, {post["from_id"] for post in club["items"]})
        self.assertTrue(any(post["from_id"] > 0 for post in club["items"]))  # a member's post
        self.assertTrue(any(post.get("signer_id") == IVAN for post in club["items"]))
        self.assertEqual([group["id"] for group in club["groups"]], [CLUB])
        by_domain = self.api("wall.get", domain="c_lovers", filter="owner")
        self.assertTrue(all(post["from_id"] == -CLUB for post in by_domain["items"]))
        post = self.api("wall.post", owner_id=str(-CLUB), from_group="1", message="От сообщества")
        newest = self.api("wall.get", owner_id=str(-CLUB), count="2")["items"][1]  # after the pinned post
        self.assertEqual((newest["id"], newest["from_id"], newest["post_source"]["type"]),
                         (post["post_id"], -CLUB, "api"))
        kinds = {attachment["type"] for item in self.api("wall.get", count="100")["items"]
                 for attachment in item["attachments"]}
        self.assertEqual(kinds, {"photo", "link", "video", "audio", "doc", "poll", "album"})
        self.assertTrue(any("copy_history" in item for item in self.api("wall.get", count="100")["items"]))

    def test_comments_and_likes(self):
        post = self.api("wall.post", message="Обсудим?")["post_id"]
        first = self.api("wall.createComment", post_id=str(post), message="Первый")
        reply = self.api("wall.createComment", post_id=str(post), message="Ответ",
                         reply_to_comment=str(first["comment_id"]))
        self.assertEqual(reply["parents_stack"], [first["comment_id"]])
        comments = self.api("wall.getComments", post_id=str(post), thread_items_count="5", need_likes="1")
        self.assertEqual(comments["count"], 1)
        self.assertEqual(comments["items"][0]["thread"]["items"][0]["reply_to_comment"], first["comment_id"])
        self.assertEqual(self.api("likes.add", type="post", item_id=str(post)), {"likes": 1})
        self.assertEqual(self.api("likes.isLiked", type="post", item_id=str(post)), {"liked": 1, "copied": 0})
        self.assertEqual(self.api("likes.getList", type="post", item_id=str(post), extended="1")["items"][0]["type"],
                         "profile")
        self.assertEqual(self.api("likes.delete", type="post", item_id=str(post)), {"likes": 0})
        self.assertEqual(self.api("wall.deleteComment", comment_id=str(first["comment_id"])), 1)
        self.assertEqual(self.api("wall.getComments", post_id=str(post))["count"], 0)

    def test_messages(self):
        before = self.api("messages.getConversations")
        self.assertGreaterEqual(before["unread_count"], 1)
        first = self.api("messages.send", peer_id=str(MARIA), random_id="42", message="Привет!")
        self.assertEqual(self.api("messages.send", peer_id=str(MARIA), random_id="42", message="Привет!"), first)
        history = self.api("messages.getHistory", peer_id=str(MARIA), count="1")
        self.assertEqual((history["items"][0]["id"], history["items"][0]["out"], history["items"][0]["text"]),
                         (first, 1, "Привет!"))
        many = self.api("messages.send", peer_ids=f"{MARIA},{PRIVATE}", random_id="43", message="Всем")
        self.assertEqual(many[1]["error"], {"code": 902})
        self.assertEqual(self.api("messages.markAsRead", peer_id=str(-CLUB)), 1)
        conversation = self.api("messages.getConversationsById", peer_ids=str(-CLUB))["items"][0]
        self.assertNotIn("unread_count", conversation)
        club_side = self.api("messages.getConversations", token=CLUB_TOKEN)
        self.assertEqual(club_side["items"][0]["conversation"]["peer"]["id"], IVAN)

    def test_storage_and_status(self):
        self.assertEqual(self.api("storage.get", key="greeting"), [{"key": "greeting", "value": "Привет"}])
        self.api("storage.set", key="colour", value="синий")
        self.assertEqual(self.api("storage.getKeys"), ["greeting", "colour"])
        self.api("storage.set", key="colour", value="")
        self.assertEqual(self.api("storage.getKeys"), ["greeting"])
        self.error("storage.set", 100, key="bad key!", value="x")
        self.api("storage.set", token=SERVICE_TOKEN, key="global", value="1")
        self.assertEqual(self.api("storage.getKeys", token=SERVICE_TOKEN), ["global"])
        self.api("status.set", text="Новый статус")
        self.assertEqual(self.api("status.get"), {"text": "Новый статус"})

    def test_newsfeed_paging(self):
        first = self.api("newsfeed.get", count="7")
        items, start = list(first["items"]), first["next_from"]
        while start:
            page = self.api("newsfeed.get", count="7", start_from=start)
            items += page["items"]
            start = page.get("next_from")
        self.assertEqual({item["type"] for item in items}, {"post", "photo", "friend"})
        dates = [item["date"] for item in items]
        self.assertEqual(dates, sorted(dates, reverse=True))
        profiles = {profile["id"] for profile in first["profiles"]}
        self.assertTrue({item["source_id"] for item in first["items"] if item["source_id"] > 0} <= profiles)

    def test_determinism(self):
        def body(base):
            form = urllib.parse.urlencode({"v": "5.199", "access_token": IVAN_TOKEN, "count": "100",
                                           "extended": "1"}).encode()
            return fetch(f"{base}/vk/method/wall.get", form)[2].replace(base.encode(), b"BASE")
        with other_servers(1) as (other,):
            self.assertEqual(body(self.base), body(other.base_url))


class FaultTest(VkCase):
    def test_faults_reach_vk_paths(self):
        spec = {"path": "/vk/method", "method": "friends.get", "fault": "api_error", "code": 10}
        status, _, _ = fetch(self.base + "/_emulator/faults", json.dumps(spec).encode())
        self.assertEqual(status, 200)
        self.api("users.get")
        self.assertEqual(self.call("friends.get"), {"error": {"error_code": 10, "error_msg": "Internal server error"}})
        self.api("friends.get")
        fetch(self.base + "/_emulator/faults", json.dumps({"path": "/vk/oauth/token", "fault": "http503"}).encode())
        self.assertEqual(fetch(self.base + "/vk/oauth/token", b"")[0], 503)



if __name__ == "__main__":
    unittest.main()
