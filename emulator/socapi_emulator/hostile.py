"""Hostile faults: answers and connections no platform gives on purpose, for
tests that prove a client fails cleanly, in bounded time, and sends nothing
where it should not. server.py picks the fault; this module makes the answer
(`answer`) and, for the faults that misbehave on the wire, says how the
handler sends it (`Response.wire`).
"""

import gzip
import re

from .common import Response, redirect

# fault -> what it does (the README's table says the same)
HOSTILE = (
    "hostile_form",      # the real page, every form's action pointed at `location`
    "hostile_redirect",  # 302 to `location`
    "short_body",        # Content-Length of the whole answer, half of it sent, then the connection closes
    "reset_mid_body",    # half the answer sent, then a TCP RST
    "trickle",           # the answer one byte per `delay_ms`
    "oversize",          # a JSON answer of `size` bytes
    "gzip_bomb",         # `size` bytes of spaces, gzip-compressed to a few kilobytes
    "cookie_flood",      # the real answer with `size` Set-Cookie headers
    "close_reused",      # a request on a kept-alive connection: read, then closed unanswered
)
NEEDS_LOCATION = ("hostile_form", "hostile_redirect")
DEFAULT_SIZE = {"oversize": 1 << 20, "gzip_bomb": 64 << 20, "cookie_flood": 1000}

_bombs = {}  # size -> compressed body; made once, it takes a moment


def size_of(fault):
    return fault.size if fault.size is not None else DEFAULT_SIZE.get(fault.fault, 0)


def answer(fault, platform, request, run):
    """The Response of a hostile fault; run() gives the real answer."""
    kind = fault.fault
    if kind == "hostile_redirect":
        return redirect(fault.location)
    if kind == "oversize":
        size = size_of(fault)
        return Response(200, (b'{"response": "' + b"x" * max(size - 16, 0) + b'"}')[:size],
                        platform.content_type)
    if kind == "gzip_bomb":
        size = size_of(fault)
        if size not in _bombs:
            _bombs[size] = gzip.compress(b" " * size, 9)
        return Response(200, _bombs[size], platform.content_type, [("Content-Encoding", "gzip")])
    response = run()
    if kind == "hostile_form":
        action = fault.location.replace("&", "&amp;").replace('"', "&quot;")
        response.body = re.sub(rb'(<form\b[^>]*\baction=")[^"]*(")',
                               lambda m: m.group(1) + action.encode() + m.group(2), response.body)
    elif kind == "cookie_flood":
        response.headers += [("Set-Cookie", f"flood{i}={'v' * 64}; Path=/") for i in range(size_of(fault))]
    elif kind in ("short_body", "reset_mid_body", "trickle", "close_reused"):
        response.wire = kind
        response.delay_ms = fault.delay_ms
    return response
