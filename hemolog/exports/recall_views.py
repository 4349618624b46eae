"""The lot recall page and its CSV, across every patient the user can see
(owner, caregiver and clinician alike). Not patient-scoped, so served at the
site root (``/recall/``); the patients come from ``Patient.objects.visible_to``
inside :func:`.recall.find_lot`, never from an id in the URL."""

from __future__ import annotations

import re
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from hemolog.patients.audit import record_export, record_view
from hemolog.patients.models import PatientAccess

from .recall import MAX_LOT_NUMBER, Recall, find_lot, recall_csv


class RecallForm(forms.Form):
    lot = forms.CharField(
        label=gettext_lazy("Lot number"),
        max_length=MAX_LOT_NUMBER,
        required=False,
        help_text=gettext_lazy(
            "Exactly as on the vial or the recall notice; capitals and spaces around it don't matter."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )


def _lookup(request: HttpRequest) -> tuple[RecallForm, Recall | None]:
    form = RecallForm(request.GET if "lot" in request.GET else None)
    if form.is_valid() and form.cleaned_data["lot"]:
        return form, find_lot(request.user, form.cleaned_data["lot"])
    return form, None


def _record(request: HttpRequest, recall: Recall, record: Callable[[PatientAccess, str], None], what: str) -> None:
    """Write the access record for each patient in the result (one query for the access rows)."""
    patients = [patient.pk for patient in recall.patients]
    if not patients:
        return
    rows = PatientAccess.objects.filter(user=request.user, patient_id__in=patients).select_related("patient", "user")
    for access in rows:
        record(access, what)


@require_GET
def recall_lookup(request: HttpRequest) -> HttpResponse:
    form, recall = _lookup(request)
    if recall is not None:
        # A clinician looking up a lot sees who received it: a view of those patients' logs.
        _record(request, recall, record_view, f"lot recall lookup {recall.lot_number}")
    return render(
        request,
        "exports/recall.html",
        {"form": form, "recall": recall, "patients": recall.patients if recall else []},
    )


@require_GET
def recall_export(request: HttpRequest) -> HttpResponse:
    form, recall = _lookup(request)
    if recall is None:
        if not form.errors:
            messages.error(request, _("Type a lot number to export the list for."))
        query = "?" + request.GET.urlencode() if form.errors else ""
        return redirect(reverse("exports:recall") + query)  # the page shows what is wrong with the number
    _record(request, recall, record_export, f"lot recall CSV {recall.lot_number}")
    safe = re.sub(r"[^A-Za-z0-9_-]+", "_", recall.lot_number)[:MAX_LOT_NUMBER] or "lot"
    return HttpResponse(
        recall_csv(recall, timezone.get_current_timezone()),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="lot-{safe}-recall.csv"'},
    )
