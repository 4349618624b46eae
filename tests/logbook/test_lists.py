"""The bleed and infusion lists: newest first, paginated, filterable, and a
query count that does not grow with the number of rows."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def fill(patient, rows: int) -> None:
    lot = factories.make_lot(patient, vials=rows + 5)
    for i in range(rows):
        bleed = factories.make_bleed(patient, days_ago=i + 0.5, site="ANKLE", side="R")
        factories.make_infusion(patient, days_ago=i + 0.4, lot=lot, reason="BLEED", bleed=bleed)


@pytest.mark.parametrize("name", ["logbook:bleed_list", "logbook:infusion_list"])
def test_list_query_count_does_not_grow_with_rows(name, client_for, owner, patient, django_assert_num_queries):
    client = client_for(owner)
    url = reverse(name, kwargs={"patient_id": patient.pk})
    fill(patient, 1)
    with_one = count_queries(client, url)
    fill(patient, 199)
    with django_assert_num_queries(with_one):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 25


def test_bleeds_newest_first_and_paginated(client_for, owner, patient):
    for day in range(30):
        factories.make_bleed(patient, days_ago=day + 1)
    client = client_for(owner)
    url = reverse("logbook:bleed_list", kwargs={"patient_id": patient.pk})
    first = client.get(url).context["page"]
    times = [b.started_at for b in first.object_list]
    assert times == sorted(times, reverse=True)
    assert len(times) == 25 and first.has_next()
    second = client.get(url + "?page=2").context["page"]
    assert len(second.object_list) == 5
    assert max(b.started_at for b in second.object_list) < min(times)


def test_date_filter_keeps_only_the_range(client_for, owner, patient):
    now = timezone.now()
    for days in (1, 10, 40):
        factories.make_bleed(patient, days_ago=days)
    start = (now - dt.timedelta(days=15)).date().isoformat()
    end = (now - dt.timedelta(days=5)).date().isoformat()
    url = reverse("logbook:bleed_list", kwargs={"patient_id": patient.pk}) + f"?start={start}&end={end}"
    page = client_for(owner).get(url).context["page"]
    assert [round((now - b.started_at).total_seconds() / 86400) for b in page.object_list] == [10]


def test_infusion_list_shows_dose_per_kg_from_weight(client_for, owner, patient):
    factories.make_infusion(patient, days_ago=1, dose=1600)  # patient weighs 32.0 kg
    html = client_for(owner).get(reverse("logbook:infusion_list", kwargs={"patient_id": patient.pk})).content.decode()
    assert "50 IU/kg" in html
