"""Exports in a real browser: a clinician downloads the clinic report."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from hemolog.patients.models import AccessEvent

from .test_journeys import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_clinician_downloads_the_clinic_report(page: Page, live_server, clinician, log, tmp_path: Path):
    log_in(page, live_server, clinician.email, clinician.authenticator_secret)
    page.goto(f"{live_server.url}/patients/{log.pk}/export/")
    expect(page.get_by_role("heading", name="Export")).to_be_visible()
    expect(page.get_by_label("From", exact=True)).not_to_have_value("")  # the last 12 months
    expect(page.get_by_role("link", name="Personal archive")).to_have_count(0)  # the owner's alone

    page.get_by_label("Clinic report (PDF)").check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download").click()
    download = download_info.value
    assert download.suggested_filename.startswith("leo_") and download.suggested_filename.endswith("_report.pdf")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
    assert AccessEvent.objects.filter(patient=log, user=clinician, action="EXPORT", what__startswith="PDF").exists()


def test_a_bad_range_is_explained_on_the_page(page: Page, live_server, owner, log):
    log_in(page, live_server, owner.email)
    page.goto(f"{live_server.url}/patients/{log.pk}/export/")
    page.get_by_label("From", exact=True).fill("2025-06-01")
    page.get_by_label("To", exact=True).fill("2025-05-01")
    page.get_by_label("Bleeds (CSV)").check()
    page.get_by_role("button", name="Download").click()
    expect(page.get_by_text("The last day must be on or after the first.", exact=True)).to_be_visible()
