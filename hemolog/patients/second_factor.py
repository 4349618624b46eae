"""A clinician sees other families' children's logs: no patient data shows
until their account has a second factor (an authenticator app or a passkey,
django-allauth's MFA), and their session idles out after 30 minutes even if
"keep me signed in" was ticked. ``HEMOLOG_CLINICIANS_NEED_SECOND_FACTOR=0``
turns the second-factor requirement off, e.g. on a closed hospital network.

Whether a user is a clinician and has a second factor is kept on their user
row (``User.is_clinician``, ``User.second_factor_set_up``), which every
request reads anyway: :func:`refresh` works both out again whenever one of
their accesses or authenticators is saved or deleted (signals.py), from any
session, phone or server, so no request needs a query of its own to know.
:class:`SecondFactorMiddleware` sends such a clinician from every page
outside the account pages to set one up, and
:func:`hemolog.patients.access.access_patient` refuses their access too.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from hemolog.accounts.middleware import IDLE_LIMIT
from hemolog.accounts.models import User, has_second_factor

from .models import PatientAccess

# The pages a clinician still reaches: the account (where the factor is set
# up), invitations, and the health check.
OPEN_PATHS = ("/accounts/", "/invitations/", "/healthz/")
MESSAGE = _(
    "Clinicians add a second factor before they see patients' logs: set up an authenticator app or a passkey below."
)


class SecondFactorRequired(PermissionDenied):
    """A clinician without a second factor asked for a patient (403 if not caught)."""


def required() -> bool:
    return settings.HEMOLOG_CLINICIANS_NEED_SECOND_FACTOR


def refresh(*user_ids: int) -> None:
    """Work out and store each user's two flags from their accesses and authenticators."""
    for user_id in set(user_ids):
        User.objects.filter(pk=user_id).update(
            is_clinician=PatientAccess.objects.filter(user_id=user_id, role=PatientAccess.Role.CLINICIAN).exists(),
            second_factor_set_up=has_second_factor(user_id),
        )


def refresh_on_change(sender, instance, **kwargs) -> None:
    """A receiver for PatientAccess and allauth's Authenticator (signals.py)."""
    refresh(instance.user_id)


def enrolment(request):
    messages.warning(request, str(MESSAGE))
    return redirect("mfa_index")


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.is_clinician:
            idle_out_as_a_clinician(request.session)
            if required() and not user.second_factor_set_up and not request.path_info.startswith(OPEN_PATHS):
                return enrolment(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, SecondFactorRequired):
            return enrolment(request)
        return None


def idle_out_as_a_clinician(session) -> None:
    """ "Keep me signed in" does not lengthen a clinician's idle time-out
    (hemolog.accounts.middleware), whenever they became one."""
    if session.get(IDLE_LIMIT, 0) > settings.SESSION_IDLE_SECONDS:
        session[IDLE_LIMIT] = settings.SESSION_IDLE_SECONDS
