"""Dark mode follows the phone's setting (issue 10, point 6): Bootstrap's
colour modes on every page, the charts' text and lines readable on the dark
page; axe-core checks these pages' contrast in the dark (tests/accessibility.py)."""

import pytest
from playwright.sync_api import expect

from .test_journeys import log_in

pytestmark = pytest.mark.django_db(transaction=True)

LUMINANCE = """(css) => {
    const [r, g, b] = css.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number).map((c) => {
        c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}"""


def luminance(page, css: str) -> float:
    return page.evaluate(LUMINANCE, css)


@pytest.fixture
def dark_page(new_context):
    return new_context(color_scheme="dark").new_page()


def test_the_pages_and_charts_are_dark_on_a_dark_phone(dark_page, live_server, owner, log):
    page = dark_page
    log_in(page, live_server, owner.email)
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert luminance(page, background) < 0.05, background
    for path in ("bleeds/new/", "infusions/new/", "stock/", ""):
        page.goto(f"{live_server.url}/patients/{log.pk}/{path}")
        expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")

    page.goto(f"{live_server.url}/patients/{log.pk}/dashboard/")
    chart = page.locator("#main-chart svg")
    expect(chart).to_be_visible()
    paper = chart.locator("path").first.evaluate("(p) => getComputedStyle(p).fill")  # the figure's background
    assert luminance(page, paper) < 0.05, paper
    for text in chart.locator("text").all()[:5]:
        fill = text.evaluate("(t) => getComputedStyle(t).fill")
        assert luminance(page, fill) > 0.5, fill  # light text on the dark figure
    level = page.locator("#level-chart svg")
    if level.count():
        assert luminance(page, level.locator("text").first.evaluate("(t) => getComputedStyle(t).fill")) > 0.5


def test_a_light_phone_keeps_the_light_pages(page, live_server, owner, log):
    log_in(page, live_server, owner.email)
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "light")
    page.emulate_media(color_scheme="dark")  # the phone switches at dusk: the page follows
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
