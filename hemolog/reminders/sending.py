"""The reminders the scheduler sends (every 15 minutes, hemolog.background.periodic):
for each patient a user logs for, a scheduled prophylaxis dose whose window
closed without a logged dose (nor one marked skipped), the regimen's stock
lasting fewer than the user's number of days, a lot with vials left expiring
within 30 days. By push to each phone the user turned it on for, and by
e-mail if they chose it; never in their quiet hours (their own time zone:
what is due waits for the end of them); each once (a SentReminder row).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext, pgettext

from hemolog.accounts.language import language_of
from hemolog.background.periodic import periodic
from hemolog.core import display
from hemolog.insights.dashboard import regimen_stock
from hemolog.insights.due import dose_statuses
from hemolog.inventory.models import EXPIRY_WARNING_DAYS, StockLot
from hemolog.logbook.schedules import schedule_record
from hemolog.patients.models import Patient

from . import push
from .models import ReminderSettings, SentReminder

UNSUBSCRIBE_SALT = "hemolog.reminders.unsubscribe"


@dataclass(frozen=True)
class Reminder:
    key: str  # once per user and key
    title: str
    body: str
    path: str  # the page it opens


def reminders_for(user, now: dt.datetime, low_stock_days: int) -> list[Reminder]:
    """What ``user`` should be reminded of at ``now``, sent or not."""
    tz = ZoneInfo(user.time_zone)
    found: list[Reminder] = []
    with timezone.override(tz):
        today = now.astimezone(tz).date()
        patients = list(Patient.objects.writable_by(user).order_by("pk"))
        statuses = dose_statuses([p.pk for p in patients], now)
        for patient in patients:
            status = statuses[patient.pk]
            for day in status.overdue if status else ():
                found.append(
                    Reminder(
                        f"dose-{patient.pk}-{day.isoformat()}",
                        gettext("%(name)s's prophylaxis dose is due") % {"name": patient.display_name},
                        # Translators: %(day)s is a weekday and a day, as "Monday 30 Nov".
                        gettext("The dose of %(day)s is not logged. Log it, or say why it was skipped.")
                        % {"day": date_format(day, _weekday_format())},
                        reverse("home"),
                    )
                )
            found += _stock(patient, today, low_stock_days) + _expiring(patient, today)
    return found


def _weekday_format() -> str:
    # Translators: how a reminder names the day of a missed dose, in Django's date
    # format letters (l: weekday, j: day of the month, M: month abbreviated), e.g.
    # "Monday 30 Nov". Reorder, and add the punctuation your language writes ("l j. M").
    return pgettext("date format of a missed dose's day", "l j M")


def _stock(patient, today: dt.date, low_stock_days: int) -> list[Reminder]:
    regimen = patient.regimens.active_on(today).select_related("product").order_by("-start_date").first()
    if regimen is None:
        return []
    days = regimen_stock(patient, schedule_record(regimen), regimen.product_id, today).days_of_prophylaxis
    if days is None or days >= low_stock_days:
        return []
    year, week, _ = today.isocalendar()
    title = gettext("%(name)s's stock runs low") % {"name": patient.display_name}
    body = ngettext(
        "%(product)s for about %(days)d more day of prophylaxis. Order more.",
        "%(product)s for about %(days)d more days of prophylaxis. Order more.",
        days,
    ) % {"product": regimen.product.brand_name, "days": days}
    return [Reminder(f"stock-{patient.pk}-{year}-{week}", title, body, reverse("inventory:stock", args=[patient.pk]))]


def _expiring(patient, today: dt.date) -> list[Reminder]:
    lots = StockLot.objects.filter(
        patient=patient,
        vials_on_hand__gt=0,
        expires_on__gte=today,
        expires_on__lte=today + dt.timedelta(days=EXPIRY_WARNING_DAYS),
    ).select_related("product")
    return [
        Reminder(
            f"expiry-{lot.pk}-{lot.expires_on.isoformat()}",
            gettext("%(name)s: lot %(lot)s expires soon") % {"name": patient.display_name, "lot": lot.lot_number},
            ngettext(
                "%(product)s lot %(lot)s expires on %(day)s with %(count)d vial left.",
                "%(product)s lot %(lot)s expires on %(day)s with %(count)d vials left.",
                lot.vials_on_hand,
            )
            % {
                "product": lot.product.brand_name,
                "lot": lot.lot_number,
                "day": display.day(lot.expires_on),
                "count": lot.vials_on_hand,
            },
            reverse("inventory:stock", args=[patient.pk]),
        )
        for lot in lots
    ]


@periodic("send_reminders", every=dt.timedelta(minutes=15))
def send_reminders(now: dt.datetime) -> str:
    users = (
        get_user_model()
        .objects.filter(Q(push_subscriptions__isnull=False) | Q(reminder_settings__by_email=True), is_active=True)
        .distinct()
    )
    sent = 0
    for user in users:
        sent += send_to(user, now)
    return f"{sent} reminders sent"


def send_to(user, now: dt.datetime) -> int:
    """Send ``user`` what is due and not sent yet, unless it is their quiet time; how many."""
    choice = ReminderSettings.of(user)
    if choice.is_quiet(now.astimezone(ZoneInfo(user.time_zone)).time()):
        return 0
    with translation.override(language_of(user)):  # written in the recipient's language
        return _send_due(user, now, choice)


def _send_due(user, now: dt.datetime, choice: ReminderSettings) -> int:
    due = reminders_for(user, now, choice.low_stock_days)
    sent_before = set(
        SentReminder.objects.filter(user=user, key__in=[r.key for r in due]).values_list("key", flat=True)
    )
    subscriptions = list(user.push_subscriptions.all())
    count = 0
    for reminder in due:
        if reminder.key in sent_before:
            continue
        SentReminder.objects.create(user=user, key=reminder.key)
        for subscription in subscriptions:
            push.send(subscription, reminder.title, reminder.body, reminder.path)
        if choice.by_email:
            _email(user, reminder)
        count += 1
    return count


def unsubscribe_token(user) -> str:
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT)


def _email(user, reminder: Reminder) -> None:
    base = settings.SITE_URL.rstrip("/")
    unsubscribe = base + reverse("reminders:unsubscribe", args=[unsubscribe_token(user)])
    body = "\n\n".join(
        [
            reminder.body,
            base + reminder.path,
            gettext("You get this because you chose e-mail reminders in Hemolog. Stop them: %(link)s")
            % {"link": unsubscribe},
        ]
    )
    message = EmailMessage(
        subject=reminder.title,
        body=body,
        to=[user.email],
        headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    message.send()
