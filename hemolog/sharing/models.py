from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hemolog.patients.models import PatientAccess, role_in_a_sentence


class InvitationQuerySet(models.QuerySet):
    def open(self) -> InvitationQuerySet:
        """Neither accepted nor cancelled (possibly expired)."""
        return self.filter(accepted_at__isnull=True, cancelled_at__isnull=True)

    def usable(self, now: dt.datetime) -> InvitationQuerySet:
        """Open and not expired at ``now``: the link still works."""
        return self.open().filter(expires_at__gt=now)


class Invitation(models.Model):
    """An OWNER's invitation to one e-mail address to see a patient with a role.

    The link carries a random token; only its SHA-256 is stored, so a copy of
    the database does not hold working links. A link works once, until
    ``expires_at``, and only for an account with that e-mail address."""

    class Status(models.TextChoices):
        PENDING = "PENDING", pgettext_lazy("invitation", "Pending")
        EXPIRED = "EXPIRED", pgettext_lazy("invitation", "Expired")
        ACCEPTED = "ACCEPTED", pgettext_lazy("invitation", "Accepted")
        CANCELLED = "CANCELLED", pgettext_lazy("invitation", "Cancelled")

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))  # stored in lower case
    role = models.CharField(max_length=10, choices=PatientAccess.Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=PatientAccess.Role.values), name="invitation_role_valid"),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(cancelled_at__isnull=True),
                name="invitation_not_both_accepted_and_cancelled",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="invitation_expires_after_created"
            ),
            # Inviting the same address again cancels the earlier link first.
            models.UniqueConstraint(
                fields=["patient", "email"],
                condition=Q(accepted_at__isnull=True, cancelled_at__isnull=True),
                name="one_open_invitation_per_patient_and_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.patient} ({self.role})"

    def status(self, now: dt.datetime) -> str:
        if self.accepted_at is not None:
            return self.Status.ACCEPTED
        if self.cancelled_at is not None:
            return self.Status.CANCELLED
        if self.expires_at <= now:
            return self.Status.EXPIRED
        return self.Status.PENDING

    @property
    def role_in_a_sentence(self) -> str:
        return role_in_a_sentence(self.role)

    def is_usable(self, now: dt.datetime) -> bool:
        return self.status(now) == self.Status.PENDING


INVITATION_KEEP_DAYS = 30  # an unused link's row, for the owner's page and the rate limit, after it ended


def expire_invitations(now: dt.datetime) -> int:
    """The periodic expiry's part: invitations never accepted, expired or
    cancelled more than :data:`INVITATION_KEEP_DAYS` ago (an accepted one is
    kept: it says who gave the access)."""
    before = now - dt.timedelta(days=INVITATION_KEEP_DAYS)
    unused = Invitation.objects.filter(accepted_at__isnull=True)
    old = unused.filter(Q(expires_at__lt=before) | Q(cancelled_at__lt=before))
    return old.delete()[0]
