"""Sharing in a real browser: an owner invites a clinician, the clinician
accepts (signing up, or logging in), finds the patient in the roster and opens
the dashboard; the owner removes the access and the clinician gets 404."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from hemolog.patients.models import PatientAccess
from tests import factories

from .test_journeys import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def invite(page: Page, live_server, patient, email: str) -> str:
    """As the logged-in owner: invite ``email`` as clinician; the link shown on screen."""
    page.goto(f"{live_server.url}/patients/{patient.pk}/")
    page.get_by_role("link", name="Sharing: invite, remove, access record").click()
    page.get_by_label("Their e-mail address").fill(email)
    page.get_by_label("Clinician: read-only").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status").filter(has_text=f"Invitation e-mailed to {email}")).to_be_visible()
    link = page.locator("#invitation-link").input_value()
    # The same link went out by e-mail.
    assert link in mail.outbox[-1].body and mail.outbox[-1].to == [email]
    return link


def test_invite_a_new_clinician_who_signs_up_then_revoke(
    page: Page, new_context, live_server, owner, patient, tmp_path
):
    factories.make_bleed(patient, days_ago=20, site="ANKLE", side="L", cause="SPONTANEOUS")
    log_in(page, live_server, owner.email)
    link = invite(page, live_server, patient, "dr.new@clinic.example")

    doctor = new_context().new_page()
    doctor.goto(link)
    expect(doctor.get_by_role("heading", name="Invitation to Leo's log")).to_be_visible()
    doctor.get_by_role("link", name="Sign up to accept").click()
    expect(doctor.get_by_label("E-mail")).to_have_value("dr.new@clinic.example")
    doctor.get_by_label("Your name").fill("Dr New")
    doctor.get_by_label("Password*", exact=True).fill("a-long-unusual-passphrase")
    doctor.get_by_label("Password (again)").fill("a-long-unusual-passphrase")
    doctor.get_by_role("button", name="Sign up").click()

    # The address is checked first: the link sent to it logs in and comes back to the invitation.
    expect(doctor.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    assert mail.outbox[-1].to == ["dr.new@clinic.example"]
    doctor.goto(re.search(r"http://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0))
    doctor.get_by_role("button", name="Confirm").click()
    expect(doctor).to_have_url(link)
    doctor.get_by_role("button", name="Accept").click()

    # A clinician adds a second factor before the patient shows: an authenticator app.
    expect(doctor.get_by_text("Clinicians add a second factor before they see patients")).to_be_visible()
    expect(doctor).to_have_url(f"{live_server.url}/accounts/2fa/")  # not the patient's page
    doctor.get_by_role("link", name="Activate").first.click()
    doctor.get_by_label("Password").fill("a-long-unusual-passphrase")  # confirmed again, for a security change
    doctor.get_by_role("button", name="Confirm").click()
    secret = doctor.locator("#authenticator_secret").input_value()
    doctor.get_by_label("Authenticator code").fill(factories.totp_code(secret))
    doctor.get_by_role("button", name="Activate").click()
    expect(doctor.get_by_role("heading", name="Recovery Codes")).to_be_visible()

    doctor.get_by_role("link", name="Hemolog", exact=True).click()
    expect(doctor.get_by_role("heading", name="Patients who shared their log with you")).to_be_visible()
    card = doctor.get_by_role("region", name="Leo")
    expect(card).to_contain_text("Days since last bleed")
    expect(card).to_contain_text("20")
    card.get_by_role("link", name="Dashboard").click()
    expect(doctor.get_by_role("heading", name="Dashboard: last 12 months")).to_be_visible()
    expect(doctor.get_by_role("link", name="Log a bleed")).to_have_count(0)
    dashboard = doctor.url
    with doctor.expect_download() as download_info:
        doctor.get_by_role("link", name="Clinic report (PDF) for this period").click()
    report = download_info.value
    assert report.suggested_filename.endswith("_report.pdf")
    saved = tmp_path / report.suggested_filename
    report.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")

    page.goto(f"{live_server.url}/patients/{patient.pk}/sharing/")
    row = page.locator('[data-access="dr.new@clinic.example"]')
    expect(row).to_contain_text("Clinician (read-only) · since")
    record = page.get_by_role("region", name="Access record")
    expect(record.get_by_role("listitem").filter(has_text="Viewed dashboard (last 12 months)")).to_be_visible()
    expect(record.get_by_role("listitem").filter(has_text="Exported PDF")).to_be_visible()
    row.get_by_role("link", name="Remove access…").click()
    page.get_by_role("button", name="Remove access").click()
    expect(
        page.get_by_role("status").filter(has_text="dr.new@clinic.example can no longer see Leo's log.")
    ).to_be_visible()
    expect(page.locator('[data-access="dr.new@clinic.example"]')).to_have_count(0)

    response = doctor.goto(dashboard)
    assert response.status == 404
    expect(doctor.get_by_role("heading", name="Page not found")).to_be_visible()
    assert not PatientAccess.objects.filter(user__email="dr.new@clinic.example").exists()


def test_an_existing_clinician_logs_in_from_the_link(page: Page, new_context, live_server, owner, patient):
    other_family = factories.make_user("other@example.org")
    elsewhere = factories.make_patient(owner=other_family, display_name="Mia")
    dr_ng = factories.make_user("dr.ng@clinic.example")
    secret = factories.add_authenticator_app(dr_ng)
    factories.grant(dr_ng, elsewhere, PatientAccess.Role.CLINICIAN)
    log_in(page, live_server, owner.email)
    link = invite(page, live_server, patient, "dr.ng@clinic.example")

    doctor = new_context().new_page()
    doctor.goto(link)
    doctor.get_by_role("link", name="Log in to accept").click()
    doctor.get_by_label("E-mail").fill("Dr.Ng@Clinic.Example")
    doctor.get_by_label("Password").fill(factories.PASSWORD)
    doctor.get_by_role("button", name="Log in").click()
    doctor.get_by_label("Code").fill(factories.totp_code(secret))  # the second factor
    doctor.get_by_role("button", name="Sign In").click()
    expect(doctor).to_have_url(link)
    doctor.get_by_role("button", name="Accept").click()
    expect(doctor).to_have_url(re.compile(rf"/patients/{patient.pk}/$"))

    doctor.get_by_role("link", name="Hemolog", exact=True).click()
    expect(doctor.get_by_role("region", name="Leo")).to_be_visible()
    expect(doctor.get_by_role("region", name="Mia")).to_be_visible()
    # The link was used: opening it again says so.
    doctor.goto(link)
    expect(doctor.get_by_text("It has already been used")).to_be_visible()
