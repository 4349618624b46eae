"""A form that comes back with errors, and the lot picker, on a 375 px phone
(issue 10, point 4): what was invisible or cut off before."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests import factories

from .test_journeys import log_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 667}

CLEAR_OF_THE_BAR = """(id) => {
    const field = document.getElementById(id).getBoundingClientRect();
    const bar = document.querySelector(".form-actions").getBoundingClientRect();
    return field.top >= 0 && field.bottom <= bar.top;
}"""


def test_an_error_further_down_is_summarised_at_the_top_and_reached_from_there(page: Page, live_server, owner, patient):
    # A parent logs a dose given three hours ago for the bleed that began one hour ago.
    bleed = factories.make_bleed(patient, days_ago=1 / 24)
    advate = factories.product("Advate")
    given = timezone.localtime() - dt.timedelta(hours=3)
    page.set_viewport_size(PHONE)
    log_in(page, live_server, owner.email)
    page.goto(f"{live_server.url}/patients/{patient.pk}/infusions/new/")
    page.get_by_label("When?").fill(given.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Product").select_option(label=str(advate))
    page.get_by_label("Dose").fill("2000")
    page.get_by_text("Bleed treatment", exact=True).click()
    page.get_by_label("For which bleed?").select_option(str(bleed.pk))
    page.get_by_label("Notes").fill("left arm")
    page.get_by_role("button", name="Save infusion").click()

    summary = page.get_by_role("alert").filter(has_text="There is 1 problem to fix")
    expect(summary).to_be_focused()  # a screen reader reads it out, and it is in sight
    expect(summary).to_be_in_viewport()
    field = page.locator("#div_id_bleed")
    expect(field).not_to_be_in_viewport()  # where the message is: further down
    summary.get_by_role("link", name="For which bleed?: This bleed started at").click()
    expect(page.get_by_label("For which bleed?")).to_be_focused()
    # In sight and clear of the Save bar, once the (smooth) scrolling is over.
    page.wait_for_function(CLEAR_OF_THE_BAR, arg="div_id_bleed")
    # Nothing typed is lost.
    expect(page.get_by_label("Dose")).to_have_value("2000")
    expect(page.get_by_label("Notes")).to_have_value("left arm")


def test_the_lot_picker_shows_the_vials_left_and_the_expiry(page: Page, live_server, owner, patient):
    page.set_viewport_size(PHONE)
    lot = factories.make_lot(patient, vials=4, lot_number="ADV2614743", vial_size=1000)
    log_in(page, live_server, owner.email)
    page.goto(f"{live_server.url}/patients/{patient.pk}/infusions/new/")
    option = page.get_by_label(lot.label)
    label = page.locator("label", has=page.locator(f"text={lot.lot_number}")).first
    text = label.inner_text()
    assert "4 vials left" in text and f"expires {lot.expires_on:%-d %b %Y}" in text, text
    box = label.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box  # wrapped, not cut off
    assert label.evaluate("(l) => l.scrollWidth <= l.clientWidth")
    option.check()
    expect(option).to_be_checked()
