"""The dashboard of one patient: the clinical figures computed over the log's
plain records (:mod:`.log`), and the charts drawn (:mod:`.charts`).

This is the Django side of the insights package: the calculations themselves
(:mod:`hemolog.clinical`) never see the ORM. Reading the log takes a fixed number
of queries whatever its size, and the result is cached by the patient's
``data_version``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from hemolog.clinical.adherence import Adherence, adherence, dosing_interval
from hemolog.clinical.bleeding import (
    BleedingRates,
    TargetJoint,
    annualised_bleeding_rate,
    bleed_episodes,
    target_joints,
)
from hemolog.clinical.consumption import iu_per_kg_per_year
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
)
from hemolog.core import display
from hemolog.core.caching import values_cache
from hemolog.core.dates import DateRange
from hemolog.inventory.models import StockLot
from hemolog.logbook.models import JOINT_SITES, BleedEpisode
from hemolog.patients.models import Patient

from .charts.data import MonthChartData
from .due import DoseStatus, dose_status
from .joints import Joint, body_order
from .log import PatientLog, read_log

LEVEL_CURVE_DAYS = 28
DOSES_BEFORE_PERIOD = dt.timedelta(days=90)
CACHE_SECONDS = 60 * 60 * 24
# Figures that depend on "now" (current level, days since the last bleed) are
# recomputed at most this often; the month chart and body map only when the
# log changes.
NOW_SLOT_MINUTES = 15


def period_figures(
    bleeds: list[BleedRecord],
    prophylactic_doses: list[DoseRecord],
    schedules: list[ScheduleRecord],
    first_entry: dt.datetime | None,
    period: DateRange,
    now: dt.datetime,
    tz: dt.tzinfo,
    skipped: dict[dt.date, str] | None = None,
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
        result = adherence(in_period, prophylactic_doses, observed_from, period.end, tz, now=now, skipped=skipped)
    return rates, result


def days_since(moment: dt.datetime, now: dt.datetime, tz: dt.tzinfo) -> int:
    """Calendar days in ``tz`` from ``moment`` to ``now`` (yesterday 22:00 is 1 day ago at 09:00)."""
    return (now.astimezone(tz).date() - moment.astimezone(tz).date()).days


@dataclass(frozen=True)
class Stock:
    vials: int
    days_of_prophylaxis: int | None
    next_expiry: dt.date | None


def regimen_stock(patient: Patient, schedule: ScheduleRecord | None, product_id: int | None, today: dt.date) -> Stock:
    """Usable stock of the current regimen's product, in days of prophylaxis."""
    lots = StockLot.objects.for_patient(patient).usable_on(today)
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
        days_of_prophylaxis=days,
        next_expiry=min((lot.expires_on for lot in lots), default=None),
    )


@dataclass(frozen=True)
class MonthRow:
    month: dt.date
    bleeds_by_joint: dict[Joint, int]
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
    month_rows: list[MonthRow]
    joints: list[Joint]  # with a bleed in the period, in body order
    joint_counts: dict[Joint, int]
    level_points: list[LevelPoint]
    level_bleeds: list[tuple[dt.datetime, str]]
    dose_status: DoseStatus | None
    charts: dict = field(default_factory=dict)

    def month_chart_data(self) -> MonthChartData:
        """The numbers of the month chart: the month rows, per joint."""
        return MonthChartData(
            months=[row.month for row in self.month_rows],
            bleeds_by_joint={
                joint: [row.bleeds_by_joint.get(joint, 0) for row in self.month_rows] for joint in self.joints
            },
            adherence_by_month=[row.adherence_percent for row in self.month_rows],
            target_joints=[t.joint for t in self.current_target_joints],
        )


def _missing_for_level(log: PatientLog) -> str:
    """What keeps recent factor doses out of the level estimate, in words."""
    missing = set()
    for dose in unmodelled_doses(log.doses, log.weights):
        if dose.half_life_hours is None:
            missing.add(_("the product has no half-life (enter the patient's own on the profile)"))
        if dose.recovery is None:
            # Translators: recovery: the rise in factor level per IU/kg given (a pharmacokinetic figure).
            missing.add(_("the product has no recovery (enter the patient's own on the profile)"))
    if not log.weights:
        missing.add(_("no weight recorded"))
    return display.clauses(sorted(missing))


def charted_months(period: DateRange, log_begins: dt.datetime | None, now: dt.datetime, tz) -> list[dt.date]:
    """The months of ``period`` the log can hold: from the month it begins to
    this one (none without a log). A range of two centuries charted every
    month of them: a PDF to "1900 - 2099" took a worker 5-8 s."""
    if log_begins is None:
        return []
    first, last = log_begins.astimezone(tz).date().replace(day=1), now.astimezone(tz).date().replace(day=1)
    return [month for month in period.months if first <= month <= last]


def build_dashboard(patient: Patient, period: DateRange, now: dt.datetime | None = None) -> Dashboard:
    """Every figure of the dashboard, its charts not drawn yet (:func:`dashboard_with_charts` draws them)."""
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
    rates, adherence_result = period_figures(
        log.bleeds, prophylaxis, log.schedules, log.first_entry, period, now, tz, skipped=log.skipped
    )
    observed_from_at = max(rates.observed_from, start_at)
    all_targets = target_joints(log.bleeds, now)
    current_targets = [t for t in all_targets if t.is_current]

    episodes = [e for e in bleed_episodes(log.bleeds) if start_at <= e.started_at < end_at]
    joint_counts: dict[Joint, int] = {}
    months = charted_months(period, log.first_entry, now, tz)
    per_month: dict[dt.date, dict[Joint, int]] = {m: {} for m in months}
    for episode in episodes:
        if episode.site not in JOINT_SITES:
            continue
        joint_counts[episode.joint] = joint_counts.get(episode.joint, 0) + 1
        month = episode.started_at.astimezone(tz).date().replace(day=1)
        per_month.setdefault(month, {})
        per_month[month][episode.joint] = per_month[month].get(episode.joint, 0) + 1
    month_adherence = {m.month: m for m in adherence_result.months} if adherence_result else {}
    month_rows = []
    for month in months:
        m = month_adherence.get(month)
        text = "–"
        if m and m.scheduled:
            # Translators: prophylaxis doses taken of those scheduled in a month, "4 of 5".
            text = _("%(taken)s of %(scheduled)s") % {"taken": m.taken, "scheduled": m.scheduled}
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
        note = _("Estimate from the logged doses (one-compartment model).")
    elif treated_with and treated_with not in LEVEL_KINDS:
        note = _("Not applicable: emicizumab and bypassing agents don't raise factor VIII or IX activity.")
    elif missing := _missing_for_level(log):
        # Translators: why the factor level can't be estimated; %(reasons)s lists them, separated by
        # semicolons: "no weight recorded; the product has no half-life (…)".
        note = _("Can't estimate: %(reasons)s.") % {"reasons": missing}
    else:
        note = _("No factor doses logged recently to estimate from.")
    points = (
        factor_level_curve(log.doses, log.weights, curve_from, now, baseline=log.baseline, tz=tz)
        if level is not None
        else []
    )
    # Named as the log names a bleed's site (muscles and other sites too, not only joints).
    level_bleeds = [
        (b.started_at, BleedEpisode(site=b.site, side=b.side).site_label)
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
        month_rows=month_rows,
        joints=sorted(joint_counts, key=body_order),
        joint_counts=joint_counts,
        level_points=points,
        level_bleeds=level_bleeds,
        dose_status=dose_status(log.schedules, log.doses, now, log.skipped),
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
    from .charts import body, level, month  # matplotlib loads on first use, not at start-up

    now = now or timezone.now()
    dashboard = build_dashboard(patient, period, now)
    month_data = dashboard.month_chart_data()
    targets = [t.joint for t in dashboard.current_target_joints]
    # Keyed by what they draw, so they change exactly when their numbers do
    # (a dose window closing, a target joint resolving), and never otherwise.
    drawn_from = repr((month_data, sorted(dashboard.joint_counts.items()), targets))
    charts_key = f"dashboard-charts:{hashlib.sha256(drawn_from.encode()).hexdigest()}"
    drawn = values_cache.get(charts_key)
    if drawn is None:
        drawn = {
            "main": month.bleeds_and_adherence_chart(month_data),
            "body": body.body_map(dashboard.joint_counts, targets),
        }
        values_cache.set(charts_key, drawn, CACHE_SECONDS)
    level_chart = None
    if dashboard.level_points:
        level_chart = level.factor_level_chart(
            dashboard.level_points, dashboard.level_bleeds, timezone.get_current_timezone()
        )
    dashboard.charts = {**drawn, "level": level_chart}
    return dashboard
