"""VK constants: the app, accounts, fixed tokens, scopes, error messages (and the
errors built from them), and the tables the world is seeded from.
"""

from ..common import ApiError


CLIENT_ID = 51234567
CLIENT_SECRET = "EmuVkClientSecret01x"
APP_NAME = "socapi"
SERVICE_TOKEN = "svc1.emu.51234567.service"

IVAN, MARIA = 172000001, 172000002
PRIVATE_USER = 172000003  # a closed profile; not Иван's friend (error 30)
DELETED_USER, BANNED_USER = 172000004, 172000005  # deactivated pages (error 18)
CAPTCHA_USER, TWO_FACTOR_USER = 172000006, 172000007
IVAN_TOKEN = "vk1.a.emuIvanFixedUserToken0001"  # every user scope, never expires
CLUB, NEWS, CLOSED_CLUB = 200001, 200002, 200003
GROUP_TOKENS = {"vk1.a.emuGroup200001Token": CLUB, "vk1.a.emuGroup200002Token": NEWS}
TWO_FACTOR_CODE = "123456"
PHONE_MASK = "+7 *** *** ** 67"

JSON_TYPE = "application/json; charset=utf-8"
TOKEN_LIFETIME = 86400  # user tokens without `offline`
CODE_LIFETIME = 3600  # one hour: https://m.vk.com/pages?oid=-17680044&p=Authorizing_Sites
REGISTERED_REDIRECTS = ("https://oauth.vk.ru/blank.html", "https://oauth.vk.com/blank.html",
                        "http://localhost/callback")  # plus <base>/vk/oauth/blank.html
UPLOAD_SERVER = 850117  # the `server` every upload answer names
MAX_EXECUTE_CALLS = 25

# name -> bit; `scope` is a comma-separated list of names or a bit mask. User bits:
# alsemyonov/vk lib/vk/access.rb (menu, stories, phone_number inferred); community bits inferred.
USER_SCOPES = {"notify": 1, "friends": 2, "photos": 4, "audio": 8, "video": 16, "stories": 64,
               "pages": 128, "menu": 256, "status": 1024, "notes": 2048, "messages": 4096,
               "wall": 8192, "ads": 32768, "offline": 65536, "docs": 131072, "groups": 262144,
               "notifications": 524288, "stats": 1048576, "email": 4194304,
               "market": 134217728, "phone_number": 268435456}
GROUP_SCOPES = {"stories": 1, "photos": 4, "app_widget": 64, "messages": 4096, "wall": 8192,
                "docs": 131072, "manage": 262144}

# access_token_type values of the schema
USER, USER_GROUP, USER_SERVICE = ("user",), ("user", "group"), ("user", "service")
ANY_TOKEN = ("user", "group", "service")

ERRORS = {  # schema/vk/errors.json descriptions; the emulator adds details after a colon
    1: "Unknown error occurred",
    3: "Unknown method passed",
    5: "User authorization failed",
    6: "Too many requests per second",
    7: "Permission to perform this action is denied",
    8: "Invalid request",
    9: "Flood control",
    10: "Internal server error",
    12: "Unable to compile code",
    13: "Runtime error occurred during code invocation",
    14: "Captcha needed",
    15: "Access denied",
    17: "Validation required: please open redirect_uri in browser",
    18: "User was deleted or banned",
    24: "Confirmation required",
    27: "Group authorization failed: method is unavailable with group auth.",
    28: "Application authorization failed: method is unavailable with service token.",
    29: "Rate limit reached",
    30: "This profile is private",
    100: "One of the parameters specified was missing or invalid",
    113: "Invalid user id",
    118: "Invalid server",
    121: "Invalid hash",
    174: "Cannot add user himself as friend",
    177: "Cannot add this user to friends as user not found",
    203: "Access to group denied",
    214: "Access to adding post denied",
    901: "Can't send messages for users without permission",
    902: "Can't send messages to this user due to their privacy settings",
    920: "Can't edit this kind of message",
}
NO_TOKEN = "User authorization failed: no access_token passed."
BAD_TOKEN = "User authorization failed: invalid access_token (4)."
EXPIRED_TOKEN = "User authorization failed: access_token has expired."
TOKEN_IN_URL = ("User authorization failed: access_token was passed in the URL query string; "
                "send it in the POST body or in an Authorization: Bearer header.")
NO_VERSION = "Invalid request: v is required"
BAD_VERSION = "Invalid request: v must be 5.81 or newer (5.199 is emulated)"
NO_SCOPE = "Access denied: no access to call this method"
CONFIRMATION_TEXT = "Подтвердите действие: вы действительно хотите это сделать?"

CASES = ("nom", "gen", "dat", "acc", "ins", "abl")
CONSONANT = "[бвгджзйклмнпрстфхцчшщ]"
# name_case: (ending, letters it replaces, gen/dat/acc/ins/abl endings), first match wins.
DECLENSION = {
    ("first", 2): ((r"ий", 2, ("ия", "ию", "ия", "ием", "ии")), (r"й", 1, ("я", "ю", "я", "ем", "е")),
                   (CONSONANT, 0, ("а", "у", "а", "ом", "е"))),
    ("first", 1): ((r"ия", 2, ("ии", "ии", "ию", "ией", "ии")), (r"ья", 1, ("и", "е", "ю", "ей", "е")),
                   (r"[гкх]а", 1, ("и", "е", "у", "ой", "е")), (r"а", 1, ("ы", "е", "у", "ой", "е"))),
    ("last", 2): ((r"(ов|ев|ёв|ин)", 0, ("а", "у", "а", "ым", "е")),),
    ("last", 1): ((r"(ова|ева|ёва|ина)", 1, ("ой", "ой", "у", "ой", "ой")),),
}
FLEETING_VOWEL = {"Павел": "Павл"}  # Павел -> Павла

COUNTRIES = (  # id, ISO code, Russian, English, shown without need_all
    (1, "RU", "Россия", "Russia", True), (2, "UA", "Украина", "Ukraine", True),
    (3, "BY", "Беларусь", "Belarus", True), (4, "KZ", "Казахстан", "Kazakhstan", True),
    (5, "AZ", "Азербайджан", "Azerbaijan", False), (6, "AM", "Армения", "Armenia", False),
    (7, "GE", "Грузия", "Georgia", False), (9, "US", "США", "USA", False),
    (11, "KG", "Киргизия", "Kyrgyzstan", False), (18, "UZ", "Узбекистан", "Uzbekistan", False),
    (65, "DE", "Германия", "Germany", False),
)
CITIES = (  # id, country, Russian, English, region (ru, en) or None, important
    (1, 1, "Москва", "Moscow", None, True),
    (2, 1, "Санкт-Петербург", "Saint Petersburg", None, True),
    (99, 1, "Новосибирск", "Novosibirsk", ("Новосибирская область", "Novosibirsk Oblast"), True),
    (49, 1, "Екатеринбург", "Yekaterinburg", ("Свердловская область", "Sverdlovsk Oblast"), True),
    (60, 1, "Казань", "Kazan", ("Республика Татарстан", "Republic of Tatarstan"), True),
    (95, 1, "Нижний Новгород", "Nizhny Novgorod", ("Нижегородская область", "Nizhny Novgorod Oblast"), True),
    (72, 1, "Краснодар", "Krasnodar", ("Краснодарский край", "Krasnodar Krai"), False),
    (110, 1, "Пермь", "Perm", ("Пермский край", "Perm Krai"), False),
    (10, 1, "Волгоград", "Volgograd", ("Волгоградская область", "Volgograd Oblast"), False),
    (282, 3, "Минск", "Minsk", None, True),
    (296, 3, "Гомель", "Gomel", ("Гомельская область", "Gomel Region"), False),
    (314, 2, "Киев", "Kyiv", None, True),
    (280, 2, "Харьков", "Kharkiv", ("Харьковская область", "Kharkiv Oblast"), False),
    (1526384, 4, "Алматы", "Almaty", None, True),
)
CITY_IDS = tuple(city[0] for city in CITIES if city[1] == 1)

STATUSES = ("", "На работе", "В отпуске!", "Учу C", "Всем привет", "Пишу код")
PROFILE_TEXTS = {  # optional profile texts; "" = not filled in
    "about": ("", "Люблю C и кофе", "Фотограф-любитель", "Путешествую"),
    "activities": ("", "Разработка", "Спорт"),
    "interests": ("", "программирование", "фотография, путешествия", "шахматы"),
    "music": ("", "Кино, ДДТ", "Сплин", "Би-2"),
    "movies": ("", "Брат", "Москва слезам не верит"),
    "tv": ("",), "games": ("", "шахматы"), "quotes": ("",),
    "books": ("", "Керниган и Ричи", "Мастер и Маргарита"),
}
COMPANIES = ("ООО «Ромашка»", "Яндекс", "Сбер", "НИИ Системного Программирования")
UNIVERSITIES = ((1, "МГУ", 11, "Факультет ВМК"), (2, "СПбГУ", 21, "Математико-механический факультет"),
                (241, "НГУ", 2411, "Факультет информационных технологий"))
COMMUNITIES = (  # id, name, screen name, type, is_closed, activity, wall (1 open, 2 limited, 3 closed)
    (CLUB, "Клуб любителей C", "c_lovers", "group", 0, "Программирование", 1),
    (NEWS, "Новости эмулятора", "emu_news", "page", 0, "Информационные технологии", 2),
    (CLOSED_CLUB, "Закрытый клуб", "secret_club", "group", 1, "Общение", 3),
)
ADMIN_LEVELS = {"moderator": 1, "editor": 2, "administrator": 3, "creator": 3}

POST_TEXTS = ("Наконец-то выходные!", "Кто идёт на митап по C в субботу?", "Дочитал K&R второй раз",
              "Погода сегодня отличная", "Собрал новый проект, скоро покажу",
              "Лучший кофе в городе — рядом с офисом", "Всем хорошей недели!",
              "Нашёл утечку памяти за пять минут благодаря valgrind")
GROUP_POST_TEXTS = ("Встреча клуба в четверг в 19:00", "Новый выпуск: что нового в C23",
                    "Опрос недели", "Полезная ссылка для начинающих", "Итоги конкурса",
                    "Правила сообщества обновлены")
COMMENT_TEXTS = ("Отлично!", "Согласен", "А где это?", "Спасибо, полезно", "Класс!", "+1",
                 "Интересно, расскажи подробнее")
MESSAGE_TEXTS = ("Привет! Как дела?", "Отлично, а у тебя?", "Тоже хорошо", "Встретимся завтра?",
                 "Давай в шесть", "Договорились", "Посмотри фото, которые я выложил")
LINKS = (("https://example.ru/c/tutorial", "Как писать на C"),
         ("https://example.ru/science/1", "Новости науки"),
         ("https://example.ru/recipes/pie", "Рецепт пирога"))
VIDEOS = (("Поход в горы", 624), ("Доклад про libcurl", 2710), ("Котик играет", 45))
AUDIOS = (("Кино", "Группа крови", 286), ("ДДТ", "Что такое осень", 297), ("Сплин", "Выхода нет", 242))
DOCS = (("manual.pdf", "pdf", 1), ("notes.txt", "txt", 1), ("cat.gif", "gif", 3))
POLLS = (("Какой стандарт C вы используете?", ("C89", "C99", "C11", "C17")),
         ("Куда поедем летом?", ("На море", "В горы", "На дачу")))
# Seeded posts cycle through these attachment kinds, so every kind shows up on Иван's wall.
ATTACHMENT_KINDS = ("photo", "link", "video", None, "audio", "doc", "poll", "album")
PHOTO_DIMENSIONS = ((1280, 960), (2560, 1440), (604, 453), (800, 600), (1080, 1080))
UPLOAD_DIMENSIONS = (640, 480)  # uploaded images are not inspected
SIZE_TYPES = (("s", 75), ("m", 130), ("x", 604), ("y", 807), ("z", 1080), ("w", 2560))
SYSTEM_ALBUMS = {-6: ("profile", "Фотографии со страницы"), -7: ("wall", "Фотографии на стене"),
                 -15: ("saved", "Сохранённые фотографии")}
MESSAGES_ALBUM = -3  # photos sent in messages: never listed
LIKE_TYPES = ("post", "comment", "photo")
# keys of rendered objects that name a user (> 0) or a community (< 0), for `extended`
OWNER_KEYS = ("from_id", "owner_id", "signer_id", "source_id", "reply_to_user", "peer_id", "user_id")
# fields the extended variants render profiles with, beyond those the caller asks for
EXTENDED_USER_FIELDS = ("sex", "screen_name", "photo_50", "photo_100", "online_info", "online")
BANNED_LINK = "malware.example"  # utils.checkLink calls links to this host banned


class Challenge(ApiError):
    """An error that carries extra fields next to error_code (captcha_sid, ...)."""

    def __init__(self, code, **fields):
        super().__init__(code)
        self.fields = fields


def error_message(error):
    return error.text or ERRORS.get(error.code, ERRORS[1])


def invalid(name, why="is invalid"):
    return ApiError(100, f"{ERRORS[100]}: {name} {why}")
