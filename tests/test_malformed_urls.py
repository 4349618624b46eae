"""Garbage in a list filter, a page number or an id in the URL is a message on
the page or a 404, never a 500 (the forms are in ``test_malformed_input``)."""

from __future__ import annotations

import pytest

from . import factories

HUGE = "99999999999999999999"  # more digits than any integer column holds


# List filters ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["bleeds", "infusions"])
@pytest.mark.parametrize(
    ("query", "bad_fields"),
    [
        ("start=garbage&end=2024-99-99&page=abc", {"start", "end"}),
        ("start=garbage", {"start"}),
        ("end=2024-99-99", {"end"}),
        ("start=2024-05-01&end=2024-04-01", {"end"}),
        ("start=0001-01-01", {"start"}),
        ("end=0001-01-01", {"end"}),
        (f"start={HUGE}", {"start"}),
        ("start=%00", {"start"}),
        ("start=2024-01-01%00", {"start"}),
        ("end=9999-12-31", {"end"}),
        ("start=9999-12-31", {"start"}),
        ("end=2099-12-31", set()),
        ("page=999999", set()),
        ("page=-1", set()),
        ("page=0", set()),
        (f"page={HUGE}", set()),
        ("page=1e400", set()),
        ("page=%00", set()),
        ("page=", set()),
        ("start=&end=", set()),
    ],
)
def test_garbage_in_a_list_filter_is_shown_and_the_list_still_renders(client_for, owner, log, kind, query, bad_fields):
    response = client_for(owner).get(f"/patients/{log.pk}/{kind}/?{query}")
    assert response.status_code == 200
    assert set(response.context["filter_form"].errors) == bad_fields
    page = response.context["page"]
    # An invalid filter leaves the list unfiltered; the valid ones here filter nothing out.
    total = log.bleeds.count() if kind == "bleeds" else log.infusions.count()
    assert page.paginator.count == total
    assert 1 <= page.number <= page.paginator.num_pages


@pytest.mark.parametrize("time_zone", ["Europe/Paris", "Asia/Tokyo", "America/New_York", "Etc/GMT+12"])
@pytest.mark.parametrize("kind", ["bleeds", "infusions"])
@pytest.mark.parametrize(
    "query", ["start=0001-01-01", "end=0001-01-01", "start=1900-01-01", "start=9999-12-31", "end=9999-12-30"]
)
def test_far_off_filter_dates_never_crash_in_any_time_zone(client_for, owner, log, time_zone, kind, query):
    owner.time_zone = time_zone
    owner.save(update_fields=["time_zone"])
    response = client_for(owner).get(f"/patients/{log.pk}/{kind}/?{query}")
    assert response.status_code == 200


def test_page_past_the_end_shows_the_last_page(client_for, owner, patient):
    for days in range(30):
        factories.make_bleed(patient, days_ago=days + 1, site="NOSE")
    response = client_for(owner).get(f"/patients/{patient.pk}/bleeds/?page=999999")
    assert response.status_code == 200
    page = response.context["page"]
    assert (page.number, page.paginator.num_pages, len(page.object_list)) == (2, 2, 5)


# Ids in the URL and the query string -------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        f"/patients/{HUGE}/",
        f"/patients/{HUGE}/bleeds/",
        f"/patients/{HUGE}/infusions/new/",
        "/patients/{pk}/bleeds/" + HUGE + "/edit/",
        "/patients/{pk}/infusions/" + HUGE + "/edit/",
        "/patients/{pk}/regimens/" + HUGE + "/edit/",
        "/patients/{pk}/stock/lots/" + HUGE + "/",
        "/patients/{pk}/stock/lots/" + HUGE + "/adjust/",
        "/patients/{pk}/weights/" + HUGE + "/delete/",
        "/patients/abc/",
        "/patients/-1/",
    ],
)
def test_ids_in_the_url_that_match_nothing_are_404(client_for, owner, patient, path):
    response = client_for(owner).get(path.format(pk=patient.pk))
    assert response.status_code == 404


@pytest.mark.parametrize("bleed", ["abc", HUGE, "-1", "1e400", "%00", ""])
def test_garbage_bleed_in_the_new_infusion_link_is_ignored(client_for, owner, patient, bleed):
    response = client_for(owner).get(f"/patients/{patient.pk}/infusions/new/?bleed={bleed}")
    assert response.status_code == 200
    assert "bleed" not in response.context["form"].initial
