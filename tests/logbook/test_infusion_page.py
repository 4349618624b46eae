"""The new-infusion page's choices, weights and last dose are read once per
version of the log (hemolog.logbook.infusion_page): never stale after a dose,
a lot, a weight, a product or a catalogue change, and a second look at the
page runs only the access queries."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hemolog.inventory.models import Product

from .. import factories
from .infusions import infusion_data


def page(client, patient) -> str:
    response = client.get(f"/patients/{patient.pk}/infusions/new/")
    assert response.status_code == 200
    return response.content.decode()


def test_after_a_dose_the_page_shows_the_lot_and_the_last_dose_as_they_are_now(client_for, owner, patient, lot):
    client = client_for(owner)
    assert "lot A1234 · 1000 IU · 10 vials left" in page(client, patient)
    response = client.post(f"/patients/{patient.pk}/infusions/new/", infusion_data(lot=lot.pk, dose=2000))
    assert response.status_code == 302
    html = page(client, patient)
    assert "lot A1234 · 1000 IU · 8 vials left" in html
    assert "Last dose: 2000 IU Advate" in html


def test_a_new_weight_changes_the_dose_per_kg_shown(client_for, owner, patient):
    client = client_for(owner)
    assert 'data-weight="32.0"' in page(client, patient)
    patient.weights.create(measured_on=timezone.localdate(), weight_kg="32.5")
    assert 'data-weight="32.5"' in page(client, patient)


def test_a_familys_own_product_and_a_renamed_catalogue_product_are_listed_at_once(client_for, owner, patient):
    client = client_for(owner)
    assert "Factorix" not in page(client, patient)
    Product.objects.create(patient=patient, brand_name="Factorix", kind="FVIII", unit="IU")
    assert "Factorix (" in page(client, patient)
    advate = factories.product("Advate")
    advate.brand_name = "Advate (new name)"
    advate.save()
    assert "Advate (new name) (" in page(client, patient)


def test_bleeds_of_the_last_90_days_are_offered(client_for, owner, patient):
    client = client_for(owner)
    factories.make_bleed(patient, days_ago=89, site="KNEE", side="L")
    factories.make_bleed(patient, days_ago=92, site="HIP", side="R")
    html = page(client, patient)
    assert "Left knee, " in html
    assert "Right hip, " not in html


def test_a_second_look_runs_only_the_access_queries(client_for, owner, patient, lot):
    client = client_for(owner)
    factories.fill_log(patient, 30, [owner])
    with CaptureQueriesContext(connection) as cold:
        page(client, patient)
    with CaptureQueriesContext(connection) as warm:
        page(client, patient)
    tables = [query["sql"].split(" FROM ", 1)[1].split()[0] for query in warm.captured_queries]
    assert tables == ['"django_session"', '"accounts_user"', '"patients_patientaccess"']
    assert len(cold) == len(warm) + 6  # weights, lots, products, bleeds, last dose, regimen


def test_a_lot_expiring_today_is_offered_until_midnight_not_after(client_for, owner, patient, lot):
    """The day is in the key: the page cached a minute before midnight is not shown after it."""
    today = timezone.localdate()
    factories.make_lot(patient, vials=3, lot_number="LASTDAY", expires_on=today)
    zone = timezone.get_current_timezone()
    with time_machine.travel(dt.datetime.combine(today, dt.time(23, 59), zone), tick=False):
        client = client_for(owner)  # logged in at 23:59: two minutes idle by 00:01
        assert "LASTDAY" in page(client, patient)
    with time_machine.travel(dt.datetime.combine(today + dt.timedelta(days=1), dt.time(0, 1), zone), tick=False):
        assert "LASTDAY" not in page(client, patient)


def test_the_last_dose_names_its_author_as_they_are_called_now(client_for, owner, patient, lot):
    client = client_for(owner)
    client.post(f"/patients/{patient.pk}/infusions/new/", infusion_data(lot=lot.pk))
    assert "(logged by Olivia)" in page(client, patient)
    owner.first_name = "Liv"
    owner.save()
    assert "(logged by Liv)" in page(client, patient)


def test_the_last_dose_of_a_deleted_author_names_nobody(client_for, owner, caregiver, patient, lot):
    client_for(caregiver).post(f"/patients/{patient.pk}/infusions/new/", infusion_data(lot=lot.pk))
    client = client_for(owner)
    assert "(logged by Carl)" in page(client, patient)
    caregiver.delete()
    html = page(client, patient)
    assert "Last dose: 1000 IU Advate" in html and "logged by" not in html
