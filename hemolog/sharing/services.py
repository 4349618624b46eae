"""Changes to who can see a patient: invitations, accepting one, removing access.

Each change runs in a transaction that first locks the patient's row, so that
two owners acting at once cannot leave a patient without an owner, and two
taps on *Accept* grant access once. (SQLite has no row locks, but Hemolog runs
it with ``BEGIN IMMEDIATE``: writers queue behind each other.)

Invitation links carry a random token (``secrets.token_urlsafe``, 256 bits);
only its SHA-256 is stored, like a password-reset token, so the database holds
no working link. A high-entropy random token needs no slow hash or salt.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from hemolog.accounts.language import language_of
from hemolog.accounts.models import User, has_verified_address
from hemolog.patients.models import Patient, PatientAccess

from .models import Invitation

logger = logging.getLogger(__name__)

Role = PatientAccess.Role
TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 100  # a token is 43 characters; anything far longer is not one
# Accepting an invitation never lowers a role: an owner invited as clinician stays owner.
ROLE_RANK = {Role.CLINICIAN: 1, Role.CAREGIVER: 2, Role.OWNER: 3}


class LastOwnerError(Exception):
    """Removing this access would leave the patient without an owner."""


class InvitationUnusable(Exception):
    """The invitation was accepted, cancelled or expired in the meantime."""


class TooManyInvitations(Exception):
    """The user has sent as many invitation e-mails as the limits allow; the message says so."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _lock_patient(patient_id: int) -> None:
    list(Patient.objects.select_for_update().filter(pk=patient_id).values_list("pk", flat=True))


@dataclass(frozen=True)
class NewInvitation:
    """A freshly made invitation and its token: the only moment the token is known."""

    invitation: Invitation
    token: str


def create_invitation(
    patient: Patient, email: str, role: str, invited_by: User | None, now: dt.datetime | None = None
) -> NewInvitation:
    """A new single-use invitation, valid for ``settings.INVITATION_EXPIRY_DAYS``.
    An open invitation of the same patient to the same address is cancelled:
    the newest link is the one that works. Raises :class:`TooManyInvitations`
    when ``invited_by`` has sent as many as ``settings.INVITATION_EMAIL_RATE`` allows."""
    now = now or timezone.now()
    email = email.strip().lower()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction.atomic():
        if invited_by is not None:
            # Counted under a lock of the sender's row: two posts at once can't both slip under the limit.
            User.objects.select_for_update().filter(pk=invited_by.pk).first()
            if limit := invitation_limit_reached(invited_by, now):
                raise TooManyInvitations(limit)
        _lock_patient(patient.pk)
        Invitation.objects.open().filter(patient=patient, email=email).update(cancelled_at=now)
        invitation = Invitation.objects.create(
            patient=patient,
            email=email,
            role=role,
            token_hash=hash_token(token),
            invited_by=invited_by,
            created_at=now,
            expires_at=now + dt.timedelta(days=settings.INVITATION_EXPIRY_DAYS),
        )
    return NewInvitation(invitation, token)


PERIODS = {"m": ("minute", 60), "h": ("hour", 3600), "d": ("day", 86400)}


def _limit_text(count: int, period: str) -> str:
    """What the owner is told when ``count`` invitations in the last ``period`` are the most allowed."""
    if period == "minute":
        text = ngettext(
            "You have sent %(count)s invitation in the last minute, the most Hemolog sends.",
            "You have sent %(count)s invitations in the last minute, the most Hemolog sends.",
            count,
        )
    elif period == "hour":
        text = ngettext(
            "You have sent %(count)s invitation in the last hour, the most Hemolog sends.",
            "You have sent %(count)s invitations in the last hour, the most Hemolog sends.",
            count,
        )
    else:
        text = ngettext(
            "You have sent %(count)s invitation in the last day, the most Hemolog sends.",
            "You have sent %(count)s invitations in the last day, the most Hemolog sends.",
            count,
        )
    advice = gettext("Try again later, or share a link you already have.")
    return f"{text % {'count': count}} {advice}"


def invitation_rates() -> list[tuple[int, str, int]]:
    """``settings.INVITATION_EMAIL_RATE`` ("10/h/user,30/d/user") as
    (count, period name, seconds) per limit."""
    rates = []
    for part in settings.INVITATION_EMAIL_RATE.split(","):
        count, period = part.strip().split("/")[:2]
        name, seconds = PERIODS[period]
        rates.append((int(count), name, seconds))
    return rates


def invitation_limit_reached(user: User, now: dt.datetime | None = None) -> str:
    """Why ``user`` may not send another invitation e-mail now, or "". Counted
    from the invitations they made (kept when replaced or cancelled), so the
    limit holds across every worker and server."""
    now = now or timezone.now()
    for count, name, seconds in invitation_rates():
        since = now - dt.timedelta(seconds=seconds)
        if Invitation.objects.filter(invited_by=user, created_at__gt=since).count() >= count:
            return _limit_text(count, name)
    return ""


def find_invitation(token: str) -> Invitation | None:
    """The invitation a link's token belongs to, whatever its state; None for an unknown token."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return Invitation.objects.select_related("patient", "invited_by").filter(token_hash=hash_token(token)).first()


def is_for(invitation: Invitation, user: User) -> bool:
    """Whether ``user`` is the person invited: the invited address is one of
    theirs and verified (they followed the link sent to it), compared
    case-insensitively. Typing the address at sign-up is not enough."""
    return user.is_authenticated and has_verified_address(user, invitation.email)


@dataclass(frozen=True)
class Acceptance:
    access: PatientAccess
    previous_role: str | None  # None: the user had no access before

    @property
    def changed(self) -> bool:
        return self.previous_role != self.access.role


def accept_invitation(invitation: Invitation, user: User, now: dt.datetime | None = None) -> Acceptance:
    """Use the invitation: give ``user`` access with its role, or raise the role
    of an access they already hold (never lower it). The caller checks
    :func:`is_for` first. Raises :class:`InvitationUnusable` if the link was
    used, cancelled or expired, even by a request running at the same time."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock_patient(invitation.patient_id)
        # Only an invitation from someone who still owns the patient is good.
        still_owner = PatientAccess.objects.filter(
            patient_id=invitation.patient_id, user_id=invitation.invited_by_id, role=Role.OWNER
        )
        claimed = (
            Invitation.objects.usable(now)
            .filter(pk=invitation.pk)
            .filter(Exists(still_owner))
            .update(accepted_at=now, accepted_by=user)
        )
        if not claimed:
            raise InvitationUnusable
        access = PatientAccess.objects.filter(user=user, patient_id=invitation.patient_id).first()
        if access is None:
            access = PatientAccess.objects.create(
                user=user, patient_id=invitation.patient_id, role=invitation.role, granted_by=invitation.invited_by
            )
            return Acceptance(access, None)
        previous = access.role
        if ROLE_RANK[invitation.role] > ROLE_RANK[previous]:
            access.role = invitation.role
            access.granted_by = invitation.invited_by
            access.granted_at = now  # "since" is when the current role was granted
            access.save(update_fields=["role", "granted_by", "granted_at"])
        return Acceptance(access, previous)


def cancel_invitation(invitation: Invitation, now: dt.datetime | None = None) -> bool:
    """Cancel an open invitation; False if it had been accepted or cancelled already."""
    now = now or timezone.now()
    return Invitation.objects.open().filter(pk=invitation.pk).update(cancelled_at=now) == 1


def remove_access(access: PatientAccess, now: dt.datetime | None = None) -> bool:
    """Delete an access row (revoked by an owner, or left by its holder) at once,
    and cancel any open invitation of the patient to the same address, so an
    old link cannot bring the access back, and cancel the invitations they
    sent, so a removed owner cannot let themselves back in. Raises :class:`LastOwnerError` for
    the patient's only owner; False if the row was already gone."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock_patient(access.patient_id)
        current = PatientAccess.objects.select_related("user").filter(pk=access.pk).first()
        if current is None:
            return False
        if (
            current.role == Role.OWNER
            and not PatientAccess.objects.filter(patient_id=current.patient_id, role=Role.OWNER)
            .exclude(pk=current.pk)
            .exists()
        ):
            raise LastOwnerError
        current.delete()
        # Neither an old link to them nor one they sent may bring access back.
        Invitation.objects.open().filter(patient_id=current.patient_id).filter(
            Q(email__iexact=current.user.email) | Q(invited_by=current.user)
        ).update(cancelled_at=now)
    return True


def is_last_owner(access: PatientAccess) -> bool:
    return (
        access.role == Role.OWNER
        and not PatientAccess.objects.filter(patient_id=access.patient_id, role=Role.OWNER)
        .exclude(pk=access.pk)
        .exists()
    )


def send_invitation_email(new: NewInvitation, link: str) -> bool:
    """Send the link to the invited address through Django's e-mail backend
    (the task queue, which tries again when the mail server refuses). False
    (and logged) when the queue does not take it: the owner still has the
    link on screen to pass on."""
    invitation = new.invitation
    context = {
        "invitation": invitation,
        "patient": invitation.patient,
        "inviter": invitation.invited_by,
        "link": link,
        "role": invitation.role_in_a_sentence,
    }
    # In the invited person's language when they have an account, else in the inviter's (the page's).
    known = User.objects.filter(email__iexact=invitation.email).exclude(language="").first()
    with translation.override(language_of(known) if known else translation.get_language()):
        subject = " ".join(render_to_string("sharing/invitation_subject.txt", context).split())
        body = render_to_string("sharing/invitation_email.txt", context)
    try:
        send_mail(subject, body, None, [invitation.email])  # queued: the worker sends it (hemolog/background/mail.py)
    except Exception:  # the queue did not take it (its Redis away): the link is on the owner's screen
        logger.exception("Could not queue the invitation e-mail to %s", invitation.email)
        return False
    return True
