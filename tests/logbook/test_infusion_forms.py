"""Bad input on the infusion form: the message is at the field, what was typed
is kept, and neither the log nor the stock changes. Time, dose and vials here;
lots, another patient's things and editing in ``test_infusion_stock``.

The patient fixture weighs 32 kg, so the high-dose warning starts above
300 IU/kg × 32 kg = 9 600 IU for factor and 12 mg/kg × 32 kg = 384 mg for
emicizumab.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from hemolog.logbook.models import Infusion
from tests.assertions import as_input, assert_field_error

from .. import factories
from .infusions import infusion_data, stock_state

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


# Vials against the dose --------------------------------------------------------


def test_fewer_vials_than_the_dose_needs_is_refused(post_infusion, patient, lot):
    before = stock_state(lot)
    response = post_infusion(lot=lot.pk, dose="5000", vials_used="1")  # 1 vial of 1000 IU
    assert_field_error(response, "vials_used", "1 vial of 1000 IU holds 1000 IU, less than the dose.")
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
    response = client_for(owner).get(f"/patients/{log.pk}/infusions/new/?bleed={bleed.pk}")
    initial = response.context["form"].initial
    assert (initial["bleed"], initial["reason"]) == (bleed.pk, "BLEED")
    assert f'<option value="{bleed.pk}" selected>' in response.content.decode()


def test_the_treat_button_of_another_patients_bleed_links_nothing(client_for, owner, log):
    stranger = factories.make_bleed(factories.make_patient(display_name="Someone else"))
    response = client_for(owner).get(f"/patients/{log.pk}/infusions/new/?bleed={stranger.pk}")
    initial = response.context["form"].initial
    assert "bleed" not in initial and initial.get("reason") is None
