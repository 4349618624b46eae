"""What must never be stored is refused by the database itself, past the forms;
and every stock change keeps the lot's count equal to the sum of its ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from hemolog.inventory.models import StockLot, StockMovement
from hemolog.inventory.stock import InsufficientStock, move_stock
from hemolog.logbook.models import BleedEpisode, Infusion, Regimen
from hemolog.patients.models import PatientAccess, WeightMeasurement

from . import factories


def ledger_sum(lot: StockLot) -> int:
    return lot.movements.aggregate(total=Sum("vials"))["total"] or 0


def stored_vials(lot: StockLot) -> int:
    return StockLot.objects.values_list("vials_on_hand", flat=True).get(pk=lot.pk)


# Database constraints --------------------------------------------------------------


@pytest.mark.parametrize("dose", [Decimal(0), Decimal(-250)])
def test_infusion_dose_must_be_positive(patient, dose):
    with pytest.raises(IntegrityError), transaction.atomic():
        Infusion.objects.create(patient=patient, given_at=timezone.now(), product=factories.product(), dose=dose)
    assert Infusion.objects.count() == 0


def test_infusion_with_a_lot_must_use_vials(patient, lot):
    with pytest.raises(IntegrityError), transaction.atomic():
        Infusion.objects.create(
            patient=patient, given_at=timezone.now(), product=lot.product, lot=lot, vials_used=0, dose=Decimal(1000)
        )


def test_infusion_without_a_lot_can_not_claim_vials(patient):
    with pytest.raises(IntegrityError), transaction.atomic():
        Infusion.objects.create(
            patient=patient, given_at=timezone.now(), product=factories.product(), vials_used=2, dose=Decimal(1000)
        )


def test_infusion_dose_can_not_be_updated_to_zero(patient, lot):
    infusion = factories.make_infusion(patient, lot=lot)
    with pytest.raises(IntegrityError), transaction.atomic():
        Infusion.objects.filter(pk=infusion.pk).update(dose=0)
    infusion.refresh_from_db()
    assert infusion.dose == Decimal(1000)


def test_bleed_can_not_be_resolved_before_it_started(patient):
    started = timezone.now() - dt.timedelta(hours=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        BleedEpisode.objects.create(
            patient=patient, started_at=started, resolved_at=started - dt.timedelta(minutes=1), site="NOSE"
        )
    assert BleedEpisode.objects.count() == 0


def test_bleed_resolved_when_it_started_is_stored(patient):
    started = timezone.now() - dt.timedelta(hours=2)
    BleedEpisode.objects.create(patient=patient, started_at=started, resolved_at=started, site="NOSE")
    stored = BleedEpisode.objects.get(patient=patient)
    assert stored.resolved_at == stored.started_at == started


@pytest.mark.parametrize("pain", [11, 100])
def test_bleed_pain_can_not_exceed_10(patient, pain):
    with pytest.raises(IntegrityError), transaction.atomic():
        BleedEpisode.objects.create(patient=patient, started_at=timezone.now(), site="NOSE", pain=pain)


@pytest.mark.parametrize("site", ["KNEE", "ELBOW", "ILIOPSOAS"])
def test_joint_or_muscle_bleed_must_have_a_side(patient, site):
    with pytest.raises(IntegrityError), transaction.atomic():
        BleedEpisode.objects.create(patient=patient, started_at=timezone.now(), site=site, side="")


def test_bleed_side_must_be_left_or_right(patient):
    with pytest.raises(IntegrityError), transaction.atomic():
        BleedEpisode.objects.create(patient=patient, started_at=timezone.now(), site="KNEE", side="X")


def test_stock_can_not_go_negative(lot):
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLot.objects.filter(pk=lot.pk).update(vials_on_hand=-1)
    assert stored_vials(lot) == 10


def test_stock_movement_can_not_be_zero(lot):
    with pytest.raises(IntegrityError), transaction.atomic():
        StockMovement.objects.create(lot=lot, kind=StockMovement.Kind.ADJUSTED, vials=0)


def test_one_access_row_per_user_and_patient(patient, caregiver):
    with pytest.raises(IntegrityError), transaction.atomic():
        PatientAccess.objects.create(user=caregiver, patient=patient, role=PatientAccess.Role.CLINICIAN)
    assert PatientAccess.objects.get(user=caregiver, patient=patient).role == PatientAccess.Role.CAREGIVER


def test_regimen_can_not_end_before_it_starts(patient):
    today = timezone.localdate()
    with pytest.raises(IntegrityError), transaction.atomic():
        Regimen.objects.create(
            patient=patient,
            product=factories.product(),
            dose=Decimal(1000),
            interval_days=2,
            start_date=today,
            end_date=today - dt.timedelta(days=1),
        )
    assert Regimen.objects.count() == 0


def test_every_n_days_regimen_must_have_an_interval(patient):
    """A NULL interval must be refused too, not only a zero one.

    In SQL ``NOT (schedule = 'EVERY_N_DAYS') OR interval_days >= 1`` is NULL,
    not false, when ``interval_days`` is NULL, and a CHECK passes on NULL.
    """
    with pytest.raises(IntegrityError), transaction.atomic():
        Regimen.objects.create(
            patient=patient,
            product=factories.product(),
            dose=Decimal(1000),
            schedule="EVERY_N_DAYS",
            interval_days=None,
            start_date=timezone.localdate(),
        )


@pytest.mark.parametrize("weight", [Decimal(0), Decimal("0.9"), Decimal("250.1"), Decimal(300)])
def test_weight_must_be_between_1_and_250_kg(patient, weight):
    with pytest.raises(IntegrityError), transaction.atomic():
        WeightMeasurement.objects.create(patient=patient, measured_on=timezone.localdate(), weight_kg=weight)
    assert patient.weights.count() == 1  # the fixture's


def test_one_weight_per_patient_per_day(patient):
    day = patient.latest_weight.measured_on
    with pytest.raises(IntegrityError), transaction.atomic():
        WeightMeasurement.objects.create(patient=patient, measured_on=day, weight_kg=Decimal(33))


# The stock ledger -------------------------------------------------------------------


def test_move_stock_refuses_to_take_more_than_on_hand(lot):
    lines = lot.movements.count()
    with pytest.raises(InsufficientStock):
        move_stock(lot, -11, StockMovement.Kind.DISCARDED, reason="Too many")
    assert stored_vials(lot) == 10
    assert lot.movements.count() == lines


def test_move_stock_refuses_when_the_in_memory_count_is_stale(lot):
    """The check is made by the database on the stored row, not on the object in hand."""
    stale = StockLot.objects.get(pk=lot.pk)
    move_stock(lot, -9, StockMovement.Kind.DISCARDED, reason="Broken")
    assert stale.vials_on_hand == 10
    with pytest.raises(InsufficientStock):
        move_stock(stale, -2, StockMovement.Kind.DISCARDED, reason="Stale view")
    assert stored_vials(lot) == 1
    assert ledger_sum(lot) == 1


def test_move_stock_can_take_the_last_vial(lot):
    move_stock(lot, -10, StockMovement.Kind.DISCARDED, reason="All gone")
    assert stored_vials(lot) == 0
    assert ledger_sum(lot) == 0


def test_move_stock_refuses_a_zero_movement(lot):
    with pytest.raises(ValueError):
        move_stock(lot, 0, StockMovement.Kind.ADJUSTED)
    assert stored_vials(lot) == 10


def infusion_form(from_lot: StockLot, **overrides) -> dict:
    data = {
        "given_at": timezone.localtime(timezone.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "lot": str(from_lot.pk),
        "product": "",
        "dose": "2000",
        "vials_used": "2",
        "reason": "PROPHYLAXIS",
        "bleed": "",
        "given_by": "SELF",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_logging_editing_and_deleting_an_infusion_moves_the_stock(client_for, owner, patient, lot):
    second = factories.make_lot(patient, vials=5, lot_number="B2")
    client = client_for(owner)
    base = f"/patients/{patient.pk}/infusions"

    # Logging takes the vials.
    assert client.post(f"{base}/new/", infusion_form(lot)).status_code == 302
    infusion = Infusion.objects.get()
    assert (infusion.vials_used, stored_vials(lot), ledger_sum(lot)) == (2, 8, 8)

    # Using one more vial takes one more.
    data = infusion_form(lot, given_at=timezone.localtime(infusion.given_at).strftime("%Y-%m-%dT%H:%M"))
    assert client.post(f"{base}/{infusion.pk}/edit/", {**data, "dose": "3000", "vials_used": "3"}).status_code == 302
    assert (stored_vials(lot), ledger_sum(lot)) == (7, 7)

    # Moving it to another lot returns the vials to the first and takes them from the second.
    moved = {**data, "lot": str(second.pk), "vials_used": "2"}
    assert client.post(f"{base}/{infusion.pk}/edit/", moved).status_code == 302
    infusion.refresh_from_db()
    assert (infusion.lot, infusion.vials_used) == (second, 2)
    assert (stored_vials(lot), ledger_sum(lot)) == (10, 10)
    assert (stored_vials(second), ledger_sum(second)) == (3, 3)

    # Editing only the notes moves nothing.
    lines = StockMovement.objects.count()
    assert client.post(f"{base}/{infusion.pk}/edit/", {**moved, "notes": "Right arm"}).status_code == 302
    assert StockMovement.objects.count() == lines

    # Deleting puts the vials back.
    assert client.post(f"{base}/{infusion.pk}/delete/").status_code == 302
    assert Infusion.objects.count() == 0
    assert (stored_vials(lot), ledger_sum(lot)) == (10, 10)
    assert (stored_vials(second), ledger_sum(second)) == (5, 5)


def test_editing_a_stock_infusion_into_a_clinic_dose_returns_its_vials(client_for, owner, patient, lot):
    infusion = factories.make_infusion(patient, lot=lot, vials=2, dose=Decimal(2000))
    assert stored_vials(lot) == 8
    data = infusion_form(
        lot,
        given_at=timezone.localtime(infusion.given_at).strftime("%Y-%m-%dT%H:%M"),
        lot="",
        product=str(lot.product.pk),
        vials_used="",
    )
    assert client_for(owner).post(f"/patients/{patient.pk}/infusions/{infusion.pk}/edit/", data).status_code == 302
    infusion.refresh_from_db()
    assert (infusion.lot, infusion.vials_used) == (None, 0)
    assert (stored_vials(lot), ledger_sum(lot)) == (10, 10)


def test_deleting_an_infusion_from_a_lot_that_has_since_expired_still_returns_its_vials(
    client_for, owner, patient, lot
):
    infusion = factories.make_infusion(patient, days_ago=40, lot=lot, vials=3, dose=Decimal(3000))
    StockLot.objects.filter(pk=lot.pk).update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    assert client_for(owner).post(f"/patients/{patient.pk}/infusions/{infusion.pk}/delete/").status_code == 302
    assert (stored_vials(lot), ledger_sum(lot)) == (10, 10)
