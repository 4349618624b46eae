"""Random profiles for the scale data (``seed_demo --patients``): a child or an
adult with hemophilia A or B, a prophylaxis typical of it (or none, for a
moderate case), background bleed sites and perhaps a problem joint or two."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace
from decimal import Decimal
from zoneinfo import ZoneInfo

from hemolog.accounts.models import User
from hemolog.demo.people import CENTRES, FIRST_NAMES
from hemolog.demo.profile import Phase, Profile, SiteChance
from hemolog.demo.stock import DELIVERY_EVERY_DAYS
from hemolog.logbook.models import ScheduleKind, Side, Site
from hemolog.patients.models import HemophiliaType

JOINT_CHOICES = [(Site.KNEE, 40), (Site.ANKLE, 35), (Site.ELBOW, 25)]
BACKGROUND_SITES = [
    SiteChance(Site.KNEE, Side.LEFT, 4, 0.4),
    SiteChance(Site.KNEE, Side.RIGHT, 4, 0.4),
    SiteChance(Site.ANKLE, Side.LEFT, 3, 0.4),
    SiteChance(Site.ANKLE, Side.RIGHT, 3, 0.4),
    SiteChance(Site.ELBOW, Side.LEFT, 2, 0.4),
    SiteChance(Site.ELBOW, Side.RIGHT, 2, 0.4),
    SiteChance(Site.SHOULDER, Side.RIGHT, 1, 0.3),
    SiteChance(Site.HIP, Side.LEFT, 1, 0.5),
    SiteChance(Site.ILIOPSOAS, Side.RIGHT, 2, 0.4),
    SiteChance(Site.CALF, Side.LEFT, 2, 0.2),
    SiteChance(Site.THIGH, Side.RIGHT, 2, 0.2),
    SiteChance(Site.FOREARM, Side.LEFT, 1, 0.1),
    SiteChance(Site.SOFT_TISSUE, Side.NONE, 10, 0.1),
    SiteChance(Site.NOSE, Side.NONE, 5, 0.9),
    SiteChance(Site.MOUTH, Side.NONE, 3, 0.1),
    SiteChance(Site.URINE, Side.NONE, 1, 1.0),
]
ON_DEMAND = {HemophiliaType.A: "Advate", HemophiliaType.B: "BeneFIX"}


def random_phases(rng: random.Random, kind: str, start: dt.date, today: dt.date) -> list[Phase]:
    """A prophylaxis typical of the hemophilia type; a quarter of FVIII users switch to emicizumab."""
    E = ScheduleKind
    if kind == HemophiliaType.B:
        options = [
            Phase("Alprolix", E.WEEKLY, start, per_kg=50, per_kg_range=(40, 65)),
            Phase("Idelvion", E.WEEKLY, start, per_kg=40, per_kg_range=(30, 55)),
            Phase("Idelvion", E.EVERY_2_WEEKS, start, per_kg=75, per_kg_range=(60, 90)),
            Phase("Refixia / Rebinyn", E.WEEKLY, start, per_kg=40, per_kg_range=(30, 50)),
            Phase("BeneFIX", E.WEEKDAYS, start, weekdays="03", per_kg=40, per_kg_range=(30, 55)),
        ]
        return [rng.choice(options)]
    emicizumab = rng.choice(
        [
            Phase("Hemlibra", E.WEEKLY, start, per_kg=1.5),
            Phase("Hemlibra", E.EVERY_2_WEEKS, start, per_kg=3),
            Phase("Hemlibra", E.EVERY_4_WEEKS, start, per_kg=6),
        ]
    )
    factor = rng.choice(
        [
            Phase("Advate", E.EVERY_N_DAYS, start, interval_days=2, per_kg=30, per_kg_range=(20, 45)),
            Phase("Kovaltry", E.WEEKDAYS, start, weekdays="024", per_kg=30, per_kg_range=(20, 45)),
            Phase("NovoEight", E.EVERY_N_DAYS, start, interval_days=2, per_kg=30, per_kg_range=(20, 45)),
            Phase("Elocta / Eloctate", E.EVERY_N_DAYS, start, interval_days=4, per_kg=45, per_kg_range=(30, 65)),
            Phase("Esperoct", E.EVERY_N_DAYS, start, interval_days=4, per_kg=50, per_kg_range=(35, 65)),
            Phase("Jivi", E.WEEKDAYS, start, weekdays="03", per_kg=40, per_kg_range=(30, 60)),
        ]
    )
    roll = rng.random()
    if roll < 0.25:
        return [emicizumab]
    span = (today - start).days
    if roll < 0.5 and span > 120:
        switch = start + dt.timedelta(days=rng.randint(60, span - 30))
        old = replace(factor, end=switch - dt.timedelta(days=1))
        return [old, replace(emicizumab, start=switch, notes="Switched to emicizumab")]
    return [factor]


def random_treatment(
    rng: random.Random, kind: str, start: dt.date, today: dt.date
) -> tuple[Decimal, list[Phase], str | None, float]:
    """(baseline factor level, prophylaxis, on-demand product, ABR): mostly severe on prophylaxis;
    on emicizumab, bleeds are treated at the centre; moderate ones treat bleeds at home."""
    roll = rng.random()
    baseline = Decimal(f"{rng.uniform(0.1, 0.9):.2f}" if roll < 0.7 else f"{rng.uniform(1, 5):.1f}")
    if roll >= 0.85:  # moderate, no prophylaxis: treats bleeds from a small stock at home
        abr = rng.uniform(2, 8)
        return Decimal(f"{rng.uniform(1.5, 5):.1f}"), [], ON_DEMAND[kind], abr
    phases = random_phases(rng, kind, start, today)
    uses_emicizumab = phases[-1].product == "Hemlibra"
    abr = rng.uniform(0.3, 2) if uses_emicizumab else rng.uniform(1.5, 6)
    return baseline, phases, ON_DEMAND[kind] if uses_emicizumab else None, abr


def random_sites(
    rng: random.Random, start: dt.date, today: dt.date
) -> tuple[list[SiteChance], tuple[str, str, dt.date] | None]:
    """The background sites and up to two problem joints; half the time a cluster in the first."""
    sites = list(BACKGROUND_SITES)
    problem_joints = []
    for _ in range(rng.choice((0, 1, 1, 2))):
        joint = rng.choices([j for j, _ in JOINT_CHOICES], [w for _, w in JOINT_CHOICES])[0]
        problem_joints.append((joint, rng.choice((Side.LEFT, Side.RIGHT))))
        sites.append(SiteChance(*problem_joints[-1], rng.uniform(15, 35), 0.75))
    cluster = None
    if problem_joints and rng.random() < 0.5:
        centre = start + dt.timedelta(days=rng.randint(60, max(61, (today - start).days - 60)))
        cluster = (*problem_joints[0], centre)
    return sites, cluster


def random_profile(rng: random.Random, now: dt.datetime, years: int, owner: User, patient_user: bool) -> Profile:
    """A patient of ``owner``'s family name, in ``owner``'s time zone, with ``years`` of log;
    an adult if ``patient_user`` (he is the owner), else a child."""
    tz = owner.time_zone
    today = now.astimezone(ZoneInfo(tz)).date()
    start = today - dt.timedelta(days=round(years * 365.25))
    age_at_start = rng.uniform(1, 12) if not patient_user else rng.uniform(max(18 - years, 12), 65)
    kind = HemophiliaType.A if rng.random() < 0.8 else HemophiliaType.B
    baseline, phases, on_demand, abr = random_treatment(rng, kind, start, today)
    sites, cluster = random_sites(rng, start, today)
    return Profile(
        name=f"{rng.choice(FIRST_NAMES)} {owner.last_name}",
        born=start - dt.timedelta(days=round(age_at_start * 365.25)),
        hemophilia_type=kind,
        baseline=baseline,
        tz=tz,
        centre=rng.choice(CENTRES),
        log_start=start,
        weight_factor=rng.uniform(0.85, 1.2),
        adult_weight=rng.uniform(58, 98),
        phases=phases,
        on_demand=on_demand,
        abr=abr,
        sites=sites,
        cluster=cluster,
        miss_rate=rng.uniform(0.03, 0.2),
        dose_hour=rng.choice((rng.uniform(6.5, 8.5), rng.uniform(19, 22))),
        loggers=[(owner, 1)],
        delivery_offset=rng.randint(0, DELIVERY_EVERY_DAYS - 1),
        procedures=[start + dt.timedelta(days=rng.randint(30, 365 * years - 2))] if rng.random() < 0.3 else [],
    )
