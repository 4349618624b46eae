"""Web Push (RFC 8030) with VAPID (RFC 8292), through pywebpush: the payload
is encrypted for the phone's browser with its subscription's keys (RFC 8291,
aes128gcm) and signed with the site's key pair, so the push service delivers
it without reading it.

The key pair: ``settings.VAPID_PRIVATE_KEY`` (PEM) when set, which several
servers must share; else one made on first use and kept in
``settings.VAPID_KEY_FILE``. The public key is the application server key a
browser subscribes with (static/js/reminders.js).
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import tempfile
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from .models import PushSubscription

log = logging.getLogger(__name__)
TIMEOUT = 10  # seconds for a push service to answer; the scheduler, not a request, waits
TTL = 12 * 3600  # a phone offline longer than this gets none of the stale reminders


@cache
def vapid() -> Vapid:
    if settings.VAPID_PRIVATE_KEY:
        return Vapid.from_pem(settings.VAPID_PRIVATE_KEY.encode())
    path = Path(settings.VAPID_KEY_FILE)
    if not path.exists():
        # Written whole under another name, then linked in place: two processes starting at
        # once both make a key, and the first link wins; neither reads a half-written file.
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Vapid()
        key.generate_keys()
        descriptor, draft = tempfile.mkstemp(dir=path.parent, prefix=".vapid-")
        with os.fdopen(descriptor, "wb") as file:
            file.write(key.private_pem())
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
        os.unlink(draft)
    return Vapid.from_pem(path.read_bytes())


def application_server_key() -> str:
    """The public key, as the Push API takes it: the uncompressed point, base64url."""
    point = vapid().public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(point).rstrip(b"=").decode()


def send(subscription: PushSubscription, title: str, body: str, url: str) -> bool:
    """Push one notification to one phone; False if it could not be delivered.
    A subscription the push service no longer knows (404, 410) is deleted."""
    payload = json.dumps({"title": title, "body": body, "url": url})
    try:
        webpush(
            subscription.info(),
            data=payload,
            vapid_private_key=vapid(),
            vapid_claims={"sub": settings.VAPID_CONTACT},
            ttl=TTL,
            timeout=TIMEOUT,
        )
    except WebPushException as refused:
        status = getattr(refused.response, "status_code", None)
        if status in (404, 410):
            subscription.delete()
        log.warning("push to subscription %s refused: %s", subscription.pk, status)
        return False
    except OSError as error:  # the push service unreachable
        log.warning("push to subscription %s failed: %s", subscription.pk, error)
        return False
    return True
