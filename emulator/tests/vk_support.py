"""What the VK emulator's test modules share: the fixed ids and tokens, a
structural validator for the schema dialect, HTTP helpers, a browser for the
login pages, one server a test module, and VkCase.

Every successful API answer a VkCase gets is checked against its method's
response definition in schema/vk (the variant the parameters select, as
schema/vk/socapi.json says), and every error against base_error. A test module
imports setUpModule and tearDownModule from here to get its own server.
"""

import json
import os
import unittest
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

from socapi_emulator import vk
from tests.support import SchemaFiles, multipart, start_server, stop_server

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
