"""VK: the REST API, the OAuth endpoints and the login pages.

Host mapping: api.vk.ru/X -> /vk/X (so /vk/method/<name>), oauth.vk.ru/X ->
/vk/oauth/X and login.vk.ru/X -> /vk/login/X. The modules, in reading order:

  constants.py     the app, accounts, fixed tokens, scopes, error messages, tables
  world.py         the seeded social graph, what clients post into it, rendering
  call.py          `Call` (parameter access), sessions, the `@api` method table
  api_people.py    users.*, friends.*, groups.*
  api_wall.py      wall.*, likes.*, newsfeed.*
  api_photos.py    photos.*
  api_messages.py  messages.*
  api_misc.py      account.*, utils.*, database.*, storage.*, status.*
  execute.py       execute: the emulated VKScript subset
  platform.py      Vk, the platform object: routing, checks, controls, OAuth, pages

Facts come from https://dev.vk.com/, VK's public schema (VKCOM/vk-api-schema,
schema/vk/ here) and the public client voronind/vk; comments name the source
where it matters. Every answer conforms to its method's response definition in
schema/vk/, because C generated from that schema decodes strictly. What the
sources leave open is documented in emulator/README.md.
"""

# Importing the method modules registers their methods into METHODS.
from . import api_people, api_wall, api_photos, api_messages, api_misc, execute
from .call import METHODS
from .platform import Vk
from .world import USER_FIELDS

__all__ = ["METHODS", "USER_FIELDS", "Vk",
           "api_people", "api_wall", "api_photos", "api_messages", "api_misc", "execute"]
