"""Scheduled doses and adherence, against hand-worked cases (Europe/London throughout)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from hemolog.clinical.adherence import (
    adherence,
    default_tolerance,
    dosing_interval,
    rounded_percent,
    scheduled_doses,
)
from hemolog.clinical.records import DoseRecord, ScheduleRecord

LONDON = ZoneInfo("Europe/London")
D = dt.date


def local(y, m, d, h=8, mi=0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=LONDON)


def dose(when: dt.datetime, reason="PROPHYLAXIS") -> DoseRecord:
    return DoseRecord(given_at=when, dose=1000, product_kind="FVIII", reason=reason)


def every(n: int, start: dt.date, end: dt.date | None = None) -> ScheduleRecord:
    return ScheduleRecord(kind="EVERY_N_DAYS", interval_days=n, start_date=start, end_date=end)


def days(doses) -> list[dt.date]:
    return [s.day for s in doses]


# --- Intervals and tolerances ----------------------------------------------------------


@pytest.mark.parametrize(
    ("schedule", "interval_days", "tolerance_hours"),
    [
        (every(1, D(2024, 1, 1)), 1, 12),  # half of 1 day is 12 h
        (every(3, D(2024, 1, 1)), 3, 36),
        (ScheduleRecord(kind="WEEKDAYS", weekdays="024", start_date=D(2024, 1, 1)), 2, 24),  # Mon/Wed/Fri
        (ScheduleRecord(kind="WEEKDAYS", weekdays="06", start_date=D(2024, 1, 1)), 1, 12),  # Sun -> Mon
        (ScheduleRecord(kind="WEEKDAYS", weekdays="03", start_date=D(2024, 1, 1)), 3, 36),  # Mon/Thu: 3 and 4
        (ScheduleRecord(kind="WEEKDAYS", weekdays="3", start_date=D(2024, 1, 1)), 7, 84),
        (ScheduleRecord(kind="WEEKLY", start_date=D(2024, 1, 1)), 7, 84),
        (ScheduleRecord(kind="EVERY_2_WEEKS", start_date=D(2024, 1, 1)), 14, 168),
        (ScheduleRecord(kind="EVERY_4_WEEKS", start_date=D(2024, 1, 1)), 28, 336),
    ],
)
def test_interval_and_default_tolerance(schedule, interval_days, tolerance_hours):
    assert dosing_interval(schedule) == dt.timedelta(days=interval_days)
    assert default_tolerance(schedule) == dt.timedelta(hours=tolerance_hours)


# --- Scheduled doses ---------------------------------------------------------------------


def test_every_n_days_counts_from_the_regimen_start_not_the_period_start():
    schedule = every(3, D(2024, 1, 1))
    assert days(scheduled_doses([schedule], D(2024, 1, 1), D(2024, 1, 10), LONDON)) == [
        D(2024, 1, 1),
        D(2024, 1, 4),
        D(2024, 1, 7),
        D(2024, 1, 10),
    ]
    assert days(scheduled_doses([schedule], D(2024, 1, 2), D(2024, 1, 10), LONDON)) == [
        D(2024, 1, 4),
        D(2024, 1, 7),
        D(2024, 1, 10),
    ]


def test_all_five_schedule_kinds():
    jan = (D(2024, 1, 1), D(2024, 1, 31), LONDON)  # 1 Jan 2024 is a Monday
    weekdays = ScheduleRecord(kind="WEEKDAYS", weekdays="024", start_date=D(2024, 1, 1), end_date=D(2024, 1, 7))
    assert days(scheduled_doses([weekdays], *jan)) == [D(2024, 1, 1), D(2024, 1, 3), D(2024, 1, 5)]
    weekly = ScheduleRecord(kind="WEEKLY", start_date=D(2024, 1, 3))
    assert days(scheduled_doses([weekly], *jan)) == [D(2024, 1, d) for d in (3, 10, 17, 24, 31)]
    fortnightly = ScheduleRecord(kind="EVERY_2_WEEKS", start_date=D(2024, 1, 3))
    assert days(scheduled_doses([fortnightly], *jan)) == [D(2024, 1, 3), D(2024, 1, 17), D(2024, 1, 31)]
    four_weekly = ScheduleRecord(kind="EVERY_4_WEEKS", start_date=D(2023, 12, 20))
    assert days(scheduled_doses([four_weekly], *jan)) == [D(2024, 1, 17)]  # 20 Dec + 28 days
    assert days(scheduled_doses([every(3, D(2024, 1, 1), D(2024, 1, 7))], *jan)) == [
        D(2024, 1, 1),
        D(2024, 1, 4),
        D(2024, 1, 7),  # the end date is inclusive
    ]


def test_doses_before_the_regimen_start_or_after_the_period_are_not_scheduled():
    schedule = every(2, D(2024, 1, 10), D(2024, 1, 20))
    assert days(scheduled_doses([schedule], D(2024, 1, 1), D(2024, 1, 15), LONDON)) == [
        D(2024, 1, 10),
        D(2024, 1, 12),
        D(2024, 1, 14),
    ]


def test_every_2_days_across_the_spring_dst_change():
    # Clocks go forward on Sunday 31 Mar 2024. One dose per two calendar days regardless,
    # each at local noon: 12:00 GMT (12:00 UTC) before the change, 12:00 BST (11:00 UTC) after.
    scheduled = scheduled_doses([every(2, D(2024, 3, 27))], D(2024, 3, 27), D(2024, 4, 4), LONDON)
    assert days(scheduled) == [D(2024, 3, 27), D(2024, 3, 29), D(2024, 3, 31), D(2024, 4, 2), D(2024, 4, 4)]
    assert [s.at.hour for s in scheduled] == [12] * 5
    assert [s.at.astimezone(dt.UTC).hour for s in scheduled] == [12, 12, 11, 11, 11]


# --- Adherence ---------------------------------------------------------------------------


def test_23_of_26_scheduled_doses():
    # Daily from 1 Jan for 26 days; doses at 08:00 on every day but 5, 12 and 20 Jan.
    taken_days = [d for d in range(1, 27) if d not in (5, 12, 20)]
    result = adherence(
        [every(1, D(2024, 1, 1), D(2024, 1, 26))],
        [dose(local(2024, 1, d)) for d in taken_days],
        D(2024, 1, 1),
        D(2024, 1, 31),
        LONDON,
    )
    assert (result.taken, result.scheduled) == (23, 26)
    assert result.percent == pytest.approx(23 / 26 * 100)  # 88.46 %
    assert result.summary == "23 of 26 scheduled doses, 88 %"
    assert result.missed == (D(2024, 1, 5), D(2024, 1, 12), D(2024, 1, 20))
    assert result.unscheduled == 0


def test_regimen_changing_mid_period():
    # Every 3 days 1–14 Jan: 1, 4, 7, 10, 13. Then Mon/Thu from Mon 15 Jan: 15, 18, 22, 25, 29.
    old = every(3, D(2024, 1, 1), D(2024, 1, 14))
    new = ScheduleRecord(kind="WEEKDAYS", weekdays="03", start_date=D(2024, 1, 15))
    scheduled = [1, 4, 7, 10, 13, 15, 18, 22, 25, 29]
    doses = [dose(local(2024, 1, d)) for d in scheduled if d not in (10, 22)]
    result = adherence([old, new], doses, D(2024, 1, 1), D(2024, 1, 31), LONDON)
    # 10 Jan's window (36 h either side of noon) is 9 Jan 00:00 to 12 Jan 00:00: no dose.
    assert (result.taken, result.scheduled) == (8, 10)
    assert result.summary == "8 of 10 scheduled doses, 80 %"
    assert result.missed == (D(2024, 1, 10), D(2024, 1, 22))


def test_patient_with_no_regimen():
    result = adherence([], [dose(local(2024, 1, 3))], D(2024, 1, 1), D(2024, 1, 31), LONDON)
    assert (result.taken, result.scheduled, result.percent) == (0, 0, None)
    assert result.months == ()
    assert result.unscheduled == 1
    assert result.summary == "No doses were scheduled in this period."


def test_missed_dose_at_the_tolerance_limit_with_default_tolerance():
    # Every 3 days, one scheduled day (10 Jan): tolerance 36 h around 10 Jan 12:00,
    # i.e. 9 Jan 00:00 to 12 Jan 00:00, both ends inclusive.
    schedule = [every(3, D(2024, 1, 10), D(2024, 1, 10))]

    def taken(when):
        return adherence(schedule, [dose(when)], D(2024, 1, 1), D(2024, 1, 31), LONDON).taken

    assert taken(local(2024, 1, 9, 0, 0)) == 1  # exactly 36 h early
    assert taken(local(2024, 1, 8, 23, 59)) == 0  # one minute more
    assert taken(local(2024, 1, 12, 0, 0)) == 1  # exactly 36 h late
    assert taken(local(2024, 1, 12, 0, 1)) == 0


def test_missed_dose_at_an_explicit_tolerance_limit():
    # Daily, with tolerance 6 h: 10 Jan 06:00 to 18:00.
    schedule = [every(1, D(2024, 1, 10), D(2024, 1, 10))]
    tolerance = dt.timedelta(hours=6)

    def run(when):
        return adherence(schedule, [dose(when)], D(2024, 1, 1), D(2024, 1, 31), LONDON, tolerance)

    assert run(local(2024, 1, 10, 18, 0)).taken == 1
    late = run(local(2024, 1, 10, 18, 1))
    assert (late.taken, late.scheduled, late.missed, late.unscheduled) == (0, 1, (D(2024, 1, 10),), 1)
    assert run(local(2024, 1, 10, 6, 0)).taken == 1
    assert run(local(2024, 1, 10, 5, 59)).taken == 0


def test_every_2_days_across_the_spring_dst_change_matches_doses_at_0800():
    doses = [dose(local(2024, 3, d)) for d in (27, 29, 31)] + [dose(local(2024, 4, d)) for d in (2, 4)]
    result = adherence([every(2, D(2024, 3, 27))], doses, D(2024, 3, 27), D(2024, 4, 4), LONDON)
    assert result.summary == "5 of 5 scheduled doses, 100 %"


def test_daily_across_the_autumn_dst_change_matches_doses_at_0800():
    # Clocks go back on Sunday 27 Oct 2024 (a 25-hour day).
    doses = [dose(local(2024, 10, d)) for d in range(25, 30)]
    result = adherence([every(1, D(2024, 10, 25))], doses, D(2024, 10, 25), D(2024, 10, 29), LONDON)
    assert (result.taken, result.scheduled) == (5, 5)


def test_tolerance_is_on_the_wall_clock_on_dst_days():
    # On the 25-hour 27 Oct 2024 a daily window is the whole local day, 00:00 BST to 24:00 GMT,
    # although 00:00 BST is 13 h of real time before 12:00 GMT.
    october = [every(1, D(2024, 10, 27), D(2024, 10, 27))]
    assert adherence(october, [dose(local(2024, 10, 27, 0, 0))], D(2024, 10, 1), D(2024, 10, 31), LONDON).taken == 1
    assert adherence(october, [dose(local(2024, 10, 27, 23, 59))], D(2024, 10, 1), D(2024, 10, 31), LONDON).taken == 1
    # On the 23-hour 31 Mar 2024, 30 Mar 23:59 GMT is only 11 h 01 min of real time before
    # 12:00 BST but 12 h 01 min on the wall clock: it belongs to 30 Mar, not 31 Mar.
    march = [every(1, D(2024, 3, 31), D(2024, 3, 31))]
    assert adherence(march, [dose(local(2024, 3, 30, 23, 59))], D(2024, 3, 1), D(2024, 3, 31), LONDON).taken == 0
    assert adherence(march, [dose(local(2024, 3, 31, 0, 0))], D(2024, 3, 1), D(2024, 3, 31), LONDON).taken == 1


def test_matching_is_a_maximum_matching_not_nearest_first():
    # Daily on 1 and 2 Jan with a 2-day tolerance. 1 Jan's window: 30 Dec 12:00 – 3 Jan 12:00;
    # 2 Jan's: 31 Dec 12:00 – 4 Jan 12:00. Doses: 31 Dec 06:00 (only 1 Jan's window) and
    # 1 Jan 13:00 (both). Nearest-first would give 1 Jan the 13:00 dose and leave 2 Jan
    # without one; the maximum matching credits both.
    result = adherence(
        [every(1, D(2024, 1, 1), D(2024, 1, 2))],
        [dose(local(2023, 12, 31, 6)), dose(local(2024, 1, 1, 13))],
        D(2024, 1, 1),
        D(2024, 1, 2),
        LONDON,
        tolerance=dt.timedelta(days=2),
    )
    assert (result.taken, result.scheduled) == (2, 2)


def test_each_logged_dose_matches_only_one_scheduled_dose():
    # One dose on 2 Jan 00:00 sits on the limit of both daily windows (1 Jan and 2 Jan).
    result = adherence(
        [every(1, D(2024, 1, 1), D(2024, 1, 2))], [dose(local(2024, 1, 2, 0))], D(2024, 1, 1), D(2024, 1, 2), LONDON
    )
    assert (result.taken, result.scheduled) == (1, 2)


def test_a_dose_for_the_day_before_the_period_is_not_credited_to_the_period():
    # Daily from 1 Jan, tolerance 2 days, period 2 Jan only. The 1 Jan 08:00 dose lies in
    # 2 Jan's window too, but it is 1 Jan's dose (matched outside the period).
    result = adherence(
        [every(1, D(2024, 1, 1))],
        [dose(local(2024, 1, 1))],
        D(2024, 1, 2),
        D(2024, 1, 2),
        LONDON,
        tolerance=dt.timedelta(days=2),
    )
    assert (result.taken, result.scheduled) == (0, 1)


def test_only_prophylactic_doses_count():
    schedule = [every(1, D(2024, 1, 10), D(2024, 1, 10))]
    result = adherence(schedule, [dose(local(2024, 1, 10), reason="BLEED")], D(2024, 1, 1), D(2024, 1, 31), LONDON)
    assert (result.taken, result.scheduled, result.unscheduled) == (0, 1, 0)


def test_doses_not_yet_due_are_not_counted():
    schedule = [every(1, D(2024, 1, 1), D(2024, 1, 3))]
    doses = [dose(local(2024, 1, 1)), dose(local(2024, 1, 2))]
    now = local(2024, 1, 3, 9)  # 3 Jan's window is open until 4 Jan 00:00
    result = adherence(schedule, doses, D(2024, 1, 1), D(2024, 1, 3), LONDON, now=now)
    assert (result.taken, result.scheduled) == (2, 2)
    result = adherence(schedule, [*doses, dose(local(2024, 1, 3, 8))], D(2024, 1, 1), D(2024, 1, 3), LONDON, now=now)
    assert (result.taken, result.scheduled) == (3, 3)
    result = adherence(schedule, doses, D(2024, 1, 1), D(2024, 1, 3), LONDON)  # no "now": missed
    assert (result.taken, result.scheduled) == (2, 3)


def test_per_month_breakdown_adds_up():
    # Daily 20 Jan – 10 Feb: 12 days in January, 10 in February; 5 Feb missed.
    doses = [dose(local(2024, 1, d)) for d in range(20, 32)] + [dose(local(2024, 2, d)) for d in range(1, 11) if d != 5]
    result = adherence([every(1, D(2024, 1, 20), D(2024, 2, 10))], doses, D(2024, 1, 1), D(2024, 2, 29), LONDON)
    assert [(m.month, m.taken, m.scheduled) for m in result.months] == [
        (D(2024, 1, 1), 12, 12),
        (D(2024, 2, 1), 9, 10),
    ]
    assert result.months[1].percent == pytest.approx(90.0)
    assert (result.taken, result.scheduled) == (21, 22)


def test_summary_wording_and_rounding():
    one = adherence(
        [every(1, D(2024, 1, 1), D(2024, 1, 1))], [dose(local(2024, 1, 1))], D(2024, 1, 1), D(2024, 1, 1), LONDON
    )
    assert one.summary == "1 of 1 scheduled dose, 100 %"
    assert rounded_percent(1, 8) == 13  # 12.5 rounds half up, not to even
    assert rounded_percent(2, 3) == 67


# --- Skipped doses -----------------------------------------------------------------


def test_skipped_doses_count_as_not_taken_and_are_named_with_their_reasons():
    """Every 2 days from Mon 1 Jul 2024: 1, 3, 5, 7 and 9 July scheduled. Taken on
    the 1st and the 5th; the 3rd skipped (illness), the 7th skipped (forgotten), the
    9th neither: 2 of 5 taken, 40 %, whatever the skips say."""
    schedule = every(2, D(2024, 7, 1))
    logged = [dose(local(2024, 7, 1)), dose(local(2024, 7, 5))]
    skipped = {D(2024, 7, 3): "illness", D(2024, 7, 7): "forgotten", D(2024, 7, 2): "illness"}  # the 2nd: no dose due
    result = adherence([schedule], logged, D(2024, 7, 1), D(2024, 7, 9), LONDON, skipped=skipped)
    assert (result.taken, result.scheduled) == (2, 5)
    assert result.skipped == ((D(2024, 7, 3), "illness"), (D(2024, 7, 7), "forgotten"))
    assert result.missed == (D(2024, 7, 9),)
    assert result.summary == "2 of 5 scheduled doses, 40 %; 2 skipped (1 illness, 1 forgotten)"
    assert adherence([schedule], logged, D(2024, 7, 1), D(2024, 7, 9), LONDON).percent == result.percent


def test_a_dose_given_after_all_on_a_skipped_day_is_taken():
    schedule = every(2, D(2024, 7, 1))
    result = adherence(
        [schedule],
        [dose(local(2024, 7, 3, 20))],
        D(2024, 7, 3),
        D(2024, 7, 3),
        LONDON,
        skipped={D(2024, 7, 3): "illness"},
    )
    assert (result.taken, result.skipped, result.missed) == (1, (), ())
    one = adherence([schedule], [], D(2024, 7, 3), D(2024, 7, 3), LONDON, skipped={D(2024, 7, 3): "illness"})
    assert one.summary == "0 of 1 scheduled dose, 0 %; 1 skipped (illness)"
