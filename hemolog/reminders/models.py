"""Reminders: a user's calendar feed (a secret URL a phone's calendar
subscribes to, hemolog.reminders.feed; only a hash of its token is kept, so
the URLs do not leak with the database, and the URL is shown once), how the
user wants to be reminded, the phones subscribed to Web Push, and the
reminders sent (each once)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeed(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"calendar feed of user {self.user_id}"

    @classmethod
    def renew(cls, user) -> str:
        """A new secret URL's token for ``user``; the one before stops working."""
        token = secrets.token_urlsafe(24)
        cls.objects.update_or_create(user=user, defaults={"token_hash": token_hash(token)})
        return token

    @classmethod
    def owner_of(cls, token: str):
        """The user whose feed ``token`` opens, or None (revoked, renewed, or never made)."""
        feed = cls.objects.select_related("user").filter(token_hash=token_hash(token)).first()
        return feed.user if feed and feed.user.is_active else None


class ReminderSettings(models.Model):
    """How a user is reminded: by push on the phones they turned it on for (a
    :class:`PushSubscription` each), by e-mail if they chose it; never in their
    quiet hours (their own time zone); stock lasting fewer than ``low_stock_days``."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_settings")
    by_email = models.BooleanField(gettext_lazy("Also by e-mail"), default=False)
    quiet_from = models.TimeField(gettext_lazy("Quiet from"), default=dt.time(21, 0))
    quiet_until = models.TimeField(gettext_lazy("Quiet until"), default=dt.time(8, 0))
    low_stock_days = models.PositiveSmallIntegerField(
        gettext_lazy("Remind when the stock lasts fewer than (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )

    def __str__(self) -> str:
        return f"reminder settings of user {self.user_id}"

    @classmethod
    def of(cls, user) -> ReminderSettings:
        return cls.objects.filter(user=user).first() or cls(user=user)

    def is_quiet(self, local: dt.time) -> bool:
        if self.quiet_from == self.quiet_until:
            return False
        if self.quiet_from < self.quiet_until:
            return self.quiet_from <= local < self.quiet_until
        return local >= self.quiet_from or local < self.quiet_until  # over midnight


class PushSubscription(models.Model):
    """One phone's browser, subscribed to Web Push (the Push API's subscription)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"push subscription {self.pk} of user {self.user_id}"

    def info(self) -> dict:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class SentReminder(models.Model):
    """A reminder sent, so that each is sent once ("dose-12-2026-11-30")."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_reminder_per_user_and_key")]

    def __str__(self) -> str:
        return f"{self.key} to user {self.user_id}"
