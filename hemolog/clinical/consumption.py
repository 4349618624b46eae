"""Product consumption: factor IU per kg per year.

Source: WFH Guidelines for the Management of Hemophilia, 3rd ed., 2020 (Srivastava
et al., Haemophilia 2020;26 Suppl 6) express factor use per kg of body weight (IU/kg,
annual consumption in IU/kg/year).

Units are never mixed: emicizumab (mg) and bypassing agents (aPCC units, rFVIIa mg)
are left out of the FVIII/FIX figure by default.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence

from .dates import elapsed_days, local_date, utc
from .records import FIX, FVIII, IU, DoseRecord, WeightRecord, weight_on

DAYS_PER_YEAR = 365.25
FACTOR_KINDS: frozenset[str] = frozenset({FVIII, FIX})


def _per_kg_total(
    doses: Iterable[DoseRecord],
    weights: Sequence[WeightRecord],
    start: dt.datetime,
    end: dt.datetime,
    unit: str,
    kinds: Collection[str],
    tz: dt.tzinfo | None,
) -> tuple[float, float] | None:
    """(Σ dose_i / kg_i over doses in [start, end), observed days), or None if not computable."""
    days = elapsed_days(end, start)
    if days <= 0 or not weights:
        return None
    lo, hi = utc(start), utc(end)
    total = 0.0
    for d in doses:
        if d.product_kind in kinds and d.unit == unit and lo <= utc(d.given_at) < hi:
            kg = weight_on(weights, local_date(d.given_at, tz))
            assert kg is not None  # weights is not empty
            total += d.dose / kg
    return total, days


def iu_per_kg_per_year(
    doses: Iterable[DoseRecord],
    weights: Sequence[WeightRecord],
    start: dt.datetime,
    end: dt.datetime,
    *,
    kinds: Collection[str] = FACTOR_KINDS,
    tz: dt.tzinfo | None = None,
) -> float | None:
    """Factor used per kg of body weight per year over ``[start, end)``.

    Source: WFH Guidelines 3rd ed. 2020 (annual factor consumption in IU/kg/year).

    ``Σ (dose_i ÷ kg_i) ÷ (days ÷ 365.25)`` over FVIII and FIX doses in IU (any reason:
    prophylaxis, bleeds and procedures all use product), each divided by the weight on
    its own day (a growing child's early doses by the early weight). Emicizumab (mg) is
    excluded. 0.0 if nothing was used; None
    if the period is empty or no weight was ever recorded.
    """
    result = _per_kg_total(doses, weights, start, end, IU, kinds, tz)
    if result is None:
        return None
    per_kg, days = result
    return per_kg / (days / DAYS_PER_YEAR)
