import datetime as dt

from django.urls import reverse
from django.utils import timezone

from hemolog.inventory.models import StockLot, StockMovement
from tests import factories


def stock_url(patient):
    return reverse("inventory:stock", kwargs={"patient_id": patient.pk})


def test_receive_a_lot_records_it_in_the_ledger(client_for, owner, patient):
    expiry = timezone.localdate() + dt.timedelta(days=400)
    response = client_for(owner).post(
        reverse("inventory:lot_receive", kwargs={"patient_id": patient.pk}),
        {
            "product": factories.product("Advate").pk,
            "lot_number": " KX-991 ",
            "vial_size": 500,
            "vials": 12,
            "expires_on": expiry.isoformat(),
            "received_on": timezone.localdate().isoformat(),
            "storage": "fridge",
        },
    )
    assert response.status_code == 302
    lot = StockLot.objects.get(patient=patient)
    assert (lot.lot_number, lot.vials_on_hand, lot.units_on_hand) == ("KX-991", 12, 6000)
    assert list(lot.movements.values_list("kind", "vials")) == [("RECEIVED", 12)]


def test_the_receive_form_asks_for_a_product_in_words(client_for, owner, patient):
    html = client_for(owner).get(reverse("inventory:lot_receive", kwargs={"patient_id": patient.pk})).content.decode()
    assert '<option value="" selected>Choose the product</option>' in html
    assert "---------" not in html


def test_stock_page_totals_per_product_and_warns_of_expiry(client_for, owner, patient):
    today = timezone.localdate()
    factories.make_lot(patient, vials=4, lot_number="SOON", expires_on=today + dt.timedelta(days=20))
    factories.make_lot(patient, vials=6, lot_number="LATER", expires_on=today + dt.timedelta(days=300))
    expired = factories.make_lot(patient, vials=2, lot_number="OLD", expires_on=today + dt.timedelta(days=5))
    StockLot.objects.filter(pk=expired.pk).update(expires_on=today - dt.timedelta(days=1))
    factories.make_lot(patient, vials=3, brand="Hemlibra", vial_size=150, lot_number="EMI")

    response = client_for(owner).get(stock_url(patient))
    totals = {row["product"].brand_name: (row["vials"], row["units"]) for row in response.context["totals"]}
    assert totals == {"Advate": (10, 10000), "Hemlibra": (3, 450)}  # the expired lot is not counted
    lots = response.context["lots"]
    assert [lot.lot_number for lot in lots if lot.expired] == ["OLD"]
    assert [lot.lot_number for lot in lots if lot.expiring] == ["SOON"]
    html = response.content.decode()
    assert "expires within 30 days" in html and ">expired<" in html


def test_home_warns_of_expiring_stock_for_writers_only(client_for, owner, clinician, patient):
    factories.make_lot(patient, vials=4, lot_number="SOON", expires_on=timezone.localdate() + dt.timedelta(days=3))
    assert "SOON" in client_for(owner).get("/").content.decode()
    assert "SOON" not in client_for(clinician).get("/").content.decode()


def test_correct_the_count_after_counting_the_fridge(client_for, owner, patient, lot):
    url = reverse("inventory:lot_adjust", kwargs={"patient_id": patient.pk, "pk": lot.pk})
    response = client_for(owner).post(url, {"kind": "ADJUSTED", "vials": 7, "reason": "counted the fridge"})
    assert response.status_code == 302
    lot.refresh_from_db()
    assert lot.vials_on_hand == 7
    assert lot.movements.filter(kind=StockMovement.Kind.ADJUSTED).get().vials == -3


def test_discard_vials_with_a_reason(client_for, owner, patient, lot):
    url = reverse("inventory:lot_adjust", kwargs={"patient_id": patient.pk, "pk": lot.pk})
    client_for(owner).post(url, {"kind": "DISCARDED", "vials": 2, "reason": "left out of the fridge"})
    lot.refresh_from_db()
    assert lot.vials_on_hand == 8
    assert sum(lot.movements.values_list("vials", flat=True)) == 8


def test_lot_page_shows_the_ledger(client_for, clinician, log):
    lot = log.stock_lots.get()
    html = (
        client_for(clinician)
        .get(reverse("inventory:lot_detail", kwargs={"patient_id": log.pk, "pk": lot.pk}))
        .content.decode()
    )
    assert "Received" in html and "Used by an infusion" in html
    assert 'id="vials-left">6<' in html
