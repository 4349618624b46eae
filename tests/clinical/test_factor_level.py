"""One-compartment factor-level estimate, against hand-worked decay."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from hemolog.clinical.factor_level import (
    LevelPoint,
    estimated_factor_level,
    factor_level_curve,
    peak_rise,
    time_below,
    unmodelled_doses,
)
from hemolog.clinical.records import DoseRecord, WeightRecord, weight_on

UTC = dt.UTC
LONDON = ZoneInfo("Europe/London")
T0 = dt.datetime(2024, 1, 10, 8, tzinfo=UTC)
H = dt.timedelta(hours=1)
KG25 = [WeightRecord(day=dt.date(2024, 1, 1), kg=25)]


def factor(when=T0, iu=1000, half_life=12.0, recovery=2.0, kind="FVIII") -> DoseRecord:
    return DoseRecord(given_at=when, dose=iu, product_kind=kind, half_life_hours=half_life, recovery=recovery)


def emicizumab(when=T0) -> DoseRecord:
    return DoseRecord(given_at=when, dose=75, unit="mg", product_kind="EMICIZUMAB")


def test_peak_rise_wfh_arithmetic():
    # 1000 IU / 25 kg = 40 IU/kg; × 2.0 IU/dL per IU/kg = 80 IU/dL.
    assert peak_rise(1000, 25, 2.0) == pytest.approx(80.0)


def test_half_life_decay_hand_worked():
    doses, baseline = [factor()], 0.5
    assert estimated_factor_level(T0 - H, doses, KG25, baseline) == pytest.approx(0.5)  # before: baseline
    assert estimated_factor_level(T0, doses, KG25, baseline) == pytest.approx(80.5)  # peak 80 + 0.5
    # After 6 h: 80 × 2^(−6/12) = 80 / √2 = 56.5685; + 0.5.
    assert estimated_factor_level(T0 + 6 * H, doses, KG25, baseline) == pytest.approx(57.0685, abs=1e-4)
    assert estimated_factor_level(T0 + 12 * H, doses, KG25, baseline) == pytest.approx(40.5)  # one half-life
    assert estimated_factor_level(T0 + 24 * H, doses, KG25, baseline) == pytest.approx(20.5)  # two


def test_doses_superpose():
    # Second dose 24 h after the first: 80 × 2^(−24/12) = 20 left of the first, + 80 = 100.
    doses = [factor(), factor(T0 + 24 * H)]
    assert estimated_factor_level(T0 + 24 * H, doses, KG25) == pytest.approx(100.0)
    # 12 h later: 100 / 2 = 50.
    assert estimated_factor_level(T0 + 36 * H, doses, KG25) == pytest.approx(50.0)


def test_each_dose_uses_its_own_half_life_and_recovery():
    # Dose A: t½ 12 h, recovery 2.0 -> 80; dose B at the same time: 500 IU, t½ 24 h,
    # recovery 1.0 -> 20 IU/dL. After 24 h: 80 / 4 + 20 / 2 = 20 + 10 = 30.
    doses = [factor(), factor(iu=500, half_life=24, recovery=1.0, kind="FIX")]
    assert estimated_factor_level(T0 + 24 * H, doses, KG25) == pytest.approx(30.0)


def test_weight_on_the_day_of_each_dose():
    weights = [WeightRecord(day=dt.date(2024, 1, 1), kg=20), WeightRecord(day=dt.date(2024, 2, 1), kg=25)]
    jan = factor(dt.datetime(2024, 1, 15, 8, tzinfo=UTC))
    feb = factor(dt.datetime(2024, 2, 15, 8, tzinfo=UTC))
    assert estimated_factor_level(jan.given_at, [jan], weights) == pytest.approx(100.0)  # 1000 / 20 × 2
    assert estimated_factor_level(feb.given_at, [feb], weights) == pytest.approx(80.0)  # 1000 / 25 × 2


def test_weight_on_falls_back_to_the_earliest_later_measurement():
    weights = [WeightRecord(day=dt.date(2024, 3, 1), kg=30), WeightRecord(day=dt.date(2024, 6, 1), kg=32)]
    assert weight_on(weights, dt.date(2024, 1, 1)) == 30
    assert weight_on(weights, dt.date(2024, 5, 31)) == 30
    assert weight_on(weights, dt.date(2024, 6, 1)) == 32
    assert weight_on([], dt.date(2024, 6, 1)) is None


def test_decimal_values_from_the_orm_are_accepted():
    dose = DoseRecord(
        given_at=T0,
        dose=Decimal("1000.0"),
        product_kind="FVIII",
        half_life_hours=Decimal("12.0"),
        recovery=Decimal("2.00"),
    )
    weights = [WeightRecord(day=dt.date(2024, 1, 1), kg=Decimal("25.0"))]
    assert estimated_factor_level(T0 + 12 * H, [dose], weights) == pytest.approx(40.0)


def test_emicizumab_only_patient_has_no_factor_level():
    doses = [emicizumab(T0 - 7 * 24 * H), emicizumab()]
    assert estimated_factor_level(T0 + H, doses, KG25, baseline=0.5) is None
    assert factor_level_curve(doses, KG25, T0, T0 + 24 * H) == []
    assert time_below(doses, KG25, T0, T0 + 24 * H) is None


def test_non_factor_doses_are_ignored_beside_factor_doses():
    doses = [factor(), emicizumab(), factor(iu=5000, kind="BYPASSING")]
    assert estimated_factor_level(T0 + 12 * H, doses, KG25) == pytest.approx(40.0)


def test_no_doses_gives_no_level():
    assert estimated_factor_level(T0, [], KG25) is None


def test_doses_without_pharmacokinetics_or_weight_are_left_out_and_listed():
    no_half_life = factor(T0 - 24 * H, half_life=None)
    no_recovery = factor(T0 - 12 * H, recovery=None)
    doses = [no_half_life, no_recovery, factor(), emicizumab()]
    assert estimated_factor_level(T0 + 12 * H, doses, KG25) == pytest.approx(40.0)
    assert unmodelled_doses(doses, KG25) == [no_half_life, no_recovery]
    assert estimated_factor_level(T0, [no_half_life], KG25) is None
    assert estimated_factor_level(T0, [factor()], []) is None  # no weight ever recorded
    assert unmodelled_doses([factor()], []) == [factor()]


def test_decay_uses_real_time_across_the_spring_dst_change():
    # 30 Mar 2024 20:00 GMT to 31 Mar 09:00 BST: 13 h on the wall clock, 12 h of real time.
    dose = factor(dt.datetime(2024, 3, 30, 20, tzinfo=LONDON))
    later = dt.datetime(2024, 3, 31, 9, tzinfo=LONDON)
    assert estimated_factor_level(later, [dose], KG25) == pytest.approx(40.0)


def test_curve_samples_the_grid_and_draws_each_dose_as_a_jump():
    # Grid from T0 − 3 h every 6 h to T0 + 9 h, plus the trough and the peak at T0.
    curve = factor_level_curve([factor()], KG25, T0 - 3 * H, T0 + 9 * H, step=6 * H)
    assert [p.at for p in curve] == [T0 - 3 * H, T0, T0, T0 + 3 * H, T0 + 9 * H]
    expected = [0.0, 0.0, 80.0, 80 * 2 ** (-3 / 12), 80 * 2 ** (-9 / 12)]  # 67.27, 47.57
    assert [p.level for p in curve] == pytest.approx(expected)
    assert isinstance(curve[0], LevelPoint)


def test_curve_times_are_in_the_start_zone_and_spaced_in_real_time():
    # 31 Mar 2024 00:00 GMT to 05:00 BST is 4 h of real time (the clocks skip 01:00–02:00).
    start, end = dt.datetime(2024, 3, 31, 0, tzinfo=LONDON), dt.datetime(2024, 3, 31, 5, tzinfo=LONDON)
    curve = factor_level_curve([factor(start)], KG25, start, end, step=2 * H)
    # Trough and peak at 00:00 GMT; 2 h of real time later is 03:00 BST, then 05:00 BST.
    assert [(p.at.hour, p.at.tzinfo) for p in curve] == [(0, LONDON), (0, LONDON), (3, LONDON), (5, LONDON)]


def test_time_below_thresholds_hand_worked():
    # 80 × 2^(−h/12) < x  ⟺  h > 12 × log2(80 / x). Over 96 h from the dose:
    #   below 5:  after 12 × log2(16)   = 48 h       -> 48 h      / 96 = 0.5
    #   below 3:  after 12 × log2(26.67) = 56.8436 h -> 39.1564 h / 96 = 0.407879
    #   below 1:  after 12 × log2(80)   = 75.8631 h  -> 20.1369 h / 96 = 0.209759
    shares = time_below([factor()], KG25, T0, T0 + 96 * H)
    assert shares[5] == pytest.approx(0.5, abs=1e-6)
    assert shares[3] == pytest.approx((96 - 12 * math.log2(80 / 3)) / 96, abs=1e-6)
    assert shares[1] == pytest.approx((96 - 12 * math.log2(80)) / 96, abs=1e-6)
    assert shares[1] == pytest.approx(0.209759, abs=1e-6)


def test_time_below_with_a_baseline_and_before_the_first_dose():
    # Baseline 1.0: never below 1; below 5 once 80 × 2^(−h/12) < 4, i.e. after 12 × log2(20) h.
    shares = time_below([factor()], KG25, T0, T0 + 96 * H, thresholds=(1, 5), baseline=1.0)
    assert shares[1] == 0.0
    assert shares[5] == pytest.approx((96 - 12 * math.log2(20)) / 96, abs=1e-6)
    # From 24 h before the dose (level 0, below 1) to 24 h after (above 1 until 75.9 h): half.
    assert time_below([factor()], KG25, T0 - 24 * H, T0 + 24 * H, thresholds=(1,))[1] == pytest.approx(0.5)


def test_time_below_agrees_with_fine_sampling_for_a_mixed_regimen():
    # Three doses with different half-lives, sampled every minute over 5 days: the exact
    # answer and the sampled one differ by at most a few sampling steps.
    doses = [factor(), factor(T0 + 50 * H, iu=500, half_life=18), factor(T0 + 70 * H, half_life=9, recovery=1.6)]
    start, end = T0 - 6 * H, T0 + 120 * H
    minutes = int((end - start) / dt.timedelta(minutes=1))
    samples = [estimated_factor_level(start + dt.timedelta(minutes=i), doses, KG25) for i in range(minutes)]
    exact = time_below(doses, KG25, start, end, thresholds=(1, 3, 5, 15))
    for threshold, share in exact.items():
        sampled = sum(1 for level in samples if level < threshold) / minutes
        assert share == pytest.approx(sampled, abs=4 / minutes)
    assert 0 < exact[5] < exact[15] < 1


def test_time_below_needs_a_period():
    with pytest.raises(ValueError):
        time_below([factor()], KG25, T0, T0)
