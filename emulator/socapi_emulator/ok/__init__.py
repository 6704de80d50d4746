"""OK.ru (Odnoklassniki): the REST API, the OAuth token endpoint, the login and
permission pages, and the photo upload host.

Everything lives under /ok: the real hosts api.ok.ru and connect.ok.ru both map
here. The modules, in reading order:

  constants.py   the app, fixed accounts and tokens, error names, text tables
  world.py       the seeded social graph, and what clients post into it
  call.py        signing, `Call` (parameter access, paging), the `@api` method table
  api.py         one function per method
  platform.py    OK, the platform object: routing, REST checks, uploads, OAuth, HTML pages

Facts come from the method pages and OAuth guides under https://apiok.ru/dev/ and
from the public client KonstantinTogoi/aiookru; comments name the source where it
matters. Every answer follows the method's response definition in schema/ok; what
both leave open is documented in emulator/README.md.
"""

# Importing the method module registers its methods into METHODS.
from . import api
from .call import METHODS
from .platform import OK

__all__ = ["METHODS", "OK", "api"]
