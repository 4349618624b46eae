"""The infusion form and the stock: which lots it offers and takes, another
patient's lots, products and bleeds, and editing an infusion against its lot.
The message is at the field and neither the log nor the stock changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from hemolog.inventory.models import Product, StockLot
from hemolog.logbook.models import Infusion
from hemolog.patients.models import Patient
from tests.assertions import as_input, assert_field_error

from .. import factories
from .infusions import infusion_data, stock_state

# Lots ---------------------------------------------------------------------------


def test_expired_lot_is_not_offered_and_choosing_it_is_refused(client_for, owner, patient, lot):
    """A lot that expired yesterday is not usable on the infusion date (today).

    The form lists only lots with ``expires_on >= today``, so the expired lot
    is not a valid choice at all: Django's "Select a valid choice" error.
    """
    expired = factories.make_lot(
        patient, vials=5, lot_number="OLD999", expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    client = client_for(owner)
    page = client.get(f"/patients/{patient.pk}/infusions/new/")
    assert expired not in page.context["form"].fields["lot"].queryset
    assert lot in page.context["form"].fields["lot"].queryset
    assert "OLD999" not in page.content.decode()

    before = stock_state(expired)
    response = client.post(f"/patients/{patient.pk}/infusions/new/", infusion_data(lot=expired.pk))
    assert_field_error(response, "lot", "Select a valid choice.")
    assert "Left arm, easy stick" in response.content.decode()
    assert Infusion.objects.count() == 0
    assert stock_state(expired) == before


def test_lot_expiring_today_can_be_used_today(post_infusion, patient):
    last_day = factories.make_lot(patient, vials=3, expires_on=timezone.localdate())
    assert post_infusion(lot=last_day.pk, dose="1000").status_code == 302
    last_day.refresh_from_db()
    assert last_day.vials_on_hand == 2


def test_lot_valid_today_can_be_used_for_a_back_dated_infusion(post_infusion, patient, lot):
    response = post_infusion(lot=lot.pk, given_at=as_input(timezone.now() - dt.timedelta(days=20)))
    assert response.status_code == 302
    assert patient.infusions.get().lot == lot


def test_empty_lot_is_not_offered(client_for, owner, patient, lot):
    empty = factories.make_lot(patient, vials=1, lot_number="EMPTY1")
    StockLot.objects.filter(pk=empty.pk).update(vials_on_hand=0)
    page = client_for(owner).get(f"/patients/{patient.pk}/infusions/new/")
    assert empty not in page.context["form"].fields["lot"].queryset
    assert "EMPTY1" not in page.content.decode()


def test_more_vials_than_on_hand_are_refused(post_infusion, lot):
    before = stock_state(lot)
    response = post_infusion(lot=lot.pk, dose="1000", vials_used="11")
    assert_field_error(response, "vials_used", "Lot A1234 has only 10 vials left; this dose needs 11.")
    assert 'name="vials_used" value="11"' in response.content.decode()
    assert Infusion.objects.count() == 0
    assert stock_state(lot) == before


def test_dose_needing_more_vials_than_on_hand_is_refused_at_the_dose(post_infusion, patient):
    small = factories.make_lot(patient, vials=2, vial_size=1000, lot_number="SMALL2")
    before = stock_state(small)
    response = post_infusion(lot=small.pk, dose="2500")  # three 1000 IU vials
    assert_field_error(response, "dose", "Lot SMALL2 has only 2 vials left; this dose needs 3.")
    assert 'name="dose" value="2500"' in response.content.decode()
    assert Infusion.objects.count() == 0
    assert stock_state(small) == before


def test_lot_and_product_that_disagree_are_refused(post_infusion, lot, hemlibra):
    response = post_infusion(lot=lot.pk, product=hemlibra.pk, dose="1000")
    assert_field_error(response, "lot", "This lot is Advate, not Hemlibra.")
    assert f'<option value="{hemlibra.pk}" selected>' in response.content.decode()
    assert Infusion.objects.count() == 0


def test_infusion_without_lot_or_product_is_refused(post_infusion):
    response = post_infusion(lot="", product="", dose="1000")
    assert_field_error(response, "product", "Choose a product, or a lot from stock.")
    assert 'name="dose" value="1000"' in response.content.decode()
    assert Infusion.objects.count() == 0


# Another patient's things ----------------------------------------------------------


@pytest.fixture
def strangers_things(stranger):
    """The stranger's child's lot, own product and bleed."""
    child = Patient.objects.get(access__user=stranger)
    own_product = Product.objects.create(brand_name="Zzfactor", kind="FVIII", unit="IU", patient=child)
    lot = factories.make_lot(child, vials=10, lot_number="STRANGE1")
    bleed = factories.make_bleed(child, days_ago=1, site="KNEE", side="R")
    return {"lot": lot, "product": own_product, "bleed": bleed}


def test_other_patients_lots_products_and_bleeds_are_never_offered(client_for, owner, patient, lot, strangers_things):
    factories.make_bleed(patient, days_ago=1)
    page = client_for(owner).get(f"/patients/{patient.pk}/infusions/new/")
    fields = page.context["form"].fields
    assert list(fields["lot"].queryset) == [lot]
    assert strangers_things["product"] not in fields["product"].queryset
    assert fields["product"].queryset.filter(patient__isnull=True).exists()
    assert strangers_things["bleed"] not in fields["bleed"].queryset
    assert fields["bleed"].queryset.count() == 1
    html = page.content.decode()
    assert "STRANGE1" not in html
    assert "Zzfactor" not in html


@pytest.mark.parametrize("field", ["lot", "product", "bleed"])
def test_posting_another_patients_lot_product_or_bleed_is_refused(post_infusion, lot, strangers_things, field):
    their_lot = strangers_things["lot"]
    before = stock_state(lot, their_lot)
    overrides = {"product": factories.product("Advate").pk, field: strangers_things[field].pk}
    response = post_infusion(**overrides)
    assert_field_error(response, field, "Select a valid choice.")
    assert "Left arm, easy stick" in response.content.decode()
    assert Infusion.objects.count() == 0
    assert stock_state(lot, their_lot) == before


# Editing -----------------------------------------------------------------------


def test_editing_to_more_vials_than_the_lot_holds_changes_nothing(client_for, owner, patient, lot):
    infusion = factories.make_infusion(patient, days_ago=1, lot=lot, vials=2, dose=Decimal(2000))
    before = stock_state(lot)
    assert before[0] == (8,)
    response = client_for(owner).post(
        f"/patients/{patient.pk}/infusions/{infusion.pk}/edit/",
        infusion_data(given_at=as_input(infusion.given_at), lot=lot.pk, dose="2000", vials_used="11"),
    )
    # 8 on hand plus the 2 this infusion already took.
    assert_field_error(response, "vials_used", "Lot A1234 has only 10 vials left; this dose needs 11.")
    assert 'name="vials_used" value="11"' in response.content.decode()
    infusion.refresh_from_db()
    assert infusion.vials_used == 2
    assert stock_state(lot) == before


def test_editing_an_infusion_to_a_day_after_its_lot_expired_is_refused(client_for, owner, patient, lot):
    """The one way to pick a lot that is expired on the infusion date: the
    infusion's own lot (still offered when editing) has expired since, and the
    time is moved past the expiry."""
    infusion = factories.make_infusion(patient, days_ago=10, lot=lot, vials=1)
    expired_on = timezone.localdate() - dt.timedelta(days=3)
    StockLot.objects.filter(pk=lot.pk).update(expires_on=expired_on)
    before = stock_state(lot)
    moved_to = as_input(timezone.now() - dt.timedelta(hours=1))
    response = client_for(owner).post(
        f"/patients/{patient.pk}/infusions/{infusion.pk}/edit/",
        infusion_data(given_at=moved_to, lot=lot.pk, dose="1000", vials_used="1"),
    )
    assert_field_error(response, "lot", f"Lot A1234 expired on {expired_on.day} {expired_on:%b %Y}, before this dose.")
    assert f'name="given_at" value="{moved_to}"' in response.content.decode()
    infusion.refresh_from_db()
    assert timezone.now() - infusion.given_at > dt.timedelta(days=9)
    assert stock_state(lot) == before


def test_editing_an_infusion_keeps_its_since_expired_lot_when_the_date_is_unchanged(client_for, owner, patient, lot):
    infusion = factories.make_infusion(patient, days_ago=10, lot=lot, vials=1)
    StockLot.objects.filter(pk=lot.pk).update(expires_on=timezone.localdate() - dt.timedelta(days=3))
    response = client_for(owner).post(
        f"/patients/{patient.pk}/infusions/{infusion.pk}/edit/",
        infusion_data(given_at=as_input(infusion.given_at), lot=lot.pk, dose="1000", vials_used="1", notes="Late note"),
    )
    assert response.status_code == 302
    infusion.refresh_from_db()
    assert (infusion.notes, infusion.lot) == ("Late note", lot)
