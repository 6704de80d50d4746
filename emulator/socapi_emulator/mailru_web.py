"""my.mail.ru web pages for the scrapers: the communities list, community pages
and their feeds, as a real browser sees them.

The markup uses the class names aiomailru's scrapers select (aiomailru
0.1.1 aiomailru/scrapers.py and objects/*.py); everything a scraper reads is
rendered by the pages' own scripts after the load (XHR, the "more" button,
infinite scroll with data-state), never in the first HTML, so only a browser
that runs scripts gets it. Without the Mpop login cookie every page
redirects to the login form.

Paths (my.mail.ru maps to /mailru/web):
  GET  /mailru/web/my/communities              the user's communities (page)
  GET  /mailru/web/my/communities/list         ?offset=: 20 of them, JSON
  GET  /mailru/web/community/<nick>/           a community (page)
  GET  /mailru/web/community/<nick>/state      membership, closed, JSON
  POST /mailru/web/community/<nick>/join       join, or ask to (closed), JSON
  GET  /mailru/web/community/<nick>/feed       ?offset=: 20 events, JSON
  GET  /mailru/web/login                       the login form
  GET  /mailru/platform/<kind>/<name>          the public profile endpoint
                                               (aiomailru's public_request): {"uid",
                                               "nick", "link"} of a page link
Control: POST /_emulator/mailru/site {"rename": {"old-class": "new-class"}}
serves every page with those class names changed (a site redesign), until
posted again or the emulator is reset.
"""

import json
import random
import time
from html import escape
from urllib.parse import quote

from .common import DAY, EPOCH, HOUR, html_page, json_response, redirect, text_response

SITE = "https://my.mail.ru/"  # the real prefix of every profile link
PAGE_SIZE = 20

# Communities only the web pages need, added after the seeded world with a
# generator of their own, so nothing seeded before changes.
CLUB_TOPICS = ("кошек", "собак", "шахмат", "джаза", "велоспорта", "рыбалки", "фотографии",
               "кино", "садоводства", "настольных игр")
WEB_COMMUNITIES = (  # name, nick, closed, events
    ("Большая лента", "big_feed", False, 120),
    ("Открытые двери", "open_doors", False, 3),
    ("Клуб по приглашениям", "invite_only", True, 3),
    ("Тихий клуб", "quiet_club", False, 0),
)
FEED_TEXTS = ("Встреча в субботу", "Новые правила сообщества", "Итоги месяца", "Фото с выезда",
              "Опрос: что обсудим дальше?", "Спасибо всем, кто пришёл!")
MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
          "сентября", "октября", "ноября", "декабря")


def add_web_communities(world, seed, member):
    """Sixty communities `member` belongs to (the list pages through two "more"
    clicks) and four she does not: a feed of 120 events, an open and a closed
    (moderated) one to join, and one whose join the tests break."""
    main_rng, world.rng = world.rng, random.Random(seed * 7919 + 11)
    try:
        for n in range(60):
            topic = CLUB_TOPICS[n % len(CLUB_TOPICS)]
            uid = add_community(world, f"Клуб любителей {topic} №{n + 1}", f"club{n + 1:02d}", False)
            world.members[member].append(uid)
        for name, nick, closed, events in WEB_COMMUNITIES:
            uid = add_community(world, name, nick, closed)
            for k in range(events):
                when = EPOCH - 3 * DAY - k * HOUR - world.rng.randint(0, HOUR - 1)
                text = f"{world.rng.choice(FEED_TEXTS)} (#{events - k})"
                event = world.add_event(uid, "5-39", when, [{"object": "text", "content": text}])
                event["likes"] = world.rng.sample(world.people(), world.rng.randint(0, 4))
                event["comments"] = world.rng.randint(0, 7)
    finally:
        world.rng = main_rng


def add_community(world, name, nick, closed):
    uid = world._new_uid()
    user = world._person(uid, name, "", nick, f"{nick}@community", 0)
    user.update(email="", birthday="", show_age=0, link=f"{SITE}community/{nick}/")
    user["group_info"] = {"category_id": 5, "short_description": f"Сообщество «{name}»",
                          "full_description": f"Сообщество «{name}».", "interests": "общение",
                          "posts_cnt": 0, "category_name": "Общение", "rules": "Без рекламы."}
    world.users[uid] = user
    world.communities.append(uid)
    world.stats[uid] = {"invitations": 0, "new_events": 0, "unread_mail": 0, "balance": 0}
    world.scores[uid] = 0
    if closed:
        world.closed.add(uid)
    return uid


def day_text(when):
    day = time.gmtime(when)
    return f"{day.tm_mday} {MONTHS[day.tm_mon - 1]}"


class MyMailRu:
    """The web site of one MailRu platform object (its world and logins)."""

    def __init__(self, platform):
        self.platform = platform
        self.world = platform.world
        self.base = platform.base
        self.renames = {}  # class name -> the name served instead
        self.requests = set()  # (uid, community): join requests waiting for a moderator

    # --- helpers ---------------------------------------------------------

    def href(self, link):
        """A my.mail.ru profile link as the emulator serves it."""
        return f"{self.base}/mailru/web/{link[len(SITE):]}" if link.startswith(SITE) else link

    def viewer(self, request):
        return self.platform.logins.get(request.cookies.get("Mpop", ""))

    def community(self, nick):
        link = f"{SITE}community/{nick}/"
        return next((uid for uid in self.world.communities if self.world.users[uid]["link"] == link),
                    None)

    def page(self, title, body):
        """An HTML page with the site's renames applied (markup and scripts alike)."""
        text = body
        for old, new in self.renames.items():
            text = text.replace(old, new)
        return html_page(title, text)

    def json(self, value, status=200):
        return json_response(value, status, "application/json; charset=utf-8")

    # --- routing ---------------------------------------------------------

    def handle(self, request):
        path = request.path[len("/mailru/web"):]
        if path == "/login":
            return self.login_form(request)
        viewer = self.viewer(request)
        parts = [part for part in path.split("/") if part]
        is_page = request.verb == "GET" and (parts == ["my", "communities"] or (
            len(parts) == 2 and parts[0] == "community"))
        if viewer is None:
            if is_page:
                url = f"{self.base}/mailru/web{path}"
                return redirect(f"{self.base}/mailru/web/login?page={quote(url, safe='')}")
            return self.json({"error": "not logged in"}, 401)
        if parts == ["my", "communities"] and request.verb == "GET":
            return self.communities_page()
        if parts == ["my", "communities", "list"] and request.verb == "GET":
            return self.communities_list(viewer, request)
        if len(parts) >= 2 and parts[0] == "community":
            uid = self.community(parts[1])
            if uid is None:
                return text_response("not found\n", 404)
            action = (request.verb, parts[2] if len(parts) > 2 else "")
            if action == ("GET", ""):
                return self.community_page(uid)
            if action == ("GET", "state"):
                return self.json(self.state(viewer, uid))
            if action == ("POST", "join"):
                return self.join(viewer, uid)
            if action == ("GET", "feed"):
                return self.feed(viewer, uid, request)
        return text_response("not found\n", 404)

    def control(self, request):
        """POST /_emulator/mailru/site {"rename": {"old": "new", ...}}."""
        try:
            renames = json.loads(request.body or b"{}").get("rename", {})
        except (ValueError, AttributeError):
            renames = None
        if not isinstance(renames, dict) or not all(
                isinstance(k, str) and k and isinstance(v, str) for k, v in renames.items()):
            return json_response({"error": "expected {\"rename\": {\"old\": \"new\", ...}}"}, 400)
        self.renames = renames
        return json_response({"rename": renames})

    def public(self, request):
        """GET /mailru/platform/<kind>/<name>: who a profile link belongs to."""
        link = SITE + request.path[len("/mailru/platform/"):].strip("/") + "/"
        uid = next((uid for uid, user in self.world.users.items() if user["link"] == link), None)
        if uid is None:
            return self.platform.api_error(100)
        user = self.world.users[uid]
        return json_response({"uid": uid, "nick": user["nick"], "link": user["link"]},
                             content_type=self.platform.content_type)

    # --- the communities list --------------------------------------------

    def communities_list(self, viewer, request):
        offset = int(request.query.get("offset", "0") or 0)
        mine = self.world.members[viewer]
        items = [{"href": self.href(self.world.users[uid]["link"]) + "?ref=",
                  "name": self.world.users[uid]["first_name"]}
                 for uid in mine[offset:offset + PAGE_SIZE]]
        return self.json({"items": items, "more": offset + PAGE_SIZE < len(mine)})

    def communities_page(self):
        return self.page("Мои сообщества", CONTENT.format(body=(
            '<div class="groups-catalog"><div class="groups-catalog__mine-groups">\n'
            "<h1>Мои сообщества</h1>\n"
            '<div class="groups-catalog__small-groups">\n'
            '<div class="groups__container"></div>\n'
            '<div class="groups-catalog__groups-more"><span class="progress">Загрузка…</span>'
            '<span class="ui-button-gray" style="display: none;">Показать ещё</span></div>\n'
            "</div></div></div>")) + COMMUNITIES_SCRIPT)

    # --- a community -----------------------------------------------------

    def state(self, viewer, uid):
        member = uid in self.world.members[viewer]
        return {"name": self.world.users[uid]["first_name"], "closed": uid in self.world.closed,
                "member": member, "requested": (viewer, uid) in self.requests}

    def join(self, viewer, uid):
        if uid in self.world.members[viewer]:
            pass
        elif uid in self.world.closed:
            self.requests.add((viewer, uid))
        else:
            self.world.members[viewer].append(uid)
        return self.json(self.state(viewer, uid))

    def feed(self, viewer, uid, request):
        if uid in self.world.closed and uid not in self.world.members[viewer]:
            return self.json({"error": "closed"}, 403)
        offset = int(request.query.get("offset", "0") or 0)
        events = self.world.events_by(uid)
        return self.json({"events": [self.event_card(event) for event in
                                     events[offset:offset + PAGE_SIZE]],
                          "more": offset + PAGE_SIZE < len(events)})

    def event_card(self, event):
        """What the feed script renders of an event; data-astat is
        user:type:EVENT:owner:corr_user:corr_event:likes:comments:time."""
        owner = self.world.users[event["author"]]
        text = next((a["content"] for a in event["attachments"] if a.get("object") == "text"),
                    event["user_text"])
        astat = ":".join((event["author"], event["type"], event["id"].upper(), event["author"], "",
                          "", str(len(event["likes"])), str(event["comments"]), str(event["time"])))
        return {"astat": astat, "owner": owner["first_name"],
                "owner_href": self.href(owner["link"]) + "?ref=ho",
                "time_href": f"{self.href(owner['link'])}multipost/{event['id']}.html",
                "day": day_text(event["time"]), "text": text,
                "commentable": bool(event["commentable"])}

    def community_page(self, uid):
        name = escape(self.world.users[uid]["first_name"])
        nick = self.world.users[uid]["nick"]
        return self.page(name, CONTENT.format(body=(
            f'<div class="b-community__main-page" data-nick="{escape(nick)}">\n'
            f'<div class="profile"><div class="profile__contentBlock"><h1>{name}</h1></div></div>\n'
            '<div class="b-community__main-page__feed"></div>\n</div>')) + COMMUNITY_SCRIPT)

    # --- login ------------------------------------------------------------

    def login_form(self, request):
        page = request.query.get("page", f"{self.base}/mailru/web/my/communities")
        return html_page("Вход", (
            "<h1>Войдите, чтобы продолжить</h1>\n"
            f'<form method="post" action="{self.base}/mailru/cgi-bin/auth">\n'
            f'<input type="hidden" name="Page" value="{escape(page)}">\n'
            f'<input type="hidden" name="FailPage" value="{escape(page)}">\n'
            '<input type="text" name="Login"> <input type="hidden" name="Domain" value="mail.ru">\n'
            '<input type="password" name="Password"> <button type="submit">Войти</button>\n</form>'))


CONTENT = ('<div class="l-content"><div class="l-content__center"><div class="l-content__center__inner">\n'
           "{body}\n</div></div></div>\n")

# The communities list: page 0 after the load, the next page on every "more"
# click; span.progress shows while a page is on its way, and the bar hides
# when there is no more.
COMMUNITIES_SCRIPT = """<script>
(function () {
  var root = 'div.groups-catalog__mine-groups div.groups-catalog__small-groups ';
  var list = document.querySelector(root + 'div.groups__container');
  var bar = document.querySelector(root + 'div.groups-catalog__groups-more');
  var button = bar.querySelector('span.ui-button-gray');
  var loaded = 0;
  function more() {
    if (!bar.querySelector('span.progress')) {
      bar.insertAdjacentHTML('afterbegin', '<span class="progress">Загрузка…</span>');
    }
    button.style.display = 'none';
    fetch(location.pathname + '/list?offset=' + loaded, {credentials: 'same-origin'}).then(function (r) {
      return r.json();
    }).then(function (page) {
      page.items.forEach(function (item) {
        var div = document.createElement('div');
        div.className = 'groups__item';
        var avatar = document.createElement('a');
        avatar.className = 'groups__avatar';
        avatar.href = item.href;
        var name = document.createElement('a');
        name.className = 'groups__name';
        name.href = item.href;
        name.textContent = item.name;
        div.appendChild(avatar);
        div.appendChild(name);
        list.appendChild(div);
      });
      loaded += page.items.length;
      bar.querySelector('span.progress').remove();
      if (page.more) {
        button.style.display = '';
      } else {
        bar.setAttribute('style', 'display: none;');
      }
    });
  }
  button.addEventListener('click', more);
  window.addEventListener('load', more);
})();
</script>
"""

# A community: its state after the load decides the join links, the
# closed-community sign (div.mf_cc) or the feed; the feed loads 20 events at
# a time when scrolled to the bottom (div.b-history data-state: "" then
# "loading", then "loaded" or, at the end, "noevents").
COMMUNITY_SCRIPT = """<script>
(function () {
  var main = document.querySelector('div.b-community__main-page');
  var block = main.querySelector('div.profile div.profile__contentBlock');
  var base = location.pathname;
  var busy = false;
  function show(span, visible) {
    block.querySelector('span.' + span).style.display = visible ? '' : 'none';
  }
  function links(state) {
    show('profile__activeLinks_button_enter', !state.member && !state.requested);
    show('profile__activeLinks_link_modarated', state.requested);
    show('profile__activeLinks_link_inGroup', state.member);
  }
  function join() {
    if (busy) { return; }
    busy = true;
    fetch(base + 'join', {method: 'POST', credentials: 'same-origin'}).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (state) {
      busy = false;
      if (state) { links(state); }
    }, function () { busy = false; });
  }
  function card(e) {
    var div = document.createElement('div');
    div.className = 'b-history-event';
    div.setAttribute('data-astat', e.astat);
    div.innerHTML =
      '<div class="b-history_event_active-area b-history_event_active-area_shift">' +
      '<div class="b-history-event_head"><div class="b-history-event__action">' +
      '<a class="b-history-event__ownername"></a>' +
      '<div class="b-history-event_time"><a></a></div></div></div>' +
      '<div class="b-history-event__body"><div class="b-history-event__event-textbox2"></div></div>' +
      '</div>' + (e.commentable ? '<div class="b-comments__history"></div>' : '');
    var owner = div.querySelector('a.b-history-event__ownername');
    owner.href = e.owner_href;
    owner.textContent = e.owner;
    var when = div.querySelector('div.b-history-event_time a');
    when.href = e.time_href;
    when.textContent = e.day;
    div.querySelector('div.b-history-event__event-textbox2').textContent = e.text;
    div.style.minHeight = '120px';
    return div;
  }
  function feed() {
    var history = document.createElement('div');
    history.className = 'b-history';
    history.setAttribute('data-state', '');
    main.querySelector('div.b-community__main-page__feed').appendChild(history);
    var shown = 0;
    function next() {
      if (history.getAttribute('data-state') === 'loading') { return; }
      history.setAttribute('data-state', 'loading');
      fetch(base + 'feed?offset=' + shown, {credentials: 'same-origin'}).then(function (r) {
        return r.json();
      }).then(function (page) {
        page.events.forEach(function (e) { history.appendChild(card(e)); });
        shown += page.events.length;
        history.setAttribute('data-state', page.more ? 'loaded' : 'noevents');
        if (page.more && document.body.scrollHeight <= window.innerHeight) { next(); }
      });
    }
    window.addEventListener('scroll', function () {
      if (history.getAttribute('data-state') === 'loaded' &&
          window.innerHeight + window.scrollY >= document.body.scrollHeight - 200) {
        next();
      }
    });
    next();
  }
  window.addEventListener('load', function () {
    fetch(base + 'state', {credentials: 'same-origin'}).then(function (r) {
      return r.json();
    }).then(function (state) {
      block.insertAdjacentHTML('beforeend',
        '<div class="profile__activeLinks"><div class="profile__activeLinks_community">' +
        '<span class="profile__activeLinks_button_enter">Вступить</span>' +
        '<span class="profile__activeLinks_link_modarated">Заявка отправлена</span>' +
        '<span class="profile__activeLinks_link_inGroup">Вы в сообществе</span></div></div>');
      links(state);
      block.querySelector('span.profile__activeLinks_button_enter').addEventListener('click', join);
      if (state.closed && !state.member) {
        main.insertAdjacentHTML('afterbegin',
          '<div class="mf_cc">Это закрытое сообщество. Вступите, чтобы видеть его ленту.</div>');
      } else {
        feed();
      }
    });
  });
})();
</script>
"""
