"""The dashboard of one patient: the log read from the database into plain
records, the clinical figures computed over them, and the charts drawn.

This is the Django side of the insights package: the calculations themselves
(:mod:`.bleeding`, :mod:`.adherence`, :mod:`.factor_level`, :mod:`.consumption`)
never see the ORM. Reading the log takes a fixed number of queries whatever
its size, and the result is cached by the patient's ``data_version``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Exists, Min, OuterRef
from django.utils import timezone

from hemolog.clinical.adherence import Adherence, adherence, default_tolerance, dosing_interval, scheduled_doses
from hemolog.clinical.bleeding import (
    BleedingRates,
    TargetJoint,
    annualised_bleeding_rate,
    bleed_episodes,
    first_entry_of,
    target_joints,
)
from hemolog.clinical.consumption import iu_per_kg_per_year, vials_per_month
from hemolog.clinical.factor_level import (
    LevelPoint,
    estimated_factor_level,
    factor_level_curve,
    time_below,
    unmodelled_doses,
)
from hemolog.clinical.records import (
    LEVEL_KINDS,
    PROPHYLAXIS,
    WEEKDAYS,
    BleedRecord,
    DoseRecord,
    ScheduleRecord,
    WeightRecord,
)
from hemolog.core.dates import DateRange
from hemolog.inventory.models import StockLot
from hemolog.logbook.models import JOINT_SITES, BleedEpisode, Infusion, Regimen, Site
from hemolog.patients.models import Patient

LEVEL_CURVE_DAYS = 28
DOSES_BEFORE_PERIOD = dt.timedelta(days=90)
CACHE_SECONDS = 60 * 60 * 24
# Figures that depend on "now" (current level, days since the last bleed) are
# recomputed at most this often; the month chart and body map only when the
# log changes.
NOW_SLOT_MINUTES = 15
SIDE_LABEL = {"L": "Left", "R": "Right", "": ""}


def joint_label(site: str, side: str) -> str:
    name = Site(site).label.lower()
    return f"{SIDE_LABEL.get(side, '')} {name}".strip().capitalize()


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


def period_figures(
    bleeds: list[BleedRecord],
    prophylactic_doses: list[DoseRecord],
    schedules: list[ScheduleRecord],
    first_entry: dt.datetime | None,
    period: DateRange,
    now: dt.datetime,
    tz: dt.tzinfo,
) -> tuple[BleedingRates, Adherence | None]:
    """The bleeding rates and the adherence of a period, observed from the
    patient's first entry on: with nothing logged, nothing is observed (not a
    year of no bleeds and no doses). Shared by the dashboard and the roster."""
    start_at, end_at = period.start_at(tz), min(period.end_at(tz), now)
    rates = annualised_bleeding_rate(bleeds, start_at, end_at, first_entry or end_at)
    in_period = [s for s in schedules if s.start_date <= period.end and (s.end_date or period.end) >= period.start]
    observed_from = max(period.start, first_entry.astimezone(tz).date()) if first_entry else None
    result = None
    if in_period and observed_from and observed_from <= period.end:
        result = adherence(in_period, prophylactic_doses, observed_from, period.end, tz, now=now)
    return rates, result


def days_since(moment: dt.datetime, now: dt.datetime, tz: dt.tzinfo) -> int:
    """Calendar days in ``tz`` from ``moment`` to ``now`` (yesterday 22:00 is 1 day ago at 09:00)."""
    return (now.astimezone(tz).date() - moment.astimezone(tz).date()).days


@dataclass(frozen=True)
class PatientLog:
    """A patient's log as plain records, read in a fixed number of queries."""

    bleeds: list[BleedRecord]
    doses: list[DoseRecord]
    schedules: list[ScheduleRecord]
    weights: list[WeightRecord]
    first_entry: dt.datetime | None
    baseline: float


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
        "vials_used",
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
            vials=vials,
            product_kind=kind,
            unit=unit,
            half_life_hours=patient.half_life_hours or half_life,
            recovery=patient.recovery or recovery,
        )
        for pk, given_at, dose, reason, vials, kind, unit, half_life, recovery in dose_rows
    ]
    schedules = [schedule_record(r) for r in patient.regimens.order_by("start_date")]
    weights = [
        WeightRecord(day=d, kg=kg)
        for d, kg in patient.weights.order_by("measured_on").values_list("measured_on", "weight_kg")
    ]
    first_dose = Infusion.objects.filter(patient=patient).aggregate(first=Min("given_at"))["first"]
    log_begins = first_entry_of(first_dose, bleeds[0].started_at if bleeds else None)
    baseline = float(patient.baseline_factor_level or 0)
    return PatientLog(bleeds, doses, schedules, weights, log_begins, baseline)


@dataclass(frozen=True)
class Stock:
    vials: int
    units: int
    unit: str
    days_of_prophylaxis: int | None
    next_expiry: dt.date | None


def regimen_stock(patient: Patient, schedule: ScheduleRecord | None, product_id: int | None, today: dt.date) -> Stock:
    """Usable stock of the current regimen's product, in days of prophylaxis."""
    lots = StockLot.objects.for_patient(patient).usable_on(today).select_related("product")
    if product_id:
        lots = lots.filter(product_id=product_id)
    lots = list(lots)
    units = sum(lot.units_on_hand for lot in lots)
    days = None
    if schedule and schedule.dose:
        if schedule.kind == WEEKDAYS:
            days_per_dose = 7 / len(schedule.weekday_numbers)
        else:
            days_per_dose = dosing_interval(schedule).days
        days = math.floor(math.floor(units / schedule.dose) * days_per_dose)
    return Stock(
        vials=sum(lot.vials_on_hand for lot in lots),
        units=units,
        unit=lots[0].product.unit if lots else "",
        days_of_prophylaxis=days,
        next_expiry=min((lot.expires_on for lot in lots), default=None),
    )


@dataclass(frozen=True)
class DoseStatus:
    """The regimen's next dose, and a scheduled dose not logged yet."""

    next_due: dt.date | None
    overdue: tuple[dt.date, ...]

    @property
    def due_today(self) -> bool:
        return self.next_due == timezone.localdate()


def dose_status(schedules: list[ScheduleRecord], doses: list[DoseRecord], now: dt.datetime) -> DoseStatus | None:
    """When the next prophylaxis dose is due (a regimen starting later
    included), and which scheduled doses of the last week were never logged
    (a regimen that ended meanwhile included). None without such a regimen."""
    tz = timezone.get_current_timezone()
    today = now.astimezone(tz).date()
    week_ago = today - dt.timedelta(days=7)
    recent = [s for s in schedules if s.start_date < today and (s.end_date is None or s.end_date >= week_ago)]
    coming = [s for s in schedules if s.end_date is None or s.end_date >= today]
    if not recent and not coming:
        return None
    prophylaxis = [d for d in doses if d.reason == PROPHYLAXIS]
    upcoming = [s.day for s in scheduled_doses(coming, today, today + dt.timedelta(days=60), tz)]
    if upcoming and upcoming[0] == today and adherence(coming, prophylaxis, today, today, tz).taken:
        upcoming = upcoming[1:]
    missed: tuple[dt.date, ...] = ()
    if recent:
        missed = adherence(recent, prophylaxis, week_ago, today - dt.timedelta(days=1), tz).missed
    return DoseStatus(next_due=upcoming[0] if upcoming else None, overdue=missed[-3:])


def patient_dose_status(patient: Patient, now: dt.datetime | None = None) -> DoseStatus | None:
    """:func:`dose_status` from the database: two queries."""
    now = now or timezone.now()
    schedules = [schedule_record(r) for r in patient.regimens.all()]
    if not schedules:
        return None
    # Far enough back for the widest matching window (every 4 weeks: ± 14 days).
    log_from = now - dt.timedelta(days=8) - max(default_tolerance(s) for s in schedules)
    doses = [
        DoseRecord(given_at=given_at, dose=dose, product_kind=kind, reason=PROPHYLAXIS)
        for given_at, dose, kind in patient.infusions.prophylactic()
        .filter(given_at__gte=log_from, given_at__lte=now)
        .values_list("given_at", "dose", "product__kind")
    ]
    return dose_status(schedules, doses, now)


@dataclass(frozen=True)
class MonthRow:
    month: dt.date
    bleeds_by_joint: dict[str, int]
    adherence_percent: float | None
    adherence_text: str


@dataclass
class Dashboard:
    period: DateRange
    rates: BleedingRates
    adherence: Adherence | None
    target_joints: list[TargetJoint]
    current_target_joints: list[TargetJoint]
    days_since_last_bleed: int | None
    last_bleed: BleedRecord | None
    factor_level: float | None
    factor_level_note: str
    time_below: dict[float, float] | None
    stock: Stock
    iu_per_kg_per_year: float | None
    vials_by_month: dict[dt.date, int]
    month_rows: list[MonthRow]
    joint_labels: list[str]
    joint_counts: dict[tuple[str, str], int]
    level_points: list[LevelPoint]
    level_bleeds: list[tuple[dt.datetime, str]]
    dose_status: DoseStatus | None
    charts: dict = field(default_factory=dict)


def _missing_for_level(log: PatientLog) -> str:
    """What keeps recent factor doses out of the level estimate, in words."""
    missing = set()
    for dose in unmodelled_doses(log.doses, log.weights):
        if dose.half_life_hours is None:
            missing.add("the product has no half-life (enter the patient's own on the profile)")
        if dose.recovery is None:
            missing.add("the product has no recovery (enter the patient's own on the profile)")
    if not log.weights:
        missing.add("no weight recorded")
    return "; ".join(sorted(missing))


def build_dashboard(patient: Patient, period: DateRange, now: dt.datetime | None = None) -> Dashboard:
    """Every figure and chart of the dashboard (cached; see :func:`cached_dashboard`)."""
    tz = timezone.get_current_timezone()
    now = now or timezone.now()
    start_at, end_at = period.start_at(tz), min(period.end_at(tz), now)
    curve_from = now - dt.timedelta(days=LEVEL_CURVE_DAYS)
    # Doses from well before the period: the adherence tolerance (up to 30 days
    # for a 60-day regimen) and the level carried into the curve by a long
    # half-life (10 half-lives of an extended-half-life FIX is about 42 days).
    doses_from = min(start_at, curve_from) - DOSES_BEFORE_PERIOD
    log = read_log(patient, doses_from, now)

    prophylaxis = [d for d in log.doses if d.reason == PROPHYLAXIS]
    rates, adherence_result = period_figures(log.bleeds, prophylaxis, log.schedules, log.first_entry, period, now, tz)
    observed_from_at = max(rates.observed_from, start_at)
    all_targets = target_joints(log.bleeds, now)
    current_targets = [t for t in all_targets if t.is_current]

    episodes = [e for e in bleed_episodes(log.bleeds) if start_at <= e.started_at < end_at]
    joint_counts: dict[tuple[str, str], int] = {}
    per_month: dict[dt.date, dict[str, int]] = {m: {} for m in period.months}
    for episode in episodes:
        if episode.site not in JOINT_SITES:
            continue
        joint_counts[episode.joint] = joint_counts.get(episode.joint, 0) + 1
        month = episode.started_at.astimezone(tz).date().replace(day=1)
        label = joint_label(episode.site, episode.side)
        per_month.setdefault(month, {})
        per_month[month][label] = per_month[month].get(label, 0) + 1
    joint_labels = sorted({label for counts in per_month.values() for label in counts})
    month_adherence = {m.month: m for m in adherence_result.months} if adherence_result else {}
    month_rows = []
    for month in period.months:
        m = month_adherence.get(month)
        text = f"{m.taken} of {m.scheduled}" if m and m.scheduled else "–"
        month_rows.append(MonthRow(month, per_month.get(month, {}), m.percent if m else None, text))

    today = now.astimezone(tz).date()
    regimen = patient.regimens.active_on(today).select_related("product").first()
    # The level is estimated for a patient treated with FVIII/FIX: the current
    # regimen's product decides, else the last dose's. Never for emicizumab,
    # even when an occasional factor dose (a bleed treated at the clinic) is logged.
    treated_with = regimen.product.kind if regimen else (log.doses[-1].product_kind if log.doses else None)
    level = None
    if treated_with in LEVEL_KINDS:
        level = estimated_factor_level(now, log.doses, log.weights, log.baseline, tz=tz)
    if level is not None:
        note = "Estimate from the logged doses (one-compartment model)."
    elif treated_with and treated_with not in LEVEL_KINDS:
        note = "Not applicable: emicizumab and bypassing agents don't raise factor VIII or IX activity."
    elif missing := _missing_for_level(log):
        note = f"Can't estimate: {missing}."
    else:
        note = "No factor doses logged recently to estimate from."
    points = (
        factor_level_curve(log.doses, log.weights, curve_from, now, baseline=log.baseline, tz=tz)
        if level is not None
        else []
    )
    level_bleeds = [
        (b.started_at, joint_label(b.site, b.side) if b.side else Site(b.site).label)
        for b in log.bleeds
        if curve_from <= b.started_at <= now
    ]

    current_schedule = next((sc for sc in log.schedules if regimen and sc.ref == regimen.pk), None)
    last_bleed = log.bleeds[-1] if log.bleeds else None
    return Dashboard(
        period=period,
        rates=rates,
        adherence=adherence_result,
        target_joints=all_targets,
        current_target_joints=current_targets,
        days_since_last_bleed=days_since(last_bleed.started_at, now, tz) if last_bleed else None,
        last_bleed=last_bleed,
        factor_level=level,
        factor_level_note=note,
        time_below=time_below(log.doses, log.weights, observed_from_at, end_at, baseline=log.baseline, tz=tz)
        if level is not None and observed_from_at < end_at
        else None,
        stock=regimen_stock(patient, current_schedule, regimen.product_id if regimen else None, today),
        iu_per_kg_per_year=iu_per_kg_per_year(log.doses, log.weights, observed_from_at, end_at, tz=tz)
        if observed_from_at < end_at
        else None,
        vials_by_month=vials_per_month(
            [d for d in log.doses if start_at <= d.given_at < end_at], tz=tz, start=period.start, end=period.end
        ),
        month_rows=month_rows,
        joint_labels=joint_labels,
        joint_counts=joint_counts,
        level_points=points,
        level_bleeds=level_bleeds,
        dose_status=dose_status(log.schedules, log.doses, now),
    )


def cache_key(patient: Patient, period: DateRange, now: dt.datetime, *, with_time: bool) -> str:
    """What a cached dashboard depends on: the patient's ``data_version``, the
    period and the time zone; with ``with_time``, also the 15-minute slot of
    ``now`` (the current factor level and "days since" move with time)."""
    key = f"dashboard:{patient.pk}:{patient.data_version}:{period.start}:{period.end}:"
    key += timezone.get_current_timezone_name()
    if with_time:
        key += f":{int(now.timestamp()) // (NOW_SLOT_MINUTES * 60)}"
    return key


def dashboard_with_charts(patient: Patient, period: DateRange, now: dt.datetime | None = None) -> Dashboard:
    """The dashboard with its charts drawn. The month chart and the body map
    are cached until the log changes, so a new 15-minute slot does not redraw
    them; the factor-level curve moves with time and is drawn each time."""
    from . import charts  # matplotlib loads on first use, not at start-up

    now = now or timezone.now()
    dashboard = build_dashboard(patient, period, now)
    targets = [joint_label(t.site, t.side) for t in dashboard.current_target_joints]
    bars = {
        label: [row.bleeds_by_joint.get(label, 0) for row in dashboard.month_rows] for label in dashboard.joint_labels
    }
    adherence_line = [row.adherence_percent for row in dashboard.month_rows]
    # Keyed by what they draw, so they change exactly when their numbers do
    # (a dose window closing, a target joint resolving), and never otherwise.
    drawn_from = repr((dashboard.period.months, bars, adherence_line, targets, sorted(dashboard.joint_counts.items())))
    charts_key = f"dashboard-charts:{hashlib.sha256(drawn_from.encode()).hexdigest()}"
    drawn = cache.get(charts_key)
    if drawn is None:
        drawn = {
            "main": charts.bleeds_and_adherence_chart(
                dashboard.period.months, bars, adherence_line, target_joints=targets
            ),
            "body": charts.body_map(dashboard.joint_counts, [t.joint for t in dashboard.current_target_joints]),
        }
        cache.set(charts_key, drawn, CACHE_SECONDS)
    level = None
    if dashboard.level_points:
        level = charts.factor_level_chart(
            dashboard.level_points, dashboard.level_bleeds, timezone.get_current_timezone()
        )
    dashboard.charts = {**drawn, "level": level}
    return dashboard
