"""Tests of the VK emulator's OAuth endpoints and login pages over real HTTP on
a loopback port: the implicit and code flows as a browser goes through them,
direct authorization and the code exchange.

Run from the repository root:
    python3 -m unittest discover -s emulator/tests -t emulator -v
"""

import json
import os
import sys
import unittest
import urllib.parse

EMULATOR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, EMULATOR)

from tests.vk_support import (CLIENT_ID, CLIENT_SECRET, CLUB, IVAN, MARIA, REDIRECT, Browser,  # noqa: E402
                              VkCase, fetch, fragment)
from tests.vk_support import setUpModule, tearDownModule  # noqa: E402,F401  (one server for the module)


# --- OAuth: the implicit and code flows as a browser goes through them ------------

class ImplicitFlowTest(VkCase):
    def setUp(self):
        super().setUp()
        self.browser = Browser(self.base)

    def authorize_url(self, **params):
        fields = {"client_id": CLIENT_ID, "scope": "friends,wall,photos", "display": "mobile",
                  "response_type": "token", "redirect_uri": REDIRECT, "v": "5.199", **params}
        return f"{self.base}/vk/oauth/authorize?" + urllib.parse.urlencode(
            {key: value for key, value in fields.items() if value is not None})

    def login(self, email="ivan@vk.ru", password="secret", **params):
        page = self.browser.open(self.authorize_url(**params))
        self.assertEqual(page.status, 200)
        form = page.form()
        self.assertEqual((form["method"], form["action"]), ("post", f"{self.base}/vk/login/?act=login&soft=1"))
        self.assertEqual({name: kind for name, (kind, _) in form["inputs"].items()},
                         {"ip_h": "hidden", "lg_domain_h": "hidden", "_origin": "hidden", "to": "hidden",
                          "email": "text", "pass": "password"})
        self.assertEqual(form["buttons"], 1)
        return self.browser.submit(page, email=email, **{"pass": password})

    def grant(self, page):
        form = page.form()
        self.assertTrue(form["action"].startswith(f"{self.base}/vk/login/?act=grant_access&client_id={CLIENT_ID}&"))
        self.assertIn("Разрешить", page.html)
        self.assertEqual(form["inputs"], {})
        return self.browser.submit(page)

    def test_token_flow(self):
        page = self.login(state="xyz")
        self.assertIn("remixsid", self.browser.cookies)
        final = self.grant(page)
        self.assertTrue(final.url.startswith(REDIRECT + "#"))
        reply = fragment(final.url)
        self.assertEqual(list(reply), ["access_token", "expires_in", "user_id", "state"])
        self.assertEqual((reply["expires_in"], reply["user_id"], reply["state"]), ("86400", str(IVAN), "xyz"))
        token = reply["access_token"]
        self.assertEqual(self.api("users.get", token=token)[0]["id"], IVAN)
        self.api("wall.post", token=token, message="Из implicit flow")
        self.error("messages.getConversations", 15, token=token)
        again = self.browser.open(self.authorize_url(state="xyz"))  # granted: no pages any more
        self.assertEqual(again.status, 302)
        self.assertNotEqual(fragment(again.url)["access_token"], token)
        page = self.browser.open(self.authorize_url(scope="friends,messages"))  # more scope: ask again
        self.assertIn("grant_access", page.form()["action"])

    def test_offline_and_default_redirect(self):
        self.browser.redirect_uri = f"{self.base}/vk/oauth/blank.html"
        final = self.grant(self.login(scope="friends,offline", redirect_uri=None))
        self.assertTrue(final.url.startswith(f"{self.base}/vk/oauth/blank.html#"))
        self.assertEqual(fragment(final.url)["expires_in"], "0")
        self.assertEqual(fetch(final.url)[0], 200)

    def test_wrong_password(self):
        page = self.login(password="wrong")
        self.assertEqual(page.status, 200)
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)
        self.assertEqual((query["m"], query["email"]), (["4"], ["ivan@vk.ru"]))
        self.assertIn("Указан неверный логин или пароль", page.html)
        self.assertEqual(page.form()["inputs"]["email"], ("text", "ivan@vk.ru"))
        self.assertNotIn("remixsid", self.browser.cookies)
        self.grant(self.browser.submit(page, **{"pass": "secret"}))  # the form works again

    def test_captcha(self):
        page = self.login("captcha@vk.ru")
        sid = urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)["sid"][0]
        inputs = page.form()["inputs"]
        self.assertEqual((inputs["captcha_sid"], inputs["captcha_key"][0]), (("hidden", sid), "text"))
        self.assertEqual(page.images["captcha"], f"{self.base}/vk/captcha.php?sid={sid}&s=1")
        self.assertEqual(fetch(page.images["captcha"])[0], 200)
        page = self.browser.submit(page, email="captcha@vk.ru", captcha_key="wrong", **{"pass": "secret"})
        new_sid = page.form()["inputs"]["captcha_sid"][1]
        self.assertNotEqual(new_sid, sid)
        page = self.browser.submit(page, email="captcha@vk.ru", captcha_key=new_sid[-4:], **{"pass": "secret"})
        self.assertEqual(fragment(self.grant(page).url)["user_id"], "172000006")

    def test_two_factor(self):
        page = self.login("twofactor@vk.ru")
        self.assertEqual(page.url, f"{self.base}/vk/login/?act=authcheck")
        form = page.form()
        self.assertTrue(form["action"].startswith(f"{self.base}/vk/login/?act=authcheck_code&hash="))
        self.assertEqual(form["inputs"], {"code": ("text", ""), "remember": ("hidden", "1")})
        self.assertNotIn("remixsid", self.browser.cookies)
        page = self.browser.submit(page, code="000000")
        self.assertIn("act=authcheck", page.url)
        self.assertIn("Неверный код", page.html)
        page = self.browser.submit(page, code="123456")
        self.assertIn("remixsid", self.browser.cookies)
        self.assertEqual(fragment(self.grant(page).url)["user_id"], "172000007")

    def test_group_tokens(self):
        final = self.grant(self.login(scope="messages,manage,photos", group_ids="200001,200002"))
        reply = fragment(final.url)
        self.assertEqual(list(reply), ["access_token_200001", "access_token_200002", "expires_in"])
        self.assertEqual(reply["expires_in"], "0")
        club = reply["access_token_200001"]
        self.assertEqual(self.api("groups.getById", token=club)["groups"][0]["id"], CLUB)
        self.assertIsInstance(self.api("messages.send", token=club, peer_id=str(IVAN), random_id="5",
                                       message="Ответ"), int)
        self.error("wall.get", 27, token=club)
        browser = Browser(self.base)
        self.browser = browser
        final = self.login("maria@vk.ru", "secret2", group_ids=str(CLUB))  # not her community
        self.assertEqual(final.status, 302)
        self.assertEqual(fragment(final.url)["error"], "access_denied")

    def test_code_flow(self):
        self.browser.redirect_uri = "http://localhost/callback"
        final = self.grant(self.login("maria@vk.ru", "secret2", response_type="code",
                                      redirect_uri="http://localhost/callback", state="s1"))
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(final.url).query)
        self.assertEqual(query["state"], ["s1"])
        exchange = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                    "redirect_uri": "http://localhost/callback", "code": query["code"][0]}
        status, body = fetch(f"{self.base}/vk/oauth/access_token?" + urllib.parse.urlencode(exchange))[::2]
        reply = json.loads(body)
        self.assertEqual((status, set(reply), reply["user_id"]), (200, {"access_token", "expires_in", "user_id"},
                                                                  MARIA))
        self.api("friends.get", token=reply["access_token"])
        status, body = fetch(f"{self.base}/vk/oauth/access_token?" + urllib.parse.urlencode(exchange))[::2]
        self.assertEqual((status, json.loads(body)["error"]), (401, "invalid_grant"))  # a code works once

    def test_bad_requests(self):
        status, headers, body = fetch(self.authorize_url(client_id="1"))
        self.assertEqual((status, json.loads(body)), (401, {"error": "invalid_client",
                                                            "error_description": "client_id is incorrect"}))
        self.assertEqual(fetch(self.authorize_url(redirect_uri="https://evil.example/"))[0], 400)
        self.assertEqual(fetch(self.authorize_url(response_type="magic"))[0], 400)
        page = self.browser.open(self.authorize_url())
        form = page.form()
        forged = {**{name: value for name, (_, value) in form["inputs"].items()}, "lg_domain_h": "0",
                  "email": "ivan@vk.ru", "pass": "secret"}
        self.assertEqual(self.browser.open(form["action"], forged).status, 400)
        page = self.browser.submit(page, email="ivan@vk.ru", **{"pass": "secret"})
        action = page.form()["action"].replace("scope=friends", "scope=messages")
        self.assertEqual(self.browser.open(action, {}).status, 400)


class DirectAuthTest(VkCase):
    def test_success_and_offline(self):
        status, reply = self.direct_auth("+79001234567", scope="friends")
        self.assertEqual((status, set(reply)), (200, {"access_token", "expires_in", "user_id"}))
        self.assertEqual((reply["user_id"], reply["expires_in"]), (IVAN, 86400))
        self.assertEqual(self.direct_auth(scope="offline,friends")[1]["expires_in"], 0)

    def test_errors(self):
        cases = (
            ({"client_id": "1"}, {"error": "invalid_client", "error_description": "client_id is incorrect"}),
            ({"client_secret": "x"}, {"error": "invalid_client", "error_description": "client_secret is incorrect"}),
            ({"password": "wrong"}, {"error": "invalid_client",
                                     "error_description": "Username or password is incorrect"}),
            ({"username": "nobody@vk.ru"}, {"error": "invalid_client",
                                            "error_description": "Username or password is incorrect"}),
        )
        form = {"grant_type": "password", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                "username": "ivan@vk.ru", "password": "secret"}
        for change, expected in cases:
            self.assertEqual(self.token_endpoint(**{**form, **change}), (401, expected), change)
        self.assertEqual(self.token_endpoint(**{**form, "grant_type": "client_credentials"})[0], 400)

    def test_captcha(self):
        status, reply = self.direct_auth("captcha@vk.ru")
        self.assertEqual((status, set(reply)), (401, {"error", "captcha_sid", "captcha_img"}))
        self.assertEqual(reply["error"], "need_captcha")
        sid = reply["captcha_sid"]
        self.assertEqual(self.direct_auth("captcha@vk.ru", captcha_sid=sid, captcha_key="nope")[1]["error"],
                         "need_captcha")
        sid = self.direct_auth("captcha@vk.ru")[1]["captcha_sid"]
        status, reply = self.direct_auth("captcha@vk.ru", captcha_sid=sid, captcha_key=sid[-4:])
        self.assertEqual((status, reply["user_id"]), (200, 172000006))

    def test_query_parameters_are_merged(self):
        sid = self.direct_auth("captcha@vk.ru")[1]["captcha_sid"]
        query = urllib.parse.urlencode({"captcha_sid": sid, "captcha_key": sid[-4:]})
        status, reply = self.token_endpoint(f"/vk/oauth/token?{query}", grant_type="password",
                                            client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                                            username="captcha@vk.ru", password="secret")
        self.assertEqual(status, 200)

    def test_two_factor(self):
        status, reply = self.direct_auth("twofactor@vk.ru")
        self.assertEqual((status, reply["error"], reply["validation_type"], reply["phone_mask"]),
                         (401, "need_validation", "2fa_app", "+7 *** *** ** 67"))
        self.assertTrue(reply["redirect_uri"].startswith(f"{self.base}/vk/oauth/validate?"))
        self.assertTrue(reply["validation_sid"])
        self.assertEqual(self.direct_auth("twofactor@vk.ru", code="111111"),
                         (401, {"error": "invalid_request", "error_description": "wrong code"}))
        status, reply = self.direct_auth("twofactor@vk.ru", code="123456")
        self.assertEqual((status, reply["user_id"]), (200, 172000007))


class CodeExchangeTest(VkCase):
    def code(self, **params):
        query = urllib.parse.urlencode({"client_id": CLIENT_ID, "redirect_uri": REDIRECT, "user_id": MARIA,
                                        "scope": "friends", **params})
        status, _, body = fetch(f"{self.base}/_emulator/vk/code?{query}")
        self.assertEqual(status, 200)
        return json.loads(body)["code"]

    def test_exchange(self):
        code = self.code()
        form = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uri": REDIRECT, "code": code}
        self.assertEqual(self.token_endpoint("/vk/oauth/access_token", **{**form, "client_secret": "x"})[0], 401)
        status, reply = self.token_endpoint("/vk/oauth/access_token", **{**form, "redirect_uri": "http://x/"})
        self.assertEqual((status, reply), (401, {"error": "invalid_grant",
                                                 "error_description": "redirect_uri is incorrect"}))
        code = self.code()  # a failed exchange used the code up
        status, reply = self.token_endpoint("/vk/oauth/access_token", **{**form, "code": code})
        self.assertEqual((status, reply["user_id"], reply["expires_in"]), (200, MARIA, 86400))
        self.assertEqual(self.token_endpoint("/vk/oauth/access_token", **{**form, "code": code}),
                         (401, {"error": "invalid_grant", "error_description": "Code is invalid or expired."}))



if __name__ == "__main__":
    unittest.main()
