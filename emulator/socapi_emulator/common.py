"""Plumbing shared by the platform modules: request and response types,
body parsing (url-encoded and multipart), small HTML and JSON helpers, the
errors and token mint of the REST and OAuth code, and what every seeded world
shares (the epoch, Russian names, placeholder media).

A platform module never touches sockets: it receives a parsed `Request`
and returns a `Response`; server.py does the HTTP.
"""

import hashlib
import json
import random
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesHeaderParser
from html import escape
from urllib.parse import parse_qsl, urlencode


@dataclass
class Upload:
    """A file field of a multipart/form-data body."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class Request:
    verb: str  # GET, POST, ...
    path: str  # without the query string, not percent-decoded
    query: dict  # query string, decoded once
    form: dict  # url-encoded body or the text fields of a multipart body
    files: dict  # name -> Upload (multipart file fields)
    cookies: dict
    body: bytes
    authorization: str = ""  # the Authorization header (VK takes a token as Bearer)
    sequence: int = 1  # which request this is on its connection (1: the first)

    @property
    def params(self):
        """Query and body parameters together; the body wins on a clash."""
        return {**self.query, **self.form}


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: list = field(default_factory=list)  # extra (name, value) pairs
    wire: str = "whole"  # how it is sent: whole, or a hostile fault's way (hostile.py)
    delay_ms: int = 0  # trickle: the pause between bytes


def parse_request(verb, target, headers, body):
    """Build a Request from the request line target, the headers and the body."""
    path, _, query = target.partition("?")
    form, files = parse_body(headers.get("Content-Type", ""), body)
    return Request(verb, path, parse_form(query), form, files,
                   parse_cookies(headers.get_all("Cookie", [])), body,
                   headers.get("Authorization", ""))


def parse_form(text):
    """application/x-www-form-urlencoded -> dict; empty values are kept."""
    return dict(parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="replace"))


def parse_body(content_type, body):
    """Return (text fields, file fields) of a request body."""
    header = Message()
    header["Content-Type"] = content_type or "application/x-www-form-urlencoded"
    kind = header.get_content_type()
    if kind == "multipart/form-data" and header.get_param("boundary"):
        return parse_multipart(body, header.get_param("boundary"))
    if kind == "application/x-www-form-urlencoded":
        return parse_form(body.decode("utf-8", "replace")), {}
    return {}, {}


def parse_multipart(body, boundary):
    """Split a multipart/form-data body by hand, keeping file bytes exact."""
    form, files = {}, {}
    delimiter = b"\r\n--" + boundary.encode("latin-1")
    for chunk in (b"\r\n" + body).split(delimiter)[1:]:
        if chunk.startswith(b"--"):  # the closing delimiter
            break
        _, _, part = chunk.partition(b"\r\n")  # drop the rest of the delimiter line
        if part.startswith(b"\r\n"):
            head, data = b"", part[2:]
        else:
            head, _, data = part.partition(b"\r\n\r\n")
        headers = BytesHeaderParser().parsebytes(head)
        name = headers.get_param("name", header="content-disposition")
        if name is None:
            continue
        filename = headers.get_filename()
        if filename is None:
            form[name] = data.decode("utf-8", "replace")
        else:
            files[name] = Upload(filename, headers.get_content_type(), data)
    return form, files


def parse_cookies(lines):
    """Cookie request headers -> dict (name -> value)."""
    cookies = {}
    for line in lines:
        for pair in line.split(";"):
            name, sep, value = pair.strip().partition("=")
            if sep:
                cookies[name] = value
    return cookies


def encode_json(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_response(value, status=200, content_type="application/json"):
    return Response(status, encode_json(value), content_type)


def text_response(text, status=200):
    return Response(status, text.encode("utf-8"))


def html_page(title, body, status=200, headers=()):
    """A complete UTF-8 HTML document around `body` (already HTML)."""
    document = ('<!DOCTYPE html>\n<html lang="ru"><head><meta charset="utf-8">'
                f"<title>{escape(title)}</title></head>\n<body>\n{body}\n</body></html>\n")
    return Response(status, document.encode("utf-8"), "text/html; charset=utf-8", list(headers))


def redirect(location, headers=()):
    return Response(302, b"", "text/html; charset=utf-8", [("Location", location), *headers])


def md5_hex(text):
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def is_uint(text):
    """True for a plain non-negative decimal number ("0", "42"), nothing else."""
    return text.isascii() and text.isdigit()


def sorted_pairs(params, excluded):
    """"k1=v1k2=v2...", keys sorted byte-wise, raw values: what every platform's
    signature hashes. `excluded` names the parameters that are not signed."""
    names = sorted((name for name in params if name not in excluded),
                   key=lambda name: name.encode("utf-8"))
    return "".join(f"{name}={params[name]}" for name in names)


class TokenMint:
    """Makes tokens, codes and cookies: md5("<seed>:<kind>:<counter>"). The same
    seed and request sequence give the same secrets; a new mint starts over."""

    def __init__(self, seed):
        self.seed = seed
        self.counter = 0

    def __call__(self, kind):
        self.counter += 1
        return md5_hex(f"{self.seed}:{kind}:{self.counter}")


class ApiError(Exception):
    """A REST error answer; `text` replaces the code's usual message."""

    def __init__(self, code, text=None):
        super().__init__(code)
        self.code = code
        self.text = text


class ApiCall:
    """What a REST method handler gets (Mail.Ru and OK): the world, the caller
    (`viewer`, None without a session) and its scope, the parameters and the
    uploaded files."""

    def __init__(self, world, session, params, files):
        self.world = world
        self.viewer = session.uid if session else None
        self.scope = session.scope if session else frozenset()
        self.params = params
        self.files = files

    def text(self, name):
        return self.params.get(name, "")

    def required(self, name):
        value = self.text(name)
        if value == "":
            raise self.missing(name)
        return value

    def missing(self, name):
        """The error for a required parameter that is absent or empty: 100 with the
        code's usual message, unless a platform names the parameter."""
        return ApiError(100)


class OAuthError(Exception):
    """An OAuth error answer: {"error": error, "error_description": description}."""

    def __init__(self, error, description):
        super().__init__(description)
        self.error = error
        self.description = description

    def body(self):
        return {"error": self.error, "error_description": self.description}


def grant_handler(form, grants):
    """grants[grant_type of the token request]; OAuthError if it is missing or unknown."""
    grant_type = form.get("grant_type", "")
    if not grant_type:
        raise OAuthError("invalid_request", "grant_type is required")
    if grant_type not in grants:
        raise OAuthError("unsupported_grant_type", f"unsupported grant_type {grant_type!r}")
    return grants[grant_type]


def with_query(url, fields):
    return url + ("&" if "?" in url else "?") + urlencode(fields)


def hidden(name, value):
    return f'<input type="hidden" name="{escape(name)}" value="{escape(str(value))}">'


def error_page(message, status=400):
    return html_page("Ошибка", f"<h1>Ошибка</h1>\n<p>{escape(message)}</p>", status)


# --- what every seeded world shares ------------------------------------------

EPOCH = 1717200000  # 2024-06-01 00:00 UTC, the "now" of every seeded world
HOUR, DAY = 3600, 86400


class SeededWorld:
    """The base of every platform's world: a generator built only from the seed
    (the same seed gives the same world) and a logical clock for client writes."""

    def __init__(self, seed, base_url):
        self.rng = random.Random(seed)
        self.base = base_url
        self.clock = EPOCH  # advanced by every client write

    def tick(self):
        """The time of a client write: strictly after everything before it."""
        self.clock += 1
        return self.clock


@dataclass
class Account:
    """Who may log in: a uid, its password, and whether it is blocked."""

    uid: str
    password: str
    blocked: bool = False


def find_account(accounts, login, password):
    """The Account of `accounts` (lower-case login -> Account) that a login
    (any case) and password open, else None."""
    account = accounts.get(login.lower())
    return account if account and account.password == password else None

# Names of generated people: (first name, Latin) and (male, female surname, Latin).
MALE_NAMES = (("Алексей", "aleksey"), ("Дмитрий", "dmitry"), ("Сергей", "sergey"),
              ("Андрей", "andrey"), ("Михаил", "mikhail"), ("Николай", "nikolay"),
              ("Павел", "pavel"), ("Олег", "oleg"), ("Артём", "artem"), ("Егор", "egor"))
FEMALE_NAMES = (("Анна", "anna"), ("Елена", "elena"), ("Ольга", "olga"), ("Наталья", "natalya"),
                ("Татьяна", "tatyana"), ("Екатерина", "ekaterina"), ("Юлия", "yulia"),
                ("Светлана", "svetlana"), ("Дарья", "darya"), ("Ксения", "ksenia"))
SURNAMES = (("Иванов", "Иванова", "ivanov"), ("Смирнов", "Смирнова", "smirnov"),
            ("Кузнецов", "Кузнецова", "kuznetsov"), ("Попов", "Попова", "popov"),
            ("Васильев", "Васильева", "vasiliev"), ("Соколов", "Соколова", "sokolov"),
            ("Михайлов", "Михайлова", "mikhailov"), ("Новиков", "Новикова", "novikov"),
            ("Фёдоров", "Фёдорова", "fedorov"), ("Морозов", "Морозова", "morozov"),
            ("Волков", "Волкова", "volkov"), ("Лебедев", "Лебедева", "lebedev"))

GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00"
       b"\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")  # 1x1 pixel
PLACEHOLDERS = {".gif": ("image/gif", GIF),
                ".mp3": ("audio/mpeg", b"ID3\x03\x00\x00\x00\x00\x00\x00")}


def placeholder(path):
    """The placeholder medium for a static URL: every .gif is the same 1x1 GIF,
    every .mp3 the same 10-byte ID3 header. None for other suffixes."""
    for suffix, (content_type, data) in PLACEHOLDERS.items():
        if path.endswith(suffix):
            return Response(200, data, content_type)
    return None


def stored_upload(uploads, number):
    """The Response serving uploads[number - 1] (`number` is URL text), or None."""
    if is_uint(number) and 1 <= int(number) <= len(uploads):
        upload = uploads[int(number) - 1]
        return Response(200, upload.data, upload.content_type)
    return None


def served_file(request, prefix, uploads):
    """The answer to GET <prefix>/uploads/<n> (a stored upload) or GET
    <prefix>/static/... (a placeholder medium); None for any other request and
    for a file there is not, which the platform's routes then answer."""
    if request.verb != "GET":
        return None
    if request.path.startswith(prefix + "/uploads/"):
        return stored_upload(uploads, request.path.rsplit("/", 1)[1])
    if request.path.startswith(prefix + "/static/"):
        return placeholder(request.path)
    return None


def expire_session(sessions, request):
    """POST /_emulator/<platform>/expire {"token": ...}: that session (access token -> a
    session with expires_at) expires now, so calls with it get the platform's 102."""
    try:
        session = sessions.get(json.loads(request.body or b"{}").get("token"))
    except (ValueError, AttributeError, TypeError):
        session = None
    if session is None:
        return json_response({"error": "need the token of a session, as JSON: {\"token\": ...}"}, 400)
    session.expires_at = 0
    return json_response({"expired": session.access_token})
