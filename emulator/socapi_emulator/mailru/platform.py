"""MailRu, the platform object: routing, REST checks, OAuth and the HTML pages."""

import time
from dataclasses import dataclass
from html import escape
from urllib.parse import quote, urlencode

from ..common import (ApiError, OAuthError, TokenMint, error_page, expire_session, find_account,
                      grant_handler, hidden, html_page, json_response, md5_hex, redirect, served_file,
                      text_response, with_query)
from ..mailru_web import MyMailRu
from .constants import (APPS, CLIENT_SERVER, DOMAINS, FIXED_REFRESH_TOKEN, FIXED_SESSION_KEY, IVAN, JSON_TYPE,
                        MAIN_APP, NEEDED_PERMISSIONS, PERMISSIONS, SERVER_SERVER, TOKEN_LIFETIME)
from .world import World
from .call import METHODS, Call, error_body, sign


@dataclass
class Session:
    access_token: str  # = session_key
    refresh_token: str
    uid: str
    app_id: int
    scope: frozenset
    expires_at: float = None  # None: never

    def valid_for(self, app):
        return self.app_id == app.app_id and (self.expires_at is None or time.time() < self.expires_at)

    def token_reply(self):
        return {"access_token": self.access_token, "refresh_token": self.refresh_token,
                "expires_in": TOKEN_LIFETIME, "token_type": "bearer", "x_mailru_vid": self.uid}


def parse_scope(text):
    """Space- (or comma-) separated permission names; none = no extra permissions."""
    names = text.replace(",", " ").split()
    unknown = [name for name in names if name not in PERMISSIONS]
    if unknown:
        raise ValueError(f"unknown permission {unknown[0]!r}")
    return frozenset(names)


def scope_text(scope):
    return " ".join(name for name in PERMISSIONS if name in scope)


class MailRu:
    prefix = "/mailru"
    content_type = JSON_TYPE
    cli_accounts = "ivan@mail.ru / secret, maria@bk.ru / secret2"

    def cli_settings(self):
        """What points the socapi CLI here: URLs, the app and Иван's fixed session."""
        return {"SOCAPI_MAILRU_API_URL": f"{self.base}/mailru/platform/api",
                "SOCAPI_MAILRU_OAUTH_URL": f"{self.base}/mailru/oauth",
                "SOCAPI_MAILRU_WEB_URL": f"{self.base}/mailru/web",  # my.mail.ru, for --scrape
                "SOCAPI_MAILRU_APP_ID": str(MAIN_APP.app_id),
                "SOCAPI_MAILRU_PRIVATE_KEY": MAIN_APP.private_key,
                "SOCAPI_MAILRU_SECRET_KEY": MAIN_APP.secret_key,
                "SOCAPI_MAILRU_ACCESS_TOKEN": FIXED_SESSION_KEY,
                "SOCAPI_MAILRU_UID": IVAN}

    def __init__(self, seed, base_url):
        self.seed = seed
        self.base = base_url
        self.world = World(seed, base_url)
        self.new_token = TokenMint(seed)  # new_token(kind): tokens, codes and cookies
        fixed = Session(FIXED_SESSION_KEY, FIXED_REFRESH_TOKEN, IVAN, MAIN_APP.app_id,
                        frozenset(PERMISSIONS))
        self.sessions = {fixed.access_token: fixed}  # access token -> Session
        self.refresh_tokens = {fixed.refresh_token: fixed}  # refresh token -> latest Session
        self.codes = {}  # code -> (uid, app_id, redirect_uri, scope)
        self.logins = {}  # Mpop cookie -> uid
        self.grants = {}  # (uid, app_id) -> scope the user agreed to
        self.web = MyMailRu(self)  # my.mail.ru pages for the scrapers
        self.pages = {
            ("POST", "/mailru/oauth/token"): self.token,
            ("GET", "/mailru/oauth/authorize"): self.authorize,
            ("POST", "/mailru/oauth/authorize"): self.authorize,
            ("POST", "/mailru/cgi-bin/auth"): self.login,
            ("GET", "/mailru/oauth/success.html"): lambda request: html_page(
                "Авторизация", "<p>Авторизация завершена. Это окно можно закрыть.</p>"),
            ("GET", "/mailru/recovery"): lambda request: html_page(
                "Восстановление доступа", "<h1>Восстановление доступа</h1>\n"
                "<p>Ваш аккаунт заблокирован. Восстановите доступ к почтовому ящику.</p>"),
        }

    # --- the interface server.py uses ------------------------------------

    def method_of(self, request):
        return request.params.get("method")

    def api_error(self, code):
        return json_response(error_body(code), content_type=JSON_TYPE)

    def control(self, request, action):
        """GET /_emulator/mailru/code?client_id=&redirect_uri=&uid=[&scope=] -> {"code"};
        POST /_emulator/mailru/expire {"token"}: that session key answers 102 from now on;
        POST /_emulator/mailru/site: see mailru_web.py."""
        if (request.verb, action) == ("POST", "site"):
            return self.web.control(request)
        if (request.verb, action) == ("POST", "expire"):
            return expire_session(self.sessions, request)
        if (request.verb, action) != ("GET", "code"):
            return text_response("not found\n", 404)
        params = request.query
        app = APPS.get(params.get("client_id", ""))
        uid = params.get("uid", "")
        if (app is None or not params.get("redirect_uri") or uid not in self.world.users
                or uid in self.world.communities):
            return json_response({"error": "need client_id, redirect_uri and the uid of a person"}, 400)
        try:
            scope = parse_scope(params.get("scope", ""))
        except ValueError as error:
            return json_response({"error": str(error)}, 400)
        return json_response({"code": self.new_code(uid, app, params["redirect_uri"], scope)})

    def handle(self, request):
        path = request.path
        if path in ("/mailru/platform/api", "/mailru/platform/api/"):
            if request.verb not in ("GET", "POST"):
                return text_response("method not allowed\n", 405)
            return self.rest(request)
        if path.startswith("/mailru/web/"):
            return self.web.handle(request)
        if path.startswith("/mailru/platform/") and request.verb == "GET":
            return self.web.public(request)
        served = served_file(request, self.prefix, self.world.uploads)
        if served:
            return served
        page = self.pages.get((request.verb, path))
        return page(request) if page else text_response("not found\n", 404)

    # --- REST ------------------------------------------------------------

    def rest(self, request):
        params = request.params
        try:
            method, session, app = self.authenticate(params)
            if params.get("format", "json").lower() != "json":  # XML is not emulated
                raise ApiError(100)
            call = Call(self.world, app, session, params, request.files)
            result = self.world.resolve(method.handler(call), call.viewer)
        except ApiError as error:
            return self.api_error(error.code)
        return json_response(result, content_type=JSON_TYPE)

    def authenticate(self, params):
        """The checks every call passes, in this order:
        app (103), method (2), circuit restriction (100), session (102),
        signature (104), permission (200)."""
        app = APPS.get(params.get("app_id", ""))
        if app is None:
            raise ApiError(103)
        method = METHODS.get(params.get("method", ""))
        if method is None:
            raise ApiError(2)
        secure = params.get("secure", "0")
        if secure not in ("0", "1"):
            raise ApiError(100)
        circuit = SERVER_SERVER if secure == "1" else CLIENT_SERVER
        if method.circuit not in (None, circuit):
            raise ApiError(100)
        session = None
        if method.needs_session:
            session = self.sessions.get(params.get("session_key", ""))
            if session is None or not session.valid_for(app):
                raise ApiError(102)
        if circuit == SERVER_SERVER:
            expected = sign(params, "", app.secret_key)
        else:
            expected = sign(params, session.uid, app.private_key)
        if params.get("sig", "").lower() != expected:
            raise ApiError(104)
        if method.permission and method.permission not in session.scope:
            raise ApiError(200)
        return method, session, app

    # --- tokens ----------------------------------------------------------

    def issue(self, uid, app, scope, refresh_token=None):
        session = Session(self.new_token("access"), refresh_token or self.new_token("refresh"),
                          uid, app.app_id, frozenset(scope), time.time() + TOKEN_LIFETIME)
        self.sessions[session.access_token] = session
        self.refresh_tokens[session.refresh_token] = session
        return session

    def new_code(self, uid, app, redirect_uri, scope):
        code = self.new_token("code")
        self.codes[code] = (uid, app.app_id, redirect_uri, scope)
        return code

    def account(self, email, password):
        """The Account for a correct e-mail and password, else None."""
        return find_account(self.world.accounts, email, password)

    # --- POST /mailru/oauth/token: code, password and refresh grants ------

    def token(self, request):
        try:
            session = self.grant(request.params)
        except OAuthError as error:
            return json_response(error.body(), 400, JSON_TYPE)
        return json_response(session.token_reply(), content_type=JSON_TYPE)

    def grant(self, form):
        handler = grant_handler(form, {"password": self.password_grant,
                                       "refresh_token": self.refresh_grant,
                                       "authorization_code": self.code_grant})
        app = APPS.get(form.get("client_id", ""))
        if app is None or form.get("client_secret") != app.secret_key:
            raise OAuthError("invalid_client", "invalid client id")
        return handler(app, form)

    def password_grant(self, app, form):
        username, password = form.get("username", ""), form.get("password", "")
        if not username or not password:
            raise OAuthError("invalid_request", "username and password are required")
        account = self.account(username, password)
        if account is None:
            raise OAuthError("invalid_grant", "invalid login or password")
        if account.blocked:
            raise OAuthError("invalid_user", "user is blocked")
        try:
            scope = parse_scope(form.get("scope", ""))
        except ValueError as error:
            raise OAuthError("invalid_request", str(error)) from None
        return self.issue(account.uid, app, scope)

    def refresh_grant(self, app, form):
        if not form.get("refresh_token"):
            raise OAuthError("invalid_request", "refresh_token is required")
        old = self.refresh_tokens.get(form["refresh_token"])
        if old is None or old.app_id != app.app_id:
            raise OAuthError("invalid_grant", "invalid refresh token")
        return self.issue(old.uid, app, old.scope, old.refresh_token)

    def code_grant(self, app, form):
        if not form.get("code") or not form.get("redirect_uri"):
            raise OAuthError("invalid_request", "code and redirect_uri are required")
        found = self.codes.get(form["code"])
        if found is None or found[1] != app.app_id:
            raise OAuthError("invalid_grant", "invalid code")
        uid, _, redirect_uri, scope = found
        if form["redirect_uri"] != redirect_uri:
            raise OAuthError("invalid_grant", "redirect_uri mismatch")
        del self.codes[form["code"]]  # a code works once
        return self.issue(uid, app, scope)

    # --- the implicit flow pages (aiomailru's ImplicitSession) -------------

    def authorize(self, request):
        """GET: login dialog, consent dialog or the redirect with the token or code.
        POST: the consent form; records the grant, then redirects."""
        params = request.params
        app = APPS.get(params.get("client_id", ""))
        if app is None:
            return error_page("Не указано приложение", status=200)
        redirect_uri, response_type = params.get("redirect_uri", ""), params.get("response_type", "")
        if not redirect_uri or response_type not in ("token", "code"):
            return error_page("Неверный запрос: нужны redirect_uri и response_type token или code.")
        try:
            scope = parse_scope(params.get("scope", ""))
        except ValueError as error:
            return error_page(f"Неверный запрос: {error}.")
        uid = self.logins.get(request.cookies.get("Mpop", ""))
        if uid is None:
            return self.login_dialog(params)
        if app.in_development:
            return html_page("Авторизация запрещена", "<h1>Авторизация запрещена</h1>\n"
                             "<p>Приложение находится в разработке, поэтому авторизация не доступна.</p>")
        if request.verb == "POST":
            if params.get("sig") != self.consent_sig(uid, app, scope):
                return error_page("Неверная подпись формы доступа.")
            self.grants[(uid, app.app_id)] = self.grants.get((uid, app.app_id), frozenset()) | scope
        granted = self.grants.get((uid, app.app_id))
        if granted is None or not scope <= granted:
            return self.consent_dialog(uid, app, params, scope)
        fields = {}
        if response_type == "token":
            fields.update(self.issue(uid, app, scope).token_reply())
        else:
            fields["code"] = self.new_code(uid, app, redirect_uri, scope)
        if params.get("state"):
            fields["state"] = params["state"]
        if response_type == "token":
            return redirect(f"{redirect_uri}#{urlencode(fields)}")
        return redirect(with_query(redirect_uri, fields))

    def authorize_url(self, params):
        fields = {name: params[name] for name in
                  ("client_id", "redirect_uri", "response_type", "scope", "state") if name in params}
        return f"{self.base}/mailru/oauth/authorize?{urlencode(fields, quote_via=quote)}"

    def login_dialog(self, params):
        authorize = self.authorize_url(params)
        failed = "<p>Неверное имя пользователя или пароль.</p>\n" if "fail" in params else ""
        options = "".join(f'<option value="{domain}">{domain}</option>' for domain in DOMAINS)
        return html_page("Вход", (
            f"<h1>Вход на Mail.Ru</h1>\n{failed}"
            f'<form id="login-form" method="post" action="{self.base}/mailru/cgi-bin/auth">\n'
            f"{hidden('Page', authorize + '&login=1')}\n{hidden('FailPage', authorize + '&fail=1')}\n"
            '<input type="text" name="Login" value="">\n'
            f'<select name="Domain">{options}</select>\n'
            '<input type="password" name="Password" value="">\n'
            '<button type="submit">Войти</button>\n</form>'))

    def consent_sig(self, uid, app, scope):
        """Ties the consent form to the user, the app and the scope it shows."""
        return md5_hex(f"consent:{self.seed}:{uid}:{app.app_id}:{scope_text(scope)}")

    def consent_dialog(self, uid, app, params, scope):
        fields = {"sig": self.consent_sig(uid, app, scope), "client_id": app.app_id,
                  "redirect_uri": params["redirect_uri"], "response_type": params["response_type"],
                  "state": params.get("state", ""), "login": "1",
                  "needed_permissions": NEEDED_PERMISSIONS, "scope": scope_text(scope)}
        inputs = "\n".join(hidden(name, value) for name, value in fields.items())
        deny = with_query(params["redirect_uri"], {"error": "access_denied"})
        return html_page("Доступ к данным", (
            "<h1>Необходим доступ к вашим данным</h1>\n"
            f"<p>Приложение «{escape(app.name)}» запрашивает: "
            f"{escape(scope_text(scope) or 'данные профиля')}.</p>\n"
            f'<form method="post" action="{self.base}/mailru/oauth/authorize">\n{inputs}\n'
            '<button type="submit" name="agree" value="1">Разрешить</button>\n'
            f'<a href="{escape(deny)}">Отмена</a>\n</form>'))

    def login(self, request):
        """POST /mailru/cgi-bin/auth: the login form of the dialog above."""
        form = request.params
        page, fail_page = form.get("Page", ""), form.get("FailPage", "")
        if not page or not fail_page:
            return error_page("Неверный запрос: нужны Page и FailPage.")
        login = form.get("Login", "")
        email = login if "@" in login else f"{login}@{form.get('Domain') or 'mail.ru'}"
        account = self.account(email, form.get("Password", ""))
        if account is None:
            return redirect(fail_page)
        if account.blocked:
            return redirect(f"{self.base}/mailru/recovery")
        mpop = self.new_token("mpop")
        self.logins[mpop] = account.uid
        return redirect(page, [("Set-Cookie", f"Mpop={mpop}; Path=/; HttpOnly"),
                               ("Set-Cookie", f"t={self.new_token('t')}; Path=/")])
