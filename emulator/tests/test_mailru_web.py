"""Tests of the emulator's my.mail.ru pages (mailru_web.py) over HTTP: what
the scrapers' scripts fetch, the login redirect, and that the first HTML holds
none of the content (a browser has to run the pages' scripts).

Run from the repository root:  python3 -m unittest discover -s emulator/tests -v
"""

import http.client
import json
import os
import sys
import unittest
import urllib.parse

EMULATOR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, EMULATOR)

from tests.support import EmulatorCase  # noqa: E402

MARIA = "1324730981306483817"


class WebCase(EmulatorCase):
    def log_in(self, login="maria", domain="bk.ru", password="secret2"):
        """The Mpop cookie of a login through the form."""
        form = urllib.parse.urlencode({"Login": login, "Domain": domain, "Password": password,
                                       "Page": f"{self.base}/mailru/web/my/communities",
                                       "FailPage": f"{self.base}/mailru/web/login"}).encode()
        status, headers, _ = self.raw("/mailru/cgi-bin/auth", form)
        self.assertEqual(status, 302)
        cookie = next(c for c in headers.get_all("Set-Cookie") if c.startswith("Mpop="))
        return cookie.split(";")[0]

    def raw(self, path, data=None, cookie=None):
        """(status, headers, body) without following redirects."""
        connection = http.client.HTTPConnection("127.0.0.1", self.server.server_address[1], timeout=10)
        headers = {"Cookie": cookie} if cookie else {}
        if data is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request("POST" if data is not None else "GET", path, data, headers)
        response = connection.getresponse()
        answer = response.status, response.headers, response.read()
        connection.close()
        return answer

    def get_json(self, path, cookie, data=None):
        status, _, body = self.raw(path, data, cookie)
        return status, json.loads(body)

    def uid_of(self, nick):
        status, _, body = self.raw(f"/mailru/platform/community/{nick}")
        self.assertEqual(status, 200)
        return json.loads(body)["uid"]


class PagesTest(WebCase):
    def test_without_login_the_pages_send_the_login_form(self):
        for path in ("/mailru/web/my/communities", "/mailru/web/community/big_feed/"):
            status, headers, _ = self.raw(path, cookie="Mpop=stale")
            self.assertEqual(status, 302)
            self.assertIn("/mailru/web/login?page=", headers["Location"])
        status, _, body = self.raw("/mailru/web/my/communities/list")
        self.assertEqual((status, json.loads(body)), (401, {"error": "not logged in"}))
        status, _, body = self.raw(headers["Location"][len(self.base):])
        self.assertEqual(status, 200)
        self.assertIn(b'action="' + self.base.encode() + b'/mailru/cgi-bin/auth"', body)

    def test_the_first_html_holds_no_content(self):
        cookie = self.log_in()
        _, _, page = self.raw("/mailru/web/my/communities", cookie=cookie)
        markup = page.decode().split("<script>")[0]
        self.assertIn('class="groups__container"', markup)
        self.assertNotIn('class="groups__item"', markup)
        _, _, page = self.raw("/mailru/web/community/big_feed/", cookie=cookie)
        markup = page.decode().split("<script>")[0]
        self.assertIn('class="b-community__main-page"', markup)
        for absent in ("b-history-event", "profile__activeLinks", "mf_cc"):
            self.assertNotIn(absent, markup)

    def test_communities_list_pages_of_twenty(self):
        cookie = self.log_in()
        items, offset = [], 0
        while True:
            status, page = self.get_json(f"/mailru/web/my/communities/list?offset={offset}", cookie)
            self.assertEqual(status, 200)
            items += page["items"]
            offset += len(page["items"])
            if not page["more"]:
                break
            self.assertEqual(len(page["items"]), 20)
        # the same communities, in the same order, as the REST stand-in's membership
        world = self.server.platforms["/mailru"].world
        self.assertEqual(len(items), len(world.members[MARIA]))
        first = items[0]["href"]
        self.assertTrue(first.startswith(f"{self.base}/mailru/web/community/"))
        nick = first.split("/community/")[1].split("/")[0]
        self.assertEqual(self.uid_of(nick), world.members[MARIA][0])

    def test_join_open_and_moderated(self):
        cookie = self.log_in()
        status, state = self.get_json("/mailru/web/community/open_doors/state", cookie)
        self.assertEqual((status, state["member"], state["closed"]), (200, False, False))
        _, state = self.get_json("/mailru/web/community/open_doors/join", cookie, b"")
        self.assertTrue(state["member"])
        _, state = self.get_json("/mailru/web/community/invite_only/join", cookie, b"")
        self.assertEqual((state["member"], state["requested"], state["closed"]), (False, True, True))
        status, _ = self.get_json("/mailru/web/community/invite_only/feed", cookie)
        self.assertEqual(status, 403)

    def test_feed_cards(self):
        cookie = self.log_in()
        _, page = self.get_json("/mailru/web/community/big_feed/feed?offset=100", cookie)
        self.assertEqual((len(page["events"]), page["more"]), (20, False))
        card = page["events"][0]
        fields = card["astat"].split(":")
        self.assertEqual(len(fields), 9)
        uid = self.uid_of("big_feed")
        self.assertEqual((fields[0], fields[1], fields[3]), (uid, "5-39", uid))
        self.assertEqual(fields[2], fields[2].upper())
        self.assertTrue(card["owner_href"].endswith("/mailru/web/community/big_feed/?ref=ho"))
        self.assertIn(fields[2].lower(), card["time_href"])

    def test_public_profile_endpoint(self):
        status, _, body = self.raw("/mailru/platform/bk/maria")
        self.assertEqual((status, json.loads(body)["uid"]), (200, MARIA))
        status, _, body = self.raw("/mailru/platform/community/nobody")
        self.assertEqual(json.loads(body)["error"]["error_code"], 100)

    def test_site_renames(self):
        cookie = self.log_in()
        status, _, body = self.post("/_emulator/mailru/site",
                                    json.dumps({"rename": {"groups__container": "groups__grid"}}).encode(),
                                    "application/json")
        self.assertEqual(status, 200, body)
        _, _, page = self.raw("/mailru/web/my/communities", cookie=cookie)
        self.assertNotIn(b"groups__container", page)
        self.assertIn(b"groups__grid", page)
        status, _, _ = self.post("/_emulator/mailru/site", b"{\"rename\": [1]}", "application/json")
        self.assertEqual(status, 400)


if __name__ == "__main__":
    unittest.main()
