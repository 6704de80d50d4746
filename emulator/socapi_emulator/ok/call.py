"""OK.ru's REST machinery: signing, `Call` (parameter access, paging) and the
`@api` decorator that registers each method into METHODS.
"""

import base64
import binascii
import json
import re
from dataclasses import dataclass

from ..common import ApiCall, ApiError, is_uint, md5_hex, sorted_pairs
from .constants import DIRECTIONS, ERRORS, SESSION_LESS, UNSIGNED


def error_body(code, text=None):
    """A top-level object (https://apiok.ru/en/dev/errors); unknown codes get the name UNKNOWN."""
    name, usual = ERRORS.get(code, ("UNKNOWN", ERRORS[1][1]))
    return {"error_code": code, "error_msg": f"{name} : {text or usual}", "error_data": None}


def sign(params, secret):
    """md5("k1=v1k2=v2..." + secret) over every parameter but sig and the token, as the
    signature footer of every https://apiok.ru/dev/methods/rest/ page says."""
    return md5_hex(sorted_pairs(params, UNSIGNED) + secret)


@dataclass(frozen=True)
class Method:
    handler: object
    session: str  # "none", "optional" or "required", as schema/ok/socapi.json says
    permissions: tuple  # every one must be in the token's scope (error 10)
    signed: bool = True  # auth.login is the one unsigned method


METHODS = {}  # method name -> Method


def api(name, session="optional", permissions=(), signed=True):
    """Register the decorated function as the handler of method `name`."""
    def register(handler):
        METHODS[name] = Method(handler, session, tuple(permissions), signed)
        return handler
    return register


def anchor_text(position):
    return base64.b64encode(f"pos:{position}".encode()).decode()


class Call(ApiCall):
    """One authenticated REST call: the caller, its parameters and the world.
    Accessors raise ApiError(100) on a missing or malformed value, 110 for an
    unknown user and 160 for an unknown group."""

    def __init__(self, platform, session, params, files):
        super().__init__(platform.world, session, params, files)
        self.platform = platform
        self.session = session

    def missing(self, name):
        return ApiError(100, f"{name} is required")

    def boolean(self, name):
        """Booleans are the strings true and false; absent means false."""
        value = self.params.get(name, "false")
        if value not in ("true", "false"):
            raise ApiError(100, f"{name} must be true or false")
        return value == "true"

    def integer(self, name, default, lowest=0, highest=None):
        value = self.params.get(name, "")
        if value == "":
            return default
        if not is_uint(value) or int(value) < lowest:
            raise ApiError(100, f"{name} must be an integer of at least {lowest}")
        return min(int(value), highest) if highest else int(value)

    def listing(self, name, required=False, limit=None):
        """A comma-separated list; empty items are dropped."""
        items = [item.strip() for item in self.params.get(name, "").split(",") if item.strip()]
        if required and not items:
            raise self.missing(name)
        if limit and len(items) > limit:
            raise ApiError(100, f"{name} takes at most {limit} items")
        return items

    def ids(self, name, required=False, limit=100):
        items = self.listing(name, required, limit)
        if not all(is_uint(item) for item in items):
            raise ApiError(100, f"{name} must be a list of ids")
        return items

    def fields(self, name="fields", required=False):
        """Field names are case-insensitive; unknown ones are ignored, as OK does."""
        return list(dict.fromkeys(item.lower() for item in self.listing(name, required)))

    def known_id(self, name, required, known, kind, unknown_code):
        """The id in parameter `name` if `known` holds it (None if absent and not
        required): 100 for what is not an id, `unknown_code` for an unknown one."""
        value = self.params.get(name, "")
        if value == "" and not required:
            return None
        if not is_uint(value):
            raise ApiError(100, f"{name} must be a {kind} id")
        if value not in known:
            raise ApiError(unknown_code)
        return value

    def person(self, name, required=False):
        """The existing uid in parameter `name` (None if absent and not required)."""
        return self.known_id(name, required, self.world.users, "user", 110)

    def subject(self, name="uid"):
        """Whom the call is about: parameter `name`, or the caller. A session-less
        call must name somebody (SESSION_LESS)."""
        uid = self.person(name) or self.viewer
        if uid is None:
            raise ApiError(100, SESSION_LESS)
        return uid

    def group(self, name, required=False):
        return self.known_id(name, required, self.world.groups, "group", 160)

    def album(self, name, required=False):
        aid = self.required(name) if required else self.text(name)
        if aid and aid not in self.world.albums:
            raise ApiError(120)
        return aid or None

    def json(self, name, required=False):
        """A JSON-typed parameter: JSON text in a string."""
        text = self.required(name) if required else self.text(name)
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError:
            raise ApiError(100, f"{name} is not valid JSON") from None

    def need(self, permission):
        """A permission only some uses of a method need (mediatopic.post types)."""
        if self.session and permission not in self.scope:
            raise ApiError(10, f"Permission {permission} is not granted")

    def page(self, items, default, highest, anchor="anchor", direction="direction"):
        """Anchor paging over `items`: (page, next anchor, has_more).
        Anchors are opaque base64 positions. FORWARD (default) reads on from the
        anchor; BACKWARD reads the items before it and answers the anchor of the
        page's start; AROUND centres the page on it."""
        count = self.integer("count", default, 1, highest)
        way = self.params.get(direction, "FORWARD") or "FORWARD"
        if way not in DIRECTIONS:
            raise ApiError(100, f"{direction} must be one of {', '.join(DIRECTIONS)}")
        position = self.position(anchor, len(items) if way == "BACKWARD" else 0)
        if way == "BACKWARD":
            end = min(position, len(items))
            start = max(0, end - count)
            return items[start:end], anchor_text(start), start > 0
        start = max(0, position - count // 2) if way == "AROUND" else position
        end = min(start + count, len(items))
        return items[start:end], anchor_text(end), end < len(items)

    def position(self, name, default):
        text = self.params.get(name, "")
        if not text:
            return default
        try:
            match = re.fullmatch(r"pos:(\d+)", base64.b64decode(text, validate=True).decode())
        except (binascii.Error, UnicodeDecodeError):
            match = None
        if match is None:
            raise ApiError(100, f"{name} is not an anchor this method answered")
        return int(match.group(1))


def paged(call, items, key, total=None, camel=False, default=10, highest=100, more=None):
    """The reply of an anchor-paged method: {key: page, anchor, has_more}, or with
    camel the pagingAnchor/pagingDirection/hasMore spelling some methods use.
    `total` names the count detectTotalCount=true adds; `more` another spelling of
    has_more (photos.getPhotos answers hasMore beside anchor)."""
    anchor, direction, more_name = (("pagingAnchor", "pagingDirection", "hasMore") if camel
                                    else ("anchor", "direction", "has_more"))
    more = more or more_name
    page, next_anchor, has_more = call.page(items, default, highest, anchor, direction)
    reply = {key: page, anchor: next_anchor, more: has_more}
    if total and call.boolean("detectTotalCount"):
        reply[total] = len(items)
    return reply
