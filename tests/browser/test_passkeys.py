"""Two-factor with a passkey (WebAuthn) in a real browser, with Chromium's
virtual authenticator standing in for the phone's: a clinician adds one
instead of an app, sees the patient, and the next log-in asks for it."""

import pytest
from playwright.sync_api import Page, expect

from hemolog.patients.models import PatientAccess
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def virtual_authenticator(page: Page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})


def password_log_in(page: Page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_clinician_adds_a_passkey_and_the_next_log_in_asks_for_it(page: Page, live_server, patient):
    doctor = factories.make_user("dr.key@clinic.example")
    factories.grant(doctor, patient, PatientAccess.Role.CLINICIAN)
    virtual_authenticator(page)

    password_log_in(page, live_server, doctor.email)
    expect(page.get_by_text("Clinicians add a second factor before they see patients")).to_be_visible()
    page.get_by_role("link", name="Add", exact=True).click()
    page.get_by_label("Password").fill(factories.PASSWORD)  # confirmed again, for a security change
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/2fa/webauthn/add/")
    page.wait_for_load_state()  # allauth binds the Add button once the page has loaded
    page.get_by_label("Name").fill("Work phone")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("heading", name="Recovery Codes")).to_be_visible()

    response = page.goto(f"{live_server.url}/patients/{patient.pk}/")
    assert response.status == 200
    expect(page.get_by_role("heading", name="Leo")).to_be_visible()

    page.get_by_role("button", name="Menu").click()  # the phone-sized navigation folds away
    page.get_by_role("button", name="Log out").click()
    password_log_in(page, live_server, doctor.email)
    expect(page.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()
    page.wait_for_load_state()  # as above: the button works once the page has loaded
    page.get_by_role("button", name="Use a security key").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Patients who shared their log with you")).to_be_visible()
