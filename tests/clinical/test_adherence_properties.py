"""Properties of scheduled doses and adherence (:mod:`hemolog.clinical.adherence`)
for generated regimens, periods and dose times, many of them across DST changes.

The invariants, as the module states its rule: a scheduled dose lies on a day of
the period that its regimen is active on and that follows the schedule, and every
such day has one; each logged prophylactic dose is credited to at most one
scheduled dose and each scheduled dose to at most one logged dose, as many as any
assignment could (a maximum matching); other reasons never count.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from hemolog.clinical.adherence import NOMINAL_TIME, _match, adherence, scheduled_doses
from hemolog.clinical.dates import month_start
from hemolog.clinical.records import (
    BLEED_TREATMENT,
    EVERY_2_WEEKS,
    EVERY_4_WEEKS,
    EVERY_N_DAYS,
    FIXED_INTERVAL_DAYS,
    PROPHYLAXIS,
    WEEKDAYS,
    WEEKLY,
    DoseRecord,
    ScheduleRecord,
)

ZONES = [ZoneInfo(name) for name in ("Europe/Berlin", "Europe/London", "America/New_York", "Pacific/Kiritimati")]
FAST = settings(max_examples=100, deadline=None)
# Periods start near a DST change (Europe and North America), a leap day or a year end.
ANCHORS = [dt.date(2027, 3, 14), dt.date(2027, 10, 20), dt.date(2028, 2, 15), dt.date(2026, 12, 20)]

anchors = st.builds(
    lambda anchor, shift: anchor + dt.timedelta(days=shift), st.sampled_from(ANCHORS), st.integers(0, 20)
)


@st.composite
def schedules(draw, near: dt.date) -> ScheduleRecord:
    kind = draw(st.sampled_from([EVERY_N_DAYS, WEEKDAYS, WEEKLY, EVERY_2_WEEKS, EVERY_4_WEEKS]))
    start = near + dt.timedelta(days=draw(st.integers(-60, 40)))
    end = draw(st.none() | st.integers(0, 90).map(lambda n: start + dt.timedelta(days=n)))
    interval = draw(st.integers(1, 10)) if kind == EVERY_N_DAYS else None
    weekdays = ""
    if kind == WEEKDAYS:
        weekdays = "".join(str(d) for d in sorted(draw(st.sets(st.integers(0, 6), min_size=1))))
    return ScheduleRecord(kind=kind, start_date=start, end_date=end, interval_days=interval, weekdays=weekdays)


@st.composite
def cases(draw, max_schedules: int = 2, around: int = 21):
    """A time zone, regimens, a period of up to 10 weeks, and doses logged at any
    minute from ``around`` days before it to ``around`` days after it."""
    tz = draw(st.sampled_from(ZONES))
    start = draw(anchors)
    end = start + dt.timedelta(days=draw(st.integers(0, 70)))
    regimens = draw(st.lists(schedules(start), min_size=1, max_size=max_schedules))
    first = dt.datetime.combine(start - dt.timedelta(days=around), dt.time(), tzinfo=tz).astimezone(dt.UTC)
    last = dt.datetime.combine(end + dt.timedelta(days=around + 1), dt.time(), tzinfo=tz).astimezone(dt.UTC)
    span = int((last - first).total_seconds() // 60) - 1  # real minutes, not wall-clock ones
    doses = [
        DoseRecord(given_at=first + dt.timedelta(minutes=m), dose=1000, product_kind="FVIII", reason=reason)
        for m, reason in draw(
            st.lists(
                st.tuples(st.integers(0, span), st.sampled_from([PROPHYLAXIS] * 4 + [BLEED_TREATMENT])),
                max_size=30,
            )
        )
    ]
    tolerance = draw(st.none() | st.integers(0, 400).map(lambda h: dt.timedelta(hours=h)))
    return tz, regimens, start, end, doses, tolerance


def follows(schedule: ScheduleRecord, day: dt.date) -> bool:
    if not schedule.is_active_on(day):
        return False
    if schedule.kind == WEEKDAYS:
        return day.weekday() in schedule.weekday_numbers
    step = schedule.interval_days if schedule.kind == EVERY_N_DAYS else FIXED_INTERVAL_DAYS[schedule.kind]
    return (day - schedule.start_date).days % step == 0


def prophylactic(doses):
    return [d for d in doses if d.reason == PROPHYLAXIS]


# --- Scheduled doses -------------------------------------------------------------------


@FAST
@given(cases())
def test_scheduled_doses_are_exactly_the_days_that_follow_each_schedule(case):
    tz, regimens, start, end, _, _ = case
    found = scheduled_doses(regimens, start, end, tz)
    period = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    expected = sorted((day, id(s)) for s in regimens for day in period if follows(s, day))
    assert sorted((d.day, id(d.schedule)) for d in found) == expected
    assert [d.day for d in found] == sorted(d.day for d in found)
    for dose in found:
        assert dose.at == dt.datetime.combine(dose.day, NOMINAL_TIME, tzinfo=tz)
        assert dose.at.astimezone(tz).date() == dose.day  # local noon exists on every DST day


# --- Adherence -------------------------------------------------------------------------


@FAST
@given(cases())
def test_taken_never_exceeds_scheduled_and_the_months_add_up(case):
    tz, regimens, start, end, doses, tolerance = case
    result = adherence(regimens, doses, start, end, tz, tolerance)
    days = [d.day for d in scheduled_doses(regimens, start, end, tz)]
    assert 0 <= result.taken <= result.scheduled == len(days)
    assert result.taken + len(result.missed) == result.scheduled
    remaining = list(days)
    for day in result.missed:  # each missed day is a scheduled day, as often as it was scheduled
        remaining.remove(day)
    assert sum(m.taken for m in result.months) == result.taken
    assert sum(m.scheduled for m in result.months) == result.scheduled
    assert [m.month for m in result.months] == sorted({month_start(day) for day in days})
    assert all(0 <= m.taken <= m.scheduled for m in result.months)


@FAST
@given(cases(around=0))
def test_each_logged_dose_is_credited_at_most_once(case):
    """A dose credited to a scheduled dose is not also "unscheduled", and never
    credited twice. With every dose inside the period, a dose that is neither was
    credited to a scheduled day just outside it."""
    tz, regimens, start, end, doses, tolerance = case
    result = adherence(regimens, doses, start, end, tz, tolerance)
    assert result.taken + result.unscheduled <= len(prophylactic(doses))


@FAST
@given(cases(), st.data())
def test_adding_a_dose_never_lowers_taken(case, data):
    tz, regimens, start, end, doses, tolerance = case
    before = adherence(regimens, doses, start, end, tz, tolerance)
    extra = data.draw(st.integers(0, ((end - start).days + 42) * 24 * 60))
    given_at = dt.datetime.combine(start - dt.timedelta(days=21), dt.time(), tzinfo=dt.UTC)
    given_at += dt.timedelta(minutes=extra)
    more = [*doses, DoseRecord(given_at=given_at, dose=500, product_kind="FVIII")]
    after = adherence(regimens, more, start, end, tz, tolerance)
    assert before.taken <= after.taken <= before.taken + 1
    assert after.scheduled == before.scheduled


@FAST
@given(cases())
def test_without_doses_nothing_is_taken_and_every_scheduled_day_is_missed(case):
    tz, regimens, start, end, doses, tolerance = case
    result = adherence(regimens, [d for d in doses if d.reason != PROPHYLAXIS], start, end, tz, tolerance)
    assert (result.taken, result.unscheduled) == (0, 0)
    assert result.missed == tuple(d.day for d in scheduled_doses(regimens, start, end, tz))


@FAST
@given(cases())
def test_only_prophylactic_doses_count(case):
    tz, regimens, start, end, doses, tolerance = case
    assert adherence(regimens, doses, start, end, tz, tolerance) == adherence(
        regimens, prophylactic(doses), start, end, tz, tolerance
    )


@FAST
@given(cases(max_schedules=1), st.integers(1, 24 * 60 - 1))
def test_a_dose_on_each_scheduled_day_takes_them_all(case, minutes):
    """With the default tolerance (half the dosing interval, at least 12 h) a dose
    at any time of each scheduled day, DST days included, is taken. (Not exactly at
    midnight: both ends of a window are inclusive, so on a daily schedule 00:00 is
    the end of the day before too, and goes to it when that day has no dose.)"""
    tz, regimens, start, end, _, _ = case
    days = [d.day for d in scheduled_doses(regimens, start, end, tz)]
    at = (dt.datetime.combine(dt.date.min, dt.time()) + dt.timedelta(minutes=minutes)).time()
    doses = [DoseRecord(given_at=dt.datetime.combine(day, at, tzinfo=tz), dose=1, product_kind="FVIII") for day in days]
    result = adherence(regimens, doses, start, end, tz)
    assert (result.taken, result.scheduled, result.missed, result.unscheduled) == (len(days), len(days), (), 0)


@FAST
@given(cases(), st.integers(-3 * 24, 80 * 24))
def test_now_only_leaves_out_scheduled_doses_not_yet_due(case, hours):
    tz, regimens, start, end, doses, tolerance = case
    now = dt.datetime.combine(start, dt.time(), tzinfo=tz) + dt.timedelta(hours=hours)
    whole = adherence(regimens, doses, start, end, tz, tolerance)
    so_far = adherence(regimens, doses, start, end, tz, tolerance, now=now)
    assert so_far.taken == whole.taken
    assert so_far.scheduled <= whole.scheduled
    assert set(so_far.missed) <= set(whole.missed)
    late = dt.datetime.combine(end + dt.timedelta(days=40), dt.time(), tzinfo=tz)  # every window has closed
    assert adherence(regimens, doses, start, end, tz, tolerance, now=late) == whole


# --- The matching itself ---------------------------------------------------------------


def maximum_matching_size(windows, points) -> int:
    """Kuhn's augmenting paths: the size of a maximum matching, by brute force."""
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j, point in enumerate(points):
            lo, hi = windows[i]
            if lo <= point <= hi and j not in seen:
                seen.add(j)
                if j not in owner or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    return sum(augment(i, set()) for i in range(len(windows)))


base = dt.datetime(2027, 3, 28)
wall_times = st.integers(0, 200).map(lambda h: base + dt.timedelta(hours=h))
windows = st.lists(
    st.tuples(wall_times, st.integers(0, 80)).map(lambda w: (w[0], w[0] + dt.timedelta(hours=w[1]))), max_size=12
)


@settings(max_examples=200, deadline=None)
@given(windows, st.lists(wall_times, max_size=12))
def test_the_matching_pairs_each_window_with_its_own_point_and_is_maximum(windows, points):
    matched = _match(windows, points)
    assert len(set(matched.values())) == len(matched)  # no point serves two windows
    for i, j in matched.items():
        lo, hi = windows[i]
        assert lo <= points[j] <= hi
    assert len(matched) == maximum_matching_size(windows, points)
