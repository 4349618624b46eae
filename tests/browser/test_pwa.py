"""Installable in a real browser: the service worker takes the whole site,
the manifest and its icons load, and no page with health data is kept."""

import pytest
from playwright.sync_api import Page

from .test_journeys import log_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser_context_args(service_workers="allow"),  # what these tests are about
]


def test_the_app_installs_and_keeps_no_page(page: Page, live_server, owner, log):
    log_in(page, live_server, owner.email)
    scope = page.evaluate("navigator.serviceWorker.ready.then((registration) => registration.scope)")
    assert scope == f"{live_server.url}/"
    manifest = page.evaluate(
        """async () => {
            const link = document.querySelector('link[rel="manifest"]');
            const manifest = await (await fetch(link.href)).json();
            const icons = await Promise.all(manifest.icons.map(async (icon) => {
                const image = new Image();
                image.src = icon.src;
                await image.decode();
                return [icon.sizes, image.naturalWidth, image.naturalHeight];
            }));
            return {display: manifest.display, start: manifest.start_url, icons};
        }"""
    )
    assert manifest["display"] == "standalone" and manifest["start"] == "/"
    assert sorted(manifest["icons"]) == [["192x192", 192, 192], ["512x512", 512, 512], ["512x512", 512, 512]]

    # The worker now controls the pages: open the log's pages, then look at what it kept.
    page.reload()
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    for path in (f"/patients/{log.pk}/", f"/patients/{log.pk}/bleeds/", f"/patients/{log.pk}/dashboard/"):
        page.goto(f"{live_server.url}{path}")
    kept = page.evaluate(
        """async () => {
            const urls = [];
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
            }
            return urls;
        }"""
    )
    assert "/static/css/hemolog.css" in kept
    # Static files, and the scripts' strings in the page's language (no patient data in either).
    assert kept and all(path.startswith(("/static/", "/jsi18n/")) for path in kept), kept
