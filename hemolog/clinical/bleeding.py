"""Bleeding outcomes: re-bleed merging, annualised bleeding rates and target joints.

Sources:

* ISTH SSC definitions — Blanchette VS, Key NS, Ljung LR, Manco-Johnson MJ, van den
  Berg HM, Srivastava A. Definitions in hemophilia: communication from the SSC of the
  ISTH. J Thromb Haemost 2014;12:1935–9 (bleeding episode and re-bleed, target joint,
  annualised bleeding rate).
* WFH Guidelines for the Management of Hemophilia, 3rd edition (Srivastava et al.,
  Haemophilia 2020;26 Suppl 6), which adopt the ISTH definitions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from .dates import add_months, elapsed_days, utc
from .records import JOINT_SITES, SPONTANEOUS, BleedRecord

DAYS_PER_YEAR = 365.25
DEFAULT_REBLEED_WINDOW = dt.timedelta(hours=72)
DEFAULT_SPONTANEOUS_CAUSES: frozenset[str] = frozenset({SPONTANEOUS})


@dataclass(frozen=True)
class Episode:
    """One bleeding episode: a first bleed and the re-bleeds merged into it.

    ``cause`` is the first bleed's cause (a re-bleed continues the original episode);
    ``treated`` is true if any of its bleeds was treated; ``resolved_at`` is the last
    resolution if every bleed in it is resolved, else None.
    """

    site: str
    side: str
    cause: str
    started_at: dt.datetime
    resolved_at: dt.datetime | None
    treated: bool
    bleeds: tuple[BleedRecord, ...]

    @property
    def joint(self) -> tuple[str, str]:
        return (self.site, self.side)

    @property
    def rebleeds(self) -> int:
        """How many logged bleeds were merged into this episode as re-bleeds."""
        return len(self.bleeds) - 1


def _episode_reference(members: Sequence[BleedRecord]) -> dt.datetime:
    """The instant a re-bleed window is measured from: the episode's last known activity.

    That is the latest resolution among its bleeds, or, for a bleed not (yet) marked
    resolved, its start.
    """
    return max(utc(b.resolved_at if b.resolved_at is not None else b.started_at) for b in members)


def _episode(members: Sequence[BleedRecord]) -> Episode:
    first = members[0]
    resolutions = [b.resolved_at for b in members]
    resolved = None if any(r is None for r in resolutions) else max(resolutions, key=utc)
    return Episode(
        site=first.site,
        side=first.side,
        cause=first.cause,
        started_at=first.started_at,
        resolved_at=resolved,
        treated=any(b.treated for b in members),
        bleeds=tuple(members),
    )


def bleed_episodes(
    bleeds: Iterable[BleedRecord], rebleed_window: dt.timedelta = DEFAULT_REBLEED_WINDOW
) -> list[Episode]:
    """Merge re-bleeds into the episode they continue; episodes in order of start.

    Source: Blanchette et al., J Thromb Haemost 2014;12:1935 (ISTH) and WFH Guidelines
    3rd ed. 2020: symptoms at the same location within 72 h after stopping treatment
    of a bleed are a re-bleed, part of the same episode; a bleed at another location is
    always a separate episode.

    Rule as implemented: a bleed at the same site **and** side (left and right knee are
    different locations) that starts no later than ``rebleed_window`` after the previous
    episode there ended is part of that episode. Exactly 72 h counts as the same
    episode (inclusive: ``start − end ≤ 72 h``); 72 h + 1 min is a new episode. A bleed
    that starts before the previous episode ended (overlapping) is also merged.

    "Ended" is the episode's last known activity: the latest ``resolved_at`` among its
    bleeds, or, for a bleed not marked resolved, its ``started_at``. The log records
    when a bleed resolved, not when its treatment stopped, so resolution stands in for
    the ISTH "end of treatment" (it is usually the same day or later, so this merges
    at least what ISTH merges). An unresolved bleed is measured from its start rather
    than treated as open forever, because an unresolved entry is usually one nobody
    closed, and an open-ended episode would swallow every later bleed in that joint.

    Pass the whole history (at least 72 h before any period of interest) so that a
    re-bleed at the start of a period is recognised as one.
    """
    if rebleed_window < dt.timedelta(0):
        raise ValueError("rebleed_window cannot be negative")
    groups: list[list[BleedRecord]] = []
    latest: dict[tuple[str, str], list[BleedRecord]] = {}
    for bleed in sorted(bleeds, key=lambda b: utc(b.started_at)):
        current = latest.get(bleed.joint)
        if current is not None and utc(bleed.started_at) - _episode_reference(current) <= rebleed_window:
            current.append(bleed)
        else:
            current = [bleed]
            groups.append(current)
            latest[bleed.joint] = current
    return [_episode(group) for group in groups]


@dataclass(frozen=True)
class BleedingRates:
    """Bleed counts and annualised rates over an observed period.

    Counts are episodes after re-bleed merging whose first bleed started in the
    observed period. Rates are None when no time was observed.
    """

    observed_from: dt.datetime
    observed_to: dt.datetime
    observed_days: float
    bleeds: int
    joint_bleeds: int
    spontaneous_bleeds: int
    treated_bleeds: int
    abr: float | None
    ajbr: float | None
    spontaneous_abr: float | None
    treated_abr: float | None


def first_entry_of(*firsts: dt.datetime | None) -> dt.datetime | None:
    """When the patient's log begins: the earliest of the first entries of each
    kind (first dose, first bleed…), None with nothing logged. The observed
    period of the rates and of adherence starts here at the earliest
    (Blanchette et al. 2014: rates are over the period the patient was observed)."""
    known = [utc(moment) for moment in firsts if moment is not None]
    return min(known) if known else None


def annualised_rate(count: int, observed_days: float) -> float | None:
    """``count ÷ (observed_days ÷ 365.25)``; None when nothing was observed.

    Source: Blanchette et al., J Thromb Haemost 2014;12:1935 (ISTH): the annualised
    bleeding rate is the number of bleeds divided by the observation time in years.
    """
    if observed_days <= 0:
        return None
    return count / (observed_days / DAYS_PER_YEAR)


def annualised_bleeding_rate(
    bleeds: Iterable[BleedRecord],
    start: dt.datetime,
    end: dt.datetime,
    first_entry: dt.datetime | None = None,
    *,
    rebleed_window: dt.timedelta = DEFAULT_REBLEED_WINDOW,
    spontaneous_causes: Collection[str] = DEFAULT_SPONTANEOUS_CAUSES,
    joint_sites: Collection[str] = JOINT_SITES,
) -> BleedingRates:
    """ABR, AJBR, spontaneous ABR and treated ABR over ``[start, end)``.

    Source: Blanchette et al., J Thromb Haemost 2014;12:1935 (ISTH): ABR = bleeds ÷
    (observed days ÷ 365.25), reported for all bleeds, joint bleeds (AJBR), spontaneous
    and treated bleeds; re-bleeds are part of the original episode (see
    :func:`bleed_episodes`).

    Rule as implemented:

    * The observed period runs from ``max(start, first_entry)`` to ``end`` (half-open,
      like ``BleedQuerySet.in_period``): a patient is not observed before their first
      log entry (``first_entry``: the earliest entry of any kind, chosen by the caller).
      Observed days are elapsed real time ÷ 24 h (a DST day counts 23 or 25 h).
    * An episode counts if its first bleed started in the observed period; a re-bleed
      inside the period of an episode that started before it does not count again.
    * Joint bleeds: site in ``joint_sites`` (knee, ankle, elbow, hip, shoulder, wrist).
      Spontaneous: the episode's first cause in ``spontaneous_causes`` (by default only
      ``SPONTANEOUS``; "not sure" is not counted as spontaneous). Treated: any bleed of
      the episode was treated.
    * No observed time (``first_entry`` at or after ``end``) gives counts of 0 and None
      rates rather than a division by zero. No bleeds over observed time gives 0.0.
    """
    if utc(end) < utc(start):
        raise ValueError("the period ends before it starts")
    observed_from = start
    if first_entry is not None and utc(first_entry) > utc(start):
        observed_from = first_entry
    observed_days = max(0.0, elapsed_days(end, observed_from))
    lo, hi = utc(observed_from), utc(end)
    counted = [e for e in bleed_episodes(bleeds, rebleed_window) if lo <= utc(e.started_at) < hi]
    total = len(counted)
    joint = sum(1 for e in counted if e.site in joint_sites)
    spontaneous = sum(1 for e in counted if e.cause in spontaneous_causes)
    treated = sum(1 for e in counted if e.treated)
    return BleedingRates(
        observed_from=observed_from,
        observed_to=end,
        observed_days=observed_days,
        bleeds=total,
        joint_bleeds=joint,
        spontaneous_bleeds=spontaneous,
        treated_bleeds=treated,
        abr=annualised_rate(total, observed_days),
        ajbr=annualised_rate(joint, observed_days),
        spontaneous_abr=annualised_rate(spontaneous, observed_days),
        treated_abr=annualised_rate(treated, observed_days),
    )


@dataclass(frozen=True)
class TargetJoint:
    """One spell during which a joint was a target joint.

    ``began`` is the start of the bleed that made it one; ``resolved`` the end of the
    12-month period that ended it (None while it still is one). ``bleeds`` counts the
    episodes into the joint (any cause) from ``began`` to ``resolved`` (or ``as_of``),
    the onset bleed included; ``onset_bleeds`` are the starts of the spontaneous
    bleeds that made it a target joint.
    """

    site: str
    side: str
    began: dt.datetime
    resolved: dt.datetime | None
    bleeds: int
    onset_bleeds: tuple[dt.datetime, ...]

    @property
    def joint(self) -> tuple[str, str]:
        return (self.site, self.side)

    @property
    def is_current(self) -> bool:
        return self.resolved is None


def _resolution(
    starts: Sequence[dt.datetime],
    began: dt.datetime,
    as_of: dt.datetime,
    max_bleeds: int,
    window_months: int,
) -> dt.datetime | None:
    """The end of the first resolution window after ``began``, if it has ended by ``as_of``.

    Windows are ``(s, s + window_months]`` starting at ``began`` or at a later bleed:
    for any other start the window holds at least the same bleeds and ends no earlier,
    so these candidates give the earliest possible resolution.
    """
    later = [s for s in starts if utc(s) > utc(began)]
    for window_start in [began, *later]:
        window_end = add_months(window_start, window_months)
        if utc(window_end) > utc(as_of):
            return None
        inside = sum(1 for s in later if utc(window_start) < utc(s) <= utc(window_end))
        if inside <= max_bleeds:
            return window_end
    return None


def target_joints(
    bleeds: Iterable[BleedRecord],
    as_of: dt.datetime,
    *,
    threshold: int = 3,
    window_months: int = 6,
    resolution_max_bleeds: int = 2,
    resolution_window_months: int = 12,
    rebleed_window: dt.timedelta = DEFAULT_REBLEED_WINDOW,
    spontaneous_causes: Collection[str] = DEFAULT_SPONTANEOUS_CAUSES,
    joint_sites: Collection[str] = JOINT_SITES,
) -> list[TargetJoint]:
    """Target-joint spells per joint (site + side) up to ``as_of``, in order of onset.

    Source: Blanchette et al., J Thromb Haemost 2014;12:1935 (ISTH): a target joint is
    a major joint into which 3 or more spontaneous bleeds have occurred within a
    consecutive 6-month period; where there have been ≤ 2 bleeds into the joint within
    a consecutive 12-month period it is no longer considered a target joint. Older rules
    (≥ 4 bleeds in 6 months, ≥ 3 in 3 months) are available through the parameters.

    Rule as implemented:

    * Bleeds are episodes after re-bleed merging (:func:`bleed_episodes`); only episodes
      that started by ``as_of`` are considered. Left and right are different joints.
    * Onset: ``threshold`` spontaneous episodes whose last one starts before the same
      wall-clock time ``window_months`` calendar months after the first one's start
      (the window is half-open: ``third < add_months(first, 6)``; the day is clamped to
      the month's length, so 31 Aug + 6 months is 28/29 Feb). Calendar months are
      computed in each datetime's own zone; pass datetimes in the patient's zone if the
      wall clock matters. The joint becomes a target joint at the start of that bleed.
    * Resolution: it stops being one at the end of the first window of
      ``resolution_window_months`` calendar months after onset that holds at most
      ``resolution_max_bleeds`` bleeds into it — bleeds of any cause, as the ISTH
      wording counts "bleeds", not spontaneous ones. A window starts at the onset or at
      a later bleed and excludes its start: ``(s, add_months(s, 12)]``. Only windows
      that have ended by ``as_of`` count, so a joint that recently became a target
      stays one until 12 months have actually passed.
    * After resolution the joint becomes a target again as soon as a later spontaneous
      bleed completes ``threshold`` within ``window_months`` (earlier bleeds in that
      window count, as the ISTH rule looks at any consecutive period).
    """
    if threshold < 1 or window_months < 1 or resolution_window_months < 1 or resolution_max_bleeds < 0:
        raise ValueError("target-joint parameters must be positive")
    cutoff = utc(as_of)
    per_joint: dict[tuple[str, str], list[Episode]] = {}
    for episode in bleed_episodes(bleeds, rebleed_window):
        if episode.site in joint_sites and utc(episode.started_at) <= cutoff:
            per_joint.setdefault(episode.joint, []).append(episode)

    spells: list[TargetJoint] = []
    for (site, side), episodes in per_joint.items():
        starts = [e.started_at for e in episodes]
        spontaneous = [e.started_at for e in episodes if e.cause in spontaneous_causes]
        not_after = None  # the previous spell's resolution; a new onset must come later
        for k in range(threshold - 1, len(spontaneous)):
            onset = spontaneous[k]
            first = spontaneous[k - threshold + 1]
            if not_after is not None and utc(onset) <= utc(not_after):
                continue
            if utc(onset) >= utc(add_months(first, window_months)):
                continue
            resolved = _resolution(starts, onset, as_of, resolution_max_bleeds, resolution_window_months)
            until = utc(resolved) if resolved is not None else cutoff
            spells.append(
                TargetJoint(
                    site=site,
                    side=side,
                    began=onset,
                    resolved=resolved,
                    bleeds=sum(1 for s in starts if utc(onset) <= utc(s) <= until),
                    onset_bleeds=tuple(spontaneous[k - threshold + 1 : k + 1]),
                )
            )
            if resolved is None:
                break
            not_after = resolved
    spells.sort(key=lambda spell: (utc(spell.began), spell.site, spell.side))
    return spells


def current_target_joints(bleeds: Iterable[BleedRecord], as_of: dt.datetime, **rules) -> list[TargetJoint]:
    """The joints that are target joints at ``as_of`` (same rules as :func:`target_joints`).

    Source: Blanchette et al., J Thromb Haemost 2014;12:1935 (ISTH), see
    :func:`target_joints`.
    """
    return [spell for spell in target_joints(bleeds, as_of, **rules) if spell.is_current]
