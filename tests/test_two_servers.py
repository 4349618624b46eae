"""Two app servers (two gunicorn processes on two ports) over one database,
with their caches and sessions' cache in one Redis, as a treatment centre runs
Hemolog: a log-in on one is valid on the other, an entry saved through one
shows at once on the other (no stale cache), and the log-in throttle counts
the tries made on both."""

import datetime as dt

import pytest
import redis
from django.db import connection
from django.utils import timezone

from tests import factories
from tests.servers import Browser, start_gunicorn, stop, wait_for

REDIS_URL = "redis://127.0.0.1:6379/13"  # a database of its own, emptied before and after


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


@pytest.fixture
def servers(transactional_db):
    store = redis.Redis.from_url(REDIS_URL)
    store.flushdb()
    started = [start_gunicorn(database_url(), REDIS_URL) for _ in range(2)]
    try:
        for _, url in started:
            wait_for(f"{url}/healthz/")
        yield [url for _, url in started]
    finally:
        for server, _ in started:
            stop(server)
        store.flushdb()


def test_a_log_in_and_an_entry_made_on_one_server_hold_on_the_other(servers):
    one, other = servers
    owner = factories.make_user("parent@example.org")
    patient = factories.make_patient(owner=owner, display_name="Leo")
    browser = Browser()
    browser.log_in(one, owner.email, factories.PASSWORD)

    bleeds = f"/patients/{patient.pk}/bleeds/"
    for _ in range(2):  # the other server's lists and counts are cached by now
        status, page = browser.get(f"{other}{bleeds}")
        assert status == 200 and "No bleeds" in page

    started = (timezone.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    entry = {"started_at": started, "site": "KNEE", "side": "L", "cause": "SPONTANEOUS", "severity": "MODERATE"}
    status, _ = browser.post(f"{one}/patients/{patient.pk}/bleeds/new/", entry)
    assert status == 200 and patient.bleeds.count() == 1

    status, page = browser.get(f"{other}{bleeds}")
    assert status == 200 and "Left knee" in page and "No bleeds" not in page
    # The caches and the session are in Redis, not in either process.
    keys = {key.decode() for key in redis.Redis.from_url(REDIS_URL).keys("*")}
    assert any(key.startswith("hemolog-values:") for key in keys), keys
    assert any(key.startswith("hemolog:") and "cached_db" in key for key in keys), keys


def test_the_log_in_throttle_counts_the_tries_made_on_both(servers):
    factories.make_user("parent@example.org")
    browser = Browser()
    for attempt in range(5):
        page, _ = browser.log_in(servers[attempt % 2], "parent@example.org", "wrong-password")
        assert "Too many failed login attempts" not in page
    for server in servers:
        page, _ = browser.log_in(server, "parent@example.org", factories.PASSWORD)
        assert "Too many failed login attempts" in page
