"""Estimated FVIII/FIX level from logged doses: a one-compartment model.

Sources:

* Dose arithmetic — WFH Guidelines for the Management of Hemophilia, 3rd ed., 2020
  (Srivastava et al., Haemophilia 2020;26 Suppl 6): the rise in plasma level is the
  dose per kg times the in-vivo recovery (FVIII: 1 IU/kg raises the level by about
  2 IU/dL, i.e. units = kg × desired rise × 0.5; plasma-derived FIX about 1 IU/dL).
* Decay — the one-compartment model with first-order elimination: after a bolus the
  level falls by half every half-life, ``2^(−Δt / t½)``, and doses superpose.

    level(t) = baseline + Σ_{t_i ≤ t} (dose_i / kg_i × recovery_i) × 2^(−(t − t_i) / t½_i)

in IU/dL (= % of normal). ``kg_i`` is the weight on the day of dose i
(:func:`hemolog.clinical.records.weight_on`); ``recovery_i`` and ``t½_i`` come with the
dose (the patient's own values where set, else the product's).

It is an estimate: population PK tools give different half-lives for the same patient
(e.g. WAPPS-Hemo, Iorio et al., JMIR Res Protoc 2016;5:e239), and the model ignores the
distribution phase. Show it as one.

Which doses count: only FVIII and FIX doses in IU (``LEVEL_KINDS``). Emicizumab and
other non-factor products have no factor-level curve; bypassing agents do not raise
FVIII/FIX activity. Such doses are ignored, and a patient with no modellable factor
dose gets None, not a curve at the baseline. A factor dose without a half-life, a
recovery or any recorded weight cannot be modelled and is left out; list those with
:func:`unmodelled_doses` so the page can say so.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from .dates import local_date, utc
from .records import IU, LEVEL_KINDS, DoseRecord, WeightRecord, weight_on

# A dose older than this many of its half-lives adds less than 2^-40 (about 1e-12) of
# its peak; it is skipped to keep long curves fast.
NEGLIGIBLE_HALF_LIVES = 40
DEFAULT_STEP = dt.timedelta(minutes=30)
DEFAULT_THRESHOLDS: tuple[float, ...] = (1, 3, 5)
# time_below finds each threshold crossing by bisection to this precision.
CROSSING_PRECISION = dt.timedelta(milliseconds=1)


class LevelPoint(NamedTuple):
    """One point of a level curve: a time and the estimated level in IU/dL."""

    at: dt.datetime
    level: float


@dataclass(frozen=True)
class _Component:
    at: dt.datetime  # UTC
    peak: float  # IU/dL added at ``at``
    half_life_hours: float


def peak_rise(dose_iu: float, kg: float, recovery: float) -> float:
    """The immediate rise in IU/dL from ``dose_iu`` at ``kg`` with ``recovery``.

    Source: WFH Guidelines 3rd ed. 2020 — rise = dose ÷ kg × recovery (IU/dL per IU/kg);
    1000 IU at 25 kg with a recovery of 2.0 raises the level by 80 IU/dL.
    """
    return dose_iu / kg * recovery


def _kg(dose: DoseRecord, weights: Sequence[WeightRecord], tz: dt.tzinfo | None) -> float | None:
    return weight_on(weights, local_date(dose.given_at, tz))


def _is_factor(dose: DoseRecord, kinds: Collection[str]) -> bool:
    return dose.product_kind in kinds and dose.unit == IU


def unmodelled_doses(
    doses: Iterable[DoseRecord],
    weights: Sequence[WeightRecord],
    *,
    kinds: Collection[str] = LEVEL_KINDS,
    tz: dt.tzinfo | None = None,
) -> list[DoseRecord]:
    """Factor doses left out of the level estimate: no half-life, recovery or weight.

    Source: the one-compartment model (module docstring) needs all three for a dose.
    """
    return [
        d
        for d in doses
        if _is_factor(d, kinds) and (d.half_life_hours is None or d.recovery is None or _kg(d, weights, tz) is None)
    ]


def _components(
    doses: Iterable[DoseRecord], weights: Sequence[WeightRecord], kinds: Collection[str], tz: dt.tzinfo | None
) -> list[_Component]:
    components = []
    for d in doses:
        if not _is_factor(d, kinds) or d.half_life_hours is None or d.recovery is None:
            continue
        kg = _kg(d, weights, tz)
        if kg is None:
            continue
        components.append(_Component(utc(d.given_at), peak_rise(d.dose, kg, d.recovery), d.half_life_hours))
    components.sort(key=lambda c: c.at)
    return components


class _Model:
    """The superposed decay of a patient's modellable doses."""

    def __init__(self, components: Sequence[_Component], baseline: float) -> None:
        self.components = components
        self.times = [c.at for c in components]
        self.baseline = float(baseline)
        longest = max((c.half_life_hours for c in components), default=0.0)
        self.horizon = dt.timedelta(hours=longest * NEGLIGIBLE_HALF_LIVES)

    def level(self, at: dt.datetime, *, include_doses_at: bool = True) -> float:
        """Level at the UTC instant ``at``; doses given exactly at ``at`` count unless excluded."""
        hi = (bisect.bisect_right if include_doses_at else bisect.bisect_left)(self.times, at)
        lo = bisect.bisect_left(self.times, at - self.horizon)
        total = self.baseline
        for c in self.components[lo:hi]:
            hours = (at - c.at).total_seconds() / 3600
            total += c.peak * 2 ** (-hours / c.half_life_hours)
        return total


def _model(
    doses: Iterable[DoseRecord],
    weights: Sequence[WeightRecord],
    baseline: float,
    kinds: Collection[str],
    tz: dt.tzinfo | None,
) -> _Model | None:
    components = _components(doses, weights, kinds, tz)
    return _Model(components, baseline) if components else None


def estimated_factor_level(
    at: dt.datetime,
    doses: Iterable[DoseRecord],
    weights: Sequence[WeightRecord],
    baseline: float = 0.0,
    *,
    kinds: Collection[str] = LEVEL_KINDS,
    tz: dt.tzinfo | None = None,
) -> float | None:
    """The estimated factor level in IU/dL at ``at``.

    Source: one-compartment model with WFH 2020 dose arithmetic (module docstring):
    level(t) = baseline + Σ_{t_i ≤ t} (dose_i / kg_i × recovery_i) × 2^(−(t − t_i)/t½_i).

    A dose given exactly at ``at`` is included (the level right after it, its peak).
    ``baseline`` is the patient's own level (IU/dL; 0 if unknown). ``tz`` picks the
    calendar day used to look up the weight of each dose (default: the datetime's own
    zone). None if no dose is modellable (e.g. an emicizumab-only patient).
    """
    model = _model(doses, weights, baseline, kinds, tz)
    return None if model is None else model.level(utc(at))


def factor_level_curve(
    doses: Iterable[DoseRecord],
    weights: Sequence[WeightRecord],
    start: dt.datetime,
    end: dt.datetime,
    step: dt.timedelta = DEFAULT_STEP,
    baseline: float = 0.0,
    *,
    kinds: Collection[str] = LEVEL_KINDS,
    tz: dt.tzinfo | None = None,
) -> list[LevelPoint]:
    """The estimated level from ``start`` to ``end`` for a chart.

    Source: one-compartment model (see :func:`estimated_factor_level`).

    Points every ``step`` of real time from ``start`` (so a DST change does not shift
    the grid), ``end`` included if it falls on the grid, plus two points at each dose
    time within the period — the level just before it and the peak — so that a line
    chart draws the jump and the peak exactly rather than missing it between samples.
    Times are in ``start``'s zone. Empty if no dose is modellable.
    """
    if step <= dt.timedelta(0):
        raise ValueError("step must be positive")
    model = _model(doses, weights, baseline, kinds, tz)
    lo, hi = utc(start), utc(end)
    if model is None or hi < lo:
        return []
    zone = start.tzinfo
    points: list[tuple[dt.datetime, int, float]] = []
    t = lo
    while t <= hi:
        points.append((t, 1, model.level(t)))
        t += step
    for c in model.components:
        if lo <= c.at <= hi:
            points.append((c.at, 0, model.level(c.at, include_doses_at=False)))
            points.append((c.at, 2, model.level(c.at)))
    points.sort(key=lambda p: (p[0], p[1]))
    curve: list[LevelPoint] = []
    for when, _, level in points:
        point = LevelPoint(when.astimezone(zone), level)
        if not curve or curve[-1] != point:
            curve.append(point)
    return curve


def time_below(
    doses: Iterable[DoseRecord],
    weights: Sequence[WeightRecord],
    start: dt.datetime,
    end: dt.datetime,
    thresholds: Iterable[float] = DEFAULT_THRESHOLDS,
    baseline: float = 0.0,
    *,
    kinds: Collection[str] = LEVEL_KINDS,
    tz: dt.tzinfo | None = None,
) -> dict[float, float] | None:
    """The share of ``[start, end)`` (0–1) the estimated level spent below each threshold.

    Source: one-compartment model (see :func:`estimated_factor_level`); "below" is
    strictly less than the threshold (IU/dL), e.g. 1, 3 and 5 IU/dL as in trough-level
    targets of prophylaxis.

    Computed exactly rather than by sampling: between two doses the level is a sum of
    decaying exponentials, so it only falls; within each such stretch the time below a
    threshold runs from the crossing to the next dose. The crossing is found by
    bisection to ``CROSSING_PRECISION`` (1 ms), so each stretch is off by at most 1 ms.
    Doses before ``start`` count through their tails. None if no dose is modellable;
    ``end`` must be after ``start``.
    """
    lo, hi = utc(start), utc(end)
    if hi <= lo:
        raise ValueError("the period must end after it starts")
    model = _model(doses, weights, baseline, kinds, tz)
    if model is None:
        return None
    cuts = [lo, *sorted({c.at for c in model.components if lo < c.at < hi}), hi]
    stretches = list(zip(cuts, cuts[1:], strict=False))
    total = (hi - lo).total_seconds()
    shares: dict[float, float] = {}
    for threshold in thresholds:
        below = dt.timedelta(0)
        for a, b in stretches:
            if model.level(a) < threshold:
                below += b - a
            elif model.level(b, include_doses_at=False) < threshold:
                above, under = a, b  # level(above) ≥ threshold > level(under)
                while under - above > CROSSING_PRECISION:
                    middle = above + (under - above) / 2
                    if model.level(middle) < threshold:
                        under = middle
                    else:
                        above = middle
                below += b - under
        shares[threshold] = below.total_seconds() / total
    return shares
