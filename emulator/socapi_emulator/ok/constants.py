"""OK.ru constants: the app, fixed accounts and tokens, error names and the text
tables the world is seeded from.
"""

import re
import time
from dataclasses import dataclass

from ..common import DAY


@dataclass(frozen=True)
class App:
    app_id: str  # the OAuth client_id
    key: str  # application_key, sent with every REST call
    secret: str  # application_secret_key, also the OAuth client_secret
    name: str
    redirect_uris: tuple  # registered; the emulator's own /ok/blank.html is added per server


APP = App("1267418112", "CBAEJBKGDIHBABABA", "8a5c2d0e4f6b1a3c5e7d9f0b2c4e6a8d",
          "Тестовое приложение socapi",
          ("https://oauth.mycdn.me/blank.html", "http://localhost/callback"))

IVAN = "574238563453"
MARIA = "580012345678"
FIXED_TOKEN = "tkn1ivan0fixed0emulator0ok0000000000000000"  # Иван, every permission, never expires
FIXED_SECRET = "5d41402abc4b2a76b9719d911017c592"  # its session_secret_key
FIXED_REFRESH_TOKEN = "rfr1ivan0fixed0emulator0ok"
EXPIRED_TOKEN = "tkn1expired0emulator0ok"  # always error 102
EXPIRED_SECRET = "e10adc3949ba59abbe56e057f20f883e"

PERMISSIONS = ("VALUABLE_ACCESS", "LONG_ACCESS_TOKEN", "PHOTO_CONTENT", "GROUP_CONTENT",
               "VIDEO_CONTENT", "APP_INVITE", "GET_EMAIL", "SET_STATUS", "PUBLISH_NOTE", "LIKE")
# Every token has VALUABLE_ACCESS ("necessary to call most methods"); LONG_ACCESS_TOKEN
# makes a token live 30 days: https://apiok.ru/en/ext/oauth/permissions
VALUABLE_ACCESS = "VALUABLE_ACCESS"
TOKEN_LIFETIME = 1800  # seconds
LONG_TOKEN_LIFETIME = 30 * DAY
JSON_TYPE = "application/json;charset=utf-8"  # what aiookru/sessions.py expects
LOGIN_COOKIE, DIALOG_COOKIE = "ok_login", "ok_dialog"
UNSIGNED = {"sig", "access_token", "session_key"}  # see sign()
SESSION_LESS = "Either session_key or uid must be specified"  # aiookru docs/source/session.rst

# code -> (name, usual text); error_msg is "<name> : <text>". Up to 151 as
# https://apiok.ru/en/dev/errors has them; later names from third-party lists.
ERRORS = {
    1: ("UNKNOWN", "Unknown error"),
    2: ("SERVICE", "Service is temporary unavailable"),
    3: ("METHOD", "Method does not exist"),
    4: ("REQUEST", "Failed to process the request, as it is incorrect"),
    7: ("ACTION_BLOCKED", "Requested action is temporarily blocked for the current user"),
    8: ("FLOOD_BLOCKED", "Call blocked due to flood protection"),
    9: ("IP_BLOCKED", "Method execution is blocked by IP address"),
    10: ("PERMISSION_DENIED", "Permission is denied"),
    11: ("LIMIT_REACHED", "Request call limit is reached"),
    12: ("CANCELLED", "Operation is canceled by the user"),
    21: ("NOT_MULTIPART", "Non multi-part request when adding photos"),
    22: ("NOT_ACTIVATED", "The user must activate their account"),
    23: ("NOT_YET_INVOLVED", "The user is not involved in the application"),
    24: ("NOT_OWNER", "The user is not the owner of the object"),
    25: ("NOT_ACTIVE", "Notification delivery error. The user is inactive in the application"),
    26: ("TOTAL_LIMIT_REACHED", "Notification delivery error. Notification limit is reached"),
    50: ("NOT_ADMIN", "The user does not have administrative rights to execute this method"),
    100: ("PARAM", "Missing or incorrect parameter"),
    101: ("PARAM_API_KEY", "The application_key parameter is missing or incorrect"),
    102: ("PARAM_SESSION_EXPIRED", "Session expired"),
    103: ("PARAM_SESSION_KEY", "Invalid session key"),
    104: ("PARAM_SIGNATURE", "Invalid signature"),
    105: ("PARAM_RESIGNATURE", "Invalid resignature"),
    110: ("PARAM_USER_ID", "Invalid user identifier"),
    120: ("PARAM_ALBUM_ID", "Invalid album identifier"),
    121: ("PARAM_PHOTO_ID", "Invalid photo identifier"),
    160: ("PARAM_GROUP_ID", "Invalid group identifier"),
    200: ("PARAM_PERMISSION", "The application cannot perform this operation"),
    210: ("PARAM_APPLICATION_DISABLED", "Application disabled"),
    220: ("PARAM_FIELDSET", "Invalid field set"),
    300: ("NOT_FOUND", "Requested information is not found"),
    401: ("AUTH_LOGIN", "Login failed"),
    451: ("NOT_SESSION_METHOD", "Method must be called without a session"),
    453: ("SESSION_REQUIRED", "Session key is required for this method"),
    454: ("CENSOR_MATCH", "Text rejected by the censor"),
    456: ("GROUP_RESTRICTION", "Operation restricted by the group"),
    505: ("PHOTO_NO_IMAGE", "No image"),
    512: ("PHOTO_ALBUM_NOT_BELONGS_TO_USER", "The album does not belong to the user"),
    513: ("PHOTO_ALBUM_NOT_BELONGS_TO_GROUP", "The album does not belong to the group"),
    600: ("MEDIA_TOPIC_BLOCK_LIMIT", "Too many media blocks"),
    601: ("MEDIA_TOPIC_TEXT_LIMIT", "Text is too long"),
    607: ("MEDIA_TOPIC_LINK_BAD_FORMAT", "Bad link format"),
    9999: ("SYSTEM", "Critical system error"),
}

# The fields of users.getCurrentUser without `fields`, and of the users and groups
# in entity lists (stream.get, mediatopic.*), which ignore `fields`.
DEFAULT_USER_FIELDS = ("first_name", "last_name", "name", "gender", "age", "birthday", "locale",
                       "location", "pic50x50", "pic128x128", "pic190x190", "has_email", "email")
ENTITY_USER_FIELDS = ("first_name", "last_name", "name", "gender", "pic128x128")
ENTITY_GROUP_FIELDS = ("name", "shortname", "pic_avatar", "members_count")
AVATAR_SIZES = ("pic50x50", "pic128x128", "pic128max", "pic180min", "pic240min", "pic320min",
                "pic190x190", "pic640x480", "pic1024x768")
PICTURES = {**{size: size for size in AVATAR_SIZES},  # user field -> avatar size
            "pic_1": "pic50x50", "pic_2": "pic128max", "pic_3": "pic190x190",  # aliases
            "pic_4": "pic640x480", "pic_5": "pic128x128"}
PHOTO_SIZES = ("pic50x50", "pic128x128", "pic180min", "pic240min", "pic320min", "pic640x480",
               "pic1024x768")
MEMBER_STATUSES = ("ACTIVE", "MAYBE", "BLOCKED", "ADMIN", "MODERATOR", "PASSIVE", "UNKNOWN")
DIRECTIONS = ("FORWARD", "BACKWARD", "AROUND")
TOPIC_TYPES = {  # mediatopic.post type -> the permission it needs beyond the method's own
    "USER": None, "USER_STATUS": "SET_STATUS", "USER_NOTE": "PUBLISH_NOTE",
    "GROUP_THEME": "GROUP_CONTENT", "GROUP_THEME_PROMO": "GROUP_CONTENT",
    "GROUP_SUGGESTED": "GROUP_CONTENT",
}
MEDIA_BLOCK_LIMIT, TOPIC_TEXT_LIMIT = 10, 10000
DISCUSSION_CATEGORIES = ("ALL", "MY", "OTHERS", "UNREAD")
EVENT_TYPES = ("messages", "notifications", "guests", "marks", "activities", "discussions")
OK_HOSTS = ("ok.ru", "www.ok.ru", "m.ok.ru", "odnoklassniki.ru", "www.odnoklassniki.ru")

PLACES = (  # city, country (enum-style), country code, country name
    ("Москва", "RUSSIA", "RU", "Россия"), ("Санкт-Петербург", "RUSSIA", "RU", "Россия"),
    ("Новосибирск", "RUSSIA", "RU", "Россия"), ("Екатеринбург", "RUSSIA", "RU", "Россия"),
    ("Казань", "RUSSIA", "RU", "Россия"), ("Минск", "BELARUS", "BY", "Беларусь"),
    ("Алматы", "KAZAKHSTAN", "KZ", "Казахстан"),
)
STATUSES = ("Всем привет!", "На даче до понедельника", "Учу C", "Скоро отпуск", "Слушаю музыку")
GROUPS = (  # name, shortname, description, access, category, other members, Иван's status
    ("Программисты на C", "c.programmers", "Обсуждаем язык C, компиляторы и библиотеки.",
     "OPEN", "Программирование", 27, "ADMIN"),
    ("Фотоклуб «Объектив»", "objectiv", "Фотографии участников и разбор снимков.",
     "OPEN", "Фотография", 11, "ACTIVE"),
    ("Путешествия по России", "travel.russia", "Маршруты, отчёты и советы путешественникам.",
     "OPEN", "Путешествия", 14, "MODERATOR"),
    ("Закрытый клуб", "private.club", "Только для своих.", "CLOSED", "Общение", 5, None),
)
TOPIC_TEXTS = ("Наконец-то выходные!", "Кто идёт на концерт в субботу?",
               "Книга про C прочитана, советую", "Погода сегодня отличная",
               "Новый проект почти готов, скоро покажу", "Фотографии с Байкала уже в альбоме")
LINKS = ("https://example.ru/science/1", "https://example.ru/recipes/pie",
         "https://example.ru/c/tutorial")
POLLS = (("Куда поедем летом?", ("На море", "В горы", "Останусь дома")),
         ("Какой язык учить?", ("C", "Python", "Оба")))
ALBUM_TITLES = ("Личные фото", "Отпуск", "Дача", "Друзья", "Город", "Праздники", "Разное")


def stamp(seconds):
    """The "YYYY-MM-DD hh:mm:ss" form OK uses for dates."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds))


def parse_scope(text):
    """';'-separated permission names (',' and spaces work too); VALUABLE_ACCESS always."""
    names = [name for name in re.split(r"[;,\s]+", text) if name]
    unknown = [name for name in names if name not in PERMISSIONS]
    if unknown:
        raise ValueError(f"unknown permission {unknown[0]!r}")
    return frozenset(names) | {VALUABLE_ACCESS}


def scope_text(scope):
    return ";".join(name for name in PERMISSIONS if name in scope)
