"""Plain input records for the clinical calculations.

The calculations in :mod:`hemolog.clinical` never touch the database: the caller
builds these records from the ORM (or anything else) and passes lists of them in.
Code values are the same strings the models store (``"KNEE"``, ``"L"``,
``"SPONTANEOUS"``, ``"PROPHYLAXIS"``, ``"FVIII"``, ``"EVERY_N_DAYS"`` …); a test keeps
the constants here in step with the model choices.

Datetimes must be timezone-aware (the ORM returns aware UTC datetimes with
``USE_TZ = True``); a naive datetime is refused with ``ValueError``. Numbers may be
``Decimal`` (as the ORM returns them); they are stored as ``float``.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Generic, TypeVar

from .dates import require_aware

Kg = TypeVar("Kg", float, Decimal)

# Bleed sites (hemolog.logbook.models.Site) that are joints.
JOINT_SITES: frozenset[str] = frozenset({"KNEE", "ANKLE", "ELBOW", "HIP", "SHOULDER", "WRIST"})

# Bleed causes (hemolog.logbook.models.Cause).
SPONTANEOUS = "SPONTANEOUS"
TRAUMATIC = "TRAUMATIC"
POST_PROCEDURE = "POST_PROCEDURE"
UNKNOWN_CAUSE = "UNKNOWN"

# Dose reasons (hemolog.logbook.models.Reason).
PROPHYLAXIS = "PROPHYLAXIS"
BLEED_TREATMENT = "BLEED"
PRE_PROCEDURE = "PRE_PROCEDURE"
OTHER_REASON = "OTHER"

# Product kinds (hemolog.inventory.models.ProductKind) and dose units (DoseUnit).
FVIII = "FVIII"
FIX = "FIX"
BYPASSING = "BYPASSING"
EMICIZUMAB = "EMICIZUMAB"
OTHER_PRODUCT = "OTHER"
IU = "IU"
MG = "mg"

# The products whose doses raise the patient's FVIII or FIX activity, so that the
# one-compartment level model applies. Bypassing agents (aPCC, rFVIIa) are factor
# concentrates but do not raise FVIII/FIX activity; emicizumab is not a factor at all.
LEVEL_KINDS: frozenset[str] = frozenset({FVIII, FIX})

# Regimen schedule kinds (hemolog.logbook.models.ScheduleKind).
EVERY_N_DAYS = "EVERY_N_DAYS"
WEEKDAYS = "WEEKDAYS"
WEEKLY = "WEEKLY"
EVERY_2_WEEKS = "EVERY_2_WEEKS"
EVERY_4_WEEKS = "EVERY_4_WEEKS"
SCHEDULE_KINDS: frozenset[str] = frozenset({EVERY_N_DAYS, WEEKDAYS, WEEKLY, EVERY_2_WEEKS, EVERY_4_WEEKS})
FIXED_INTERVAL_DAYS = {WEEKLY: 7, EVERY_2_WEEKS: 14, EVERY_4_WEEKS: 28}


def _number(value: float | int | Decimal | None) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True, kw_only=True)
class BleedRecord:
    """One logged bleed (a row of ``BleedEpisode`` before re-bleed merging).

    ``treated`` is whether any dose was given for it. ``ref`` is the caller's own
    handle (e.g. the primary key); it is carried through untouched and ignored in
    comparisons.
    """

    started_at: dt.datetime
    site: str
    side: str = ""
    cause: str = SPONTANEOUS
    resolved_at: dt.datetime | None = None
    treated: bool = False
    ref: object = field(default=None, compare=False)

    def __post_init__(self) -> None:
        require_aware(self.started_at, "started_at")
        if self.resolved_at is not None:
            require_aware(self.resolved_at, "resolved_at")
            if self.resolved_at < self.started_at:
                raise ValueError("a bleed cannot resolve before it started")

    @property
    def joint(self) -> tuple[str, str]:
        """Site and side together: the left and right knee are different joints."""
        return (self.site, self.side)


@dataclass(frozen=True, kw_only=True)
class DoseRecord:
    """One logged dose (an ``Infusion``) with the pharmacokinetics that apply to it.

    ``dose`` is in ``unit`` (IU for factor, mg for emicizumab). ``half_life_hours``
    and ``recovery`` (IU/dL per IU/kg) are the patient's own values where a clinician
    entered them, else the product's defaults; None where neither is known.
    """

    given_at: dt.datetime
    dose: float
    product_kind: str
    unit: str = IU
    reason: str = PROPHYLAXIS
    half_life_hours: float | None = None
    recovery: float | None = None
    ref: object = field(default=None, compare=False)

    def __post_init__(self) -> None:
        require_aware(self.given_at, "given_at")
        object.__setattr__(self, "dose", _number(self.dose))
        object.__setattr__(self, "half_life_hours", _number(self.half_life_hours))
        object.__setattr__(self, "recovery", _number(self.recovery))
        if self.dose <= 0:
            raise ValueError("a dose must be positive")
        if self.half_life_hours is not None and self.half_life_hours <= 0:
            raise ValueError("a half-life must be positive")
        if self.recovery is not None and self.recovery <= 0:
            raise ValueError("a recovery must be positive")


@dataclass(frozen=True, kw_only=True)
class ScheduleRecord:
    """One prescribed regimen: what the patient should take and when.

    ``start_date`` and ``end_date`` are inclusive; ``end_date`` None means it continues.
    ``weekdays`` (for ``WEEKDAYS``) is a string of digits, Monday = 0: ``"024"`` is
    Monday, Wednesday and Friday. ``interval_days`` is for ``EVERY_N_DAYS``.
    """

    kind: str
    start_date: dt.date
    end_date: dt.date | None = None
    interval_days: int | None = None
    weekdays: str = ""
    dose: float | None = None
    ref: object = field(default=None, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "dose", _number(self.dose))
        if self.kind not in SCHEDULE_KINDS:
            raise ValueError(f"unknown schedule kind {self.kind!r}")
        if self.end_date is not None and self.end_date < self.start_date:
            raise ValueError("a regimen cannot end before it starts")
        if self.kind == EVERY_N_DAYS and (self.interval_days is None or self.interval_days < 1):
            raise ValueError("an every-N-days schedule needs interval_days of at least 1")
        if self.kind == WEEKDAYS and (not self.weekdays or any(ch not in "0123456" for ch in self.weekdays)):
            raise ValueError(f"weekdays must be digits 0 (Monday) to 6 (Sunday), got {self.weekdays!r}")

    @property
    def weekday_numbers(self) -> frozenset[int]:
        return frozenset(int(ch) for ch in self.weekdays)

    def is_active_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


@dataclass(frozen=True, kw_only=True)
class WeightRecord:
    """One weight measurement (``WeightMeasurement``)."""

    day: dt.date
    kg: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "kg", _number(self.kg))
        if self.kg <= 0:
            raise ValueError("a weight must be positive")


class WeightHistory(Generic[Kg]):
    """A patient's weights, to answer "what did they weigh on this day?" by one rule
    everywhere (the dose per kg in the lists, the exports, the import, the dashboard):
    the latest measurement on or before the day; before the first measurement, the
    earliest one (a dose logged before anyone weighed the child); None without any.

    Built once from ``(day, kg)`` pairs in any order; each answer is a binary search.
    Two measurements on one day: the one given last wins.
    """

    def __init__(self, measurements: Iterable[tuple[dt.date, Kg]]):
        rows = sorted(measurements, key=lambda row: row[0])
        self._days = [day for day, _ in rows]
        self._kgs = [kg for _, kg in rows]

    def on(self, day: dt.date) -> Kg | None:
        if not self._kgs:
            return None
        return self._kgs[max(bisect.bisect_right(self._days, day) - 1, 0)]


def weight_on(weights: Sequence[WeightRecord], day: dt.date) -> float | None:
    """The patient's weight in kg on ``day``, by :class:`WeightHistory`'s rule."""
    return WeightHistory((w.day, w.kg) for w in weights).on(day)
