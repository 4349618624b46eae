"""The page of who changed what in a patient's log (hemolog.logbook.changes):
the patient's latest changes, or one entry's (``?entry=bleed-12``). Anyone
who sees the patient sees it, clinicians included: it is part of the log."""

from __future__ import annotations

import re

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hemolog.patients.access import access_patient

from .changes import KINDS, LATEST, entry_changes, latest_changes

_ENTRY = re.compile(r"^([a-z]+)-(\d{1,12})$")


@require_GET
def changes(request: HttpRequest, patient_id: int) -> HttpResponse:
    ctx = access_patient(request, patient_id, viewing="changes")
    entry = request.GET.get("entry", "")
    kind_name = ""
    if entry:
        match = _ENTRY.match(entry)
        if not match or match.group(1) not in KINDS:
            raise Http404("No such entry.")
        kind, entry_id = match.group(1), int(match.group(2))
        found = entry_changes(ctx.patient, kind, entry_id)
        if not found:
            raise Http404("No such entry.")
        kind_name = KINDS[kind][1]
    else:
        found = latest_changes(ctx.patient)
    return render(
        request,
        "logbook/changes.html",
        {
            "ctx": ctx,
            "patient": ctx.patient,
            "changes": found,
            "one_entry": bool(entry),
            "kind_name": kind_name,
            "latest": LATEST,
        },
    )
