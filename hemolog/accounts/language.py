"""The language a person reads Hemolog in.

Chosen, in this order: the one saved on the account; else the picker's
cookie; else the browser's ``Accept-Language`` (Django's LocaleMiddleware,
then ``UserLanguageMiddleware``). The picker on every page posts here; the
choice is kept in the cookie (the log-in page, before anyone is known) and
on the account, so e-mails and reminders go out in it too. A person who
never chose is given, at log-in, the language the pages were shown in.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import JavaScriptCatalog, set_language

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def offered(code: str) -> bool:
    return code in LANGUAGE_CODES


@login_not_required
@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    """Set the language (cookie, and account when logged in), then go back to
    ``next`` (Django's set_language, which checks that it is on this site)."""
    code = request.POST.get("language", "")
    if not offered(code):
        request.POST = request.POST.copy()
        request.POST["language"] = ""  # set_language then only goes back
    response = set_language(request)
    user = request.user
    if offered(code) and user.is_authenticated and user.language != code:
        user.language = code
        user.save(update_fields=["language"])
    return response


def keep_language_at_log_in(sender, request, user, **kwargs) -> None:
    """A person who never chose keeps the language they logged in with."""
    if not user.language:
        code = getattr(request, "LANGUAGE_CODE", "")  # what LocaleMiddleware chose for the log-in page
        if offered(code):
            user.language = code
            user.save(update_fields=["language"])


def language_of(user) -> str:
    """The language to write to ``user`` in (an e-mail, a reminder)."""
    return user.language if offered(user.language) else settings.LANGUAGE_CODE


@login_not_required
@require_GET
def javascript_catalogue(request: HttpRequest, code: str) -> HttpResponse:
    """The scripts' strings and formats in one language (Django's JavaScript
    catalogue: ``gettext``, ``ngettext``, ``interpolate``, ``get_format`` as
    globals), at an address per language so the service worker can keep it
    for the offline forms."""
    if not offered(code):
        raise Http404
    with translation.override(code):
        return JavaScriptCatalog.as_view(domain="djangojs")(request)
