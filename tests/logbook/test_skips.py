"""A missed dose marked skipped, with why (issue 10, point 3): it stops being
reminded (the home page's "not logged"), and adherence's calculation names it
("…; 1 skipped (illness)") while still counting it as not taken."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from hemolog.insights.due import patient_dose_status
from hemolog.logbook.models import SkippedDose


@pytest.fixture
def missed_day(log):
    """The log's prophylaxis of four days ago, never given."""
    log.infusions.filter(reason="PROPHYLAXIS").order_by("given_at")[1].delete()
    status = patient_dose_status(log)
    assert status.overdue, "the log has a scheduled dose of the last week not logged"
    return status.overdue[-1]


def skip_url(patient, day) -> str:
    return reverse("logbook:dose_skip", args=[patient.pk]) + f"?day={day.isoformat()}"


def test_a_skipped_dose_stops_nagging_and_adherence_names_it(client_for, owner, log, missed_day):
    client = client_for(owner)
    before = client.get(reverse("insights:dashboard", args=[log.pk])).context["board"].adherence
    assert missed_day.strftime("%a %-d %b") in client.get("/").content.decode()

    response = client.post(skip_url(log, missed_day), {"reason": "ILLNESS", "note": "fever"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("insights:dashboard", args=[log.pk])
    assert (
        f"Leo: the dose of {missed_day.strftime('%a %-d %b')} is marked skipped (illness)." in response.content.decode()
    )
    skip = SkippedDose.objects.get(patient=log)
    assert (skip.day, skip.reason, skip.note, skip.created_by) == (missed_day, "ILLNESS", "fever", owner)

    after = response.context["board"].adherence
    assert (after.taken, after.scheduled) == (before.taken, before.scheduled)  # still not taken
    assert after.summary.endswith("; 1 skipped (illness)") and missed_day not in after.missed
    assert missed_day not in (patient_dose_status(log).overdue or ())
    assert f"?day={missed_day.isoformat()}" not in client.get("/").content.decode()


def test_only_a_scheduled_day_within_reach_can_be_skipped(client_for, owner, log, missed_day):
    client = client_for(owner)
    assert client.get(skip_url(log, missed_day)).status_code == 200
    unscheduled = missed_day + dt.timedelta(days=1)  # every 2 days: the day after is free
    far = timezone.localdate() - dt.timedelta(days=200)
    for day in (unscheduled, far):
        assert client.get(skip_url(log, day)).status_code == 404
    for value in ("", "2026-13-01", "x" * 5000, "\x00"):
        assert client.get(reverse("logbook:dose_skip", args=[log.pk]), {"day": value}).status_code == 404


def test_a_reason_is_needed_and_a_second_tap_adds_nothing(client_for, owner, log, missed_day):
    client = client_for(owner)
    page = client.post(skip_url(log, missed_day), {"reason": "", "note": "kept"}).content.decode()
    assert "There is 1 problem to fix" in page and 'value="kept"' in page and not SkippedDose.objects.exists()
    for _ in range(2):
        client.post(skip_url(log, missed_day), {"reason": "FORGOTTEN"})
    assert SkippedDose.objects.filter(patient=log).count() == 1
