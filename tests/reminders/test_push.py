"""Push reminders (issue 10, point 3) end to end: a phone's subscription (the
test plays the phone: its own P-256 key pair and auth secret, as a browser
makes them) is posted as static/js/reminders.js posts it; the real scheduler
(``manage.py scheduler --once``, a process of its own) finds the dose not
logged and pushes to a push service the test stands up on a local port; the
test decrypts what arrived with the subscription's keys (RFC 8291) and checks
the VAPID signature's key (RFC 8292)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.urls import reverse
from django.utils import timezone

from hemolog.background.models import ScheduledRun
from hemolog.reminders.models import PushSubscription, ReminderSettings, SentReminder
from hemolog.reminders.push import application_server_key
from tests.servers import ROOT, suite_database_url

pytestmark = pytest.mark.django_db(transaction=True)


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class PushService:
    """A push service on a local port: keeps each message it is sent, answers ``status``."""

    def __init__(self, status: int = 201):
        self.received: list[tuple[dict, bytes]] = []
        received, answer = self.received, status

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                received.append(({name.lower(): value for name, value in self.headers.items()}, body))
                self.send_response(answer)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/push/phone-1"

    def close(self):
        self.server.shutdown()


class Phone:
    """What a browser keeps of its push subscription: a P-256 key pair and an auth secret."""

    def __init__(self, endpoint: str):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        public = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.subscription = {
            "endpoint": endpoint,
            "expirationTime": None,
            "keys": {"p256dh": b64(public), "auth": b64(self.auth)},
        }

    def read(self, body: bytes) -> dict:
        return json.loads(http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"))


@pytest.fixture
def push_service():
    service = PushService()
    yield service
    service.close()


@pytest.fixture
def missed(log):
    """The log's prophylaxis of four days ago, never given."""
    log.infusions.filter(reason="PROPHYLAXIS").order_by("given_at")[1].delete()
    return log


def scheduler_once() -> str:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hemolog.settings_test",
        "DATABASE_URL": suite_database_url(),
    }
    environment.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "manage.py", "scheduler", "--once"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode() + done.stderr.decode()


def subscribe(client, phone: Phone):
    response = client.post(reverse("reminders:push"), json.dumps(phone.subscription), content_type="application/json")
    assert response.status_code == 200 and response.json() == {"subscribed": True}


def test_a_dose_not_logged_is_pushed_once_and_decrypts_on_the_phone(client_for, owner, missed, push_service):
    ReminderSettings.objects.create(user=owner, quiet_from="00:00", quiet_until="00:00")  # no quiet hours
    phone = Phone(push_service.url)
    subscribe(client_for(owner), phone)

    scheduler_once()
    assert len(push_service.received) == 1
    headers, body = push_service.received[0]
    assert headers["content-encoding"] == "aes128gcm" and int(headers["ttl"]) > 0
    assert (
        headers["authorization"].startswith("vapid t=") and f"k={application_server_key()}" in headers["authorization"]
    )
    message = phone.read(body)
    assert message["title"] == "Leo's prophylaxis dose is due"
    assert "is not logged" in message["body"] and message["url"] == "/"
    assert SentReminder.objects.filter(user=owner, key__startswith=f"dose-{missed.pk}-").count() == 1

    # The next run (made due now) finds it sent: nothing more.
    ScheduledRun.objects.update(next_run_at=timezone.now() - dt.timedelta(minutes=1))
    scheduler_once()
    assert len(push_service.received) == 1


def test_nothing_in_the_quiet_hours(client_for, owner, missed, push_service):
    ReminderSettings.objects.create(user=owner, quiet_from="00:00", quiet_until="23:59")
    subscribe(client_for(owner), Phone(push_service.url))
    scheduler_once()
    assert push_service.received == [] and not SentReminder.objects.exists()


def test_a_subscription_the_push_service_forgot_is_deleted(client_for, owner, missed):
    gone = PushService(status=410)
    try:
        ReminderSettings.objects.create(user=owner, quiet_from="00:00", quiet_until="00:00")
        subscribe(client_for(owner), Phone(gone.url))
        scheduler_once()
        assert len(gone.received) == 1 and not PushSubscription.objects.exists()
    finally:
        gone.close()


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"\xff\xfe",
        b"[]",
        b'{"endpoint": "javascript:alert(1)", "keys": {"p256dh": "x", "auth": "y"}}',
        b"{" * 5000,
        b'{"endpoint": "https://push.example/1", "keys": [1]}',
        b'{"endpoint": "https://push.example/1", "keys": {"p256dh": "' + b"x" * 300 + b'", "auth": "y"}}',
    ],
)
def test_a_bad_subscription_is_refused_with_a_message(client_for, owner, body):
    response = client_for(owner).post(reverse("reminders:push"), body, content_type="application/json")
    assert response.status_code == 400 and "push subscription" in response.json()["error"]
    assert not PushSubscription.objects.exists()
