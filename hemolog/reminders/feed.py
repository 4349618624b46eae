"""The calendar feed (iCalendar, RFC 5545, written with the ``icalendar``
package): for each patient the user logs for (owner or caregiver), the
regimen's prophylaxis doses of the next ``WEEKS`` weeks, the lots with vials
left that expire in that time, and the day the regimen's stock runs out; each
with an alarm. A phone's calendar subscribes to it by its secret URL and
asks again every few hours (``REFRESH-INTERVAL``, RFC 7986).

Events are whole days (a regimen names days, not times); each has a stable
UID, so a calendar updates an event rather than adding it twice.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext, ngettext
from icalendar import Alarm, Calendar, Event

from hemolog.clinical.adherence import scheduled_doses
from hemolog.core import display
from hemolog.insights.dashboard import regimen_stock
from hemolog.insights.due import patient_dose_status
from hemolog.insights.log import schedule_record
from hemolog.inventory.models import StockLot
from hemolog.patients.models import Patient

WEEKS = 8
DOSE_ALARM = dt.timedelta(hours=8)  # 08:00 on the day of the dose
EXPIRY_ALARM = -dt.timedelta(days=7)  # a week before
DOMAIN = "hemolog"


def calendar_for(user, now: dt.datetime, link: str = "") -> bytes:
    """The feed of ``user`` as of ``now``, as iCalendar bytes; ``link`` (the
    site's address) goes in each event's description."""
    calendar = Calendar()
    calendar.add("prodid", "-//Hemolog//Reminders//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Hemolog")
    calendar.add("refresh-interval", dt.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", dt.timedelta(hours=6))
    tz = ZoneInfo(user.time_zone)
    today = now.astimezone(tz).date()
    patients = Patient.objects.writable_by(user).order_by("pk")
    with timezone.override(tz):  # the due dose is the user's day's
        for patient in patients:
            events = _doses(patient, now, today, tz, link) + _expiring_lots(patient, today) + _stock_end(patient, today)
            for event in events:
                calendar.add_component(event)
    return calendar.to_ical()


def _event(uid: str, day: dt.date, summary: str, description: str, alarm: dt.timedelta) -> Event:
    event = Event()
    event.add("uid", f"{uid}@{DOMAIN}")
    event.add("dtstamp", dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC))
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")  # a reminder, not a busy time
    reminder = Alarm()
    reminder.add("action", "DISPLAY")
    reminder.add("description", summary)
    reminder.add("trigger", alarm)
    event.add_component(reminder)
    return event


def _doses(patient: Patient, now: dt.datetime, today: dt.date, tz, link: str) -> list[Event]:
    regimens = list(patient.regimens.select_related("product").exclude(end_date__lt=today).order_by("start_date", "pk"))
    if not regimens:
        return []
    by_ref = {regimen.pk: regimen for regimen in regimens}
    schedules = [schedule_record(regimen) for regimen in regimens]
    coming = scheduled_doses(schedules, today, today + dt.timedelta(weeks=WEEKS), tz)
    if coming and coming[0].day == today:
        status = patient_dose_status(patient, now)
        if status and status.next_due != today:
            coming = coming[1:]  # today's is logged already
    skipped = set(patient.skipped_doses.filter(day__gte=today).values_list("day", flat=True))
    events = []
    for scheduled in coming:
        if scheduled.day in skipped:  # marked skipped ahead: no reminder
            continue
        regimen = by_ref[scheduled.schedule.ref]
        product = regimen.product
        summary = gettext("%(name)s: prophylaxis dose") % {"name": patient.display_name}
        # Translators: a calendar event's text: the product's name, the dose and its unit
        # (IU or mg), then the site's address.
        description = gettext("%(product)s %(dose)s %(unit)s, as the regimen says. Log it in Hemolog. %(link)s") % {
            "product": product.brand_name,
            "dose": display.number(regimen.dose),
            "unit": product.unit,
            "link": link,
        }
        events.append(
            _event(f"dose-{patient.pk}-{scheduled.day:%Y%m%d}", scheduled.day, summary, description.strip(), DOSE_ALARM)
        )
    return events


def _expiring_lots(patient: Patient, today: dt.date) -> list[Event]:
    lots = StockLot.objects.filter(
        patient=patient, vials_on_hand__gt=0, expires_on__gte=today, expires_on__lte=today + dt.timedelta(weeks=WEEKS)
    ).select_related("product")
    events = []
    for lot in lots:
        summary = gettext("%(name)s: lot %(lot)s expires") % {"name": patient.display_name, "lot": lot.lot_number}
        description = ngettext(
            "%(product)s lot %(lot)s: %(count)d vial left, to use before it expires.",
            "%(product)s lot %(lot)s: %(count)d vials left, to use before it expires.",
            lot.vials_on_hand,
        ) % {"product": lot.product.brand_name, "lot": lot.lot_number, "count": lot.vials_on_hand}
        events.append(_event(f"lot-{lot.pk}-expires", lot.expires_on, summary, description, EXPIRY_ALARM))
    return events


def _stock_end(patient: Patient, today: dt.date) -> list[Event]:
    """The day the current regimen's stock runs out, when that is within the feed's weeks."""
    regimen = patient.regimens.active_on(today).select_related("product").order_by("-start_date").first()
    if regimen is None:
        return []
    stock = regimen_stock(patient, schedule_record(regimen), regimen.product_id, today)
    if stock.days_of_prophylaxis is None or stock.days_of_prophylaxis > WEEKS * 7:
        return []
    day = today + dt.timedelta(days=stock.days_of_prophylaxis)
    summary = gettext("%(name)s: %(product)s runs out around now") % {
        "name": patient.display_name,
        "product": regimen.product.brand_name,
    }
    description = gettext("The stock in the fridge lasts the regimen until about this day: order more.")
    return [_event(f"stock-{patient.pk}-{regimen.product_id}", day, summary, description, EXPIRY_ALARM)]
