"""Throttles: failed log-ins per address, shared by every process."""

import datetime as dt
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from hemolog.accounts.models import User
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
TOO_MANY = "Too many failed login attempts"
PUBLIC_HOST = "hemolog.test"


def log_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_the_sixth_wrong_password_is_refused_even_when_right_until_the_time_has_passed(client, owner):
    with time_machine.travel(dt.datetime(2026, 6, 10, 10, 0, tzinfo=dt.UTC), tick=False) as clock:
        for _ in range(5):
            assert log_in(client, owner.email, "wrong-password").status_code == 200
        refused = log_in(client, owner.email, factories.PASSWORD)
        assert refused.status_code == 200
        assert TOO_MANY in refused.content.decode()
        assert "Forgot your password?" in refused.content.decode()  # the way back
        assert client.get(reverse("home")).status_code == 302
        clock.shift(dt.timedelta(minutes=14))
        assert TOO_MANY in log_in(client, owner.email, factories.PASSWORD).content.decode()
        clock.shift(dt.timedelta(minutes=2))
        response = log_in(client, owner.email, factories.PASSWORD)
        assert response.status_code == 302 and response["Location"] == reverse("home")


def test_the_throttle_counts_per_address_not_per_browser(owner, caregiver):
    """Each try from a fresh client (no cookies kept) still counts."""
    for _ in range(5):
        log_in(Client(), owner.email, "wrong-password")
    assert TOO_MANY in log_in(Client(), owner.email, factories.PASSWORD).content.decode()
    # Another address is not held back by it.
    assert log_in(Client(), caregiver.email, factories.PASSWORD).status_code == 302


def test_a_successful_log_in_does_not_reset_the_count_of_an_attacker(client, owner):
    for _ in range(4):
        log_in(client, owner.email, "wrong-password")
    assert log_in(fresh_client(), owner.email, factories.PASSWORD).status_code == 302
    log_in(client, owner.email, "wrong-password")
    assert TOO_MANY in log_in(client, owner.email, factories.PASSWORD).content.decode()


def fresh_client():
    return Client()


# Two server processes ------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


@pytest.fixture
def two_servers(transactional_db):
    """Two gunicorn processes on the test database, each with its own memory."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hemolog.settings_test",
        "DATABASE_URL": database_url(),
        "DJANGO_DEBUG": "",
        "DJANGO_ALLOWED_HOSTS": f"{PUBLIC_HOST},127.0.0.1",
    }
    env.pop("REDIS_URL", None)
    ports = [free_port(), free_port()]
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    servers = [
        subprocess.Popen(
            [gunicorn, "hemolog.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--log-level", "warning"],
            cwd=ROOT,
            env=env,
        )
        for port in ports
    ]
    try:
        for port in ports:
            wait_for(f"http://127.0.0.1:{port}/healthz/")
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)


def wait_for(url: str) -> None:
    for _ in range(150):
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer")


class Browser:
    """Cookies kept across both servers, as one browser would; each request
    names the site's one public host, as a load balancer in front passes it on."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def log_in(self, server: str, email: str, password: str) -> tuple[str, str]:
        """Post the log-in form of ``server``; the page answered and where it ended."""
        url, host = f"{server}/accounts/login/", {"Host": PUBLIC_HOST}
        self.opener.open(urllib.request.Request(url, headers=host)).read()
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        body = urllib.parse.urlencode({"login": email, "password": password, "csrfmiddlewaretoken": token}).encode()
        with self.opener.open(urllib.request.Request(url, data=body, headers=host)) as response:
            return response.read().decode(), response.url


def test_the_throttle_holds_when_the_tries_alternate_between_two_server_processes(two_servers):
    factories.make_user("parent@example.org")
    browser = Browser()
    for attempt in range(5):
        page, _ = browser.log_in(two_servers[attempt % 2], "parent@example.org", "wrong-password")
        assert TOO_MANY not in page
    for server in two_servers:
        page, url = browser.log_in(server, "parent@example.org", factories.PASSWORD)
        assert TOO_MANY in page
        assert url.endswith("/accounts/login/")


def test_a_password_reset_ends_the_wait(client, owner):
    for _ in range(5):
        log_in(client, owner.email, "wrong-password")
    assert TOO_MANY in log_in(client, owner.email, factories.PASSWORD).content.decode()
    client.post(reverse("account_reset_password"), {"email": owner.email})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    form_page = client.get(link, follow=True)
    new = {"password1": "a-new-long-passphrase", "password2": "a-new-long-passphrase"}
    assert client.post(form_page.redirect_chain[-1][0], new).status_code == 302
    assert log_in(client, owner.email, "a-new-long-passphrase").status_code == 302


def test_reset_e_mails_for_one_address_are_limited(client, owner):
    for _ in range(3):
        assert client.post(reverse("account_reset_password"), {"email": owner.email}).status_code == 302
    refused = client.post(reverse("account_reset_password"), {"email": owner.email})
    assert refused.status_code == 429
    assert "Too many tries" in refused.content.decode()
    assert len(mail.outbox) == 3


def test_sign_ups_from_one_address_are_limited(db):
    data = {"first_name": "N", "time_zone": "UTC", "password1": "a-long-passphrase", "password2": "a-long-passphrase"}
    for n in range(10):
        Client().post(reverse("account_signup"), {**data, "email": f"new{n}@example.org"})
    response = Client().post(reverse("account_signup"), {**data, "email": "one.more@example.org"})
    assert response.status_code == 429
    assert User.objects.count() == 10
