#!/usr/bin/env bash
# Runs the demos against the bundled emulator: starts it on a free loopback
# port, then for each platform logs in and calls typed methods.
#   Mail.Ru: password grant, users.getInfo, friends.get extended, stream.get, photos.getAlbums;
#            with Chromium installed, the groups.get scraper (implicit grant's cookies)
#   OK.ru:   implicit grant (login forms), users.getCurrentUser, friends.get, users.getInfo,
#            group.getMembers page by page
#   VK:      token session, users.get, friends.get with fields, a community wall, execute
# Usage: examples/demo.sh [build dir]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$repo/build}
tmp=$(mktemp -d)
python3 "$repo/emulator/socapi-emulator" --port 0 --port-file "$tmp/port" >"$tmp/log" 2>&1 &
emulator=$!
trap 'kill $emulator 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || { echo "the emulator did not start:" >&2; cat "$tmp/log" >&2; exit 1; }
base="http://127.0.0.1:$(cat "$tmp/port")"
echo "emulator at $base"

echo
echo "== Mail.Ru =="
export SOCAPI_MAILRU_APP_ID=423004
export SOCAPI_MAILRU_PRIVATE_KEY=7815696ecbf1c96e6894b779456d330e
export SOCAPI_MAILRU_SECRET_KEY=3dad9cbf9baaa0360c0f2ba372d25716
web=
if command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then
  web="$base/mailru/web"
else
  echo "(no Chromium: apt-get install chromium to see the groups.get scraper too)"
fi
"$build/examples/demo_mailru" "$base/mailru/platform/api" "$base/mailru/oauth" ivan@mail.ru secret ${web:+"$web"}
echo
echo "the same through the CLI: socapi mailru users.getInfo uids=15410773191172635989"
SOCAPI_MAILRU_ACCESS_TOKEN=be6ef89965d58e56dec21acb9b62bdaa SOCAPI_MAILRU_UID=15410773191172635989 \
  "$build/cli/socapi" --compact --api-url "$base/mailru/platform/api" mailru users.getInfo uids=15410773191172635989 |
  cut -c1-160

echo
echo "== OK.ru =="
export SOCAPI_OK_APPLICATION_ID=1267418112
export SOCAPI_OK_APPLICATION_KEY=CBAEJBKGDIHBABABA
"$build/examples/demo_ok" "$base/ok/fb.do" "$base/ok/oauth" ivan.petrov@ok.ru secret

echo
echo "== VK =="
export SOCAPI_VK_ACCESS_TOKEN=vk1.a.emuIvanFixedUserToken0001
"$build/examples/demo_vk" "$base/vk/method"
