"""Due doses: when the regimen's next prophylaxis dose is due and which
scheduled doses of the last week were never logged. The dashboard computes
it from the log it has read; the home page reads it for all of a user's
patients at once, in two queries whatever their number."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import pgettext

from hemolog.clinical.adherence import adherence, default_tolerance, scheduled_doses
from hemolog.clinical.records import PROPHYLAXIS, DoseRecord, ScheduleRecord
from hemolog.logbook.models import Infusion, Regimen, SkippedDose
from hemolog.patients.models import Patient

from .log import schedule_record

OVERDUE_DAYS = 7  # scheduled doses are reported missed for a week


def day_of_week(day: dt.date) -> str:
    """A scheduled day near today, as the active language writes it: "Wed 3 Dec"."""
    # Translators: a Django date format for a dose's day near today: D is the weekday's short name,
    # j the day of the month, M the month's short name ("Wed 3 Dec"). German might use "D, j. M".
    return formats.date_format(day, pgettext("date format", "D j M"))


def long_day_of_week(day: dt.date) -> str:
    """The next dose's day, as the active language writes it: "Wednesday 3 Dec"."""
    # Translators: a Django date format for the next dose's day: l is the weekday's full name,
    # j the day of the month, M the month's short name ("Wednesday 3 Dec"). German might use "l, j. M".
    return formats.date_format(day, pgettext("date format", "l j M"))


@dataclass(frozen=True)
class DoseStatus:
    """The regimen's next dose, and a scheduled dose not logged yet."""

    next_due: dt.date | None
    overdue: tuple[dt.date, ...]

    @property
    def due_today(self) -> bool:
        return self.next_due == timezone.localdate()


def dose_status(
    schedules: list[ScheduleRecord],
    doses: list[DoseRecord],
    now: dt.datetime,
    skipped: dict[dt.date, str] | None = None,
) -> DoseStatus | None:
    """When the next prophylaxis dose is due (a regimen starting later
    included), and which scheduled doses of the last week were never logged
    (a regimen that ended meanwhile included) nor marked skipped (``skipped``:
    those days, with the reason). None without such a regimen."""
    tz = timezone.get_current_timezone()
    today = now.astimezone(tz).date()
    week_ago = today - dt.timedelta(days=OVERDUE_DAYS)
    recent = [s for s in schedules if s.start_date < today and (s.end_date is None or s.end_date >= week_ago)]
    coming = [s for s in schedules if s.end_date is None or s.end_date >= today]
    if not recent and not coming:
        return None
    prophylaxis = [d for d in doses if d.reason == PROPHYLAXIS]
    skipped = skipped or {}
    upcoming = [s.day for s in scheduled_doses(coming, today, today + dt.timedelta(days=60), tz)]
    if upcoming and upcoming[0] == today and adherence(coming, prophylaxis, today, today, tz).taken:
        upcoming = upcoming[1:]
    upcoming = [day for day in upcoming if day not in skipped]
    missed: tuple[dt.date, ...] = ()
    if recent:
        missed = adherence(recent, prophylaxis, week_ago, today - dt.timedelta(days=1), tz, skipped=skipped).missed
    return DoseStatus(next_due=upcoming[0] if upcoming else None, overdue=missed[-3:])


def dose_statuses(patient_ids: Sequence[int], now: dt.datetime | None = None) -> dict[int, DoseStatus | None]:
    """:func:`dose_status` of each patient from the database: the regimens of
    all of them in one query, their recent prophylactic doses in another, the
    doses marked skipped in a third."""
    now = now or timezone.now()
    schedules: dict[int, list[ScheduleRecord]] = defaultdict(list)
    for regimen in Regimen.objects.filter(patient_id__in=patient_ids):
        schedules[regimen.patient_id].append(schedule_record(regimen))
    # Far enough back for each patient's widest matching window (every 4 weeks: ± 14 days).
    log_from = {
        pk: now - dt.timedelta(days=OVERDUE_DAYS + 1) - max(default_tolerance(s) for s in patient_schedules)
        for pk, patient_schedules in schedules.items()
    }
    doses: dict[int, list[DoseRecord]] = defaultdict(list)
    if log_from:
        rows = (
            Infusion.objects.prophylactic()
            .filter(patient_id__in=list(log_from), given_at__gte=min(log_from.values()), given_at__lte=now)
            .values_list("patient_id", "given_at", "dose", "product__kind")
        )
        for pk, given_at, dose, kind in rows:
            if given_at >= log_from[pk]:
                doses[pk].append(DoseRecord(given_at=given_at, dose=dose, product_kind=kind, reason=PROPHYLAXIS))
    skipped: dict[int, dict[dt.date, str]] = defaultdict(dict)
    if schedules:
        since = now.date() - dt.timedelta(days=OVERDUE_DAYS + 1)
        for skip in SkippedDose.objects.filter(patient_id__in=list(schedules), day__gte=since):
            skipped[skip.patient_id][skip.day] = skip.reason_label
    return {
        pk: dose_status(schedules[pk], doses[pk], now, skipped[pk]) if pk in schedules else None for pk in patient_ids
    }


def patient_dose_status(patient: Patient, now: dt.datetime | None = None) -> DoseStatus | None:
    """:func:`dose_status` of one patient from the database: two queries."""
    return dose_statuses([patient.pk], now)[patient.pk]
