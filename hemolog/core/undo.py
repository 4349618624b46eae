"""The *Undo* button of a message after a change (templates/base.html).

:func:`offer` adds a success message whose form posts a token signed with the
site's secret (django.core.signing) to the undo view of the app that knows
how to undo the change (hemolog.logbook.undo). The token names the user and
the change and is valid for ``UNDO_SECONDS``; :func:`read` checks both.
"""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.http import HttpRequest

UNDO_SECONDS = 10 * 60
_SALT = "hemolog.undo"
PREFIX = "undo|"


def offer(request: HttpRequest, text: str, url: str, change: dict) -> None:
    """A success message ``text`` with an *Undo* button posting ``change`` to ``url``."""
    token = signing.dumps({"u": request.user.pk, **change}, salt=_SALT)
    messages.success(request, text, extra_tags=f"{PREFIX}{url}|{token}")


def read(request: HttpRequest) -> dict | None:
    """The change the posted token names, if it is this user's and still fresh; else None."""
    try:
        change = signing.loads(request.POST.get("token", ""), salt=_SALT, max_age=UNDO_SECONDS)
    except signing.BadSignature:  # expired, altered, or not ours
        return None
    return change if isinstance(change, dict) and change.get("u") == request.user.pk else None


def button(extra_tags: str) -> tuple[str, str] | None:
    """The form's URL and token of a message offered with :func:`offer`, else None."""
    if not extra_tags.startswith(PREFIX):
        return None
    url, _, token = extra_tags.removeprefix(PREFIX).partition("|")
    return url, token
