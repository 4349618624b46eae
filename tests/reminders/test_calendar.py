"""The calendar feed (issue 10, point 3), worked by hand: on Monday 2 March
2026 in London, a regimen on Mondays, Wednesdays and Fridays from 1 February,
1000 IU a dose; a lot of 3 vials of 1000 IU expiring on 20 March; a lot
expiring in June; an empty lot expiring in March."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from hemolog.reminders.models import CalendarFeed
from tests import factories

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # Monday, 09:00 in London (GMT)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def family(frozen, owner, patient):
    owner.time_zone = "Europe/London"
    owner.save()
    factories.make_regimen(
        patient, schedule="WEEKDAYS", interval_days=None, weekdays="024", start_date=dt.date(2026, 2, 1)
    )
    factories.make_lot(patient, vials=3, lot_number="SOON", expires_on=dt.date(2026, 3, 20))
    factories.make_lot(patient, vials=5, lot_number="LATER", brand="Advate", expires_on=dt.date(2026, 6, 1))
    empty = factories.make_lot(patient, vials=1, lot_number="EMPTY", expires_on=dt.date(2026, 3, 25))
    factories.make_infusion(patient, days_ago=20, lot=empty)  # its last vial used
    return patient


def feed_url(client) -> str:
    page = client.post(reverse("reminders:settings"), {"action": "renew"}).content.decode()
    start = page.index('id="calendar-link" value="') + len('id="calendar-link" value="')
    return page[start : page.index('"', start)]


def events(client, url: str) -> list:
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    return [c for c in Calendar.from_ical(response.content).walk("VEVENT")]


def test_the_feed_has_the_doses_the_expiring_lot_and_the_end_of_the_stock(client_for, owner, family):
    url = feed_url(client_for(owner))
    found = events(client_for(owner).__class__(), url)  # a phone's calendar: no session
    doses = [e for e in found if str(e["uid"]).startswith("dose-")]
    days = [e.decoded("dtstart") for e in doses]
    # Mon 2 Mar to Mon 27 Apr (8 weeks): 8 weeks of 3 doses, and Monday 27 April.
    assert len(days) == 25 and days[:3] == [dt.date(2026, 3, 2), dt.date(2026, 3, 4), dt.date(2026, 3, 6)]
    assert days[-1] == dt.date(2026, 4, 27)
    assert str(doses[0]["summary"]) == "Leo: prophylaxis dose"
    assert "Advate 1000 IU" in str(doses[0]["description"])
    alarm = doses[0].walk("VALARM")[0]
    assert alarm.decoded("trigger") == dt.timedelta(hours=8)  # 08:00 on the day

    lots = [e for e in found if str(e["uid"]).startswith("lot-")]
    assert [(str(e["summary"]), e.decoded("dtstart")) for e in lots] == [
        ("Leo: lot SOON expires", dt.date(2026, 3, 20))
    ]
    assert "3 vials left" in str(lots[0]["description"])
    assert lots[0].walk("VALARM")[0].decoded("trigger") == -dt.timedelta(days=7)

    # 3 vials + 5 vials of 1000 IU = 8 doses; 7 days over 3 doses a week: floor(8 × 7/3) = 18 days.
    (stock,) = [e for e in found if str(e["uid"]).startswith("stock-")]
    assert stock.decoded("dtstart") == dt.date(2026, 3, 20) and "runs out" in str(stock["summary"])


def test_a_dose_logged_today_leaves_today_out(client_for, owner, family, lot):
    factories.make_infusion(family, days_ago=2 / 24, lot=lot, dose=Decimal(1000))  # 07:00 today
    url = feed_url(client_for(owner))
    days = [e.decoded("dtstart") for e in events(client_for(owner), url) if str(e["uid"]).startswith("dose-")]
    assert days[0] == dt.date(2026, 3, 4)


def test_a_dose_marked_skipped_ahead_is_not_reminded(client_for, owner, family):
    family.skipped_doses.create(day=dt.date(2026, 3, 4), reason="ILLNESS")
    url = feed_url(client_for(owner))
    days = [e.decoded("dtstart") for e in events(client_for(owner), url) if str(e["uid"]).startswith("dose-")]
    assert days[:2] == [dt.date(2026, 3, 2), dt.date(2026, 3, 6)] and len(days) == 24


def test_revoked_renewed_and_made_up_links_are_404(client, client_for, owner, family):
    browser = client_for(owner)
    old = feed_url(browser)
    new = feed_url(browser)  # renewed: the old one stops
    assert client.get(old).status_code == 404 and client.get(new).status_code == 200
    browser.post(reverse("reminders:settings"), {"action": "revoke"})
    assert client.get(new).status_code == 404 and not CalendarFeed.objects.exists()
    assert client.get("/calendar/" + "A" * 32 + ".ics").status_code == 404
    assert client.get("/calendar/" + "A" * 500 + ".ics").status_code == 404


def test_only_the_users_own_patients_to_log_for(client_for, owner, clinician, stranger, family):
    factories.make_regimen(factories.make_patient(owner=stranger, display_name="Zed"))
    url = feed_url(client_for(clinician))  # the clinician sees Leo, read-only: no reminders
    assert events(client_for(clinician), url) == []
    url = feed_url(client_for(owner))
    assert {str(e["summary"]).split(":")[0] for e in events(client_for(owner), url)} == {"Leo"}
