"""A family uses Hemolog in Spanish, German, French or Arabic: on a phone,
the language chosen on the log-in page, a bleed and an infusion logged and
the dashboard opened, and not one English word of Hemolog's own strings on
any of those pages (names of products and people, units and the clinical
abbreviations apart). Arabic pages run right to left and fit 375 px."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from hemolog.logbook.models import BleedEpisode, Infusion
from tests import factories
from tests.i18n.catalogues import english_words, words

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 740}
LOCALE = Path(settings.BASE_DIR) / "locale"
# Kept in every language: units and the clinical abbreviations clinicians use.
KEPT = {"iu", "dl", "kg", "mg", "ml", "abr", "ajbr", "fviii", "fix", "pdf", "csv", "fhir", "hl", "hemolog"}

# What a page's visible text and its read-aloud labels hold.
TEXT_OF_PAGE = """() => {
  const read = [document.body.innerText, document.title];
  for (const element of document.querySelectorAll("[aria-label], [title], [placeholder], [alt]")) {
    for (const name of ["aria-label", "title", "placeholder", "alt"]) read.push(element.getAttribute(name) || "");
  }
  for (const title of document.querySelectorAll("svg title, svg text")) read.push(title.textContent);
  return read.join("\\n");
}"""


def english_on(page: Page, english: set[str], data_words: set[str]) -> set[str]:
    return (words(page.evaluate(TEXT_OF_PAGE)) & english) - KEPT - data_words


def check_page(page: Page, language: str, english: set[str], data_words: set[str], seen: dict) -> None:
    """The page is in ``language``: its lang and direction, no English word, nothing wider than the phone."""
    page.wait_for_load_state()  # a page just reached (its address already shown) may still be loading
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    seen[page.url] = english_on(page, english, data_words)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the phone"


@pytest.mark.parametrize("language", ["es", "de", "fr", "ar"])
def test_a_family_logs_and_reads_in_its_own_language(new_context, live_server, owner, language):
    patient = factories.make_patient(owner=owner, display_name="Leo", weight_kg="35.0")
    factories.make_regimen(patient, product=factories.product("Hemlibra"), dose=Decimal("52.5"), interval_days=7)
    lot = factories.make_lot(patient, vials=10, lot_number="HL-2026-11", brand="Hemlibra", vial_size=60)
    factories.make_bleed(patient, days_ago=40, site="ANKLE", side="R", cause="SPONTANEOUS")
    english = english_words(LOCALE, language)
    assert len(english) > 300, "the English catalogue words were not read"
    data_words = words(f"{patient.display_name} {lot.product.brand_name} {lot.product.generic_name} {owner.email}")
    data_words |= words(f"{owner.first_name} {lot.lot_number}")
    context = new_context(locale="en-GB")  # an English phone: the person chooses
    page = context.new_page()
    page.set_viewport_size(PHONE)
    seen: dict[str, set[str]] = {}

    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#language-picker").select_option(language)
    with page.expect_navigation():
        page.locator(".language-picker button[type=submit]").click()
    check_page(page, language, english, data_words, seen)
    page.locator("input[name=login]").fill(owner.email)
    page.locator("input[name=password]").fill(factories.PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(f"{live_server.url}/")
    check_page(page, language, english, data_words, seen)
    owner.refresh_from_db()
    assert owner.language == language  # saved on the account: e-mails and reminders use it

    page.goto(f"{live_server.url}/patients/{patient.pk}/bleeds/new/")
    check_page(page, language, english, data_words, seen)
    page.locator("select[name=site]").select_option("KNEE")
    page.locator("input[name=side][value=L]").check()
    page.locator("input[name=cause][value=SPONTANEOUS]").check()
    page.locator("input[name=severity][value=MODERATE]").check()
    page.locator("input[name=pain]").fill("6")
    with page.expect_navigation():
        page.locator("form[data-offline-form] button[type=submit]").click()
    expect(page.get_by_role("status").first).to_be_visible()
    check_page(page, language, english, data_words, seen)
    assert BleedEpisode.objects.filter(patient=patient, site="KNEE", side="L", pain=6).exists()

    page.goto(f"{live_server.url}/patients/{patient.pk}/infusions/new/")
    check_page(page, language, english, data_words, seen)
    page.locator(f"input[name=lot][value='{lot.pk}']").check()
    page.locator("input[name=dose]").fill("52,5")  # 1.5 mg/kg for 35 kg, with the comma of all four languages
    expect(page.locator("#dose-per-kg")).to_contain_text("1,5 mg/kg")
    page.locator("input[name=reason][value=PROPHYLAXIS]").check()
    with page.expect_navigation():
        page.locator("#infusion-form button[type=submit]").click()
    expect(page.get_by_role("status").first).to_be_visible()
    check_page(page, language, english, data_words, seen)
    infusion = Infusion.objects.get(patient=patient)
    assert infusion.dose == Decimal("52.5")
    assert timezone.now() - infusion.given_at < dt.timedelta(minutes=5)

    page.goto(f"{live_server.url}/patients/{patient.pk}/dashboard/")
    expect(page.locator("#main-chart svg")).to_be_visible()
    check_page(page, language, english, data_words, seen)

    assert {url: found for url, found in seen.items() if found} == {}
