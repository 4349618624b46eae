"""The pages a family opens daily run as many SQL queries for a log of one
day as for one of 200 days, with rows shaped as the forms write them (who
logged each, bleeds treated by infusions from lots, notes, weights, lots used
up and received). The lists are in tests/logbook/test_lists.py, the home page
in tests/home/test_home.py, the roster in tests/sharing/test_roster.py."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories

PAGES = {
    "inventory:stock": ["Stock on hand", "Used-up lots"],
    "logbook:bleed_create": ["Log a bleed", "Save bleed"],
    "logbook:infusion_create": ["Last dose: 1000 IU Advate", "Save infusion", "Right ankle, "],
    "patients:detail": ["Recent bleeds", "Right ankle", "Who can see this log"],
}


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def more_stock_and_weights(patient, lots: int) -> None:
    """Lots on hand, lots used up by doses, and a weight every month."""
    today = timezone.localdate()
    for n in range(lots):
        factories.make_lot(patient, vials=4, expires_on=today + dt.timedelta(days=30 + n))
        used_up = factories.make_lot(patient, vials=1, received_on=today - dt.timedelta(days=300))
        factories.make_infusion(patient, days_ago=250 + n, lot=used_up)
    for month in range(1, lots + 1):
        patient.weights.create(measured_on=today - dt.timedelta(days=30 * month + 1), weight_kg=30)


@pytest.mark.parametrize("name", PAGES)
def test_queries_do_not_grow_with_the_log(name, client_for, owner, caregiver, patient, django_assert_num_queries):
    client = client_for(owner)
    url = reverse(name, kwargs={"patient_id": patient.pk})
    factories.make_regimen(patient)
    factories.fill_log(patient, 1, [owner])
    with_one = count_queries(client, url)
    factories.fill_log(patient, 199, [owner, caregiver], start_day=1)
    more_stock_and_weights(patient, 25)
    with django_assert_num_queries(with_one):
        response = client.get(url)
    html = response.content.decode()
    for text in PAGES[name]:
        assert text in html, text


def test_the_new_infusion_form_from_a_bleed_queries_as_many(client_for, owner, caregiver, patient):
    client = client_for(owner)
    url = reverse("logbook:infusion_create", kwargs={"patient_id": patient.pk})
    factories.fill_log(patient, 1, [owner])
    bleed = patient.bleeds.get()
    with_one = count_queries(client, f"{url}?bleed={bleed.pk}")
    factories.fill_log(patient, 199, [owner, caregiver], start_day=1)
    assert count_queries(client, f"{url}?bleed={bleed.pk}") == with_one
