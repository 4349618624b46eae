"""The clinician roster: for every patient shared with a clinician, the figures
a clinic looks at first, computed by the same pure functions and over the same
plain records as the dashboard (:mod:`hemolog.insights`).

The whole roster is read in four queries whatever the number of patients: the
bleeds, prophylactic doses, first doses and regimens of all the patients at
once (``patient_id__in``), grouped by patient in Python. Its rows are rendered
once and cached like the dashboard: by the patients and their log versions
(``data_version``), the order, the time zone and the 15-minute slot of "now"
(the figures of the last 12 and 30 days move with time).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import Min, QuerySet
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hemolog.clinical.adherence import Adherence, rounded_percent
from hemolog.clinical.bleeding import BleedingRates, first_entry_of, target_joints
from hemolog.clinical.records import PROPHYLAXIS, BleedRecord, DoseRecord, ScheduleRecord
from hemolog.core.caching import values_cache
from hemolog.core.dates import DateRange
from hemolog.insights.dashboard import NOW_SLOT_MINUTES, days_since, period_figures
from hemolog.insights.joints import joint_label
from hemolog.insights.log import schedule_record
from hemolog.logbook.models import BleedEpisode, Infusion, Regimen, Site
from hemolog.patients.audit import record_roster_view
from hemolog.patients.models import Patient

SLOT_SECONDS = NOW_SLOT_MINUTES * 60  # the roster's figures are one per slot of now

ROSTER_MONTHS = 12
FLAG_DAYS = 30
# Doses this long before the period are read too: a dose may count for a
# scheduled day up to half the dosing interval away (30 days for the longest
# regimen, every 60 days), and the matching looks that far either side.
DOSES_BEFORE_PERIOD = dt.timedelta(days=62)


@dataclass(frozen=True)
class RosterRow:
    """One patient's line in the roster."""

    patient: Patient
    first_entry: dt.datetime | None  # None: nothing logged yet
    rates: BleedingRates
    adherence: Adherence | None
    target_joints: tuple[str, ...]  # current target joints, e.g. ("Left ankle",)
    days_since_last_bleed: int | None
    head_bleed_at: dt.datetime | None  # the latest head bleed of the last 30 days
    new_target_joints: tuple[str, ...]  # joints that became target joints in the last 30 days

    @property
    def abr(self) -> float | None:
        """None for a patient with nothing logged: 0 bleeds would be no information."""
        return self.rates.abr if self.first_entry is not None else None

    @property
    def adherence_percent(self) -> int | None:
        if self.adherence is None or not self.adherence.scheduled:
            return None
        return rounded_percent(self.adherence.taken, self.adherence.scheduled)

    @property
    def flagged(self) -> bool:
        return self.head_bleed_at is not None or bool(self.new_target_joints)


@dataclass(frozen=True)
class _Log:
    bleeds: list[BleedRecord]
    doses: list[DoseRecord]
    schedules: list[ScheduleRecord]
    first_dose: dt.datetime | None


def _read_logs(patient_ids: Sequence[int], doses_from: dt.datetime, now: dt.datetime) -> dict[int, _Log]:
    """Every patient's bleeds (whole history: target joints need more than
    12 months), prophylactic doses from ``doses_from``, regimens and first
    dose of any kind: four queries."""
    bleeds: dict[int, list[BleedRecord]] = defaultdict(list)
    bleed_rows = (
        BleedEpisode.objects.filter(patient_id__in=patient_ids, started_at__lt=now)
        .order_by("patient_id", "started_at", "pk")
        .values_list("patient_id", "pk", "started_at", "resolved_at", "site", "side", "cause")
    )
    for patient_id, pk, started, resolved, site, side, cause in bleed_rows:
        bleeds[patient_id].append(
            BleedRecord(ref=pk, started_at=started, resolved_at=resolved, site=site, side=side, cause=cause)
        )
    doses: dict[int, list[DoseRecord]] = defaultdict(list)
    dose_rows = (
        Infusion.objects.prophylactic()
        .filter(patient_id__in=patient_ids, given_at__gte=doses_from, given_at__lt=now)
        .order_by("patient_id", "given_at", "pk")
        .values_list("patient_id", "given_at", "dose", "product__kind")
    )
    for patient_id, given_at, dose, kind in dose_rows:
        doses[patient_id].append(DoseRecord(given_at=given_at, dose=dose, product_kind=kind, reason=PROPHYLAXIS))
    schedules: dict[int, list[ScheduleRecord]] = defaultdict(list)
    for regimen in Regimen.objects.filter(patient_id__in=patient_ids).order_by("patient_id", "start_date"):
        schedules[regimen.patient_id].append(schedule_record(regimen))
    first_doses = dict(
        Infusion.objects.filter(patient_id__in=patient_ids)
        .order_by()
        .values("patient_id")
        .annotate(first=Min("given_at"))
        .values_list("patient_id", "first")
    )
    return {pk: _Log(bleeds[pk], doses[pk], schedules[pk], first_doses.get(pk)) for pk in patient_ids}


def _row(patient: Patient, log: _Log, period: DateRange, now: dt.datetime, tz: dt.tzinfo) -> RosterRow:
    """The dashboard's rules (:func:`hemolog.insights.dashboard.build_dashboard`)
    for the last 12 months, plus the 30-day flags."""
    log_begins = first_entry_of(log.first_dose, log.bleeds[0].started_at if log.bleeds else None)
    rates, adherence_result = period_figures(log.bleeds, log.doses, log.schedules, log_begins, period, now, tz)

    flag_from = now - dt.timedelta(days=FLAG_DAYS)
    current = [t for t in target_joints(log.bleeds, now) if t.is_current]
    head_bleeds = [b.started_at for b in log.bleeds if b.site == Site.HEAD and b.started_at >= flag_from]
    last_bleed = log.bleeds[-1] if log.bleeds else None
    return RosterRow(
        patient=patient,
        first_entry=log_begins,
        rates=rates,
        adherence=adherence_result,
        target_joints=tuple(joint_label(t.site, t.side) for t in current),
        days_since_last_bleed=days_since(last_bleed.started_at, now, tz) if last_bleed else None,
        head_bleed_at=max(head_bleeds) if head_bleeds else None,
        new_target_joints=tuple(joint_label(t.site, t.side) for t in current if t.began >= flag_from),
    )


def build_roster(patients: Sequence[Patient], now: dt.datetime | None = None) -> list[RosterRow]:
    """One row per patient, in the order given, over the last 12 months to ``now``
    in the current time zone."""
    if not patients:
        return []
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    period = DateRange.last_months(ROSTER_MONTHS, now.astimezone(tz).date())
    logs = _read_logs([p.pk for p in patients], period.start_at(tz) - DOSES_BEFORE_PERIOD, now)
    return [_row(patient, logs[patient.pk], period, now, tz) for patient in patients]


# Sorting ---------------------------------------------------------------------

SORT_KEYS: dict[str, Callable[[RosterRow], object]] = {
    "name": lambda row: row.patient.display_name.casefold(),
    "abr": lambda row: row.abr,
    "adherence": lambda row: row.adherence.percent if row.adherence else None,
    "targets": lambda row: len(row.target_joints),
    "last_bleed": lambda row: row.days_since_last_bleed,
    "flags": lambda row: (row.head_bleed_at is not None) * 2 + bool(row.new_target_joints),
}
DEFAULT_SORT = "name"


def parse_sort(value: str | None) -> tuple[str, bool]:
    """``"abr"`` → ("abr", ascending); ``"-abr"`` → ("abr", descending).
    Anything else is the default (by name)."""
    value = (value or "").strip()
    descending = value.startswith("-")
    key = value[1:] if descending else value
    if key not in SORT_KEYS:
        return DEFAULT_SORT, False
    return key, descending


def sort_rows(rows: list[RosterRow], key: str, descending: bool) -> list[RosterRow]:
    """Rows sorted by the column; rows without a value (no regimen, no bleed)
    come last in either direction; ties by name."""
    by_name = sorted(rows, key=lambda row: (row.patient.display_name.casefold(), row.patient.pk))
    value = SORT_KEYS[key]
    known = [row for row in by_name if value(row) is not None]
    missing = [row for row in by_name if value(row) is None]
    return sorted(known, key=value, reverse=descending) + missing


COLUMNS = (
    ("name", _("Patient")),
    # Translators: ABR, the annualised bleeding rate (bleeds per year), over the last 12 months.
    ("abr", _("ABR, 12 months")),
    ("adherence", _("Adherence")),
    ("targets", _("Target joints")),
    ("last_bleed", _("Days since last bleed")),
    # Translators: the roster's column of flags: a head bleed or a new target joint in the last 30 days.
    ("flags", _("Last 30 days")),
)


def roster_context(
    patients: QuerySet[Patient] | Sequence[Patient],
    sort: str | None,
    now: dt.datetime | None = None,
    versions: list[tuple[int, int]] | None = None,
    viewer=None,
) -> dict:
    """What the roster template needs: the rows rendered (``rows_html``; the
    rows themselves too, as ``rows``, when they were just computed) and, per
    column, the ``?sort=`` value its header links to (a second click reverses
    the order). ``patients`` as a queryset is read only when the cache misses;
    ``versions``, the patients' ``(id, data_version)`` when the caller read
    them already. The ``viewer``'s look is put in each patient's access record."""
    key, descending = parse_sort(sort)
    now = now or timezone.now()
    if versions is None and isinstance(patients, QuerySet):
        versions = list(patients.values_list("pk", "data_version"))
    elif versions is None:
        versions = [(patient.pk, patient.data_version) for patient in patients]
    context = {**_sort_links(key, descending), "count": len(versions), "rows": []}
    if not versions:
        return {**context, "rows_html": ""}
    cache_key = _cache_key(versions, key, descending, now)
    if viewer is not None:
        since = dt.datetime.fromtimestamp(_slot(now) * SLOT_SECONDS, tz=dt.UTC)
        record_roster_view(viewer, [pk for pk, _ in versions], since, cache_key)
    rows_html = values_cache.get(cache_key)
    if rows_html is None:
        rows = sort_rows(build_roster(list(patients), now), key, descending)
        rows_html = render_to_string("sharing/_roster_rows.html", {"rows": rows})
        values_cache.set(cache_key, rows_html, SLOT_SECONDS)
        context["rows"] = rows  # for tests and debugging; the page itself uses the HTML
    return {**context, "rows_html": rows_html}


def _slot(now: dt.datetime) -> int:
    """The number of the 15-minute slot ``now`` is in: the roster's figures are one per slot."""
    return int(now.timestamp()) // SLOT_SECONDS


def _cache_key(versions: list[tuple[int, int]], key: str, descending: bool, now: dt.datetime) -> str:
    """Everything the rendered rows depend on."""
    slot = _slot(now)
    where = (timezone.get_current_timezone_name(), translation.get_language(), get_script_prefix())
    digest = hashlib.sha256(repr((sorted(versions), key, descending, slot, where)).encode()).hexdigest()
    return f"roster:{digest}"


def _sort_links(key: str, descending: bool) -> dict:
    columns = []
    for column, label in COLUMNS:
        active = column == key
        columns.append(
            {
                "key": column,
                "label": label,
                "active": active,
                "descending": active and descending,
                "link": f"-{column}" if active and not descending else column,
                "aria_sort": ("descending" if descending else "ascending") if active else "none",
            }
        )
    current = f"{'-' if descending else ''}{key}"
    options = []
    for column, label in COLUMNS:
        names = {"column": label}
        if column == "name":
            # Translators: a sort order in the roster's menu; "column" is a column's name, e.g. "Patient".
            up, down = gettext("%(column)s, A–Z") % names, gettext("%(column)s, Z–A") % names
        else:
            # Translators: a sort order in the roster's menu; "column" is a column's name, e.g. "Adherence".
            up, down = gettext("%(column)s, lowest first") % names, gettext("%(column)s, highest first") % names
        options += [(column, up, current == column), (f"-{column}", down, current == f"-{column}")]
    return {"columns": columns, "sort": current, "sort_options": options}
