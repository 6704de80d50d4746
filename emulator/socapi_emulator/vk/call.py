"""The REST API's machinery: `Call` (parameter access), sessions and the `@api`
decorator that registers each method into METHODS.

The methods live in the api_*.py modules and execute.py; the package's
__init__ imports them all, so importing socapi_emulator.vk registers every one.
"""

import re
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..common import ApiError
from .constants import CASES, EXTENDED_USER_FIELDS, invalid
from .world import collect_owners


@dataclass
class Session:
    token: str
    kind: str  # "user", "group" or "service"
    owner: int  # the user id, the community id, or the app id
    scope: frozenset
    expires_at: float = None  # None: never

    def expired(self):
        return self.expires_at is not None and time.time() >= self.expires_at


@dataclass(frozen=True)
class Method:
    handler: object
    tokens: tuple  # the schema's access_token_type
    permissions: tuple = ()  # user scope names (schema/vk/socapi.json), all needed
    tokenless: bool = False  # "open": callable without access_token


METHODS = {}  # method name -> Method


def api(name, tokens, permissions=(), tokenless=False):
    """Register the decorated function as the handler of method `name`."""
    def register(handler):
        METHODS[name] = Method(handler, tokens, tuple(permissions), tokenless)
        return handler
    return register


INTEGER = re.compile(r"-?\d+")


class Call:
    """One API call: who calls, its parameters and the world.
    Accessors raise ApiError(100) on a missing or malformed value."""

    def __init__(self, platform, session, params):
        self.platform = platform
        self.world = platform.world
        self.session = session
        self.params = params
        kind = session.kind if session else None
        self.user_id = session.owner if kind == "user" else None
        self.group_id = session.owner if kind == "group" else None
        # who calls, as VK names owners: a user id, a negative community id, or None
        self.viewer = self.user_id or (-self.group_id if self.group_id else None)
        self.lang = "en" if params.get("lang") in ("en", "3") else "ru"
        self.execute_errors = []

    def text(self, name):
        return self.params.get(name, "")

    def required(self, name):
        value = self.params.get(name, "")
        if value == "":
            raise invalid(name, "is undefined")
        return value

    def integer(self, name, default=None, minimum=None):
        value = self.params.get(name, "")
        if value == "":
            if default is None:
                raise invalid(name, "is undefined")
            return default
        if not INTEGER.fullmatch(value):
            raise invalid(name, "not integer")
        if minimum is not None and int(value) < minimum:
            raise invalid(name, f"should be greater or equal to {minimum}")
        return int(value)

    def flag(self, name):
        """VK booleans: anything but "" and "0" is true, the literal "false" included
        (VKCOM/api-schema-typescript-generator src/generators/methods.ts)."""
        return self.params.get(name, "") not in ("", "0")

    def names(self, name, required=False):
        found = [item.strip() for item in self.params.get(name, "").split(",") if item.strip()]
        if required and not found:
            raise invalid(name, "is undefined")
        return found

    def integers(self, name, required=False):
        items = self.names(name, required)
        if not all(INTEGER.fullmatch(item) for item in items):
            raise invalid(name)
        return [int(item) for item in items]

    def fields(self):
        return set(self.names("fields"))

    def page(self, items, count, maximum):
        """offset/count paging; a count above the maximum is cut to it, as VK does."""
        offset = self.integer("offset", 0, minimum=0)
        return items[offset:offset + min(self.integer("count", count, minimum=0), maximum)]

    def me(self):
        """The calling user; methods that need one fail without it."""
        if self.user_id is None:
            raise invalid("user_id", "is undefined")
        return self.user_id

    def user(self, name="user_id"):
        """An existing user id from `name`, by default the caller."""
        uid = self.integer(name, self.user_id or 0)
        if uid == 0:
            raise invalid(name, "is undefined")
        if uid not in self.world.users:
            raise ApiError(113)
        return uid

    def owner(self, name="owner_id"):
        """A wall owner from `name` (a user, or a community as a negative id),
        by default the caller, checked against what the caller may see."""
        return self.visible_owner(self.integer(name, self.viewer or 0), name)

    def visible_owner(self, owner, name):
        if owner == 0:
            raise invalid(name, "is undefined")
        self.world.check_owner(owner, self.viewer, name)
        return owner

    def group(self, name="group_id", default=None):
        """A community id from `name` (a number or a screen name), else `default`."""
        value = self.text(name)
        if value == "" and default:
            return default
        if value == "":
            raise invalid(name, "is undefined")
        return self.community(value, name)

    def community(self, text, name):
        if INTEGER.fullmatch(text):
            gid = abs(int(text))
        else:
            found = self.world.resolve_screen_name(text)
            gid = found[1] if found and found[0] in ("group", "page", "event") else 0
        if gid not in self.world.groups:
            raise invalid(name)
        return gid

    def admin_of(self, gid):
        """The community's wall owner id, if the caller may manage it (else 15)."""
        if not self.world.manages(-gid, self.viewer):
            raise ApiError(15, "Access denied: you are not an administrator of this community")
        return -gid

    def name_case(self):
        case = self.text("name_case").lower() or "nom"
        if case not in CASES:
            raise invalid("name_case")
        return case

    def users(self, uids, fields=None, extra=()):
        fields = self.fields() if fields is None else fields
        return [self.world.render_user(uid, self.viewer, fields | set(extra), self.lang, self.name_case())
                for uid in uids]

    def extended(self, items, *more):
        """profiles and groups for the owners that `items` name (extended=1 answers)."""
        found = collect_owners(items, set(more))
        fields = self.fields()
        return {"profiles": self.users([o for o in sorted(found) if o in self.world.users], fields,
                                       EXTENDED_USER_FIELDS),
                "groups": [self.world.render_group(-o, self.viewer, fields, self.lang)
                           for o in sorted(found, reverse=True) if -o in self.world.groups]}

    def attachments(self, name, kinds):
        """Attachment strings ("photo<owner>_<id>", "wall<owner>_<id>" or a link URL)."""
        found = []
        for item in self.names(name):
            if "link" in kinds and re.match(r"https?://", item):
                found.append({"type": "link", "link": {"url": item, "title": urlsplit(item).netloc,
                                                        "caption": urlsplit(item).netloc,
                                                        "is_favorite": False}})
                continue
            match = re.fullmatch(r"(photo|wall)(-?\d+)_(\d+)(?:_\w+)?", item)
            key = (int(match[2]), int(match[3])) if match else None
            exists = match and match[1] in kinds and (
                self.world.photo(*key) if match[1] == "photo" else self.world.post(*key))
            if not exists:
                raise invalid(name)
            found.append({"type": match[1], match[1]: key})
        return found
