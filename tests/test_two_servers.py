"""Two app servers (two gunicorn processes on two ports) over one database,
with their caches, sessions' cache and task queue in one Redis and a worker
process of their own, as a treatment centre runs Hemolog: a log-in on one is
valid on the other, an entry saved through one shows at once on the other (no
stale cache), a CSV import previewed on one is confirmed on the other, and
the log-in throttle counts the tries made on both."""

import datetime as dt
import re
import time

import pytest
import redis
from django.utils import timezone

from tests import factories
from tests.accounts.test_throttles import assert_the_throttle_holds_across
from tests.exports.csv_import_helpers import bleed, csv_file
from tests.servers import Browser, servers_on_the_test_database, start_worker, stop, suite_database_url

REDIS_URL = "redis://127.0.0.1:6379/13"  # a database of its own, emptied before and after


@pytest.fixture
def servers(transactional_db):
    store = redis.Redis.from_url(REDIS_URL)
    store.flushdb()
    try:
        queue = {"HEMOLOG_TASK_BACKEND": "rq", "QUEUE_REDIS_URL": REDIS_URL}
        worker = start_worker(suite_database_url(), REDIS_URL=REDIS_URL, HEMOLOG_TEST_SERVER_REDIS="1", **queue)
        try:
            with servers_on_the_test_database(redis_url=REDIS_URL, **queue) as urls:
                yield urls
        finally:
            stop(worker)
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


def wait_for_page(browser: Browser, url: str, until: str, seconds: float = 30) -> tuple[str, str]:
    """Open ``url`` (a job's page refreshes itself: so does this) until the page holds ``until``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page, at = browser.visit(url)
        if until in page:
            return page, at
        url = at  # the job's page
        time.sleep(0.3)
    raise AssertionError(f"{until!r} not on {url} after {seconds} s:\n{page[:2000]}")


def test_an_import_previewed_on_one_server_is_confirmed_on_the_other(servers):
    one, other = servers
    owner = factories.make_user("parent@example.org")
    patient = factories.make_patient(owner=owner, display_name="Leo")
    browser = Browser()
    browser.log_in(one, owner.email, factories.PASSWORD)

    content = csv_file(["started_at", "site", "side", "cause", "severity"], [bleed(5), bleed(4, site="HIP", side="R")])
    upload = f"{one}/patients/{patient.pk}/import/"
    status, page, at = browser.post_file(upload, {"kind": ""}, "file", "bleeds.csv", content)
    assert status == 200 and "/jobs/" in at  # checked by the worker, while its page waits

    page, _ = wait_for_page(browser, f"{other}/patients/{patient.pk}/import/preview/", until='name="fingerprint"')
    assert "Left knee" in page and "Right hip" in page
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    fingerprint = re.search(r'name="fingerprint" value="([^"]+)"', page).group(1)

    preview = f"{other}/patients/{patient.pk}/import/preview/"
    status, page, at = browser.submit(preview, {"token": token, "fingerprint": fingerprint})
    assert status == 200
    page, at = wait_for_page(browser, at, until="2 bleeds imported.")
    assert at.endswith(f"/patients/{patient.pk}/bleeds/")
    assert patient.bleeds.count() == 2
