"""Consumption per kg, against hand-worked cases."""

from __future__ import annotations

import datetime as dt

import pytest

from hemolog.clinical.consumption import iu_per_kg_per_year
from hemolog.clinical.records import DoseRecord, WeightRecord

UTC = dt.UTC
D = dt.date


def at(y, m, d, h=8) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=UTC)


def given(when, amount, kind="FVIII", unit="IU", reason="PROPHYLAXIS") -> DoseRecord:
    return DoseRecord(given_at=when, dose=amount, product_kind=kind, unit=unit, reason=reason)


# 1 Jan 2024 00:00 to 1 Jul 2024 15:00 UTC = 182.625 days = half of 365.25.
HALF_YEAR = (dt.datetime(2024, 1, 1, tzinfo=UTC), dt.datetime(2024, 7, 1, 15, tzinfo=UTC))
WEIGHTS = [WeightRecord(day=D(2024, 1, 1), kg=25), WeightRecord(day=D(2024, 3, 1), kg=40)]


def test_iu_per_kg_per_year_hand_worked():
    doses = [
        given(at(2024, 1, 10), 1000),  # 1000 / 25 = 40 IU/kg
        given(at(2024, 2, 10), 1000, reason="BLEED"),  # 40 IU/kg: bleed treatment counts too
        given(at(2024, 3, 10), 2000, kind="FIX"),  # 2000 / 40 = 50 IU/kg (weight from 1 Mar)
        given(at(2024, 3, 11), 60, kind="EMICIZUMAB", unit="mg"),  # mg: not in the IU figure
        given(at(2024, 3, 12), 5000, kind="BYPASSING"),  # aPCC units: not FVIII/FIX
        given(at(2023, 12, 31), 1000),  # before the period
        given(HALF_YEAR[1], 1000),  # at the end: the period is half-open
    ]
    # (40 + 40 + 50) IU/kg in half a year = 130 / 0.5 = 260 IU/kg/year.
    assert iu_per_kg_per_year(doses, WEIGHTS, *HALF_YEAR) == pytest.approx(260.0)
    # Bypassing agents on request: 5000 / 40 = 125 IU/kg -> 250 per year.
    assert iu_per_kg_per_year(doses, WEIGHTS, *HALF_YEAR, kinds={"BYPASSING"}) == pytest.approx(250.0)


def test_iu_per_kg_per_year_edges():
    assert iu_per_kg_per_year([], WEIGHTS, *HALF_YEAR) == 0.0  # nothing used
    assert iu_per_kg_per_year([given(at(2024, 1, 10), 1000)], [], *HALF_YEAR) is None  # no weight recorded
    assert iu_per_kg_per_year([given(at(2024, 1, 10), 1000)], WEIGHTS, HALF_YEAR[0], HALF_YEAR[0]) is None
