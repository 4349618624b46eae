"""Demo data for ``manage.py seed_demo``: a household to click through, and many
more patients to load the app with.

The household: the Berg family (Anna, the owner, and Tom, a caregiver) with
Leo, 10, severe hemophilia A on Advate every 2 days with a left-ankle target
joint, and Sam, 4, on emicizumab (loading, then every 2 weeks, then every 4
weeks); Daniel Novak, 34, severe hemophilia B on weekly Idelvion with a right
knee target joint, in a household of his own; and Dr Priya Shah, a clinician
with read-only access to Leo and Daniel. Two years of log each.

Everything is drawn from ``random.Random`` seeded per patient, relative to
"now": two runs on the same day build the same log. See :mod:`.demo_log` for
how one log is simulated and saved.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
from collections import Counter
from dataclasses import replace
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from hemolog.accounts.models import User
from hemolog.demo.log import (
    DELIVERY_EVERY_DAYS,
    BulkWriter,
    PatientLog,
    Phase,
    Profile,
    Records,
    SiteChance,
)
from hemolog.inventory.models import Product, StockLot, StockMovement
from hemolog.logbook.models import (
    BleedSeverity,
    Cause,
    GivenBy,
    ScheduleKind,
    Side,
    Site,
)
from hemolog.patients.models import HemophiliaType, PatientAccess

DEMO_PASSWORD = "hemolog-demo"
DEMO_DOMAIN = "demo.hemolog"
PARENT_EMAIL = f"parent@{DEMO_DOMAIN}"
CAREGIVER_EMAIL = f"caregiver@{DEMO_DOMAIN}"
ADULT_EMAIL = f"adult@{DEMO_DOMAIN}"
CLINICIAN_EMAIL = f"clinician@{DEMO_DOMAIN}"
HOUSEHOLD_EMAILS = (PARENT_EMAIL, CAREGIVER_EMAIL, ADULT_EMAIL, CLINICIAN_EMAIL)
HOUSEHOLD_YEARS = 2
DEFAULT_SEED = 1937  # any fixed number: the same seed builds the same log

EXTRA_EMAIL = re.compile(rf"^owner(\d+)@{re.escape(DEMO_DOMAIN)}$")

# --- The demo household -----------------------------------------------------------

CENTRE = "Northfield Haemophilia Centre"


def catalogue() -> dict[str, Product]:
    return {p.brand_name: p for p in Product.objects.filter(patient=None)}


def household_exists() -> bool:
    return User.objects.filter(email=PARENT_EMAIL).exists()


def demo_user(email: str, first: str, last: str, password: str, tz: str, joined: dt.datetime) -> User:
    return User(email=email, first_name=first, last_name=last, password=password, time_zone=tz, date_joined=joined)


def build_household(now: dt.datetime, seed: int, password_hash: str) -> Records:
    """The Berg family (two boys, two parents), Daniel on his own, and their clinician."""
    london, berlin = "Europe/London", "Europe/Berlin"
    today = now.astimezone(ZoneInfo(london)).date()
    start = today - dt.timedelta(days=round(HOUSEHOLD_YEARS * 365.25))
    joined = dt.datetime.combine(start, dt.time(19, 30), tzinfo=ZoneInfo(london))
    anna = demo_user(PARENT_EMAIL, "Anna", "Berg", password_hash, london, joined)
    tom = demo_user(CAREGIVER_EMAIL, "Tom", "Berg", password_hash, london, joined + dt.timedelta(days=2))
    daniel = demo_user(ADULT_EMAIL, "Daniel", "Novak", password_hash, berlin, joined + dt.timedelta(days=9))
    shah = demo_user(CLINICIAN_EMAIL, "Priya", "Shah", password_hash, london, joined + dt.timedelta(days=20))
    parents = [(anna, 0.65), (tom, 0.35)]

    switch = start + dt.timedelta(days=28 + 14 * 26)  # Sam's move to every 4 weeks, on a two-weekly dose day
    sunday = start - dt.timedelta(days=(start.weekday() + 1) % 7)
    profiles = [
        Profile(
            name="Leo Berg",
            born=today - dt.timedelta(days=3790),
            hemophilia_type=HemophiliaType.A,
            baseline=Decimal("0.5"),
            tz=london,
            centre=CENTRE,
            log_start=start,
            weight_factor=1.0,
            adult_weight=70,
            phases=[
                Phase("Advate", ScheduleKind.EVERY_N_DAYS, start, interval_days=2, per_kg=35, per_kg_range=(25, 45))
            ],
            on_demand=None,
            abr=4.5,
            sites=[
                SiteChance(Site.ANKLE, Side.LEFT, 35, 0.7),
                SiteChance(Site.KNEE, Side.RIGHT, 12, 0.4),
                SiteChance(Site.ELBOW, Side.LEFT, 6, 0.3),
                SiteChance(Site.CALF, Side.LEFT, 5, 0.2),
                SiteChance(Site.THIGH, Side.RIGHT, 5, 0.2),
                SiteChance(Site.SOFT_TISSUE, Side.NONE, 15, 0.1),
                SiteChance(Site.NOSE, Side.NONE, 8, 0.9),
                SiteChance(Site.MOUTH, Side.NONE, 4, 0.1),
            ],
            cluster=(Site.ANKLE, Side.LEFT, today - dt.timedelta(days=400)),
            fixed_bleeds=[
                (today - dt.timedelta(days=520), Site.KNEE, Side.RIGHT, Cause.TRAUMATIC, BleedSeverity.MODERATE),
                (today - dt.timedelta(days=150), Site.CALF, Side.LEFT, Cause.TRAUMATIC, BleedSeverity.MODERATE),
            ],
            miss_rate=0.08,
            dose_hour=7.3,
            loggers=parents,
            delivery_offset=7,
            short_dated_last_lot=True,
        ),
        Profile(
            name="Sam Berg",
            born=today - dt.timedelta(days=1530),
            hemophilia_type=HemophiliaType.A,
            baseline=Decimal("0.3"),
            tz=london,
            centre=CENTRE,
            log_start=start,
            weight_factor=0.97,
            adult_weight=70,
            phases=[
                Phase(
                    "Hemlibra",
                    ScheduleKind.WEEKLY,
                    start,
                    end=start + dt.timedelta(days=27),
                    per_kg=3,
                    notes="Loading: 3 mg/kg weekly for 4 weeks",
                ),
                Phase(
                    "Hemlibra",
                    ScheduleKind.EVERY_2_WEEKS,
                    start + dt.timedelta(days=28),
                    end=switch - dt.timedelta(days=1),
                    per_kg=3,
                    notes="3 mg/kg every 2 weeks",
                ),
                Phase(
                    "Hemlibra",
                    ScheduleKind.EVERY_4_WEEKS,
                    switch,
                    per_kg=6,
                    notes="6 mg/kg every 4 weeks: fewer injections",
                ),
            ],
            on_demand="Advate",
            abr=1.5,
            sites=[
                SiteChance(Site.SOFT_TISSUE, Side.NONE, 45, 0.1),
                SiteChance(Site.MOUTH, Side.NONE, 20, 0.0),
                SiteChance(Site.NOSE, Side.NONE, 10, 0.8),
                SiteChance(Site.KNEE, Side.RIGHT, 12, 0.2),
                SiteChance(Site.ANKLE, Side.LEFT, 8, 0.2),
                SiteChance(Site.THIGH, Side.LEFT, 5, 0.0),
            ],
            cluster=None,
            fixed_bleeds=[
                (today - dt.timedelta(days=300), Site.MOUTH, Side.NONE, Cause.TRAUMATIC, BleedSeverity.MILD),
                (today - dt.timedelta(days=95), Site.KNEE, Side.RIGHT, Cause.TRAUMATIC, BleedSeverity.MODERATE),
            ],
            miss_rate=0.05,
            dose_hour=18.5,
            loggers=parents,
            delivery_offset=12,
        ),
        Profile(
            name="Daniel Novak",
            born=today - dt.timedelta(days=34 * 365 + 120),
            hemophilia_type=HemophiliaType.B,
            baseline=Decimal("0.8"),
            tz=berlin,
            centre="Rhein-Main Hämophiliezentrum",
            log_start=sunday,
            weight_factor=1.0,
            adult_weight=76,
            phases=[Phase("Idelvion", ScheduleKind.WEEKLY, sunday, per_kg=45, per_kg_range=(35, 55))],
            on_demand=None,
            abr=3,
            sites=[
                SiteChance(Site.KNEE, Side.RIGHT, 50, 0.8),
                SiteChance(Site.ELBOW, Side.LEFT, 12, 0.5),
                SiteChance(Site.ANKLE, Side.RIGHT, 6, 0.4),
                SiteChance(Site.ILIOPSOAS, Side.RIGHT, 6, 0.3),
                SiteChance(Site.THIGH, Side.LEFT, 5, 0.2),
                SiteChance(Site.SOFT_TISSUE, Side.NONE, 15, 0.1),
                SiteChance(Site.NOSE, Side.NONE, 6, 0.9),
            ],
            cluster=(Site.KNEE, Side.RIGHT, today - dt.timedelta(days=200)),
            fixed_bleeds=[
                (today - dt.timedelta(days=420), Site.ELBOW, Side.LEFT, Cause.SPONTANEOUS, BleedSeverity.MODERATE),
                (today - dt.timedelta(days=75), Site.THIGH, Side.LEFT, Cause.TRAUMATIC, BleedSeverity.MILD),
            ],
            miss_rate=0.06,
            dose_hour=20.0,
            loggers=[(daniel, 1)],
            delivery_offset=3,
            procedures=[today - dt.timedelta(days=240)],
        ),
    ]
    records = Records(users=[anna, tom, daniel, shah])
    products = catalogue()
    logs = {}
    built = {}
    for profile in profiles:
        rng = random.Random(f"{seed}:{profile.name}")
        logs[profile.name] = PatientLog(profile, rng, now, products)
        built[profile.name] = logs[profile.name].build()
    share_a_lot(logs["Leo Berg"], logs["Sam Berg"])
    for log_records in built.values():
        records.extend(log_records)
    leo, sam, dan = (logs[name].patient for name in ("Leo Berg", "Sam Berg", "Daniel Novak"))
    Role = PatientAccess.Role
    records.accesses += [
        PatientAccess(user=anna, patient=leo, role=Role.OWNER),
        PatientAccess(user=anna, patient=sam, role=Role.OWNER),
        PatientAccess(user=tom, patient=leo, role=Role.CAREGIVER, granted_by=anna),
        PatientAccess(user=tom, patient=sam, role=Role.CAREGIVER, granted_by=anna),
        PatientAccess(user=daniel, patient=dan, role=Role.OWNER),
        PatientAccess(user=shah, patient=leo, role=Role.CLINICIAN, granted_by=anna),
        PatientAccess(user=shah, patient=dan, role=Role.CLINICIAN, granted_by=daniel),
    ]
    return records


def share_a_lot(leo: PatientLog, sam: PatientLog) -> None:
    """One pharmacy batch for both boys: Sam's Advate dose for his knee bleed
    is given at home by a parent from vials of the lot Leo was using, so a
    recall of that lot number finds both children."""
    dose = next((i for i in sam.records.infusions if i.product.brand_name == "Advate"), None)
    if dose is None:
        return
    day = sam.local_day(dose.given_at)
    source = next(
        (
            lot
            for lot in sorted(leo.records.lots, key=lambda lot: lot.received_on)
            if lot.product.brand_name == "Advate" and lot.received_on < day <= lot.expires_on
        ),
        None,
    )
    if source is None:
        return
    vials = math.ceil(dose.dose / source.vial_size)
    lot = StockLot(
        patient=sam.patient,
        product=source.product,
        lot_number=source.lot_number,
        vial_size=source.vial_size,
        expires_on=source.expires_on,
        storage=source.storage,
        received_on=source.received_on,
        vials_on_hand=0,
    )
    sam.records.lots.append(lot)
    received_at = dt.datetime.combine(source.received_on, dt.time(17), tzinfo=dose.given_at.tzinfo)
    sam.move(lot, vials, StockMovement.Kind.RECEIVED, received_at, "Received: for a breakthrough bleed")
    dose.lot, dose.vials_used, dose.given_by = lot, vials, GivenBy.CAREGIVER
    sam.move(lot, -vials, StockMovement.Kind.USED, dose.given_at, "Infusion for a bleed", infusion=dose)


def household_logins() -> list[tuple[str, str]]:
    return [
        (PARENT_EMAIL, "Anna Berg, parent: owner of Leo (FVIII prophylaxis) and Sam (emicizumab)"),
        (CAREGIVER_EMAIL, "Tom Berg, parent: caregiver of Leo and Sam"),
        (ADULT_EMAIL, "Daniel Novak, adult with hemophilia B on weekly Idelvion: his own owner"),
        (CLINICIAN_EMAIL, "Dr Priya Shah, clinician: read-only access to Leo and Daniel"),
    ]


@transaction.atomic
def create_household(now: dt.datetime | None = None, seed: int = DEFAULT_SEED) -> Counter:
    """Create the demo household; the caller checks :func:`household_exists` first."""
    records = build_household(now or timezone.now(), seed, make_password(DEMO_PASSWORD))
    writer = BulkWriter()
    writer.add(records)
    writer.flush()
    # ``granted_at`` is set on insert; date each grant back to when both accounts existed.
    for access in records.accesses:
        granter = access.granted_by or access.user
        since = max(access.user.date_joined, granter.date_joined) + dt.timedelta(minutes=10)
        PatientAccess.objects.filter(pk=access.pk).update(granted_at=since)
    return writer.saved


# --- Many more patients, each with his own owner ----------------------------------------


def words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = words(
    "Adam Ahmed Aiden Alex Ali Ben Carlos Chen Daniel David Elias Ethan Felix Finn Gabriel Hamza Hugo Isaac Ivan Jack "
    "James Jonas Kai Kenji Leon Liam Lucas Luka Mateo Max Milan Noah Oliver Omar Oscar Pablo Rafael Ravi Ryan Sami "
    "Santiago Theo Tobias Tom Victor William Yusuf Zoe Mia Sara"
)
PARENT_NAMES = words("Alice Amira Carmen Claire Eva Fatima Hannah Ines Julia Laura Lena Maria Nadia Priya Rosa Sofia")
SURNAMES = words(
    "Andersen Bauer Costa Dubois Evans Fischer Garcia Hansen Ivanova Jansen Kowalski Larsen Martin Moreau Müller "
    "Nowak Okafor Petrov Quinn Rossi Schmidt Silva Smith Tanaka Urban Varga Weber Wilson Yilmaz Zhang"
)
TIME_ZONES = (
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Madrid",
    "Europe/Warsaw",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Australia/Sydney",
)
CENTRES = (
    "Northfield Haemophilia Centre",
    "St Brendan's Comprehensive Care Centre",
    "Lakeside Children's Hospital, Haematology",
    "University Hospital Thrombosis & Haemostasis Unit",
    "Harbour City Hemophilia Treatment Center",
)
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


def random_profile(rng: random.Random, now: dt.datetime, years: int, owner: User, patient_user: bool) -> Profile:
    tz = owner.time_zone
    today = now.astimezone(ZoneInfo(tz)).date()
    start = today - dt.timedelta(days=round(years * 365.25))
    age_at_start = rng.uniform(1, 12) if not patient_user else rng.uniform(max(18 - years, 12), 65)
    kind = HemophiliaType.A if rng.random() < 0.8 else HemophiliaType.B
    roll = rng.random()
    baseline = Decimal(f"{rng.uniform(0.1, 0.9):.2f}" if roll < 0.7 else f"{rng.uniform(1, 5):.1f}")
    on_demand_product = {HemophiliaType.A: "Advate", HemophiliaType.B: "BeneFIX"}[kind]
    if roll < 0.85:
        phases = random_phases(rng, kind, start, today)
        uses_emicizumab = phases[-1].product == "Hemlibra"
        abr = rng.uniform(0.3, 2) if uses_emicizumab else rng.uniform(1.5, 6)
        on_demand = on_demand_product if uses_emicizumab else None
    else:  # moderate, no prophylaxis: treats bleeds from a small stock at home
        phases, on_demand, abr = [], on_demand_product, rng.uniform(2, 8)
        baseline = Decimal(f"{rng.uniform(1.5, 5):.1f}")
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
    name = f"{rng.choice(FIRST_NAMES)} {owner.last_name}"
    return Profile(
        name=name,
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


def next_extra_number() -> int:
    numbers = [
        int(match.group(1))
        for email in User.objects.filter(email__startswith="owner", email__endswith=f"@{DEMO_DOMAIN}").values_list(
            "email", flat=True
        )
        if (match := EXTRA_EMAIL.match(email))
    ]
    return max(numbers, default=0) + 1


def extra_email(number: int) -> str:
    return f"owner{number:04d}@{DEMO_DOMAIN}"


def build_extra_patient(
    number: int, years: int, now: dt.datetime, seed: int, password_hash: str, products: dict[str, Product]
) -> Records:
    """Patient number ``number`` and his owner: a parent for a child, the patient himself for an adult."""
    rng = random.Random(f"{seed}:extra:{number}")
    tz = rng.choice(TIME_ZONES)
    surname = rng.choice(SURNAMES)
    is_adult = rng.random() < 0.6
    first_name = rng.choice(FIRST_NAMES if is_adult else PARENT_NAMES)
    joined = now - dt.timedelta(days=round(years * 365.25) + 1)
    owner = demo_user(extra_email(number), first_name, surname, password_hash, tz, joined)
    profile = random_profile(rng, now, years, owner, patient_user=is_adult)
    if is_adult:
        profile.name = f"{first_name} {surname}"
    log = PatientLog(profile, rng, now, products)
    records = log.build()
    records.users.append(owner)
    records.accesses.append(PatientAccess(user=owner, patient=log.patient, role=PatientAccess.Role.OWNER))
    return records


@transaction.atomic
def create_extra_patients(
    count: int, years: int, now: dt.datetime | None = None, seed: int = DEFAULT_SEED
) -> tuple[Counter, range]:
    """``count`` more patients with ``years`` of log each, each with a new owner account.
    Returns what was saved and the owners' numbers (``owner0001@demo.hemolog`` …)."""
    now = now or timezone.now()
    started = timezone.now()
    password_hash = make_password(DEMO_PASSWORD)
    products = catalogue()
    first = next_extra_number()
    numbers = range(first, first + count)
    writer = BulkWriter()
    for number in numbers:
        writer.add(build_extra_patient(number, years, now, seed, password_hash, products))
    writer.flush()
    PatientAccess.objects.filter(granted_at__gte=started, user__email__endswith=f"@{DEMO_DOMAIN}").update(
        granted_at=now - dt.timedelta(days=round(years * 365.25))
    )
    return writer.saved, numbers


def extra_owner_count() -> int:
    return User.objects.filter(email__startswith="owner", email__endswith=f"@{DEMO_DOMAIN}").count()
