"""Re-bleed merging, annualised bleeding rates and target joints, against hand-worked cases."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from hemolog.clinical.bleeding import (
    annualised_bleeding_rate,
    bleed_episodes,
    current_target_joints,
    target_joints,
)
from hemolog.clinical.records import BleedRecord

UTC = dt.UTC
LONDON = ZoneInfo("Europe/London")


def at(y, m, d, h=0, mi=0, tz=UTC) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=tz)


def bleed(started, site="KNEE", side="L", cause="SPONTANEOUS", resolved=None, treated=False) -> BleedRecord:
    return BleedRecord(started_at=started, site=site, side=side, cause=cause, resolved_at=resolved, treated=treated)


# --- Re-bleed merging ---------------------------------------------------------------


def test_bleed_exactly_72_h_after_resolution_is_the_same_episode():
    # Resolved 3 Jan 08:00; the next left-knee bleed starts 6 Jan 08:00 = exactly 72 h later.
    first = bleed(at(2024, 1, 1, 8), resolved=at(2024, 1, 3, 8))
    again = bleed(at(2024, 1, 6, 8))
    episodes = bleed_episodes([first, again])
    assert len(episodes) == 1
    assert episodes[0].bleeds == (first, again)
    assert episodes[0].rebleeds == 1


def test_bleed_72_h_and_one_minute_after_resolution_is_a_new_episode():
    first = bleed(at(2024, 1, 1, 8), resolved=at(2024, 1, 3, 8))
    again = bleed(at(2024, 1, 6, 8, 1))  # 72 h 1 min after the resolution
    episodes = bleed_episodes([first, again])
    assert [e.bleeds for e in episodes] == [(first,), (again,)]


def test_unresolved_bleed_is_measured_from_its_start():
    # Not marked resolved: the 72 h run from its start, 1 Jan 08:00, to 4 Jan 08:00.
    first = bleed(at(2024, 1, 1, 8))
    assert len(bleed_episodes([first, bleed(at(2024, 1, 4, 8))])) == 1
    assert len(bleed_episodes([first, bleed(at(2024, 1, 4, 8, 1))])) == 2


def test_other_side_or_other_site_is_always_a_new_episode():
    left = bleed(at(2024, 1, 1, 8), resolved=at(2024, 1, 2, 8))
    right = bleed(at(2024, 1, 2, 9), side="R")
    ankle = bleed(at(2024, 1, 2, 10), site="ANKLE")
    nose = bleed(at(2024, 1, 2, 11), site="NOSE", side="")
    assert len(bleed_episodes([left, right, ankle, nose])) == 4


def test_rebleeds_chain_from_the_latest_bleed_of_the_episode():
    # A resolves 3 Jan; B (5 Jan, 2 days later) re-bleeds and resolves 7 Jan; C starts
    # 10 Jan 08:00, exactly 72 h after B resolved: one episode, though C is 7 days after A.
    a = bleed(at(2024, 1, 1, 8), resolved=at(2024, 1, 3, 8))
    b = bleed(at(2024, 1, 5, 8), resolved=at(2024, 1, 7, 8))
    c = bleed(at(2024, 1, 10, 8), resolved=at(2024, 1, 11, 8))
    [episode] = bleed_episodes([c, a, b])  # input order does not matter
    assert episode.bleeds == (a, b, c)
    assert episode.started_at == at(2024, 1, 1, 8)
    assert episode.resolved_at == at(2024, 1, 11, 8)


def test_episode_takes_first_cause_any_treatment_and_stays_open_while_a_bleed_is_open():
    first = bleed(at(2024, 1, 1, 8), cause="SPONTANEOUS", resolved=at(2024, 1, 2, 8), treated=False)
    again = bleed(at(2024, 1, 3, 8), cause="TRAUMATIC", treated=True)  # never marked resolved
    [episode] = bleed_episodes([first, again])
    assert episode.cause == "SPONTANEOUS"
    assert episode.treated is True
    assert episode.resolved_at is None


def test_overlapping_bleed_at_the_same_joint_is_merged():
    first = bleed(at(2024, 1, 1, 8), resolved=at(2024, 1, 10, 8))
    during = bleed(at(2024, 1, 5, 8), resolved=at(2024, 1, 6, 8))
    [episode] = bleed_episodes([first, during])
    # The episode ends with its last resolution, 10 Jan, not the overlapping bleed's 6 Jan.
    assert episode.resolved_at == at(2024, 1, 10, 8)


def test_rebleed_window_is_a_parameter():
    first = bleed(at(2024, 1, 1, 8), resolved=at(2024, 1, 2, 8))
    again = bleed(at(2024, 1, 3, 9))  # 25 h after resolution
    assert len(bleed_episodes([first, again], rebleed_window=dt.timedelta(hours=24))) == 2
    assert len(bleed_episodes([first, again], rebleed_window=dt.timedelta(hours=25))) == 1


def test_72_h_window_is_real_time_across_the_spring_dst_change():
    # Europe/London: clocks go forward on 31 Mar 2024 at 01:00 GMT.
    # Resolved 30 Mar 12:00 GMT (= 12:00 UTC); the next bleed 2 Apr 13:00 BST (= 12:00 UTC):
    # 73 h on the wall clock but exactly 72 h of real time -> same episode.
    first = bleed(at(2024, 3, 30, 8, tz=LONDON), resolved=at(2024, 3, 30, 12, tz=LONDON))
    assert len(bleed_episodes([first, bleed(at(2024, 4, 2, 13, tz=LONDON))])) == 1
    assert len(bleed_episodes([first, bleed(at(2024, 4, 2, 13, 1, tz=LONDON))])) == 2


def test_no_bleeds_no_episodes():
    assert bleed_episodes([]) == []


# --- Annualised bleeding rate ----------------------------------------------------------

# 1 Jan 2024 00:00 to 1 Jul 2024 15:00: 31+29+31+30+31+30 = 182 days + 15 h = 182.625 days,
# exactly half of 365.25 days, so every rate is twice the count.
HALF_YEAR = (at(2024, 1, 1), at(2024, 7, 1, 15))


def test_abr_family_hand_worked():
    bleeds = [
        bleed(at(2024, 2, 1, 8), resolved=at(2024, 2, 2, 8), treated=True),  # L knee, spontaneous
        bleed(at(2024, 2, 4, 8), cause="TRAUMATIC", treated=True),  # re-bleed (48 h): same episode
        bleed(at(2024, 3, 10), site="ANKLE", side="R", cause="TRAUMATIC", treated=True),
        bleed(at(2024, 4, 1), site="NOSE", side="", cause="UNKNOWN"),  # "not sure": not spontaneous
    ]
    rates = annualised_bleeding_rate(bleeds, *HALF_YEAR)
    assert rates.observed_days == pytest.approx(182.625)
    # 3 episodes; joint: knee + ankle = 2; spontaneous: knee = 1; treated: knee + ankle = 2.
    assert (rates.bleeds, rates.joint_bleeds, rates.spontaneous_bleeds, rates.treated_bleeds) == (3, 2, 1, 2)
    # ABR = 3 / (182.625 / 365.25) = 6; AJBR = 2 / 0.5 = 4; spontaneous 1 / 0.5 = 2; treated 4.
    assert rates.abr == pytest.approx(6.0)
    assert rates.ajbr == pytest.approx(4.0)
    assert rates.spontaneous_abr == pytest.approx(2.0)
    assert rates.treated_abr == pytest.approx(4.0)


def test_patient_with_no_bleeds_has_zero_rates():
    rates = annualised_bleeding_rate([], at(2023, 1, 1), at(2024, 1, 1))
    assert rates.observed_days == pytest.approx(365.0)
    assert (rates.abr, rates.ajbr, rates.spontaneous_abr, rates.treated_abr) == (0.0, 0.0, 0.0, 0.0)


def test_observed_period_starts_at_the_first_entry():
    # Asked for 2023-01-01 onwards, but the log starts 2024-01-01: 182.625 observed days.
    bleeds = [bleed(at(2023, 6, 1)), bleed(at(2024, 3, 1))]  # the 2023 bleed is before the log
    rates = annualised_bleeding_rate(bleeds, at(2023, 1, 1), HALF_YEAR[1], first_entry=HALF_YEAR[0])
    assert rates.observed_from == HALF_YEAR[0]
    assert rates.observed_days == pytest.approx(182.625)
    assert rates.bleeds == 1
    assert rates.abr == pytest.approx(2.0)  # 1 / 0.5


def test_first_entry_after_the_period_gives_no_rates_rather_than_dividing_by_zero():
    rates = annualised_bleeding_rate(
        [bleed(at(2024, 3, 1))], at(2024, 1, 1), at(2024, 6, 1), first_entry=at(2024, 7, 1)
    )
    assert rates.observed_days == 0
    assert rates.bleeds == 0
    assert (rates.abr, rates.ajbr, rates.spontaneous_abr, rates.treated_abr) == (None, None, None, None)


def test_period_is_half_open_and_rebleeds_of_an_earlier_episode_do_not_count():
    bleeds = [
        bleed(at(2023, 12, 31, 20), resolved=at(2024, 1, 1, 6)),  # started before the period
        bleed(at(2024, 1, 2, 8)),  # its re-bleed inside the period: not a new bleed
        bleed(at(2024, 1, 1), site="ELBOW"),  # at the start: counted
        bleed(HALF_YEAR[1], site="HIP"),  # at the end: not counted
    ]
    rates = annualised_bleeding_rate(bleeds, *HALF_YEAR)
    assert rates.bleeds == 1


def test_period_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        annualised_bleeding_rate([], at(2024, 2, 1), at(2024, 1, 1))


# --- Target joints -------------------------------------------------------------------


def spontaneous_left_knee(*starts: dt.datetime) -> list[BleedRecord]:
    return [bleed(s) for s in starts]


def test_third_bleed_one_day_inside_the_six_month_window_makes_a_target_joint():
    # Window from 10 Jan 10:00: six calendar months later is 10 Jul 10:00; 9 Jul is inside.
    bleeds = spontaneous_left_knee(at(2024, 1, 10, 10), at(2024, 3, 1, 10), at(2024, 7, 9, 10))
    [spell] = target_joints(bleeds, as_of=at(2024, 8, 1))
    assert (spell.site, spell.side) == ("KNEE", "L")
    assert spell.began == at(2024, 7, 9, 10)
    assert spell.resolved is None
    assert spell.bleeds == 1
    assert spell.onset_bleeds == (at(2024, 1, 10, 10), at(2024, 3, 1, 10), at(2024, 7, 9, 10))


def test_third_bleed_one_day_outside_the_six_month_window_does_not():
    bleeds = spontaneous_left_knee(at(2024, 1, 10, 10), at(2024, 3, 1, 10), at(2024, 7, 11, 10))
    assert target_joints(bleeds, as_of=at(2024, 8, 1)) == []


def test_third_bleed_exactly_six_months_later_is_outside_the_half_open_window():
    bleeds = spontaneous_left_knee(at(2024, 1, 10, 10), at(2024, 3, 1, 10), at(2024, 7, 10, 10))
    assert target_joints(bleeds, as_of=at(2024, 8, 1)) == []
    bleeds = spontaneous_left_knee(at(2024, 1, 10, 10), at(2024, 3, 1, 10), at(2024, 7, 10, 9, 59))
    assert len(target_joints(bleeds, as_of=at(2024, 8, 1))) == 1


def test_six_calendar_months_from_31_august_end_on_29_february():
    # 31 Aug 2023 + 6 months is clamped to 29 Feb 2024 (leap year).
    inside = spontaneous_left_knee(at(2023, 8, 31, 12), at(2023, 11, 1), at(2024, 2, 29, 11, 59))
    outside = spontaneous_left_knee(at(2023, 8, 31, 12), at(2023, 11, 1), at(2024, 2, 29, 12))
    assert len(target_joints(inside, as_of=at(2024, 3, 1))) == 1
    assert target_joints(outside, as_of=at(2024, 3, 1)) == []


def test_only_spontaneous_bleeds_in_one_joint_side_count_towards_onset():
    traumatic = [bleed(at(2024, 1, 1)), bleed(at(2024, 2, 1)), bleed(at(2024, 3, 1), cause="TRAUMATIC")]
    sides = [bleed(at(2024, 1, 1)), bleed(at(2024, 2, 1)), bleed(at(2024, 3, 1), side="R")]
    muscle = [bleed(at(2024, m, 1), site="CALF") for m in (1, 2, 3)]
    for bleeds in (traumatic, sides, muscle):
        assert target_joints(bleeds, as_of=at(2024, 4, 1)) == []


def test_rebleeds_are_not_extra_bleeds_for_a_target_joint():
    # Three spontaneous entries 2 days apart, each within 72 h of the previous: one episode.
    bleeds = spontaneous_left_knee(at(2024, 1, 1), at(2024, 1, 3), at(2024, 1, 5))
    assert target_joints(bleeds, as_of=at(2024, 2, 1)) == []


def test_target_joint_resolves_after_twelve_months_without_bleeds():
    bleeds = spontaneous_left_knee(at(2024, 1, 5, 10), at(2024, 2, 5, 10), at(2024, 3, 1, 10))
    # Before 12 months have passed it is still a target joint ...
    [spell] = target_joints(bleeds, as_of=at(2025, 2, 28))
    assert spell.began == at(2024, 3, 1, 10)
    assert spell.resolved is None
    # ... and from 1 Mar 2025 10:00 (no bleed in (1 Mar 2024, 1 Mar 2025]) it is not.
    [spell] = target_joints(bleeds, as_of=at(2025, 6, 1))
    assert spell.resolved == at(2025, 3, 1, 10)
    assert current_target_joints(bleeds, as_of=at(2025, 6, 1)) == []


def test_resolution_needs_a_twelve_month_window_with_at_most_two_bleeds():
    onset = spontaneous_left_knee(at(2024, 1, 5, 10), at(2024, 2, 5, 10), at(2024, 3, 1, 10))
    later = [bleed(at(2024, m, 1, 10), cause="TRAUMATIC") for m in (4, 5, 6)]
    [spell] = target_joints(onset + later, as_of=at(2026, 1, 1))
    # (1 Mar 2024, 1 Mar 2025] holds 3 bleeds (Apr, May, Jun): not yet.
    # (1 Apr 2024, 1 Apr 2025] holds 2 (May, Jun): resolved 1 Apr 2025 10:00.
    assert spell.resolved == at(2025, 4, 1, 10)
    assert spell.bleeds == 4  # Mar (onset), Apr, May, Jun


def test_joint_can_become_a_target_again_after_resolution():
    first = spontaneous_left_knee(at(2024, 1, 5, 10), at(2024, 2, 5, 10), at(2024, 3, 1, 10))
    second = spontaneous_left_knee(at(2025, 6, 1), at(2025, 7, 1), at(2025, 8, 1))
    spells = target_joints(first + second, as_of=at(2025, 9, 1))
    assert [(s.began, s.resolved) for s in spells] == [
        (at(2024, 3, 1, 10), at(2025, 3, 1, 10)),
        (at(2025, 8, 1), None),
    ]
    [current] = current_target_joints(first + second, as_of=at(2025, 9, 1))
    assert current.began == at(2025, 8, 1)


def test_older_rules_are_parameters():
    bleeds = spontaneous_left_knee(at(2024, 1, 10), at(2024, 3, 1), at(2024, 5, 1))
    assert len(target_joints(bleeds, as_of=at(2024, 6, 1))) == 1
    assert target_joints(bleeds, as_of=at(2024, 6, 1), threshold=4) == []  # >= 4 in 6 months
    assert target_joints(bleeds, as_of=at(2024, 6, 1), window_months=3) == []  # >= 3 in 3 months


def test_bleeds_after_as_of_are_ignored_and_no_bleeds_means_no_target_joints():
    bleeds = spontaneous_left_knee(at(2024, 1, 10), at(2024, 3, 1), at(2024, 5, 1))
    assert target_joints(bleeds, as_of=at(2024, 4, 30)) == []
    assert target_joints([], as_of=at(2024, 4, 30)) == []


def test_the_log_begins_at_the_earliest_first_entry_of_any_kind():
    from hemolog.clinical.bleeding import first_entry_of

    dose = dt.datetime(2025, 3, 2, 3, 30, tzinfo=dt.UTC)
    bleed = dt.datetime(2025, 3, 2, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))  # 05:00 UTC
    assert first_entry_of(dose, bleed) == dose  # compared as instants, not by their wall clocks
    assert first_entry_of(None, bleed) == bleed
    assert first_entry_of(None, None) is None
