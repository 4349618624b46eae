"""The bleed and infusion lists: newest first, paginated, filterable, and a
query count that does not grow with the number of rows."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from tests import factories


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["logbook:bleed_list", "logbook:infusion_list"])
def test_list_query_count_does_not_grow_with_rows(
    name, client_for, owner, caregiver, patient, django_assert_num_queries
):
    client = client_for(owner)
    url = reverse(name, kwargs={"patient_id": patient.pk})
    factories.fill_log(patient, 1, [owner])
    with_one = count_queries(client, url)
    factories.fill_log(patient, 199, [owner, caregiver], start_day=1)
    with django_assert_num_queries(with_one):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 25
    html = response.content.decode()
    assert "Logged by Olivia" in html and "Logged by Carl" in html  # who logged each row is shown
    assert "iced it, better by evening" in html and "Right ankle" in html


@pytest.mark.parametrize("zone", ["Europe/London", "America/New_York", "Pacific/Auckland", "UTC"])
def test_times_are_shown_as_the_date_filter_shows_them(client_for, owner, patient, zone):
    """Rows format their times in Python: the same text as ``|date:"j M Y H:i"``
    in the user's zone, across the year (summer and winter time)."""
    owner.time_zone = zone
    owner.save(update_fields=["time_zone"])
    lot = factories.make_lot(patient, vials=20, received_on=timezone.localdate() - dt.timedelta(days=400))
    for days_ago in (0.2, 40.5, 100.3, 190.7, 300.9):
        bleed = factories.make_bleed(patient, days_ago=days_ago, site="KNEE", side="L")
        bleed.resolved_at = bleed.started_at + dt.timedelta(hours=30)
        bleed.save()
        factories.make_infusion(patient, days_ago=days_ago - 0.01, lot=lot, reason="BLEED", bleed=bleed)
    client = client_for(owner)
    with timezone.override(zone):
        bleeds = client.get(reverse("logbook:bleed_list", kwargs={"patient_id": patient.pk}))
        infusions = client.get(reverse("logbook:infusion_list", kwargs={"patient_id": patient.pk}))
        for bleed, row in zip(bleeds.context["page"].object_list, bleeds.context["rows"], strict=True):
            assert row.started == date_format(timezone.localtime(bleed["started_at"]), "j M Y H:i")
            assert row.resolved == date_format(timezone.localtime(bleed["resolved_at"]), "j M H:i")
        for infusion, row in zip(infusions.context["page"].object_list, infusions.context["rows"], strict=True):
            assert row.given == date_format(timezone.localtime(infusion["given_at"]), "j M Y H:i")


def test_bleeds_newest_first_and_paginated(client_for, owner, patient):
    for day in range(30):
        factories.make_bleed(patient, days_ago=day + 1)
    client = client_for(owner)
    url = reverse("logbook:bleed_list", kwargs={"patient_id": patient.pk})
    first = client.get(url).context["page"]
    times = [b["started_at"] for b in first.object_list]
    assert times == sorted(times, reverse=True)
    assert len(times) == 25 and first.has_next()
    second = client.get(url + "?page=2").context["page"]
    assert len(second.object_list) == 5
    assert max(b["started_at"] for b in second.object_list) < min(times)


def test_date_filter_keeps_only_the_range(client_for, owner, patient):
    now = timezone.now()
    for days in (1, 10, 40):
        factories.make_bleed(patient, days_ago=days)
    start = (now - dt.timedelta(days=15)).date().isoformat()
    end = (now - dt.timedelta(days=5)).date().isoformat()
    url = reverse("logbook:bleed_list", kwargs={"patient_id": patient.pk}) + f"?start={start}&end={end}"
    page = client_for(owner).get(url).context["page"]
    assert [round((now - b["started_at"]).total_seconds() / 86400) for b in page.object_list] == [10]


def test_infusion_list_shows_dose_per_kg_from_weight(client_for, owner, patient):
    factories.make_infusion(patient, days_ago=1, dose=1600)  # patient weighs 32.0 kg
    html = client_for(owner).get(reverse("logbook:infusion_list", kwargs={"patient_id": patient.pk})).content.decode()
    assert "50 IU/kg" in html


def test_a_weight_added_or_deleted_changes_the_dose_per_kg_at_once(client_for, owner, patient):
    factories.make_infusion(patient, days_ago=1, dose=1600)
    client = client_for(owner)
    url = reverse("logbook:infusion_list", kwargs={"patient_id": patient.pk})
    assert "50 IU/kg" in client.get(url).content.decode()  # 32.0 kg, weighed 60 days ago
    weight = patient.weights.create(measured_on=timezone.localdate() - dt.timedelta(days=5), weight_kg=40)
    html = client.get(url).content.decode()
    assert "40 IU/kg" in html and "50 IU/kg" not in html
    weight.delete()
    assert "50 IU/kg" in client.get(url).content.decode()


def test_each_entry_shows_what_it_holds_escaped_and_its_actions_to_writers_only(client_for, owner, clinician, patient):
    lot = factories.make_lot(patient, vials=5, lot_number="L<1>")
    ongoing = factories.make_bleed(patient, days_ago=0.5, site="HEAD", pain=7, notes='<script>alert("x")</script>')
    factories.make_bleed(patient, days_ago=3, site="NOSE", resolved_at=timezone.now() - dt.timedelta(days=2))
    factories.make_infusion(patient, days_ago=0.4, lot=lot, vials=2, reason="BLEED", bleed=ongoing, dose=1600)
    factories.make_infusion(patient, days_ago=2, notes="at the clinic")
    bleeds_url = reverse("logbook:bleed_list", kwargs={"patient_id": patient.pk})
    infusions_url = reverse("logbook:infusion_list", kwargs={"patient_id": patient.pk})
    resolve = reverse("logbook:bleed_resolve", kwargs={"patient_id": patient.pk, "pk": ongoing.pk})

    html = client_for(owner).get(bleeds_url).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html and "<script>alert" not in html
    assert 'class="entry entry-danger"' in html and "pain </span>7/10" in html and ">ongoing<" in html
    assert html.count(f'action="{resolve}"><input type="hidden" name="csrfmiddlewaretoken"') == 1  # the ongoing one
    assert '1<span class="entry-label"> treatment</span>' in html and '0<span class="entry-label"> treatments' in html
    html = client_for(owner).get(infusions_url).content.decode()
    assert "L&lt;1&gt;</a> ×2" in html and "50 IU/kg" in html and "Head (intracranial)" in html
    assert 'class="ec-5 entry-none">–' in html and "at the clinic" in html  # the dose without a lot

    for url in (bleeds_url, infusions_url):
        html = client_for(clinician).get(url).content.decode()
        assert "Logged by Olivia" in html and ">Edit<" not in html and "Mark resolved" not in html


@pytest.mark.parametrize("kind", ["bleeds", "infusions"])
def test_a_period_with_no_entries_says_so_and_counts_none(frozen_now, kind, client_for, owner, patient, lot):
    factories.make_bleed(patient, days_ago=3)
    factories.make_infusion(patient, days_ago=3, lot=lot)
    start = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    response = client_for(owner).get(f"/patients/{patient.pk}/{kind}/?start={start}&page=3")
    html = response.content.decode()
    assert f"0 {kind}, newest first" in html and f"No {kind} in this period." in html
    assert (response.context["page"].number, response.context["page"].paginator.num_pages) == (1, 1)


def test_the_count_is_of_the_period_not_of_the_page(frozen_now, client_for, owner, patient):
    for day in range(40):  # at 10:00, each on the evening of day + 1 days ago
        factories.make_bleed(patient, days_ago=day + 0.5)
    start = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    response = client_for(owner).get(f"/patients/{patient.pk}/bleeds/?start={start}&page=2")
    page = response.context["page"]
    assert (page.paginator.count, page.number, len(page.object_list)) == (30, 2, 5)
    assert "30 bleeds, newest first" in response.content.decode()


def test_the_pages_keep_the_period_and_clear_drops_it(frozen_now, client_for, owner, patient):
    for day in range(60):
        factories.make_bleed(patient, days_ago=day + 0.5)
    start = (timezone.localdate() - dt.timedelta(days=60)).isoformat()
    html = client_for(owner).get(f"/patients/{patient.pk}/bleeds/?start={start}&page=2").content.decode()
    assert f'href="?start={start}&amp;page=1">Newer</a>' in html
    assert f'href="?start={start}&amp;page=3">Older</a>' in html
    assert "Page 2 of 3" in html
    assert '<a href="?" class="btn btn-link">Clear</a>' in html
    unfiltered = client_for(owner).get(f"/patients/{patient.pk}/bleeds/").content.decode()
    assert ">Clear</a>" not in unfiltered and 'href="?page=2">Older</a>' in unfiltered


def test_an_entry_logged_or_deleted_is_counted_at_once(client_for, owner, patient):
    client = client_for(owner)
    url = reverse("logbook:bleed_list", kwargs={"patient_id": patient.pk})
    factories.make_bleed(patient, days_ago=2)
    assert "1 bleed, newest first" in client.get(url).content.decode()
    second = factories.make_bleed(patient, days_ago=1)
    assert "2 bleeds, newest first" in client.get(url).content.decode()
    client.post(reverse("logbook:bleed_delete", kwargs={"patient_id": patient.pk, "pk": second.pk}))
    assert "1 bleed, newest first" in client.get(url).content.decode()
