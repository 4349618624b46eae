from __future__ import annotations

import datetime as dt
import re
import secrets
import zlib

from django.conf import settings
from django.db import models
from django.utils import timezone

from hemolog.patients.models import Patient

# How long an uploaded CSV file waits for its preview to be confirmed.
PENDING_IMPORT_HOURS = 24


class PendingImportQuerySet(models.QuerySet):
    def waiting(self, now: dt.datetime | None = None) -> PendingImportQuerySet:
        return self.filter(expires_at__gt=now or timezone.now())


class PendingImport(models.Model):
    """A CSV file uploaded and waiting for its preview to be confirmed: a row,
    so that any server reads it (the session held it before), at most one per
    user (a new upload replaces it), gone once imported or cancelled, and
    ignored after :data:`PENDING_IMPORT_HOURS` and deleted at the next upload
    by anyone after that, or by the hourly expiry (:func:`expire_pending_imports`)."""

    token = models.CharField(max_length=32, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16)
    filename = models.CharField(max_length=100)
    content = models.BinaryField()  # the file's bytes, zlib-compressed
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    objects = PendingImportQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user"], name="one_pending_import_per_user")]

    def __str__(self) -> str:
        return f"{self.filename} waiting for {self.patient_id}"

    @classmethod
    def replace(cls, user, patient: Patient, kind: str, filename: str, content: bytes) -> PendingImport:
        """The user's waiting file, replacing any they had (the row locked, so
        two uploads at once leave one, never an error)."""
        now = timezone.now()
        cls.objects.exclude(user=user).filter(expires_at__lte=now).delete()  # anyone's left for a day
        pending, _ = cls.objects.update_or_create(
            user=user,
            defaults={
                "token": secrets.token_urlsafe(16),
                "patient": patient,
                "kind": kind,
                "filename": re.sub(r"[^\w. -]+", "_", filename or "")[:100] or "file.csv",
                "content": zlib.compress(content, 6),
                "created_at": now,
                "expires_at": now + dt.timedelta(hours=PENDING_IMPORT_HOURS),
            },
        )
        return pending

    def data(self) -> bytes:
        return zlib.decompress(bytes(self.content))


def expire_pending_imports(now: dt.datetime) -> int:
    """The periodic expiry's part: waiting files past their day."""
    return PendingImport.objects.filter(expires_at__lte=now).delete()[0]
