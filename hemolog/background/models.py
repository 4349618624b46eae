"""A job a person waits for, and the schedule's bookkeeping."""

from __future__ import annotations

import datetime as dt
import secrets
import zlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobQuerySet(models.QuerySet):
    def visible_to(self, user) -> JobQuerySet:
        """A job is its starter's only: anyone else's is not found."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class Job(models.Model):
    """Work started from a page and done by the worker: the page shows its
    progress from this row (and the progress cache) and its result when ready.

    ``data`` holds the upload the job works on (zlib-compressed), emptied once
    the job is over; ``result`` is what the page shows then, and ``output`` a
    file it made (a long PDF report), kept as long as the job's row."""

    class Status(models.TextChoices):
        WAITING = "WAITING", _("Waiting for its turn")
        RUNNING = "RUNNING", _("Running")
        RETRYING = "RETRYING", _("Failed; it will be tried again")
        DONE = "DONE", _("Done")
        FAILED = "FAILED", _("Failed")

    FINISHED = (Status.DONE, Status.FAILED)

    token = models.CharField(max_length=32, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    params = models.JSONField(default=dict, blank=True)
    data = models.BinaryField(default=b"", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    attempts = models.PositiveSmallIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    # A file the job made, for its starter to download from the job's page.
    output = models.BinaryField(default=b"", blank=True)
    output_name = models.CharField(max_length=200, blank=True)
    output_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"], name="job_status_created")]

    def __str__(self) -> str:
        return f"{self.kind} {self.token[:6]} ({self.status})"

    def save(self, *args, **kwargs) -> None:
        if not self.token:
            self.token = secrets.token_urlsafe(16)
        super().save(*args, **kwargs)

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    def set_data(self, raw: bytes) -> None:
        self.data = zlib.compress(raw, 6)

    def input(self) -> bytes:
        return zlib.decompress(bytes(self.data)) if self.data else b""


class ScheduledRun(models.Model):
    """When a periodic job is next due. A scheduler claims the row (locked,
    others skip it) to run the job, so it runs once however many run."""

    name = models.CharField(max_length=60, unique=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_outcome = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.name} next at {self.next_run_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def due(now: dt.datetime | None = None) -> models.QuerySet:
        return ScheduledRun.objects.filter(next_run_at__lte=now or timezone.now())
