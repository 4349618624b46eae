"""The demo household: the four logins of ``manage.py seed_demo`` and their patients.

The Berg family (Anna, the owner, and Tom, a caregiver) with Leo, 10, severe
hemophilia A on Advate every 2 days with a left-ankle target joint, and Sam, 4,
on emicizumab (loading, then every 2 weeks, then every 4 weeks); Daniel Novak,
34, severe hemophilia B on weekly Idelvion with a right knee target joint, in a
household of his own; and Dr Priya Shah, a clinician with read-only access to
Leo and Daniel. Two years of log each, built by :func:`.log.build_log`.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from hemolog.accounts.models import User
from hemolog.demo.context import LogContext
from hemolog.demo.log import DEFAULT_SEED, build_log, catalogue
from hemolog.demo.people import DEMO_DOMAIN, DEMO_PASSWORD, demo_user
from hemolog.demo.profile import Phase, Profile, SiteChance
from hemolog.demo.stock import move
from hemolog.demo.writer import BulkWriter, Records
from hemolog.inventory.models import StockLot, StockMovement
from hemolog.logbook.models import BleedSeverity, Cause, GivenBy, ScheduleKind, Side, Site
from hemolog.patients.models import HemophiliaType, PatientAccess

PARENT_EMAIL = f"parent@{DEMO_DOMAIN}"
CAREGIVER_EMAIL = f"caregiver@{DEMO_DOMAIN}"
ADULT_EMAIL = f"adult@{DEMO_DOMAIN}"
CLINICIAN_EMAIL = f"clinician@{DEMO_DOMAIN}"
HOUSEHOLD_EMAILS = (PARENT_EMAIL, CAREGIVER_EMAIL, ADULT_EMAIL, CLINICIAN_EMAIL)
HOUSEHOLD_YEARS = 2
LONDON, BERLIN = "Europe/London", "Europe/Berlin"
CENTRE = "Northfield Haemophilia Centre"

Loggers = list[tuple[User, float]]


def household_exists() -> bool:
    return User.objects.filter(email=PARENT_EMAIL).exists()


def household_logins() -> list[tuple[str, str]]:
    return [
        (PARENT_EMAIL, "Anna Berg, parent: owner of Leo (FVIII prophylaxis) and Sam (emicizumab)"),
        (CAREGIVER_EMAIL, "Tom Berg, parent: caregiver of Leo and Sam"),
        (ADULT_EMAIL, "Daniel Novak, adult with hemophilia B on weekly Idelvion: his own owner"),
        (CLINICIAN_EMAIL, "Dr Priya Shah, clinician: read-only access to Leo and Daniel"),
    ]


def leo(today: dt.date, start: dt.date, parents: Loggers) -> Profile:
    return Profile(
        name="Leo Berg",
        born=today - dt.timedelta(days=3790),
        hemophilia_type=HemophiliaType.A,
        baseline=Decimal("0.5"),
        tz=LONDON,
        centre=CENTRE,
        log_start=start,
        weight_factor=1.0,
        adult_weight=70,
        phases=[Phase("Advate", ScheduleKind.EVERY_N_DAYS, start, interval_days=2, per_kg=35, per_kg_range=(25, 45))],
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
    )


def sam(today: dt.date, start: dt.date, parents: Loggers) -> Profile:
    every_2_weeks = start + dt.timedelta(days=28)
    every_4_weeks = every_2_weeks + dt.timedelta(days=14 * 26)  # on a two-weekly dose day
    return Profile(
        name="Sam Berg",
        born=today - dt.timedelta(days=1530),
        hemophilia_type=HemophiliaType.A,
        baseline=Decimal("0.3"),
        tz=LONDON,
        centre=CENTRE,
        log_start=start,
        weight_factor=0.97,
        adult_weight=70,
        phases=[
            Phase(
                "Hemlibra",
                ScheduleKind.WEEKLY,
                start,
                end=every_2_weeks - dt.timedelta(days=1),
                per_kg=3,
                notes="Loading: 3 mg/kg weekly for 4 weeks",
            ),
            Phase(
                "Hemlibra",
                ScheduleKind.EVERY_2_WEEKS,
                every_2_weeks,
                end=every_4_weeks - dt.timedelta(days=1),
                per_kg=3,
                notes="3 mg/kg every 2 weeks",
            ),
            Phase(
                "Hemlibra",
                ScheduleKind.EVERY_4_WEEKS,
                every_4_weeks,
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
    )


def daniel(today: dt.date, start: dt.date, himself: Loggers) -> Profile:
    sunday = start - dt.timedelta(days=(start.weekday() + 1) % 7)  # his weekly dose day
    return Profile(
        name="Daniel Novak",
        born=today - dt.timedelta(days=34 * 365 + 120),
        hemophilia_type=HemophiliaType.B,
        baseline=Decimal("0.8"),
        tz=BERLIN,
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
        loggers=himself,
        delivery_offset=3,
        procedures=[today - dt.timedelta(days=240)],
    )


def build_household(now: dt.datetime, seed: int, password_hash: str) -> Records:
    """The Berg family (two boys, two parents), Daniel on his own, and their clinician."""
    today = now.astimezone(ZoneInfo(LONDON)).date()
    start = today - dt.timedelta(days=round(HOUSEHOLD_YEARS * 365.25))
    joined = dt.datetime.combine(start, dt.time(19, 30), tzinfo=ZoneInfo(LONDON))
    anna = demo_user(PARENT_EMAIL, "Anna", "Berg", password_hash, LONDON, joined)
    tom = demo_user(CAREGIVER_EMAIL, "Tom", "Berg", password_hash, LONDON, joined + dt.timedelta(days=2))
    dan = demo_user(ADULT_EMAIL, "Daniel", "Novak", password_hash, BERLIN, joined + dt.timedelta(days=9))
    shah = demo_user(CLINICIAN_EMAIL, "Priya", "Shah", password_hash, LONDON, joined + dt.timedelta(days=20))
    parents = [(anna, 0.65), (tom, 0.35)]
    profiles = [leo(today, start, parents), sam(today, start, parents), daniel(today, start, [(dan, 1)])]
    products = catalogue()
    logs = [build_log(p, random.Random(f"{seed}:{p.name}"), now, products) for p in profiles]
    share_a_lot(*logs[:2])
    records = Records(users=[anna, tom, dan, shah])
    for log in logs:
        records.extend(log.records)
    leo_, sam_, dan_ = (log.patient for log in logs)
    Role = PatientAccess.Role
    records.accesses += [
        PatientAccess(user=anna, patient=leo_, role=Role.OWNER),
        PatientAccess(user=anna, patient=sam_, role=Role.OWNER),
        PatientAccess(user=tom, patient=leo_, role=Role.CAREGIVER, granted_by=anna),
        PatientAccess(user=tom, patient=sam_, role=Role.CAREGIVER, granted_by=anna),
        PatientAccess(user=dan, patient=dan_, role=Role.OWNER),
        PatientAccess(user=shah, patient=leo_, role=Role.CLINICIAN, granted_by=anna),
        PatientAccess(user=shah, patient=dan_, role=Role.CLINICIAN, granted_by=dan),
    ]
    return records


def share_a_lot(leo: LogContext, sam: LogContext) -> None:
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
    move(sam, lot, vials, StockMovement.Kind.RECEIVED, received_at, "Received: for a breakthrough bleed")
    dose.lot, dose.vials_used, dose.given_by = lot, vials, GivenBy.CAREGIVER
    move(sam, lot, -vials, StockMovement.Kind.USED, dose.given_at, "Infusion for a bleed", infusion=dose)


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
