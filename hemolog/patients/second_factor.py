"""A clinician sees other families' children's logs: no patient data shows
until their account has a second factor (an authenticator app or a passkey,
django-allauth's MFA). ``HEMOLOG_CLINICIANS_NEED_SECOND_FACTOR=0`` turns the
requirement off, e.g. on a closed hospital network with its own sign-in.

Two checks. :class:`SecondFactorMiddleware` sends such a clinician from every
page outside the account pages to set one up; whether they need to is kept in
the session (worked out at log-in, again when an access changes or a factor is removed).
:func:`hemolog.patients.access.access_patient` asks the database itself for a
clinician's access, so another phone's session cannot show a patient either.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from hemolog.accounts.models import has_second_factor

from .models import PatientAccess

SESSION_KEY = "second_factor_due"
# The pages a clinician still reaches: the account (where the factor is set
# up), invitations, and the health check.
OPEN_PATHS = ("/accounts/", "/invitations/", "/healthz/")
MESSAGE = (
    "Clinicians add a second factor before they see patients' logs: set up an authenticator app or a passkey below."
)


class SecondFactorRequired(PermissionDenied):
    """A clinician without a second factor asked for a patient (403 if not caught)."""


def required() -> bool:
    return settings.HEMOLOG_CLINICIANS_NEED_SECOND_FACTOR


def lacks_second_factor(user) -> bool:
    """A clinician of any patient, with no second factor."""
    is_clinician = PatientAccess.objects.filter(user=user, role=PatientAccess.Role.CLINICIAN).exists()
    return is_clinician and not has_second_factor(user)


def forget(request) -> None:
    """Work it out again on the next request (an access or a factor changed)."""
    session = getattr(request, "session", None)
    if session is not None:
        session.pop(SESSION_KEY, None)


def forget_on_signal(sender, request=None, **kwargs) -> None:
    """A factor was removed (django-allauth's signal)."""
    if request is not None:
        forget(request)


def work_out_at_log_in(sender, request, user, **kwargs) -> None:
    """Worked out once per log-in (connected in signals.py), not on a page."""
    session = getattr(request, "session", None)
    if session is not None and required():
        session[SESSION_KEY] = lacks_second_factor(user)


def enrolment(request):
    messages.warning(request, MESSAGE)
    return redirect("mfa_index")


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self.due(request):
            return enrolment(request)
        return self.get_response(request)

    @staticmethod
    def due(request) -> bool:
        """Only "not due" is kept in the session: until the factor is set up,
        each page outside the account asks the database again (two small queries)."""
        user = request.user
        if not required() or not user.is_authenticated or request.path_info.startswith(OPEN_PATHS):
            return False
        if request.session.get(SESSION_KEY) is False:
            return False
        due = request.session[SESSION_KEY] = lacks_second_factor(user)
        return due

    def process_exception(self, request, exception):
        if isinstance(exception, SecondFactorRequired):
            forget(request)
            return enrolment(request)
        return None
