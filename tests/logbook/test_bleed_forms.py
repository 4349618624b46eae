"""Bad input on the bleed form: each case re-renders the form with the message
at the field, keeps what was typed, and saves nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from hemolog.logbook.models import BleedEpisode
from tests.assertions import as_input, assert_field_error


def bleed_data(**overrides) -> dict:
    data = {
        "started_at": as_input(timezone.now() - dt.timedelta(hours=3)),
        "site": "KNEE",
        "side": "L",
        "cause": "SPONTANEOUS",
        "severity": "MODERATE",
        "pain": "4",
        "resolved_at": "",
        "notes": "Swollen after football practice",
    }
    data.update(overrides)
    return data


@pytest.fixture
def post_bleed(client_for, owner, patient):
    client = client_for(owner)

    def post(**overrides):
        return client.post(f"/patients/{patient.pk}/bleeds/new/", bleed_data(**overrides))

    return post


def test_valid_bleed_is_saved(post_bleed, patient):
    """The baseline data the other tests spoil is itself valid."""
    response = post_bleed()
    assert response.status_code == 302
    bleed = patient.bleeds.get()
    assert (bleed.site, bleed.side, bleed.pain) == ("KNEE", "L", 4)


def test_bleed_starting_in_the_future_is_refused(post_bleed, patient):
    tomorrow = as_input(timezone.now() + dt.timedelta(days=1))
    response = post_bleed(started_at=tomorrow)
    assert_field_error(response, "started_at", "A bleed's start can't be in the future.")
    assert f'name="started_at" value="{tomorrow}"' in response.content.decode()
    assert "Swollen after football practice" in response.content.decode()
    assert BleedEpisode.objects.count() == 0


def test_bleed_resolved_in_the_future_is_refused(post_bleed, patient):
    later = as_input(timezone.now() + dt.timedelta(hours=5))
    response = post_bleed(resolved_at=later)
    assert_field_error(response, "resolved_at", "The resolution time can't be in the future.")
    assert f'name="resolved_at" value="{later}"' in response.content.decode()
    assert BleedEpisode.objects.count() == 0


def test_bleed_resolved_before_it_started_is_refused(post_bleed, patient):
    started = as_input(timezone.now() - dt.timedelta(hours=3))
    resolved = as_input(timezone.now() - dt.timedelta(hours=5))
    response = post_bleed(started_at=started, resolved_at=resolved)
    assert_field_error(response, "resolved_at", "A bleed can't be resolved before it started.")
    html = response.content.decode()
    assert f'name="started_at" value="{started}"' in html
    assert f'name="resolved_at" value="{resolved}"' in html
    assert BleedEpisode.objects.count() == 0


def test_bleed_resolved_the_minute_it_started_is_accepted(post_bleed, patient):
    moment = as_input(timezone.now() - dt.timedelta(hours=3))
    assert post_bleed(started_at=moment, resolved_at=moment).status_code == 302
    assert patient.bleeds.count() == 1


@pytest.mark.parametrize("site", ["KNEE", "ANKLE", "SHOULDER", "ILIOPSOAS", "CALF"])
def test_joint_or_muscle_bleed_without_a_side_is_refused(post_bleed, site):
    response = post_bleed(site=site, side="")
    assert_field_error(response, "side", "Choose left or right.")
    assert f'<option value="{site}" selected>' in response.content.decode()
    assert BleedEpisode.objects.count() == 0


def test_side_is_dropped_for_a_midline_site(post_bleed, patient):
    assert post_bleed(site="NOSE", side="L").status_code == 302
    assert patient.bleeds.get().side == ""


@pytest.mark.parametrize(
    ("pain", "message"),
    [
        ("11", "Ensure this value is less than or equal to 10."),
        ("-1", "Ensure this value is greater than or equal to 0."),
        ("abc", "Enter a whole number."),
        ("4.5", "Enter a whole number."),
    ],
)
def test_pain_outside_0_to_10_is_refused(post_bleed, pain, message):
    response = post_bleed(pain=pain)
    assert_field_error(response, "pain", message)
    assert f'name="pain" value="{pain}"' in response.content.decode()
    assert BleedEpisode.objects.count() == 0


@pytest.mark.parametrize("pain", ["0", "10", ""])
def test_pain_at_the_edges_or_empty_is_accepted(post_bleed, patient, pain):
    assert post_bleed(pain=pain).status_code == 302
    assert patient.bleeds.get().pain == (int(pain) if pain else None)


def test_time_that_does_not_exist_in_the_users_zone_is_a_form_error(client_for, owner, patient):
    # Clocks jump from 01:00 to 02:00 in London on 30 March 2025: 01:30 never happened.
    owner.time_zone = "Europe/London"
    owner.save(update_fields=["time_zone"])
    response = client_for(owner).post(f"/patients/{patient.pk}/bleeds/new/", bleed_data(started_at="2025-03-30T01:30"))
    assert_field_error(response, "started_at", "does not exist in Europe/London: the clocks jumped forward")
    assert 'name="started_at" value="2025-03-30T01:30"' in response.content.decode()
    assert BleedEpisode.objects.count() == 0


def test_the_repeated_hour_when_clocks_go_back_is_read_as_its_first_occurrence(client_for, owner, patient):
    # Clocks go back from 02:00 BST to 01:00 GMT on 26 October 2025: 01:30 happens twice.
    owner.time_zone = "Europe/London"
    owner.save(update_fields=["time_zone"])
    response = client_for(owner).post(f"/patients/{patient.pk}/bleeds/new/", bleed_data(started_at="2025-10-26T01:30"))
    assert response.status_code == 302
    assert patient.bleeds.get().started_at == dt.datetime(2025, 10, 26, 0, 30, tzinfo=dt.UTC)  # 01:30 BST


def test_time_just_after_the_spring_gap_is_stored_in_utc(client_for, owner, patient):
    owner.time_zone = "Europe/London"
    owner.save(update_fields=["time_zone"])
    response = client_for(owner).post(f"/patients/{patient.pk}/bleeds/new/", bleed_data(started_at="2025-03-30T02:30"))
    assert response.status_code == 302
    assert patient.bleeds.get().started_at == dt.datetime(2025, 3, 30, 1, 30, tzinfo=dt.UTC)


def test_editing_a_bleed_to_resolve_before_it_started_changes_nothing(client_for, owner, patient):
    bleed = BleedEpisode.objects.create(
        patient=patient, started_at=timezone.now() - dt.timedelta(days=2), site="ELBOW", side="R", pain=5
    )
    before = as_input(bleed.started_at - dt.timedelta(hours=1))
    response = client_for(owner).post(
        f"/patients/{patient.pk}/bleeds/{bleed.pk}/edit/",
        bleed_data(started_at=as_input(bleed.started_at), site="ELBOW", side="R", resolved_at=before, pain="8"),
    )
    assert_field_error(response, "resolved_at", "A bleed can't be resolved before it started.")
    assert f'name="resolved_at" value="{before}"' in response.content.decode()
    assert 'name="pain" value="8"' in response.content.decode()
    bleed.refresh_from_db()
    assert bleed.resolved_at is None
    assert bleed.pain == 5
