"""The log that ``manage.py bench`` measures the pages on, shaped like the one
the forms write: every entry has its ``created_by``, doses come out of stock
lots, bleeds are treated by linked infusions, and the ledger matches the lots.

- A family (two parents) with three children: "Bench", ten years of Advate
  every 2 days (one dose in twenty missed, 300 bleeds each treated, a lot
  delivered every four weeks and a short-dated one in the fridge), and two
  siblings from the roster below.
- A clinician with 200 patients shared with her, each with 14 months of
  prophylaxis and two years of bleeds: the roster (her home page).

Everything is drawn from a seeded ``random.Random`` relative to "now", and
written with ``bulk_create``: a few seconds on SQLite or PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from hemolog.accounts.models import User, add_authenticator_app, mark_verified
from hemolog.inventory.models import Product, StockLot, StockMovement
from hemolog.logbook.models import BleedEpisode, GivenBy, Infusion, Reason, Regimen
from hemolog.patients import second_factor
from hemolog.patients.models import Patient, PatientAccess, WeightMeasurement

YEARS = 10
BLEEDS = 300
ROSTER_PATIENTS = 200
SITES = [("ANKLE", "L"), ("ANKLE", "L"), ("KNEE", "R"), ("ELBOW", "L"), ("KNEE", "L"), ("CALF", "R"), ("NOSE", "")]
NOTES = ["Fell off his bike at school", "Swollen after football, iced it", "Woke up with it", ""]
DELIVERY_DAYS = 28
FRIDGE_VIALS = 40  # a delivery tops the fridge up to this
# The roster's regimens: product, dose, schedule, interval or weekdays.
ROSTER_REGIMENS = [
    ("Advate", 2000, "EVERY_N_DAYS", 2, ""),
    ("Advate", 1500, "WEEKDAYS", None, "024"),
    ("Elocta / Eloctate", 2000, "EVERY_N_DAYS", 3, ""),
    ("Idelvion", 3500, "WEEKLY", None, ""),
    ("Hemlibra", 105, "WEEKLY", None, ""),
]
FIRST = ["Leo", "Sam", "Noah", "Ben", "Omar", "Luca", "Jonas", "Ali", "Max", "Tom", "Yusuf", "Finn", "Elias", "Ravi"]
LAST = ["Berg", "Novak", "Shah", "Müller", "Rossi", "Kowalski", "Haddad", "Jensen", "Costa", "Okafor", "Lind"]


@dataclass(frozen=True)
class BenchData:
    parent: User
    patient: Patient  # the ten-year log
    clinician: User
    roster: list[Patient]


def seed(now: dt.datetime | None = None) -> BenchData:
    now = now or timezone.now()
    rng = random.Random(20261125)
    products = {p.brand_name: p for p in Product.objects.filter(patient=None)}
    parent = User.objects.create_user(email="bench-parent@bench.invalid", password=None, first_name="Ana")
    other_parent = User.objects.create_user(email="bench-caregiver@bench.invalid", password=None, first_name="Tom")
    clinician = User.objects.create_user(email="bench-clinician@bench.invalid", password=None, first_name="Dr Li")
    mark_verified(parent, other_parent, clinician)
    add_authenticator_app(clinician)  # a clinician sees patients only with a second factor
    patient = seed_ten_years(rng, now, products["Advate"], [parent, other_parent])
    roster = seed_roster(rng, now, products)
    PatientAccess.objects.bulk_create(
        [
            PatientAccess(user=parent, patient=patient, role=PatientAccess.Role.OWNER),
            PatientAccess(user=other_parent, patient=patient, role=PatientAccess.Role.CAREGIVER),
            *(PatientAccess(user=parent, patient=child, role=PatientAccess.Role.OWNER) for child in roster[:2]),
            *(PatientAccess(user=clinician, patient=p, role=PatientAccess.Role.CLINICIAN) for p in roster),
        ]
    )
    second_factor.refresh(clinician.pk)  # bulk_create sends no signal
    return BenchData(parent, patient, clinician, roster)


class _Fridge:
    """Lots delivered every four weeks, topping the fridge up, used first-expiring
    first; every delivery and use is a ledger line, so the lots match the ledger."""

    def __init__(self, patient: Patient, product: Product, start: dt.date):
        self.patient, self.product = patient, product
        self.lots: list[StockLot] = []
        self.received: dict[int, int] = {}
        self.next_delivery = start
        self.uses: list[tuple[Infusion, StockLot, int]] = []

    def take(self, infusion: Infusion, vials: int) -> None:
        day = infusion.given_at.date()
        while day >= self.next_delivery:
            self.deliver(self.next_delivery, FRIDGE_VIALS - sum(lot.vials_on_hand for lot in self.lots))
        lot = next((lot for lot in self.lots if lot.vials_on_hand >= vials), None)
        if lot is None:  # a run of bleeds emptied the fridge: an early delivery
            lot = self.deliver(day, FRIDGE_VIALS)
        lot.vials_on_hand -= vials
        infusion.lot, infusion.vials_used = lot, vials
        self.uses.append((infusion, lot, vials))

    def deliver(self, day: dt.date, vials: int, *, lot_number: str = "", expires_on: dt.date | None = None) -> StockLot:
        lot = StockLot(
            patient=self.patient,
            product=self.product,
            lot_number=lot_number or f"A{len(self.lots) + 1:04d}",
            vial_size=1000,
            vials_on_hand=max(vials + vials % 2, 2),  # even: doses take two vials, none is left over
            received_on=day,
            expires_on=expires_on or day + dt.timedelta(days=730),
            storage="Fridge",
        )
        self.received[id(lot)] = lot.vials_on_hand
        self.lots.append(lot)
        self.next_delivery = max(self.next_delivery, day + dt.timedelta(days=DELIVERY_DAYS))
        return lot

    def ledger(self, receiver: User) -> list[StockMovement]:
        """The ledger lines; call after the lots and infusions are saved."""
        received = [
            StockMovement(
                lot=lot,
                kind=StockMovement.Kind.RECEIVED,
                vials=self.received[id(lot)],
                reason="Received",
                created_by=receiver,
                created_at=dt.datetime.combine(lot.received_on, dt.time(12), tzinfo=dt.UTC),
            )
            for lot in self.lots
        ]
        used = [
            StockMovement(
                lot=lot,
                kind=StockMovement.Kind.USED,
                vials=-vials,
                reason=f"Infusion of {infusion.given_at:%d %b %Y %H:%M}",
                infusion=infusion,
                created_by=infusion.created_by,
                created_at=infusion.given_at,
            )
            for infusion, lot, vials in self.uses
        ]
        return received + used


def seed_ten_years(rng: random.Random, now: dt.datetime, product: Product, loggers: list[User]) -> Patient:
    """A boy with severe hemophilia A on Advate 2000 IU every 2 days for ten
    years, each bleed treated with a dose; two parents log."""
    start = now - dt.timedelta(days=365.25 * YEARS)
    patient = Patient.objects.create(
        display_name="Bench",
        baseline_factor_level=Decimal("0.5"),
        date_of_birth=(start - dt.timedelta(days=900)).date(),
    )
    WeightMeasurement.objects.bulk_create(
        WeightMeasurement(patient=patient, measured_on=(start + dt.timedelta(days=180 * i)).date(), weight_kg=20 + i)
        for i in range(YEARS * 2 + 1)
        if start + dt.timedelta(days=180 * i) < now
    )
    Regimen.objects.create(
        patient=patient, product=product, dose=2000, schedule="EVERY_N_DAYS", interval_days=2, start_date=start.date()
    )
    bleeds = []
    for i in range(BLEEDS):
        started = start + dt.timedelta(seconds=rng.uniform(0, (now - start).total_seconds() - 86400 * 3))
        if i == 0:
            started = now - dt.timedelta(hours=30)  # one still ongoing
        site, side = rng.choice(SITES)
        bleeds.append(
            BleedEpisode(
                patient=patient,
                started_at=started,
                resolved_at=None if i == 0 else started + dt.timedelta(hours=rng.uniform(6, 72)),
                site=site,
                side=side,
                cause=rng.choice(["SPONTANEOUS", "SPONTANEOUS", "TRAUMATIC"]),
                severity=rng.choice(["MILD", "MODERATE", "MODERATE", "SEVERE"]),
                pain=rng.randint(2, 8),
                notes=rng.choice(NOTES),
                created_by=rng.choice(loggers),
            )
        )
    BleedEpisode.objects.bulk_create(bleeds)
    infusions = []
    moment = start.replace(hour=7, minute=30)
    while moment < now:
        if rng.random() > 0.05:  # one dose in twenty missed
            infusions.append(_dose(patient, product, moment, Reason.PROPHYLAXIS, rng, loggers))
        moment += dt.timedelta(days=2)
    for bleed in bleeds:
        treated_at = min(bleed.started_at + dt.timedelta(hours=1), now - dt.timedelta(minutes=5))
        infusions.append(_dose(patient, product, treated_at, Reason.BLEED, rng, loggers, bleed=bleed))
    infusions.sort(key=lambda infusion: infusion.given_at)
    fridge = _Fridge(patient, product, start.date())
    for infusion in infusions:
        fridge.take(infusion, 2)
    fridge.deliver(
        now.date() - dt.timedelta(days=60), 2, lot_number="SHORT1", expires_on=now.date() + dt.timedelta(days=20)
    )
    StockLot.objects.bulk_create(fridge.lots)
    Infusion.objects.bulk_create(infusions)
    StockMovement.objects.bulk_create(fridge.ledger(loggers[0]))
    return patient


def _dose(patient, product, at, reason: str, rng: random.Random, loggers: list[User], bleed=None) -> Infusion:
    return Infusion(
        patient=patient,
        given_at=at,
        product=product,
        dose=Decimal(2000),
        reason=reason,
        bleed=bleed,
        given_by=GivenBy.CAREGIVER,
        notes="" if rng.random() > 0.1 else "Left arm, first try",
        created_by=rng.choice(loggers),
    )


def _schedule_days(regimen: Regimen, first: dt.date, last: dt.date) -> list[dt.date]:
    days, day = [], max(first, regimen.start_date)
    while day <= last:
        if regimen.schedule == "EVERY_N_DAYS":
            due = (day - regimen.start_date).days % regimen.interval_days == 0
        elif regimen.schedule == "WEEKDAYS":
            due = str(day.weekday()) in regimen.weekdays
        else:
            due = (day - regimen.start_date).days % 7 == 0
        if due:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def seed_roster(rng: random.Random, now: dt.datetime, products: dict[str, Product]) -> list[Patient]:
    """Patients with 14 months of prophylaxis (a few percent to a quarter of
    doses missed) and two years of bleeds, each treated, each with his own
    owner who logged everything; a few with a recent head bleed or a new
    target joint, so that the roster flags some."""
    today = now.date()
    owners = User.objects.bulk_create(
        User(email=f"bench-owner{i:03d}@bench.invalid", first_name=rng.choice(FIRST), password="!")
        for i in range(ROSTER_PATIENTS)
    )
    patients = Patient.objects.bulk_create(
        Patient(
            display_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            baseline_factor_level=Decimal(f"{rng.uniform(0.1, 4):.1f}"),
            date_of_birth=today - dt.timedelta(days=rng.randint(3 * 365, 60 * 365)),
            treatment_centre="Northfield Haemophilia Centre",
        )
        for _ in range(ROSTER_PATIENTS)
    )
    PatientAccess.objects.bulk_create(
        PatientAccess(user=owner, patient=patient, role=PatientAccess.Role.OWNER)
        for owner, patient in zip(owners, patients, strict=True)
    )
    WeightMeasurement.objects.bulk_create(
        WeightMeasurement(patient=p, measured_on=today - dt.timedelta(days=150), weight_kg=rng.randint(16, 95))
        for p in patients
    )
    regimens = []
    for patient in patients:
        brand, dose, schedule, interval, weekdays = rng.choice(ROSTER_REGIMENS)
        regimens.append(
            Regimen(
                patient=patient,
                product=products[brand],
                dose=dose,
                schedule=schedule,
                interval_days=interval,
                weekdays=weekdays,
                start_date=today - dt.timedelta(days=rng.randint(430, 900)),
            )
        )
    Regimen.objects.bulk_create(regimens)
    bleeds, infusions = [], []
    for owner, patient, regimen in zip(owners, patients, regimens, strict=True):
        missed = rng.uniform(0.02, 0.25)
        for day in _schedule_days(regimen, today - dt.timedelta(days=430), today - dt.timedelta(days=1)):
            if rng.random() > missed:
                at = dt.datetime.combine(day, dt.time(7, rng.randint(0, 59)), tzinfo=dt.UTC)
                infusions.append(
                    Infusion(patient=patient, given_at=at, product=regimen.product, dose=regimen.dose, created_by=owner)
                )
        joint = rng.choice(SITES[:5])
        for _ in range(rng.randint(0, 8)):
            started = now - dt.timedelta(days=rng.uniform(3, 730))
            site, side = joint if rng.random() < 0.4 else rng.choice(SITES)
            bleeds.append(_roster_bleed(patient, started, site, side, owner))
        if rng.random() < 0.03:
            bleeds.append(_roster_bleed(patient, now - dt.timedelta(days=rng.uniform(2, 25)), "HEAD", "", owner))
    BleedEpisode.objects.bulk_create(bleeds)
    treatment = products["Advate"]
    Infusion.objects.bulk_create(
        infusions
        + [
            Infusion(
                patient_id=bleed.patient_id,
                given_at=bleed.started_at + dt.timedelta(hours=1),
                product=treatment,
                dose=Decimal(2000),
                reason=Reason.BLEED,
                bleed=bleed,
                created_by=bleed.created_by,
            )
            for bleed in bleeds
        ],
        batch_size=2000,
    )
    return patients


def _roster_bleed(patient: Patient, started: dt.datetime, site: str, side: str, owner: User) -> BleedEpisode:
    return BleedEpisode(
        patient=patient,
        started_at=started,
        resolved_at=started + dt.timedelta(hours=36),
        site=site,
        side=side,
        cause="SPONTANEOUS",
        severity="MODERATE",
        created_by=owner,
    )
