#!/usr/bin/env bash
# test_cli.sh - the socapi command line against the bundled emulator.
# usage: test_cli.sh <socapi binary> <repo dir> <python3>
# Starts its own emulator on a free loopback port and stops it on exit.
set -u

if [ $# -ne 3 ]; then
	echo "usage: $0 <socapi binary> <repo dir> <python3>" >&2
	exit 2
fi
SOCAPI=$1
REPO=$2
PYTHON=$3

passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/socapi-cli-test.XXXXXX")
EMU_PID=
cleanup() {
	if [ -n "$EMU_PID" ]; then
		kill "$EMU_PID" 2>/dev/null
		wait "$EMU_PID" 2>/dev/null
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$PYTHON" "$REPO/emulator/socapi-emulator" --port 0 --port-file "$TMP/port" >"$TMP/emulator.log" 2>&1 &
EMU_PID=$!
for _ in $(seq 1 200); do
	[ -s "$TMP/port" ] && break
	if ! kill -0 "$EMU_PID" 2>/dev/null; then
		break
	fi
	sleep 0.05
done
PORT=$(cat "$TMP/port" 2>/dev/null)
if [ -z "$PORT" ]; then
	echo "the emulator did not start:" >&2
	cat "$TMP/emulator.log" >&2
	exit 1
fi
BASE="http://127.0.0.1:$PORT"
API="$BASE/mailru/platform/api"
OAUTH="$BASE/mailru/oauth"

IVAN=15410773191172635989
MARIA=1324730981306483817
export SOCAPI_MAILRU_APP_ID=423004
export SOCAPI_MAILRU_PRIVATE_KEY=7815696ecbf1c96e6894b779456d330e
export SOCAPI_MAILRU_SECRET_KEY=3dad9cbf9baaa0360c0f2ba372d25716
export SOCAPI_MAILRU_ACCESS_TOKEN=be6ef89965d58e56dec21acb9b62bdaa
export SOCAPI_MAILRU_UID=$IVAN

# run NAME ARGS...: runs socapi (stdin from $STDIN, else empty), keeps stdout
# in $OUT, stderr in $ERR, status in $RC
run() {
	local name=$1
	shift
	"$SOCAPI" "$@" <"${STDIN:-/dev/null}" >"$TMP/$name.out" 2>"$TMP/$name.err"
	RC=$?
	OUT="$TMP/$name.out"
	ERR="$TMP/$name.err"
}
expect_rc() { # expect_rc WANT WHAT
	if [ "$RC" -eq "$1" ]; then ok; else bad "$2: exit $RC, want $1 ($(head -c 300 "$ERR"))"; fi
}
expect_out() { # expect_out TEXT WHAT   (fixed string in stdout)
	if grep -qF -- "$1" "$OUT"; then ok; else bad "$2: stdout lacks '$1'"; fi
}
expect_err() { # expect_err TEXT WHAT   (fixed string in stderr)
	if grep -qF -- "$1" "$ERR"; then ok; else bad "$2: stderr lacks '$1' ($(head -c 300 "$ERR"))"; fi
}
expect_no() { # expect_no TEXT FILE WHAT
	if grep -qF -- "$1" "$2"; then bad "$3: '$1' should not appear"; else ok; fi
}
# refused NAME WHAT TEXT ARGS...: socapi --api-url $API mailru ARGS exits 2, naming TEXT on stderr
refused() {
	local name=$1 what=$2 text=$3
	shift 3
	run "$name" --api-url "$API" mailru "$@"
	expect_rc 2 "$what"
	expect_err "$text" "$what: the refusal names it"
}

# ---- typed calls ----
run getinfo --api-url "$API" mailru users.getInfo
expect_rc 0 "users.getInfo"
expect_out "\"uid\": \"$IVAN\"," "users.getInfo prints the uid exactly, as the string it came as"
expect_out '"first_name": "Иван"' "users.getInfo first_name"
expect_out '"last_name": "Петров"' "users.getInfo last_name"
[ -s "$ERR" ] && bad "users.getInfo wrote to stderr: $(head -c 200 "$ERR")" || ok

run getinfo2 --api-url "$API" --compact mailru users.getInfo "uids=$MARIA,$IVAN"
expect_rc 0 "users.getInfo uids=two"
expect_out "[{\"uid\":\"$MARIA\"," "--compact output, Мария first"
expect_out "{\"uid\":\"$IVAN\"," "--compact output, Иван second"
[ "$(wc -l <"$OUT")" -eq 1 ] && ok || bad "--compact prints one line"

# members the schema does not know are printed beside the typed ones
"$PYTHON" - "$BASE" <<'PY' || bad "could not add the reply fault"
import json, sys, urllib.request
body = json.dumps([{"uid": "1", "first_name": "Иван", "zodiac": {"sign": "Лев"}}], ensure_ascii=False)
fault = {"path": "/mailru/platform/api", "method": "users.getInfo", "fault": "reply", "body": body}
urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/_emulator/faults", json.dumps(fault).encode()))
PY
run unknownmembers --api-url "$API" --compact mailru users.getInfo
expect_rc 0 "users.getInfo with a member the schema lacks"
expect_out '[{"uid":"1","first_name":"Иван","zodiac":{"sign":"Лев"}}]' "unknown members follow the typed ones"

# server-server only (no uid/private key): still works with the secret key
SOCAPI_MAILRU_UID= SOCAPI_MAILRU_PRIVATE_KEY= run server --api-url "$API" mailru users.getInfo
expect_rc 0 "server-server users.getInfo"
expect_out "\"uid\": \"$IVAN\"," "server-server uid"

# a write whose connection dies after it went out: exit 6
"$PYTHON" - "$BASE" <<'PY' || bad "could not add the reset fault"
import json, sys, urllib.request
fault = {"path": "/mailru/platform/api", "method": "stream.post", "fault": "reset_mid_body"}
urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/_emulator/faults", json.dumps(fault).encode()))
PY
run unknownoutcome --api-url "$API" mailru stream.post text=once
expect_rc 6 "stream.post with the connection reset mid-answer"
expect_err "outcome unknown" "the status is named"

# ---- usage and schema errors: exit 2, nothing sent ----
refused unknown "unknown method" "no.suchMethod" no.suchMethod
refused badparam "unknown parameter" "bogus_param" users.getInfo bogus_param=1
refused badtype "offset=abc" "offset" friends.get offset=abc

run badtype2 --api-url "$API" mailru users.getInfo "uids=$IVAN,x"
expect_rc 2 "uids with a non-number"

# a required parameter left out, a value no variant of friends.get takes, a grant without the secret
refused required "photos.get without its required aid" "parameter aid is required" photos.get
refused extbad "friends.get ext=2" "ext=2 selects another variant of friends.get" friends.get ext=2

SOCAPI_MAILRU_SECRET_KEY= run nosecret --oauth-url "$OAUTH" mailru login password username=ivan@mail.ru password=secret
expect_rc 2 "login password without the application's secret"
expect_err "SOCAPI_MAILRU_SECRET_KEY is not set" "the missing secret is named"

run notnv --api-url "$API" mailru users.getInfo justaword
expect_rc 2 "an argument that is not name=value"

run usage
expect_rc 2 "no arguments"
expect_err "usage:" "no arguments prints the usage"

for flag in --help -h; do
	run "help$flag" "$flag"
	expect_rc 0 "$flag"
	expect_out "usage: socapi" "$flag prints the usage on stdout"
	[ -s "$ERR" ] && bad "$flag wrote to stderr" || ok
done
# every SOCAPI_* setting the CLI reads is in --help and in the README: env(&vk, "LANG") is one
# platform's, env(p, "API_URL") every platform's (--help names it SOCAPI_<PLATFORM>_API_URL)
settings=$(sed -n 's/.*env(&\([a-z]*\), "\([A-Z_]*\)").*/\1 \2/p; s/.*env(p, "\([A-Z_]*\)").*/each \1/p' \
	"$REPO/cli/socapi.c" | sort -u)
[ "$(echo "$settings" | wc -l)" -ge 18 ] && ok || bad "found only $(echo "$settings" | wc -l) settings in cli/socapi.c"
while read -r platform name; do
	if [ "$platform" = each ]; then
		expect_out "SOCAPI_<PLATFORM>_$name" "--help names SOCAPI_<PLATFORM>_$name"
		platforms="MAILRU OK VK"
	else
		platforms=$(echo "$platform" | tr a-z A-Z)
		expect_out "SOCAPI_${platforms}_$name" "--help names SOCAPI_${platforms}_$name"
	fi
	for P in $platforms; do
		grep -qF "\`SOCAPI_${P}_$name\`" "$REPO/README.md" && ok || bad "README.md lists SOCAPI_${P}_$name"
	done
done <<<"$settings"
run version --version
expect_rc 0 "--version"
grep -qE '^socapi [0-9]+\.[0-9]+\.[0-9]+$' "$OUT" && ok || bad "--version prints 'socapi X.Y.Z' on stdout"

# unknown methods: the closest names, a case mistake said as such
run casemistake --api-url "$API" mailru users.getinfo
expect_rc 2 "a method name in the wrong case"
expect_err "did you mean users.getInfo? (method names are case-sensitive)" "the case mistake is named"
run typo --api-url "$API" vk users.gett
expect_rc 2 "a misspelt method"
expect_err "did you mean users.get?" "the closest name is suggested"

run noplatform --api-url "$API" nosuchplatform users.getInfo
expect_rc 2 "unknown platform"

# a client-only method without uid/private key, a server-only one without the secret key
SOCAPI_MAILRU_UID= SOCAPI_MAILRU_PRIVATE_KEY= run clientonly --api-url "$API" mailru audios.top
expect_rc 2 "audios.top without the client-server keys"
SOCAPI_MAILRU_SECRET_KEY= run serveronly --api-url "$API" mailru notifications.send "uids=$IVAN" text=hi
expect_rc 2 "notifications.send without the secret key"

# ---- the platform refuses: exit 3 ----
SOCAPI_MAILRU_PRIVATE_KEY=00000000000000000000000000000000 run wrongkey --api-url "$API" mailru users.getInfo
expect_rc 3 "wrong private key"
expect_err "104" "wrong private key names error 104"
[ -s "$OUT" ] && bad "wrong private key printed to stdout" || ok

SOCAPI_MAILRU_ACCESS_TOKEN=ffffffffffffffffffffffffffffffff run badsession --api-url "$API" mailru users.getInfo
expect_rc 3 "bad session key"
expect_err "102" "bad session key names error 102"
[ "$(grep -o "error 102" "$ERR" | wc -l)" -eq 1 ] && ok || bad "error 102 is said once: $(cat "$ERR")"

# ---- transport: exit 4 ----
# a port that was free a moment ago and is closed now
CLOSED=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
run closed --api-url "http://127.0.0.1:$CLOSED/mailru/platform/api" mailru users.getInfo
expect_rc 4 "api-url at a closed port"

run timeout_ --api-url "$API" --timeout 300 mailru users.getInfo
expect_rc 0 "a generous --timeout does not get in the way"

# ---- --raw ----
run raw --api-url "$API" --raw mailru users.getInfo
expect_rc 0 "--raw users.getInfo"
expect_out "\"uid\":\"$IVAN\"" "--raw prints the body as received (uid as a string)"
expect_out '"first_name":"Иван"' "--raw body"

SOCAPI_MAILRU_PRIVATE_KEY=00000000000000000000000000000000 run rawerr --api-url "$API" --raw mailru users.getInfo
expect_rc 3 "--raw with an error envelope"
expect_out '"error_code":104' "--raw prints the error envelope"

# ---- friends.get: ext=1 picks the extended variant ----
run friends --api-url "$API" mailru friends.get
expect_rc 0 "friends.get"
expect_out "$MARIA" "friends.get lists Мария"
expect_no '"first_name"' "$OUT" "friends.get without ext prints uids only"

run friendsext --api-url "$API" mailru friends.get ext=1
expect_rc 0 "friends.get ext=1"
expect_out "\"uid\": \"$MARIA\"," "friends.get ext=1 prints user objects"
expect_out '"first_name": "Мария"' "friends.get ext=1 first_name"
expect_out '"is_friend": 1' "friends.get ext=1 is_friend"
[ "$(grep -c '"first_name"' "$OUT")" -eq 15 ] && ok || bad "friends.get ext=1: 15 users expected"

run friendsoff --api-url "$API" --compact mailru friends.get offset=0
expect_rc 0 "friends.get offset=0"

run stream --api-url "$API" mailru stream.get limit=3
expect_rc 0 "stream.get limit=3"
expect_out '"subtype": "event"' "stream.get prints events"

# ---- a file parameter: name=@path ----
head -c 1234 /dev/urandom >"$TMP/photo.bin"
run upload --api-url "$API" --compact mailru photos.upload "img_file=@$TMP/photo.bin" name=cli-photo
expect_rc 0 "photos.upload img_file=@path"
expect_out '"size":1234' "the upload is 1234 bytes"
expect_out '"title":"cli-photo"' "the upload's name"
SRC=$(grep -o '"src":"[^"]*"' "$OUT" | head -1 | sed 's/^"src":"//; s/"$//')
if [ -n "$SRC" ] && "$PYTHON" - "$SRC" "$TMP/photo.bin" <<'EOF'; then ok; else bad "the uploaded bytes are served back intact"; fi
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1]) as answer, open(sys.argv[2], "rb") as sent:
    sys.exit(0 if answer.read() == sent.read() else 1)
EOF

run guestbook --api-url "$API" mailru guestbook.post "uid=$MARIA" description=cli "img_file=@$TMP/photo.bin"
expect_rc 0 "guestbook.post img_file=@path"
[ "$(tr -d '[:space:]' <"$OUT")" = "1" ] && ok || bad "guestbook.post prints 1"

run nofile --api-url "$API" mailru photos.upload "img_file=@$TMP/does-not-exist"
expect_rc 2 "a missing file"

# ---- login ----
run login --oauth-url "$OAUTH" mailru login password username=ivan@mail.ru password=secret
expect_rc 0 "login password"
expect_out '"access_token": "' "login password prints access_token"
expect_out '"refresh_token": "' "login password prints refresh_token"
expect_out "\"uid\": \"$IVAN\"" "login password prints the uid"
TOKEN=$(grep -o '"access_token": "[0-9a-f]*"' "$OUT" | sed 's/.*: "//; s/"$//')
REFRESH=$(grep -o '"refresh_token": "[0-9a-f]*"' "$OUT" | sed 's/.*: "//; s/"$//')

# the new token works as the session key
SOCAPI_MAILRU_ACCESS_TOKEN=$TOKEN run withtoken --api-url "$API" mailru users.getInfo
expect_rc 0 "users.getInfo with the granted token"
expect_out "\"uid\": \"$IVAN\"," "the granted token is Иван's"

run loginbad --oauth-url "$OAUTH" mailru login password username=ivan@mail.ru password=wrong
expect_rc 3 "login with a wrong password"
expect_err "invalid_grant" "a wrong password is invalid_grant"

run refresh --oauth-url "$OAUTH/" mailru login refresh "refresh_token=$REFRESH"
expect_rc 0 "login refresh (the trailing slash is not doubled)"
expect_out "\"refresh_token\": \"$REFRESH\"" "refresh keeps the refresh token"

run implicit --oauth-url "$OAUTH" mailru login implicit username=ivan@mail.ru password=secret
expect_rc 0 "login implicit"
expect_out '"access_token": "' "login implicit prints access_token"
expect_out '"cookies": "' "login implicit prints the cookies"

# ---- scrapers: the implicit grant's cookies saved, then --scrape with a real Chromium ----
run jar --oauth-url "$OAUTH" mailru login implicit username=ivan@mail.ru password=secret cookie_file="$TMP/jar"
expect_rc 0 "login implicit cookie_file="
grep -q 'Mpop' "$TMP/jar" && [ "$(stat -c %a "$TMP/jar")" = 600 ] && ok || bad "cookie_file holds the cookies, mode 600"
if command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then
	run rest --api-url "$API" --compact mailru groups.get limit=20
	run scraped --api-url "$API" --compact --web-url "$BASE/mailru/web" --cookies "$TMP/jar" mailru groups.get --scrape limit=20
	expect_rc 0 "groups.get --scrape"
	cmp -s "$TMP/rest.out" "$TMP/scraped.out" && ok || bad "groups.get --scrape prints what groups.get does"
	SOCAPI_MAILRU_COOKIES="$TMP/jar" SOCAPI_MAILRU_WEB_URL="$BASE/mailru/web" \
		run scraped2 --api-url "$API" --compact --scrape mailru groups.get limit=20
	cmp -s "$TMP/rest.out" "$TMP/scraped2.out" && ok || bad "--scrape first, cookies and web URL from the environment"
else
	echo "skipped the --scrape runs: no chromium (apt-get install chromium)"
fi
run nojar --api-url "$API" mailru groups.get --scrape
expect_rc 2 "--scrape without cookies"
expect_err "--scrape needs the login cookies" "--scrape without cookies says what it needs"
run noscraper --api-url "$API" --cookies "$TMP/jar" mailru friends.get --scrape
expect_rc 2 "--scrape of a method without a scraper"
expect_err "these have: groups.get groups.getInfo groups.join stream.getByAuthor" "the scrapers are listed"
run okscrape ok users.getCurrentUser --scrape
expect_rc 2 "--scrape on OK.ru"

run implicitbad --oauth-url "$OAUTH" mailru login implicit username=blocked@mail.ru password=secret
expect_rc 3 "login implicit, blocked user"
expect_err "blocked" "a blocked user is reported"
expect_err "invalid_user" "the OAuth error kind is named"

run nogrant --oauth-url "$OAUTH" mailru login magic
expect_rc 2 "an unknown grant"
expect_err "(password, implicit, refresh, code)" "an unknown grant lists the platform's grants"

# a wrong OAuth base: the status and the URL that answered it
run wrongoauth --oauth-url "$BASE/nowhere" mailru login password username=ivan@mail.ru password=secret
expect_rc 4 "login password against a wrong OAuth base"
expect_err "HTTP 404 from $BASE/nowhere/token" "the token endpoint's status and URL are named"
run wrongauthorize --oauth-url "$BASE/nowhere" mailru login implicit username=ivan@mail.ru password=secret
expect_rc 3 "login implicit against a wrong OAuth base"
expect_err "HTTP 404 from $BASE/nowhere/authorize" "the authorize page's status and URL are named"

# ---- methods ----
run methods mailru methods
expect_rc 0 "methods"
N=$(grep -c . "$OUT")
[ "$N" -ge 56 ] && ok || bad "methods lists $N lines, want >= 56"
expect_out "users.getInfo" "methods lists users.getInfo"
expect_out "mailru_friends_get_with_extended" "methods lists the extended variant"

# ---- OK.ru ----
OK_API="$BASE/ok/fb.do"
OK_OAUTH="$BASE/ok/oauth"
OK_IVAN=574238563453
OK_MARIA=580012345678
export SOCAPI_OK_APPLICATION_ID=1267418112
export SOCAPI_OK_APPLICATION_KEY=CBAEJBKGDIHBABABA
export SOCAPI_OK_APPLICATION_SECRET_KEY=8a5c2d0e4f6b1a3c5e7d9f0b2c4e6a8d
export SOCAPI_OK_ACCESS_TOKEN=tkn1ivan0fixed0emulator0ok0000000000000000

run okinfo --api-url "$OK_API" ok users.getInfo "uids=$OK_IVAN,$OK_MARIA" fields=uid,first_name,last_name
expect_rc 0 "ok users.getInfo"
expect_out "\"uid\": \"$OK_IVAN\"," "ok users.getInfo: Иван's string id, exact"
expect_out "\"uid\": \"$OK_MARIA\"," "ok users.getInfo: Мария's string id, exact"
expect_out '"first_name": "Иван"' "ok users.getInfo: Cyrillic first name"
expect_out '"last_name": "Петров"' "ok users.getInfo: Cyrillic last name"

run okraw --api-url "$OK_API" --raw ok users.getInfo "uids=$OK_IVAN" fields=uid,first_name
expect_rc 0 "ok --raw users.getInfo"
expect_out "\"uid\":\"$OK_IVAN\"" "ok --raw: the id as the string OK sends"

SOCAPI_OK_APPLICATION_SECRET_KEY=00000000000000000000000000000000 run okwrong --api-url "$OK_API" ok users.getCurrentUser
expect_rc 3 "ok with a wrong application_secret_key"
expect_err "104" "a wrong application_secret_key names error 104"

SOCAPI_OK_APPLICATION_SECRET_KEY= run oknokey --api-url "$OK_API" ok users.getCurrentUser
expect_rc 2 "ok without any signing secret: nothing sent"

SOCAPI_OK_ACCESS_TOKEN= run oksessionless --api-url "$OK_API" ok notifications.sendSimple "uid=$OK_IVAN" text=Привет
expect_rc 0 "ok notifications.sendSimple on the application circuit"

run oklogin --api-url "$OK_API" ok login password username=ivan.petrov@ok.ru password=secret
expect_rc 0 "ok login password (auth.login)"
expect_out '"session_secret_key": "' "auth.login gives the session secret"
expect_out "\"uid\": \"$OK_IVAN\"" "auth.login gives the uid"

printf 'maria@ok.ru\nsecret2\n' >"$TMP/ok-login.txt"
STDIN="$TMP/ok-login.txt" run okimplicit --oauth-url "$OK_OAUTH" ok login implicit
expect_rc 0 "ok login implicit, username and password from the prompts"
expect_err "username: " "the username is asked for"
expect_out '"session_secret_key": "' "the implicit grant gives the session secret"
expect_no "secret2" "$OUT" "the password is not printed"

# the configuration is checked before anything is asked for
SOCAPI_OK_APPLICATION_ID= STDIN="$TMP/ok-login.txt" run okimplicitnoapp --oauth-url "$OK_OAUTH" ok login implicit
expect_rc 2 "ok login implicit without an application id"
expect_err "SOCAPI_OK_APPLICATION_ID is not set" "the missing setting is named"
expect_no "username" "$ERR" "no username is asked for first"

run okimplicitbad --oauth-url "$OK_OAUTH" ok login implicit username=maria@ok.ru password=wrong
expect_rc 3 "ok login implicit with a wrong password"
expect_err "invalid_grant" "a wrong password is invalid_grant"

run okmethods ok methods
N=$(grep -c . "$OUT")
[ "$N" -ge 165 ] && ok || bad "ok methods lists $N lines, want >= 165"

# ---- VK ----
VK_API="$BASE/vk/method"
VK_OAUTH="$BASE/vk/oauth"
export SOCAPI_VK_ACCESS_TOKEN=vk1.a.emuIvanFixedUserToken0001
export SOCAPI_VK_CLIENT_ID=51234567
export SOCAPI_VK_CLIENT_SECRET=EmuVkClientSecret01x

run vkusers --api-url "$VK_API" vk users.get user_ids=172000001,172000002 fields=online
expect_rc 0 "vk users.get"
expect_out '"id": 172000001,' "vk users.get id"
expect_out '"first_name": "Иван"' "vk users.get Cyrillic name"

run vkfriends --api-url "$VK_API" vk friends.get fields=online count=3
expect_rc 0 "vk friends.get fields=online"
[ "$(grep -c '"first_name"' "$OUT")" -eq 3 ] && ok || bad "friends.get with fields prints 3 profiles"

run vkwall --api-url "$VK_API" --compact vk wall.get owner_id=-200001 count=2
expect_rc 0 "vk wall.get of a community"
expect_out '"owner_id":-200001' "a community's negative id"

# groups.isMember: four answers, chosen by user_id/user_ids and extended together
run vkmember1 --api-url "$VK_API" --compact vk groups.isMember group_id=200001 user_id=172000001
expect_rc 0 "vk groups.isMember user_id"
[ "$(cat "$OUT")" = 1 ] && ok || bad "groups.isMember user_id prints a bare flag"
run vkmember2 --api-url "$VK_API" --compact vk groups.isMember group_id=200001 user_id=172000001 extended=1
expect_rc 0 "vk groups.isMember user_id extended=1"
expect_out '"request":' "groups.isMember extended=1 prints the extended object"
run vkmember3 --api-url "$VK_API" --compact vk groups.isMember group_id=200001 user_ids=172000001,172000002
expect_rc 0 "vk groups.isMember user_ids"
expect_out '[{"user_id":172000001,"member":1},{"user_id":172000002,"member":0}]' "groups.isMember user_ids prints one status per user"
run vkmember4 --api-url "$VK_API" --compact vk groups.isMember group_id=200001 user_ids=172000001,172000002 extended=1
expect_rc 0 "vk groups.isMember user_ids extended=1"
expect_out '{"user_id":172000002,"member":0,"request":0,' "groups.isMember user_ids extended=1 prints the extended statuses"

SOCAPI_VK_ACCESS_TOKEN=nonsense run vkbad --api-url "$VK_API" vk friends.get
expect_rc 3 "vk with a bad token"
expect_err "error 5" "a bad token is error 5"

# a captcha on a call: the CLI shows the image URL and reads the answer
# (the emulator's answer is the sid's last 4 characters)
if "$PYTHON" - "$SOCAPI" "$BASE" <<'EOF'; then ok; else bad "vk wall.post answers a captcha from the prompt"; fi
import json, re, subprocess, sys, urllib.request
socapi, base = sys.argv[1], sys.argv[2]
arm = urllib.request.Request(base + "/_emulator/vk/captcha", json.dumps({"method": "wall.post"}).encode(),
                             {"Content-Type": "application/json"})
urllib.request.urlopen(arm).read()
cli = subprocess.Popen([socapi, "--api-url", base + "/vk/method", "vk", "wall.post", "message=капча"],
                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
line = cli.stderr.readline()
sid = re.search(r"sid=(\d+)", line)
out, err = cli.communicate((sid.group(1)[-4:] if sid else "") + "\n", timeout=30)
sys.exit(0 if cli.returncode == 0 and sid and '"post_id"' in out else 1)
EOF

printf '123456\n' >"$TMP/vk-code.txt"
STDIN="$TMP/vk-code.txt" run vklogin2fa --oauth-url "$VK_OAUTH" vk login password username=twofactor@vk.ru password=secret
expect_rc 0 "vk login password with a two-factor code from the prompt"
expect_err "two-factor code" "the code is asked for"
expect_out '"access_token": "' "vk direct authorization prints the token"

printf 'ivan@vk.ru\nsecret\n' >"$TMP/vk-login.txt"
STDIN="$TMP/vk-login.txt" run vkimplicit --oauth-url "$VK_OAUTH" vk login implicit
expect_rc 0 "vk login implicit with the prompts"
expect_out '"uid": "172000001"' "vk implicit gives the user id"

# ---- the README's offline CLI block, run as written ----
# (in a scratch folder whose build/cli/socapi and emulator/ are this build's; the block starts and
# stops its own emulator, and exports every setting itself)
mkdir -p "$TMP/readme/build/cli"
ln -s "$SOCAPI" "$TMP/readme/build/cli/socapi"
ln -s "$REPO/emulator" "$TMP/readme/emulator"
"$PYTHON" -c '
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
section = text[text.index("## The command-line tool, offline"):]
print(re.search(r"```sh\n(.*?)```", section, re.S).group(1))' "$REPO/README.md" >"$TMP/readme/block.sh"
for name in $(env | sed -n 's/^\(SOCAPI_[A-Z_]*\)=.*/\1/p'); do unset "$name"; done
# every line must succeed; a failed line still stops the emulator the block started
(cd "$TMP/readme" &&
	bash -c 'set -e; trap "kill \${SOCAPI_EMULATOR_PID:-} 2>/dev/null" EXIT; . ./block.sh') \
	>"$TMP/readme.out" 2>"$TMP/readme.err" </dev/null
RC=$? OUT="$TMP/readme.out" ERR="$TMP/readme.err"
expect_rc 0 "the README's CLI block"
expect_out '"first_name": "Иван"' "the README's users.getInfo line"
expect_out '"size": 2048' "the README's photos.upload line"
expect_out '"session_secret_key": "' "the README's ok login implicit line"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
