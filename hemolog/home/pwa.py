"""What makes Hemolog installable on a phone's home screen (a Progressive Web
App): the web app manifest, the service worker, the favicon.

The service worker is served from the site's root, so that its scope is the
whole site. It keeps the static files (styles, scripts, icons: their names
carry a hash of their content in production) for speed, and of the pages
only the two forms that work offline, "Log a bleed" and "Log an infusion" of
each patient, as last seen online (static/js/offline.js queues what is saved
on them offline). No other page is ever kept, as pages hold health data that
must not linger on a shared phone; logging out deletes the kept forms and the
queue (Clear-Site-Data, hemolog/accounts/middleware.py) (W3C Service Workers, https://www.w3.org/TR/service-workers/;
Web App Manifest, https://www.w3.org/TR/appmanifest/)."""

from __future__ import annotations

import hashlib
import json

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .icons import RED

THEME = "#{:02x}{:02x}{:02x}".format(*RED)
# What the service worker keeps: every page uses these.
CACHED_STATIC = [
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap/bootstrap.rtl.min.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "js/i18n.js",
    "css/hemolog.css",
    "js/hemolog.js",
    "js/theme.js",
    "js/reminders.js",
    "js/queue.js",
    "js/offline.js",
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
        "lang": get_language(),
        "dir": "rtl" if get_language_bidi() else "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME,
        "icons": icons,
    }
    return JsonResponse(body, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


SERVICE_WORKER = r"""// Hemolog's service worker (hemolog/home/pwa.py): the static files, and the two
// forms that work offline ("Log a bleed", "Log an infusion"), as last seen online.
importScripts("%(queue)s");
const CACHE = "hemolog-static-%(version)s";
const FORMS = "hemolog-forms";
const STATIC = %(files)s;
const OFFLINE_FORM = /^\/patients\/\d+\/(bleeds|infusions)\/new\/$/;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(STATIC)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith("hemolog-static-") && name !== CACHE).map((name) => caches.delete(name))
      ))
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

// The queue of entries logged offline, sent when the browser says the connection is back.
self.addEventListener("sync", (event) => {
  if (event.tag === "hemolog-queue") event.waitUntil(HemologQueue.flush());
});

// An offline form: from the network (and kept, as it was, without its address's query),
// else as kept. No connection and no form kept: a short page that says so.
function offlineForm(request, url) {
  return fetch(request).then((response) => {
    if (response.ok && !response.redirected) {
      const copy = response.clone();
      caches.open(FORMS).then((cache) => cache.put(url.pathname, copy));
    }
    return response;
  }).catch(() => caches.open(FORMS).then((cache) => cache.match(url.pathname)).then((kept) => kept || new Response(
    %(offline_page)s,
    { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } }
  )));
}

// Static files from the cache, else the network (and kept). Any other page or
// download is left to the browser: never kept here.
self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin || event.request.method !== "GET") return;
  if (event.request.mode === "navigate" && OFFLINE_FORM.test(url.pathname)) {
    event.respondWith(offlineForm(event.request, url));
    return;
  }
  // The scripts' strings in a language (/jsi18n/es.js): from the network while online (a new
  // release's strings), else as last kept, for the offline forms.
  if (url.pathname.startsWith("/jsi18n/")) {
    event.respondWith(fetch(event.request).then((response) => {
      if (response.ok) {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(event.request, copy));
      }
      return response;
    }).catch(() => caches.match(event.request)));
    return;
  }
  if (!url.pathname.startsWith("%(prefix)s")) return;
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
    body = SERVICE_WORKER % {
        "offline_page": json.dumps(_offline_page()),
        "version": version,
        "files": json.dumps(files),
        "prefix": static(""),
        "icon": icon,
        "queue": static("js/queue.js"),
    }
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"  # the browser checks for a new worker on every visit
    return response


def _offline_page() -> str:
    """The page the service worker answers with for an offline form it never kept,
    in the language the worker was fetched in."""
    return format_html(
        "<!doctype html><html lang={} dir={}><meta charset=utf-8><meta name=viewport content='width=device-width'>"
        "<title>{}</title><h1>{}</h1><p>{}</p>",
        get_language(),
        "rtl" if get_language_bidi() else "ltr",
        # Translators: the title of the page a phone shows for a form it can't open without a connection.
        _("Offline"),
        _("No connection"),
        _("This form was not opened on this phone while online."),
    )


@login_not_required
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    return redirect(static("icons/favicon.ico"), permanent=True)
