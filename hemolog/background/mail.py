"""Every e-mail through the queue.

``EMAIL_BACKEND`` is :class:`QueuedEmailBackend`: sending a message (an
invitation, a password reset, an address check, reminders later) writes it to
the queue and returns at once; the worker hands it to the real backend,
``HEMOLOG_EMAIL_DELIVERY_BACKEND`` (SMTP with ``EMAIL_TIMEOUT``, or the
console). A send that fails is tried again after each delay of
``HEMOLOG_EMAIL_RETRY_DELAYS``, then logged as lost. On the database queue a
message enqueued inside a transaction is sent only if that transaction commits.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)


def as_json(message: EmailMessage) -> dict:
    if message.attachments:
        raise ValueError("the queued e-mail backend sends no attachments")
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [[str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])],
    }


def from_json(data: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
    )
    for content, mimetype in data["alternatives"]:
        message.attach_alternative(content, mimetype)
    return message


class QueuedEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        count = 0
        for message in email_messages:
            if message.recipients():
                send_email.enqueue(as_json(message))
                count += 1
        return count


@task()
def send_email(message: dict, attempt: int = 1) -> str:
    """Deliver one message with the real backend; on failure, try again later."""
    connection = get_connection(settings.HEMOLOG_EMAIL_DELIVERY_BACKEND, fail_silently=False)
    try:
        connection.send_messages([from_json(message)])
    except Exception:
        delays = list(settings.HEMOLOG_EMAIL_RETRY_DELAYS)
        if attempt > len(delays):
            logger.exception("E-mail to %s lost after %s attempts", ", ".join(message["to"]), attempt)
            return "lost"
        logger.warning("E-mail to %s failed (attempt %s); trying again", ", ".join(message["to"]), attempt)
        retry = send_email
        if retry.get_backend().supports_defer:
            retry = retry.using(run_after=timezone.now() + dt.timedelta(seconds=delays[attempt - 1]))
        retry.enqueue(message, attempt + 1)
        return "retrying"
    return "sent"
