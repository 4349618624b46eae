"""A user's calendar feed: a secret URL a phone's calendar subscribes to
(hemolog.reminders.feed). Only a hash of its token is kept, so the URLs do
not leak with the database; the URL is shown once, when it is made."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models


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
