"""Tests of the emulator's hostile faults: answers a real platform never
gives, which socapi's own tests use to prove it fails cleanly.

Run from the repository root:  python3 -m unittest discover -s emulator/tests -v
"""

import json
import os
import sys
import unittest
import urllib.error
import urllib.request

EMULATOR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, EMULATOR)

from tests.support import EmulatorCase  # noqa: E402


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


if __name__ == "__main__":
    unittest.main()
