"""A patient's log read from the database into the plain records the clinical
calculations take (:mod:`hemolog.clinical.records`), in a fixed number of queries
whatever its size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, Min, OuterRef

from hemolog.clinical.bleeding import first_entry_of
from hemolog.clinical.records import BleedRecord, DoseRecord, ScheduleRecord, WeightRecord
from hemolog.logbook.models import BleedEpisode, Infusion, SkippedDose
from hemolog.logbook.schedules import schedule_record  # noqa: F401 - also read from here
from hemolog.patients.models import Patient


@dataclass(frozen=True)
class PatientLog:
    """A patient's log as plain records, read in a fixed number of queries."""

    bleeds: list[BleedRecord]
    doses: list[DoseRecord]
    schedules: list[ScheduleRecord]
    weights: list[WeightRecord]
    first_entry: dt.datetime | None
    baseline: float
    skipped: dict[dt.date, str] = field(default_factory=dict)  # scheduled days marked skipped: the reason


def read_log(patient: Patient, doses_from: dt.datetime | None, until: dt.datetime) -> PatientLog:
    """Bleeds (all, for the target-joint history), doses from ``doses_from``,
    regimens and weights: five queries."""
    treated = Exists(Infusion.objects.filter(bleed=OuterRef("pk")))
    bleed_rows = (
        BleedEpisode.objects.filter(patient=patient, started_at__lt=until)
        .annotate(treated=treated)
        .values_list("pk", "started_at", "resolved_at", "site", "side", "cause", "treated")
        .order_by("started_at")
    )
    bleeds = [
        BleedRecord(ref=pk, started_at=s, resolved_at=r, site=site, side=side, cause=cause, treated=t)
        for pk, s, r, site, side, cause, t in bleed_rows
    ]
    dose_rows = Infusion.objects.filter(patient=patient, given_at__lt=until)
    if doses_from:
        dose_rows = dose_rows.filter(given_at__gte=doses_from)
    dose_rows = dose_rows.order_by("given_at").values_list(
        "pk",
        "given_at",
        "dose",
        "reason",
        "product__kind",
        "product__unit",
        "product__default_half_life_hours",
        "product__default_recovery",
    )
    doses = [
        DoseRecord(
            ref=pk,
            given_at=given_at,
            dose=dose,
            reason=reason,
            product_kind=kind,
            unit=unit,
            half_life_hours=patient.half_life_hours or half_life,
            recovery=patient.recovery or recovery,
        )
        for pk, given_at, dose, reason, kind, unit, half_life, recovery in dose_rows
    ]
    schedules = [schedule_record(r) for r in patient.regimens.order_by("start_date")]
    weights = [
        WeightRecord(day=d, kg=kg)
        for d, kg in patient.weights.order_by("measured_on").values_list("measured_on", "weight_kg")
    ]
    first_dose = Infusion.objects.filter(patient=patient).aggregate(first=Min("given_at"))["first"]
    log_begins = first_entry_of(first_dose, bleeds[0].started_at if bleeds else None)
    baseline = float(patient.baseline_factor_level or 0)
    return PatientLog(bleeds, doses, schedules, weights, log_begins, baseline, skipped_days(patient))


def skipped_days(patient: Patient) -> dict[dt.date, str]:
    """The patient's scheduled days marked skipped, each with its reason in words."""
    return {skip.day: skip.reason_label for skip in SkippedDose.objects.filter(patient=patient).only("day", "reason")}


def log_begins(patient: Patient) -> dt.datetime | None:
    """When the patient's log begins (:func:`first_entry_of`: the first dose
    or the first bleed), in one query; None with nothing logged."""
    firsts = Patient.objects.filter(pk=patient.pk).aggregate(
        dose=Min("infusions__given_at"), bleed=Min("bleeds__started_at")
    )
    return first_entry_of(firsts["dose"], firsts["bleed"])
