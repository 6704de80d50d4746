"""Tests of the Mail.Ru emulator, over real HTTP on a loopback port.

Run from the repository root:  python3 -m unittest discover -s emulator/tests -v
"""

import hashlib
import http.client
import http.cookiejar
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

EMULATOR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, EMULATOR)

from tests.support import EmulatorCase, FormParser, multipart, other_servers  # noqa: E402

APP_ID = "423004"
DEV_APP_ID = "423005"
PRIVATE_KEY = "7815696ecbf1c96e6894b779456d330e"
SECRET_KEY = "3dad9cbf9baaa0360c0f2ba372d25716"
IVAN = "15410773191172635989"
MARIA = "1324730981306483817"
SESSION_KEY = "be6ef89965d58e56dec21acb9b62bdaa"
REFRESH_TOKEN = "0123456789abcdef0123456789abcdef"
JSON_TYPE = "text/javascript; charset=utf-8"


def sign(params, prefix, key):
    """https://api.mail.ru/docs/guides/restapi/#sig, written independently of the emulator's code."""
    text = "".join(f"{k}={params[k]}" for k in sorted(params, key=str.encode) if k != "sig")
    return hashlib.md5((prefix + text + key).encode("utf-8")).hexdigest()


class RedirectRecorder(urllib.request.HTTPRedirectHandler):
    """Follows redirects like a browser and remembers every Location."""

    def __init__(self):
        self.locations = []

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        self.locations.append(headers["Location"])
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class MailRuCase(EmulatorCase):
    """EmulatorCase with signed Mail.Ru calls."""

    def fault(self, **spec):
        status, _, body = self.post("/_emulator/faults", json.dumps(spec).encode(),
                                    "application/json")
        self.assertEqual(status, 200, body)

    def signed(self, method, session_key=SESSION_KEY, signer=IVAN, secure=False, **params):
        """The parameters of a signed call: client-server with the uid `signer` as the
        prefix, or server-server if `secure`."""
        params = {"app_id": APP_ID, "method": method, **params}
        if session_key:
            params["session_key"] = session_key
        if secure:
            params["secure"] = "1"
            params["sig"] = sign(params, "", SECRET_KEY)
        else:
            params["sig"] = sign(params, signer, PRIVATE_KEY)
        return params

    def api(self, method, **params):
        """GET a signed call; returns the decoded JSON body."""
        status, headers, body = self.raw_api(method, **params)
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], JSON_TYPE)
        return json.loads(body)

    def raw_api(self, method, base=None, **params):
        query = urllib.parse.urlencode(self.signed(method, **params))
        return self.request(f"/mailru/platform/api?{query}", base=base)

    def assertApiError(self, answer, code):
        self.assertEqual(answer["error"]["error_code"], code, answer)

    def token(self, **form):
        status, headers, body = self.post("/mailru/oauth/token", urllib.parse.urlencode(form).encode())
        self.assertEqual(headers["Content-Type"], JSON_TYPE)
        return status, json.loads(body)


class SignatureTest(MailRuCase):
    def test_known_answer_vectors(self):
        params = {"app_id": APP_ID, "method": "friends.get", "session_key": SESSION_KEY}
        self.assertEqual(sign(params, MARIA, PRIVATE_KEY), "5073f15c6d5b6ab2fde23ac43332b002")
        self.assertEqual(sign({**params, "secure": "1"}, "", SECRET_KEY),
                         "4a05af66f80da18b308fa7e536912bae")

    def test_server_server_vector_verbatim(self):
        status, _, body = self.request(
            "/mailru/platform/api?method=friends.get&app_id=423004&session_key="
            "be6ef89965d58e56dec21acb9b62bdaa&secure=1&sig=4a05af66f80da18b308fa7e536912bae")
        friends = json.loads(body)
        self.assertEqual(len(friends), 15)
        self.assertIn(MARIA, friends)
        self.assertTrue(all(isinstance(uid, str) for uid in friends))

    def test_client_server_circuit(self):
        self.assertEqual(len(self.api("friends.get")), 15)
        self.assertEqual(len(self.api("friends.get", secure=True)), 15)
        # Vector #1 signs with Мария's uid, but the fixed session key belongs to Иван.
        self.assertApiError(self.api("friends.get", signer=MARIA), 104)

    def test_wrong_signature(self):
        for secure in (False, True):
            params = self.signed("users.getInfo", secure=secure)
            params["sig"] = "0" * 32
            body = self.request("/mailru/platform/api?" + urllib.parse.urlencode(params))[2]
            self.assertEqual(json.loads(body), {"error": {
                "error_code": 104, "error_msg": "Incorrect signature."}})
        tampered = self.signed("friends.get", offset="0")
        tampered["offset"] = "1"
        body = self.request("/mailru/platform/api?" + urllib.parse.urlencode(tampered))[2]
        self.assertApiError(json.loads(body), 104)

    def test_empty_values_are_signed(self):
        self.assertEqual(len(self.api("friends.get", offset="0", ext="0")), 15)

    def test_post_form_and_trailing_slash(self):
        data = urllib.parse.urlencode(self.signed("users.getInfo", uids=MARIA)).encode()
        status, headers, body = self.post("/mailru/platform/api/", data)
        self.assertEqual((status, headers["Content-Type"]), (200, JSON_TYPE))
        self.assertEqual(json.loads(body)[0]["first_name"], "Мария")


class ApiErrorTest(MailRuCase):
    def test_error_codes(self):
        answer = json.loads(self.raw_api("users.getInfo", app_id="1")[2])
        self.assertEqual(answer["error"], {"error_code": 103, "error_msg":
                         "Application lookup failed: the application id is not correct."})
        self.assertApiError(self.api("users.getInfo", session_key="f" * 32), 102)
        self.assertApiError(self.api("users.getInfo", app_id=DEV_APP_ID), 102)  # other app
        self.assertApiError(self.api("users.noSuchMethod"), 2)
        self.assertApiError(self.api("photos.get"), 100)  # aid is required
        self.assertApiError(self.api("friends.getInvitationsCount"), 100)  # uid is required
        self.assertApiError(self.api("friends.get", ext="2"), 100)
        self.assertApiError(self.api("users.getInfo", uids=",".join([MARIA] * 201)), 100)
        self.assertApiError(self.api("users.getInfo", format="xml"), 100)

    def test_circuit_restrictions(self):
        self.assertIsInstance(self.api("audios.top"), list)
        self.assertApiError(self.api("audios.top", secure=True), 100)
        self.assertApiError(self.api("mobile.getCanvas", secure=True), 100)
        self.assertEqual(set(self.api("mobile.getCanvas", mobile_spec="smartphone")),
                         {"header", "footer"})
        self.assertApiError(self.api("notifications.send", uids=MARIA, text="x"), 100)
        self.assertEqual(self.api("notifications.send", session_key="", secure=True,
                                  uids=f"{MARIA},{IVAN}", text="Привет"), 1)

    def test_scope_limits_methods(self):
        status, tokens = self.token(grant_type="password", client_id=APP_ID,
                                    client_secret=SECRET_KEY, username="ivan@mail.ru",
                                    password="secret", scope="stream")
        self.assertEqual(status, 200)
        key = tokens["access_token"]
        self.assertEqual(self.api("stream.post", session_key=key, text="Привет"), 1)
        self.assertApiError(self.api("messages.getUnreadCount", session_key=key), 200)
        self.assertApiError(self.api("messages.post", session_key=key, uid=MARIA,
                                     message="x"), 200)
        self.assertApiError(self.api("events.getNewCount", session_key=key), 200)
        self.assertApiError(self.api("guestbook.post", session_key=key, description="x"), 200)
        self.assertApiError(self.api("photos.createAlbum", session_key=key, title="x"), 200)
        self.assertEqual(self.api("users.hasAppPermission", session_key=key, ext_perm="stream"),
                         {"photos": 0, "guestbook": 0, "stream": 1, "messages": 0, "events": 0,
                          "notifications": 0, "widget": 0})


class OAuthTokenTest(MailRuCase):
    def test_password_grant(self):
        status, tokens = self.token(grant_type="password", client_id=APP_ID,
                                    client_secret=SECRET_KEY, username="maria@bk.ru",
                                    password="secret2", scope="photos guestbook")
        self.assertEqual(status, 200)
        self.assertEqual(set(tokens), {"access_token", "refresh_token", "expires_in",
                                       "token_type", "x_mailru_vid"})
        self.assertRegex(tokens["access_token"], "^[0-9a-f]{32}$")
        self.assertRegex(tokens["refresh_token"], "^[0-9a-f]{32}$")
        self.assertEqual((tokens["expires_in"], tokens["token_type"], tokens["x_mailru_vid"]),
                         (86400, "bearer", MARIA))
        me = self.api("users.getInfo", session_key=tokens["access_token"], signer=MARIA)
        self.assertEqual(me[0]["uid"], MARIA)

    def test_password_grant_errors(self):
        base = {"grant_type": "password", "client_id": APP_ID, "client_secret": SECRET_KEY,
                "username": "ivan@mail.ru", "password": "secret"}
        cases = (
            ({"password": "wrong"}, "invalid_grant", "invalid login or password"),
            ({"username": "nobody@mail.ru"}, "invalid_grant", "invalid login or password"),
            ({"username": "blocked@mail.ru"}, "invalid_user", "user is blocked"),
            ({"client_id": "1"}, "invalid_client", "invalid client id"),
            ({"client_secret": PRIVATE_KEY}, "invalid_client", "invalid client id"),
            ({"grant_type": "magic"}, "unsupported_grant_type", None),
            ({"grant_type": ""}, "invalid_request", None),
            ({"password": ""}, "invalid_request", None),
            ({"scope": "stream everything"}, "invalid_request", None),
        )
        for change, error, description in cases:
            status, body = self.token(**{**base, **change})
            self.assertEqual((status, body["error"]), (400, error), change)
            if description:
                self.assertEqual(body["error_description"], description)

    def test_refresh_grant(self):
        status, tokens = self.token(grant_type="refresh_token", client_id=APP_ID,
                                    client_secret=SECRET_KEY, refresh_token=REFRESH_TOKEN)
        self.assertEqual((status, tokens["x_mailru_vid"]), (200, IVAN))
        self.assertNotEqual(tokens["access_token"], SESSION_KEY)
        self.assertEqual(tokens["refresh_token"], REFRESH_TOKEN)
        self.assertEqual(self.api("messages.getUnreadCount", session_key=tokens["access_token"]),
                         self.api("messages.getUnreadCount"))  # the scope carries over
        status, body = self.token(grant_type="refresh_token", client_id=APP_ID,
                                  client_secret=SECRET_KEY, refresh_token="1" * 32)
        self.assertEqual((status, body["error"]), (400, "invalid_grant"))

    def test_authorization_code_grant(self):
        redirect_uri = "http://localhost/callback"
        query = urllib.parse.urlencode({"client_id": APP_ID, "redirect_uri": redirect_uri,
                                        "uid": MARIA, "scope": "messages"})
        code = json.loads(self.request(f"/_emulator/mailru/code?{query}")[2])["code"]
        form = {"grant_type": "authorization_code", "client_id": APP_ID,
                "client_secret": SECRET_KEY, "code": code}
        status, body = self.token(**form, redirect_uri="http://localhost/other")
        self.assertEqual((status, body["error"]), (400, "invalid_grant"))
        status, tokens = self.token(**form, redirect_uri=redirect_uri)
        self.assertEqual((status, tokens["x_mailru_vid"]), (200, MARIA))
        self.assertIn("count", self.api("messages.getUnreadCount",
                                        session_key=tokens["access_token"], signer=MARIA))
        status, body = self.token(**form, redirect_uri=redirect_uri)  # codes work once
        self.assertEqual((status, body["error"]), (400, "invalid_grant"))

    def test_tokens_are_deterministic(self):
        form = {"grant_type": "password", "client_id": APP_ID, "client_secret": SECRET_KEY,
                "username": "ivan@mail.ru", "password": "secret"}
        first = self.token(**form)[1]
        self.post("/_emulator/reset", b"")
        self.assertEqual(self.token(**form)[1], first)
        self.assertNotEqual(self.token(**form)[1], first)


class ImplicitFlowTest(MailRuCase):
    """The implicit flow step by step, as aiomailru's ImplicitSession does it."""

    def setUp(self):
        super().setUp()
        self.redirects = RedirectRecorder()
        self.jar = http.cookiejar.CookieJar()
        self.browser = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), self.redirects)
        self.redirect_uri = f"{self.base}/mailru/oauth/success.html"

    def open(self, url, fields=None):
        data = urllib.parse.urlencode(fields).encode() if fields is not None else None
        with self.browser.open(url, data, timeout=10) as response:
            return response.status, response.url, response.read().decode("utf-8")

    def authorize_url(self, client_id=APP_ID, response_type="token", scope="stream messages"):
        return f"{self.base}/mailru/oauth/authorize?" + urllib.parse.urlencode({
            "client_id": client_id, "redirect_uri": self.redirect_uri,
            "response_type": response_type, "scope": scope})

    def log_in(self, login="ivan", domain="mail.ru", password="secret", client_id=APP_ID,
               response_type="token"):
        status, url, html = self.open(self.authorize_url(client_id, response_type))
        self.assertEqual(status, 200)
        (form,) = FormParser(html).forms
        self.assertEqual(form["attrs"]["id"], "login-form")
        self.assertEqual(form["attrs"]["method"], "post")
        self.assertEqual(form["attrs"]["action"], f"{self.base}/mailru/cgi-bin/auth")
        self.assertEqual(form["types"], {"Page": "hidden", "FailPage": "hidden",
                                         "Login": "text", "Password": "password"})
        self.assertEqual(form["selects"], {"Domain": ["mail.ru", "inbox.ru", "bk.ru", "list.ru"]})
        self.assertEqual(form["buttons"], [{"type": "submit"}])
        self.assertTrue(form["inputs"]["Page"].startswith(f"{self.base}/mailru/oauth/authorize?"))
        self.assertTrue(form["inputs"]["Page"].endswith("&login=1"))
        self.assertTrue(form["inputs"]["FailPage"].endswith("&fail=1"))
        fields = {**form["inputs"], "Login": login, "Domain": domain, "Password": password}
        return self.open(form["attrs"]["action"], fields)

    def test_token_flow(self):
        status, url, html = self.log_in()
        self.assertIn("&login=1", url)
        self.assertEqual({cookie.name for cookie in self.jar}, {"Mpop", "t"})
        self.assertIn("Необходим доступ к вашим данным", html)
        (form,) = FormParser(html).forms
        self.assertEqual(form["attrs"]["action"], f"{self.base}/mailru/oauth/authorize")
        self.assertEqual(set(form["inputs"]), {"sig", "client_id", "redirect_uri", "response_type",
                                               "state", "login", "needed_permissions", "scope"})
        self.assertEqual(form["inputs"]["redirect_uri"], self.redirect_uri)  # decoded once
        self.assertEqual(form["inputs"]["needed_permissions"], "576")
        self.assertEqual(form["buttons"], [{"type": "submit", "name": "agree", "value": "1"}])

        status, url, _ = self.open(form["attrs"]["action"], form["inputs"])  # without "agree"
        self.assertEqual(status, 200)  # success.html
        location = self.redirects.locations[-1]
        self.assertEqual(url, location)
        self.assertTrue(location.startswith(self.redirect_uri + "#"))
        fragment = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).fragment))
        self.assertEqual(list(fragment), ["access_token", "refresh_token", "expires_in",
                                          "token_type", "x_mailru_vid"])
        self.assertEqual((fragment["expires_in"], fragment["token_type"], fragment["x_mailru_vid"]),
                         ("86400", "bearer", IVAN))
        key = fragment["access_token"]
        self.assertIn("count", self.api("messages.getUnreadCount", session_key=key))
        self.assertApiError(self.api("events.getNewCount", session_key=key), 200)

        # Granted once: the next authorize redirects straight away with a new token.
        self.open(self.authorize_url())
        again = urllib.parse.urlsplit(self.redirects.locations[-1]).fragment
        self.assertNotEqual(dict(urllib.parse.parse_qsl(again))["access_token"], key)

    def test_code_flow(self):
        _, _, html = self.log_in(login="maria", domain="bk.ru", password="secret2",
                                 response_type="code")
        (form,) = FormParser(html).forms
        self.open(form["attrs"]["action"], {**form["inputs"], "agree": "1"})
        location = self.redirects.locations[-1]
        self.assertTrue(location.startswith(self.redirect_uri + "?code="))
        code = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)["code"][0]
        status, tokens = self.token(grant_type="authorization_code", client_id=APP_ID,
                                    client_secret=SECRET_KEY, code=code,
                                    redirect_uri=self.redirect_uri)
        self.assertEqual((status, tokens["x_mailru_vid"]), (200, MARIA))

    def test_wrong_password(self):
        status, url, html = self.log_in(password="wrong")
        self.assertEqual(status, 200)
        self.assertIn("fail=1", urllib.parse.urlsplit(url).query)
        self.assertEqual(FormParser(html).forms[0]["attrs"]["id"], "login-form")
        self.assertEqual(list(self.jar), [])

    def test_blocked_user(self):
        status, url, _ = self.log_in(login="blocked")
        self.assertEqual((status, urllib.parse.urlsplit(url).path), (200, "/mailru/recovery"))

    def test_unknown_and_development_apps(self):
        status, _, html = self.open(self.authorize_url(client_id="999"))
        self.assertEqual(status, 200)
        self.assertIn("Не указано приложение", html)
        status, _, html = self.log_in(client_id=DEV_APP_ID)
        self.assertEqual(status, 200)
        self.assertIn("Авторизация запрещена", html)
        self.assertIn("Приложение находится в разработке, поэтому авторизация не доступна", html)

    def test_forged_consent_is_refused(self):
        _, _, html = self.log_in()
        (form,) = FormParser(html).forms
        with self.assertRaises(urllib.error.HTTPError) as raised:
            self.open(form["attrs"]["action"], {**form["inputs"], "scope": "photos"})
        self.assertEqual(raised.exception.code, 400)


class FaultTest(MailRuCase):
    def test_http_errors_and_bodies(self):
        expected = self.raw_api("users.getInfo")[2]
        for fault in ("http500", "http503", "nonjson", "empty", "truncated"):
            self.fault(path="/mailru/platform/api", fault=fault)
            status, headers, body = self.raw_api("users.getInfo")
            if fault == "http500" or fault == "http503":
                self.assertEqual(status, int(fault[4:]))
            elif fault == "nonjson":
                self.assertEqual(status, 200)
                self.assertIn(b"502 Bad Gateway", body)
                self.assertTrue(headers["Content-Type"].startswith("text/html"))
            elif fault == "empty":
                self.assertEqual((status, body), (200, b""))
            else:
                self.assertEqual(body, expected[:len(expected) // 2])
                self.assertRaises(ValueError, json.loads, body)
        self.assertEqual(self.raw_api("users.getInfo")[2], expected)  # each hit once

    def test_api_error_method_filter_and_times(self):
        self.fault(path="/mailru/platform/api", method="friends.get", fault="api_error",
                   code=201, times=2)
        self.assertIsInstance(self.api("users.getInfo"), list)  # another method: untouched
        for _ in range(2):
            self.assertEqual(self.api("friends.get"), {"error": {
                "error_code": 201, "error_msg": "rate limit exceeded"}})
        self.assertIsInstance(self.api("friends.get"), list)

    def test_timeout(self):
        self.fault(path="/mailru/platform/api", fault="timeout", delay_ms=300)
        started = time.monotonic()
        self.assertEqual(len(self.api("friends.get")), 15)
        self.assertGreaterEqual(time.monotonic() - started, 0.3)

    def test_reset(self):
        self.fault(path="/mailru/oauth/token", fault="reset")
        with self.assertRaises((ConnectionError, http.client.HTTPException, urllib.error.URLError)):
            self.token(grant_type="refresh_token")
        self.assertEqual(self.request("/_emulator/health")[2], b"ok")

    def test_bad_fault_specs(self):
        for spec in ({"path": "/mailru", "fault": "explode"}, {"path": "mailru", "fault": "empty"},
                     {"path": "/mailru", "fault": "api_error"}, {"fault": "empty"},
                     {"path": "/mailru", "fault": "empty", "times": 0},
                     {"path": "/mailru", "fault": "empty", "colour": "red"}):
            status, _, _ = self.post("/_emulator/faults", json.dumps(spec).encode(),
                                     "application/json")
            self.assertEqual(status, 400, spec)

    def test_reset_forgets_faults_tokens_and_posts(self):
        before = self.api("guestbook.get", uid=MARIA, limit="100")
        key = self.token(grant_type="password", client_id=APP_ID, client_secret=SECRET_KEY,
                         username="ivan@mail.ru", password="secret", scope="guestbook")[1]["access_token"]
        self.assertEqual(self.api("guestbook.post", session_key=key, uid=MARIA, description="x"), 1)
        self.assertEqual(len(self.api("guestbook.get", uid=MARIA, limit="100")), len(before) + 1)
        self.fault(path="/mailru", fault="http500", times=5)
        self.post("/_emulator/reset", b"")
        self.assertEqual(self.api("guestbook.get", uid=MARIA, limit="100"), before)  # no fault
        self.assertApiError(self.api("users.getInfo", session_key=key), 102)


class UploadTest(MailRuCase):
    PNG = b"\x89PNG\r\n\x1a\n\x00\r\n--not-a-boundary\r\n\x00\xff" * 50

    def multipart(self, method, files, **fields):
        body, content_type = multipart(self.signed(method, **fields), files)  # files are not signed
        status, _, answer = self.post("/mailru/platform/api", body, content_type)
        self.assertEqual(status, 200)
        return json.loads(answer)

    def fetch(self, url):
        self.assertTrue(url.startswith(self.base))
        status, headers, body = self.request(url[len(self.base):])
        self.assertEqual(status, 200)
        return headers["Content-Type"], body

    def test_photo_upload(self):
        photo = self.multipart("photos.upload", {"img_file": self.PNG}, aid="_myphoto",
                               name="Тест")
        self.assertEqual((photo["size"], photo["title"], photo["aid"]), (len(self.PNG), "Тест",
                                                                          "_myphoto"))
        self.assertNotIn("src_big", photo)
        self.assertEqual(self.fetch(photo["src"]), ("image/png", self.PNG))
        listed = self.api("photos.get", aid="_myphoto", pids=str(photo["pid"]))
        self.assertEqual(listed, [photo])

    def test_photo_upload_by_url(self):
        photo = self.api("photos.upload", img_url="http://example.ru/a.jpg")
        self.assertEqual((photo["src"], photo["size"]), ("http://example.ru/a.jpg", 0))

    def test_guestbook_upload(self):
        self.assertEqual(self.multipart("guestbook.post", {"img_file": self.PNG}, uid=MARIA,
                                        title="Заголовок", description="Описание"), 1)
        entry = self.api("guestbook.get", uid=MARIA)[0]
        self.assertEqual((entry["title"], entry["description"], entry["author"]["uid"]),
                         ("Заголовок", "Описание", IVAN))
        self.assertEqual(self.fetch(entry["img_url"])[1], self.PNG)

    def test_signature_covers_text_fields(self):
        params = self.signed("photos.createAlbum", title="A")
        params["title"] = "B"
        body = "".join(f'--b\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                       for k, v in params.items()) + "--b--\r\n"
        answer = self.post("/mailru/platform/api", body.encode(), "multipart/form-data; boundary=b")
        self.assertApiError(json.loads(answer[2]), 104)


class WorldTest(MailRuCase):
    def test_fixed_users(self):
        ivan, maria = self.api("users.getInfo", uids=f"{IVAN},{MARIA}")
        self.assertEqual((ivan["uid"], ivan["first_name"], ivan["last_name"], ivan["nick"]),
                         (IVAN, "Иван", "Петров", "ivan"))
        self.assertEqual((maria["first_name"], maria["last_name"], maria["is_friend"]),
                         ("Мария", "Сидорова", 1))
        for field in ("status_text", "email", "sex", "show_age", "birthday", "has_my", "has_pic",
                      "pic", "pic_small", "pic_big", "pic_22", "pic_190", "link", "referer_type",
                      "referer_id", "is_online", "is_friend", "friends_count", "follower",
                      "following", "subscribe", "subscribers_count", "video_count", "is_verified",
                      "vip", "app_installed", "last_visit", "location", "cover"):
            self.assertIn(field, ivan)
        self.assertIsInstance(ivan["location"]["city"]["id"], str)
        self.assertTrue(ivan["pic"].startswith(self.base + "/mailru/static/"))
        self.assertEqual(self.request(ivan["pic"][len(self.base):])[1]["Content-Type"], "image/gif")

    def test_friends(self):
        friends = self.api("friends.get", ext="1")
        self.assertEqual(len(friends), 15)
        self.assertTrue(all(friend["is_friend"] == 1 for friend in friends))
        app_users = self.api("friends.getAppUsers")
        online = self.api("friends.getOnline", ext="1")
        self.assertTrue(0 < len(app_users) < 15 and 0 < len(online) < 15)
        self.assertEqual(self.api("friends.get", offset="10"), self.api("friends.get")[10:])

    def test_stream_paging_and_shapes(self):
        items, skip = [], ""
        while True:
            page = self.api("stream.get", limit="7", **({"skip": skip} if skip else {}))
            if not page:
                break
            items += page
            skip = page[-1]["id"]
        self.assertEqual(items, self.api("stream.get", limit="1000"))
        self.assertEqual({item["subtype"] for item in items}, {"event", "like", "comment"})
        events = [item for item in items if item["subtype"] == "event"]
        self.assertTrue({"1-1", "1-7", "3-23", "5-26", "5-10"} <= {e["type"] for e in events})
        kinds = {media["object"] for event in events
                 for media in event["attachments"] + event.get("text_media", [])}
        self.assertEqual(kinds, {"text", "tag", "link", "avatar", "image", "music", "video", "app",
                                 "group", "gift"})
        links = [media for event in events for media in event["attachments"] + event.get("text_media", [])
                 if media["object"] == "link"]
        self.assertTrue(any("url" in link for link in links))
        self.assertTrue(any("type-id" in link.get("content", {}) for link in links))
        app = next(m for e in events for m in e["attachments"] if m["object"] == "app")
        self.assertIn("PublishStatus", app["content"])

    def test_stream_writes(self):
        self.assertEqual(self.api("stream.post", text="Новый пост"), 1)
        newest = self.api("stream.get", limit="1")[0]
        self.assertEqual((newest["type"], newest["attachments"][0]["content"],
                          newest["generator"]["app_id"]), ("5-17", "Новый пост", 423004))
        from_app = self.api("stream.get", filter_app="1", limit="100")
        self.assertEqual(from_app[0], newest)
        self.assertTrue(all(event["generator"]["app_id"] == 423004 for event in from_app))
        self.assertEqual(self.api("stream.like", thread_id=newest["thread_id"]), 1)
        liked = self.api("stream.getByAuthor", uid=IVAN, limit="1")[0]
        self.assertEqual((liked["likes_count"], liked["is_liked_by_me"]), (1, 1))
        self.assertEqual(self.api("stream.unlike", thread_id=newest["thread_id"]), 1)
        self.assertEqual(self.api("stream.getByAuthor", uid=IVAN, limit="1")[0]["likes_count"], 0)
        self.assertApiError(self.api("stream.like", thread_id="nope"), 100)
        self.assertApiError(self.api("stream.post", user_text="no content"), 100)
        self.assertEqual(self.api("multipost.send", uid2=MARIA, text="Мульти"), 1)
        self.assertEqual(self.api("stream.getByAuthor", limit="1")[0]["text_media"],
                         [{"object": "text", "content": "Мульти"}])

    def test_photos_and_albums(self):
        albums = self.api("photos.getAlbums")
        self.assertTrue(all(isinstance(a["created"], str) and isinstance(a["updated"], str)
                            for a in albums))
        photos = [p for a in albums for p in self.api("photos.get", aid=a["aid"])]
        self.assertTrue(any("src_big" in p for p in photos) and
                        any("src_big" not in p for p in photos))
        album = self.api("photos.createAlbum", title="Отпуск")
        self.assertEqual((album["title"], album["size"], album["cover_pid"]), ("Отпуск", 0, ""))
        self.assertEqual(self.api("photos.getAlbums", aids=album["aid"]), [album])

    def test_messages(self):
        threads = self.api("messages.getThreadsList")
        self.assertTrue(threads)
        self.assertEqual(set(threads[0]), {"id", "user", "last_message", "count"})
        self.assertEqual(self.api("messages.post", uid=MARIA, message="Тест"), 1)
        self.assertEqual(self.api("messages.getThread", uid=MARIA, limit="1")[0]["text"], "Тест")

    def test_groups(self):
        mine = self.api("groups.get")
        self.assertEqual(len(mine), 3)
        info = self.api("groups.getInfo", uids=",".join(mine + [IVAN]))
        self.assertEqual([group["uid"] for group in info], mine)
        self.assertTrue(all(group["group_info"]["is_closed"] == 0 for group in info))
        self.assertApiError(self.api("groups.getInfo", uids=IVAN), 202)


class ServerTest(MailRuCase):
    def test_health_and_keep_alive(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.server.server_address[1],
                                                timeout=10)
        for _ in range(3):  # three requests, one connection
            connection.request("GET", "/_emulator/health")
            response = connection.getresponse()
            self.assertEqual((response.status, response.read()), (200, b"ok"))
            self.assertEqual(response.getheader("Content-Length"), "2")
        connection.close()

    def test_stats_count_connections_and_requests(self):
        port = self.server.server_address[1]
        for _ in range(2):  # two connections, two requests each
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            for _ in range(2):
                connection.request("GET", "/_emulator/health")
                connection.getresponse().read()
            connection.close()
        # setUp's reset came on a connection accepted before it, so it is not counted
        stats = json.loads(self.request("/_emulator/stats")[2])
        self.assertEqual(stats, {"connections": 3, "requests": 5})

    def test_determinism(self):
        def users_body(base):
            uids = ",".join(self.api("friends.get") + self.api("groups.get") + [IVAN])
            return self.raw_api("users.getInfo", uids=uids, base=base)[2].replace(
                base.encode(), b"BASE")

        with other_servers(1, 2) as (other, third):
            self.assertEqual(users_body(self.base), users_body(other.base_url))
            self.assertNotEqual(users_body(self.base), users_body(third.base_url))

    def test_command_line(self):
        script = os.path.join(EMULATOR, "socapi-emulator")
        with tempfile.TemporaryDirectory() as folder:
            port_file = os.path.join(folder, "port")
            process = subprocess.Popen([sys.executable, script, "--port", "0", "--port-file",
                                        port_file], stdout=subprocess.PIPE, text=True)
            try:
                line = process.stdout.readline()
                with open(port_file, encoding="ascii") as stream:
                    port = stream.read().strip()
                self.assertEqual(line, f"socapi-emulator listening on http://127.0.0.1:{port}\n")
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_emulator/health") as reply:
                    self.assertEqual(reply.read(), b"ok")
            finally:
                process.terminate()
                process.wait(10)
                process.stdout.close()
            self.assertFalse(os.path.exists(port_file))
        refused = subprocess.run([sys.executable, script, "--host", "0.0.0.0"],
                                 capture_output=True, text=True)
        self.assertEqual(refused.returncode, 2)
        self.assertIn("only loopback", refused.stderr)


if __name__ == "__main__":
    unittest.main()
