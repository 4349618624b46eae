"""A regimen as the clinical calculations take it (hemolog.clinical.records)."""

from __future__ import annotations

from hemolog.clinical.records import ScheduleRecord

from .models import Regimen


def schedule_record(regimen: Regimen) -> ScheduleRecord:
    """A regimen as the calculations take it."""
    return ScheduleRecord(
        ref=regimen.pk,
        kind=regimen.schedule,
        start_date=regimen.start_date,
        end_date=regimen.end_date,
        interval_days=regimen.interval_days,
        weekdays=regimen.weekdays,
        dose=regimen.dose,
    )
