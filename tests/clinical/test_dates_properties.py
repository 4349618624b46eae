"""Properties of the month and elapsed-time arithmetic in :mod:`hemolog.clinical.dates`,
for any day from 1900 to 2099 and any aware time, DST changes included."""

from __future__ import annotations

import calendar
import datetime as dt
import math
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hemolog.clinical.dates import (
    add_months,
    elapsed_days,
    local_date,
    month_start,
    months_between,
    next_month,
)

ZONES = [ZoneInfo(name) for name in ("Europe/Berlin", "Europe/London", "America/New_York", "Pacific/Kiritimati")]
ZONES.append(dt.UTC)
FAST = settings(max_examples=200, deadline=None)

days = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31))
# Aware times near the days the clocks change are where wall-clock arithmetic goes wrong.
# Real instants only: a wall-clock time skipped when the clocks went forward comes from no database.
moments = st.datetimes(
    min_value=dt.datetime(1990, 1, 1),
    max_value=dt.datetime(2060, 12, 31),
    timezones=st.sampled_from(ZONES),
    allow_imaginary=False,
)
dst_moments = st.builds(
    lambda day, minutes, zone: (
        dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) + dt.timedelta(minutes=minutes)
    ).astimezone(zone),
    st.sampled_from([dt.date(2027, 3, 27), dt.date(2027, 3, 28), dt.date(2027, 10, 30), dt.date(2027, 10, 31)]),
    st.integers(min_value=0, max_value=2 * 24 * 60),
    st.sampled_from(ZONES),
)
any_moment = moments | dst_moments
month_shifts = st.integers(min_value=-1200, max_value=1200)  # a century either way stays within datetime's years


def hours(later: dt.datetime, earlier: dt.datetime) -> float:
    return elapsed_days(later, earlier) * 24


def month_index(value: dt.date | dt.datetime) -> int:
    return value.year * 12 + value.month - 1


# --- add_months ------------------------------------------------------------------------


@FAST
@given(moments, month_shifts)
@example(dt.datetime(2023, 8, 31, 10, tzinfo=dt.UTC), 6)  # 29 Feb 2024
@example(dt.datetime(2024, 8, 31, 10, tzinfo=dt.UTC), 6)  # 28 Feb 2025
@example(dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC), 1)  # across a year end
def test_add_months_moves_by_calendar_months_and_clamps_the_day(value, months):
    later = add_months(value, months)
    assert month_index(later) - month_index(value) == months
    last_day = calendar.monthrange(later.year, later.month)[1]
    assert later.day == min(value.day, last_day)
    assert (later.time(), later.tzinfo, later.fold) == (value.time(), value.tzinfo, value.fold)


@FAST
@given(moments, month_shifts)
def test_add_months_and_back_returns_the_day_or_the_clamped_month_end(value, months):
    there = add_months(value, months)
    back = add_months(there, -months)
    assert back == value.replace(day=there.day)
    if value.day <= 28:
        assert back == value


@FAST
@given(moments, st.integers(-600, 600), st.integers(-600, 600))
def test_add_months_composes_when_no_day_is_clamped(value, a, b):
    value = value.replace(day=min(value.day, 28))
    assert add_months(add_months(value, a), b) == add_months(value, a + b)


def test_add_months_keeps_the_wall_clock_time_across_a_dst_change():
    berlin = ZoneInfo("Europe/Berlin")
    winter = dt.datetime(2027, 2, 28, 9, 0, tzinfo=berlin)
    summer = add_months(winter, 1)
    assert summer == dt.datetime(2027, 3, 28, 9, 0, tzinfo=berlin)
    assert hours(summer, winter) == 28 * 24 - 1  # one hour fewer: the clocks went forward


# --- month_start, next_month, months_between -------------------------------------------


@FAST
@given(days)
def test_month_start_is_the_first_of_the_same_month_and_idempotent(day):
    first = month_start(day)
    assert first <= day
    assert (first.year, first.month, first.day) == (day.year, day.month, 1)
    assert month_start(first) == first


@FAST
@given(days)
def test_next_month_is_the_first_day_after_the_month(day):
    following = next_month(day)
    assert following.day == 1
    assert month_index(following) == month_index(day) + 1
    assert month_start(following - dt.timedelta(days=1)) == month_start(day)


@FAST
@given(days, st.integers(min_value=0, max_value=5000))
@example(dt.date(2024, 1, 31), 29)  # 31 Jan to 29 Feb
@example(dt.date(2026, 12, 31), 1)  # across a year end
def test_months_between_lists_each_month_of_the_range_once_in_order(start, length):
    end = start + dt.timedelta(days=length)
    months = months_between(start, end)
    assert months[0] == month_start(start)
    assert months[-1] == month_start(end)
    assert len(months) == month_index(end) - month_index(start) + 1
    assert all(m.day == 1 for m in months)
    assert all(b == next_month(a) for a, b in zip(months, months[1:], strict=False))  # sorted, no gap, no repeat
    # Every day of the range falls in a listed month.
    probe = {month_start(start + dt.timedelta(days=i)) for i in range(0, length + 1, 7)} | {month_start(end)}
    assert probe <= set(months)


# --- elapsed time ----------------------------------------------------------------------


@FAST
@given(any_moment, any_moment, any_moment)
def test_elapsed_days_adds_up_across_dst_changes_and_zones(a, b, c):
    assert math.isclose(elapsed_days(c, a), elapsed_days(c, b) + elapsed_days(b, a), abs_tol=1e-9)
    assert elapsed_days(a, b) == -elapsed_days(b, a)
    assert elapsed_days(a, a) == 0


@FAST
@given(any_moment, any_moment)
def test_elapsed_days_is_real_time_not_wall_clock_time(a, b):
    """The wall-clock difference corrected by the change of UTC offset (the hour
    the clocks moved), whatever zone each side is in."""
    wall = (b.replace(tzinfo=None) - a.replace(tzinfo=None)).total_seconds() / 3600
    offset_change = (b.utcoffset() - a.utcoffset()).total_seconds() / 3600
    assert math.isclose(hours(b, a), wall - offset_change, abs_tol=1e-9)


@pytest.mark.parametrize(
    ("day", "length"),
    [(dt.date(2027, 3, 28), 23), (dt.date(2027, 10, 31), 25), (dt.date(2027, 6, 1), 24)],
)
def test_a_local_day_lasts_23_24_or_25_hours(day, length):
    berlin = ZoneInfo("Europe/Berlin")
    midnight = dt.datetime.combine(day, dt.time(), tzinfo=berlin)
    following = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=berlin)
    assert hours(following, midnight) == length
    assert local_date(following - dt.timedelta(minutes=1), berlin) == day


@FAST
@given(any_moment, st.sampled_from(ZONES))
def test_local_date_is_the_day_on_the_wall_clock_of_the_zone(value, zone):
    day = local_date(value, zone)
    midnight = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    following = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    assert hours(value, midnight) >= 0 > hours(value, following)
    assert local_date(value) == value.date()


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        elapsed_days(dt.datetime(2027, 3, 28, 12), dt.datetime(2027, 3, 27, 12, tzinfo=dt.UTC))
