"""Logging offline (issue 10, point 2), in Chromium on a phone: the two forms
seen online open with no connection (the service worker kept them), saving
queues the entry on the phone (IndexedDB), and when the connection returns the
queue is sent and each entry saved exactly once, also when it is sent again
by hand. Logging out leaves neither the queue nor the kept forms."""

import time

import pytest
from playwright.sync_api import Page, expect

from hemolog.logbook.models import BleedEpisode, Infusion
from tests import factories

from .test_journeys import log_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser_context_args(service_workers="allow"),  # what these tests are about
]

QUEUE = "HemologQueue.all()"
COUNT_QUEUED = """new Promise((done) => {
    const request = indexedDB.open("hemolog-offline", 1);
    request.onupgradeneeded = () => request.result.createObjectStore("queue", {keyPath: "id"});
    request.onsuccess = () => {
        const count = request.result.transaction("queue").objectStore("queue").count();
        count.onsuccess = () => done(count.result);
    };
})"""
SEND_EACH = """async (entries) => {
    const done = [];
    for (const entry of entries) done.push(await HemologQueue.send(entry));
    return done;
}"""
KEPT_FORMS = """async () => {
    const cache = await caches.open("hemolog-forms");
    return (await cache.keys()).map((request) => new URL(request.url).pathname).sort();
}"""


def wait_for(page: Page, condition, what: str, seconds: float = 20, message=lambda: "") -> None:
    """Poll ``condition``, letting the browser's requests through meanwhile (the test's
    routes answer only while Playwright has the thread: no time.sleep)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"not in {seconds} s: {what} {message()}"
        page.wait_for_timeout(200)


def test_log_a_bleed_and_a_dose_offline_and_find_each_saved_once(page: Page, live_server, owner, patient):
    lot = factories.make_lot(patient, vials=10, lot_number="OFF-1", vial_size=1000)
    page.set_viewport_size({"width": 375, "height": 667})
    log_in(page, live_server, owner.email)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now the service worker controls the pages
    bleed_form = f"{live_server.url}/patients/{patient.pk}/bleeds/new/"
    dose_form = f"{live_server.url}/patients/{patient.pk}/infusions/new/"
    page.goto(bleed_form)
    page.goto(dose_form)
    assert page.evaluate(KEPT_FORMS) == [
        f"/patients/{patient.pk}/bleeds/new/",
        f"/patients/{patient.pk}/infusions/new/",
    ]

    page.context._hemolog_axe.recording = False  # offline, the pages come from the phone, not through a route
    page.context.set_offline(True)
    page.goto(bleed_form)  # no connection: the kept form
    page.get_by_role("button", name="Left knee").click()
    page.get_by_text("Spontaneous", exact=True).click()
    page.get_by_text("Moderate", exact=True).click()
    page.get_by_role("button", name="Save bleed").click()
    expect(page.locator("#offline-saved")).to_be_visible()
    page.goto(dose_form)
    page.get_by_label(lot.label).check()
    page.get_by_label("Dose").fill("1000")
    page.get_by_role("button", name="Save infusion").click()
    expect(page.locator("#offline-saved")).to_be_visible()
    queued = page.evaluate(QUEUE)
    assert sorted(entry["label"] for entry in queued) == ["Leo: a bleed", "Leo: a dose"]
    expect(page.get_by_role("region", name="Entries kept on this phone, to be sent")).to_contain_text("Leo: a bleed")
    assert (
        not BleedEpisode.objects.filter(patient=patient).exists()
        and not Infusion.objects.filter(patient=patient).exists()
    )

    page.context.set_offline(False)
    wait_for(page, lambda: Infusion.objects.filter(patient=patient).count() == 1, "the dose saved")
    wait_for(page, lambda: page.evaluate(QUEUE) == [], "the queue empty", message=lambda: page.evaluate(QUEUE))
    bleed = BleedEpisode.objects.get(patient=patient)
    assert (bleed.site, bleed.side, bleed.cause, bleed.severity) == ("KNEE", "L", "SPONTANEOUS", "MODERATE")
    dose = Infusion.objects.get(patient=patient)
    assert (dose.lot_id, dose.dose, dose.vials_used, dose.created_by) == (lot.pk, 1000, 1, owner)
    assert {str(bleed.client_id), str(dose.client_id)} == {entry["id"] for entry in queued}

    # The same queued entries sent again by hand: still one of each.
    page.context._hemolog_axe.recording = True
    results = page.evaluate(SEND_EACH, queued)
    assert results == ["sent", "sent"]
    assert (
        BleedEpisode.objects.filter(patient=patient).count() == 1
        and Infusion.objects.filter(patient=patient).count() == 1
    )
    page.goto(f"{live_server.url}/patients/{patient.pk}/bleeds/")
    expect(page.get_by_role("listitem").filter(has_text="Left knee")).to_have_count(1)


def test_an_entry_the_server_refuses_stays_with_its_message(page: Page, live_server, owner, patient):
    lot = factories.make_lot(patient, vials=1, lot_number="LAST-1", vial_size=1000)
    log_in(page, live_server, owner.email)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    dose_form = f"{live_server.url}/patients/{patient.pk}/infusions/new/"
    page.goto(dose_form)
    page.context._hemolog_axe.recording = False
    page.context.set_offline(True)
    page.goto(dose_form)
    page.get_by_label(lot.label).check()
    page.get_by_label("Dose").fill("1000")
    page.get_by_role("button", name="Save infusion").click()
    expect(page.locator("#offline-saved")).to_be_visible()
    factories.make_infusion(patient, days_ago=0.01, lot=lot, vials=1)  # meanwhile the other parent used the last vial
    page.context.set_offline(False)
    wait_for(page, lambda: any(entry["error"] for entry in page.evaluate(QUEUE)), "the refusal kept")
    (entry,) = page.evaluate(QUEUE)
    assert "From stock (lot): Select a valid choice" in entry["error"], entry["error"]  # the lot is empty now
    assert Infusion.objects.filter(patient=patient).count() == 1  # only the other parent's
    page.context._hemolog_axe.recording = True
    page.goto(f"{live_server.url}/")
    panel = page.get_by_role("region", name="Entries kept on this phone, to be sent")
    expect(panel).to_contain_text("Not saved:")
    panel.get_by_role("link", name="Open it to fix").click()
    expect(page.get_by_label("Dose")).to_have_value("1000")  # as typed


def test_logging_out_leaves_no_queue_and_no_kept_form(page: Page, live_server, owner, patient):
    log_in(page, live_server, owner.email)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.goto(f"{live_server.url}/patients/{patient.pk}/bleeds/new/")
    page.evaluate("HemologQueue.put({id: 'x', url: '/', fields: [], label: 'kept', queuedAt: 0, error: ''})")
    assert page.evaluate(KEPT_FORMS) and page.evaluate(QUEUE)
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    assert page.evaluate(KEPT_FORMS) == []
    assert page.evaluate(COUNT_QUEUED) == 0
