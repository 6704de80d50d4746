"""OK, the platform object: routing, REST checks, uploads, OAuth and the HTML
pages.
"""

import time
from dataclasses import dataclass
from html import escape
from urllib.parse import quote, urlencode

from ..common import (ApiError, OAuthError, TokenMint, error_page, expire_session, grant_handler, hidden,
                      html_page, json_response, md5_hex, redirect, served_file, text_response, with_query)
from .constants import (APP, DIALOG_COOKIE, EXPIRED_SECRET, EXPIRED_TOKEN, FIXED_REFRESH_TOKEN, FIXED_SECRET,
                        FIXED_TOKEN, IVAN, JSON_TYPE, LOGIN_COOKIE, LONG_TOKEN_LIFETIME, PERMISSIONS,
                        TOKEN_LIFETIME, parse_scope, scope_text)
from .world import UploadedPhoto, World
from .call import METHODS, Call, error_body, sign


@dataclass
class Session:
    access_token: str  # also accepted as session_key
    uid: str
    scope: frozenset
    secret_key: str = None  # session_secret_key: implicit grant, auth.login and the fixed token
    expires_at: float = None  # None: never

    def expired(self):
        return self.expires_at is not None and time.time() >= self.expires_at


@dataclass(frozen=True)
class Grant:
    """What an authorization code or a refresh token stands for."""

    uid: str
    scope: frozenset
    redirect_uri: str = None  # codes only: the token request must repeat it


@dataclass(frozen=True)
class Dialog:
    """The authorize request the login and permission pages work for."""

    redirect_uri: str
    response_type: str
    scope: frozenset
    state: str = None  # None: the request had none
    layout: str = "w"


@dataclass(frozen=True)
class Consent:
    """A shown permissions form, found again by its fr.token."""

    uid: str
    dialog: Dialog


class OK:
    prefix = "/ok"
    content_type = JSON_TYPE
    cli_accounts = "ivan.petrov@ok.ru / secret, maria@ok.ru / secret2"

    def cli_settings(self):
        """What points the socapi CLI here: URLs, the app and Иван's fixed token."""
        return {"SOCAPI_OK_API_URL": f"{self.base}/ok/fb.do",
                "SOCAPI_OK_OAUTH_URL": f"{self.base}/ok/oauth",
                "SOCAPI_OK_APPLICATION_ID": APP.app_id,
                "SOCAPI_OK_APPLICATION_KEY": APP.key,
                "SOCAPI_OK_APPLICATION_SECRET_KEY": APP.secret,
                "SOCAPI_OK_ACCESS_TOKEN": FIXED_TOKEN}

    def __init__(self, seed, base_url):
        self.base = base_url
        self.world = World(seed, base_url)
        self.new_token = TokenMint(seed)  # new_token(kind): tokens, codes, cookies, form tokens
        everything = frozenset(PERMISSIONS)
        fixed = Session(FIXED_TOKEN, IVAN, everything, FIXED_SECRET)
        expired = Session(EXPIRED_TOKEN, IVAN, everything, EXPIRED_SECRET, expires_at=0)
        self.sessions = {session.access_token: session for session in (fixed, expired)}
        self.refresh_tokens = {FIXED_REFRESH_TOKEN: Grant(IVAN, everything)}
        self.codes = {}  # code -> Grant
        self.logins = {}  # login cookie -> uid
        self.dialogs = {}  # dialog cookie -> Dialog (the login form carries no parameters)
        self.consents = {}  # fr.token -> Consent
        self.redirect_uris = APP.redirect_uris + (f"{base_url}/ok/blank.html",)
        self.pages = {
            ("POST", "/ok/oauth/token.do"): self.token,
            ("GET", "/ok/oauth/authorize"): self.authorize,
            ("GET", "/ok/dk"): self.dialog_page,
            ("POST", "/ok/dk"): self.dialog_form,
            ("GET", "/ok/blocked"): lambda request: html_page(
                "Профиль заблокирован", "<h1>Профиль заблокирован</h1>\n"
                "<p>Ваш профиль заблокирован за нарушение правил сайта.</p>"),
            ("GET", "/ok/blank.html"): lambda request: html_page(
                "OK", "<p>Авторизация завершена. Это окно можно закрыть.</p>"),
        }

    # --- the interface server.py uses ------------------------------------

    def method_of(self, request):
        return request.params.get("method") if request.path == "/ok/fb.do" else None

    def api_error(self, code, text=None):
        """The error object with HTTP 200 and the invocation-error header
        (https://apiok.ru/en/dev/errors)."""
        response = json_response(error_body(code, text), content_type=JSON_TYPE)
        response.headers.append(("invocation-error", str(code)))
        return response

    def control(self, request, action):
        """GET /_emulator/ok/code?client_id=&redirect_uri=&uid=[&scope=] -> {"code"};
        POST /_emulator/ok/expire {"token"}: that token answers 102 from now on."""
        if (request.verb, action) == ("POST", "expire"):
            return expire_session(self.sessions, request)
        if (request.verb, action) != ("GET", "code"):
            return text_response("not found\n", 404)
        params = request.query
        uid = params.get("uid", "")
        if (params.get("client_id") != APP.app_id or not params.get("redirect_uri")
                or uid not in self.world.users):
            return json_response({"error": "need client_id, redirect_uri and the uid of a user"},
                                 400)
        try:
            scope = parse_scope(params.get("scope", ""))
        except ValueError as error:
            return json_response({"error": str(error)}, 400)
        return json_response({"code": self.new_code(uid, params["redirect_uri"], scope)})

    def handle(self, request):
        path, verb = request.path, request.verb
        if path == "/ok/fb.do":
            if verb not in ("GET", "POST"):
                return text_response("method not allowed\n", 405)
            return self.rest(request)
        if verb == "POST" and path.startswith("/ok/upload/"):
            return self.upload(request, path.rsplit("/", 1)[1])
        served = served_file(request, self.prefix, self.world.uploads)
        if served:
            return served
        page = self.pages.get((verb, path))
        return page(request) if page else text_response("not found\n", 404)

    # --- REST ------------------------------------------------------------

    def rest(self, request):
        params = request.params
        try:
            method, session = self.authenticate(params)
            result = method.handler(Call(self, session, params, request.files))
        except ApiError as error:
            return self.api_error(error.code, error.text)
        return json_response(result, content_type=JSON_TYPE)

    def authenticate(self, params):
        """The checks every call passes, in this order: application_key (101),
        method (100 missing, 3 unknown), format (100), token (103 unknown, 102
        expired), signature (104), session rule (451, 453), permissions (10)."""
        if not params.get("application_key"):
            raise ApiError(101, "application_key is missing")
        if params["application_key"] != APP.key:
            raise ApiError(101, "application_key is not known")
        name = params.get("method", "")
        if not name:
            raise ApiError(100, "method is missing")
        method = METHODS.get(name)
        if method is None:
            raise ApiError(3, f"Method {name} does not exist")
        if params.get("format", "json").lower() != "json":  # XML is not emulated
            raise ApiError(100, "format must be json")
        token = params.get("access_token") or params.get("session_key")
        session = None
        if token:
            session = self.sessions.get(token)
            if session is None:
                raise ApiError(103)
            if session.expired():
                raise ApiError(102)
        if method.signed:
            self.check_signature(params, token, session)
        if method.session == "none" and session:
            raise ApiError(451)
        if method.session == "required" and not session:
            raise ApiError(453)
        for permission in method.permissions:
            if session and permission not in session.scope:
                raise ApiError(10, f"Permission {permission} is not granted")
        return method, session

    @staticmethod
    def check_signature(params, token, session):
        """The three circuits of the apiok.ru signature footer. With a token:
        md5(token + application_secret_key) always, and the session_secret_key for
        sessions that have one. Without: the application_secret_key. Upper-case hex
        is accepted."""
        sig = params.get("sig", "").lower()
        if not sig:
            raise ApiError(104, "No signature specified")
        if token:
            secrets = [md5_hex(token + APP.secret)]
            if session.secret_key:
                secrets.append(session.secret_key)
        else:
            secrets = [APP.secret]
        if sig not in (sign(params, secret) for secret in secrets):
            raise ApiError(104)

    # --- the upload host (https://apiok.ru/dev/examples/moment_upload) ------

    def upload(self, request, upload_id):
        """POST <upload_url>: multipart, one file per reserved photo id, in order
        of appearance (use distinct field names: pic1, pic2, ...). Answers
        {"photos": {"<photo_id>": {"token": "..."}}}; errors use the API envelope."""
        pending = self.world.pending_uploads.get(upload_id)
        if pending is None:
            return self.api_error(100, "unknown upload URL")
        files = list(request.files.values())
        if not files:
            return self.api_error(21)
        if len(files) > len(pending.photo_ids):
            return self.api_error(100, "more files than reserved photo ids")
        if not all(upload.data for upload in files):
            return self.api_error(505)
        tokens = {}
        for photo_id, upload in zip(pending.photo_ids, files):
            token = self.new_token("upload")
            self.world.upload_tokens[token] = UploadedPhoto(pending, photo_id,
                                                            self.world.store_upload(upload))
            tokens[photo_id] = {"token": token}
        return json_response({"photos": tokens}, content_type=JSON_TYPE)

    # --- tokens ----------------------------------------------------------

    def issue(self, uid, scope, with_secret):
        """A new access token. Only the implicit grant and auth.login give a
        session_secret_key; code and refresh tokens sign server-server only."""
        session = Session(self.new_token("access"), uid, scope,
                          self.new_token("secret") if with_secret else None,
                          time.time() + self.lifetime(scope))
        self.sessions[session.access_token] = session
        return session

    @staticmethod
    def lifetime(scope):
        return LONG_TOKEN_LIFETIME if "LONG_ACCESS_TOKEN" in scope else TOKEN_LIFETIME

    def touch(self, session):
        """auth.touchSession: a token that expires lives its full lifetime again."""
        if session.expires_at is not None:
            session.expires_at = time.time() + self.lifetime(session.scope)

    def new_code(self, uid, redirect_uri, scope):
        code = self.new_token("code")
        self.codes[code] = Grant(uid, scope, redirect_uri)
        return code

    # --- POST /ok/oauth/token.do (https://apiok.ru/en/ext/oauth/server) ---

    def token(self, request):
        try:
            reply = self.grant(request.params)
        except OAuthError as error:
            return json_response(error.body(), 400, JSON_TYPE)
        return json_response(reply, content_type=JSON_TYPE)

    def grant(self, form):
        handler = grant_handler(form, {"authorization_code": self.code_grant,
                                       "refresh_token": self.refresh_grant})
        if form.get("client_id") != APP.app_id or form.get("client_secret") != APP.secret:
            raise OAuthError("invalid_client", "invalid client id or secret")
        return handler(form)

    def code_grant(self, form):
        if not form.get("code") or not form.get("redirect_uri"):
            raise OAuthError("invalid_request", "code and redirect_uri are required")
        grant = self.codes.get(form["code"])
        if grant is None:
            raise OAuthError("invalid_grant", "invalid or used code")
        if form["redirect_uri"] != grant.redirect_uri:
            raise OAuthError("invalid_grant", "redirect_uri mismatch")
        del self.codes[form["code"]]  # a code works once
        refresh_token = self.new_token("refresh")
        self.refresh_tokens[refresh_token] = grant
        return {**self.token_reply(grant), "refresh_token": refresh_token}

    def refresh_grant(self, form):
        """The refresh token stays valid and is not sent again (aiookru reads none)."""
        if not form.get("refresh_token"):
            raise OAuthError("invalid_request", "refresh_token is required")
        grant = self.refresh_tokens.get(form["refresh_token"])
        if grant is None:
            raise OAuthError("invalid_grant", "invalid refresh token")
        return self.token_reply(grant)

    def token_reply(self, grant):
        session = self.issue(grant.uid, grant.scope, with_secret=False)
        return {"access_token": session.access_token, "token_type": "session",
                "expires_in": str(self.lifetime(grant.scope))}

    # --- the authorization pages (aiookru's ImplicitSession walks them) -------

    def authorize(self, request):
        """GET /ok/oauth/authorize: 401/400 JSON for a bad request; logged in and
        already granted: the final redirect; else the login or permissions page."""
        try:
            dialog = self.dialog_from(request.query)
        except OAuthError as error:
            return json_response(error.body(), 401 if error.error == "invalid_client" else 400,
                                 JSON_TYPE)
        uid = self.logins.get(request.cookies.get(LOGIN_COOKIE, ""))
        if uid and dialog.scope <= self.world.grants.get(uid, frozenset()):
            return self.finish(uid, dialog)
        return redirect(self.dialog_url("OAuth2Permissions" if uid else "OAuth2Login", dialog))

    def dialog_from(self, params):
        """The Dialog of authorize parameters (plain names, no "st." prefix)."""
        if params.get("client_id") != APP.app_id:
            raise OAuthError("invalid_client", "unknown client_id")
        redirect_uri = params.get("redirect_uri", "")
        if redirect_uri not in self.redirect_uris:
            raise OAuthError("invalid_request",
                             "redirect_uri is not registered for this application")
        response_type = params.get("response_type", "")
        if response_type not in ("token", "code"):
            raise OAuthError("unsupported_response_type", "response_type must be token or code")
        try:
            scope = parse_scope(params.get("scope", ""))
        except ValueError as error:
            raise OAuthError("invalid_scope", str(error)) from None
        return Dialog(redirect_uri, response_type, scope, params.get("state"),
                      params.get("layout") or "w")

    def dialog_url(self, command, dialog):
        """/ok/dk?st.cmd=...: the dialog's parameters ride along as st.*."""
        fields = {"st.cmd": command, "st.client_id": APP.app_id,
                  "st.scope": scope_text(dialog.scope), "st.response_type": dialog.response_type,
                  "st.redirect_uri": dialog.redirect_uri, "st.layout": dialog.layout}
        if dialog.state is not None:
            fields["st.state"] = dialog.state
        return f"{self.base}/ok/dk?{urlencode(fields, quote_via=quote)}"

    def dialog_page(self, request):
        """GET /ok/dk?st.cmd=OAuth2Login|OAuth2Permissions&st.*."""
        query = request.query
        try:
            dialog = self.dialog_from({name[3:]: value for name, value in query.items()
                                       if name.startswith("st.")})
        except OAuthError as error:
            return error_page(error.description)
        command = query.get("st.cmd")
        if command == "OAuth2Login":
            key = self.new_token("dialog")
            self.dialogs[key] = dialog
            cookie = f"{DIALOG_COOKIE}={key}; Path=/ok; HttpOnly"
            return self.login_page(headers=[("Set-Cookie", cookie)])
        if command == "OAuth2Permissions":
            uid = self.logins.get(request.cookies.get(LOGIN_COOKIE, ""))
            if uid is None:
                return redirect(self.dialog_url("OAuth2Login", dialog))
            return self.permissions_page(uid, dialog)
        return text_response("not found\n", 404)

    def dialog_form(self, request):
        """POST /ok/dk?cmd=OAuth2Login|OAuth2Permissions: the two forms."""
        command = request.query.get("cmd")
        if command == "OAuth2Login":
            return self.log_in(request)
        if command == "OAuth2Permissions":
            return self.consent(request)
        return text_response("not found\n", 404)

    @staticmethod
    def login_page(failed_login=None, headers=()):
        """The login form of aiookru's tests/data/dialogs/, with its exact names and action."""
        failure = ""
        if failed_login is not None:
            failure = ('<div class="form_i form_i__error">'
                       "Неправильно указан логин и/или пароль</div>\n")
        return html_page("Одноклассники", (
            '<div id="hook_Block_OAuth2Login">\n'
            f"{failure}"
            '<form method="post" action="/ok/dk?cmd=OAuth2Login&amp;st.cmd=OAuth2Login">\n'
            '<input name="fr.posted" type="hidden" value="set">\n'
            '<label for="field_email">Логин, адрес почты или телефон</label>\n'
            '<input name="fr.email" id="field_email" type="text" '
            f'value="{escape(failed_login or "")}">\n'
            '<label for="field_password">Пароль</label>\n'
            '<input name="fr.password" id="field_password" type="password">\n'
            '<input name="fr.remember" checked="checked" type="checkbox" value="on">\n'
            '<input value="Войти" type="submit">\n'
            "</form>\n</div>"), headers=headers)

    def log_in(self, request):
        """The login form's POST. Wrong login or password: the same page again,
        with the error text. Blocked: 302 to /ok/blocked. Else the login cookie
        and 302 to the permissions page."""
        dialog = self.dialogs.get(request.cookies.get(DIALOG_COOKIE, ""))
        if dialog is None:
            return error_page("Сессия авторизации устарела: откройте окно авторизации заново.")
        login = request.form.get("fr.email", "")
        account = self.world.account(login, request.form.get("fr.password", ""))
        if account is None:
            return self.login_page(failed_login=login)
        if account.blocked:
            return redirect(f"{self.base}/ok/blocked")
        cookie = self.new_token("login")
        self.logins[cookie] = account.uid
        return redirect(self.dialog_url("OAuth2Permissions", dialog),
                        [("Set-Cookie", f"{LOGIN_COOKIE}={cookie}; Path=/ok; HttpOnly")])

    def permissions_page(self, uid, dialog):
        """The permissions form of aiookru's tests/data/dialogs/; its fr.token finds the dialog again."""
        token = self.new_token("form")
        self.consents[token] = Consent(uid, dialog)
        wanted = ", ".join(sorted(dialog.scope, key=PERMISSIONS.index))
        return html_page("Разрешение доступа", (
            '<div id="hook_Block_OAuth2Permissions">\n'
            f"<p>Приложение «{escape(APP.name)}» запрашивает доступ: {escape(wanted)}.</p>\n"
            '<form method="POST" '
            'action="/ok/dk?st.cmd=OAuth2Permissions&amp;cmd=OAuth2Permissions">\n'
            '<input name="fr.posted" type="hidden" value="set">\n'
            f"{hidden('fr.token', token)}\n"
            '<button name="button_accept_request" class="button-pro form-actions_yes">'
            "Разрешить</button>\n"
            f'<a href="{escape(self.denied_url(dialog))}">Отменить</a>\n'
            "</form>\n</div>"))

    def consent(self, request):
        """The permissions form's POST: with button_accept_request the grant and the
        final redirect, without it the access_denied redirect. A form works once."""
        consent = self.consents.pop(request.form.get("fr.token", ""), None)
        uid = self.logins.get(request.cookies.get(LOGIN_COOKIE, ""))
        if consent is None or consent.uid != uid:
            return error_page("Форма устарела: откройте окно авторизации заново.")
        if "button_accept_request" not in request.form:
            return redirect(self.denied_url(consent.dialog))
        self.world.grant(uid, consent.dialog.scope)
        return self.finish(uid, consent.dialog)

    def finish(self, uid, dialog):
        """The final redirect: the token in the fragment, or ?code=."""
        if dialog.response_type == "code":
            return redirect(with_query(dialog.redirect_uri, self.with_state(
                {"code": self.new_code(uid, dialog.redirect_uri, dialog.scope)}, dialog)))
        session = self.issue(uid, dialog.scope, with_secret=True)
        fields = {"access_token": session.access_token, "session_secret_key": session.secret_key,
                  "permissions_granted": scope_text(dialog.scope),
                  "expires_in": str(self.lifetime(dialog.scope))}
        return redirect(f"{dialog.redirect_uri}#{urlencode(self.with_state(fields, dialog))}")

    def denied_url(self, dialog):
        fields = self.with_state({"error": "access_denied"}, dialog)
        if dialog.response_type == "code":
            return with_query(dialog.redirect_uri, fields)
        return f"{dialog.redirect_uri}#{urlencode(fields)}"

    @staticmethod
    def with_state(fields, dialog):
        return {**fields, "state": dialog.state} if dialog.state is not None else fields
