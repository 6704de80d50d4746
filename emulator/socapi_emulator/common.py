"""Plumbing shared by the platform modules: request and response types,
body parsing (url-encoded and multipart), small HTML and JSON helpers.

A platform module never touches sockets: it receives a parsed `Request`
and returns a `Response`; server.py does the HTTP.
"""

import hashlib
import json
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesHeaderParser
from html import escape
from urllib.parse import parse_qsl


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


def parse_request(verb, target, headers, body):
    """Build a Request from the request line target, the headers and the body."""
    path, _, query = target.partition("?")
    form, files = parse_body(headers.get("Content-Type", ""), body)
    return Request(verb, path, parse_form(query), form, files,
                   parse_cookies(headers.get_all("Cookie", [])), body)


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
