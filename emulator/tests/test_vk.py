"""Tests of the VK emulator, over real HTTP on a loopback port.

Every successful API answer any test gets is checked against its method's
response definition in schema/vk (the variant the parameters select, as
schema/vk/socapi.json says), and every error against base_error.

Run from the repository root:
    python3 -m unittest discover -s emulator/tests -t emulator -v
"""

import json
import os
import sys
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

EMULATOR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, EMULATOR)

from socapi_emulator import vk  # noqa: E402
from tests.support import (SchemaFiles, multipart, other_servers, start_server,  # noqa: E402
                           stop_server)

CLIENT_ID, CLIENT_SECRET = "51234567", "EmuVkClientSecret01x"
SERVICE_TOKEN = "svc1.emu.51234567.service"
IVAN_TOKEN = "vk1.a.emuIvanFixedUserToken0001"
CLUB_TOKEN, NEWS_TOKEN = "vk1.a.emuGroup200001Token", "vk1.a.emuGroup200002Token"
IVAN, MARIA, PRIVATE, DELETED, BANNED = 172000001, 172000002, 172000003, 172000004, 172000005
CLUB, NEWS, CLOSED_CLUB = 200001, 200002, 200003
REDIRECT = "https://oauth.vk.ru/blank.html"
JSON_TYPE = "application/json; charset=utf-8"
PNG = b"\x89PNG\r\n\x1a\n\x00\r\n--not-a-boundary\r\n\x00\xff" * 40
USER_FIELDS = ",".join(vk.USER_FIELDS + ("no_such_field",))
GROUP_FIELDS = ("members_count,status,activity,city,country,site,fixed_post,main_album_id,member_status,"
                "is_favorite,is_subscribed,is_hidden_from_feed,can_post,can_see_all_posts,can_message,"
                "can_create_topic,can_upload_doc,can_upload_video,has_photo,wall,age_limits,trending,verified")


# --- a structural validator for the schema dialect (schema/README.md) --------------

class Schema(SchemaFiles):
    """Checks JSON values against schema/vk: $ref across files, allOf, oneOf (by
    discriminator, else any alternative), required properties, no unknown
    properties, JSON types and enums."""

    def variant(self, method, params):
        """The response variant the parameters select: every selector value matches
        ("*" = given; 0/1 as VK reads booleans), the most specific wins."""
        variants = self.side["methods"].get(method, {}).get("variants") or {"response": {}}

        def matches(key, want):
            given = params.get(key, "")
            if want == "*":
                return given != ""
            if want in (0, 1):
                return int(given not in ("", "0")) == want
            return given == str(want)

        best = None
        for name, selector in variants.items():
            if all(matches(key, want) for key, want in selector.items()):
                if best is None or len(selector) > len(variants[best]):
                    best = name
        return best

    def response_problems(self, method, params, body):
        spec, path = self.methods[method]
        node, path = self.resolve(spec["responses"][self.variant(method, params)]["$ref"], path)
        return self.problems({"response": body["response"]}, node, path, "")

    def error_problems(self, error):
        node, path = self.resolve("base/objects.json#/definitions/base_error",
                                  os.path.join(self.root, "errors.json"))
        return self.problems(error, node, path, "error")

    def properties(self, node, path):
        """name -> (schema, file) of an object, allOf flattened, first name wins."""
        if "$ref" in node:
            return self.properties(*self.resolve(node["$ref"], path))
        found = {}
        for member in node.get("allOf", []):
            for name, value in self.properties(member, path).items():
                found.setdefault(name, value)
        for name, value in node.get("properties", {}).items():
            found.setdefault(name, (value, path))
        return found

    def problems(self, value, node, path, where):
        if "$ref" in node:
            return self.problems(value, *self.resolve(node["$ref"], path), where)
        if "oneOf" in node:
            mapping = node.get("discriminator", {}).get("mapping")
            if mapping:
                tag = value.get(node["discriminator"]["propertyName"]) if isinstance(value, dict) else None
                if tag not in mapping:
                    return [f"{where}: no alternative for tag {tag!r}"]
                return self.problems(value, {"$ref": mapping[tag]}, path, where)
            tries = [self.problems(value, alternative, path, where) for alternative in node["oneOf"]]
            return [] if [] in tries else tries[0]
        if "allOf" in node or "properties" in node:
            if not isinstance(value, dict):
                return [f"{where}: {type(value).__name__} where an object belongs"]
            properties = self.properties(node, path)
            found = [f"{where}.{name}: missing" for name, (spec, _) in properties.items()
                     if spec.get("required") is True and name not in value]
            for name, item in value.items():
                if name not in properties:
                    found.append(f"{where}.{name}: not in the schema")
                else:
                    found += self.problems(item, *properties[name], f"{where}.{name}")
            return found
        types = node.get("type")
        types = [types] if isinstance(types, str) else types or []
        if types == ["object"]:
            return []  # free-form: the generator keeps any JSON value as text
        kinds = {"integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
                 "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
                 "string": lambda v: isinstance(v, str), "boolean": lambda v: isinstance(v, bool),
                 "array": lambda v: isinstance(v, list), "object": lambda v: isinstance(v, dict)}
        if types and not any(kinds[kind](value) for kind in types):
            return [f"{where}: {value!r} is not {'/'.join(types)}"]
        if "enum" in node and value not in node["enum"]:
            return [f"{where}: {value!r} not in {node['enum']}"]
        if isinstance(value, list) and "items" in node:
            return [problem for index, item in enumerate(value)
                    for problem in self.problems(item, node["items"], path, f"{where}[{index}]")]
        return []


# --- HTTP helpers -----------------------------------------------------------------

class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


OPENER = urllib.request.build_opener(NoRedirects)


def fetch(url, data=None, headers=None):
    """(status, headers, body) of one request; redirects are not followed."""
    request = urllib.request.Request(url, data, headers or {})
    try:
        with OPENER.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


class Page(HTMLParser):
    """What a browser sees of a page: its forms and its images by id."""

    def __init__(self, status, url, html):
        super().__init__()
        self.status, self.url, self.html = status, url, html
        self.forms, self.images = [], {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs["action"], "method": attrs["method"], "inputs": {},
                               "buttons": 0})
        elif tag == "input":
            self.forms[-1]["inputs"][attrs["name"]] = (attrs["type"], attrs.get("value", ""))
        elif tag == "button":
            self.forms[-1]["buttons"] += 1
        elif tag == "img":
            self.images[attrs.get("id")] = attrs["src"]

    def form(self):
        (form,) = self.forms
        return form


class Browser:
    """Keeps cookies, follows redirects inside the emulator and stops at the first
    one to the app's redirect_uri: a Page with status 302 and that URL."""

    def __init__(self, base, redirect_uri=REDIRECT):
        self.base, self.redirect_uri = base, redirect_uri
        self.cookies = {}

    def open(self, url, form=None):
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        while True:
            cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
            status, headers, body = fetch(url, data, {"Cookie": cookie} if cookie else {})
            for line in headers.get_all("Set-Cookie") or []:
                name, _, value = line.split(";")[0].partition("=")
                if "Max-Age=0" in line:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value
            if status != 302:
                return Page(status, url, body.decode("utf-8"))
            url, data = headers["Location"], None
            if url.startswith(self.redirect_uri):
                return Page(302, url, "")

    def submit(self, page, **values):
        form = page.form()
        fields = {name: value for name, (_, value) in form["inputs"].items()}
        return self.open(form["action"], {**fields, **values})


def fragment(url):
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).fragment))


SERVER = None  # one server for the module; every test resets it


def setUpModule():
    global SERVER
    SERVER = start_server()


def tearDownModule():
    stop_server(SERVER)


class VkCase(unittest.TestCase):
    schema = Schema("vk")

    @property
    def base(self):
        return SERVER.base_url

    def setUp(self):
        self.assertEqual(fetch(self.base + "/_emulator/reset", b"")[2], b"ok")

    def raw(self, method, form=None, query="", headers=None):
        """(status, headers, JSON body) of a POST to /vk/method/<method>."""
        data = urllib.parse.urlencode(form or {}).encode()
        status, reply_headers, body = fetch(f"{self.base}/vk/method/{method}{query}", data,
                                            {"Content-Type": "application/x-www-form-urlencoded",
                                             **(headers or {})})
        self.assertEqual((status, reply_headers["Content-Type"]), (200, JSON_TYPE))
        answer = json.loads(body)
        if "error" in answer:
            self.assertEqual(self.schema.error_problems(answer["error"]), [])
        return answer

    def call(self, method, token=IVAN_TOKEN, **params):
        form = {"v": "5.199", **params}
        if token:
            form["access_token"] = token
        return self.raw(method, form)

    def api(self, method, token=IVAN_TOKEN, **params):
        """The response of a call that must succeed, checked against the schema."""
        answer = self.call(method, token, **params)
        self.assertIn("response", answer, f"{method} {params}: {answer}")
        self.assertEqual(self.schema.response_problems(method, params, answer), [], f"{method} {params}")
        return answer["response"]

    def error(self, method, error_code, token=IVAN_TOKEN, **params):
        answer = self.call(method, token, **params)
        self.assertEqual(answer.get("error", {}).get("error_code"), error_code, f"{method} {params}: {answer}")
        return answer["error"]

    def control(self, action, spec):
        status, _, body = fetch(f"{self.base}/_emulator/vk/{action}", json.dumps(spec).encode(),
                                {"Content-Type": "application/json"})
        return status, json.loads(body)

    def token_endpoint(self, path="/vk/oauth/token", **form):
        status, headers, body = fetch(self.base + path, urllib.parse.urlencode(form).encode())
        self.assertEqual(headers["Content-Type"], JSON_TYPE)
        return status, json.loads(body)

    def direct_auth(self, username="ivan@vk.ru", password="secret", **extra):
        return self.token_endpoint(grant_type="password", client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                                   username=username, password=password, **{"2fa_supported": "1", **extra})

    def upload(self, url, files):
        body, content_type = multipart({}, files)
        self.assertTrue(url.startswith(self.base + "/vk/upload/"))
        status, _, answer = fetch(url, body, {"Content-Type": content_type})
        self.assertEqual(status, 200)
        return json.loads(answer)


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
