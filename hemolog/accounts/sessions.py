"""Database sessions that ignore a malformed session cookie.

A quoted cookie such as ``sessionid="abc\\000"`` is unquoted into a NUL
byte, which PostgreSQL refuses in a query (a 500 on every page). Django's own
keys are lowercase letters and digits; anything else is simply no session.
"""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class WellFormedKeys:
    """For any session store: a key that is not ASCII letters and digits is no session."""

    def _validate_session_key(self, key) -> bool:
        return super()._validate_session_key(key) and key.isascii() and key.isalnum()


class SessionStore(WellFormedKeys, DatabaseSessionStore):
    pass
