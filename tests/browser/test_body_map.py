"""A bleed in five taps from the home page (issue 10, point 4): the body map
picks a joint and its side in one tap, "same as last time" the site, side and
cause of the last bleed; both usable from the keyboard, the list kept."""

import pytest
from playwright.sync_api import Page, expect

from hemolog.logbook.models import BleedEpisode
from tests import factories

from .test_journeys import log_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 667}


def test_a_bleed_in_five_taps_with_the_body_map(page: Page, live_server, owner, patient):
    page.set_viewport_size(PHONE)
    log_in(page, live_server, owner.email)
    page.get_by_role("region", name="Leo").get_by_role("link", name="Log a bleed").click()  # 1
    page.get_by_role("button", name="Left knee").click()  # 2
    expect(page.get_by_label("Site")).to_have_value("KNEE")
    expect(page.get_by_label("Left", exact=True)).to_be_checked()
    expect(page.get_by_role("button", name="Left knee")).to_have_attribute("aria-pressed", "true")
    page.get_by_text("Spontaneous", exact=True).click()  # 3
    page.get_by_text("Moderate", exact=True).click()  # 4
    page.get_by_role("button", name="Save bleed").click()  # 5
    expect(page.get_by_role("status").filter(has_text="Leo: left knee bleed logged.")).to_be_visible()
    bleed = BleedEpisode.objects.get(patient=patient)
    assert (bleed.site, bleed.side, bleed.cause, bleed.severity) == ("KNEE", "L", "SPONTANEOUS", "MODERATE")


def test_the_body_maps_spots_are_a_thumbs_size_apart_and_the_list_follows_it(page: Page, live_server, owner, patient):
    page.set_viewport_size(PHONE)
    log_in(page, live_server, owner.email)
    page.goto(f"{live_server.url}/patients/{patient.pk}/bleeds/new/")
    spots = page.locator(".body-map-spot")
    assert spots.count() == 13  # the head, and six joints on each side
    boxes = [spots.nth(n).bounding_box() for n in range(spots.count())]
    assert all(box["width"] >= 44 and box["height"] >= 44 for box in boxes)
    assert all(box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] for box in boxes)
    for n, a in enumerate(boxes):
        for b in boxes[n + 1 :]:
            apart = a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
            assert apart or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"], (a, b)
    # The person's right is on the viewer's left.
    right, left = page.get_by_role("button", name="Right elbow"), page.get_by_role("button", name="Left elbow")
    assert right.bounding_box()["x"] < left.bounding_box()["x"]
    # Chosen from the list, the map shows it; the head shows the warning and no side.
    page.get_by_label("Site").select_option(label="Ankle")
    page.get_by_text("Right", exact=True).click()
    expect(page.get_by_role("button", name="Right ankle")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name="Left ankle")).to_have_attribute("aria-pressed", "false")
    page.get_by_role("button", name="Head (intracranial)").click()
    expect(page.get_by_text("A head bleed is an emergency.")).to_be_visible()
    expect(page.locator("#div_id_side")).to_be_hidden()


def test_the_body_map_works_from_the_keyboard(page: Page, live_server, owner, patient):
    log_in(page, live_server, owner.email)
    page.goto(f"{live_server.url}/patients/{patient.pk}/bleeds/new/")
    page.get_by_role("button", name="Right shoulder").focus()
    page.keyboard.press("Tab")  # the next spot in the page's order
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    expect(page.get_by_role("button", name=focused)).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_label("Site")).to_have_value(focused.split()[-1].upper())


def test_same_as_last_time_in_four_taps(page: Page, live_server, owner, patient):
    factories.make_bleed(patient, days_ago=9, site="ANKLE", side="R", cause="TRAUMATIC", severity="MILD")
    page.set_viewport_size(PHONE)
    log_in(page, live_server, owner.email)
    page.get_by_role("region", name="Leo").get_by_role("link", name="Log a bleed").click()  # 1
    page.get_by_role("button", name="Same as last time: Right ankle, injury").click()  # 2
    expect(page.get_by_label("Injury", exact=True)).to_be_checked()
    page.get_by_text("Severe", exact=True).click()  # 3
    page.get_by_role("button", name="Save bleed").click()  # 4
    expect(page.get_by_role("status").filter(has_text="Leo: right ankle bleed logged.")).to_be_visible()
    newest = BleedEpisode.objects.filter(patient=patient).latest("started_at")
    assert (newest.site, newest.side, newest.cause, newest.severity) == ("ANKLE", "R", "TRAUMATIC", "SEVERE")
