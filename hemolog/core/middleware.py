"""Headers every response gets: no page a logged-in person sees is kept by a
browser or a proxy (health data must not linger on a shared phone or in a
shared cache: pages, CSV, PDF and FHIR files alike), and the browser
features the app never uses are switched off."""

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
