"""The app's own answers to a request it cannot serve.

``bad_request``: Django's default view is wrapped in ``requires_csrf_token``,
whose CSRF check reads ``request.POST`` again: a form POST whose
``Content-Type`` names a charset other than UTF-8 made Django raise
``BadRequest``, then raise it again inside the 400 view, and the answer was a
500. This view never reads the body.

``server_error``: while the database cannot be reached (a restart, a
fail-over), or the shared Redis, every page answers 503 with a short page that says nothing was
saved, rather than a 500 that says something broke. Neither page reads the
database; both are plain templates rendered without the request's context.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# Errors of reaching the database or the shared Redis, not of a query
# (psycopg and sqlite3 raise OperationalError when the server is down or the
# connection was lost).
UNREACHABLE = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "400.html", status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django calls this inside the ``except`` of the request's exception."""
    if isinstance(sys.exc_info()[1], UNREACHABLE):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "5"
        return response
    return HttpResponse(render_to_string("500.html"), status=500)
