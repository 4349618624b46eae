"""``manage.py seed_demo``: who can see whom, a log that keeps the app's rules, and bulk patients."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Max
from django.test import override_settings
from django.utils import timezone

from hemolog.accounts.models import User
from hemolog.clinical.adherence import scheduled_doses
from hemolog.core.dates import DateRange
from hemolog.demo.household import CLINICIAN_EMAIL, HOUSEHOLD_EMAILS, PARENT_EMAIL, build_household
from hemolog.demo.people import DEMO_PASSWORD
from hemolog.demo.scale import extra_email
from hemolog.exports.recall import find_lot
from hemolog.insights.dashboard import build_dashboard
from hemolog.insights.log import schedule_record
from hemolog.inventory.models import StockLot, StockMovement
from hemolog.logbook.models import JOINT_SITES, LATERAL_SITES, MUSCLE_SITES, BleedEpisode, Infusion, Regimen
from hemolog.patients.models import Patient, PatientAccess, WeightMeasurement

MODELS = (User, Patient, PatientAccess, WeightMeasurement, Regimen, StockLot, StockMovement, BleedEpisode, Infusion)
LONDON = ZoneInfo("Europe/London")


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", "--without-debug", *args, stdout=out)  # tests run with DEBUG off
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def user(email: str) -> User:
    return User.objects.get(email=email)


def patient(name: str) -> Patient:
    return Patient.objects.get(display_name=name)


def names(patients) -> set[str]:
    return {p.display_name for p in patients}


def owner_tz(p: Patient) -> ZoneInfo:
    return ZoneInfo(p.access.get(role=PatientAccess.Role.OWNER).user.time_zone)


def weight_on(weights: list[WeightMeasurement], day: dt.date) -> Decimal:
    before = [w for w in weights if w.measured_on <= day]
    return max(before, key=lambda w: w.measured_on).weight_kg


def assert_ledger_consistent(patients) -> None:
    """Each lot's count is the sum of its movements and never below zero; each infusion
    from stock has one USED movement and came from a lot received before it, unexpired."""
    for p in patients:
        tz = owner_tz(p)
        for lot in StockLot.objects.filter(patient=p).prefetch_related("movements"):
            movements = sorted(lot.movements.all(), key=lambda m: (m.created_at, -m.vials))
            assert lot.vials_on_hand == sum(m.vials for m in movements) >= 0, lot
            running = 0
            for movement in movements:
                running += movement.vials
                assert running >= 0, f"{lot} would go below zero at {movement.created_at}"
            assert movements[0].kind == StockMovement.Kind.RECEIVED
            assert movements[0].created_at.astimezone(tz).date() == lot.received_on
        used = Counter()
        for movement in StockMovement.objects.filter(lot__patient=p, kind=StockMovement.Kind.USED):
            used[movement.infusion_id] += 1
            assert movement.infusion.lot_id == movement.lot_id
            assert movement.vials == -movement.infusion.vials_used
        infusions = Infusion.objects.filter(patient=p).select_related("lot")
        for infusion in infusions.exclude(lot=None):
            assert used[infusion.pk] == 1, infusion
            received = infusion.lot.movements.get(kind=StockMovement.Kind.RECEIVED).created_at
            assert received < infusion.given_at
            assert infusion.lot.expires_on >= infusion.given_at.astimezone(tz).date(), "used past expiry"
            assert infusion.lot.product_id == infusion.product_id
        assert infusions.filter(lot=None).exclude(vials_used=0).count() == 0


@pytest.fixture
def household(db):
    return seed()


def test_household_accounts_and_who_sees_whom(household):
    parent, caregiver, adult, clinician = (user(email) for email in HOUSEHOLD_EMAILS)
    assert names(Patient.objects.visible_to(parent)) == {"Leo Berg", "Sam Berg"}
    assert set(PatientAccess.objects.filter(user=parent).values_list("role", flat=True)) == {"OWNER"}
    assert names(Patient.objects.visible_to(caregiver)) == {"Leo Berg", "Sam Berg"}
    assert set(PatientAccess.objects.filter(user=caregiver).values_list("role", flat=True)) == {"CAREGIVER"}
    assert names(Patient.objects.visible_to(adult)) == {"Daniel Novak"}
    assert PatientAccess.objects.get(user=adult).role == PatientAccess.Role.OWNER
    assert names(Patient.objects.visible_to(clinician)) == {"Leo Berg", "Daniel Novak"}
    assert not PatientAccess.objects.filter(user=clinician, role__in=PatientAccess.WRITE_ROLES).exists()
    assert Patient.objects.count() == 3
    latest_grant = PatientAccess.objects.aggregate(latest=Max("granted_at"))["latest"]
    assert latest_grant < timezone.now() - dt.timedelta(days=600), "granted when the log began, not today"

    # One password, hashed once, that logs every demo account in.
    assert len(set(User.objects.values_list("password", flat=True))) == 1
    for email in HOUSEHOLD_EMAILS:
        assert authenticate(email=email, password=DEMO_PASSWORD) == user(email)
        assert email in household
    assert DEMO_PASSWORD in household


def test_prophylaxis_follows_the_regimens_with_some_missed_doses(household):
    leo, sam, daniel = patient("Leo Berg"), patient("Sam Berg"), patient("Daniel Novak")
    now = timezone.now()

    regimen = leo.regimens.get()
    assert (regimen.product.brand_name, regimen.schedule, regimen.interval_days) == ("Advate", "EVERY_N_DAYS", 2)
    scheduled = (now.astimezone(LONDON).date() - regimen.start_date).days // 2 + 1
    doses = list(leo.infusions.prophylactic().order_by("given_at"))
    assert len(doses) >= 300
    assert 0.85 <= len(doses) / scheduled <= 0.95, f"{len(doses)} of {scheduled} scheduled doses"
    assert now - doses[-1].given_at < dt.timedelta(days=2, hours=1), "the demo should look alive"
    weights = list(leo.weights.all())
    for dose in doses:
        per_kg = dose.dose / weight_on(weights, dose.given_at.astimezone(LONDON).date())
        assert 25 <= per_kg <= 40, dose
    assert set(leo.infusions.values_list("given_by", flat=True)) == {"CAREGIVER"}

    # Sam: emicizumab loading, every 2 weeks, then every 4 weeks; no gaps, no overlaps.
    regimens = list(sam.regimens.order_by("start_date"))
    assert [r.schedule for r in regimens] == ["WEEKLY", "EVERY_2_WEEKS", "EVERY_4_WEEKS"]
    for earlier, later in zip(regimens, regimens[1:], strict=False):
        assert earlier.end_date + dt.timedelta(days=1) == later.start_date
    assert regimens[-1].end_date is None
    weights = list(sam.weights.all())
    for dose in sam.infusions.prophylactic():
        day = dose.given_at.astimezone(LONDON).date()
        mg_per_kg = 6 if day >= regimens[-1].start_date else 3
        assert dose.dose == pytest.approx(mg_per_kg * weight_on(weights, day), abs=Decimal("0.1"))
        assert dose.product.brand_name == "Hemlibra"

    assert daniel.regimens.get().schedule == "WEEKLY"
    weights, berlin = list(daniel.weights.all()), owner_tz(daniel)
    for dose in daniel.infusions.prophylactic():
        assert 40 <= dose.dose / weight_on(weights, dose.given_at.astimezone(berlin).date()) <= 50
    assert set(daniel.infusions.values_list("given_by", flat=True)) == {"SELF"}


def test_every_prophylactic_dose_falls_on_a_day_the_dashboard_schedules(household):
    """The demo's doses come from the adherence module's schedule, so the dashboard
    matches each to a scheduled dose: only the doses the demo skipped count as missed."""
    now = timezone.now()
    for p in Patient.objects.all():
        tz = owner_tz(p)
        today = now.astimezone(tz).date()
        schedules = [schedule_record(r) for r in p.regimens.order_by("start_date")]
        days = {s.day for s in scheduled_doses(schedules, schedules[0].start_date, today, tz)}
        doses = list(p.infusions.prophylactic())
        assert {d.given_at.astimezone(tz).date() for d in doses} <= days, p
        with timezone.override(tz):
            adherence = build_dashboard(p, DateRange(schedules[0].start_date, today), now).adherence
        assert (adherence.taken, adherence.unscheduled) == (len(doses), 0), p
        assert 0.8 <= adherence.taken / adherence.scheduled < 0.98, adherence.summary


def test_bleeds_concentrate_in_a_target_joint_and_are_treated(household):
    for name, target in (("Leo Berg", ("ANKLE", "L")), ("Daniel Novak", ("KNEE", "R"))):
        bleeds = list(patient(name).bleeds.all())
        joints = Counter((b.site, b.side) for b in bleeds if b.site in JOINT_SITES)
        (top, top_count), (_, runner_up) = joints.most_common(2)
        assert top == target and top_count > runner_up, joints
        assert top_count / len(bleeds) >= 0.35
        assert {b.cause for b in bleeds} >= {"SPONTANEOUS", "TRAUMATIC"}
        joint_bleeds = [b for b in bleeds if b.site in JOINT_SITES]
        assert all(b.infusions.filter(reason="BLEED").exists() for b in joint_bleeds)

    bleeds = BleedEpisode.objects.all()
    assert bleeds.filter(site__in=MUSCLE_SITES).exists()
    assert bleeds.filter(site="SOFT_TISSUE").exists()
    for bleed in bleeds:
        assert (bleed.side in ("L", "R")) == (bleed.site in LATERAL_SITES), bleed
        assert dt.timedelta(minutes=10) <= bleed.resolved_at - bleed.started_at <= dt.timedelta(days=11)
        assert 0 <= bleed.pain <= 10
    for infusion in Infusion.objects.filter(reason="BLEED"):
        assert infusion.bleed.patient_id == infusion.patient_id
        assert infusion.bleed.started_at < infusion.given_at <= infusion.bleed.resolved_at


def test_stock_ledger_is_consistent_with_a_lot_about_to_expire(household):
    patients = Patient.objects.all()
    assert_ledger_consistent(patients)
    leo = patient("Leo Berg")
    assert leo.stock_lots.count() >= 20, "a delivery about every four weeks"
    today = timezone.now().astimezone(LONDON).date()
    assert any(lot.expires_soon(today) for lot in leo.stock_lots.on_hand())
    for p in patients:
        assert p.stock_lots.usable_on(today).exists(), f"{p} has stock to use today"


def test_weights_grow_and_nothing_is_in_the_future(household):
    for name, low, high in (("Leo Berg", 3, 12), ("Sam Berg", 2, 7), ("Daniel Novak", -5, 5)):
        weights = list(patient(name).weights.order_by("measured_on"))
        assert low <= weights[-1].weight_kg - weights[0].weight_kg <= high, name
    now = timezone.now()
    latest = [
        Infusion.objects.aggregate(Max("given_at")),
        BleedEpisode.objects.aggregate(Max("started_at"), Max("resolved_at")),
        StockMovement.objects.aggregate(Max("created_at")),
    ]
    assert all(moment < now for result in latest for moment in result.values())
    today = timezone.localdate(now, ZoneInfo("Europe/Berlin"))  # the household's easternmost time zone
    assert StockLot.objects.aggregate(Max("received_on"))["received_on__max"] <= today
    assert WeightMeasurement.objects.aggregate(Max("measured_on"))["measured_on__max"] <= today


def test_once_creates_the_household_then_only_prints_the_logins(db):
    first = seed("--once")
    assert "Created the demo household" in first
    created = row_counts()
    assert created["Patient"] == 3 and created["Infusion"] > 400

    again = seed("--once")
    assert row_counts() == created
    assert "Created" not in again and PARENT_EMAIL in again

    rerun = seed()  # without --once: says so, no IntegrityError
    assert "exists already" in rerun and CLINICIAN_EMAIL in rerun
    assert row_counts() == created


def test_a_taken_demo_address_stops_the_command_without_creating_anything(db):
    User.objects.create_user(email=CLINICIAN_EMAIL, password="someone-else-s-password")
    with pytest.raises(CommandError, match="taken"):
        seed()
    assert Patient.objects.count() == 0


def test_extra_patients_each_have_an_owner_and_a_log(household):
    before = set(Patient.objects.values_list("pk", flat=True))
    output = seed("--patients", "3", "--years", "1")
    assert "exists already" in output and "Created 3 more patients" in output
    extra = Patient.objects.exclude(pk__in=before)
    assert extra.count() == 3
    owners = PatientAccess.objects.filter(patient__in=extra)
    assert sorted(owners.values_list("user__email", "role")) == [(extra_email(n), "OWNER") for n in (1, 2, 3)]
    year_ago = timezone.now() - dt.timedelta(days=367)
    for p in extra:
        assert p.infusions.exists() and p.stock_lots.exists()
        assert p.weights.order_by("measured_on").first().measured_on <= (year_ago + dt.timedelta(days=2)).date()
        assert not p.infusions.filter(given_at__lt=year_ago).exists(), "one year of log, not more"
    assert Infusion.objects.filter(patient__in=extra).count() > 50
    assert_ledger_consistent(extra)

    seed("--patients", "2", "--years", "1")  # numbered on from the last owner
    assert User.objects.filter(email__in=[extra_email(4), extra_email(5)]).count() == 2
    assert Patient.objects.count() == 3 + 5


def test_the_same_seed_builds_the_same_log(db):
    now = timezone.now()

    def log(seed: int):
        records = build_household(now, seed, password_hash="unused")
        return [(i.patient.display_name, i.given_at, i.dose, i.reason) for i in records.infusions]

    assert log(1) == log(1)
    assert log(1) != log(2)


@pytest.mark.parametrize("args", [("--years", "0"), ("--patients", "-1")])
def test_bad_options_are_refused(db, args):
    with pytest.raises(CommandError):
        seed(*args)
    assert Patient.objects.count() == 0


def test_a_recall_of_the_shared_lot_finds_both_children(db):
    seed()
    sam_lot = StockLot.objects.get(patient__display_name="Sam Berg", product__brand_name="Advate")
    assert sam_lot.vials_on_hand == sum(sam_lot.movements.values_list("vials", flat=True)) == 0
    assert sam_lot.infusions.get().given_by == "CAREGIVER"
    anna = User.objects.get(email="parent@demo.hemolog")
    recall = find_lot(anna, f"  {sam_lot.lot_number.lower()} ")
    assert {patient.display_name for patient in recall.patients} == {"Leo Berg", "Sam Berg"}
    assert {dose.infusion.patient.display_name for dose in recall.doses} == {"Leo Berg", "Sam Berg"}


def test_with_debug_off_it_refuses_unless_told(db):
    """Every demo account has the published password: not on a server by mistake."""
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()
    with override_settings(DEBUG=True):
        call_command("seed_demo", "--once", stdout=StringIO())
    assert User.objects.filter(email="parent@demo.hemolog").exists()
