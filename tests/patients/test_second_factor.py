"""A clinician sees no patient data before adding a second factor
(hemolog/patients/second_factor.py); families are not asked."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from hemolog.patients.models import PatientAccess
from tests import factories
from tests.conftest import log_in, log_in_by_password


@pytest.fixture
def new_clinician(patient):
    """Dr Ruiz, who accepted an invitation but has no second factor yet."""
    user = factories.make_user("dr.ruiz@clinic.example", first_name="Dr Ruiz")
    factories.grant(user, patient, PatientAccess.Role.CLINICIAN)
    return user


def patient_pages(patient):
    detail = reverse("patients:detail", kwargs={"patient_id": patient.pk})
    dashboard = reverse("insights:dashboard", kwargs={"patient_id": patient.pk})
    pdf = reverse("exports:pdf", kwargs={"patient_id": patient.pk})
    return ["/", reverse("sharing:roster"), detail, dashboard, pdf, reverse("exports:recall") + "?lot=A1234"]


def test_a_clinician_without_a_second_factor_sees_the_enrolment_page_not_the_patient(client_for, new_clinician, log):
    client = client_for(new_clinician)
    for url in patient_pages(log):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("mfa_index"), url
    page = client.get(reverse("patients:detail", kwargs={"patient_id": log.pk}), follow=True)
    html = page.content.decode()
    assert "Clinicians add a second factor before they see patients" in html
    assert reverse("mfa_activate_totp") in html and "Leo" not in html
    # The account pages stay open, to set the factor up.
    assert client.get(reverse("account_security")).status_code == 200


def test_once_an_authenticator_app_is_set_up_the_patient_shows(client_for, new_clinician, log):
    client = client_for(new_clinician)
    form_page = client.get(reverse("mfa_activate_totp"))
    secret = form_page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": factories.totp_code(secret)})
    assert response.status_code == 302
    page = client.get(reverse("patients:detail", kwargs={"patient_id": log.pk}))
    assert page.status_code == 200 and "Leo" in page.content.decode()


def test_a_wrong_code_sets_nothing_up(client_for, new_clinician, log):
    client = client_for(new_clinician)
    client.get(reverse("mfa_activate_totp"))
    assert client.post(reverse("mfa_activate_totp"), {"code": "000000"}).status_code == 200
    assert client.get(reverse("patients:detail", kwargs={"patient_id": log.pk})).status_code == 302


def test_becoming_a_clinician_during_a_session_on_another_phone_is_caught(client_for, owner, log):
    """The session said "no factor due" (a family member); a clinician's access
    granted since then is checked against the database on the patient's pages."""
    doctor = factories.make_user("dr.lee@clinic.example")
    client = client_for(doctor)
    assert client.get("/").status_code == 200
    factories.grant(doctor, log, PatientAccess.Role.CLINICIAN)  # accepted on another phone
    response = client.get(reverse("patients:detail", kwargs={"patient_id": log.pk}))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_index")
    assert client.get("/").status_code == 302  # worked out again: every page now sends there


def test_families_are_not_asked(client_for, owner, caregiver, log):
    for user in (owner, caregiver):
        assert client_for(user).get(reverse("patients:detail", kwargs={"patient_id": log.pk})).status_code == 200


@override_settings(HEMOLOG_CLINICIANS_NEED_SECOND_FACTOR=False)
def test_a_closed_network_can_turn_the_requirement_off(client_for, new_clinician, log):
    assert client_for(new_clinician).get(reverse("patients:detail", kwargs={"patient_id": log.pk})).status_code == 200


def test_a_clinician_with_a_second_factor_is_asked_for_the_code_at_log_in(client, clinician, patient):
    response = client.post(reverse("account_login"), {"login": clinician.email, "password": factories.PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("patients:detail", kwargs={"patient_id": patient.pk})).status_code == 302
    assert client.post(reverse("mfa_authenticate"), {"code": "123456"}).status_code == 200  # wrong: asked again
    response = client.post(reverse("mfa_authenticate"), {"code": factories.totp_code(clinician.authenticator_secret)})
    assert response.status_code == 302
    assert client.get(reverse("patients:detail", kwargs={"patient_id": patient.pk})).status_code == 200


def two_sessions(user):
    """The same account logged in on two phones."""
    phones = Client(), Client()
    for phone in phones:
        log_in(phone, user)
    return phones


def test_accepting_as_clinician_on_one_phone_is_enforced_on_the_other_at_once(owner, log):
    """Every page of the other phone's session, the ones that list patients
    without the access helper included (home, roster, lot recall)."""
    doctor = factories.make_user("dr.two@clinic.example")
    phone_a, phone_b = two_sessions(doctor)
    assert phone_a.get("/").status_code == 200
    token = factories.make_invitation(log, doctor.email, PatientAccess.Role.CLINICIAN, invited_by=owner).token
    assert phone_b.post(reverse("sharing:invitation_accept", kwargs={"token": token})).status_code == 302
    for url in ("/", reverse("sharing:roster"), reverse("exports:recall") + "?lot=A1234"):
        response = phone_a.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("mfa_index"), url


def test_turning_the_app_off_on_one_phone_hides_the_patients_on_the_other(clinician, log):
    phone_a, phone_b = two_sessions(clinician)
    assert "Leo" in phone_a.get(reverse("sharing:roster")).content.decode()
    assert phone_b.post(reverse("mfa_deactivate_totp")).status_code == 302
    response = phone_a.get(reverse("sharing:roster"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_index")


def test_a_family_member_who_becomes_a_clinician_idles_out_after_30_minutes(caregiver, owner, log):
    """They ticked "keep me signed in" as a parent; once a clinician, their next page shortens it."""
    client = log_in_by_password(caregiver, remember=True)
    assert client.session["idle_limit"] == 14 * 24 * 3600
    other_family = factories.make_patient(owner=owner, display_name="Mia")
    factories.grant(caregiver, other_family, PatientAccess.Role.CLINICIAN)
    factories.add_authenticator_app(caregiver)
    client.get("/")
    assert client.session["idle_limit"] == 30 * 60
