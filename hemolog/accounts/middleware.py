import time
import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

# The session keys: the idle time-out chosen at log-in, and the last request's time.
IDLE_LIMIT = "idle_limit"
LAST_SEEN = "last_seen"
SEEN_EVERY = 60  # seconds: the last request's time is written at most once a minute


class UserTimeZoneMiddleware:
    """Show and accept times in the logged-in user's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class UserLanguageMiddleware:
    """Pages in the language saved on the account (hemolog.accounts.language);
    without one, LocaleMiddleware's choice stands: the language cookie set by
    the picker, else the browser's Accept-Language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = user.language if user is not None and user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            # The phone keeps it too: the log-in page after a time-out or a log-out is in it.
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
        return response


def start_idle_clock(sender, request, user, **kwargs) -> None:
    """The idle time runs from the log-in (connected in apps.py)."""
    if getattr(request, "session", None) is not None:
        request.session[LAST_SEEN] = int(time.time())


class IdleTimeoutMiddleware:
    """End a session after ``settings.SESSION_IDLE_SECONDS`` without a request
    (or the longer time a family chose at log-in: ``IDLE_LIMIT``); the next
    page asks to log in again, with a message. The time of the last request is
    written to the session at most once a minute, not on every request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            session, now = request.session, int(time.time())
            last = session.get(LAST_SEEN)
            if last is not None and now - last > session.get(IDLE_LIMIT, settings.SESSION_IDLE_SECONDS):
                logout(request)
                messages.info(
                    request, gettext("You were signed out after a while without using Hemolog. Log in to go on.")
                )
            elif last is None or now - last >= SEEN_EVERY:
                session[LAST_SEEN] = now
        return self.get_response(request)


class ClearSiteDataOnLogoutMiddleware:
    """Logging out tells the browser to delete what this site kept on the phone:
    the forms kept for offline use, the queue of entries logged offline, the
    service worker (Clear-Site-Data, https://www.w3.org/TR/clear-site-data/).
    static/js/offline.js also deletes them before the log-out is sent."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method == "POST"
            and request.path == reverse("account_logout")
            and response.status_code in (200, 302)
        ):
            response["Clear-Site-Data"] = '"cache", "storage"'
        return response
