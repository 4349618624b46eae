"""The axe-core check every browser test runs (tests/accessibility.py) finds
what it should: a page with violations fails it, and it sees every page a
journey visits, the pages behind redirects and forms shown again included."""

import re

import pytest
from playwright.sync_api import Page

from ..accessibility import Recorder, Visited
from .test_journeys import log_in

pytestmark = pytest.mark.django_db(transaction=True)

BAD_PAGE = b"""<!doctype html><html><head><title>Bad</title></head><body><main>
<h1>Bad</h1><img src="/static/icons/icon-192.png"><button></button>
<p style="color:#aaa;background:#fff">Pale text</p></main></body></html>"""


def test_a_page_with_violations_is_caught(page: Page, live_server):
    recorder = Recorder()
    url = f"{live_server.url}/a-bad-page/"
    recorder.pages[("GET", "/a-bad-page/")] = Visited("GET", url, BAD_PAGE)
    found = recorder.violations(page.context)
    assert all(line.startswith(f"GET {url}: [") for line in found), found
    rules = sorted(re.search(r"\[(\w+)\] ([\w-]+):", line).groups() for line in found)
    assert rules == [
        ("critical", "button-name"),
        ("critical", "image-alt"),
        ("serious", "color-contrast"),
        ("serious", "html-has-lang"),
    ]


def test_every_page_of_a_journey_is_kept_for_the_check(page: Page, live_server, owner, patient):
    recorder = Recorder()
    recorder.watch(page.context)
    log_in(page, live_server, owner.email)
    page.goto(f"{live_server.url}/patients/{patient.pk}/bleeds/new/")
    page.get_by_role("button", name="Save bleed").click()  # nothing chosen: the form comes back with its errors
    assert list(recorder.pages) == [
        ("GET", "/accounts/login/"),
        ("GET", "/"),  # behind the log-in's redirect
        ("GET", f"/patients/{patient.pk}/bleeds/new/"),
        ("POST", f"/patients/{patient.pk}/bleeds/new/"),
    ]
    assert recorder.pages[("POST", f"/patients/{patient.pk}/bleeds/new/")].body.count(b"invalid-feedback") > 0
    assert recorder.violations(page.context) == []
