"""Every method the VK emulator registers, called once over real HTTP on a
loopback port with its answer checked against schema/vk, and its token types
and permissions compared with the schema's.

Run from the repository root:
    python3 -m unittest discover -s emulator/tests -t emulator -v
"""

import os
import sys
import unittest

EMULATOR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, EMULATOR)

from socapi_emulator import vk  # noqa: E402
from tests.vk_support import (CLIENT_ID, CLOSED_CLUB, CLUB, CLUB_TOKEN, DELETED, GROUP_FIELDS, IVAN,  # noqa: E402
                              IVAN_TOKEN, MARIA, NEWS, PNG, PRIVATE, SERVICE_TOKEN, USER_FIELDS, VkCase)
from tests.vk_support import setUpModule, tearDownModule  # noqa: E402,F401  (one server for the module)


# --- every emulated method against the schema -------------------------------------

def first_commented_post(test):
    posts = test.api("wall.get", owner_id=str(-CLUB), count="100")["items"]
    return next(post for post in posts if post["comments"]["count"])


def upload_then(kind, server_method, save_method, field, server_params=None, token=IVAN_TOKEN):
    """Sample parameters of a photos.save* call: upload first."""
    def params(test):
        server = test.api(server_method, token=token, **(server_params(test) if server_params else {}))
        answer = test.upload(server["upload_url"], {"file1" if kind == "album" else "photo": PNG})
        saved = {field: answer[field], "server": str(answer["server"]), "hash": answer["hash"]}
        return {**saved, **({"album_id": str(answer["aid"])} if kind == "album" else {})}
    return params


def first_album(test):
    return {"album_id": str(test.api("photos.getAlbums")["items"][0]["id"])}


# (token, parameters or a function of the test giving them), in the order they run
SAMPLES = {
    "users.get": [(IVAN_TOKEN, {}), (None, {"user_ids": str(IVAN)}),
                  (IVAN_TOKEN, {"user_ids": f"{IVAN},maria_sidorova,id{PRIVATE},{DELETED}",
                                "fields": USER_FIELDS, "name_case": "abl"}),
                  (CLUB_TOKEN, {"user_ids": str(MARIA), "fields": USER_FIELDS})],
    "users.search": [(IVAN_TOKEN, {"q": "ан", "fields": "city,sex", "count": "5", "sex": "1"})],
    "users.getFollowers": [(IVAN_TOKEN, {}), (SERVICE_TOKEN, {"user_id": str(IVAN), "fields": "photo_50"})],
    "users.getSubscriptions": [(IVAN_TOKEN, {}), (IVAN_TOKEN, {"extended": "1", "fields": "members_count"})],
    "friends.get": [(IVAN_TOKEN, {"count": "5"}), (IVAN_TOKEN, {"fields": USER_FIELDS, "order": "name"}),
                    (IVAN_TOKEN, {"list_id": "1"}), (SERVICE_TOKEN, {"user_id": str(MARIA)})],
    "friends.getOnline": [(IVAN_TOKEN, {}), (IVAN_TOKEN, {"online_mobile": "1"})],
    "friends.getMutual": [(IVAN_TOKEN, {"target_uid": str(MARIA)}),
                          (IVAN_TOKEN, {"target_uids": f"{MARIA},172000010"})],
    "friends.areFriends": [(IVAN_TOKEN, {"user_ids": f"{MARIA},172000010", "need_sign": "1"}),
                           (IVAN_TOKEN, {"user_ids": ",".join(str(uid) for uid in range(172000008, 172000036)),
                                         "extended": "1"})],
    "friends.getRequests": [(IVAN_TOKEN, {}), (IVAN_TOKEN, {"extended": "1", "fields": "photo_50"}),
                            (IVAN_TOKEN, {"need_mutual": "1"}), (IVAN_TOKEN, {"out": "1"})],
    "friends.getLists": [(IVAN_TOKEN, {})],
    "friends.add": [(IVAN_TOKEN, lambda test: {"user_id": str(test.api("friends.getRequests")["items"][0])})],
    "friends.delete": [(IVAN_TOKEN, lambda test: {
        "user_id": str(test.api("friends.getRequests", out="1")["items"][0])})],
    "groups.get": [(IVAN_TOKEN, {}), (IVAN_TOKEN, {"extended": "1", "fields": GROUP_FIELDS}),
                   (IVAN_TOKEN, {"filter": "admin,publics"}), (SERVICE_TOKEN, {"user_id": str(MARIA)})],
    "groups.getById": [(IVAN_TOKEN, {"group_ids": f"{CLUB},emu_news,{CLOSED_CLUB}", "fields": GROUP_FIELDS}),
                       (CLUB_TOKEN, {}), (SERVICE_TOKEN, {"group_id": "c_lovers"})],
    "groups.getMembers": [(IVAN_TOKEN, {"group_id": str(CLUB), "count": "5", "sort": "id_desc"}),
                          (IVAN_TOKEN, {"group_id": "c_lovers", "fields": "sex,photo_50", "count": "3"}),
                          (IVAN_TOKEN, {"group_id": str(NEWS), "filter": "managers"}),
                          (IVAN_TOKEN, {"group_id": str(NEWS), "filter": "managers", "fields": "sex"}),
                          (CLUB_TOKEN, {"filter": "friends"})],
    "groups.isMember": [(IVAN_TOKEN, {"group_id": str(CLUB)}),
                        (IVAN_TOKEN, {"group_id": str(CLUB), "user_ids": f"{IVAN},{MARIA}"}),
                        (IVAN_TOKEN, {"group_id": "secret_club", "extended": "1"}),
                        (CLUB_TOKEN, {"group_id": str(CLUB), "user_ids": f"{IVAN},{MARIA}", "extended": "1"})],
    "groups.join": [(IVAN_TOKEN, {"group_id": str(CLOSED_CLUB)})],
    "groups.leave": [(IVAN_TOKEN, {"group_id": str(CLOSED_CLUB)})],
    "groups.search": [(IVAN_TOKEN, {"q": "клуб", "type": "group"})],
    "wall.get": [(IVAN_TOKEN, {}), (IVAN_TOKEN, {"owner_id": str(-CLUB), "extended": "1", "fields": "sex"}),
                 (IVAN_TOKEN, {"domain": "emu_news", "filter": "others"}),
                 (SERVICE_TOKEN, {"owner_id": str(MARIA), "count": "100"})],
    "wall.getById": [(IVAN_TOKEN, {"posts": f"{IVAN}_1,{-CLUB}_1,{-CLOSED_CLUB}_1"}),
                     (IVAN_TOKEN, {"posts": f"{IVAN}_1,{-NEWS}_1", "extended": "1"})],
    "wall.post": [(IVAN_TOKEN, {"message": "Тест"}),
                  (IVAN_TOKEN, {"owner_id": str(-CLUB), "from_group": "1", "signed": "1", "message": "Клуб",
                                "attachments": "https://example.ru/x"})],
    "wall.edit": [(IVAN_TOKEN, {"post_id": "1", "message": "Изменено"})],
    "wall.delete": [(IVAN_TOKEN, {"post_id": "1"})],
    "wall.restore": [(IVAN_TOKEN, {"post_id": "1"})],
    "wall.pin": [(IVAN_TOKEN, {"post_id": "1"})],
    "wall.unpin": [(IVAN_TOKEN, {"post_id": "1"})],
    "wall.repost": [(IVAN_TOKEN, {"object": f"wall{-NEWS}_1", "message": "Смотрите"}),
                    (IVAN_TOKEN, {"object": f"wall{MARIA}_1", "group_id": str(CLUB)})],
    "wall.getComments": [
        (IVAN_TOKEN, lambda test: {"owner_id": str(-CLUB), "post_id": str(first_commented_post(test)["id"]),
                                   "thread_items_count": "3", "need_likes": "1"}),
        (SERVICE_TOKEN, lambda test: {"owner_id": str(-CLUB), "post_id": str(first_commented_post(test)["id"]),
                                      "extended": "1", "sort": "desc"})],
    "wall.createComment": [
        (IVAN_TOKEN, lambda test: {"owner_id": str(-CLUB), "post_id": str(first_commented_post(test)["id"]),
                                   "message": "Комментарий", "from_group": "1"}),
        (CLUB_TOKEN, lambda test: {"owner_id": str(-CLUB), "post_id": str(first_commented_post(test)["id"]),
                                   "message": "От клуба"})],
    "wall.deleteComment": [(IVAN_TOKEN, lambda test: {"owner_id": str(-CLUB), "comment_id": str(
        test.api("wall.createComment", owner_id=str(-CLUB), post_id="1", message="x")["comment_id"])})],
    "likes.add": [(IVAN_TOKEN, {"type": "post", "owner_id": str(-CLUB), "item_id": "1"})],
    "likes.delete": [(IVAN_TOKEN, {"type": "post", "owner_id": str(-CLUB), "item_id": "1"})],
    "likes.getList": [(IVAN_TOKEN, {"type": "post", "owner_id": str(-CLUB), "item_id": "1"}),
                      (IVAN_TOKEN, {"type": "post", "owner_id": str(-CLUB), "item_id": "1", "extended": "1",
                                    "friends_only": "3", "fields": "photo_50"}),
                      (SERVICE_TOKEN, {"type": "post", "owner_id": str(-NEWS), "item_id": "1", "filter": "copies"})],
    "likes.isLiked": [(IVAN_TOKEN, {"type": "post", "owner_id": str(-NEWS), "item_id": "1"})],
    "photos.get": [(IVAN_TOKEN, {"album_id": "wall", "extended": "1"}),
                   (IVAN_TOKEN, {"album_id": "profile", "rev": "1"}),
                   (SERVICE_TOKEN, lambda test: {"owner_id": str(IVAN), **first_album(test)})],
    "photos.getAll": [(IVAN_TOKEN, {"extended": "1", "count": "3"}), (IVAN_TOKEN, {"no_service_albums": "1"})],
    "photos.getAlbums": [(IVAN_TOKEN, {"need_system": "1", "need_covers": "1", "photo_sizes": "1"}),
                         (SERVICE_TOKEN, {"owner_id": str(-CLUB)})],
    "photos.getById": [(IVAN_TOKEN, lambda test: {"photos": ",".join(
        f"{photo['owner_id']}_{photo['id']}" for photo in test.api("photos.getAll", count="3")["items"]),
        "extended": "1"})],
    "photos.createAlbum": [(IVAN_TOKEN, {"title": "Новый альбом", "description": "Описание"})],
    "photos.getUploadServer": [(IVAN_TOKEN, first_album)],
    "photos.getWallUploadServer": [(IVAN_TOKEN, {}), (IVAN_TOKEN, {"group_id": str(CLUB)})],
    "photos.getMessagesUploadServer": [(IVAN_TOKEN, {"peer_id": str(MARIA)}), (CLUB_TOKEN, {})],
    "photos.getOwnerPhotoUploadServer": [(IVAN_TOKEN, {})],
    "photos.save": [(IVAN_TOKEN, upload_then("album", "photos.getUploadServer", "photos.save", "photos_list",
                                             first_album))],
    "photos.saveWallPhoto": [(IVAN_TOKEN, upload_then("wall", "photos.getWallUploadServer",
                                                      "photos.saveWallPhoto", "photo"))],
    "photos.saveMessagesPhoto": [(CLUB_TOKEN, upload_then("messages", "photos.getMessagesUploadServer",
                                                          "photos.saveMessagesPhoto", "photo", token=CLUB_TOKEN))],
    "photos.saveOwnerPhoto": [(IVAN_TOKEN, upload_then("owner", "photos.getOwnerPhotoUploadServer",
                                                       "photos.saveOwnerPhoto", "photo"))],
    "photos.delete": [(IVAN_TOKEN, lambda test: {
        "photo_id": str(test.api("photos.getAll", count="1")["items"][0]["id"])})],
    "messages.send": [(IVAN_TOKEN, {"peer_id": str(MARIA), "random_id": "1", "message": "Привет",
                                    "attachment": f"wall{-CLUB}_1"}),
                      (IVAN_TOKEN, {"peer_ids": f"{MARIA},{PRIVATE}", "random_id": "2", "message": "Всем"}),
                      (CLUB_TOKEN, {"user_id": str(IVAN), "random_id": "3", "message": "Ответ клуба"}),
                      (IVAN_TOKEN, {"domain": "c_lovers", "random_id": "4", "message": "Клубу"})],
    "messages.edit": [(IVAN_TOKEN, lambda test: {"peer_id": str(MARIA), "message": "Исправлено", "message_id": str(
        test.api("messages.send", peer_id=str(MARIA), random_id="7", message="Опечатка"))})],
    "messages.getHistory": [(IVAN_TOKEN, {"peer_id": str(MARIA)}),
                            (IVAN_TOKEN, {"user_id": str(MARIA), "extended": "1", "fields": "photo_50", "rev": "1"}),
                            (CLUB_TOKEN, {"peer_id": str(IVAN), "extended": "1"})],
    "messages.getConversations": [(IVAN_TOKEN, {}), (IVAN_TOKEN, {"extended": "1", "filter": "unread"}),
                                  (CLUB_TOKEN, {"extended": "1"})],
    "messages.getConversationsById": [(IVAN_TOKEN, {"peer_ids": f"{MARIA},{-CLUB}"}),
                                      (IVAN_TOKEN, {"peer_ids": f"{MARIA},{-CLUB}", "extended": "1"})],
    "messages.getById": [(IVAN_TOKEN, {"message_ids": "1,2,3"}), (IVAN_TOKEN, {"message_ids": "1", "extended": "1"})],
    "messages.delete": [(IVAN_TOKEN, {"message_ids": "1,999"}),
                        (IVAN_TOKEN, {"peer_id": str(MARIA), "cmids": "2,3", "delete_for_all": "1"})],
    "messages.markAsRead": [(IVAN_TOKEN, {"peer_id": str(MARIA)})],
    "messages.setActivity": [(IVAN_TOKEN, {"peer_id": str(MARIA), "type": "typing"})],
    "newsfeed.get": [(IVAN_TOKEN, {"count": "10"}),
                     (IVAN_TOKEN, {"filters": "photo,friend", "source_ids": f"friends,{-NEWS}", "fields": "city"})],
    "newsfeed.search": [(IVAN_TOKEN, {"q": "клуб"}), (SERVICE_TOKEN, {"q": "C", "extended": "1", "count": "2"})],
    "account.getInfo": [(IVAN_TOKEN, {}), (IVAN_TOKEN, {"fields": "country,2fa_required"})],
    "account.getProfileInfo": [(IVAN_TOKEN, {})],
    "account.getCounters": [(IVAN_TOKEN, {})],
    "account.setOnline": [(IVAN_TOKEN, {})],
    "account.setOffline": [(IVAN_TOKEN, {})],
    "utils.resolveScreenName": [(None, {"screen_name": "c_lovers"}), (IVAN_TOKEN, {"screen_name": "nobody_here"}),
                                (CLUB_TOKEN, {"screen_name": f"id{MARIA}"}),
                                (SERVICE_TOKEN, {"screen_name": f"app{CLIENT_ID}"})],
    "utils.getServerTime": [(None, {})],
    "utils.getShortLink": [(IVAN_TOKEN, {"url": "https://example.ru/x", "private": "1"})],
    "utils.checkLink": [(IVAN_TOKEN, {"url": "https://malware.example/x"})],
    "database.getCountries": [(None, {"need_all": "1"}), (IVAN_TOKEN, {"code": "RU,BY", "lang": "en"})],
    "database.getCities": [(None, {"country_id": "1"}), (IVAN_TOKEN, {"country_id": "1", "q": "ново", "lang": "en"})],
    "storage.set": [(IVAN_TOKEN, {"key": "k", "value": "v"}), (CLUB_TOKEN, {"key": "k", "value": "клуб"})],
    "storage.get": [(IVAN_TOKEN, {"keys": "k,greeting,absent"}), (SERVICE_TOKEN, {"key": "k", "user_id": str(IVAN)})],
    "storage.getKeys": [(IVAN_TOKEN, {}), (CLUB_TOKEN, {"count": "1"})],
    "status.get": [(IVAN_TOKEN, {}), (IVAN_TOKEN, {"group_id": str(CLUB)})],
    "status.set": [(IVAN_TOKEN, {"text": "Статус"}), (IVAN_TOKEN, {"text": "Клубный", "group_id": str(CLUB)})],
    "execute": [(IVAN_TOKEN, {"code": "return [API.users.get(), API.wall.get({count: 1})];"})],
}


class SchemaTest(VkCase):
    def test_every_method_answers_per_schema(self):
        self.assertEqual(set(SAMPLES), set(vk.METHODS))
        for method, samples in SAMPLES.items():
            for token, params in samples:
                with self.subTest(method=method, token=token):
                    self.api(method, token=token, **(params(self) if callable(params) else params))

    def test_registry_matches_the_schema(self):
        for name, method in vk.METHODS.items():
            spec, _ = self.schema.methods[name]
            self.assertEqual(set(method.tokens), set(spec["access_token_type"]), name)
            self.assertEqual(set(method.permissions), set(self.schema.side["methods"][name].get("permissions", [])),
                             name)



if __name__ == "__main__":
    unittest.main()
