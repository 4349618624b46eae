"""Database sessions read through the shared cache (Django's ``cached_db``),
for several servers with Redis (``REDIS_URL``); a malformed session cookie is
no session, as in :mod:`hemolog.accounts.sessions`."""

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDatabaseSessionStore

from .sessions import WellFormedKeys


class SessionStore(WellFormedKeys, CachedDatabaseSessionStore):
    pass
