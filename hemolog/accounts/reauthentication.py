"""Sensitive actions (sharing a log, deleting a patient, exporting the
personal archive) ask for the password, or the second factor, again when it
was last typed more than ``ACCOUNT_REAUTHENTICATION_TIMEOUT`` ago (OWASP
ASVS 4.0.3 V3.7.1).

The times come from django-allauth's record of the session's log-in and
re-authentications; its ``ReauthenticationRequired`` sends the person to
confirm and back to the page (a POST is kept and replayed). Unlike allauth's
own ``reauthentication_required``, the log-in itself counts: a person who
typed the password two minutes ago is not asked again. Views call these after
their access check, so that a stranger gets 404 without being asked anything.
"""

import time

from allauth.account.authentication import get_authentication_records
from allauth.core.exceptions import ReauthenticationRequired
from django.conf import settings
from django.http import HttpRequest

CONFIRMING_METHODS = {"password", "mfa"}


def recently_confirmed(request: HttpRequest) -> bool:
    now, window = time.time(), settings.ACCOUNT_REAUTHENTICATION_TIMEOUT
    return any(
        record.get("method") in CONFIRMING_METHODS and now - record.get("at", 0) < window
        for record in get_authentication_records(request, request.user)
    )


def confirm_identity(request: HttpRequest) -> None:
    """Raise ReauthenticationRequired unless the password or second factor
    was typed in this session within the time-out."""
    if not recently_confirmed(request):
        raise ReauthenticationRequired


def confirm_identity_to_change(request: HttpRequest) -> None:
    """The same for a POST; reading the page (GET) asks nothing."""
    if request.method != "GET":
        confirm_identity(request)
