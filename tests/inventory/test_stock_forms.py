"""Bad input on receiving and adjusting stock: the message is at the field, what
was typed is kept, and the lot count and the ledger stay as they were."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Sum
from django.utils import timezone

from hemolog.inventory.models import Product, StockLot, StockMovement
from hemolog.patients.models import Patient
from tests.assertions import assert_field_error

from .. import factories


def ledger(patient) -> tuple:
    """Every lot's count and the ledger lines, to compare before and after."""
    lots = list(StockLot.objects.for_patient(patient).order_by("pk").values_list("pk", "vials_on_hand"))
    return lots, StockMovement.objects.count()


# Receiving a lot ----------------------------------------------------------------


def receive_data(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "product": str(factories.product("Advate").pk),
        "lot_number": "B7788",
        "vial_size": "1000",
        "vials": "12",
        "expires_on": (today + dt.timedelta(days=400)).isoformat(),
        "received_on": today.isoformat(),
        "storage": "Kitchen fridge, top shelf",
    }
    data.update(overrides)
    return data


@pytest.fixture
def post_receive(client_for, owner, patient):
    client = client_for(owner)

    def post(**overrides):
        return client.post(f"/patients/{patient.pk}/stock/receive/", receive_data(**overrides))

    return post


def test_valid_lot_is_received(post_receive, patient):
    assert post_receive().status_code == 302
    lot = StockLot.objects.for_patient(patient).get(lot_number="B7788")
    assert lot.vials_on_hand == 12
    assert lot.movements.get().vials == 12


def test_lot_that_has_already_expired_is_refused(post_receive, patient, lot):
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    before = ledger(patient)
    response = post_receive(expires_on=yesterday)
    assert_field_error(response, "expires_on", "This lot has already expired: don't add it to stock.")
    html = response.content.decode()
    assert f'name="expires_on" value="{yesterday}"' in html
    assert 'name="lot_number" value="B7788"' in html
    assert "Kitchen fridge, top shelf" in html
    assert ledger(patient) == before


def test_lot_expiring_today_is_accepted(post_receive, patient):
    assert post_receive(expires_on=timezone.localdate().isoformat()).status_code == 302
    assert StockLot.objects.for_patient(patient).filter(lot_number="B7788").exists()


@pytest.mark.parametrize(
    ("vials", "message"),
    [
        ("0", "Ensure this value is greater than or equal to 1."),
        ("-4", "Ensure this value is greater than or equal to 1."),
        ("501", "Ensure this value is less than or equal to 500."),
        ("2.5", "Enter a whole number."),
    ],
)
def test_receiving_zero_or_impossible_number_of_vials_is_refused(post_receive, patient, lot, vials, message):
    before = ledger(patient)
    response = post_receive(vials=vials)
    assert_field_error(response, "vials", message)
    assert f'name="vials" value="{vials}"' in response.content.decode()
    assert ledger(patient) == before


@pytest.mark.parametrize("lot_number", ["", "   "])
def test_blank_lot_number_is_refused(post_receive, patient, lot, lot_number):
    before = ledger(patient)
    response = post_receive(lot_number=lot_number)
    assert_field_error(response, "lot_number", "This field is required.")
    assert "Kitchen fridge, top shelf" in response.content.decode()
    assert ledger(patient) == before


@pytest.mark.parametrize(
    ("vial_size", "message"),
    [
        ("0", "Ensure this value is greater than or equal to 1."),
        ("20001", "That vial size is not possible. Check the number."),
    ],
)
def test_impossible_vial_size_is_refused(post_receive, patient, vial_size, message):
    before = ledger(patient)
    response = post_receive(vial_size=vial_size)
    assert_field_error(response, "vial_size", message)
    assert f'name="vial_size" value="{vial_size}"' in response.content.decode()
    assert ledger(patient) == before


def test_stock_received_in_the_future_is_refused(post_receive, patient):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = post_receive(received_on=tomorrow)
    assert_field_error(response, "received_on", "Stock can't be received in the future.")
    assert f'name="received_on" value="{tomorrow}"' in response.content.decode()
    assert StockLot.objects.count() == 0


# Adjusting a lot ------------------------------------------------------------------


@pytest.fixture
def post_adjust(client_for, owner, patient, lot):
    client = client_for(owner)

    def post(**data):
        return client.post(f"/patients/{patient.pk}/stock/lots/{lot.pk}/adjust/", data)

    return post


@pytest.mark.parametrize("kind", ["DISCARDED", "EXPIRED"])
def test_discarding_more_vials_than_on_hand_is_refused(post_adjust, patient, lot, kind):
    before = ledger(patient)
    response = post_adjust(kind=kind, vials="11", reason="Dropped the box")
    assert_field_error(response, "vials", "The lot holds only 10 vials.")
    html = response.content.decode()
    assert 'name="vials" value="11"' in html
    assert 'name="reason" value="Dropped the box"' in html
    assert ledger(patient) == before


def test_one_vial_is_one_vial_not_vial_s(client_for, owner, patient):
    """A count is written in the singular or the plural, never as "vial(s)"."""
    from tests import factories

    lot = factories.make_lot(patient, vials=1, lot_number="ONE1")
    response = client_for(owner).post(
        f"/patients/{patient.pk}/stock/lots/{lot.pk}/adjust/", {"kind": "DISCARDED", "vials": "2", "reason": "Broke"}
    )
    assert_field_error(response, "vials", "The lot holds only 1 vial.")
    assert "vial(s)" not in response.content.decode()


def test_discarding_zero_vials_is_refused(post_adjust, patient, lot):
    before = ledger(patient)
    response = post_adjust(kind="DISCARDED", vials="0", reason="Nothing")
    assert_field_error(response, "vials", "Enter how many vials.")
    assert 'name="vials" value="0"' in response.content.decode()
    assert ledger(patient) == before


def test_correcting_to_the_same_count_is_refused(post_adjust, patient, lot):
    before = ledger(patient)
    response = post_adjust(kind="ADJUSTED", vials="10", reason="Counted")
    assert_field_error(response, "vials", "The lot already holds 10 vials: nothing to correct.")
    assert 'name="vials" value="10"' in response.content.decode()
    assert ledger(patient) == before


def test_adjusting_without_a_reason_or_with_an_unknown_kind_is_refused(post_adjust, patient, lot):
    before = ledger(patient)
    response = post_adjust(kind="STOLEN", vials="2", reason="")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Select a valid choice." in " ".join(errors["kind"])
    assert "This field is required." in " ".join(errors["reason"])
    assert ledger(patient) == before


def test_discarding_all_vials_is_accepted_and_the_ledger_agrees(post_adjust, lot):
    assert post_adjust(kind="DISCARDED", vials="10", reason="Left out of the fridge").status_code == 302
    lot.refresh_from_db()
    assert lot.vials_on_hand == 0
    assert lot.movements.aggregate(total=Sum("vials"))["total"] == 0


def test_correcting_the_count_down_writes_the_difference(post_adjust, lot):
    assert post_adjust(kind="ADJUSTED", vials="7", reason="Counted the fridge").status_code == 302
    lot.refresh_from_db()
    assert lot.vials_on_hand == 7
    assert lot.movements.latest("pk").vials == -3


def test_receiving_another_patients_product_is_refused(post_receive, patient, stranger):
    theirs = Product.objects.create(
        brand_name="Zzfactor", kind="FVIII", unit="IU", patient=Patient.objects.get(access__user=stranger)
    )
    before = ledger(patient)
    response = post_receive(product=str(theirs.pk))
    assert_field_error(response, "product", "Select a valid choice.")
    assert "Zzfactor" not in response.content.decode()
    assert ledger(patient) == before


def test_adjusting_another_patients_lot_is_404(client_for, owner, patient, stranger):
    their_lot = factories.make_lot(Patient.objects.get(access__user=stranger), vials=4)
    response = client_for(owner).post(
        f"/patients/{patient.pk}/stock/lots/{their_lot.pk}/adjust/",
        {"kind": "DISCARDED", "vials": "4", "reason": "Mine now"},
    )
    assert response.status_code == 404
    their_lot.refresh_from_db()
    assert their_lot.vials_on_hand == 4


@pytest.mark.parametrize(("typed", "valid"), [("0.1", True), ("0.10", True), ("0.09", False)])
def test_own_product_recovery_down_to_exactly_0_1(typed, valid):
    """The minimum is the decimal 0.1: against the float 0.1 (0.1000…0055), a typed 0.10 was refused."""
    from hemolog.inventory.forms import ProductForm

    form = ProductForm(
        {"brand_name": "Own FIX", "kind": "FIX", "half_life_class": "SHL", "default_recovery": typed, "unit": "IU"}
    )
    assert form.is_valid() is valid, form.errors
    assert ("default_recovery" in form.errors) is not valid
