"""Every e-mail through the queue.

``EMAIL_BACKEND`` is :class:`QueuedEmailBackend`: sending a message (an
invitation, a password reset, an address check, reminders later) writes it to
the queue and returns at once; the worker hands it to the real backend,
``HEMOLOG_EMAIL_DELIVERY_BACKEND`` (SMTP with ``EMAIL_TIMEOUT``, or the
console). A send that fails is tried again after each delay of
``HEMOLOG_EMAIL_RETRY_DELAYS``, then logged as lost. On the database queue a
message enqueued inside a transaction is sent only if that transaction commits;
e-mails go ahead of the jobs (the highest priority: at the front of RQ's queue).
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
from email.mime.base import MIMEBase

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TASK_MAX_PRIORITY

logger = logging.getLogger(__name__)


def as_json(message: EmailMessage) -> dict:
    """The message as JSON the queue can hold (texts, addresses, headers,
    alternatives, attachments in base64, and how its parts are typed)."""
    attachments = []
    for attachment in message.attachments:
        if isinstance(attachment, MIMEBase):
            raise ValueError("the queued e-mail backend sends no ready-made MIME parts")
        filename, content, mimetype = attachment
        content = content.encode() if isinstance(content, str) else content
        attachments.append([filename, base64.b64encode(content).decode(), mimetype])
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": str(message.from_email) if message.from_email else None,
        "to": [str(address) for address in message.to],
        "cc": [str(address) for address in message.cc],
        "bcc": [str(address) for address in message.bcc],
        "reply_to": [str(address) for address in message.reply_to],
        "headers": {str(name): str(value) for name, value in message.extra_headers.items()},
        "alternatives": [[str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])],
        "attachments": attachments,
        "content_subtype": message.content_subtype,
        "mixed_subtype": message.mixed_subtype,
        "alternative_subtype": getattr(message, "alternative_subtype", "alternative"),
        "encoding": message.encoding,
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
    for filename, content, mimetype in data.get("attachments", []):
        message.attach(filename, base64.b64decode(content), mimetype)
    message.content_subtype = data.get("content_subtype", "plain")
    message.mixed_subtype = data.get("mixed_subtype", "mixed")
    message.alternative_subtype = data.get("alternative_subtype", "alternative")
    message.encoding = data.get("encoding")
    return message


class QueuedEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        count = 0
        for message in email_messages:
            if not message.recipients():
                continue
            try:
                send_email.enqueue(as_json(message))
            except Exception:
                if not self.fail_silently:
                    raise
                logger.exception("E-mail to %s could not be queued", ", ".join(message.to))
                continue
            count += 1
        return count


# E-mails go ahead of the jobs on the queue: a reset link waits for no report.
@task(priority=TASK_MAX_PRIORITY)
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
