"""Headers every response gets: no page a logged-in person sees is kept by a
browser or a proxy (health data must not linger on a shared phone or in a
shared cache: pages, CSV, PDF and FHIR files alike), and the browser
features the app never uses are switched off."""

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers

# Features a log of bleeds and doses has no use for (https://www.w3.org/TR/permissions-policy/).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=()"


class PrivatePagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)  # Cache-Control: max-age=0, no-cache, no-store, must-revalidate, private
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class RequestSizeMiddleware:
    """Refuse a request whose body is declared larger than any form takes
    (``settings.MAX_REQUEST_BYTES``), before a byte of it is read: a 300 MB
    upload was received in full before the form said it was too big. Django
    reads no more than the declared ``Content-Length`` (none without one), so
    the declaration is what to check. The proxy in front should cap bodies
    the same way (docs/operations.md)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # Django reads nothing of a body it can't size
        if declared > settings.MAX_REQUEST_BYTES:
            limit = settings.MAX_REQUEST_BYTES // (1024 * 1024)
            # Before the session and LocaleMiddleware: the language from the cookie or the browser.
            with translation.override(translation.get_language_from_request(request)):
                return render(request, "413.html", {"limit_mb": limit}, status=413)
        return self.get_response(request)
