"""What a new user tripped over on a 375 px phone (issue 10, point 4), each
checked where it showed: in the browser."""

import pytest
from playwright.sync_api import Page, expect

from .test_journeys import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_weight_delete_link_is_a_thumbs_width_and_its_column_is_named(page: Page, live_server, owner, log):
    log_in(page, live_server, owner.email)
    page.goto(f"{live_server.url}/patients/{log.pk}/")
    link = page.get_by_role("link", name="delete").first
    box = link.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44, box  # it was 39 x 14
    headers = page.locator("table th").all_inner_texts()
    assert all(text.strip() for text in headers), headers  # no empty header cell
    expect(page.get_by_role("columnheader", name="Delete")).to_have_count(1)


def test_the_archive_import_page_has_a_main_heading(page: Page, live_server, newcomer_browser):
    log_in(page, live_server, newcomer_browser.email)
    page.goto(f"{live_server.url}/accounts/archive/import/")
    expect(page.get_by_role("heading", level=1, name="Import an archive")).to_be_visible()


@pytest.fixture
def newcomer_browser(db):
    from tests import factories

    return factories.make_user("new@example.org")


CONTRAST = """(element) => {
    const rgb = (css) => css.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
    const luminance = ([r, g, b]) => {
        const channel = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
        const [R, G, B] = [r, g, b].map(channel);
        return 0.2126 * R + 0.7152 * G + 0.0722 * B;
    };
    let box = element;
    while (getComputedStyle(box).backgroundColor === "rgba(0, 0, 0, 0)") box = box.parentElement;
    const a = luminance(rgb(getComputedStyle(element).color));
    const b = luminance(rgb(getComputedStyle(box).backgroundColor));
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def test_the_stock_warnings_link_reads_well_on_yellow(page: Page, live_server, owner, patient):
    import datetime as dt

    from django.utils import timezone

    from tests import factories

    factories.make_lot(patient, vials=3, lot_number="SOON1", expires_on=timezone.localdate() + dt.timedelta(days=10))
    log_in(page, live_server, owner.email)
    link = page.get_by_role("link", name="Leo: Advate lot SOON1")
    assert link.evaluate(CONTRAST) >= 4.5  # WCAG AA for text; it was 4.06


def test_the_patient_tabs_and_the_export_formats_are_a_thumbs_height(page: Page, live_server, owner, log):
    log_in(page, live_server, owner.email)
    page.goto(f"{live_server.url}/patients/{log.pk}/export/")
    tabs = page.locator(".patient-tabs .nav-link")
    assert tabs.count() >= 4
    assert all(tabs.nth(n).bounding_box()["height"] >= 44 for n in range(tabs.count()))  # they were 34 px
    for label in ("Bleeds (CSV)", "Clinic report (PDF)", "HL7 FHIR R4 Bundle (JSON)"):
        radio = page.get_by_label(label)
        assert radio.bounding_box()["height"] >= 24  # it was 13 px
        row = page.locator(".format-choices .form-check", has=radio)
        assert row.bounding_box()["height"] >= 44
        page.locator(".format-choices label", has_text=label).click(position={"x": 200, "y": 5})  # the row's far side
        expect(radio).to_be_checked()


def test_the_period_buttons_keep_one_row_and_the_report_button_looks_usable(page: Page, live_server, owner, log):
    page.set_viewport_size({"width": 375, "height": 812})
    log_in(page, live_server, owner.email)
    page.goto(f"{live_server.url}/patients/{log.pk}/dashboard/")
    periods = page.get_by_role("navigation", name="Period").get_by_role("link")
    assert periods.all_inner_texts() == ["3 months", "6 months", "12 months", "24 months"]
    tops = {round(periods.nth(n).bounding_box()["y"]) for n in range(4)}
    assert len(tops) == 1, tops  # "24 months" wrapped onto a line of its own
    report = page.get_by_role("link", name="Clinic report (PDF) for this period")
    primary = page.evaluate("getComputedStyle(document.body).getPropertyValue('--bs-primary-rgb').trim()")
    assert report.evaluate("(a) => getComputedStyle(a).color") == f"rgb({primary.replace(',', ', ')})"
