"""Tests of the emulator's hostile faults: answers a real platform never
gives, which socapi's own tests use to prove it fails cleanly.

Run from the repository root:  python3 -m unittest discover -s emulator/tests -v
"""

import gzip
import http.client
import json
import os
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

EMULATOR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, EMULATOR)

from socapi_emulator.server import TLSFrontend  # noqa: E402
from tests.support import EmulatorCase  # noqa: E402
from tests.test_mailru import SESSION_KEY, MailRuCase  # noqa: E402
from tests.test_ok import TOKEN as OK_TOKEN, OKCase  # noqa: E402


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


class HostileCase(EmulatorCase):
    def fault(self, expect=200, **spec):
        status, _, body = self.post("/_emulator/faults", json.dumps(spec).encode(), "application/json")
        self.assertEqual(status, expect, body)


class ReplyTest(HostileCase):
    def test_reply_is_served_as_given_once(self):
        self.fault(path="/vk/oauth/authorize", fault="reply", status=302, body="",
                   headers=[["Location", "https://oauth.vk.ru/blank.html#access_token=x"]])
        self.fault(path="/vk/method", fault="reply", body='{"error": {"request_params": []}}')
        opener = urllib.request.build_opener(NoRedirect)
        with self.assertRaises(urllib.error.HTTPError) as raised:
            opener.open(self.base + "/vk/oauth/authorize?client_id=1")
        self.assertEqual(raised.exception.code, 302)
        self.assertEqual(raised.exception.headers["Location"], "https://oauth.vk.ru/blank.html#access_token=x")
        status, headers, body = self.request("/vk/method/users.get")
        self.assertEqual((status, body), (200, b'{"error": {"request_params": []}}'))
        self.assertTrue(headers["Content-Type"].startswith("application/json"))
        status, _, body = self.request("/vk/method/users.get")  # used up: the real answer
        self.assertNotIn(b"request_params\": []", body)

    def test_bad_reply_specs(self):
        for spec in ({"status": 99}, {"status": "200"}, {"body": 5}, {"headers": [["A"]]},
                     {"headers": [["A", "b\r\nSet-Cookie: x=1"]]}, {"content_type": 1}):
            self.fault(expect=400, path="/vk", fault="reply", **spec)


class ArrivalsTest(HostileCase):
    def arrivals(self, path):
        return json.loads(self.request("/_emulator/arrivals?path=" + path)[2])["count"]

    def test_trap_counts_and_reset_forgets(self):
        self.assertEqual(self.arrivals("/trap"), 0)
        self.assertEqual(self.request("/trap/form?password=x", b"a=b")[:1], (200,))
        self.request("/vk/method/users.get")
        self.assertEqual((self.arrivals("/trap"), self.arrivals("/vk/method/users.get"), self.arrivals("/")),
                         (1, 1, 2))
        self.post("/_emulator/reset", b"")
        self.assertEqual(self.arrivals("/"), 0)


class HostilePagesTest(HostileCase):
    def test_form_elsewhere_and_redirect(self):
        self.fault(path="/vk/oauth/authorize", fault="hostile_form", location="http://localhost:1/steal?a=1&b=2")
        body = self.request("/vk/oauth/authorize?client_id=51234567&redirect_uri=https://oauth.vk.ru/blank.html"
                            "&response_type=token&display=mobile&v=5.199")[2]
        self.assertIn(b'action="http://localhost:1/steal?a=1&amp;b=2"', body)
        self.assertIn(b'name="pass"', body)  # the real login form otherwise
        self.fault(path="/ok/oauth/authorize", fault="hostile_redirect", location="http://127.0.0.1:1/x")
        opener = urllib.request.build_opener(NoRedirect)
        with self.assertRaises(urllib.error.HTTPError) as raised:
            opener.open(self.base + "/ok/oauth/authorize")
        self.assertEqual((raised.exception.code, raised.exception.headers["Location"]), (302, "http://127.0.0.1:1/x"))
        self.fault(expect=400, path="/ok", fault="hostile_redirect")

    def test_sizes(self):
        self.fault(path="/vk/method", fault="oversize", size=5000)
        self.assertEqual(len(self.request("/vk/method/users.get")[2]), 5000)
        self.fault(path="/vk/method", fault="gzip_bomb", size=1 << 20)
        connection = http.client.HTTPConnection(self.server.server_address[0], self.server.server_address[1])
        connection.request("GET", "/vk/method/users.get")
        response = connection.getresponse()
        compressed = response.read()
        connection.close()
        self.assertEqual(response.getheader("Content-Encoding"), "gzip")
        self.assertLess(len(compressed), 8192)
        self.assertEqual(len(gzip.decompress(compressed)), 1 << 20)
        self.fault(path="/vk/method", fault="cookie_flood", size=90)  # http.client takes 100 headers
        headers = self.request("/vk/method/users.get")[1]
        self.assertEqual(len(headers.get_all("Set-Cookie")), 90)


class WireTest(HostileCase):
    """Faults that misbehave on the connection, seen through a raw socket."""

    def exchange(self, path, requests=1):
        sock = socket.create_connection(self.server.server_address[:2], timeout=5)
        data = b""
        for _ in range(requests):
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            time.sleep(0.1)
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except ConnectionResetError:
            data += b"<RST>"
        sock.close()
        return data

    def test_short_body_and_reset(self):
        self.fault(path="/vk", fault="short_body")
        data = self.exchange("/vk/method/users.get")
        head, _, body = data.partition(b"\r\n\r\n")
        length = int(next(line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
                     .split(b":")[1])
        self.assertEqual(len(body), length // 2)
        self.fault(path="/vk", fault="reset_mid_body")
        self.assertTrue(self.exchange("/vk/method/users.get").endswith(b"<RST>"))

    def test_trickle(self):
        self.fault(path="/vk", fault="trickle", delay_ms=200)
        sock = socket.create_connection(self.server.server_address[:2], timeout=5)
        sock.sendall(b"GET /vk/method/users.get HTTP/1.1\r\nHost: x\r\n\r\n")
        head = b""
        while b"\r\n\r\n" not in head:
            head += sock.recv(1)
        started = time.monotonic()
        self.assertEqual(len(sock.recv(100)), 1)
        self.assertEqual(len(sock.recv(100)), 1)
        self.assertGreaterEqual(time.monotonic() - started, 0.15)
        sock.close()

    def test_close_reused_answers_the_first_request_only(self):
        self.fault(path="/vk", fault="close_reused", times=5)
        data = self.exchange("/vk/method/users.get", requests=2)
        self.assertEqual(data.count(b"HTTP/1.1 200"), 1)
        self.assertEqual(json.loads(self.request("/_emulator/arrivals?path=/vk/method")[2])["count"], 2)


class TLSTest(HostileCase):
    def test_tls_listener_shares_the_world(self):
        with tempfile.TemporaryDirectory() as tmp:
            cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                            "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                            "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
            tls = TLSFrontend(("127.0.0.1", 0), self.server, cert, key)
            threading.Thread(target=tls.serve_forever, args=(0.05,), daemon=True).start()
            try:
                url = f"https://127.0.0.1:{tls.server_address[1]}/trap/tls"
                with self.assertRaises(urllib.error.URLError):  # self-signed: refused by default
                    urllib.request.urlopen(url, timeout=5)
                context = ssl.create_default_context(cafile=cert)
                with urllib.request.urlopen(url, timeout=5, context=context) as response:
                    self.assertEqual(response.read(), b"trapped\n")
                self.assertEqual(json.loads(self.request("/_emulator/arrivals?path=/trap")[2])["count"], 1)
            finally:
                tls.shutdown()
                tls.server_close()


class MailRuExpiryTest(MailRuCase):
    def test_expire_gives_102_until_reset(self):
        self.assertIsInstance(self.api("users.getInfo"), list)
        status, _, body = self.post("/_emulator/mailru/expire", json.dumps({"token": SESSION_KEY}).encode(),
                                    "application/json")
        self.assertEqual((status, json.loads(body)), (200, {"expired": SESSION_KEY}))
        self.assertApiError(self.api("users.getInfo"), 102)
        for bad in (b"", b"[]", b'{"token": "nope"}'):
            self.assertEqual(self.post("/_emulator/mailru/expire", bad, "application/json")[0], 400)
        self.post("/_emulator/reset", b"")
        self.assertIsInstance(self.api("users.getInfo"), list)


class OKExpiryTest(OKCase):
    def test_expire_gives_102(self):
        self.assertIn("uid", self.api("users.getCurrentUser"))
        status, _, _ = self.post("/_emulator/ok/expire", json.dumps({"token": OK_TOKEN}).encode(),
                                 "application/json")
        self.assertEqual(status, 200)
        self.assertApiError(self.api("users.getCurrentUser"), 102)


if __name__ == "__main__":
    unittest.main()
