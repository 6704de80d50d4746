"""Tests of the OK.ru emulator, over real HTTP on a loopback port.

Run from the repository root:
    python3 -m unittest discover -s emulator/tests -t emulator -v
"""

import hashlib
import http.cookiejar
import json
import os
import re
import sys
import unittest
import urllib.error
import urllib.parse
import urllib.request

EMULATOR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, EMULATOR)

from socapi_emulator import ok  # noqa: E402  (its method table, for the schema walk)
from tests.support import (EmulatorCase, FormParser, SchemaFiles, multipart,  # noqa: E402
                           other_servers)

APP_ID = "1267418112"
APP_KEY = "CBAEJBKGDIHBABABA"
APP_SECRET = "8a5c2d0e4f6b1a3c5e7d9f0b2c4e6a8d"
IVAN = "574238563453"
MARIA = "580012345678"
TOKEN = "tkn1ivan0fixed0emulator0ok0000000000000000"
TOKEN_SECRET = "5d41402abc4b2a76b9719d911017c592"
REFRESH_TOKEN = "rfr1ivan0fixed0emulator0ok"
EXPIRED_TOKEN = "tkn1expired0emulator0ok"
EXPIRED_SECRET = "e10adc3949ba59abbe56e057f20f883e"
REDIRECT_URI = "http://localhost/callback"
JSON_TYPE = "application/json;charset=utf-8"
NOT_IN_SCHEMA = {"mediatopic.getTopics", "auth.touchSession"}
# Side-file permissions the emulator does not demand: users.getCurrentUser answers
# every token, and GET_EMAIL only decides whether `email` is in the answer.
NOT_DEMANDED = {"users.getCurrentUser": {"GET_EMAIL"}}


def md5(text):
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def sign(params, secret):
    """OK's sig, written independently of the emulator: every parameter but sig,
    access_token and session_key, sorted byte-wise, as k=v, then the secret."""
    skip = {"sig", "access_token", "session_key"}
    text = "".join(f"{k}={params[k]}" for k in sorted(params, key=str.encode) if k not in skip)
    return md5(text + secret)


def server_secret(token):
    """The server-server circuit's secret: md5(access_token + application_secret_key)."""
    return md5(token + APP_SECRET)


class Browser:
    """A cookie-keeping client that follows redirects inside the emulator and
    stops at any other host (the registered redirect URIs are not served)."""

    def __init__(self, base):
        self.locations = []  # every Location seen
        self.jar = http.cookiejar.CookieJar()
        browser = self

        class Redirects(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, req, fp, code, msg, headers, newurl):
                browser.locations.append(headers["Location"])
                if not newurl.startswith(base):
                    return None  # urllib raises the 302 as an HTTPError
                return super().redirect_request(req, fp, code, msg, headers, newurl)

        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  Redirects())

    def open(self, url, fields=None):
        """(status, final URL, body text); a redirect to another host ends with 302."""
        data = urllib.parse.urlencode(fields).encode() if fields is not None else None
        try:
            with self.opener.open(urllib.parse.urljoin(self.base, url), data, timeout=10) as reply:
                return reply.status, reply.url, reply.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.url, error.read().decode("utf-8")

    def cookies(self):
        return {cookie.name for cookie in self.jar}


class PageParser(FormParser):
    """FormParser plus every link's href."""

    def __init__(self, html):
        self.links = []
        self.checkbox = None
        super().__init__(html)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs)["href"])
        elif tag == "input" and dict(attrs).get("type") == "checkbox":
            self.checkbox = dict(attrs)
        super().handle_starttag(tag, attrs)


class OKCase(EmulatorCase):
    """EmulatorCase with signed OK calls."""

    @staticmethod
    def signed(method, session=TOKEN, secret=None, **params):
        """A signed call's parameters; `session` is the access token (None: a
        session-less call). With a token the default circuit is server-server (it
        works for every token); without one, the application secret."""
        params = {"application_key": APP_KEY, "method": method, "format": "json", **params}
        if session:
            params["access_token"] = session
        params["sig"] = sign(params, secret or (server_secret(session) if session else APP_SECRET))
        return params

    def raw_api(self, method, base=None, **params):
        query = urllib.parse.urlencode(self.signed(method, **params))
        return self.request(f"/ok/fb.do?{query}", base=base)

    def api(self, method, **params):
        """GET a signed call; the decoded JSON body."""
        status, headers, body = self.raw_api(method, **params)
        self.assertEqual((status, headers["Content-Type"]), (200, JSON_TYPE))
        return json.loads(body)

    def api_post(self, method, **params):
        data = urllib.parse.urlencode(self.signed(method, **params)).encode()
        status, headers, body = self.post("/ok/fb.do", data)
        self.assertEqual((status, headers["Content-Type"]), (200, JSON_TYPE))
        return json.loads(body)

    def assertApiError(self, answer, code, text=None):
        self.assertIsInstance(answer, dict, answer)
        self.assertEqual(answer.get("error_code"), code, answer)
        if text:
            self.assertIn(text, answer["error_msg"])

    def assertOk(self, answer):
        if isinstance(answer, dict):
            self.assertNotIn("error_code", answer)
        return answer

    def token(self, **form):
        status, headers, body = self.post("/ok/oauth/token.do",
                                          urllib.parse.urlencode(form).encode())
        self.assertEqual(headers["Content-Type"], JSON_TYPE)
        return status, json.loads(body)

    def code(self, uid=IVAN, scope="", redirect_uri=REDIRECT_URI):
        query = urllib.parse.urlencode({"client_id": APP_ID, "redirect_uri": redirect_uri,
                                        "uid": uid, "scope": scope})
        status, _, body = self.request(f"/_emulator/ok/code?{query}")
        self.assertEqual(status, 200, body)
        return json.loads(body)["code"]

    def code_token(self, scope="", uid=IVAN):
        """An access token from the authorization-code grant (no session secret)."""
        status, tokens = self.token(grant_type="authorization_code", client_id=APP_ID,
                                    client_secret=APP_SECRET, redirect_uri=REDIRECT_URI,
                                    code=self.code(uid, scope))
        self.assertEqual(status, 200, tokens)
        return tokens["access_token"]

    def login(self, user_name="ivan.petrov@ok.ru", password="secret"):
        data = urllib.parse.urlencode({"application_key": APP_KEY, "method": "auth.login",
                                       "user_name": user_name, "password": password,
                                       "verification_supported": "1",
                                       "verification_supported_v": "1"}).encode()
        return json.loads(self.post("/ok/fb.do", data)[2])

    def group_id(self, shortname):
        return self.api("url.getInfo", url=f"https://ok.ru/{shortname}")["objectIdStr"]

    def walk(self, method, key, anchor="anchor", more="has_more", **params):
        """(items, pages) of an anchor-paged method read to the end, by the loop rule of
        ramusus/django-odnoklassniki-api: on while has_more, or, where there is none,
        while pages have items."""
        items, pages, page = [], 0, {}
        while pages < 50:
            follow = {anchor: page[anchor]} if anchor in page else {}
            page = self.assertOk(self.api(method, **params, **follow))
            pages += 1
            items += page.get(key, [])
            if not page.get(more, bool(page.get(key))):
                return items, pages
        self.fail(f"{method} does not end")


class SignatureTest(OKCase):
    def test_reference_vectors(self):
        """aiookru docs/source/session.rst: its strings to hash give its sigs with this test's helper."""
        params = {"application_key": "ABCDEFGHIGKLMNOPK", "format": "json", "method": "events.get",
                  "access_token": "-s-2GUXOAvQYI7-RfxsZtV1wezsdtVPv92xfuaSQ8.SAIV1O2ywYra2-3ywes5"
                                  "St2yvcuZSr9UUWN2TtbWtWKVTuAy8"}
        self.assertEqual(sign(params, "ae5362b5b588cc7294c2414d71b74d5d"),
                         "03a41413523ea8092507949d6e711963")
        token = "-s-84W-s3egarWUsbkq-IWTucuedzTKT8VUXIA.s4Xx8IW7"
        secret = md5(token + "ABC123DEF456GHI789JKL123")
        self.assertEqual(secret, "b1a2b89707a94624c43afae67d59274c")
        self.assertEqual(sign({**params, "access_token": token}, secret),
                         "232c8eb921951c4dba9b72606f9ddb4c")
        self.assertEqual(md5('"a"=1"b"=2"c"=3session key'),
                         sign({'"a"': 1, '"b"': 2, '"c"': 3}, "session key"))

    def test_every_circuit(self):
        me = [{"uid": IVAN, "first_name": "Иван"}]
        for secret in (TOKEN_SECRET, server_secret(TOKEN)):
            self.assertEqual(self.api("users.getInfo", uids=IVAN, fields="first_name",
                                      secret=secret), me)
        # session_key is the legacy name of access_token, and is not signed either
        params = self.signed("users.getInfo", session=None, secret=TOKEN_SECRET, uids=IVAN,
                             fields="first_name")
        params["session_key"] = TOKEN
        self.assertEqual(json.loads(self.request("/ok/fb.do?" + urllib.parse.urlencode(params))[2]),
                         me)
        self.assertEqual(self.api("users.getInfo", session=None, uids=IVAN,
                                  fields="first_name"), me)
        params = self.signed("users.getInfo", uids=IVAN, fields="first_name")
        params["sig"] = params["sig"].upper()
        self.assertEqual(json.loads(self.request("/ok/fb.do?" + urllib.parse.urlencode(params))[2]),
                         me)

    def test_wrong_signatures(self):
        cases = ({"secret": APP_SECRET},  # the session-less secret with a token
                 {"session": None, "secret": TOKEN_SECRET},
                 {"secret": server_secret(EXPIRED_TOKEN)})
        for case in cases:
            self.assertApiError(self.api("friends.get", **case), 104, "PARAM_SIGNATURE : ")
        tampered = self.signed("friends.get", fid=MARIA)
        tampered["fid"] = IVAN
        answer = json.loads(self.request("/ok/fb.do?" + urllib.parse.urlencode(tampered))[2])
        self.assertEqual(answer, {"error_code": 104, "error_data": None,
                                  "error_msg": "PARAM_SIGNATURE : Invalid signature"})
        unsigned = self.signed("friends.get")
        del unsigned["sig"]
        answer = json.loads(self.request("/ok/fb.do?" + urllib.parse.urlencode(unsigned))[2])
        self.assertApiError(answer, 104, "No signature specified")
        # tokens of the code grant have no session secret: server-server only
        token = self.code_token()
        self.assertIsInstance(self.api("friends.get", session=token), list)
        self.assertApiError(self.api("friends.get", session=token, secret=TOKEN_SECRET), 104)

    def test_post_multipart_and_body_wins(self):
        params = self.signed("users.getInfo", uids=MARIA, fields="first_name")
        self.assertEqual(self.api_post("users.getInfo", uids=MARIA, fields="first_name"),
                         [{"uid": MARIA, "first_name": "Мария"}])
        body = "".join(f'--b\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                       for k, v in params.items()) + "--b--\r\n"
        # the query's uids is overridden by the body's, which is the signed one
        status, _, answer = self.post(f"/ok/fb.do?uids={IVAN}", body.encode(),
                                      "multipart/form-data; boundary=b")
        self.assertEqual(json.loads(answer), [{"uid": MARIA, "first_name": "Мария"}])


class ApiErrorTest(OKCase):
    def test_error_envelope(self):
        status, headers, body = self.raw_api("users.getInfo", application_key="WRONG")
        self.assertEqual((status, headers["Content-Type"], headers["invocation-error"]),
                         (200, JSON_TYPE, "101"))
        self.assertEqual(json.loads(body), {"error_code": 101, "error_data": None, "error_msg":
                                            "PARAM_API_KEY : application_key is not known"})
        params = self.signed("users.getInfo")
        del params["application_key"]
        answer = json.loads(self.request("/ok/fb.do?" + urllib.parse.urlencode(params))[2])
        self.assertApiError(answer, 101)

    def test_codes(self):
        self.assertApiError(self.api("users.noSuchMethod"), 3, "METHOD : ")
        self.assertApiError(self.api(""), 100)
        self.assertApiError(self.api("friends.get", session="f" * 32), 103, "PARAM_SESSION_KEY")
        for secret in (EXPIRED_SECRET, server_secret(EXPIRED_TOKEN), "0" * 32):
            self.assertEqual(self.api("friends.get", session=EXPIRED_TOKEN, secret=secret), {
                "error_code": 102, "error_msg": "PARAM_SESSION_EXPIRED : Session expired",
                "error_data": None})
        self.assertApiError(self.api("notifications.sendSimple", uid=IVAN, text="x"), 451,
                            "NOT_SESSION_METHOD")
        self.assertApiError(self.api("events.get", session=None), 453, "SESSION_REQUIRED")
        self.assertApiError(self.api("friends.get", session=None), 100,
                            "PARAM : Either session_key or uid must be specified")
        self.assertApiError(self.api("users.getInfo", uids=IVAN, fields="name", format="xml"), 100)
        self.assertApiError(self.api("users.getInfo", uids=IVAN), 100)  # fields is required
        self.assertApiError(self.api("users.getInfo", uids="ivan", fields="name"), 100)
        self.assertApiError(self.api("users.getInfo", uids=IVAN, fields="name",
                                     emptyPictures="1"), 100)  # booleans are true/false
        self.assertApiError(self.api("group.getUserGroupsV2", count="0"), 100)
        self.assertApiError(self.api("friends.get", fid="1"), 110, "PARAM_USER_ID")
        self.assertApiError(self.api("group.getMembers", uid="1"), 160, "PARAM_GROUP_ID")
        self.assertApiError(self.api("photos.getUserAlbumPhotos", aid="1"), 120)
        self.assertApiError(self.api("group.getMembers", uid=self.group_id("private.club")),
                            456)

    def test_permissions(self):
        token = self.code_token()  # VALUABLE_ACCESS only
        self.assertIsInstance(self.api("friends.get", session=token), list)
        for method, params in (("group.getMembers", {"uid": "1"}),
                               ("group.getInfo", {"uids": "1", "fields": "name"}),
                               ("users.setStatus", {"status": "x"}),
                               ("photosV2.getUploadUrl", {})):
            self.assertApiError(self.api(method, session=token, **params), 10,
                                "PERMISSION_DENIED : ")
        self.assertApiError(self.api("mediatopic.post", session=token, type="USER_STATUS",
                                     attachment='{"media":[{"type":"text","text":"x"}]}'), 10)
        self.assertIs(self.api("users.hasAppPermission", session=token, ext_perm="GET_EMAIL"),
                      False)
        self.assertEqual(self.api("users.getCurrentUser", session=token, fields="name,email"),
                         {"uid": IVAN, "name": "Иван Петров"})  # no email without GET_EMAIL
        self.assertIs(self.api("users.hasAppPermission", ext_perm="GET_EMAIL"), True)
        self.assertIs(self.api("users.hasAppPermission", session=None, uid=MARIA,
                               ext_perm="PHOTO_CONTENT"), True)


class AuthLoginTest(OKCase):
    def test_success(self):
        reply = self.login("Maria@ok.ru", "secret2")
        self.assertEqual(set(reply), {"uid", "session_key", "session_secret_key", "api_server"})
        self.assertEqual(reply["uid"], MARIA)
        self.assertRegex(reply["session_secret_key"], "^[0-9a-f]{32}$")
        for secret in (reply["session_secret_key"], server_secret(reply["session_key"])):
            me = self.api("users.getCurrentUser", session=reply["session_key"], secret=secret)
            self.assertEqual((me["uid"], me["name"], me["email"]), (MARIA, "Мария Сидорова",
                                                                    "maria@ok.ru"))
        self.assertEqual(self.api("users.getLoggedInUser", session=reply["session_key"]), MARIA)

    def test_failures(self):
        self.assertApiError(self.login(password="wrong"), 401, "AUTH_LOGIN : Invalid login")
        self.assertApiError(self.login("nobody@ok.ru"), 401, "Invalid login or password")
        self.assertApiError(self.login("blocked@ok.ru"), 401, "AUTH_LOGIN : User is blocked")
        self.assertApiError(self.login(password=""), 100)
        self.assertApiError(self.api("auth.login", user_name="maria@ok.ru", password="secret2"),
                            451)  # with a token


class TokenEndpointTest(OKCase):
    def test_code_grant(self):
        code = self.code(MARIA, "PHOTO_CONTENT;GROUP_CONTENT")
        form = {"grant_type": "authorization_code", "client_id": APP_ID,
                "client_secret": APP_SECRET, "redirect_uri": REDIRECT_URI, "code": code}
        for change, error in (({"client_secret": APP_KEY}, "invalid_client"),
                              ({"client_id": "1267418113"}, "invalid_client"),
                              ({"redirect_uri": "https://oauth.mycdn.me/blank.html"},
                               "invalid_grant"),
                              ({"code": ""}, "invalid_request"),
                              ({"grant_type": "password"}, "unsupported_grant_type"),
                              ({"grant_type": ""}, "invalid_request")):
            status, body = self.token(**{**form, **change})
            self.assertEqual((status, body["error"]), (400, error), change)
            self.assertIn("error_description", body)
        status, tokens = self.token(**form)
        self.assertEqual(status, 200)
        self.assertEqual(set(tokens), {"access_token", "refresh_token", "expires_in", "token_type"})
        self.assertEqual((tokens["token_type"], tokens["expires_in"]), ("session", "1800"))
        members = self.api("group.getMembers", session=tokens["access_token"],
                           uid=self.group_id("c.programmers"))
        self.assertTrue(members["members"])
        status, body = self.token(**form)  # a code works once
        self.assertEqual((status, body["error"]), (400, "invalid_grant"))

        status, renewed = self.token(grant_type="refresh_token", client_id=APP_ID,
                                     client_secret=APP_SECRET,
                                     refresh_token=tokens["refresh_token"])
        self.assertEqual(status, 200)
        self.assertEqual(set(renewed), {"access_token", "expires_in", "token_type"})
        self.assertEqual(self.api("users.getLoggedInUser", session=renewed["access_token"]), MARIA)

    def test_refresh_grant(self):
        form = {"grant_type": "refresh_token", "client_id": APP_ID, "client_secret": APP_SECRET}
        status, tokens = self.token(**form, refresh_token=REFRESH_TOKEN)
        self.assertEqual((status, tokens["expires_in"]), (200, str(30 * 86400)))  # LONG_ACCESS
        self.assertIn("email", self.api("users.getCurrentUser", session=tokens["access_token"]))
        for change, error in (({"refresh_token": "nope"}, "invalid_grant"),
                              ({"refresh_token": ""}, "invalid_request"),
                              ({"client_secret": "x", "refresh_token": REFRESH_TOKEN},
                               "invalid_client")):
            status, body = self.token(**{**form, **change})
            self.assertEqual((status, body["error"]), (400, error), change)

    def test_control_endpoint_errors(self):
        for query in ("client_id=1&redirect_uri=x&uid=" + IVAN,
                      f"client_id={APP_ID}&redirect_uri=x&uid=1",
                      f"client_id={APP_ID}&redirect_uri=x&uid={IVAN}&scope=EVERYTHING"):
            self.assertEqual(self.request(f"/_emulator/ok/code?{query}")[0], 400)


class ImplicitFlowTest(OKCase):
    """The implicit flow step by step, parsing the pages like aiookru's ImplicitSession."""

    def authorize(self, browser, client_id=APP_ID, response_type="token",
                  scope="GROUP_CONTENT;PHOTO_CONTENT", redirect_uri=REDIRECT_URI, state="xyz"):
        return browser.open("/ok/oauth/authorize?" + urllib.parse.urlencode({
            "client_id": client_id, "scope": scope, "response_type": response_type,
            "redirect_uri": redirect_uri, "layout": "w", "state": state}))

    def log_in(self, browser, login="maria@ok.ru", password="secret2", **authorize):
        status, url, html = self.authorize(browser, **authorize)
        self.assertEqual(status, 200)
        self.assertEqual(urllib.parse.urlsplit(url).path, "/ok/dk")
        self.assertEqual(urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["st.cmd"],
                         ["OAuth2Login"])
        page = PageParser(html)
        (form,) = page.forms
        self.assertEqual(form["attrs"], {"method": "post",
                                         "action": "/ok/dk?cmd=OAuth2Login&st.cmd=OAuth2Login"})
        self.assertEqual(form["types"], {"fr.posted": "hidden", "fr.email": "text",
                                         "fr.password": "password", "fr.remember": "checkbox"})
        self.assertEqual((form["inputs"]["fr.posted"], form["inputs"]["fr.remember"]),
                         ("set", "on"))
        self.assertEqual(page.checkbox["checked"], "checked")
        self.assertIn('<input value="Войти" type="submit">', html)
        fields = {**form["inputs"], "fr.email": login, "fr.password": password}
        return browser.open(form["attrs"]["action"], fields)

    def accept(self, browser, html, accept=True):
        page = PageParser(html)
        (form,) = page.forms
        self.assertEqual(form["attrs"], {
            "method": "POST", "action": "/ok/dk?st.cmd=OAuth2Permissions&cmd=OAuth2Permissions"})
        self.assertEqual(form["types"], {"fr.posted": "hidden", "fr.token": "hidden"})
        self.assertEqual(form["buttons"][0]["name"], "button_accept_request")
        extra = {"button_accept_request": ""} if accept else {}
        status, _, _ = browser.open(form["attrs"]["action"], {**form["inputs"], **extra})
        self.assertEqual(status, 302)  # to the redirect_uri, which is not followed
        return page.links

    def test_token_flow(self):
        browser = Browser(self.base)
        status, url, html = self.log_in(browser)
        self.assertEqual(status, 200)
        self.assertEqual(urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["st.cmd"],
                         ["OAuth2Permissions"])
        self.assertEqual(browser.cookies(), {"ok_dialog", "ok_login"})
        links = self.accept(browser, html)
        self.assertEqual(links, [REDIRECT_URI + "#error=access_denied&state=xyz"])
        location = browser.locations[-1]
        self.assertTrue(location.startswith(REDIRECT_URI + "#"))
        fragment = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).fragment))
        self.assertEqual(set(fragment), {"access_token", "session_secret_key",
                                         "permissions_granted", "expires_in", "state"})
        self.assertEqual(
            (fragment["permissions_granted"], fragment["expires_in"], fragment["state"]),
            ("VALUABLE_ACCESS;PHOTO_CONTENT;GROUP_CONTENT", "1800", "xyz"))
        token = fragment["access_token"]
        gid = self.group_id("c.programmers")
        for secret in (fragment["session_secret_key"], server_secret(token)):
            self.assertIn("members", self.api("group.getMembers", session=token, secret=secret,
                                              uid=gid))
        self.assertApiError(self.api("users.setStatus", session=token, status="x"), 10)

        # Logged in and granted: the next authorize redirects at once, with a new token.
        status, _, _ = self.authorize(browser)
        self.assertEqual(status, 302)
        again = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(browser.locations[-1]).fragment))
        self.assertNotEqual(again["access_token"], token)
        # More scope than granted: the permissions page again.
        status, url, html = self.authorize(browser, scope="SET_STATUS")
        self.assertIn("st.cmd=OAuth2Permissions", url)

    def test_code_flow_and_own_redirect_uri(self):
        browser = Browser(self.base)
        blank = f"{self.base}/ok/blank.html"
        _, _, html = self.log_in(browser, "ivan.petrov@ok.ru", "secret", response_type="code",
                                 redirect_uri=blank, state="")
        (form,) = PageParser(html).forms
        status, url, _ = browser.open(form["attrs"]["action"],
                                      {**form["inputs"], "button_accept_request": ""})
        self.assertEqual(status, 200)  # blank.html is served, so the redirect is followed
        self.assertEqual(urllib.parse.urlsplit(url).path, "/ok/blank.html")
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query,
                                            keep_blank_values=True))
        self.assertEqual(set(query), {"code", "state"})
        status, tokens = self.token(grant_type="authorization_code", client_id=APP_ID,
                                    client_secret=APP_SECRET, redirect_uri=blank,
                                    code=query["code"])
        self.assertEqual(status, 200)
        self.assertEqual(self.api("users.getLoggedInUser", session=tokens["access_token"]), IVAN)

    def test_denied(self):
        browser = Browser(self.base)
        _, _, html = self.log_in(browser)
        self.accept(browser, html, accept=False)
        self.assertEqual(browser.locations[-1], REDIRECT_URI + "#error=access_denied&state=xyz")

    def test_wrong_password(self):
        browser = Browser(self.base)
        status, url, html = self.log_in(browser, password="wrong")
        self.assertEqual(status, 200)
        self.assertEqual(urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["st.cmd"],
                         ["OAuth2Login"])
        self.assertIn("Неправильно указан логин и/или пароль", html)
        self.assertEqual(PageParser(html).forms[0]["inputs"]["fr.email"], "maria@ok.ru")
        self.assertEqual(browser.cookies(), {"ok_dialog"})

    def test_blocked_user(self):
        status, url, html = self.log_in(Browser(self.base), "blocked@ok.ru", "secret")
        self.assertEqual((status, urllib.parse.urlsplit(url).path), (200, "/ok/blocked"))
        self.assertIn("Профиль заблокирован", html)

    def test_bad_requests(self):
        browser = Browser(self.base)
        for change, status, error in (({"client_id": "1"}, 401, "invalid_client"),
                                      ({"redirect_uri": "https://evil.example/"}, 400,
                                       "invalid_request"),
                                      ({"response_type": "id_token"}, 400,
                                       "unsupported_response_type"),
                                      ({"scope": "EVERYTHING"}, 400, "invalid_scope")):
            got, _, body = self.authorize(browser, **change)
            self.assertEqual((got, json.loads(body)["error"]), (status, error), change)
        # The login form without the dialog cookie, and a permissions form posted twice.
        self.assertEqual(Browser(self.base).open("/ok/dk?cmd=OAuth2Login&st.cmd=OAuth2Login",
                                                 {"fr.email": "x"})[0], 400)
        _, _, html = self.log_in(browser)
        (form,) = PageParser(html).forms
        browser.open(form["attrs"]["action"], {**form["inputs"], "button_accept_request": ""})
        self.assertEqual(browser.open(form["attrs"]["action"], form["inputs"])[0], 400)


class PagingTest(OKCase):
    def test_group_members(self):
        gid = self.group_id("c.programmers")
        members, pages = self.walk("group.getMembers", "members", uid=gid, count="10")
        uids = [member["userId"] for member in members]
        self.assertEqual((len(uids), pages), (28, 3))
        self.assertEqual(uids, sorted(set(uids), key=int))
        self.assertIn(IVAN, uids)
        everything = self.api("group.getMembers", uid=gid, count="1000")
        self.assertEqual((everything["members"], everything["has_more"]), (members, False))
        back = self.api("group.getMembers", uid=gid, count="10", direction="BACKWARD",
                        anchor=everything["anchor"])
        self.assertEqual((back["members"], back["has_more"]), (members[-10:], True))
        admins = self.api("group.getMembers", uid=gid, statuses="ADMIN")["members"]
        self.assertEqual(admins, [{"userId": IVAN}])
        self.assertApiError(self.api("group.getMembers", uid=gid, anchor="bm9wZQ=="), 100)

    def test_albums_and_photos(self):
        albums, pages = self.walk("photos.getAlbums", "albums", "pagingAnchor", "hasMore",
                                  count="3")
        self.assertEqual((len(albums), pages), (7, 3))
        first = self.api("photos.getAlbums", count="3", detectTotalCount="true")
        self.assertEqual((first["totalCount"], first["hasMore"]), (7, True))
        biggest = max(albums, key=lambda album: album["photos_count"])
        photos, pages = self.walk("photos.getUserAlbumPhotos", "photos", "pagingAnchor", "hasMore",
                                  aid=biggest["aid"], count="4")
        self.assertEqual((len(photos), pages), (biggest["photos_count"], 2))
        everything, _ = self.walk("photos.getPhotos", "photos", more="hasMore", count="7")
        self.assertEqual(len(everything), sum(album["photos_count"] for album in albums))
        group_albums = self.api("photos.getAlbums", gid=self.group_id("objectiv"))
        self.assertTrue(all("group_id" in album for album in group_albums["albums"]))

    def test_user_groups_end_with_an_empty_page(self):
        groups, pages = self.walk("group.getUserGroupsV2", "groups", count="2")
        self.assertEqual((len(groups), pages), (3, 3))
        self.assertEqual({group["status"] for group in groups}, {"ADMIN", "ACTIVE", "MODERATOR"})

    def test_stream_and_discussions(self):
        feeds, pages = self.walk("stream.get", "feeds")
        self.assertGreater(pages, 3)
        self.assertEqual({feed["pattern"] for feed in feeds}, {"POST", "JOIN"})
        self.assertEqual(len({feed["delete_id"] for feed in feeds}), len(feeds))
        posts = self.api("stream.get", patterns="POST")
        self.assertEqual({feed["pattern"] for feed in posts["feeds"]}, {"POST"})
        entities = posts["entities"]
        self.assertTrue(entities["users"] and entities["media_topics"])
        discussions, _ = self.walk("discussions.getList", "discussions", count="5")
        self.assertGreaterEqual(len(discussions), 10)
        mine = self.api("discussions.getList", category="MY", count="100")["discussions"]
        self.assertTrue(mine and all(d["owner_uid"] == IVAN for d in mine))


class UploadTest(OKCase):
    PNG = b"\x89PNG\r\n\x1a\n\x00\r\n--not-a-boundary\r\n\x00\xff" * 40

    def upload(self, url, files):
        self.assertTrue(url.startswith(self.base + "/ok/upload/"))
        body, content_type = multipart({}, files)
        status, headers, answer = self.post(url[len(self.base):], body, content_type)
        self.assertEqual((status, headers["Content-Type"]), (200, JSON_TYPE))
        return json.loads(answer)

    def test_upload_and_commit(self):
        album = self.api("photos.getAlbums", count="1")["albums"][0]
        reserved = self.api("photosV2.getUploadUrl", aid=album["aid"], count="2")
        self.assertEqual(set(reserved), {"upload_url", "photo_ids", "expires_ms", "ttl_ms"})
        ids = reserved["photo_ids"]
        self.assertTrue(all(re.search(r"[+/=]", photo_id) for photo_id in ids))
        second = self.PNG[::-1]
        uploaded = self.upload(reserved["upload_url"], {"pic1": self.PNG, "pic2": second})
        self.assertEqual(set(uploaded["photos"]), set(ids))
        tokens = [uploaded["photos"][photo_id]["token"] for photo_id in ids]

        # one photo as form fields (the id needs percent-encoding), one as JSON
        single = self.api_post("photosV2.commit", photo_id=ids[0], token=tokens[0],
                               comment="Первое")
        self.assertEqual(single["photos"][0]["status"], "SUCCESS")
        batch = self.api_post("photosV2.commit", photos=json.dumps(
            [{"photo_id": ids[1], "token": tokens[1]}]))
        assigned = [reply["photos"][0]["assigned_photo_id"] for reply in (single, batch)]
        photos = self.api("photos.getUserAlbumPhotos", aid=album["aid"], count="100")["photos"]
        stored = {photo["id"]: photo for photo in photos}
        self.assertTrue(set(assigned) <= set(stored))
        self.assertEqual(stored[assigned[0]]["text"], "Первое")
        for photo_id, data in zip(assigned, (self.PNG, second)):
            url = stored[photo_id]["pic640x480"]
            status, headers, body = self.request(url[len(self.base):])
            self.assertEqual((status, headers["Content-Type"], body), (200, "image/png", data))
        self.assertApiError(self.api_post("photosV2.commit", photo_id=ids[0], token=tokens[0]),
                            121)  # a token commits once

    def test_upload_errors(self):
        reserved = self.api("photosV2.getUploadUrl")
        status, headers, body = self.post(reserved["upload_url"][len(self.base):], b"x=1")
        self.assertEqual((json.loads(body)["error_code"], headers["invocation-error"]),
                         (21, "21"))
        too_many = self.upload(reserved["upload_url"], {"pic1": self.PNG, "pic2": self.PNG})
        self.assertApiError(too_many, 100)
        self.assertApiError(self.upload(self.base + "/ok/upload/1", {"pic1": self.PNG}), 100)
        other = next(album["aid"] for album in self.api(
            "photos.getAlbums", session=None, uid=MARIA)["albums"])
        self.assertApiError(self.api("photosV2.getUploadUrl", aid=other), 512)
        self.assertApiError(self.api("photosV2.getUploadUrl", count="11"), 100)

    def test_photo_in_a_topic(self):
        reserved = self.api("photosV2.getUploadUrl")
        (photo_id,) = reserved["photo_ids"]
        token = self.upload(reserved["upload_url"], {"pic1": self.PNG})["photos"][photo_id]["token"]
        topic_id = self.api_post("mediatopic.post", attachment=json.dumps({"media": [
            {"type": "text", "text": "Смотрите"}, {"type": "photo", "list": [{"id": token}]}]}))
        (topic,) = self.api("mediatopic.getByIds", topic_ids=topic_id)["media_topics"]
        new_id = topic["media"][1]["list"][0]["id"]
        self.assertIn(new_id, [photo["id"] for photo in self.api("photos.getPhotos",
                                                                 count="100")["photos"]])


class MediaTopicTest(OKCase):
    ATTACHMENT = {"media": [{"type": "text", "text": "Привет из эмулятора"},
                            {"type": "link", "url": "https://apiok.ru"},
                            {"type": "poll", "question": "Нравится?",
                             "answers": [{"text": "Да"}, {"text": "Нет"}],
                             "options": "SingleChoice,AnonymousVoting"}],
                  "onBehalfOfGroup": "false", "disableComments": "true"}

    def test_post_then_get(self):
        topic_id = self.api_post("mediatopic.post", attachment=json.dumps(self.ATTACHMENT),
                                 text_link_preview="false")
        self.assertIsInstance(topic_id, str)
        self.assertTrue(topic_id.isdigit())
        reply = self.api("mediatopic.getByIds", topic_ids=f"{topic_id},1")
        (topic,) = reply["media_topics"]
        self.assertEqual((topic["id"], topic["author_ref"], topic["owner_ref"]),
                         (topic_id, f"user:{IVAN}", f"user:{IVAN}"))
        text, link, poll = topic["media"]
        self.assertEqual((text["text"], link["url"]), ("Привет из эмулятора", "https://apiok.ru"))
        self.assertEqual([answer["text"] for answer in poll["answers"]], ["Да", "Нет"])
        self.assertEqual(reply["entities"]["users"][0]["uid"], IVAN)
        limited = self.api("mediatopic.getByIds", topic_ids=topic_id, media_limit="1")
        self.assertEqual(len(limited["media_topics"][0]["media"]), 1)
        latest = self.api("mediatopic.getTopics", count="1")
        self.assertEqual((latest["media_topics"][0]["id"], latest["has_more"]), (topic_id, True))
        mine = self.api("discussions.getList", category="MY")["discussions"]
        self.assertEqual(mine[0]["object_id"], topic_id)

    def test_group_topic_and_status(self):
        gid = self.group_id("objectiv")
        attachment = json.dumps({"media": [{"type": "text", "text": "Новый статус"}]})
        topic_id = self.api_post("mediatopic.post", type="GROUP_THEME", gid=gid,
                                 attachment=attachment)
        feed = self.api("stream.get", gid=gid)
        self.assertEqual(feed["feeds"][0]["target_refs"], [f"media_topic:{topic_id}"])
        self.assertIsInstance(self.api_post("mediatopic.post", attachment=attachment,
                                            set_status="true"), str)
        me = self.api("users.getCurrentUser", fields="current_status")
        self.assertEqual(me, {"uid": IVAN, "current_status": "Новый статус"})
        closed = self.group_id("private.club")
        self.assertApiError(self.api_post("mediatopic.post", type="GROUP_THEME", gid=closed,
                                          attachment=attachment), 456)

    def test_bad_attachments(self):
        for attachment, code in (("{not json", 100), ('{"media": []}', 100),
                                 ('{"media": [{"type": "video"}]}', 100),
                                 ('{"media": [{"type": "link", "url": "ftp:/x"}]}', 607),
                                 ('{"media": [{"type": "photo", "list": [{"id": "nope"}]}]}', 121),
                                 (json.dumps({"media": [{"type": "text", "text": "x"}] * 11}),
                                  600)):
            self.assertApiError(self.api_post("mediatopic.post", attachment=attachment), code)
        self.assertApiError(self.api_post("mediatopic.post"), 100)  # attachment is required


class WorldTest(OKCase):
    def test_users(self):
        ivan, maria = self.api("users.getInfo", uids=f"{IVAN},{MARIA},1",
                               fields="FIRST_NAME,last_name,name,gender,location,friend,email")
        self.assertEqual((ivan["first_name"], ivan["last_name"], ivan["name"], ivan["gender"]),
                         ("Иван", "Петров", "Иван Петров", "male"))
        self.assertEqual((maria["name"], maria["gender"], maria["friend"]),
                         ("Мария Сидорова", "female", True))
        self.assertEqual(ivan["email"], "ivan.petrov@ok.ru")
        self.assertNotIn("email", maria)  # only the owner's own, with GET_EMAIL
        self.assertEqual(set(ivan["location"]), {"city", "country", "countryCode", "countryName"})
        friends = self.api("friends.get")
        self.assertGreaterEqual(len(friends), 25)
        info = self.api("users.getInfo", uids=",".join(friends), fields="pic50x50",
                        emptyPictures="true")
        self.assertTrue(any("pic50x50" not in user for user in info))
        self.assertEqual(self.api("users.getInfo", uids="1", fields="name"), [])

    def test_friends(self):
        loner = self.server.platforms["/ok"].world.loner
        self.assertEqual(self.api("friends.get", fid=loner), [])
        self.assertEqual(self.api("friends.get", session=None, uid=loner), [])
        friends = self.api("friends.get")
        self.assertIn(MARIA, friends)
        self.assertEqual(self.api("friends.get", session=None, uid=IVAN), friends)
        online = self.api("friends.getOnline")
        self.assertTrue(online and set(online) < set(friends))
        app_users = self.api("friends.getAppUsers")["uids"]
        self.assertTrue(app_users and set(app_users) < set(friends))
        mutual = self.api("friends.getMutualFriends", target_id=MARIA)
        self.assertTrue(set(mutual) <= set(friends))
        soon = self.api("friends.getBirthdays")
        later = self.api("friends.getBirthdays", future="true")
        self.assertTrue(2 <= len(soon) < len(later))
        self.assertTrue(all(set(entry) == {"uid", "birthday"} for entry in later))

    def test_app_users_notifications_and_status(self):
        self.assertIs(self.api("users.isAppUser"), True)
        loner = self.server.platforms["/ok"].world.loner
        self.assertIs(self.api("users.isAppUser", session=None, uid=loner), False)
        self.assertIs(self.api("notifications.sendSimple", session=None, uid=MARIA, text="Привет"),
                      True)
        self.assertApiError(self.api("notifications.sendSimple", session=None, uid=loner,
                                     text="Привет"), 25)
        self.assertIs(self.api_post("users.setStatus", status="На связи"), True)
        (me,) = self.api("users.getInfo", uids=IVAN, fields="current_status")
        self.assertEqual(me["current_status"], "На связи")
        self.assertIs(self.api("auth.touchSession"), True)

    def test_url_info(self):
        gid = self.group_id("c.programmers")
        for url, expected in ((f"https://ok.ru/profile/{IVAN}", (int(IVAN), "PROFILE")),
                              ("ok.ru/ivan.petrov", (int(IVAN), "PROFILE")),
                              ("https://ok.ru/c.programmers", (int(gid), "GROUP")),
                              (f"https://ok.ru/group/{gid}", (int(gid), "GROUP"))):
            info = self.api("url.getInfo", url=url)
            self.assertEqual((info["objectId"], info["type"]), expected, url)
            self.assertEqual(info["objectIdStr"], str(expected[0]))
        self.assertApiError(self.api("url.getInfo", url="https://ok.ru/nobody.here"), 300)
        self.assertApiError(self.api("url.getInfo", url="https://vk.com/durov"), 100)

    def test_groups(self):
        gid = self.group_id("c.programmers")
        (group,) = self.api("group.getInfo", uids=gid,
                            fields="name,pic_avatar,members_count,access_type,admin_id")
        self.assertEqual((group["members_count"], group["access_type"], group["admin_id"]),
                         (28, "OPEN", IVAN))
        self.assertIn("picAvatar", group)  # the key the server really uses
        memberships = self.api("group.getUserGroupsByIds", group_id=gid, uids=f"{IVAN},{MARIA}")
        statuses = {entry["userId"]: entry["status"] for entry in memberships["memberships"]}
        self.assertEqual(statuses[IVAN], "ADMIN")
        self.assertEqual(self.api("group.getUserGroupsV2", session=None,
                                  uid=self.server.platforms["/ok"].world.loner), {})

    def test_events(self):
        events = self.api("events.get")
        self.assertEqual({event["type"] for event in events},
                         {"messages", "notifications", "guests", "marks", "activities",
                          "discussions"})
        self.assertEqual([event["type"] for event in self.api("events.get", types="messages")],
                         ["messages"])

    def test_determinism(self):
        def body(base):
            uids = ",".join(self.api("friends.get"))
            answer = self.raw_api("users.getInfo", base=base, uids=uids,
                                  fields="name,birthday,pic_1,current_status")[2]
            return answer.replace(base.encode(), b"BASE")

        with other_servers(1, 2) as (same, other):
            self.assertEqual(body(self.base), body(same.base_url))
            self.assertNotEqual(body(self.base), body(other.base_url))


class FaultTest(OKCase):
    def test_api_error_fault(self):
        spec = {"path": "/ok/fb.do", "method": "friends.get", "fault": "api_error", "code": 8}
        self.assertEqual(self.post("/_emulator/faults", json.dumps(spec).encode(),
                                   "application/json")[0], 200)
        self.assertIsInstance(self.api("users.getLoggedInUser"), str)  # another method
        status, headers, body = self.raw_api("friends.get")
        self.assertEqual((status, headers["invocation-error"], json.loads(body)), (200, "8", {
            "error_code": 8, "error_msg": "FLOOD_BLOCKED : Call blocked due to flood protection",
            "error_data": None}))
        self.assertIsInstance(self.api("friends.get"), list)

    def test_http_fault(self):
        spec = {"path": "/ok/oauth/token.do", "fault": "http503"}
        self.post("/_emulator/faults", json.dumps(spec).encode(), "application/json")
        self.assertEqual(self.post("/ok/oauth/token.do", b"grant_type=x")[0], 503)


class SchemaChecker(SchemaFiles):
    """A small structural validator for schema/ok: resolves $ref across files,
    applies the side file's `wire` overrides (ids sent as JSON strings), and
    checks types, enums, required and unknown properties."""

    def definition_of(self, ref, file):
        """(node, file, definition name) of a ref; the name finds the wire overrides."""
        node, file = self.resolve(ref, file)
        return node, file, ref.rpartition("/")[2]

    def wire(self, owner, prop):
        entry = self.side["objects"].get(owner, {}).get("properties", {}).get(prop, {})
        return entry.get("wire")

    def problems(self, method, value):
        entry, file = self.methods[method]
        node, file, name = self.definition_of(entry["responses"]["response"]["$ref"], file)
        return self.check(value, node["properties"]["response"], file, "response",
                          self.wire(name, "response"))

    def definition(self, name):
        """The values of a string enum definition in base/objects.json."""
        base = self.load(os.path.join(self.root, "base", "objects.json"))
        return base["definitions"][name]["enum"]

    def check(self, value, node, file, path, wire=None, name=None):
        if "$ref" in node:
            target, file, name = self.definition_of(node["$ref"], file)
            return self.check(value, target, file, path, wire, name)
        if "oneOf" in node:
            options = [self.check(value, option, file, path) for option in node["oneOf"]]
            return [] if any(not found for found in options) else [f"{path}: no oneOf matches"]
        if "enum" in node and value not in node["enum"]:
            return [f"{path}: {value!r} not in {node['enum']}"]
        kinds = node.get("type")
        kinds = kinds if isinstance(kinds, list) else [kinds or ("object" if "properties" in node
                                                                 else "any")]
        if not any(self.is_kind(value, kind, wire) for kind in kinds):
            return [f"{path}: {json.dumps(value, ensure_ascii=False)[:60]} is not {kinds}"
                    f"{' (wire ' + wire + ')' if wire else ''}"]
        found = []
        if isinstance(value, list) and "items" in node:
            for index, item in enumerate(value):
                found += self.check(item, node["items"], file, f"{path}[{index}]", wire)
        if isinstance(value, dict) and "properties" in node:
            properties = node["properties"]
            for prop, schema in properties.items():
                if schema.get("required") and prop not in value:
                    found.append(f"{path}: required {prop} is missing")
            for prop, item in value.items():
                if prop not in properties:
                    found.append(f"{path}: unknown property {prop}")
                else:
                    found += self.check(item, properties[prop], file, f"{path}.{prop}",
                                        self.wire(name, prop))
        return found

    @staticmethod
    def is_kind(value, kind, wire):
        if kind == "integer":
            number = isinstance(value, int) and not isinstance(value, bool)
            text = isinstance(value, str) and re.fullmatch(r"-?\d+", value) is not None
            return {"string": text, "string_or_number": text or number}.get(wire, number)
        return {"number": isinstance(value, (int, float)) and not isinstance(value, bool),
                "string": isinstance(value, str), "boolean": isinstance(value, bool),
                "array": isinstance(value, list), "object": isinstance(value, dict),
                "any": True}[kind]


class SchemaConformanceTest(OKCase):
    """Every emulated method, called for real, answers what schema/ok says."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.schema = SchemaChecker("ok")

    def test_side_file_agrees(self):
        side = self.schema.side["methods"]
        for name, method in ok.METHODS.items():
            if name in NOT_IN_SCHEMA:
                self.assertNotIn(name, side)
                continue
            wanted = set(side[name]["permissions"]) - NOT_DEMANDED.get(name, set())
            self.assertEqual((method.session, set(method.permissions)),
                             (side[name]["session"], wanted), name)

    def cases(self):
        """method -> list of (kwargs for self.api / self.login) calls to validate."""
        user_fields = ",".join(self.schema.definition("user_field"))
        group_fields = ",".join(self.schema.definition("group_field"))
        gid = self.group_id("c.programmers")
        album = next(a for a in self.api("photos.getAlbums", count="100")["albums"]
                     if a["photos_count"])
        friends = self.api("friends.get")
        reserved = self.api("photosV2.getUploadUrl")
        (photo_id,) = reserved["photo_ids"]
        upload = UploadTest.upload(self, reserved["upload_url"], {"pic1": b"GIF89a"})
        attachment = json.dumps(MediaTopicTest.ATTACHMENT)
        topic = self.api_post("mediatopic.post", attachment=attachment)
        session_less = {"session": None}
        return {
            "users.getInfo": [{"uids": ",".join([IVAN] + friends), "fields": user_fields},
                              {"uids": IVAN, "fields": user_fields, **session_less},
                              {"uids": MARIA, "fields": user_fields, "emptyPictures": "true"}],
            "users.getCurrentUser": [{}, {"fields": user_fields}],
            "users.getLoggedInUser": [{}],
            "users.isAppUser": [{}, {"uid": MARIA, **session_less}],
            "users.hasAppPermission": [{"ext_perm": "PHOTO_CONTENT"}],
            "users.setStatus": [{"status": "Тест"}],
            "friends.get": [{}, {"uid": MARIA, **session_less}],
            "friends.getOnline": [{}],
            "friends.getMutualFriends": [{"target_id": MARIA}],
            "friends.getAppUsers": [{}],
            "friends.getBirthdays": [{"future": "true"}],
            "group.getInfo": [{"uids": gid, "fields": group_fields}],
            "group.getMembers": [{"uid": gid, "count": "5"}],
            "group.getUserGroupsV2": [{}, {"anchor": self.api("group.getUserGroupsV2",
                                                              count="10")["anchor"]}],
            "group.getUserGroupsByIds": [{"group_id": gid, "uids": f"{IVAN},{MARIA}"}],
            "events.get": [{}],
            "photos.getAlbums": [{"detectTotalCount": "true"}, {"gid": gid, **session_less}],
            "photos.getUserAlbumPhotos": [{"aid": album["aid"], "detectTotalCount": "true"}],
            "photos.getPhotos": [{"detectTotalCount": "true"}, {"gid": gid}],
            "photosV2.getUploadUrl": [{"count": "3"}],
            "photosV2.commit": [{"photo_id": photo_id,
                                 "token": upload["photos"][photo_id]["token"]}],
            "mediatopic.post": [{"attachment": attachment}],
            "mediatopic.getByIds": [{"topic_ids": topic}],
            "stream.get": [{}],
            "url.getInfo": [{"url": f"https://ok.ru/profile/{IVAN}"}],
            "notifications.sendSimple": [{"uid": MARIA, "text": "x", **session_less}],
            "discussions.getList": [{}],
            "auth.login": [{"login": True}],
        }

    def test_answers_conform(self):
        cases = self.cases()
        self.assertEqual(set(cases), set(ok.METHODS) - NOT_IN_SCHEMA)
        for method, calls in sorted(cases.items()):
            for params in calls:
                with self.subTest(method=method, params=params):
                    if params.get("login"):
                        answer = self.login()
                    else:
                        answer = self.assertOk(self.api(method, **params))
                    self.assertEqual(self.schema.problems(method, answer), [])

    def test_validator_catches_mistakes(self):
        user = {"uid": IVAN, "first_name": "Иван"}
        self.assertEqual(self.schema.problems("users.getInfo", [user]), [])
        for wrong in ([{**user, "uid": int(IVAN)}], [{"first_name": "Иван"}],
                      [{**user, "age": "30"}], [{**user, "gender": "m"}], [{**user, "nick": "x"}],
                      {"users": [user]}):
            self.assertTrue(self.schema.problems("users.getInfo", wrong), wrong)
        self.assertTrue(self.schema.problems("friends.get", [int(IVAN)]))
        self.assertEqual(self.schema.problems("users.setStatus", {"success": True}), [])
        self.assertTrue(self.schema.problems("users.setStatus", "true"))


if __name__ == "__main__":
    unittest.main()
