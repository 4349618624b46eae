"""Journeys in a real browser (Debian's Chromium, headless) on a phone-sized
screen: a person taps and types, and we check what the page shows."""

import pytest
from playwright.sync_api import Page, expect

from hemolog.logbook.models import BleedEpisode, Infusion
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page: Page, live_server, email: str, authenticator_secret: str = "") -> None:
    """Log in by password, then, for an account with an authenticator app, its code."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    if authenticator_secret:
        page.get_by_label("Code").fill(factories.totp_code(authenticator_secret))
        page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(f"{live_server.url}/")
    page.wait_for_load_state()  # its scripts run (the service worker registers) before the test goes on


def test_log_a_bleed_from_the_home_page(page: Page, live_server, owner, patient):
    log_in(page, live_server, owner.email)
    card = page.get_by_role("region", name="Leo")
    card.get_by_role("link", name="Log a bleed").click()

    expect(page.get_by_label("When did it start?")).not_to_have_value("")  # defaults to now
    page.get_by_label("Site").select_option(label="Knee")
    page.get_by_text("Left", exact=True).click()
    page.get_by_text("Spontaneous", exact=True).click()
    page.get_by_text("Moderate", exact=True).click()
    page.get_by_label("Pain (0–10)").fill("6")
    page.get_by_role("button", name="Save bleed").click()

    expect(page.get_by_role("status").filter(has_text="Leo: left knee bleed logged.")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Left knee").filter(has_text="pain 6/10")).to_be_visible()
    bleed = BleedEpisode.objects.get(patient=patient)
    saved = (bleed.site, bleed.side, bleed.pain, bleed.cause, bleed.severity)
    assert saved == ("KNEE", "L", 6, "SPONTANEOUS", "MODERATE")


def test_choosing_head_shows_the_emergency_warning(page: Page, live_server, owner, patient):
    log_in(page, live_server, owner.email)
    page.goto(f"{live_server.url}/patients/{patient.pk}/bleeds/new/")
    warning = page.get_by_text("A head bleed is an emergency.")
    expect(warning).to_be_hidden()
    page.get_by_label("Site").select_option(label="Head (intracranial)")
    expect(warning).to_be_visible()


def test_log_an_infusion_from_stock_and_see_the_stock_drop(page: Page, live_server, owner, patient):
    lot = factories.make_lot(patient, vials=10, lot_number="FX-2024-07", vial_size=1000)
    log_in(page, live_server, owner.email)

    page.goto(f"{live_server.url}/patients/{patient.pk}/stock/")
    expect(page.locator('[data-lot="FX-2024-07"]')).to_have_text("10")

    page.goto(f"{live_server.url}/")
    page.get_by_role("region", name="Leo").get_by_role("link", name="Log an infusion").click()
    page.get_by_label(lot.label).check()
    page.get_by_label("Dose").fill("2000")
    expect(page.locator("#dose-per-kg")).to_contain_text("62.5 IU/kg")  # 2000 IU / 32 kg
    page.get_by_text("Prophylaxis", exact=True).click()
    page.get_by_role("button", name="Save infusion").click()

    expect(page.get_by_role("status").filter(has_text="Leo: 2000 IU Advate at")).to_be_visible()
    page.get_by_role("link", name="Stock").click()
    expect(page.locator('[data-lot="FX-2024-07"]')).to_have_text("8")
    infusion = Infusion.objects.get(patient=patient)
    assert (infusion.lot_id, infusion.vials_used, infusion.dose) == (lot.pk, 2, 2000)


def test_a_clinician_sees_the_log_without_write_buttons(page: Page, live_server, clinician, log):
    log_in(page, live_server, clinician.email, clinician.authenticator_secret)
    page.get_by_role("region", name="Leo").get_by_role("link", name="Bleeds").click()
    expect(page.get_by_role("listitem").filter(has_text="Left knee")).to_be_visible()
    expect(page.get_by_role("link", name="Log a bleed")).to_have_count(0)
    expect(page.get_by_text("read-only")).to_be_visible()


def test_the_dashboard_switches_period(page: Page, live_server, owner, patient):
    factories.make_regimen(patient)
    factories.make_bleed(patient, days_ago=200, site="ANKLE", side="L", cause="SPONTANEOUS")
    factories.make_bleed(patient, days_ago=20, site="KNEE", side="R", cause="TRAUMATIC")
    factories.make_infusion(patient, days_ago=1)
    log_in(page, live_server, owner.email)
    page.goto(f"{live_server.url}/patients/{patient.pk}/")
    page.get_by_role("link", name="Dashboard").click()

    expect(page.get_by_role("heading", name="Dashboard: last 12 months")).to_be_visible()
    expect(page.locator('[data-figure="abr"]').locator("..")).to_contain_text("2 bleeds")
    chart = page.locator("#main-chart svg")
    expect(chart).to_be_visible()
    expect(page.locator("#main-chart-table")).to_contain_text("Left ankle", use_inner_text=False)
    year_chart = chart.inner_html()

    page.get_by_role("link", name="3 months").click()
    expect(page.get_by_role("heading", name="Dashboard: last 3 months")).to_be_visible()
    expect(page.locator('[data-figure="abr"]').locator("..")).to_contain_text("1 bleed")
    expect(page.locator("#main-chart-table")).not_to_contain_text("Left ankle", use_inner_text=False)
    assert page.locator("#main-chart svg").inner_html() != year_chart
