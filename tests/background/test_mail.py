"""Every e-mail through the queue: a request only enqueues it; the worker
delivers it with the real backend, and a mail server that refuses is tried
again after each delay, then the message is logged as lost."""

import contextlib
import socket
import threading

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from hemolog.background.mail import QueuedEmailBackend

QUEUED = "hemolog.background.mail.QueuedEmailBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def queued(settings):
    settings.EMAIL_BACKEND = QUEUED
    settings.HEMOLOG_EMAIL_DELIVERY_BACKEND = LOCMEM


def test_a_message_is_delivered_as_written(queued):
    message = EmailMultiAlternatives(
        "Hemolog: an invitation",
        "Plain text",
        "Hemolog <noreply@hemolog.test>",
        ["anna@example.org"],
        cc=["tom@example.org"],
        reply_to=["clinic@example.org"],
        headers={"X-Hemolog": "1"},
    )
    message.attach_alternative("<p>HTML</p>", "text/html")
    assert message.send() == 1
    (sent,) = mail.outbox
    assert (sent.subject, sent.body, sent.from_email) == ("Hemolog: an invitation", "Plain text", message.from_email)
    assert (sent.to, sent.cc, sent.reply_to) == (["anna@example.org"], ["tom@example.org"], ["clinic@example.org"])
    assert sent.extra_headers == {"X-Hemolog": "1"} and sent.alternatives == [("<p>HTML</p>", "text/html")]


def test_a_message_without_recipients_is_not_queued(queued):
    assert QueuedEmailBackend().send_messages([EmailMultiAlternatives("x", "y", None, [])]) == 0
    assert not mail.outbox


@pytest.mark.django_db(transaction=True)  # the worker closes its connection between tasks
def test_sending_only_enqueues_and_the_worker_delivers(queued, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    send_mail("Hemolog: reset your password", "A link", None, ["anna@example.org"])
    assert not mail.outbox  # nothing waited for a mail server
    assert DBTaskResult.objects.get().status == "READY"
    call_command("worker", "--batch")
    assert [m.subject for m in mail.outbox] == ["Hemolog: reset your password"]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@contextlib.contextmanager
def refusing_mail_server():
    """A real TCP SMTP server that answers every connection "554 not now"."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    connections = []

    def serve():
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            connections.append(client)
            client.sendall(b"554 Service not available now\r\n")
            client.close()

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield listener.getsockname()[1], connections
    finally:
        listener.close()


def test_a_refusing_mail_server_is_tried_again_then_the_message_logged_as_lost(queued, settings, caplog):
    settings.HEMOLOG_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.HEMOLOG_EMAIL_RETRY_DELAYS = [1, 1, 1]
    with refusing_mail_server() as (port, connections):
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
        send_mail("Hemolog: an invitation", "A link", None, ["anna@example.org"])  # returns: it was queued
    assert len(connections) == 4  # the first try and one after each delay (in the suite, at once)
    assert "E-mail to anna@example.org lost after 4 attempts" in caplog.text


def test_an_html_only_message_and_a_lazy_header_arrive_as_written(queued):
    from django.utils.translation import gettext_lazy

    message = EmailMultiAlternatives("Hemolog", "<p>Only HTML</p>", None, ["anna@example.org"])
    message.content_subtype = "html"
    message.extra_headers = {"X-Hemolog-Note": gettext_lazy("Reminder")}
    message.attach("card.txt", b"Leo, severe hemophilia A", "text/plain")
    message.send()
    (sent,) = mail.outbox
    assert sent.content_subtype == "html" and sent.body == "<p>Only HTML</p>"
    assert sent.extra_headers == {"X-Hemolog-Note": "Reminder"}
    assert sent.attachments[0][:2] == ("card.txt", "Leo, severe hemophilia A")


@pytest.mark.django_db(transaction=True)
def test_a_password_reset_of_django_allauth_goes_through_the_queue(queued, client, settings):
    from tests import factories

    owner = factories.make_user("owner@example.org")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert client.post("/accounts/password/reset/", {"email": owner.email}).status_code == 302
    assert not mail.outbox and DBTaskResult.objects.filter(task_path__endswith="send_email").count() == 1
    call_command("worker", "--batch")
    (sent,) = mail.outbox
    assert sent.to == [owner.email] and "/accounts/password/reset/key/" in sent.body
