"""Reminders in a phone's calendar (issue 10, point 3): the link made on the
Reminders page, subscribed to as a calendar app would (no log-in), parsed with
icalendar: the next scheduled dose and the lot that expires are in it."""

import datetime as dt
import json
import urllib.request

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import Page, expect

from hemolog.insights.due import patient_dose_status
from tests import factories

from .test_journeys import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_subscribe_to_the_calendar_and_find_the_next_dose_and_the_expiring_lot(page: Page, live_server, owner, patient):
    factories.make_regimen(patient)  # every 2 days
    soon = timezone.localdate() + dt.timedelta(days=10)
    factories.make_lot(patient, vials=2, lot_number="SOON7", expires_on=soon)
    page.set_viewport_size({"width": 375, "height": 667})
    log_in(page, live_server, owner.email)
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Reminders").click()
    page.get_by_role("button", name="Make a calendar link").click()
    link = page.get_by_label("Your calendar link (shown once: copy it now)")
    url = link.input_value()
    assert url.startswith(f"{live_server.url}/calendar/") and url.endswith(".ics")
    expect(page.get_by_role("button", name="Stop the link")).to_be_visible()

    with urllib.request.urlopen(url, timeout=10) as response:  # the phone's calendar app: no cookies
        calendar = Calendar.from_ical(response.read())
    found = list(calendar.walk("VEVENT"))
    doses = sorted(e.decoded("dtstart") for e in found if str(e["summary"]) == "Leo: prophylaxis dose")
    with timezone.override(owner.time_zone):
        assert doses[0] == patient_dose_status(patient).next_due
    assert doses[1] - doses[0] == dt.timedelta(days=2)
    lots = [e for e in found if str(e["summary"]) == "Leo: lot SOON7 expires"]
    assert len(lots) == 1 and lots[0].decoded("dtstart") == soon

    page.get_by_role("button", name="Stop the link").click()
    expect(page.get_by_role("status").filter(has_text="The calendar link no longer works.")).to_be_visible()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=10)
    assert refused.value.code == 404


def test_mark_a_missed_dose_skipped_and_see_adherence_name_it(page: Page, live_server, owner, log):
    log.infusions.filter(reason="PROPHYLAXIS").order_by("given_at")[1].delete()  # four days ago: not given
    page.set_viewport_size({"width": 375, "height": 667})
    log_in(page, live_server, owner.email)
    card = page.get_by_role("region", name="Leo")
    expect(card.get_by_text("overdue")).to_be_visible()
    card.get_by_role("link", name="Skipped the dose of").click()
    page.get_by_text("Illness", exact=True).click()
    page.get_by_role("button", name="Mark skipped").click()
    expect(page.get_by_role("status").filter(has_text="is marked skipped (illness).")).to_be_visible()
    expect(page.locator("#dose-status")).not_to_contain_text("Not logged")
    expect(page.get_by_text("; 1 skipped (illness)")).to_be_visible()  # adherence's calculation names it
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("region", name="Leo").get_by_text("overdue")).to_have_count(0)


@pytest.mark.browser_context_args(service_workers="allow")  # the Push API goes through the service worker
def test_the_reminder_settings_and_the_push_button(page: Page, live_server, owner):
    from hemolog.reminders.models import ReminderSettings

    page.context.grant_permissions(["notifications"])
    log_in(page, live_server, owner.email)
    page.goto(f"{live_server.url}/accounts/reminders/")
    on = page.get_by_role("button", name="Turn on notifications here")
    expect(on).to_be_visible()  # the browser has the Push API
    on.click()
    # Headless Chromium has no push service to register with: the page says so, nothing is stored.
    expect(page.locator("#push-state")).to_have_text("The browser could not turn them on.")
    page.get_by_label("Also by e-mail").check()
    page.get_by_label("Quiet from").fill("22:30")
    page.get_by_label("Remind when the stock lasts fewer than (days)").fill("10")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Reminder settings saved.")).to_be_visible()
    saved = ReminderSettings.objects.get(user=owner)
    assert (saved.by_email, saved.quiet_from, saved.low_stock_days) == (True, dt.time(22, 30), 10)
    assert not owner.push_subscriptions.exists()


# The browser's own registration with its push service (Google's, for Chromium) needs the
# internet: the test stands in for it, and only for it. PushManager hands the page a
# subscription with the keys of the test's phone; the rest is the page's own code, the
# server, the real scheduler process and a push service on a local port.
STAND_IN_PUSH_SERVICE = """(subscription) => {
    let current = null;
    PushManager.prototype.getSubscription = function () { return Promise.resolve(current); };
    PushManager.prototype.subscribe = function () {
        current = { toJSON: () => subscription, unsubscribe: () => { current = null; return Promise.resolve(true); } };
        return Promise.resolve(current);
    };
}"""


@pytest.mark.browser_context_args(service_workers="allow")
def test_turn_on_notifications_and_receive_a_dose_reminder(page: Page, live_server, owner, log):
    from hemolog.reminders.models import ReminderSettings
    from tests.reminders.test_push import Phone, PushService, scheduler_once

    log.infusions.filter(reason="PROPHYLAXIS").order_by("given_at")[1].delete()  # four days ago: not given
    ReminderSettings.objects.create(user=owner, quiet_from="00:00", quiet_until="00:00")
    service = PushService()
    try:
        phone = Phone(service.url)
        page.add_init_script(f"({STAND_IN_PUSH_SERVICE})({json.dumps(phone.subscription)})")
        page.context.grant_permissions(["notifications"])
        log_in(page, live_server, owner.email)
        page.goto(f"{live_server.url}/accounts/reminders/")
        page.get_by_role("button", name="Turn on notifications here").click()
        expect(page.locator("#push-state")).to_have_text("Notifications are on for this phone.")
        expect(page.get_by_role("button", name="Turn them off here")).to_be_visible()
        assert [s.endpoint for s in owner.push_subscriptions.all()] == [service.url]

        scheduler_once()
        ((headers, body),) = service.received
        message = phone.read(body)  # decrypted with the subscription's keys
        assert message["title"] == "Leo's prophylaxis dose is due" and message["url"] == "/"
        page.get_by_role("button", name="Turn them off here").click()
        expect(page.locator("#push-state")).to_have_text("Notifications are off for this phone.")
        assert not owner.push_subscriptions.exists()
    finally:
        service.close()
