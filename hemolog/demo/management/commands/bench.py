"""Measure the dashboard against a trivial page, on a ten-year log.

    python manage.py bench [--runs 7]

Seeds one patient with ten years of log (prophylaxis every 2 days with a few
missed doses: about 1,800 infusions; 300 bleeds), then requests, through
Django's test client in this process, the dashboard for the last 12 months
and for the whole ten years: cold (cache emptied before each request) and
warm (cached), and a trivial logged-in page as the floor. Prints the median
times, the SQL query counts and the ratio dashboard / floor. Everything it
writes is rolled back at the end.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from decimal import Decimal

from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hemolog.accounts.models import User
from hemolog.clinical.dates import add_months
from hemolog.inventory.models import Product, StockLot, StockMovement
from hemolog.logbook.models import BleedEpisode, Infusion, Regimen
from hemolog.patients.models import Patient, PatientAccess, WeightMeasurement

YEARS = 10
BLEEDS = 300
SITES = [("ANKLE", "L"), ("ANKLE", "L"), ("KNEE", "R"), ("ELBOW", "L"), ("KNEE", "L"), ("CALF", "R"), ("NOSE", "")]


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the dashboard (12 months and 10 years, cold and warm) against a trivial page."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=7, help="requests per measurement (median reported)")

    def handle(self, *args, runs: int, **options):
        try:
            with transaction.atomic():
                self.run(runs)
                raise Rollback
        except Rollback:
            pass

    @override_settings(DEBUG=False, SECURE_SSL_REDIRECT=False, ALLOWED_HOSTS=["testserver"])
    def run(self, runs: int) -> None:
        started = time.perf_counter()
        user, patient = seed_ten_years()
        counts = (patient.infusions.count(), patient.bleeds.count())
        self.stdout.write(
            f"Seeded {counts[0]} infusions and {counts[1]} bleeds over {YEARS} years "
            f"in {time.perf_counter() - started:.1f} s ({connection.vendor})."
        )
        client = Client()
        client.force_login(user)
        today = timezone.localdate()
        dashboard = reverse("insights:dashboard", kwargs={"patient_id": patient.pk})
        # Not today.replace(year=...): there is no 29 February ten years before one.
        start = add_months(dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC), -12 * YEARS).date()
        ten_years = f"{dashboard}?period=custom&start={start}&end={today}"
        pages = [
            ("floor: a static logged-in page", reverse("password_change_done"), False),
            ("dashboard, 12 months, cold", f"{dashboard}?period=12", True),
            ("dashboard, 12 months, warm", f"{dashboard}?period=12", False),
            ("dashboard, 10 years, cold", ten_years, True),
            ("dashboard, 10 years, warm", ten_years, False),
        ]
        results = {}
        self.stdout.write(f"\n{'page':34} {'median ms':>10} {'queries':>8}")
        for name, url, cold in pages:
            client.get(url)  # warm up imports, templates and (for warm runs) the cache
            times, queries = [], 0
            for _ in range(runs):
                if cold:
                    cache.clear()
                with CaptureQueriesContext(connection) as captured:
                    begin = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - begin) * 1000)
                assert response.status_code == 200, (url, response.status_code)
                queries = len(captured)
            results[name] = statistics.median(times)
            self.stdout.write(f"{name:34} {results[name]:10.1f} {queries:8d}")
        floor = results["floor: a static logged-in page"]
        self.stdout.write("\nratio to the floor:")
        for name, value in results.items():
            if name.startswith("dashboard"):
                self.stdout.write(f"  {name:32} {value / floor:6.1f} x")


def seed_ten_years() -> tuple[User, Patient]:
    """A severe hemophilia A patient on Advate every 2 days for ten years."""
    rng = random.Random(20261125)
    now = timezone.now()
    start = now - dt.timedelta(days=365.25 * YEARS)
    user = User.objects.create_user(email="bench@bench.invalid", password=None)
    patient = Patient.objects.create(display_name="Bench", baseline_factor_level=Decimal("0.5"))
    PatientAccess.objects.create(user=user, patient=patient, role=PatientAccess.Role.OWNER)
    product = Product.objects.get(brand_name="Advate", patient=None)
    WeightMeasurement.objects.bulk_create(
        WeightMeasurement(
            patient=patient, measured_on=(start + dt.timedelta(days=180 * i)).date(), weight_kg=Decimal(40 + i)
        )
        for i in range(YEARS * 2 + 1)
        if start + dt.timedelta(days=180 * i) < now
    )
    Regimen.objects.create(
        patient=patient,
        product=product,
        dose=Decimal(2000),
        schedule="EVERY_N_DAYS",
        interval_days=2,
        start_date=start.date(),
    )
    infusions = []
    moment = start.replace(hour=7, minute=30)
    while moment < now:
        if rng.random() > 0.05:  # one dose in twenty missed
            infusions.append(Infusion(patient=patient, given_at=moment, product=product, dose=Decimal(2000)))
        moment += dt.timedelta(days=2)
    bleeds = []
    for _ in range(BLEEDS):
        started = start + dt.timedelta(seconds=rng.uniform(0, (now - start).total_seconds() - 86400 * 3))
        site, side = rng.choice(SITES)
        bleeds.append(
            BleedEpisode(
                patient=patient,
                started_at=started,
                resolved_at=started + dt.timedelta(hours=rng.uniform(6, 72)),
                site=site,
                side=side,
                cause=rng.choice(["SPONTANEOUS", "SPONTANEOUS", "TRAUMATIC"]),
                severity="MODERATE",
                pain=rng.randint(2, 8),
            )
        )
    BleedEpisode.objects.bulk_create(bleeds)
    Infusion.objects.bulk_create(infusions)
    lot = StockLot.objects.create(
        patient=patient,
        product=product,
        lot_number="BENCH",
        vial_size=1000,
        vials_on_hand=60,
        expires_on=now.date() + dt.timedelta(days=200),
        received_on=now.date() - dt.timedelta(days=20),
    )
    StockMovement.objects.create(lot=lot, kind=StockMovement.Kind.RECEIVED, vials=60)
    return user, patient
