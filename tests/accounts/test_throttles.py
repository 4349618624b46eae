"""Throttles: failed log-ins per address, shared by every process."""

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from hemolog.accounts.models import User
from tests import factories
from tests.servers import Browser, servers_on_the_test_database

ROOT = Path(__file__).resolve().parents[2]
TOO_MANY = "Too many failed login attempts"


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
    assert log_in(Client(), owner.email, factories.PASSWORD).status_code == 302
    log_in(client, owner.email, "wrong-password")
    assert TOO_MANY in log_in(client, owner.email, factories.PASSWORD).content.decode()


# Two server processes ------------------------------------------------------


@pytest.fixture
def two_servers(transactional_db):
    """Two gunicorn processes on the test database, each with its own memory."""
    with servers_on_the_test_database() as urls:
        yield urls


def assert_the_throttle_holds_across(servers: list[str]) -> None:
    """Five wrong passwords in turn on the servers; then the right one is refused by each."""
    factories.make_user("parent@example.org")
    browser = Browser()
    for attempt in range(5):
        page, _ = browser.log_in(servers[attempt % len(servers)], "parent@example.org", "wrong-password")
        assert TOO_MANY not in page
    for server in servers:
        page, url = browser.log_in(server, "parent@example.org", factories.PASSWORD)
        assert TOO_MANY in page
        assert url.endswith("/accounts/login/")


def test_the_throttle_holds_when_the_tries_alternate_between_two_server_processes(two_servers):
    assert_the_throttle_holds_across(two_servers)


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
