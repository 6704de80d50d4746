#!/usr/bin/env python3
"""Writes the seeds of the decoder fuzz targets (fuzz_decode, fuzz_decode_diff):
one file per response type of the three platforms, "<typed call>\\n<body>" as
decode_input.h reads it.

    tests/fuzz/make_decode_seeds.py OUTDIR [--cli build/cli/socapi]

- a sample of the result of one typed call per distinct result type, made
  from the schema by socapi_gen.samples (objects two levels deep, so seeds
  stay small);
- with --cli, answers of the bundled emulator to a few calls per platform,
  as the platform sends them (VK's inside {"response": ...}), fetched with
  the CLI's --raw from an emulator this script starts and stops.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "generator"))

from socapi_gen.build import Builder  # noqa: E402
from socapi_gen.samples import SampleBuilder  # noqa: E402

MAX_SEED = 16384

# The emulator's fixed credentials (emulator/README.md) and a few calls each.
CREDENTIALS = {
    "SOCAPI_MAILRU_APP_ID": "423004", "SOCAPI_MAILRU_PRIVATE_KEY": "7815696ecbf1c96e6894b779456d330e",
    "SOCAPI_MAILRU_SECRET_KEY": "3dad9cbf9baaa0360c0f2ba372d25716",
    "SOCAPI_MAILRU_ACCESS_TOKEN": "be6ef89965d58e56dec21acb9b62bdaa", "SOCAPI_MAILRU_UID": "15410773191172635989",
    "SOCAPI_OK_APPLICATION_ID": "1267418112", "SOCAPI_OK_APPLICATION_KEY": "CBAEJBKGDIHBABABA",
    "SOCAPI_OK_APPLICATION_SECRET_KEY": "8a5c2d0e4f6b1a3c5e7d9f0b2c4e6a8d",
    "SOCAPI_OK_ACCESS_TOKEN": "tkn1ivan0fixed0emulator0ok0000000000000000",
    "SOCAPI_VK_ACCESS_TOKEN": "vk1.a.emuIvanFixedUserToken0001",
}
EMULATOR_CALLS = [
    ("mailru", "/mailru/platform/api", "mailru_users_get_info", ["users.getInfo"]),
    ("mailru", "/mailru/platform/api", "mailru_friends_get_with_extended", ["friends.get", "ext=1"]),
    ("mailru", "/mailru/platform/api", "mailru_stream_get", ["stream.get"]),
    ("mailru", "/mailru/platform/api", "mailru_photos_get_albums", ["photos.getAlbums"]),
    ("ok", "/ok/fb.do", "ok_users_get_current_user", ["users.getCurrentUser"]),
    ("ok", "/ok/fb.do", "ok_friends_get", ["friends.get"]),
    ("ok", "/ok/fb.do", "ok_users_get_info", ["users.getInfo", "uids=574238563453",
                                               "fields=uid,first_name,last_name,location"]),
    ("vk", "/vk/method", "vk_users_get", ["users.get", "fields=city,online,sex"]),
    ("vk", "/vk/method", "vk_friends_get_with_fields", ["friends.get", "fields=city,online"]),
    ("vk", "/vk/method", "vk_wall_get", ["wall.get", "owner_id=-200001", "count=3"]),
]


def sample_seeds(out):
    n = 0
    for platform in ("mailru", "ok", "vk"):
        schema = REPO / "schema" / platform
        methods = Builder(schema).build().methods
        samples = SampleBuilder(schema, max_depth=2).build()["methods"]
        seen = set()
        for m in methods:
            if id(m.result) in seen or m.variant not in samples.get(m.name, {}):
                continue
            seen.add(id(m.result))
            body = json.dumps(samples[m.name][m.variant], ensure_ascii=False, separators=(",", ":"))
            data = f"{m.c_name}\n{body}".encode("utf-8")
            if len(data) <= MAX_SEED:
                (out / f"{m.c_name}.json").write_bytes(data)
                n += 1
    return n


def emulator_seeds(out, cli):
    with tempfile.TemporaryDirectory() as tmp:
        port_file = Path(tmp) / "port"
        emulator = subprocess.Popen([sys.executable, str(REPO / "emulator/socapi-emulator"), "--port", "0",
                                     "--port-file", str(port_file)], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
        try:
            for _ in range(200):
                if port_file.exists() and port_file.read_text().strip():
                    break
                time.sleep(0.05)
            base = f"http://127.0.0.1:{port_file.read_text().strip()}"
            env = dict(os.environ, **CREDENTIALS)
            for platform, path, c_name, args in EMULATOR_CALLS:
                body = subprocess.run([cli, "--raw", "--api-url", base + path, platform] + args, env=env,
                                      check=True, capture_output=True).stdout
                (out / f"emulator_{c_name}.json").write_bytes(c_name.encode() + b"\n" + body.strip())
        finally:
            emulator.terminate()
            emulator.wait()
    return len(EMULATOR_CALLS)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--cli", help="the socapi command line, to fetch the emulator's answers")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    n = sample_seeds(args.out)
    if args.cli:
        n += emulator_seeds(args.out, args.cli)
    print(f"{n} seeds in {args.out}")


if __name__ == "__main__":
    main()
