"""The family home page: each patient's last entries, due dose and stock to
check, in a number of queries that grows neither with the patients nor with
their log, and never stale although cached."""

import datetime as dt
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hemolog.core.caching import values_cache
from hemolog.patients.models import PatientAccess
from tests import factories


def count_queries(client, url: str = "/") -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def without_token(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def children(owner, caregiver, first: int, count: int, days: int) -> list:
    """Children on prophylaxis every 2 days with ``days`` of log, the doses of
    the last two scheduled days missed, and a lot that expires soon each."""
    today = timezone.localdate()
    made = []
    for n in range(first, first + count):
        child = factories.make_patient(owner=owner, display_name=f"Child {n:02d}")
        factories.grant(caregiver, child, PatientAccess.Role.CAREGIVER)
        factories.make_regimen(child, start_date=today - dt.timedelta(days=days + 10), interval_days=2)
        factories.fill_log(child, days, [owner, caregiver], start_day=5)
        factories.make_lot(child, vials=2, lot_number=f"SOON{n:02d}", expires_on=today + dt.timedelta(days=5))
        made.append(child)
    return made


def test_queries_do_not_grow_with_the_patients_or_their_log(client_for, owner, caregiver, django_assert_num_queries):
    client = client_for(owner)
    children(owner, caregiver, 0, 1, days=1)
    cold, warm = count_queries(client), count_queries(client)
    assert warm < cold  # the second time, every patient's figures come from the cache
    children(owner, caregiver, 1, 5, days=40)
    values_cache.clear()
    with django_assert_num_queries(cold):
        response = client.get("/")
    with django_assert_num_queries(warm):
        assert without_token(client.get("/")) == without_token(response)
    html = response.content.decode()
    for n in range(6):
        assert f"Child {n:02d}" in html and f"SOON{n:02d}" in html
    assert html.count("data-dose-status=") == 6 and html.count("Not logged: the dose") == 6


def test_what_the_home_page_shows_follows_the_log_at_once(client_for, owner, patient):
    """Cached, but by the log's version: a dose, a lot or a bleed shows at once."""
    client = client_for(owner)
    today = timezone.localdate()
    factories.make_regimen(patient, start_date=today - dt.timedelta(days=10), interval_days=2)
    for days_ago in (10, 8, 6, 4):  # day -2 was missed
        factories.make_infusion(patient, days_ago=days_ago)
    html = client.get("/").content.decode()
    assert "Not logged: the dose of" in html and "Last bleed: none logged" in html and "SOON" not in html

    factories.make_infusion(patient, days_ago=2)
    factories.make_bleed(patient, days_ago=0.5)
    factories.make_lot(patient, vials=3, lot_number="SOON", expires_on=today + dt.timedelta(days=3))
    html = client.get("/").content.decode()
    assert "Not logged: the dose of" not in html and "Last bleed: 12\xa0hours ago" in html
    assert "SOON</a> (3 vials)" in html


def test_a_read_only_patient_has_no_due_dose_and_no_stock_alert(client_for, owner, stranger):
    theirs = stranger.patient_access.get().patient
    factories.grant(owner, theirs, PatientAccess.Role.CLINICIAN)
    factories.add_authenticator_app(owner)  # a clinician's account has a second factor
    factories.make_regimen(theirs, start_date=timezone.localdate() - dt.timedelta(days=10))
    factories.make_lot(theirs, vials=3, lot_number="THEIRS", expires_on=timezone.localdate() + dt.timedelta(days=3))
    mine = factories.make_patient(owner=owner, display_name="Mine")
    factories.make_regimen(mine, start_date=timezone.localdate() - dt.timedelta(days=10))
    html = client_for(owner).get("/").content.decode()
    assert f'data-dose-status="{mine.pk}"' in html and f'data-dose-status="{theirs.pk}"' not in html
    assert "THEIRS" not in html and "Clinician roster: 1 patient shared with you" in html
