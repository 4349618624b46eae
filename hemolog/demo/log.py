"""One patient's simulated log, built in memory, and the bulk writer that saves it.

:class:`PatientLog` turns a :class:`Profile` into unsaved model instances that
refer to each other by object: weights, regimens, bleeds with their treatment,
prophylaxis with some missed doses, and a stock ledger simulated event by event
so it is consistent by construction. Every lot's ``vials_on_hand`` is the sum of
its movements and never negative at any time; a dose takes its vials from one
lot of the right product and vial size, received before it and not expired on
the day (first-expiring first); deliveries top the fridge up every four weeks;
lots that expire with vials left are written off the day after. Nothing is
dated at or after "now". :class:`BulkWriter` saves many patients' rows with
``bulk_create``, parents before children.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from hemolog.accounts.models import User
from hemolog.inventory.models import HalfLifeClass, Product, ProductKind, StockLot, StockMovement
from hemolog.logbook.models import (
    JOINT_SITES,
    MUSCLE_SITES,
    BleedEpisode,
    BleedSeverity,
    Cause,
    GivenBy,
    Infusion,
    Reason,
    Regimen,
    ScheduleKind,
    Side,
    Site,
)
from hemolog.patients.models import Patient, PatientAccess, WeightMeasurement, severity_from_level

FRIDGE = "Fridge (2–8 °C)"
BATCH_SIZE = 2000
STOCK_WEEKS = 6  # a delivery tops the fridge up to six weeks of doses plus a reserve for bleeds
DELIVERY_EVERY_DAYS = 28
EXPIRY_WARNING_LEFT_DAYS = 21  # the demo's short-dated lot: inside the app's 30-day warning

# Median weight of boys by age in kg (WHO to 2 years, CDC 2–20 years), rounded.
MEDIAN_WEIGHT = [
    (0, 3.5),
    (0.5, 7.9),
    (1, 9.6),
    (2, 12.2),
    (3, 14.3),
    (4, 16.3),
    (5, 18.4),
    (6, 20.7),
    (7, 23.1),
    (8, 25.6),
    (9, 28.6),
    (10, 31.9),
    (11, 35.6),
    (12, 39.9),
    (13, 45.3),
    (14, 50.8),
    (15, 56.0),
    (16, 60.8),
    (17, 64.4),
    (18, 67.2),
    (20, 70.6),
]

# Bleed-treatment doses in IU/kg by bleed severity, within the ranges of the WFH
# Guidelines (2020) for home treatment; follow-up doses are three quarters of the first.
BLEED_IU_PER_KG = {
    ProductKind.FVIII: {BleedSeverity.MILD: 25, BleedSeverity.MODERATE: 35, BleedSeverity.SEVERE: 50},
    ProductKind.FIX: {BleedSeverity.MILD: 40, BleedSeverity.MODERATE: 50, BleedSeverity.SEVERE: 70},
}
FOLLOW_UPS = {BleedSeverity.MILD: 0, BleedSeverity.MODERATE: 1, BleedSeverity.SEVERE: 2}
SCHEDULE_STEP_DAYS = {ScheduleKind.WEEKLY: 7, ScheduleKind.EVERY_2_WEEKS: 14, ScheduleKind.EVERY_4_WEEKS: 28}


# --- What makes one patient's log his own ---------------------------------------


@dataclass(frozen=True)
class SiteChance:
    """How likely a bleed is at this site (relative weight), and how often it is spontaneous."""

    site: str
    side: str
    weight: float
    spontaneous: float


@dataclass(frozen=True)
class Phase:
    """One prescribed prophylaxis. Its dose follows the weight: a factor dose is
    re-set when it leaves ``per_kg_range``, an emicizumab dose when it is 25 % off."""

    product: str
    schedule: str
    start: dt.date
    end: dt.date | None = None
    interval_days: int | None = None
    weekdays: str = ""
    per_kg: float = 30  # IU/kg, or mg/kg for emicizumab
    per_kg_range: tuple[float, float] = (20, 50)
    notes: str = ""


@dataclass
class Profile:
    name: str
    born: dt.date
    hemophilia_type: str
    baseline: Decimal
    tz: str
    centre: str
    log_start: dt.date
    weight_factor: float  # times the median weight for age, while growing
    adult_weight: float
    phases: list[Phase]
    on_demand: str | None  # product for bleeds: at home without a factor regimen, at the clinic with emicizumab
    abr: float
    sites: list[SiteChance]
    cluster: tuple[str, str, dt.date] | None  # three spontaneous bleeds in this joint around this day
    miss_rate: float
    dose_hour: float  # usual local time of the prophylactic dose
    loggers: list[tuple[User, float]]  # who types the entries, and how often
    delivery_offset: int  # days ago of the last four-weekly delivery
    short_dated_last_lot: bool = False
    procedures: list[dt.date] = field(default_factory=list)
    fixed_bleeds: list[tuple[dt.date, str, str, str, str | None]] = field(default_factory=list)  # and cause, severity


@dataclass
class RegimenPlan:
    regimen: Regimen
    phase: Phase
    product: Product
    vial_size: int
    vials_per_dose: int  # factor; emicizumab vials follow each dose

    @property
    def line(self) -> tuple[str, int]:
        return (self.phase.product, self.vial_size)

    @property
    def is_factor(self) -> bool:
        return self.product.is_factor


@dataclass
class DosePlan:
    at: dt.datetime
    product: str
    dose: Decimal
    reason: str
    line: tuple[str, int] | None  # None: given at the clinic, from the clinic's stock
    vials: int
    given_by: str
    bleed: BleedEpisode | None = None
    notes: str = ""


@dataclass
class LotState:
    lot: StockLot
    line: tuple[str, int]
    received_at: dt.datetime
    vials: int


@dataclass
class Records:
    """Unsaved rows, referring to each other by object; saved by :class:`BulkWriter`."""

    users: list[User] = field(default_factory=list)
    patients: list[Patient] = field(default_factory=list)
    accesses: list[PatientAccess] = field(default_factory=list)
    weights: list[WeightMeasurement] = field(default_factory=list)
    regimens: list[Regimen] = field(default_factory=list)
    lots: list[StockLot] = field(default_factory=list)
    bleeds: list[BleedEpisode] = field(default_factory=list)
    infusions: list[Infusion] = field(default_factory=list)
    movements: list[StockMovement] = field(default_factory=list)

    def extend(self, other: Records) -> None:
        for name in self.__dataclass_fields__:
            getattr(self, name).extend(getattr(other, name))

    def counts(self) -> Counter:
        return Counter({name: len(getattr(self, name)) for name in self.__dataclass_fields__})


class BulkWriter:
    """Collects records and saves them in dependency order with ``bulk_create``.

    ``bulk_create`` sets the primary keys (PostgreSQL, and SQLite ≥ 3.35), and
    each later model copies its related objects' keys before it is saved.
    """

    ORDER = (
        ("users", User),
        ("patients", Patient),
        ("accesses", PatientAccess),
        ("weights", WeightMeasurement),
        ("regimens", Regimen),
        ("lots", StockLot),
        ("bleeds", BleedEpisode),
        ("infusions", Infusion),
        ("movements", StockMovement),
    )

    def __init__(self, flush_every: int = 50_000):
        self.pending = Records()
        self.flush_every = flush_every
        self.saved: Counter = Counter()

    def add(self, records: Records) -> None:
        self.pending.extend(records)
        if sum(self.pending.counts().values()) >= self.flush_every:
            self.flush()

    def flush(self) -> None:
        for name, model in self.ORDER:
            rows = getattr(self.pending, name)
            if rows:
                model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        self.saved += self.pending.counts()
        self.pending = Records()


# --- Small helpers ----------------------------------------------------------------


def median_weight(age: float) -> float:
    ages = [a for a, _ in MEDIAN_WEIGHT]
    if age >= ages[-1]:
        return MEDIAN_WEIGHT[-1][1]
    i = bisect.bisect_right(ages, age)
    (a0, w0), (a1, w1) = MEDIAN_WEIGHT[i - 1], MEDIAN_WEIGHT[i]
    return w0 + (w1 - w0) * (age - a0) / (a1 - a0)


def years_between(earlier: dt.date, later: dt.date) -> float:
    return (later - earlier).days / 365.25


def choose_factor_dose(sizes: list[int], kg: float, target: float, low: float, high: float) -> tuple[int, int]:
    """(vial size, vials): a whole number of one lot's vials, near ``target`` IU/kg, few vials."""

    def score(option: tuple[int, int]) -> float:
        size, n = option
        per_kg = size * n / kg
        return abs(per_kg - target) + 2 * (n - 1) + (0 if low <= per_kg <= high else 100)

    return min(((size, n) for size in sizes for n in range(1, 7)), key=score)


def choose_emicizumab_vial(sizes: list[int], mg: float) -> int:
    """The vial size that wastes least for this dose (then: fewest vials)."""
    return min(sizes, key=lambda s: (math.ceil(mg / s) * s - mg, math.ceil(mg / s)))


def bleed_vials(size: int, kind: str, severity: str, kg: float, follow_up: bool = False) -> int:
    iu = BLEED_IU_PER_KG[kind][severity] * kg * (0.75 if follow_up else 1)
    return max(1, round(iu / size - 0.1))


def scheduled_days(regimen: Regimen, until: dt.date):
    """The days the regimen schedules a dose, from its start to its end (or ``until``)."""
    last = min(regimen.end_date or until, until)
    day = regimen.start_date
    if regimen.schedule == ScheduleKind.WEEKDAYS:
        wanted = {int(d) for d in regimen.weekdays}
        while day <= last:
            if day.weekday() in wanted:
                yield day
            day += dt.timedelta(days=1)
        return
    step = dt.timedelta(days=regimen.interval_days or SCHEDULE_STEP_DAYS[regimen.schedule])
    while day <= last:
        yield day
        day += step


def doses_per_weeks(regimen: Regimen, weeks: int) -> int:
    if regimen.schedule == ScheduleKind.WEEKDAYS:
        return len(regimen.weekdays) * weeks
    step = regimen.interval_days or SCHEDULE_STEP_DAYS[regimen.schedule]
    return math.ceil(weeks * 7 / step)


def lot_prefix(brand: str) -> str:
    return "".join(c for c in brand.upper() if c.isalpha())[:3]


# --- One patient's log ----------------------------------------------------------------

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


def site_group(site: str) -> str:
    if site in JOINT_SITES:
        return "joint"
    if site in MUSCLE_SITES:
        return "muscle"
    return {Site.SOFT_TISSUE: "soft", Site.NOSE: "nose", Site.MOUTH: "mouth"}.get(site, "other")


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


class PatientLog:
    """Builds one patient's weights, regimens, bleeds, infusions and stock ledger."""

    def __init__(self, profile: Profile, rng: random.Random, now: dt.datetime, products: dict[str, Product]):
        self.p = profile
        self.rng = rng
        self.products = products
        self.tz = ZoneInfo(profile.tz)
        self.cutoff = now - dt.timedelta(minutes=5)  # nothing at or after this
        self.today = self.cutoff.astimezone(self.tz).date()
        self.records = Records()
        self.lots: list[LotState] = []
        self.open_lots: dict[tuple[str, int], list[LotState]] = {}  # lots with vials left, by stock line

    # time
    def at(self, day: dt.date, hour: float) -> dt.datetime:
        minutes = round(min(max(hour, 0), 23.98) * 60)
        return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=self.tz)

    def local_day(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(self.tz).date()

    def age_on(self, day: dt.date) -> float:
        return years_between(self.p.born, day)

    def given_by(self, day: dt.date) -> str:
        return GivenBy.CAREGIVER if self.age_on(day) < 14 else GivenBy.SELF

    def logger(self) -> User:
        users, weights = zip(*self.p.loggers, strict=True)
        return self.rng.choices(users, weights)[0]

    def build(self) -> Records:
        p = self.p
        self.patient = Patient(
            display_name=p.name,
            date_of_birth=p.born,
            hemophilia_type=p.hemophilia_type,
            baseline_factor_level=p.baseline,
            severity=severity_from_level(p.baseline) or "UNKNOWN",
            treatment_centre=p.centre,
        )
        self.records.patients.append(self.patient)
        self.build_weights()
        self.build_regimens()
        bleed_doses = self.build_bleeds()
        doses = bleed_doses + self.procedure_doses()
        doses += self.prophylaxis(sorted(d.at for d in doses))
        self.run_stock(doses)
        return self.records

    # weights
    def build_weights(self) -> None:
        p, rng = self.p, self.rng
        growing = self.age_on(self.today) < 20
        every = 91 if growing else 182
        day = p.log_start - dt.timedelta(days=rng.randint(0, 30))
        self.weight_days: list[dt.date] = []
        self.weight_values: list[float] = []
        drift = rng.uniform(-1.5, 1.5)  # kg a year, for adults
        while day < self.today:
            age = self.age_on(day)
            if age < 20:
                kg = median_weight(age) * p.weight_factor
            else:
                kg = p.adult_weight + drift * years_between(p.log_start, day)
            kg = min(max(kg * rng.uniform(0.985, 1.015), 2), 240)
            self.weight_days.append(day)
            self.weight_values.append(round(kg, 1))
            self.records.weights.append(
                WeightMeasurement(patient=self.patient, measured_on=day, weight_kg=Decimal(f"{kg:.1f}"))
            )
            day += dt.timedelta(days=every + rng.randint(-10, 10))

    def weight_on(self, day: dt.date) -> float:
        i = bisect.bisect_right(self.weight_days, day)
        return self.weight_values[max(i - 1, 0)]

    # regimens
    def build_regimens(self) -> None:
        self.plans: list[RegimenPlan] = []
        for phase in self.p.phases:
            start, notes = phase.start, phase.notes
            while start is not None:
                start = self.add_regimen(phase, start, notes)
                notes = "Dose re-set for his weight"

    def add_regimen(self, phase: Phase, start: dt.date, notes: str) -> dt.date | None:
        """Add a regimen from ``start``; return the day a re-dosed one must start, if any."""
        product = self.products[phase.product]
        kg = self.weight_on(start)
        if product.is_factor:
            low, high = phase.per_kg_range
            vial_size, vials = choose_factor_dose(product.vial_size_list, kg, phase.per_kg, low, high)
            dose = Decimal(vial_size * vials)
        else:
            dose = Decimal(f"{phase.per_kg * kg:.1f}")
            vial_size = choose_emicizumab_vial(product.vial_size_list, float(dose))
            vials = math.ceil(dose / vial_size)
        regimen = Regimen(
            patient=self.patient,
            product=product,
            dose=dose,
            schedule=phase.schedule,
            interval_days=phase.interval_days,
            weekdays=phase.weekdays,
            start_date=start,
            end_date=phase.end,
            notes=notes,
        )
        self.plans.append(RegimenPlan(regimen, phase, product, vial_size, vials))
        self.records.regimens.append(regimen)
        # A clinic visit whose weight puts the dose out of range re-sets it from the next scheduled day.
        last = min(phase.end or self.today, self.today)
        for day in self.weight_days:
            if not start < day < last:
                continue
            per_kg = float(dose) / self.weight_on(day)
            if product.is_factor:
                off = not phase.per_kg_range[0] <= per_kg <= phase.per_kg_range[1]
            else:
                off = abs(per_kg - phase.per_kg) / phase.per_kg > 0.25
            if off:
                if regimen.schedule == ScheduleKind.WEEKDAYS:
                    new_start = day + dt.timedelta(days=1)
                else:
                    new_start = next((d for d in scheduled_days(regimen, last) if d > day), None)
                if new_start is None or new_start > last:
                    return None
                regimen.end_date = new_start - dt.timedelta(days=1)
                return new_start
        return None

    def plan_on(self, day: dt.date) -> RegimenPlan | None:
        for plan in self.plans:
            if plan.regimen.is_active_on(day):
                return plan
        return None

    def home_bleed_line(self, day: dt.date) -> tuple[str, int] | None:
        """Which stock treats a bleed at home: the factor regimen's; without a regimen,
        the on-demand product's; with emicizumab, none (the clinic treats it)."""
        plan = self.plan_on(day)
        if plan is not None:
            return plan.line if plan.is_factor else None
        return self.on_demand_line if self.p.on_demand else None

    @property
    def on_demand_line(self) -> tuple[str, int]:
        product = self.products[self.p.on_demand]
        kg = self.weight_on(self.p.log_start)
        size, _ = choose_factor_dose(product.vial_size_list, kg, 35, 20, 60)
        return (self.p.on_demand, size)

    # bleeds
    def build_bleeds(self) -> list[DosePlan]:
        p, rng = self.p, self.rng
        start = self.at(p.log_start, 0)
        end = self.cutoff - dt.timedelta(hours=2)
        days = []
        moment = start
        while True:
            moment += dt.timedelta(days=rng.expovariate(p.abr / 365.25))
            if moment >= end:
                break
            days.append(self.local_day(moment))
        sites = [(s.site, s.side, s.spontaneous) for s in p.sites]
        weights = [s.weight for s in p.sites]
        planned = [(day, *rng.choices(sites, weights)[0], None, None) for day in days]
        if p.cluster:
            site, side, centre = p.cluster
            for offset in (-55, 0, 48):
                day = centre + dt.timedelta(days=offset + rng.randint(-6, 6))
                planned.append((day, site, side, 1.0, Cause.SPONTANEOUS, None))
        for day, site, side, cause, severity in p.fixed_bleeds:
            planned.append((day, site, side, 0.0, cause, severity))
        doses: list[DosePlan] = []
        ends: dict[tuple[str, str], dt.datetime] = {}  # when the last bleed at each site is over
        for day, site, side, spontaneous, cause, severity in sorted(planned, key=lambda b: b[0]):
            if cause is None:
                cause = Cause.SPONTANEOUS if rng.random() < spontaneous else Cause.TRAUMATIC
                if rng.random() < 0.04:
                    cause = Cause.UNKNOWN
            if day < p.log_start or self.at(day, 0) < ends.get((site, side), start):
                continue  # before the log, or that joint is still bleeding
            bleed_doses, resolved = self.add_bleed(day, site, side, cause, severity)
            doses += bleed_doses
            if resolved:
                ends[(site, side)] = resolved
        return doses

    def add_bleed(
        self, day: dt.date, site: str, side: str, cause: str, severity: str | None = None
    ) -> tuple[list[DosePlan], dt.datetime | None]:
        """Add a bleed with its treatment; return the treatment and when the bleed is over."""
        rng = self.rng
        if cause == Cause.TRAUMATIC:
            hour = rng.uniform(10, 20)
        else:
            hour = rng.choice((rng.uniform(6, 9), rng.uniform(17, 22.5)))
        started = self.at(day, hour)
        if started >= self.cutoff - dt.timedelta(hours=1):
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
            patient=self.patient,
            started_at=started,
            resolved_at=resolved if resolved < self.cutoff else None,  # still going on
            site=site,
            side=side,
            cause=cause,
            severity=severity,
            pain=rng.randint(*pains[level]),
            notes=notes,
            created_by=self.logger(),
        )
        self.records.bleeds.append(bleed)
        return self.treat(bleed, group, resolved), resolved

    def treat(self, bleed: BleedEpisode, group: str, resolved: dt.datetime) -> list[DosePlan]:
        """Infusions for a bleed: joint and muscle bleeds always, others only when not mild."""
        if group not in ("joint", "muscle") and bleed.severity == BleedSeverity.MILD:
            return []
        day = self.local_day(bleed.started_at)
        first = bleed.started_at + dt.timedelta(hours=self.rng.uniform(0.4, 2.5))
        kg = self.weight_on(day)
        line = self.home_bleed_line(day)
        if line is None:
            # On emicizumab: joint and muscle bleeds are treated at the centre, from its stock.
            if not self.p.on_demand or group not in ("joint", "muscle") or bleed.severity == BleedSeverity.MILD:
                return []
            dose = Decimal(max(250, round(25 * kg / 250) * 250))
            at = first + dt.timedelta(hours=1)
            if at >= self.cutoff:
                return []
            return [
                DosePlan(
                    at=at,
                    product=self.p.on_demand,
                    dose=dose,
                    reason=Reason.BLEED,
                    line=None,
                    vials=0,
                    given_by=GivenBy.NURSE,
                    bleed=bleed,
                    notes="Given at the haemophilia centre",
                )
            ]
        brand, size = line
        kind = self.products[brand].kind
        follow_ups = FOLLOW_UPS[bleed.severity] + (group == "muscle" and bleed.severity == BleedSeverity.SEVERE)
        long_acting_fix = kind == ProductKind.FIX and self.products[brand].half_life_class == HalfLifeClass.EXTENDED
        gap = dt.timedelta(hours=48 if long_acting_fix else 24)
        doses = []
        for i in range(follow_ups + 1):
            at = first + gap * i
            if at >= self.cutoff or (i and at >= resolved):
                break
            vials = bleed_vials(size, kind, bleed.severity, kg, follow_up=i > 0)
            doses.append(
                DosePlan(
                    at=at,
                    product=brand,
                    dose=Decimal(vials * size),
                    reason=Reason.BLEED,
                    line=line,
                    vials=vials,
                    given_by=self.given_by(day),
                    bleed=bleed,
                    notes="Follow-up dose" if i else "",
                )
            )
        return doses

    def procedure_doses(self) -> list[DosePlan]:
        """A dose before dental work, and the small mouth bleed the next evening."""
        doses = []
        for day in self.p.procedures:
            line = self.home_bleed_line(day)
            at = self.at(day, 8.25)
            if line is None or at >= self.cutoff:
                continue
            brand, size = line
            kind = self.products[brand].kind
            vials = bleed_vials(size, kind, BleedSeverity.MODERATE, self.weight_on(day))
            doses.append(
                DosePlan(
                    at=at,
                    product=brand,
                    dose=Decimal(vials * size),
                    reason=Reason.PRE_PROCEDURE,
                    line=line,
                    vials=vials,
                    given_by=self.given_by(day),
                    notes="Before a tooth extraction",
                )
            )
            doses += self.add_bleed(day + dt.timedelta(days=1), Site.MOUTH, Side.NONE, Cause.POST_PROCEDURE)[0]
        return doses

    # prophylaxis
    def prophylaxis(self, other_doses: list[dt.datetime]) -> list[DosePlan]:
        """The scheduled doses, less the missed ones and those a bleed or procedure dose covered."""
        p, rng = self.p, self.rng
        doses = []
        recent = self.today - dt.timedelta(days=6)  # the last week is complete, so the demo looks kept up
        for plan in self.plans:
            r = plan.regimen
            for number, day in enumerate(scheduled_days(r, self.today)):
                hour = p.dose_hour + rng.gauss(0, 0.3)
                late = rng.random() < 0.07
                if late:
                    hour += rng.uniform(2, 9)
                at = self.at(day, min(hour, 23.5))
                missed = rng.random() < p.miss_rate
                if at >= self.cutoff or (missed and day < recent):
                    continue
                # A bleed or procedure dose in the last 18 hours covers this one.
                i = bisect.bisect_left(other_doses, at - dt.timedelta(hours=18))
                if i < len(other_doses) and other_doses[i] <= at + dt.timedelta(hours=3):
                    continue
                dose, vials = self.prophylactic_dose(plan, day)
                notes = ""
                if plan.phase.notes.startswith("Loading"):
                    notes = f"Loading dose {number + 1}"
                elif late and rng.random() < 0.3:
                    notes = "Late: forgot this morning" if p.dose_hour < 12 else "Late"
                doses.append(
                    DosePlan(
                        at=at,
                        product=plan.phase.product,
                        dose=dose,
                        reason=Reason.PROPHYLAXIS,
                        line=plan.line,
                        vials=vials,
                        given_by=self.given_by(day),
                        notes=notes,
                    )
                )
        return doses

    def prophylactic_dose(self, plan: RegimenPlan, day: dt.date) -> tuple[Decimal, int]:
        """(dose, vials): the regimen's for factor; for emicizumab, mg/kg times the weight on the day."""
        if plan.is_factor:
            return plan.regimen.dose, plan.vials_per_dose
        dose = Decimal(f"{plan.phase.per_kg * self.weight_on(day):.1f}")
        return dose, math.ceil(dose / plan.vial_size)

    # stock
    def run_stock(self, doses: list[DosePlan]) -> None:
        deliveries = self.delivery_times()
        events = [(at, 0, None) for at in deliveries] + [(d.at, 1, d) for d in doses]
        events.sort(key=lambda e: (e[0], e[1]))
        last_regular = deliveries[-1] if deliveries else None
        for at, _, dose in events:
            if dose is None:
                self.deliver(at, short_dated=self.p.short_dated_last_lot and at == last_regular)
            else:
                self.give(dose)
        self.write_off_expired()
        for state in self.lots:
            state.lot.vials_on_hand = state.vials

    def delivery_times(self) -> list[dt.datetime]:
        """Every four weeks, the last ``delivery_offset`` days ago; and the day before each regimen starts."""
        days = {plan.regimen.start_date - dt.timedelta(days=1) for plan in self.plans}
        if self.p.on_demand and not self.plans:
            days.add(self.p.log_start - dt.timedelta(days=1))
        day = self.today - dt.timedelta(days=self.p.delivery_offset)
        while day >= self.p.log_start:
            days.add(day)
            day -= dt.timedelta(days=DELIVERY_EVERY_DAYS)
        times = [self.at(d, 11 + self.rng.uniform(0, 4)) for d in sorted(days)]
        return [t for t in times if t < self.cutoff]

    def stock_targets(self, day: dt.date) -> dict[tuple[str, int], tuple[int, int]]:
        """For each stock line, the vials to hold after a delivery on ``day``, and the vials a dose takes."""
        targets: dict[tuple[str, int], tuple[int, int]] = {}
        kg = self.weight_on(day)
        plan = self.plan_on(day + dt.timedelta(days=1))
        if plan is not None:
            per_dose = self.prophylactic_dose(plan, day)[1]
            targets[plan.line] = (doses_per_weeks(plan.regimen, STOCK_WEEKS) * per_dose, per_dose)
        line = self.home_bleed_line(day + dt.timedelta(days=1))
        if line is not None:
            per_bleed = bleed_vials(line[1], self.products[line[0]].kind, BleedSeverity.MODERATE, kg)
            target, per_dose = targets.get(line, (0, per_bleed))
            targets[line] = (target + per_bleed * (2 if plan else 4), per_dose)
        return targets

    def deliver(self, at: dt.datetime, short_dated: bool = False) -> None:
        """Top each stock line up, in whole doses (a dose takes all its vials from one lot)."""
        day = self.local_day(at)
        keeps = day + dt.timedelta(days=DELIVERY_EVERY_DAYS)
        for line, (target, per_dose) in self.stock_targets(day).items():
            have = sum(
                s.vials // per_dose * per_dose for s in self.open_lots.get(line, ()) if s.lot.expires_on >= keeps
            )
            order = math.ceil(max(target - have, 0) / per_dose) * per_dose
            if short_dated:
                expires = self.today + dt.timedelta(days=EXPIRY_WARNING_LEFT_DAYS)
                self.receive(line, at, max(order, 8 * per_dose), expires=expires)
                short_dated = False  # one such lot is enough
            elif order:
                self.receive(line, at, max(order, 2 * per_dose))

    def receive(self, line, at, vials: int, expires: dt.date | None = None, reason: str = "Received") -> LotState:
        brand, size = line
        day = self.local_day(at)
        expires = expires or day + dt.timedelta(days=self.rng.randint(270, 720))
        lot = StockLot(
            patient=self.patient,
            product=self.products[brand],
            lot_number=f"{lot_prefix(brand)}{day:%y}{self.rng.randrange(10**5):05d}",
            vial_size=size,
            expires_on=expires,
            storage=FRIDGE,
            received_on=day,
        )
        state = LotState(lot, line, at, vials)
        self.lots.append(state)
        self.open_lots.setdefault(line, []).append(state)
        self.records.lots.append(lot)
        self.move(lot, vials, StockMovement.Kind.RECEIVED, at, reason)
        return state

    def move(self, lot, vials: int, kind: str, at: dt.datetime, reason: str, infusion=None) -> None:
        self.records.movements.append(
            StockMovement(
                lot=lot,
                kind=kind,
                vials=vials,
                reason=reason,
                infusion=infusion,
                created_at=at,
                created_by=self.logger(),
            )
        )

    def first_expiring(self, line, at: dt.datetime, vials: int) -> LotState | None:
        day = self.local_day(at)
        usable = [
            s
            for s in self.open_lots.get(line, ())
            if s.vials >= vials and s.received_at < at and s.lot.expires_on >= day
        ]
        return min(usable, key=lambda s: (s.lot.expires_on, s.received_at), default=None)

    def give(self, dose: DosePlan) -> None:
        infusion = Infusion(
            patient=self.patient,
            given_at=dose.at,
            product=self.products[dose.product],
            dose=dose.dose,
            reason=dose.reason,
            bleed=dose.bleed,
            given_by=dose.given_by,
            notes=dose.notes,
            created_by=self.logger(),
        )
        self.records.infusions.append(infusion)
        if dose.line is None:
            return
        state = self.first_expiring(dose.line, dose.at, dose.vials)
        if state is None:  # ran out: the pharmacy sends an urgent delivery
            target, _ = self.stock_targets(self.local_day(dose.at)).get(dose.line, (0, 0))
            urgent_at = dose.at - dt.timedelta(hours=1)
            state = self.receive(dose.line, urgent_at, max(target, dose.vials), reason="Urgent delivery")
        state.vials -= dose.vials
        if not state.vials:
            self.open_lots[dose.line].remove(state)
        infusion.lot = state.lot
        infusion.vials_used = dose.vials
        self.move(state.lot, -dose.vials, StockMovement.Kind.USED, dose.at, f"Infusion on {dose.at:%Y-%m-%d}", infusion)

    def write_off_expired(self) -> None:
        for state in self.lots:
            if state.vials and state.lot.expires_on < self.today:
                at = min(self.at(state.lot.expires_on + dt.timedelta(days=1), 9), self.cutoff)
                self.move(state.lot, -state.vials, StockMovement.Kind.EXPIRED, at, "Expired: discarded")
                state.vials = 0
