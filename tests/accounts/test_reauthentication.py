"""Sharing, deleting a patient and exporting the personal archive ask for
the password again when it was last typed more than five minutes ago (at
log-in or when asked)."""

import datetime as dt

import time_machine
from django.test import Client
from django.urls import reverse

from hemolog.patients.models import Patient, PatientAccess
from hemolog.sharing.models import Invitation
from tests import factories
from tests.conftest import log_in_by_password

START = dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.UTC)


def confirm_password(client, response):
    """Follow the answer to the confirm-password page and type the password."""
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))
    return client.post(response["Location"], {"password": factories.PASSWORD})


def test_deleting_a_patient_asks_for_the_password_again(owner, patient):
    url = reverse("patients:delete", kwargs={"patient_id": patient.pk})
    with time_machine.travel(START, tick=False) as clock:
        client = log_in_by_password(owner)
        clock.shift(dt.timedelta(minutes=6))
        asked = client.get(url)
        assert Patient.objects.filter(pk=patient.pk).exists()
        back = confirm_password(client, asked)
        assert back.status_code == 302 and back["Location"] == url
        assert "Delete Leo&#x27;s profile?" in client.get(url).content.decode()
        assert client.post(url)["Location"] == reverse("home")
        assert not Patient.objects.filter(pk=patient.pk).exists()


def test_a_password_typed_at_log_in_a_minute_ago_is_enough(owner, patient):
    with time_machine.travel(START, tick=False) as clock:
        client = log_in_by_password(owner)
        clock.shift(dt.timedelta(minutes=1))
        url = reverse("patients:delete", kwargs={"patient_id": patient.pk})
        assert client.get(url).status_code == 200


def test_a_wrong_password_confirms_nothing(owner, patient):
    client = Client()
    client.force_login(owner)
    url = reverse("exports:archive_export", kwargs={"patient_id": patient.pk})
    asked = client.get(url)
    page = client.post(asked["Location"], {"password": "not-the-password"})
    assert page.status_code == 200 and page.context["form"].errors
    assert client.get(url).status_code == 302


def test_the_archive_asks_for_the_password_then_downloads(owner, patient):
    client = Client()
    client.force_login(owner)  # a session without a recent password (e.g. "keep me signed in" days ago)
    url = reverse("exports:archive_export", kwargs={"patient_id": patient.pk})
    assert confirm_password(client, client.get(url))["Location"] == url
    response = client.post(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")


def test_an_invitation_sent_after_confirming_the_password_is_the_one_typed(owner, patient):
    client = Client()
    client.force_login(owner)
    url = reverse("sharing:manage", kwargs={"patient_id": patient.pk})
    assert client.get(url).status_code == 200  # reading who sees the log asks nothing
    asked = client.post(url, {"email": "aunt@example.org", "role": PatientAccess.Role.CAREGIVER})
    assert not Invitation.objects.exists()
    confirm_password(client, asked)  # the typed invitation is kept and sent now
    assert Invitation.objects.get().email == "aunt@example.org"


def test_a_stranger_gets_404_and_is_asked_nothing(stranger, patient):
    client = Client()
    client.force_login(stranger)
    for name in ("patients:delete", "exports:archive_export", "sharing:manage"):
        url = reverse(name, kwargs={"patient_id": patient.pk})
        assert client.get(url).status_code == 404
        assert client.post(url, {}).status_code == 404
