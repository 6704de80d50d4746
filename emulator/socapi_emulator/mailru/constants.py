"""Platform@Mail.Ru constants: apps, fixed accounts and tokens, error messages
and the text tables the world is seeded from.
"""

from dataclasses import dataclass



PRIVATE_KEY = "7815696ecbf1c96e6894b779456d330e"
SECRET_KEY = "3dad9cbf9baaa0360c0f2ba372d25716"


@dataclass(frozen=True)
class App:
    app_id: int
    name: str
    in_development: bool  # its authorize page refuses everybody
    private_key: str = PRIVATE_KEY
    secret_key: str = SECRET_KEY  # also the OAuth client_secret


APPS = {str(app.app_id): app for app in (
    App(423004, "Тестовое приложение socapi", in_development=False),
    App(423005, "Приложение в разработке", in_development=True),
)}
MAIN_APP = APPS["423004"]

# Above INT64_MAX on purpose, like the uids of https://api.mail.ru/docs/reference/rest/users-getinfo/
IVAN = "15410773191172635989"
MARIA = "1324730981306483817"
FIXED_SESSION_KEY = "be6ef89965d58e56dec21acb9b62bdaa"  # Иван, full scope, never expires
FIXED_REFRESH_TOKEN = "0123456789abcdef0123456789abcdef"

PERMISSIONS = ("photos", "guestbook", "stream", "messages", "events", "notifications", "widget")
NEEDED_PERMISSIONS = "576"  # as in aiomailru's tests/data/dialogs/; the bit layout is unknown
TOKEN_LIFETIME = 86400
DOMAINS = ("mail.ru", "inbox.ru", "bk.ru", "list.ru")
JSON_TYPE = "text/javascript; charset=utf-8"  # what aiomailru/sessions.py expects
CLIENT_SERVER, SERVER_SERVER = "client-server", "server-server"

# The error table of the official method pages (e.g.
# https://api.mail.ru/docs/reference/rest/users-isappuser/); 202 as aiomailru has it;
# the messages of 5, 201, 301, 401 and 501 are inferred from peer libraries' names.
ERRORS = {
    1: "Unknown error: Please resubmit the request.",
    2: "Unknown method called.",
    3: "Service Unavailable. Please try again later.",
    4: "Method is deprecated.",
    5: "application not installed",
    100: "One of the parameters specified is missing or invalid.",
    102: "User authorization failed: the session key or uid is incorrect.",
    103: "Application lookup failed: the application id is not correct.",
    104: "Incorrect signature.",
    105: "Application is not installed for this user.",
    200: "Permission error: the application does not have permission to perform this action.",
    201: "rate limit exceeded",
    202: "Access to this object is denied",
    301: "payments disabled",
    401: "invalid request params",
    501: "incorrect image",
}

TYPE_NAMES = {  # aiomailru/objects/event.py; "5-17" (an app's stream.post) has no known name
    "1-1": "photo_upload", "1-2": "video_upload", "1-7": "music_add",
    "3-3": "user_community_actions_enter", "3-23": "micropost", "5-7": "avatar_change",
    "5-10": "gift_send", "5-16": "app_add", "5-17": "app_event", "5-26": "share",
    "5-39": "community_post",
}
# Seeded events cycle through these, so every kind shows up in Иван's feed.
PERSON_EVENTS = ("1-1", "1-2", "1-7", "3-3", "3-23", "5-7", "5-10", "5-16", "5-26")

PLACES = (  # country id, country, region id, region, city id, city
    ("24", "Россия", "1", "Москва", "25", "Москва"),
    ("24", "Россия", "2", "Санкт-Петербург", "26", "Санкт-Петербург"),
    ("24", "Россия", "54", "Новосибирская обл.", "1021", "Новосибирск"),
    ("24", "Россия", "66", "Свердловская обл.", "1145", "Екатеринбург"),
    ("24", "Россия", "16", "Татарстан", "1035", "Казань"),
    ("96", "Беларусь", "330", "Минская обл.", "2280", "Минск"),
)
STATUSES = ("", "На работе", "В отпуске!", "Учу C", "Всем привет", "Слушаю музыку")
REFERER_TYPES = ("", "stream.install", "stream.publish", "invitation", "catalog", "suggests",
                 "left menu suggest", "new apps", "guestbook", "agent")
COMMUNITIES = (  # name, nick, category id, category, closed
    ("Программисты на C", "c_programmers", 12, "Компьютеры и интернет", False),
    ("Фотоклуб «Объектив»", "objectiv", 7, "Фотография", False),
    ("Путешествия по России", "travel_russia", 9, "Путешествия", False),
    ("Закрытый клуб", "private_club", 3, "Общение", True),
)
TRACKS = (("Кино", "Группа крови", 286), ("Кино", "Звезда по имени Солнце", 225),
          ("ДДТ", "Что такое осень", 297), ("Сплин", "Выхода нет", 242),
          ("Земфира", "Искала", 233), ("Мумий Тролль", "Утекай", 215),
          ("Би-2", "Полковнику никто не пишет", 271), ("Ария", "Беспечный ангел", 282),
          ("Чайф", "Аргентина — Ямайка 5:0", 250), ("Агата Кристи", "Как на войне", 228),
          ("Наутилус Помпилиус", "Прогулки по воде", 263), ("Сплин", "Романс", 236))
MICROPOSTS = ("Наконец-то выходные!", "Кто идёт на концерт в субботу?", "Дочитал книгу про C",
              "Погода сегодня отличная", "Сделал новый проект, скоро покажу")
TAGS = ("выходные", "музыка", "программирование", "путешествия", "фото")
LINKS = (("Новости науки", "https://example.ru/science/1"),
         ("Рецепт пирога", "https://example.ru/recipes/pie"),
         ("Как писать на C", "https://example.ru/c/tutorial"))
GIFTS = ("Букет роз", "Плюшевый мишка", "Торт", "Звезда")
VIDEOS = ("Поход в горы", "День рождения", "Котик играет", "Концерт")
GUESTBOOK = (("Привет!", "Заходи в гости"), ("С днём рождения!", "Счастья и здоровья"),
             ("Спасибо", "Спасибо за фотографии"), ("", "Давно не виделись"))
MESSAGES = ("Привет! Как дела?", "Отлично, а у тебя?", "Тоже хорошо", "Встретимся завтра?",
            "Давай в шесть", "Договорились", "Посмотри фото, которые я выложил")
