"""Bad input on the infusion form: the message is at the field, what was typed
is kept, and neither the log nor the stock changes.

The patient fixture weighs 32 kg, so the high-dose warning starts above
300 IU/kg × 32 kg = 9 600 IU for factor and 12 mg/kg × 32 kg = 384 mg for
emicizumab.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from hemolog.inventory.models import Product, StockLot, StockMovement
from hemolog.logbook.models import Infusion
from hemolog.patients.models import Patient
from tests.assertions import as_input, assert_field_error

from .. import factories


def infusion_data(**overrides) -> dict:
    data = {
        "given_at": as_input(timezone.now() - dt.timedelta(hours=1)),
        "lot": "",
        "product": "",
        "dose": "1000",
        "vials_used": "",
        "reason": "PROPHYLAXIS",
        "bleed": "",
        "given_by": "SELF",
        "notes": "Left arm, easy stick",
    }
    data.update({key: str(value) for key, value in overrides.items()})
    return data


@pytest.fixture
def post_infusion(client_for, owner, patient):
    client = client_for(owner)

    def post(**overrides):
        return client.post(f"/patients/{patient.pk}/infusions/new/", infusion_data(**overrides))

    return post


@pytest.fixture
def advate():
    return factories.product("Advate")


@pytest.fixture
def hemlibra():
    product = factories.product("Hemlibra")
    assert product.unit == "mg"
    return product


def stock_state(*lots: StockLot) -> tuple:
    """Vials on hand per lot as stored, plus the number of ledger lines."""
    counts = tuple(StockLot.objects.get(pk=lot.pk).vials_on_hand for lot in lots)
    return counts, StockMovement.objects.count()


# The baseline ------------------------------------------------------------------


def test_valid_infusion_from_stock_is_saved_and_takes_vials(post_infusion, patient, lot):
    response = post_infusion(lot=lot.pk, dose="2000")
    assert response.status_code == 302
    infusion = patient.infusions.get()
    assert (infusion.product, infusion.vials_used) == (lot.product, 2)
    lot.refresh_from_db()
    assert lot.vials_on_hand == 8


# Time ---------------------------------------------------------------------------


def test_infusion_in_the_future_is_refused(post_infusion, lot):
    later = as_input(timezone.now() + dt.timedelta(hours=2))
    before = stock_state(lot)
    response = post_infusion(given_at=later, lot=lot.pk)
    assert_field_error(response, "given_at", "An infusion's time can't be in the future.")
    html = response.content.decode()
    assert f'name="given_at" value="{later}"' in html
    assert "Left arm, easy stick" in html
    assert Infusion.objects.count() == 0
    assert stock_state(lot) == before


def test_time_that_does_not_exist_in_the_users_zone_is_a_form_error(client_for, owner, patient, lot):
    owner.time_zone = "Europe/London"
    owner.save(update_fields=["time_zone"])
    before = stock_state(lot)
    response = client_for(owner).post(
        f"/patients/{patient.pk}/infusions/new/", infusion_data(given_at="2025-03-30T01:30", lot=lot.pk)
    )
    assert_field_error(response, "given_at", "does not exist in Europe/London: the clocks jumped forward")
    assert 'name="given_at" value="2025-03-30T01:30"' in response.content.decode()
    assert Infusion.objects.count() == 0
    assert stock_state(lot) == before


# Dose ----------------------------------------------------------------------------


@pytest.mark.parametrize("dose", ["0", "-500", "0.0"])
def test_dose_of_zero_or_less_is_refused(post_infusion, lot, dose):
    before = stock_state(lot)
    response = post_infusion(lot=lot.pk, dose=dose)
    assert_field_error(response, "dose", "The dose must be more than zero.")
    assert f'name="dose" value="{dose}"' in response.content.decode()
    assert Infusion.objects.count() == 0
    assert stock_state(lot) == before


def test_high_factor_dose_asks_for_confirmation_with_the_dose_per_kg(post_infusion, advate):
    response = post_infusion(product=advate.pk, dose="10000")  # 312.5 IU/kg at 32 kg
    assert_field_error(response, "dose", "That is 312.5 IU/kg at 32 kg, more than 300 IU/kg.")
    html = response.content.decode()
    assert 'name="confirm_high_dose"' in html
    assert 'name="dose" value="10000"' in html
    assert Infusion.objects.count() == 0


def test_dose_just_under_the_warning_needs_no_confirmation(post_infusion, patient, advate):
    response = post_infusion(product=advate.pk, dose="9600")  # exactly 300 IU/kg
    assert response.status_code == 302
    assert patient.infusions.get().dose == Decimal(9600)


def test_confirmed_high_factor_dose_is_saved(post_infusion, patient, advate):
    response = post_infusion(product=advate.pk, dose="10000", confirm_high_dose="on")
    assert response.status_code == 302
    assert patient.infusions.get().dose == Decimal(10000)


def test_form_without_the_warning_does_not_show_the_confirm_box(client_for, owner, patient, advate):
    response = client_for(owner).post(
        f"/patients/{patient.pk}/infusions/new/", infusion_data(product=advate.pk, dose="-1")
    )
    assert response.status_code == 200
    assert 'name="confirm_high_dose"' not in response.content.decode()


@pytest.mark.parametrize("dose", ["100001", "999999"])
def test_dose_over_the_hard_maximum_is_refused_even_when_confirmed(post_infusion, advate, dose):
    response = post_infusion(product=advate.pk, dose=dose, confirm_high_dose="on")
    assert_field_error(response, "dose", f"{dose} IU is not a possible single dose. Check the number.")
    assert f'name="dose" value="{dose}"' in response.content.decode()
    assert Infusion.objects.count() == 0


def test_high_emicizumab_dose_asks_for_confirmation_at_12_mg_per_kg(post_infusion, hemlibra):
    response = post_infusion(product=hemlibra.pk, dose="400")  # 12.5 mg/kg at 32 kg
    assert_field_error(response, "dose", "That is 12.5 mg/kg at 32 kg, more than 12 mg/kg.")
    assert 'name="confirm_high_dose"' in response.content.decode()
    assert 'name="dose" value="400"' in response.content.decode()
    assert Infusion.objects.count() == 0


def test_emicizumab_dose_under_12_mg_per_kg_is_saved(post_infusion, patient, hemlibra):
    response = post_infusion(product=hemlibra.pk, dose="384")  # exactly 12 mg/kg
    assert response.status_code == 302
    assert patient.infusions.get().product == hemlibra


def test_confirmed_high_emicizumab_dose_is_saved(post_infusion, patient, hemlibra):
    assert post_infusion(product=hemlibra.pk, dose="400", confirm_high_dose="on").status_code == 302
    assert patient.infusions.get().dose == Decimal(400)


def test_emicizumab_dose_over_the_hard_maximum_is_refused_even_when_confirmed(post_infusion, hemlibra):
    response = post_infusion(product=hemlibra.pk, dose="3001", confirm_high_dose="on")
    assert_field_error(response, "dose", "3001 mg is not a possible single dose.")
    assert 'name="dose" value="3001"' in response.content.decode()
    assert Infusion.objects.count() == 0


def test_factor_dose_per_kg_uses_the_weight_on_the_day_of_the_infusion(client_for, owner, patient, advate):
    """A child who weighed 16 kg a year ago: 6 000 IU then is 375 IU/kg."""
    year_ago = timezone.localdate() - dt.timedelta(days=365)
    patient.weights.create(measured_on=year_ago, weight_kg=Decimal(16))
    patient.weights.filter(measured_on__gt=year_ago).delete()
    patient.weights.create(measured_on=timezone.localdate() - dt.timedelta(days=30), weight_kg=Decimal(32))
    given = as_input(timezone.now() - dt.timedelta(days=300))
    response = client_for(owner).post(
        f"/patients/{patient.pk}/infusions/new/", infusion_data(given_at=given, product=advate.pk, dose="6000")
    )
    assert_field_error(response, "dose", "That is 375.0 IU/kg at 16 kg, more than 300 IU/kg.")
    assert f'name="given_at" value="{given}"' in response.content.decode()
    assert Infusion.objects.count() == 0


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
    assert_field_error(response, "vials_used", "Lot A1234 has only 10 vial(s) left; this dose needs 11.")
    assert 'name="vials_used" value="11"' in response.content.decode()
    assert Infusion.objects.count() == 0
    assert stock_state(lot) == before


def test_dose_needing_more_vials_than_on_hand_is_refused_at_the_dose(post_infusion, patient):
    small = factories.make_lot(patient, vials=2, vial_size=1000, lot_number="SMALL2")
    before = stock_state(small)
    response = post_infusion(lot=small.pk, dose="2500")  # three 1000 IU vials
    assert_field_error(response, "dose", "Lot SMALL2 has only 2 vial(s) left; this dose needs 3.")
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
    assert_field_error(response, "vials_used", "Lot A1234 has only 10 vial(s) left; this dose needs 11.")
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
    assert_field_error(response, "lot", f"Lot A1234 expired on {expired_on:%d %b %Y}, before this dose.")
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


# Vials against the dose --------------------------------------------------------


def test_fewer_vials_than_the_dose_needs_is_refused(post_infusion, patient, lot):
    before = stock_state(lot)
    response = post_infusion(lot=lot.pk, dose="5000", vials_used="1")  # 1 vial of 1000 IU
    assert_field_error(response, "vials_used", "1 vial(s) of 1000 IU hold 1000 IU, less than the dose.")
    assert Infusion.objects.count() == 0
    assert stock_state(lot) == before


def test_vials_start_empty_so_they_are_counted_from_the_dose(client_for, owner, patient, lot):
    form = client_for(owner).get(f"/patients/{patient.pk}/infusions/new/").context["form"]
    assert form["vials_used"].value() is None


def test_an_empty_post_shows_the_required_fields(client_for, owner, patient):
    response = client_for(owner).post(f"/patients/{patient.pk}/infusions/new/", {})
    assert response.status_code == 200
    assert {"given_at", "dose"} <= set(response.context["form"].errors)
    assert Infusion.objects.count() == 0


def test_the_regimen_dose_from_the_first_expiring_lot_is_prefilled(client_for, owner, log):
    later = log.stock_lots.get()
    sooner = factories.make_lot(log, vials=2, expires_on=later.expires_on - dt.timedelta(days=30))
    factories.make_lot(log, vials=2, brand="BeneFIX", expires_on=later.expires_on - dt.timedelta(days=60))
    initial = client_for(owner).get(f"/patients/{log.pk}/infusions/new/").context["form"].initial
    assert (initial["product"], initial["dose"], initial["lot"]) == (later.product.pk, "1000", sooner.pk)
    assert initial["given_by"] == "SELF"


def test_the_treat_button_links_the_bleed(client_for, owner, log):
    bleed = log.bleeds.first()
    initial = client_for(owner).get(f"/patients/{log.pk}/infusions/new/?bleed={bleed.pk}").context["form"].initial
    assert (initial["bleed"], initial["reason"]) == (str(bleed.pk), "BLEED")
