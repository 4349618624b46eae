"""Problems found by an adversarial review, each pinned by a test of the
correct behaviour: deleting a profile with stock, double-submitted edits and
deletes, inputs that were 500s (two of them on PostgreSQL only), and entries
that cannot have happened (before birth, before the bleed they treat, from a
lot not yet received)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hemolog.inventory.models import Product, StockLot
from hemolog.inventory.stock import receive_lot
from hemolog.logbook import services
from hemolog.logbook.models import BleedEpisode, Infusion, Regimen
from hemolog.patients.models import Patient, WeightMeasurement

from . import factories
from .assertions import as_input
from .logbook.infusions import infusion_data


def infusion_post(**fields) -> dict:
    return infusion_data(notes="", **fields)


def assert_ledger_matches(lot: StockLot) -> None:
    lot.refresh_from_db()
    assert lot.vials_on_hand == lot.movements.aggregate(total=Sum("vials"))["total"]
    assert lot.vials_on_hand >= 0


# 1. Deleting a profile answers 500 as soon as the patient has used stock --------


def test_owner_deletes_a_profile_with_infusions_from_stock(client_for, owner, log):
    """Infusion.lot is PROTECT, so the cascade from Patient to StockLot raises
    ProtectedError even though the infusions are deleted by the same cascade."""
    response = client_for(owner).post(reverse("patients:delete", kwargs={"patient_id": log.pk}))

    assert response.status_code == 302
    assert not Patient.objects.filter(pk=log.pk).exists()
    assert not StockLot.objects.filter(patient_id=log.pk).exists()


def test_owner_deletes_a_profile_with_its_own_product_in_use(client_for, owner, patient):
    """Product.patient cascades, but StockLot.product and Regimen.product are PROTECT."""
    own = Product.objects.create(brand_name="Family product", kind="FVIII", patient=patient)
    receive_lot(
        StockLot(patient=patient, product=own, lot_number="F1", vial_size=500, expires_on=dt.date(2099, 1, 1)), 3
    )
    factories.make_regimen(patient, product=own)

    response = client_for(owner).post(reverse("patients:delete", kwargs={"patient_id": patient.pk}))

    assert response.status_code == 302
    assert not Patient.objects.filter(pk=patient.pk).exists()
    assert not Product.objects.filter(pk=own.pk).exists()


# 2. A double-submitted delete or edit moves the vials twice ---------------------
#
# The view loads the infusion outside the transaction and the service trusts
# that snapshot. The second request is run at the point where the first has
# loaded the infusion but not yet written: what a double tap on "Delete" or
# "Save" does on a phone (also reproduced with two real threads on SQLite and
# PostgreSQL).


def test_double_submitted_infusion_delete_returns_its_vials_once(client_for, owner, patient, monkeypatch):
    lot = factories.make_lot(patient, vials=10)
    infusion = factories.make_infusion(patient, lot=lot, vials=1)
    url = reverse("logbook:infusion_delete", kwargs={"patient_id": patient.pk, "pk": infusion.pk})
    client = client_for(owner)
    original = services.delete_infusion
    second_request = []

    def double_tap(*args, **kwargs):
        if not second_request:
            second_request.append(None)
            second_request[0] = client.post(url).status_code
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "delete_infusion", double_tap)
    client.post(url)

    assert second_request == [302]
    assert_ledger_matches(lot)
    assert lot.vials_on_hand == 10  # received 10, used 1, given back 1: not 11


def test_double_submitted_infusion_edit_takes_its_vials_once(client_for, owner, patient, monkeypatch):
    lot = factories.make_lot(patient, vials=10, vial_size=1000)
    infusion = factories.make_infusion(patient, lot=lot, vials=1, dose=Decimal(1000))
    url = reverse("logbook:infusion_edit", kwargs={"patient_id": patient.pk, "pk": infusion.pk})
    data = infusion_post(lot=lot.pk, dose="2000")
    client = client_for(owner)
    original = services.update_infusion
    second_request = []

    def double_tap(*args, **kwargs):
        if not second_request:
            second_request.append(None)
            second_request[0] = client.post(url, data).status_code
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "update_infusion", double_tap)
    client.post(url, data)

    infusion.refresh_from_db()
    assert second_request == [302]
    assert infusion.vials_used == 2
    assert_ledger_matches(lot)
    assert lot.vials_on_hand == 8  # received 10, the one infusion now uses 2: not 7


# 3. Inputs that answer 500 ----------------------------------------------------


def test_treat_link_with_a_non_ascii_digit_is_not_a_500(client_for, owner, patient):
    """'²'.isdigit() is True but int('²') fails: GET infusions/new/?bleed=²."""
    url = reverse("logbook:infusion_create", kwargs={"patient_id": patient.pk})
    response = client_for(owner).get(url, {"bleed": "²"})

    assert response.status_code == 200


def test_product_vial_sizes_with_a_non_ascii_digit_is_refused_at_the_field(client_for, owner, patient):
    url = reverse("inventory:product_create", kwargs={"patient_id": patient.pk})
    data = {"brand_name": "Mine", "kind": "FVIII", "half_life_class": "SHL", "unit": "IU", "vial_sizes": "500, ²"}
    response = client_for(owner).post(url, data)

    assert response.status_code == 200
    assert "vial_sizes" in response.context["form"].errors
    assert not Product.objects.filter(brand_name="Mine").exists()


def test_logged_in_user_on_login_page_with_next_to_login_is_not_a_500(client, owner):
    """Django's LoginView(redirect_authenticated_user=True) raised ValueError
    on this redirect loop; django-allauth's ends at the home page."""
    client.force_login(owner)
    response = client.get(reverse("account_login"), {"next": reverse("account_login")}, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("home")


def test_time_with_an_offset_postgresql_cannot_store_is_not_a_500(client_for, owner, patient):
    """Fails on PostgreSQL only: '+20:00' parses in Python but PostgreSQL
    refuses offsets beyond 15:59 (DataError) when the bleed is saved. The
    field keeps the time typed, moved into the user's zone."""
    url = reverse("logbook:bleed_create", kwargs={"patient_id": patient.pk})
    data = {"started_at": "2024-01-01T10:00+20:00", "site": "NOSE", "cause": "SPONTANEOUS", "severity": "MILD"}
    response = client_for(owner).post(url, data)

    assert response.status_code == 302
    bleed = BleedEpisode.objects.get(patient=patient)
    assert bleed.started_at == dt.datetime(2023, 12, 31, 14, 0, tzinfo=dt.UTC)


def test_session_cookie_with_a_nul_byte_is_not_a_500(db):
    """Fails on PostgreSQL only: a quoted cookie's octal escape becomes NUL and
    the database session backend queries PostgreSQL with it (DataError)."""
    response = Client(raise_request_exception=False).get(
        reverse("account_login"), HTTP_COOKIE='sessionid="abcdefghij\\000"'
    )

    assert response.status_code == 200


# 4. Clinically impossible entries are stored -----------------------------------


@pytest.fixture
def born_2020(patient):
    patient.date_of_birth = dt.date(2020, 1, 1)
    patient.save()
    return patient


def test_bleed_before_birth_is_refused(client_for, owner, born_2020):
    url = reverse("logbook:bleed_create", kwargs={"patient_id": born_2020.pk})
    data = {"started_at": "2019-06-01T10:00", "site": "NOSE", "cause": "SPONTANEOUS", "severity": "MILD"}
    response = client_for(owner).post(url, data)

    assert response.status_code == 200
    assert "started_at" in response.context["form"].errors
    assert not BleedEpisode.objects.filter(patient=born_2020).exists()


def test_infusion_before_birth_is_refused(client_for, owner, born_2020):
    url = reverse("logbook:infusion_create", kwargs={"patient_id": born_2020.pk})
    data = infusion_post(product=factories.product().pk, given_at="2019-06-01T10:00")
    response = client_for(owner).post(url, data)

    assert response.status_code == 200
    assert "given_at" in response.context["form"].errors
    assert not Infusion.objects.filter(patient=born_2020).exists()


def test_weight_before_birth_is_refused(client_for, owner, born_2020):
    url = reverse("patients:weight_add", kwargs={"patient_id": born_2020.pk})
    response = client_for(owner).post(url, {"measured_on": "2019-06-01", "weight_kg": "30"})

    assert response.status_code == 200
    assert not WeightMeasurement.objects.filter(patient=born_2020, measured_on=dt.date(2019, 6, 1)).exists()


def test_infusion_for_a_bleed_that_started_after_it_is_refused(client_for, owner, patient):
    bleed = factories.make_bleed(patient, days_ago=1, site="NOSE")
    url = reverse("logbook:infusion_create", kwargs={"patient_id": patient.pk})
    data = infusion_post(
        product=factories.product().pk,
        given_at=as_input(bleed.started_at - dt.timedelta(days=2)),
        bleed=bleed.pk,
        reason="BLEED",
    )
    response = client_for(owner).post(url, data)

    assert response.status_code == 200
    assert not Infusion.objects.filter(patient=patient).exists()


def test_infusion_from_a_lot_before_the_lot_was_received_is_refused(client_for, owner, patient):
    lot = factories.make_lot(patient, vials=5, received_on=timezone.localdate())
    url = reverse("logbook:infusion_create", kwargs={"patient_id": patient.pk})
    data = infusion_post(lot=lot.pk, given_at=as_input(timezone.now() - dt.timedelta(days=30)))
    response = client_for(owner).post(url, data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["lot"]
    assert f"was received on {lot.received_on.day} {lot.received_on:%b %Y}, after this dose" in errors["lot"][0]
    lot.refresh_from_db()
    assert lot.vials_on_hand == 5


def test_regimen_dose_above_any_possible_single_dose_is_refused(client_for, owner, patient):
    """The infusion form refuses more than 100 000 IU; the regimen (which
    pre-fills it) takes 9 999 999.9 IU."""
    url = reverse("logbook:regimen_create", kwargs={"patient_id": patient.pk})
    data = {"product": factories.product().pk, "dose": "9999999.9", "schedule": "WEEKLY", "start_date": "2024-01-01"}
    response = client_for(owner).post(url, data)

    assert response.status_code == 200
    assert "dose" in response.context["form"].errors
    assert not Regimen.objects.filter(patient=patient).exists()
