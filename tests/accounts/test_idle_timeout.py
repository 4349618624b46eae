"""A session ends after 30 minutes without a request (OWASP ASVS 4.0.3 V3.3.2),
unless a family ticked "Keep me signed in on this phone" (14 days); a
clinician's ends after 30 minutes all the same (hemolog/accounts/middleware.py)."""

import datetime as dt

import pytest
import time_machine

from tests.conftest import log_in_by_password

START = dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.UTC)


def overview(client, patient):
    return client.get(f"/patients/{patient.pk}/")


def test_after_30_minutes_without_use_the_next_page_asks_to_log_in(owner, patient):
    with time_machine.travel(START, tick=False) as clock:
        client = log_in_by_password(owner)
        assert overview(client, patient).status_code == 200
        clock.move_to(START + dt.timedelta(minutes=29))
        assert overview(client, patient).status_code == 200  # used again: the 30 minutes start over
        clock.move_to(START + dt.timedelta(minutes=58))
        assert overview(client, patient).status_code == 200
        clock.move_to(START + dt.timedelta(minutes=89))
        response = overview(client, patient)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        page = client.get(response["Location"]).content.decode()
        assert "You were signed out after a while without using Hemolog." in page
        assert overview(client, patient).status_code == 302  # the session is gone, not just this answer


def test_keep_me_signed_in_lasts_for_a_family(owner, patient):
    with time_machine.travel(START, tick=False) as clock:
        client = log_in_by_password(owner, remember=True)
        assert overview(client, patient).status_code == 200
        clock.move_to(START + dt.timedelta(days=3))
        assert overview(client, patient).status_code == 200


@pytest.mark.parametrize("remember", [False, True])
def test_a_clinician_is_signed_out_after_30_minutes_even_when_kept(clinician, patient, remember):
    with time_machine.travel(START, tick=False) as clock:
        client = log_in_by_password(clinician, remember=remember)
        assert overview(client, patient).status_code == 200
        clock.move_to(START + dt.timedelta(minutes=31))
        assert overview(client, patient).status_code == 302


def test_the_last_request_is_written_to_the_session_at_most_once_a_minute(owner, patient):
    with time_machine.travel(START, tick=False) as clock:
        client = log_in_by_password(owner)
        overview(client, patient)
        first = client.session["last_seen"]
        clock.move_to(START + dt.timedelta(seconds=30))
        overview(client, patient)
        assert client.session["last_seen"] == first
        clock.move_to(START + dt.timedelta(seconds=90))
        overview(client, patient)
        assert client.session["last_seen"] == int((START + dt.timedelta(seconds=90)).timestamp())
