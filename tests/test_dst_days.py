"""The days the clocks change in Europe, with the clock stopped on them and the
family in Europe/Berlin: due doses, adherence and the lists filtered by day
follow the local calendar day (23 hours in March, 25 in October), not 24-hour
steps and not UTC days.

2027: clocks go forward on Sunday 28 March at 02:00 (CET +01:00 → CEST +02:00)
and back on Sunday 31 October at 03:00 (CEST → CET, 02:00–03:00 happens twice).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from hemolog.inventory.models import StockLot
from hemolog.logbook.models import BleedEpisode, Infusion
from hemolog.logbook.services import record_infusion

from . import factories

BERLIN = ZoneInfo("Europe/Berlin")
UTC = dt.UTC


def berlin(*args, fold=0) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BERLIN, fold=fold)


@pytest.fixture
def family_in_berlin(owner, patient):
    owner.time_zone = "Europe/Berlin"
    owner.save(update_fields=["time_zone"])
    return patient


def log_dose(patient, given_at: dt.datetime) -> Infusion:
    return record_infusion(Infusion(patient=patient, given_at=given_at, product=factories.product(), dose=1000), None)


def board(client, patient, **query):
    url = reverse("insights:dashboard", kwargs={"patient_id": patient.pk})
    return client.get(url, query).context["board"]


@pytest.mark.parametrize("frozen_now", ["2027-03-28T21:00:00+02:00"], indirect=True)
def test_on_the_23_hour_day_a_dose_before_the_change_is_todays(frozen_now, client_for, owner, family_in_berlin):
    """00:30 on 28 March is still 27 March in UTC: it is the 28th's dose."""
    patient = family_in_berlin
    factories.make_regimen(patient, start_date=dt.date(2027, 3, 21), interval_days=1)
    for day in range(21, 27):
        log_dose(patient, berlin(2027, 3, day, 8))
    log_dose(patient, berlin(2027, 3, 27, 23, 50))  # 22:50 UTC
    log_dose(patient, berlin(2027, 3, 28, 0, 30))  # 23:30 UTC on the 27th
    client = client_for(owner)

    status = board(client, patient).dose_status
    assert (status.next_due, status.overdue) == (dt.date(2027, 3, 29), ())
    week = board(client, patient, period="custom", start="2027-03-21", end="2027-03-28").adherence
    assert (week.taken, week.scheduled, week.unscheduled) == (8, 8, 0)
    assert [(m.month, m.taken, m.scheduled) for m in week.months] == [(dt.date(2027, 3, 1), 8, 8)]


@pytest.mark.parametrize("frozen_now", ["2027-03-28T00:45:00+01:00"], indirect=True)
def test_just_after_midnight_yesterdays_dose_is_missed_though_utc_is_still_yesterday(
    frozen_now, client_for, owner, family_in_berlin
):
    """23:45 UTC on the 27th is already the 28th in Berlin: the 27th's dose is over."""
    patient = family_in_berlin
    factories.make_regimen(patient, start_date=dt.date(2027, 3, 25), interval_days=1)
    log_dose(patient, berlin(2027, 3, 25, 9))
    log_dose(patient, berlin(2027, 3, 26, 9))
    status = board(client_for(owner), patient).dose_status
    assert (status.next_due, status.overdue, status.due_today) == (dt.date(2027, 3, 28), (dt.date(2027, 3, 27),), True)


@pytest.mark.parametrize("frozen_now", ["2027-03-28T23:30:00+02:00"], indirect=True)
def test_late_on_the_23_hour_day_todays_dose_is_still_due(frozen_now, client_for, owner, family_in_berlin):
    """21:30 UTC, half an hour before the local day ends: not yet missed."""
    patient = family_in_berlin
    factories.make_regimen(patient, start_date=dt.date(2027, 3, 26), interval_days=1)
    log_dose(patient, berlin(2027, 3, 26, 9))
    log_dose(patient, berlin(2027, 3, 27, 9))
    html = client_for(owner).get("/").content.decode()
    assert "due today" in html
    assert "Not logged" not in html
    week = board(client_for(owner), patient, period="custom", start="2027-03-26", end="2027-03-28").adherence
    assert week.summary == "2 of 2 scheduled doses, 100 %"  # the 28th is not due yet


@pytest.mark.parametrize("frozen_now", ["2027-10-31T23:30:00+01:00"], indirect=True)
def test_on_the_25_hour_day_the_second_0230_is_that_days_dose(frozen_now, client_for, owner, family_in_berlin):
    """Daily from 29 October. A dose at 23:15 on the 30th (21:15 UTC) is the 30th's;
    the second 02:30 on the 31st (01:30 UTC) is the 31st's, and at 23:30 on that
    25-hour day (22:30 UTC) the 31st's dose is not missed yet."""
    patient = family_in_berlin
    factories.make_regimen(patient, start_date=dt.date(2027, 10, 29), interval_days=1)
    log_dose(patient, berlin(2027, 10, 29, 8))
    log_dose(patient, berlin(2027, 10, 30, 23, 15))
    client = client_for(owner)
    before = board(client, patient, period="custom", start="2027-10-29", end="2027-10-31").adherence
    assert (before.taken, before.scheduled, before.missed) == (2, 2, ())  # the 31st's window is open
    assert board(client, patient).dose_status.next_due == dt.date(2027, 10, 31)

    log_dose(patient, berlin(2027, 10, 31, 2, 30, fold=1))
    after = board(client, patient, period="custom", start="2027-10-29", end="2027-10-31").adherence
    assert (after.taken, after.scheduled, after.missed, after.unscheduled) == (3, 3, (), 0)
    status = board(client, patient).dose_status
    assert (status.next_due, status.overdue) == (dt.date(2027, 11, 1), ())


@pytest.mark.parametrize("frozen_now", ["2027-11-01T12:00:00+01:00"], indirect=True)
@pytest.mark.parametrize(
    ("day", "inside", "outside"),
    [
        (
            "2027-03-28",
            [berlin(2027, 3, 28, 0, 30), berlin(2027, 3, 28, 3, 0), berlin(2027, 3, 28, 23, 59)],
            [berlin(2027, 3, 27, 23, 59), berlin(2027, 3, 29, 0, 0)],
        ),
        (
            "2027-10-31",
            [berlin(2027, 10, 31, 0, 0), berlin(2027, 10, 31, 2, 30), berlin(2027, 10, 31, 2, 30, fold=1)],
            [berlin(2027, 10, 30, 23, 59), berlin(2027, 11, 1, 0, 0)],
        ),
    ],
)
def test_a_list_filtered_to_a_dst_day_holds_that_local_day(
    frozen_now, client_for, owner, family_in_berlin, day, inside, outside
):
    patient = family_in_berlin
    for moment in inside + outside:
        BleedEpisode.objects.create(patient=patient, started_at=moment, site="NOSE")
        log_dose(patient, moment)
    client = client_for(owner)
    expected = sorted(m.astimezone(UTC) for m in inside)
    for kind in ("bleeds", "infusions"):
        page = client.get(f"/patients/{patient.pk}/{kind}/", {"start": day, "end": day}).context["page"]
        field = "started_at" if kind == "bleeds" else "given_at"
        assert sorted(entry[field] for entry in page.object_list) == expected, kind


@pytest.mark.parametrize("frozen_now", ["2027-01-30T23:30:00+00:00"], indirect=True)
def test_expiry_warnings_count_days_in_the_users_zone(frozen_now, client_for, owner, family_in_berlin):
    """23:30 UTC on 30 January is 31 January in Berlin: a lot expiring on 2 March
    is 30 days away (warned), one that expired on 30 January is expired, not due."""
    patient = family_in_berlin
    factories.make_lot(patient, vials=4, lot_number="EDGE30", expires_on=dt.date(2027, 3, 2))
    factories.make_lot(patient, vials=4, lot_number="PAST31", expires_on=dt.date(2027, 3, 3))
    gone = factories.make_lot(patient, vials=2, lot_number="GONE", expires_on=dt.date(2027, 2, 10))
    StockLot.objects.filter(pk=gone.pk).update(expires_on=dt.date(2027, 1, 30))
    client = client_for(owner)
    lots = client.get(f"/patients/{patient.pk}/stock/").context["lots"]
    assert [lot.lot_number for lot in lots if lot.expiring] == ["EDGE30"]
    assert [lot.lot_number for lot in lots if lot.expired] == ["GONE"]
    home = client.get("/").content.decode()
    assert "EDGE30" in home and "PAST31" not in home
