"""Installable on a phone: the manifest, its icons, the service worker at the
site's root, the favicon; and the icons are the ones hemolog/home/icons.py draws."""

import io
import json

import pytest
from django.test import Client
from PIL import Image

from hemolog.home import icons
from tests.servers import ROOT

ICONS = ROOT / "static" / "icons"


def test_the_manifest_makes_the_app_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200 and response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert (manifest["name"], manifest["short_name"], manifest["display"]) == ("Hemolog", "Hemolog", "standalone")
    assert manifest["start_url"] == "/" and manifest["scope"] == "/" and manifest["theme_color"] == "#8b1a1a"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert sizes == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200
        content = b"".join(image.streaming_content) if image.streaming else image.content
        assert Image.open(io.BytesIO(content)).size == tuple(int(n) for n in icon["sizes"].split("x"))


def test_the_service_worker_is_served_from_the_root_and_keeps_static_files_only(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/javascript")
    script = response.content.decode()
    assert '"/static/css/hemolog.css"' in script and '"/static/vendor/bootstrap/bootstrap.min.css"' in script
    assert 'url.pathname.startsWith("/static/")' in script  # anything else is left to the network


def test_every_page_names_the_manifest_and_the_icons(client_for, owner):
    html = client_for(owner).get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert 'rel="apple-touch-icon" href="/static/icons/apple-touch-icon.png"' in html
    assert '<meta name="theme-color" content="#8b1a1a">' in html
    login = Client().get("/accounts/login/").content.decode()
    assert "/manifest.webmanifest" in login  # before logging in too


def test_the_favicon_is_found_where_browsers_look(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/icons/favicon.ico"


@pytest.mark.parametrize("name", sorted(icons.ICONS))
def test_the_committed_icons_are_the_ones_drawn(name):
    size, _, _ = icons.ICONS[name]
    committed = Image.open(ICONS / name)
    assert committed.size == (size, size)
    drawn = Image.open(io.BytesIO(icons.png(name)))
    assert committed.convert("RGBA").tobytes() == drawn.convert("RGBA").tobytes()
