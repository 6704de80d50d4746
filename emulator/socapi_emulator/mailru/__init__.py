"""Platform@Mail.Ru: the REST API, the OAuth token endpoint and the login pages.

Everything lives under /mailru: the real hosts appsmail.ru and connect.mail.ru
both map here. The modules, in reading order:

  constants.py   apps, fixed accounts and tokens, error messages, text tables
  world.py       the seeded social graph, and what clients post into it
  call.py        signing, `Call` (parameter access), the `@api` method table
  api.py         one function per method
  platform.py    MailRu, the platform object: routing, REST checks, OAuth, HTML pages

The my.mail.ru web pages the scrapers read are in ../mailru_web.py.

Facts come from the official pages under https://api.mail.ru/docs/ and from the
public client KonstantinTogoi/aiomailru 0.1.1; comments name the source where it
matters. Shapes those sources leave open are documented in emulator/README.md.
"""

# Importing the method module registers its methods into METHODS.
from . import api
from .call import METHODS
from .platform import MailRu

__all__ = ["METHODS", "MailRu", "api"]
