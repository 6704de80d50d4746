"""Platform@Mail.Ru's REST machinery: signing, `Call` (parameter access) and the
`@api` decorator that registers each method into METHODS.
"""

from dataclasses import dataclass

from ..common import ApiCall, ApiError, is_uint, md5_hex, sorted_pairs
from .constants import ERRORS


def error_body(code):
    return {"error": {"error_code": code, "error_msg": ERRORS.get(code, ERRORS[1])}}


def sign(params, prefix, key):
    """https://api.mail.ru/docs/guides/restapi/#sig: md5(prefix + "k1=v1k2=v2..." + key),
    keys sorted bytewise, sig left out.
    Client-server: prefix = the session user's uid, key = private_key.
    Server-server: prefix = "", key = secret_key (secure=1 is among the params)."""
    return md5_hex(prefix + sorted_pairs(params, {"sig"}) + key)


@dataclass(frozen=True)
class Method:
    handler: object
    permission: str = None  # scope the session needs (error 200)
    circuit: str = None  # the only allowed circuit, if restricted (error 100)
    needs_session: bool = True


METHODS = {}  # method name -> Method


def api(*names, permission=None, circuit=None, needs_session=True):
    """Register the decorated function as the handler of the named methods."""
    def register(handler):
        for name in names:
            METHODS[name] = Method(handler, permission, circuit, needs_session)
        return handler
    return register


class Call(ApiCall):
    """One authenticated REST call: the caller, its app, its parameters and the
    world. Every accessor raises ApiError(100) on a missing or malformed value."""

    def __init__(self, world, app, session, params, files):
        super().__init__(world, session, params, files)
        self.app = app

    def integer(self, name, default=None):
        value = self.params.get(name, "")
        if value == "" and default is not None:
            return default
        if not is_uint(value):
            raise ApiError(100)
        return int(value)

    def flag(self, name):
        value = self.integer(name, 0)
        if value > 1:
            raise ApiError(100)
        return value

    def user(self, name, required=False):
        """An existing uid from parameter `name`; the caller when it is absent."""
        uid = self.params.get(name, "")
        if uid == "" and not required and self.viewer:
            return self.viewer
        if uid not in self.world.users:
            raise ApiError(100)
        return uid

    def uid_list(self, name, required=False):
        uids = [uid.strip() for uid in self.params.get(name, "").split(",") if uid.strip()]
        if (required and not uids) or not all(is_uint(uid) and int(uid) < 2 ** 64 for uid in uids):
            raise ApiError(100)
        return uids

    def page(self, items, limit=10):
        offset = self.integer("offset", 0)
        return items[offset:offset + self.integer("limit", limit)]


def next_id(items):
    return max((item["id"] for item in items), default=0) + 1


def by_id(items, call, name):
    """The item whose "id" is the integer parameter `name`."""
    wanted = call.integer(name)
    item = next((item for item in items if item["id"] == wanted), None)
    if item is None:
        raise ApiError(100)
    return item
