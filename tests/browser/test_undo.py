"""Undo a delete, and see who changed what (issue 10, points 5), in Chromium
on a phone: the message after a delete has an Undo button that brings the
entry back; the entry's changes name who made each."""

import pytest
from playwright.sync_api import Page, expect

from hemolog.logbook.models import BleedEpisode

from .test_journeys import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_undo_a_deleted_bleed(page: Page, live_server, owner, log):
    page.set_viewport_size({"width": 375, "height": 667})
    log_in(page, live_server, owner.email)
    page.goto(f"{live_server.url}/patients/{log.pk}/bleeds/")
    knee = page.get_by_role("listitem").filter(has_text="Left knee")
    knee.get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Delete").click()
    message = page.get_by_role("status").filter(has_text="The bleed was deleted.")
    expect(message).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Left knee")).to_have_count(0)
    assert BleedEpisode.objects.filter(patient=log, site="KNEE").count() == 0

    message.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("status").filter(has_text="Undone: the entry is back.")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Left knee")).to_have_count(1)
    bleed = BleedEpisode.objects.get(patient=log, site="KNEE")
    assert bleed.infusions.count() == 1  # its treatment linked again

    # Who did what: the bleed's changes, from its edit page.
    page.goto(f"{live_server.url}/patients/{log.pk}/bleeds/{bleed.pk}/edit/")
    page.get_by_role("link", name="Changes to this entry, and who made them").click()
    changes = page.get_by_role("list", name="Changes").get_by_role("listitem")
    expect(changes.first).to_contain_text(f"Logged by {owner.display_name}")  # the undo logged it again
    expect(changes.nth(1)).to_contain_text(f"Deleted by {owner.display_name}")
