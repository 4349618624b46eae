"""The two caches, and which to use.

``values`` (the ``"values"`` alias) holds what is worked out from a patient's
log: dashboard charts, list counts, home cards. Every key carries the log's
``data_version``, so an entry is never stale, only unused; this process's own
memory is the fastest place for it. What is kept there is written in a
language (a chart's labels, a card's sentence, a page's numbers), so each
key carries the active language too (:func:`key_in_language`).

Django's default cache (``django.core.cache.cache``) holds what every worker
and server must agree on: the throttles of log-ins, sign-ups and e-mails
(django-allauth keeps its rate limits there). It is a table in the database
unless ``REDIS_URL`` names a Redis server (hemolog/settings.py).
"""

from django.core.cache import caches
from django.utils import translation
from django.utils.connection import ConnectionProxy


def key_in_language(key: str, key_prefix: str, version: int) -> str:
    """Django's cache key with the active language in it (the ``values``
    cache's KEY_FUNCTION): a Spanish page never gets the English chart."""
    return f"{key_prefix}:{version}:{translation.get_language() or '-'}:{key}"


values_cache = ConnectionProxy(caches, "values")
