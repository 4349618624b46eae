"""Due and overdue prophylaxis doses, on the home page and the dashboard."""

import datetime as dt

from django.utils import timezone

from hemolog.insights.due import patient_dose_status
from tests import factories


def every_other_day_since_ten_days_ago(patient):
    # Scheduled on days -10, -8, -6, -4, -2 and today (every 2 days from day -10).
    return factories.make_regimen(patient, start_date=timezone.localdate() - dt.timedelta(days=10), interval_days=2)


def test_a_missed_dose_is_overdue_and_today_is_due(patient):
    every_other_day_since_ten_days_ago(patient)
    for days_ago in (10, 8, 6, 4):  # day -2 was missed
        factories.make_infusion(patient, days_ago=days_ago)
    status = patient_dose_status(patient)
    today = timezone.localdate()
    assert status.overdue == (today - dt.timedelta(days=2),)
    assert status.next_due == today and status.due_today


def test_after_todays_dose_the_next_is_in_two_days(patient):
    every_other_day_since_ten_days_ago(patient)
    for days_ago in (10, 8, 6, 4, 2, 0.01):
        factories.make_infusion(patient, days_ago=days_ago)
    status = patient_dose_status(patient)
    assert status.overdue == ()
    assert status.next_due == timezone.localdate() + dt.timedelta(days=2)


def test_no_regimen_no_status(patient):
    assert patient_dose_status(patient) is None


def test_the_home_page_shows_the_overdue_dose(client_for, owner, patient):
    every_other_day_since_ten_days_ago(patient)
    for days_ago in (10, 8, 6, 4):
        factories.make_infusion(patient, days_ago=days_ago)
    html = client_for(owner).get("/").content.decode()
    missed = timezone.localdate() - dt.timedelta(days=2)
    assert f"Not logged: the dose of {missed:%a} {missed.day} {missed:%b}" in html
    assert "due today" in html
