"""What the platform test modules share: emulator servers on loopback ports, a
multipart encoder, an HTML form parser, a TestCase with one server a class and
the file side of a schema/<platform> folder.

The test modules put emulator/ on sys.path and import this as tests.support,
so that it works however unittest finds them.
"""

import contextlib
import json
import os
import threading
import unittest
import urllib.error
import urllib.request
from html.parser import HTMLParser

from socapi_emulator.server import EmulatorServer

EMULATOR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMAS = os.path.join(os.path.dirname(EMULATOR), "schema")  # schema/<platform>


def start_server(seed=1):
    server = EmulatorServer(("127.0.0.1", 0), seed=seed)
    # a short poll interval: shutdown() waits for it
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server


def stop_server(server):
    server.shutdown()
    server.server_close()


@contextlib.contextmanager
def other_servers(*seeds):
    """Servers besides the test's own, one per seed, stopped on leaving."""
    servers = [start_server(seed) for seed in seeds]
    try:
        yield servers
    finally:
        for server in servers:
            stop_server(server)


def multipart(fields, files):
    """(body, Content-Type) of a multipart/form-data request: text fields, then
    PNG file fields."""
    boundary = "socapi-test-boundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items()]
    parts += [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="a.png"\r\n'
              f"Content-Type: image/png\r\n\r\n".encode() + data + b"\r\n" for name, data in files.items()]
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


class FormParser(HTMLParser):
    """Collects every <form>: action, method, id, named inputs, selects, buttons."""

    def __init__(self, html):
        super().__init__()
        self.forms = []
        self.select = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"attrs": attrs, "inputs": {}, "types": {}, "selects": {},
                               "buttons": []})
        elif tag == "input" and attrs.get("name") and attrs.get("type") != "submit":
            self.forms[-1]["inputs"][attrs["name"]] = attrs.get("value", "")
            self.forms[-1]["types"][attrs["name"]] = attrs.get("type", "text")
        elif tag == "select":
            self.select = self.forms[-1]["selects"].setdefault(attrs["name"], [])
        elif tag == "option" and self.select is not None:
            self.select.append(attrs["value"])
        elif tag == "button":
            self.forms[-1]["buttons"].append(attrs)

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None


class EmulatorCase(unittest.TestCase):
    """One server for the class; every test starts from a reset world."""

    @classmethod
    def setUpClass(cls):
        cls.server = start_server()
        cls.base = cls.server.base_url

    @classmethod
    def tearDownClass(cls):
        stop_server(cls.server)

    def setUp(self):
        self.assertEqual(self.post("/_emulator/reset", b"")[2], b"ok")

    def request(self, path, data=None, headers=None, base=None):
        """(status, headers, body) without raising on HTTP errors."""
        request = urllib.request.Request((base or self.base) + path, data, headers or {})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def post(self, path, data, content_type="application/x-www-form-urlencoded"):
        return self.request(path, data, {"Content-Type": content_type})


class SchemaFiles:
    """A schema/<platform> folder (schema/README.md): its JSON files, each loaded
    once, the side file socapi.json, and method name -> (method, its methods.json).
    The platform's validator builds on this."""

    def __init__(self, platform):
        self.root = os.path.join(SCHEMAS, platform)
        self.files = {}
        self.side = self.load(os.path.join(self.root, "socapi.json"))
        self.methods = {}
        for section in sorted(os.listdir(self.root)):
            path = os.path.join(self.root, section, "methods.json")
            if os.path.isfile(path):
                self.methods.update((m["name"], (m, path)) for m in self.load(path)["methods"])

    def load(self, path):
        if path not in self.files:
            with open(path, encoding="utf-8") as stream:
                self.files[path] = json.load(stream)
        return self.files[path]

    def resolve(self, ref, path):
        """(node, file) of a "relative/file.json#/pointer" ref made in file `path`."""
        name, _, pointer = ref.partition("#")
        if name:
            path = os.path.normpath(os.path.join(os.path.dirname(path), name))
        node = self.load(path)
        for part in pointer.strip("/").split("/"):
            node = node[part]
        return node, path
