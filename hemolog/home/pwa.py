"""What makes Hemolog installable on a phone's home screen (a Progressive Web
App): the web app manifest, the service worker, the favicon.

The service worker is served from the site's root, so that its scope is the
whole site. It keeps the static files (styles, scripts, icons: their names
carry a hash of their content in production) for speed, and nothing else:
no page is ever kept, as pages hold health data that must not linger on a
shared phone (W3C Service Workers, https://www.w3.org/TR/service-workers/;
Web App Manifest, https://www.w3.org/TR/appmanifest/)."""

from __future__ import annotations

import hashlib
import json

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .icons import RED

THEME = "#{:02x}{:02x}{:02x}".format(*RED)
# What the service worker keeps: every page uses these.
CACHED_STATIC = [
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "css/hemolog.css",
    "js/hemolog.js",
    "js/theme.js",
    "js/reminders.js",
    "icons/icon-192.png",
    "icons/favicon-32.png",
]


@login_not_required
@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    icons = [
        {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
        {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
        {"src": static("icons/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
    ]
    body = {
        "name": "Hemolog",
        "short_name": "Hemolog",
        "description": _("A bleed and infusion log for hemophilia"),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME,
        "icons": icons,
    }
    return JsonResponse(body, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


SERVICE_WORKER = """// Hemolog's service worker (hemolog/home/pwa.py): static files only.
const CACHE = "hemolog-static-%(version)s";
const STATIC = %(files)s;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(STATIC)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim())
  );
});

// A reminder pushed by Hemolog (hemolog/reminders/push.py): shown; a tap opens its page.
self.addEventListener("push", (event) => {
  const data = event.data ? event.data.json() : {};
  event.waitUntil(self.registration.showNotification(data.title || "Hemolog", {
    body: data.body || "", icon: "%(icon)s", data: { url: data.url || "/" },
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(self.clients.openWindow(event.notification.data.url));
});

// Static files from the cache, else the network (and kept). Anything else is
// left to the browser: pages and downloads are never kept here.
self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin || !url.pathname.startsWith("%(prefix)s")) {
    return;
  }
  event.respondWith(
    caches.match(event.request).then((kept) => kept || fetch(event.request).then((response) => {
      if (response.ok) {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(event.request, copy));
      }
      return response;
    }))
  );
});
"""


@login_not_required
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    files = [static(name) for name in CACHED_STATIC]
    version = hashlib.sha256(" ".join(files).encode()).hexdigest()[:12]  # new file names: a new cache
    icon = static("icons/icon-192.png")
    body = SERVICE_WORKER % {"version": version, "files": json.dumps(files), "prefix": static(""), "icon": icon}
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"  # the browser checks for a new worker on every visit
    return response


@login_not_required
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    return redirect(static("icons/favicon.ico"), permanent=True)
