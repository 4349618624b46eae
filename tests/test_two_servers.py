"""Two app servers (two gunicorn processes on two ports) over one database,
with their caches and sessions' cache in one Redis, as a treatment centre runs
Hemolog: a log-in on one is valid on the other, an entry saved through one
shows at once on the other (no stale cache), and the log-in throttle counts
the tries made on both."""

import datetime as dt

import pytest
import redis
from django.utils import timezone

from tests import factories
from tests.accounts.test_throttles import assert_the_throttle_holds_across
from tests.servers import Browser, servers_on_the_test_database

REDIS_URL = "redis://127.0.0.1:6379/13"  # a database of its own, emptied before and after


@pytest.fixture
def servers(transactional_db):
    store = redis.Redis.from_url(REDIS_URL)
    store.flushdb()
    try:
        with servers_on_the_test_database(redis_url=REDIS_URL) as urls:
            yield urls
    finally:
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
    assert_the_throttle_holds_across(servers)
