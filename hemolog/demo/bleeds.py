"""One patient's bleeds and their treatment, and his dental procedures.

Bleeds come at random at his profile's rate (a Poisson process) at its sites;
a target-joint cluster and the fixed bleeds are added. A joint or muscle bleed
is always treated, another only when not mild: at home from his stock with
follow-up doses by severity, or, on emicizumab, at the centre.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hemolog.demo.context import DosePlan, Line, LogContext
from hemolog.demo.prophylaxis import Prophylaxis
from hemolog.demo.weights import Weights
from hemolog.inventory.models import HalfLifeClass, ProductKind
from hemolog.logbook.models import (
    JOINT_SITES,
    MUSCLE_SITES,
    BleedEpisode,
    BleedSeverity,
    Cause,
    GivenBy,
    Reason,
    Side,
    Site,
)

# Bleed-treatment doses in IU/kg by bleed severity, within the ranges of the WFH
# Guidelines (2020) for home treatment; follow-up doses are three quarters of the first.
BLEED_IU_PER_KG = {
    ProductKind.FVIII: {BleedSeverity.MILD: 25, BleedSeverity.MODERATE: 35, BleedSeverity.SEVERE: 50},
    ProductKind.FIX: {BleedSeverity.MILD: 40, BleedSeverity.MODERATE: 50, BleedSeverity.SEVERE: 70},
}
FOLLOW_UPS = {BleedSeverity.MILD: 0, BleedSeverity.MODERATE: 1, BleedSeverity.SEVERE: 2}
CLUSTER_OFFSETS = (-55, 0, 48)  # days around the cluster's centre: three spontaneous bleeds into one joint

BLEED_NOTES = {
    (True, "joint"): [
        "Woke up with it warm and stiff",
        "Tingling first, then swelling",
        "Could not bend it by the evening",
    ],
    (False, "joint"): ["Twisted it at football", "Fell off the scooter", "Jumped off the climbing frame"],
    (True, "muscle"): ["Ache came on in the evening"],
    (False, "muscle"): ["Kicked during a match", "Pulled it at the gym", "Long bike ride"],
    (False, "soft"): ["Bumped into the table", "Big bruise after a fall"],
    (True, "nose"): ["Dry air, stopped with pressure"],
    (False, "mouth"): ["Bit his lip", "Wobbly tooth"],
}

# (severity weights mild/moderate/severe, pain range by severity, hours to resolve by severity)
BLEED_COURSE = {
    "joint": ((35, 50, 15), ((2, 4), (4, 7), (7, 9)), ((12, 36), (36, 96), (96, 168))),
    "muscle": ((40, 45, 15), ((1, 3), (3, 6), (6, 8)), ((12, 48), (48, 120), (120, 240))),
    "soft": ((80, 20, 0), ((0, 2), (1, 3), (2, 4)), ((24, 96), (72, 168), (96, 192))),
    "nose": ((75, 25, 0), ((0, 1), (0, 2), (1, 3)), ((0.3, 2), (1, 6), (2, 12))),
    "mouth": ((70, 30, 0), ((1, 3), (2, 4), (3, 5)), ((1, 12), (6, 48), (24, 72))),
    "other": ((60, 40, 0), ((1, 3), (2, 5), (4, 7)), ((6, 48), (24, 96), (48, 120))),
}
SEVERITIES = (BleedSeverity.MILD, BleedSeverity.MODERATE, BleedSeverity.SEVERE)


def site_group(site: str) -> str:
    if site in JOINT_SITES:
        return "joint"
    if site in MUSCLE_SITES:
        return "muscle"
    return {Site.SOFT_TISSUE: "soft", Site.NOSE: "nose", Site.MOUTH: "mouth"}.get(site, "other")


def bleed_vials(size: int, kind: str, severity: str, kg: float, follow_up: bool = False) -> int:
    iu = BLEED_IU_PER_KG[kind][severity] * kg * (0.75 if follow_up else 1)
    return max(1, round(iu / size - 0.1))


class Bleeds:
    """Adds the bleeds to the log; its methods return the doses that treat them."""

    def __init__(self, ctx: LogContext, weights: Weights, prophylaxis: Prophylaxis):
        self.ctx = ctx
        self.weights = weights
        self.prophylaxis = prophylaxis

    def planned(self) -> list[tuple[dt.date, str, str, float, str | None, str | None]]:
        """(day, site, side, chance it is spontaneous, cause, severity) of every bleed to add."""
        p, rng = self.ctx.p, self.ctx.rng
        moment = self.ctx.at(p.log_start, 0)
        end = self.ctx.cutoff - dt.timedelta(hours=2)
        days = []
        while True:
            moment += dt.timedelta(days=rng.expovariate(p.abr / 365.25))
            if moment >= end:
                break
            days.append(self.ctx.local_day(moment))
        sites = [(s.site, s.side, s.spontaneous) for s in p.sites]
        weights = [s.weight for s in p.sites]
        planned = [(day, *rng.choices(sites, weights)[0], None, None) for day in days]
        if p.cluster:
            site, side, centre = p.cluster
            for offset in CLUSTER_OFFSETS:
                day = centre + dt.timedelta(days=offset + rng.randint(-6, 6))
                planned.append((day, site, side, 1.0, Cause.SPONTANEOUS, None))
        for day, site, side, cause, severity in p.fixed_bleeds:
            planned.append((day, site, side, 0.0, cause, severity))
        return sorted(planned, key=lambda b: b[0])

    def doses(self) -> list[DosePlan]:
        """Add the planned bleeds, but none into a site that is still bleeding."""
        ctx, rng = self.ctx, self.ctx.rng
        start = ctx.at(ctx.p.log_start, 0)
        doses: list[DosePlan] = []
        ends: dict[tuple[str, str], dt.datetime] = {}  # when the last bleed at each site is over
        for day, site, side, spontaneous, cause, severity in self.planned():
            if cause is None:
                cause = Cause.SPONTANEOUS if rng.random() < spontaneous else Cause.TRAUMATIC
                if rng.random() < 0.04:
                    cause = Cause.UNKNOWN
            if day < ctx.p.log_start or ctx.at(day, 0) < ends.get((site, side), start):
                continue
            bleed_doses, resolved = self.add_bleed(day, site, side, cause, severity)
            doses += bleed_doses
            if resolved:
                ends[(site, side)] = resolved
        return doses

    def add_bleed(
        self, day: dt.date, site: str, side: str, cause: str, severity: str | None = None
    ) -> tuple[list[DosePlan], dt.datetime | None]:
        """Add a bleed with its treatment; return the treatment and when the bleed is over."""
        ctx, rng = self.ctx, self.ctx.rng
        if cause == Cause.TRAUMATIC:
            hour = rng.uniform(10, 20)
        else:
            hour = rng.choice((rng.uniform(6, 9), rng.uniform(17, 22.5)))
        started = ctx.at(day, hour)
        if started >= ctx.cutoff - dt.timedelta(hours=1):
            return [], None
        group = site_group(site)
        severity_weights, pains, hours = BLEED_COURSE[group]
        severity = severity or rng.choices(SEVERITIES, severity_weights)[0]
        level = SEVERITIES.index(severity)
        resolved = started + dt.timedelta(minutes=round(60 * rng.uniform(*hours[level])))
        notes = ""
        vocabulary = BLEED_NOTES.get((cause == Cause.SPONTANEOUS, group))
        if vocabulary and rng.random() < 0.4:
            notes = rng.choice(vocabulary)
        bleed = BleedEpisode(
            patient=ctx.patient,
            started_at=started,
            resolved_at=resolved if resolved < ctx.cutoff else None,  # still going on
            site=site,
            side=side,
            cause=cause,
            severity=severity,
            pain=rng.randint(*pains[level]),
            notes=notes,
            created_by=ctx.logger(),
        )
        ctx.records.bleeds.append(bleed)
        return self.treat(bleed, group, resolved), resolved

    def treat(self, bleed: BleedEpisode, group: str, resolved: dt.datetime) -> list[DosePlan]:
        """Infusions for a bleed: joint and muscle bleeds always, others only when not mild."""
        if group not in ("joint", "muscle") and bleed.severity == BleedSeverity.MILD:
            return []
        day = self.ctx.local_day(bleed.started_at)
        first = bleed.started_at + dt.timedelta(hours=self.ctx.rng.uniform(0.4, 2.5))
        line = self.prophylaxis.home_bleed_line(day)
        if line is None:
            return self.clinic_dose(bleed, group, first)
        brand, size = line
        product = self.ctx.products[brand]
        follow_ups = FOLLOW_UPS[bleed.severity] + (group == "muscle" and bleed.severity == BleedSeverity.SEVERE)
        long_acting_fix = product.kind == ProductKind.FIX and product.half_life_class == HalfLifeClass.EXTENDED
        gap = dt.timedelta(hours=48 if long_acting_fix else 24)
        kg = self.weights.on(day)
        doses = []
        for i in range(follow_ups + 1):
            at = first + gap * i
            if at >= self.ctx.cutoff or (i and at >= resolved):
                break
            vials = bleed_vials(size, product.kind, bleed.severity, kg, follow_up=i > 0)
            doses.append(self.home_dose(line, vials, at, day, Reason.BLEED, bleed, "Follow-up dose" if i else ""))
        return doses

    def home_dose(
        self,
        line: Line,
        vials: int,
        at: dt.datetime,
        day: dt.date,
        reason: str,
        bleed: BleedEpisode | None = None,
        notes: str = "",
    ) -> DosePlan:
        """``vials`` from his home stock of ``line``, given by a caregiver or himself (his age on ``day``)."""
        brand, size = line
        return DosePlan(at, brand, Decimal(vials * size), reason, line, vials, self.ctx.given_by(day), bleed, notes)

    def clinic_dose(self, bleed: BleedEpisode, group: str, first: dt.datetime) -> list[DosePlan]:
        """On emicizumab: a joint or muscle bleed that is not mild is treated at the centre, from its stock."""
        on_demand = self.ctx.p.on_demand
        if not on_demand or group not in ("joint", "muscle") or bleed.severity == BleedSeverity.MILD:
            return []
        at = first + dt.timedelta(hours=1)
        if at >= self.ctx.cutoff:
            return []
        kg = self.weights.on(self.ctx.local_day(bleed.started_at))
        dose = Decimal(max(250, round(25 * kg / 250) * 250))
        notes = "Given at the haemophilia centre"
        return [DosePlan(at, on_demand, dose, Reason.BLEED, None, 0, GivenBy.NURSE, bleed=bleed, notes=notes)]

    def procedure_doses(self) -> list[DosePlan]:
        """A dose before dental work, and the small mouth bleed the next evening."""
        doses = []
        for day in self.ctx.p.procedures:
            line = self.prophylaxis.home_bleed_line(day)
            at = self.ctx.at(day, 8.25)
            if line is None or at >= self.ctx.cutoff:
                continue
            brand, size = line
            vials = bleed_vials(size, self.ctx.products[brand].kind, BleedSeverity.MODERATE, self.weights.on(day))
            doses.append(self.home_dose(line, vials, at, day, Reason.PRE_PROCEDURE, notes="Before a tooth extraction"))
            doses += self.add_bleed(day + dt.timedelta(days=1), Site.MOUTH, Side.NONE, Cause.POST_PROCEDURE)[0]
        return doses
