"""Vk, the platform object: routing, token and version checks, the test
controls, the OAuth endpoints and the login pages.
"""

import base64
import binascii
import json
import re
import time
from collections import deque
from dataclasses import dataclass
from html import escape
from urllib.parse import quote, urlencode

from ..common import (ApiError, OAuthError, TokenMint, error_page, hidden, html_page, json_response, md5_hex,
                      placeholder, redirect, served_file, text_response, with_query)
from .constants import (APP_NAME, BAD_TOKEN, BAD_VERSION, CAPTCHA_USER, CLIENT_ID, CLIENT_SECRET,
                        CODE_LIFETIME, CONFIRMATION_TEXT, ERRORS, EXPIRED_TOKEN, GROUP_SCOPES, GROUP_TOKENS,
                        IVAN, IVAN_TOKEN, JSON_TYPE, NO_SCOPE, NO_TOKEN, NO_VERSION, PHONE_MASK,
                        REGISTERED_REDIRECTS, SERVICE_TOKEN, TOKEN_IN_URL, TOKEN_LIFETIME, TWO_FACTOR_CODE,
                        TWO_FACTOR_USER, UPLOAD_SERVER, USER_SCOPES, Challenge, error_message, invalid)
from .world import World
from .call import INTEGER, METHODS, Call, Session


@dataclass
class PendingUpload:
    """An uploaded file that a photos.save* call has not claimed yet."""

    number: int  # in World.uploads
    kind: str  # wall, album, messages or owner
    uploader: int  # the caller that asked for the upload server
    owner: int
    album_id: int


@dataclass
class Authorization:
    """The parameters of one /vk/oauth/authorize request, checked."""

    query: str  # the authorize query to come back to, without page state
    redirect_uri: str
    response_type: str
    scope: frozenset
    group_ids: tuple
    state: str


class OAuthFailure(OAuthError):
    """An OAuth JSON error with its HTTP status and extra fields; Vk.handle
    answers it for whichever route raised it."""

    def __init__(self, status, error, description=None, **fields):
        super().__init__(error, description)
        self.status = status
        self.fields = fields

    def response(self):
        body = {"error": self.error}
        if self.description:
            body["error_description"] = self.description
        body.update(self.fields)
        return json_response(body, self.status, JSON_TYPE)


def parse_scope(text, table):
    """Comma (or space) separated names, or a bit mask. VK ignores unknown names."""
    if text.strip().isdigit():
        mask = int(text)
        return frozenset(name for name, bit in table.items() if mask & bit)
    return frozenset(name for name in re.split(r"[,\s]+", text) if name in table)


AUTHORIZE_PAGE_STATE = ("m", "email", "sid")  # what the login pages add to the authorize URL
CHALLENGES = ("captcha", "vkid_captcha", "validation", "confirmation")
LOGIN = ("login",)  # what a login captcha guards; API captchas guard ("api", method)


class Vk:
    prefix = "/vk"
    content_type = JSON_TYPE
    cli_accounts = f"ivan@vk.ru / secret, twofactor@vk.ru / secret (code {TWO_FACTOR_CODE})"

    def cli_settings(self):
        """What points the socapi CLI here: URLs, Иван's fixed token and the app."""
        return {"SOCAPI_VK_API_URL": f"{self.base}/vk/method",
                "SOCAPI_VK_OAUTH_URL": f"{self.base}/vk/oauth",
                "SOCAPI_VK_ACCESS_TOKEN": IVAN_TOKEN,
                "SOCAPI_VK_CLIENT_ID": str(CLIENT_ID),
                "SOCAPI_VK_CLIENT_SECRET": CLIENT_SECRET}

    def __init__(self, seed, base_url):
        self.seed = seed
        self.base = base_url
        self.world = World(seed, base_url)
        self.mint = TokenMint(seed)  # tokens, codes, cookies, captcha sids
        self.sessions = {IVAN_TOKEN: Session(IVAN_TOKEN, "user", IVAN, frozenset(USER_SCOPES)),
                         SERVICE_TOKEN: Session(SERVICE_TOKEN, "service", CLIENT_ID, frozenset())}
        for token, gid in GROUP_TOKENS.items():
            self.sessions[token] = Session(token, "group", gid, frozenset(GROUP_SCOPES))
        self.codes = {}  # code -> (user, redirect_uri, scope, group ids, issued at)
        self.logins = {}  # remixsid cookie -> user id
        self.authchecks = {}  # remixauthcheck cookie -> (user id, authorize query)
        self.grants = {}  # (user id, group ids) -> scope the user allowed this app
        self.captchas = {}  # captcha sid -> what it guards (LOGIN or ("api", method))
        self.vkid_sessions = {}  # VK ID captcha success_token -> what it guards
        self.challenges = {}  # (challenge, method) -> calls still to challenge
        self.limits = {"user": 0, "group": 0}  # requests per second per token; 0 = no limit
        self.recent = {}  # token -> times of its recent calls
        self.pending = {}  # key in an upload answer -> PendingUpload
        self.log = deque(maxlen=50)  # what API requests carried, by name only
        self.routes = {
            ("GET", "/vk/oauth/authorize"): self.authorize,
            ("POST", "/vk/oauth/authorize"): self.authorize,
            ("GET", "/vk/oauth/token"): self.token,
            ("POST", "/vk/oauth/token"): self.token,
            ("GET", "/vk/oauth/access_token"): self.access_token,
            ("POST", "/vk/oauth/access_token"): self.access_token,
            ("GET", "/vk/oauth/blank.html"): lambda request: html_page(
                "VK", "<p>Авторизация завершена. Это окно можно закрыть.</p>"),
            ("GET", "/vk/oauth/validate"): self.validate_page,
            ("GET", "/vk/captcha.php"): self.captcha_image,
            ("GET", "/vk/captcha/vkid"): self.vkid_page,
            ("GET", "/vk/login/"): self.login_get,
            ("POST", "/vk/login/"): self.login_post,
            ("POST", "/vk/upload/photo"): self.upload,
        }

    # --- the interface server.py uses ------------------------------------

    def method_of(self, request):
        if request.path.startswith("/vk/method/"):
            return request.path[len("/vk/method/"):]
        return None

    def api_error(self, code):
        """An injected fault: the envelope without request_params (it never saw the request)."""
        return json_response({"error": {"error_code": code, "error_msg": ERRORS.get(code, ERRORS[1])}},
                             content_type=JSON_TYPE)

    def handle(self, request):
        path = "/vk/login/" if request.path == "/vk/login" else request.path
        name = self.method_of(request)
        if name is not None:
            if request.verb not in ("GET", "POST"):
                return text_response("method not allowed\n", 405)
            return self.api(request, name)
        served = served_file(request, self.prefix, self.world.uploads)
        if served:
            return served
        route = self.routes.get((request.verb, path))
        if route is None:
            return text_response("not found\n", 404)
        try:
            return route(request)
        except OAuthFailure as failure:  # raised by the OAuth endpoints' checks
            return failure.response()

    def control(self, request, action):
        controls = {("POST", "captcha"): self.arm_challenge, ("POST", "vkid_captcha"): self.arm_challenge,
                    ("POST", "validation"): self.arm_challenge,
                    ("POST", "confirmation"): self.arm_challenge, ("POST", "rate_limit"): self.set_limits,
                    ("GET", "code"): self.code_control, ("GET", "requests"): self.requests_control}
        handler = controls.get((request.verb, action))
        if handler is None:
            return text_response("not found\n", 404)
        try:
            return handler(request, action)
        except ValueError as error:  # also bad JSON
            return json_response({"error": str(error)}, 400)

    # --- controls (/_emulator/vk/...) ------------------------------------------

    def arm_challenge(self, request, action):
        """{"method": name, "times": n}: the next n calls of the method answer error
        14 (captcha, classic or VK ID), 17 (validation) or 24 (confirmation)."""
        spec = json_object(request.body, {"method", "times"})
        method, times = spec.get("method"), spec.get("times", 1)
        if method not in METHODS:
            raise ValueError("method must name an emulated API method")
        if not is_count(times) or times < 1:
            raise ValueError("times must be an integer >= 1")
        self.challenges[(action, method)] = times
        return json_response({"challenge": action, "method": method, "times": times})

    def set_limits(self, request, action):
        """{"user": n, "group": m}: requests per second per token; 0 turns a limit off."""
        spec = json_object(request.body, {"user", "group"})
        if not all(is_count(value) for value in spec.values()):
            raise ValueError("limits must be integers >= 0")
        self.limits.update(spec)
        return json_response(self.limits)

    def code_control(self, request, action):
        """?client_id=&redirect_uri=&user_id=[&scope=] -> {"code"}: skips the HTML pages."""
        params = request.query
        user = params.get("user_id", "")
        if (params.get("client_id") != str(CLIENT_ID) or not params.get("redirect_uri")
                or not user.isdigit() or int(user) not in self.world.people()):
            raise ValueError("need client_id, redirect_uri and the user_id of an active user")
        scope = parse_scope(params.get("scope", ""), USER_SCOPES)
        return json_response({"code": self.new_code(int(user), params["redirect_uri"], scope, ())})

    def requests_control(self, request, action):
        return json_response(list(self.log))

    # --- the API -----------------------------------------------------------

    def api(self, request, name):
        """One /vk/method/<name> call. The checks, in order: token in the URL (5),
        v (8), method (3), token (5, 27, 28), rate limit (6), scope (15),
        armed challenges (14, 17, 24), then the method's own parameters."""
        self.log.append({"verb": request.verb, "method": name, "query_keys": list(request.query),
                         "body_keys": list(request.form) + list(request.files),
                         "has_authorization_header": bool(request.authorization)})
        params = {key: value for key, value in request.params.items() if key != "access_token"}
        call = None
        try:
            if "access_token" in request.query:
                raise ApiError(5, TOKEN_IN_URL)
            check_version(params.get("v", ""))
            method = METHODS.get(name)
            if method is None:
                raise ApiError(3)
            session = self.session_for(request, method)
            self.throttle(session)
            self.challenge(name, params)
            call = Call(self, session, params)
            result = self.run(method, call)
        except ApiError as error:
            return self.error_response(error, name, params)
        body = {"response": result}
        if call.execute_errors:
            body["execute_errors"] = call.execute_errors
        return json_response(body, content_type=JSON_TYPE)

    def invoke(self, name, params, session):
        """An API call inside execute: the outer token, no rate limit, no challenges."""
        method = METHODS.get(name)
        if method is None or name == "execute":
            raise ApiError(3)
        check_kind(session, method)
        return self.run(method, Call(self, session, params))

    def run(self, method, call):
        """The scope check (user and community tokens), then the method."""
        session = call.session
        if session and session.kind != "service":
            table = USER_SCOPES if session.kind == "user" else GROUP_SCOPES
            if not {name for name in method.permissions if name in table} <= session.scope:
                raise ApiError(15, NO_SCOPE)
        return method.handler(call)

    def error_response(self, error, name, params):
        body = {"error_code": error.code, "error_msg": error_message(error),
                "request_params": [{"key": "method", "value": name}]
                + [{"key": key, "value": value} for key, value in params.items()]}
        body.update(getattr(error, "fields", {}))
        return json_response({"error": body}, content_type=JSON_TYPE)

    def session_for(self, request, method):
        """The caller's Session (None for a token-less call of an open method)."""
        token = request.form.get("access_token", "")
        if not token and request.authorization:
            scheme, _, token = request.authorization.partition(" ")
            if scheme.lower() != "bearer":
                raise ApiError(5, BAD_TOKEN)
        if not token:
            if method.tokenless:
                return None
            raise ApiError(5, NO_TOKEN)
        session = self.sessions.get(token.strip())
        if session is None:
            raise ApiError(5, BAD_TOKEN)
        if session.expired():
            raise ApiError(5, EXPIRED_TOKEN)
        check_kind(session, method)
        return session

    def throttle(self, session):
        """Error 6 past the per-token limit in any sliding second (rejected calls don't count)."""
        limit = self.limits.get(session.kind, 0) if session else 0
        if not limit:
            return
        now = time.monotonic()
        recent = self.recent.setdefault(session.token, deque())
        while recent and now - recent[0] >= 1:
            recent.popleft()
        if len(recent) >= limit:
            raise ApiError(6)
        recent.append(now)

    def challenge(self, name, params):
        """Armed captcha / validation / confirmation errors. An answered challenge
        (a right captcha_key for a captcha of this method, or confirm=1) passes."""
        purpose = ("api", name)
        answered = {"confirmation"} if params.get("confirm") == "1" else set()
        if self.captchas.get(params.get("captcha_sid")) == purpose:
            if not self.solved(params, purpose):
                raise self.captcha_error(purpose)
            answered.add("captcha")
        if "success_token" in params:
            if self.vkid_sessions.pop(params["success_token"], None) != purpose:
                raise self.vkid_captcha_error(purpose)
            answered.add("vkid_captcha")
        for kind in CHALLENGES:
            if kind not in answered and self.challenges.get((kind, name), 0) > 0:
                self.challenges[(kind, name)] -= 1
                if kind == "captcha":
                    raise self.captcha_error(purpose)
                if kind == "vkid_captcha":
                    raise self.vkid_captcha_error(purpose)
                if kind == "validation":
                    raise Challenge(17, redirect_uri=f"{self.base}/vk/oauth/validate?sid={self.mint('validation')}")
                raise Challenge(24, confirmation_text=CONFIRMATION_TEXT)

    def new_captcha_sid(self, purpose):
        """A fresh sid of digits; its right answer is its last four characters."""
        sid = str(int(self.mint("captcha")[:12], 16))
        self.captchas[sid] = purpose
        return sid

    def captcha_img(self, sid):
        return f"{self.base}/vk/captcha.php?sid={sid}&s=1"

    def captcha_error(self, purpose):
        sid = self.new_captcha_sid(purpose)
        return Challenge(14, captcha_sid=sid, captcha_img=self.captcha_img(sid))

    def vkid_captcha_error(self, purpose):
        """The VK ID captcha: no sid, a page to solve it on. Solving it there gives
        a success_token; here the token for session S is "ok-" + S, once."""
        session = self.mint("vkid")[:16]
        self.vkid_sessions["ok-" + session] = purpose
        return Challenge(14, redirect_uri=f"{self.base}/vk/captcha/vkid?session={session}")

    def vkid_page(self, request):
        session = request.query.get("session", "")
        if "ok-" + session not in self.vkid_sessions:
            return text_response("not found\n", 404)
        return html_page("VK ID", f"<p>Проверка пройдена.</p>\n<p>success_token: ok-{escape(session)}</p>")

    def solved(self, params, purpose):
        """Whether params answer a captcha issued for `purpose`; a sid works once."""
        sid = params.get("captcha_sid", "")
        answered = self.captchas.get(sid) == purpose
        if answered:
            del self.captchas[sid]
        return answered and params.get("captcha_key", "") == sid[-4:]

    # --- uploads -------------------------------------------------------------

    def upload_hash(self, kind, uploader, owner, album_id):
        return md5_hex(f"{self.seed}:upload:{kind}:{uploader}:{owner}:{album_id}")

    def upload_url(self, kind, uploader, owner, album_id):
        fields = {"act": "do_add", "kind": kind, "mid": uploader, "owner": owner, "aid": album_id,
                  "hash": self.upload_hash(kind, uploader, owner, album_id)}
        return f"{self.base}/vk/upload/photo?{urlencode(fields)}"

    def save_hash(self, text):
        return md5_hex(f"{self.seed}:save:{UPLOAD_SERVER}:{text}")

    def upload(self, request):
        """POST <upload_url>, multipart: `photo` (wall, messages, owner) or
        file1..file5 (album). The answer is what photos.save* take."""
        query = request.query
        target = [query.get(name, "") for name in ("kind", "mid", "owner", "aid")]
        if not all(INTEGER.fullmatch(value) for value in target[1:]) or \
                query.get("hash") != self.upload_hash(*target):
            return json_response({"error": "ERR_UPLOAD_BAD_HASH: bad upload hash"}, content_type=JSON_TYPE)
        kind, uploader, owner, album_id = target[0], *map(int, target[1:])
        names = [f"file{n}" for n in range(1, 6)] if kind == "album" else ["photo"]
        files = [request.files[name] for name in names if name in request.files]
        if not files:
            return json_response({"error": "ERR_UPLOAD_FILE_NOT_UPLOADED: file not uploaded"},
                                 content_type=JSON_TYPE)
        items = []
        for upload in files:
            key = self.mint("photo")
            self.pending[key] = PendingUpload(self.world.store_upload(upload), kind, uploader, owner, album_id)
            items.append({"photo": key, "sizes": [], "kid": key[:12]})
        text = json.dumps(items, separators=(",", ":"))
        answer = {"server": UPLOAD_SERVER, "photos_list" if kind == "album" else "photo": text,
                  "hash": self.save_hash(text)}
        if kind == "album":
            answer["aid"] = album_id
        return json_response(answer, content_type=JSON_TYPE)

    def claim_uploads(self, call, kind, field, owner=None, album_id=None):
        """The uploads named by `field`, `server` and `hash` of a photos.save* call:
        made through an upload server of this kind, for this caller (and owner and
        album, when given). Each upload can be saved once."""
        server = call.integer("server")
        text = call.required(field)
        if server != UPLOAD_SERVER:
            raise ApiError(118)
        if call.required("hash") != self.save_hash(text):
            raise ApiError(121)
        try:
            keys = [item["photo"] for item in json.loads(text)]
        except (ValueError, TypeError, KeyError):
            raise invalid(field) from None
        uploads = [self.pending.get(key) for key in keys]
        if not uploads or not all(upload and upload.kind == kind and upload.uploader == call.viewer
                                  and owner in (None, upload.owner) and album_id in (None, upload.album_id)
                                  for upload in uploads):
            raise invalid(field)
        for key in keys:
            del self.pending[key]
        return uploads

    # --- tokens and codes ------------------------------------------------------

    def issue(self, kind, owner, scope):
        lifetime = None if kind == "group" or "offline" in scope else TOKEN_LIFETIME
        session = Session("vk1.a." + self.mint("access"), kind, owner, frozenset(scope),
                          time.time() + lifetime if lifetime else None)
        self.sessions[session.token] = session
        return session

    def user_token_reply(self, user, scope):
        session = self.issue("user", user, scope)
        return {"access_token": session.token, "expires_in": 0 if session.expires_at is None else TOKEN_LIFETIME,
                "user_id": user}

    def group_token_reply(self, group_ids, scope):
        return {**{f"access_token_{gid}": self.issue("group", gid, scope).token for gid in group_ids},
                "expires_in": 0}

    def new_code(self, user, redirect_uri, scope, group_ids):
        code = self.mint("code")
        self.codes[code] = (user, redirect_uri, scope, tuple(group_ids), time.time())
        return code

    def account(self, login, password=None):
        """The Account of a login; with a password, only if it is right."""
        account = self.world.accounts.get(login.strip().lower())
        if account and password is not None and account.password != password:
            return None
        return account

    def check_client(self, params, need_secret=True):
        if params.get("client_id") != str(CLIENT_ID):
            raise OAuthFailure(401, "invalid_client", "client_id is incorrect")
        if need_secret and params.get("client_secret") != CLIENT_SECRET:
            raise OAuthFailure(401, "invalid_client", "client_secret is incorrect")

    # --- POST /vk/oauth/token: direct authorization (voronind/vk DirectUserAPI) --

    def token(self, request):
        return json_response(self.password_grant(request.params), content_type=JSON_TYPE)

    def password_grant(self, form):
        grant_type = form.get("grant_type", "")
        if grant_type != "password":
            raise OAuthFailure(400, "unsupported_grant_type" if grant_type else "invalid_request",
                               "grant_type must be password")
        self.check_client(form)
        username, password = form.get("username", ""), form.get("password", "")
        if not username or not password:
            raise OAuthFailure(400, "invalid_request", "username and password are required")
        account = self.account(username)
        if account and account.user_id == CAPTCHA_USER and not self.solved(form, LOGIN):
            sid = self.new_captcha_sid(LOGIN)
            raise OAuthFailure(401, "need_captcha", captcha_sid=sid, captcha_img=self.captcha_img(sid))
        if self.account(username, password) is None:
            raise OAuthFailure(401, "invalid_client", "Username or password is incorrect")
        if account.user_id == TWO_FACTOR_USER:
            if not form.get("code"):
                sid = self.mint("validation")
                raise OAuthFailure(401, "need_validation", "use app code", validation_type="2fa_app",
                                   validation_sid=sid, phone_mask=PHONE_MASK,
                                   redirect_uri=f"{self.base}/vk/oauth/validate?sid={sid}")
            if form["code"] != TWO_FACTOR_CODE:
                raise OAuthFailure(401, "invalid_request", "wrong code")
        return self.user_token_reply(account.user_id, parse_scope(form.get("scope", ""), USER_SCOPES))

    # --- /vk/oauth/access_token: the code exchange (https://vk.com/dev/authcode_flow_user)

    def access_token(self, request):
        params = request.params
        self.check_client(params)
        found = self.codes.pop(params.get("code", ""), None)
        if found is None or time.time() - found[4] > CODE_LIFETIME:
            raise OAuthFailure(401, "invalid_grant", "Code is invalid or expired.")
        user, redirect_uri, scope, group_ids, _ = found
        if params.get("redirect_uri", "") != redirect_uri:
            raise OAuthFailure(401, "invalid_grant", "redirect_uri is incorrect")
        if group_ids:
            return json_response(self.group_token_reply(group_ids, scope), content_type=JSON_TYPE)
        return json_response(self.user_token_reply(user, scope), content_type=JSON_TYPE)

    # --- /vk/oauth/authorize: the implicit and code flows (voronind/vk UserAPI, CommunityAPI)

    def authorization(self, params):
        """The checked parameters of an authorize request (OAuthFailure if bad)."""
        self.check_client(params, need_secret=False)
        redirect_uri = params.get("redirect_uri") or f"{self.base}/vk/oauth/blank.html"
        if redirect_uri not in REGISTERED_REDIRECTS + (f"{self.base}/vk/oauth/blank.html",):
            raise OAuthFailure(400, "invalid_request",
                               "redirect_uri is incorrect, check application domain in the settings page")
        response_type = params.get("response_type", "")
        if response_type not in ("token", "code"):
            raise OAuthFailure(400, "unsupported_response_type", "response_type must be token or code")
        groups = [item.strip() for item in params.get("group_ids", "").split(",") if item.strip()]
        if not all(item.isdigit() for item in groups):
            raise OAuthFailure(400, "invalid_request", "group_ids is invalid")
        group_ids = tuple(int(item) for item in groups)
        kept = [(key, value) for key, value in params.items() if key not in AUTHORIZE_PAGE_STATE + ("hash", "act")]
        query = urlencode(sorted(kept, key=lambda item: item[0] != "client_id"), quote_via=quote)
        return Authorization(query, redirect_uri, response_type,
                             parse_scope(params.get("scope", ""), GROUP_SCOPES if group_ids else USER_SCOPES),
                             group_ids, params.get("state", ""))

    def authorize_url(self, auth, **page_state):
        url = f"{self.base}/vk/oauth/authorize?{auth.query}"
        return with_query(url, page_state) if page_state else url

    def authorize(self, request):
        """Not logged in: the login form. Logged in: the grant page, or, once the
        user allowed this scope, the redirect with the token or code."""
        auth = self.authorization(request.params)
        user = self.logged_in_user(request)
        if user is None:
            return self.login_page(auth, request.query)
        not_admin = [gid for gid in auth.group_ids if not self.world.is_admin(gid, user)]
        if not_admin:
            return self.finish_redirect(auth, {"error": "access_denied",
                                               "error_description": f"no admin rights in group {not_admin[0]}"})
        granted = self.grants.get((user, auth.group_ids))
        if granted is None or not auth.scope <= granted:
            return self.grant_page(user, auth)
        return self.finish(user, auth)

    def finish(self, user, auth):
        if auth.response_type == "code":
            fields = {"code": self.new_code(user, auth.redirect_uri, auth.scope, auth.group_ids)}
        elif auth.group_ids:
            fields = self.group_token_reply(auth.group_ids, auth.scope)
        else:
            fields = self.user_token_reply(user, auth.scope)
        return self.finish_redirect(auth, fields)

    def finish_redirect(self, auth, fields):
        return redirect(self.redirect_target(auth, fields))

    def redirect_target(self, auth, fields):
        """redirect_uri with the fields (and state): in the fragment for response_type
        token, in the query for code."""
        if auth.state:
            fields = {**fields, "state": auth.state}
        if auth.response_type == "token":
            return f"{auth.redirect_uri}#{urlencode(fields)}"
        return with_query(auth.redirect_uri, fields)

    # --- the login pages -----------------------------------------------------------

    def form_hash(self, *parts):
        return md5_hex(":".join(map(str, (self.seed, *parts))))[:18]

    def login_page(self, auth, page_state):
        """The login form; m=4 adds the wrong-password text, sid a captcha."""
        to = base64.urlsafe_b64encode(auth.query.encode()).decode()
        fields = {"ip_h": self.form_hash("ip"), "lg_domain_h": self.form_hash("lg", to),
                  "_origin": "https://oauth.vk.ru", "to": to}
        error = "<p class=\"error\">Указан неверный логин или пароль</p>\n" if page_state.get("m") == "4" else ""
        captcha = ""
        sid = page_state.get("sid", "")
        if sid:
            fields["captcha_sid"] = sid
            captcha = (f'<p>Введите код с картинки</p>\n<img id="captcha" src="{escape(self.captcha_img(sid))}">\n'
                       '<input type="text" name="captcha_key" value="">\n')
        inputs = "\n".join(hidden(name, value) for name, value in fields.items())
        return html_page("ВКонтакте | Вход", (
            f"<h1>Вход ВКонтакте</h1>\n{error}"
            f'<form method="post" action="{escape(self.base)}/vk/login/?act=login&amp;soft=1">\n{inputs}\n'
            f"{captcha}"
            f'<input type="text" name="email" value="{escape(page_state.get("email", ""))}">\n'
            '<input type="password" name="pass" value="">\n'
            '<button type="submit">Войти</button>\n</form>'))

    def grant_hash(self, user, auth):
        return self.form_hash("grant", user, auth.query)

    def grant_page(self, user, auth):
        action = (f"{self.base}/vk/login/?act=grant_access&{auth.query}&"
                  + urlencode({"hash": self.grant_hash(user, auth)}))
        asked = ", ".join(sorted(auth.scope)) or "основная информация"
        deny = {"error": "access_denied", "error_reason": "user_denied",
                "error_description": "User denied your request"}
        target = "сообществам " + ", ".join(map(str, auth.group_ids)) if auth.group_ids else "вашей странице"
        return html_page("ВКонтакте | Разрешение доступа", (
            "<h1>Разрешить доступ</h1>\n"
            f"<p>Приложение «{APP_NAME}» запрашивает доступ к {escape(target)}: {escape(asked)}.</p>\n"
            f'<form method="post" action="{escape(action)}">\n'
            '<button type="submit">Разрешить</button>\n</form>\n'
            f'<a href="{escape(self.redirect_target(auth, deny))}">Отмена</a>'))

    def login_get(self, request):
        if request.query.get("act") == "authcheck":
            return self.authcheck_page(request)
        return text_response("not found\n", 404)

    def login_post(self, request):
        actions = {"login": self.log_in, "authcheck_code": self.authcheck_code,
                   "grant_access": self.grant_access}
        action = actions.get(request.query.get("act", ""))
        return action(request) if action else error_page("Неизвестное действие.")

    def log_in(self, request):
        """POST /vk/login/?act=login: the login form of login_page."""
        form = request.form
        to = form.get("to", "")
        try:
            query = base64.urlsafe_b64decode(to.encode()).decode()
        except (binascii.Error, UnicodeDecodeError):
            query = None
        if query is None or form.get("ip_h") != self.form_hash("ip") or \
                form.get("lg_domain_h") != self.form_hash("lg", to):
            return error_page("Форма входа устарела. Откройте страницу входа заново.")
        authorize = f"{self.base}/vk/oauth/authorize?{query}"
        email = form.get("email", "")
        account = self.account(email)
        if account and account.user_id == CAPTCHA_USER and not self.solved(form, LOGIN):
            return redirect(with_query(authorize, {"sid": self.new_captcha_sid(LOGIN)}))
        if self.account(email, form.get("pass", "")) is None:
            return redirect(with_query(authorize, {"m": 4, "email": email}))
        if account.user_id == TWO_FACTOR_USER:
            check = self.mint("authcheck")
            self.authchecks[check] = (account.user_id, query)
            return redirect(f"{self.base}/vk/login/?act=authcheck",
                            [("Set-Cookie", f"remixauthcheck={check}; Path=/; HttpOnly")])
        return self.logged_in(account.user_id, authorize)

    def logged_in(self, user, authorize, headers=()):
        cookie = self.mint("remixsid")
        self.logins[cookie] = user
        return redirect(authorize, [*headers, ("Set-Cookie", f"remixsid={cookie}; Path=/; HttpOnly")])

    def logged_in_user(self, request):
        """The user id the request's remixsid cookie logged in, or None."""
        return self.logins.get(request.cookies.get("remixsid", ""))

    def authcheck_page(self, request):
        """The 2FA page after the password of the two-factor user; m=1: a wrong code before."""
        check = request.cookies.get("remixauthcheck", "")
        if check not in self.authchecks:
            return error_page("Сеанс входа истёк. Войдите заново.")
        action = f"{self.base}/vk/login/?act=authcheck_code&hash={self.form_hash('authcheck', check)}"
        error = "<p class=\"error\">Неверный код подтверждения</p>\n" if request.query.get("m") == "1" else ""
        return html_page("ВКонтакте | Подтверждение входа", (
            f"<h1>Подтверждение входа</h1>\n{error}"
            "<p>Введите код из приложения для генерации кодов.</p>\n"
            f'<form method="post" action="{escape(action)}">\n'
            '<input type="text" name="code" value="">\n'
            f"{hidden('remember', 1)}\n"
            '<button type="submit">Подтвердить</button>\n</form>'))

    def authcheck_code(self, request):
        check = request.cookies.get("remixauthcheck", "")
        if check not in self.authchecks or request.query.get("hash") != self.form_hash("authcheck", check):
            return error_page("Сеанс входа истёк. Войдите заново.")
        if request.form.get("code", "") != TWO_FACTOR_CODE:
            return redirect(f"{self.base}/vk/login/?act=authcheck&m=1")
        user, query = self.authchecks.pop(check)
        return self.logged_in(user, f"{self.base}/vk/oauth/authorize?{query}",
                              [("Set-Cookie", "remixauthcheck=; Path=/; Max-Age=0")])

    def grant_access(self, request):
        """POST of the grant page: records the grant and redirects with the token or code."""
        auth = self.authorization(request.query)
        user = self.logged_in_user(request)
        if user is None:
            return redirect(self.authorize_url(auth))
        if request.query.get("hash") != self.grant_hash(user, auth):
            return error_page("Неверная подпись формы доступа.")
        key = (user, auth.group_ids)
        self.grants[key] = self.grants.get(key, frozenset()) | auth.scope
        return self.finish(user, auth)

    # --- small pages ---------------------------------------------------------------

    def validate_page(self, request):
        return html_page("ВКонтакте | Проверка", (
            "<h1>Требуется проверка</h1>\n<p>В эмуляторе проверка проходит сама: повторите запрос "
            "(API) или передайте code (прямая авторизация).</p>"))

    def captcha_image(self, request):
        if request.query.get("sid", "") not in self.captchas:
            return text_response("not found\n", 404)
        return placeholder(".gif")


def check_kind(session, method):
    """27 / 28 when the method's access_token_type does not take this kind of token."""
    if session.kind not in method.tokens:
        raise ApiError(27 if session.kind == "group" else 28)


def check_version(version):
    if not version:
        raise ApiError(8, NO_VERSION)
    match = re.fullmatch(r"5\.(\d+)", version)
    if not match or int(match[1]) < 81:
        raise ApiError(8, BAD_VERSION)


def json_object(body, keys):
    """A JSON object body with only the given keys (ValueError otherwise)."""
    spec = json.loads(body or b"{}")
    if not isinstance(spec, dict):
        raise ValueError("the body must be a JSON object")
    unknown = set(spec) - set(keys)
    if unknown:
        raise ValueError(f"unknown key {sorted(unknown)[0]!r}")
    return spec


def is_count(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
