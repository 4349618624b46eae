"""CSV import of a patient's bleeds or infusions: upload, preview, confirm.

Between the upload and the confirmation the file waits in a
:class:`.models.PendingImport` row, compressed, readable from any server: one
file per user (a new upload replaces it), at most :data:`.csv_upload.MAX_BYTES`
before compression, removed once imported or cancelled, ignored after a day.
The preview and the confirmation both check every row
against the log as it is at that moment; the confirmation saves only if the
outcome is the one its preview showed (else it shows the new preview), so a
double-tapped "Import" or an entry logged meanwhile never doubles a row.
"""

from __future__ import annotations

import logging

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from hemolog.core.caching import values_cache
from hemolog.patients.access import PatientContext, access_patient

from .columns import BLEED_COLUMNS, INFUSION_COLUMNS
from .csv_import import ImportPlan, Status, build_plan, lock_log, save_plan
from .csv_upload import BLEEDS, INFUSIONS, MAX_BYTES, MAX_ROWS, REQUIRED_COLUMNS, FileProblem, read_table, too_big
from .models import PendingImport

logger = logging.getLogger(__name__)

PREVIEW_PAGE_SIZE = 100
PREVIEW_CACHE_SECONDS = 30 * 60
SHOW_CHOICES = {
    "all": "All rows",
    Status.NEW: "To import",
    Status.CONFIRM: "To confirm",
    Status.ERROR: "Errors",
    Status.DUPLICATE: "Already in the log",
}


class CsvUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        error_messages={"required": "Choose a CSV file.", "empty": "The file is empty."},
        help_text=f"A Hemolog CSV export, or a file with the same columns; at most {MAX_BYTES // (1024 * 1024)} MB "
        f"and {MAX_ROWS:,} rows.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
    )
    kind = forms.ChoiceField(
        label="The file holds",
        choices=[("", "Find out from its first line"), (BLEEDS, "Bleeds"), (INFUSIONS, "Infusions")],
        required=False,
        widget=forms.RadioSelect,
        initial="",
    )

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is None:
            return data
        if upload.size > MAX_BYTES:  # refuse before reading it
            self.add_error("file", too_big(upload.size))
            return data
        self.content = upload.read()
        try:
            self.table = read_table(self.content, data.get("kind") or None)
        except FileProblem as problem:
            self.add_error("file", str(problem))
        return data


def _pending(request: HttpRequest, patient_id: int) -> PendingImport | None:
    return PendingImport.objects.waiting().filter(user=request.user, patient_id=patient_id).first()


def _forget(request: HttpRequest) -> None:
    PendingImport.objects.filter(user=request.user).delete()


def _list_url(kind: str) -> str:
    return "logbook:bleed_list" if kind == BLEEDS else "logbook:infusion_list"


@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, patient_id: int) -> HttpResponse:
    ctx = access_patient(request, patient_id, write=True)
    form = CsvUploadForm(request.POST, request.FILES) if request.method == "POST" else CsvUploadForm()
    if form.is_valid():
        upload = form.cleaned_data["file"]
        PendingImport.replace(request.user, ctx.patient, form.table.kind, upload.name, form.content)
        return redirect("exports:import_preview", patient_id=patient_id)
    return render(
        request,
        "exports/import_upload.html",
        {
            "ctx": ctx,
            "patient": ctx.patient,
            "form": form,
            "columns": {BLEEDS: BLEED_COLUMNS, INFUSIONS: INFUSION_COLUMNS},
            "required": REQUIRED_COLUMNS,
        },
    )


class ConfirmImportForm(forms.Form):
    token = forms.CharField(max_length=64)
    fingerprint = forms.CharField(max_length=64)
    include_flagged = forms.BooleanField(required=False)


@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, patient_id: int) -> HttpResponse:
    """GET shows what the waiting file would do; POST imports it (or cancels)."""
    ctx = access_patient(request, patient_id, write=True)
    pending = _pending(request, ctx.patient.pk)
    if request.method == "POST":
        return _confirm(request, ctx, pending)
    if pending is None:
        return render(request, "exports/import_preview.html", {"ctx": ctx, "patient": ctx.patient, "plan": None})
    try:
        plan = _preview_plan(ctx, pending)
    except FileProblem as problem:  # limits changed since the upload
        _forget(request)
        messages.error(request, str(problem))
        return redirect("exports:import_upload", patient_id=patient_id)
    show = request.GET.get("show", "all")
    if show not in SHOW_CHOICES:
        show = "all"
    rows = plan.rows if show == "all" else [row for row in plan.rows if row.status == show]
    counts = {status: plan.count(status) for status in Status}
    return render(
        request,
        "exports/import_preview.html",
        {
            "ctx": ctx,
            "patient": ctx.patient,
            "plan": plan,
            "pending": pending,
            "page": Paginator(rows, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page")),
            "show": show,
            "tabs": [(key, label, counts.get(key, len(plan.rows))) for key, label in SHOW_CHOICES.items()],
            "counts": counts,
            "importable": counts[Status.NEW] + counts[Status.CONFIRM],
            "noun": "bleed" if plan.kind == BLEEDS else "infusion",
        },
    )


def _cache_key(ctx: PatientContext, pending: PendingImport) -> str:
    zone = timezone.get_current_timezone_name()  # the preview shows times in it
    return f"hemolog:csv-import:{pending.token}:{ctx.patient.data_version}:{zone}"


def _preview_plan(ctx: PatientContext, pending: PendingImport) -> ImportPlan:
    """The plan as the preview shows it. Checking thousands of rows takes seconds, so it is
    kept in the cache while the log's data version stays the same (every change to the
    log moves it on), for the preview's tabs and pages; the confirmation checks again."""
    key = _cache_key(ctx, pending)
    plan = values_cache.get(key)
    if plan is None:
        plan = build_plan(read_table(pending.data(), pending.kind), ctx.patient).for_display()
        values_cache.set(key, plan, PREVIEW_CACHE_SECONDS)
    return plan


def _confirm(request: HttpRequest, ctx: PatientContext, pending: PendingImport | None) -> HttpResponse:
    patient = ctx.patient
    form = ConfirmImportForm(request.POST)
    if pending is None or not form.is_valid() or form.cleaned_data["token"] != pending.token:
        messages.error(
            request,
            "That preview is no longer waiting: it was imported, cancelled or replaced by another file. "
            "Nothing was saved from it; upload the file again if needed.",
        )
        return redirect("exports:import_upload", patient_id=patient.pk)
    if "cancel" in request.POST:
        _forget(request)
        messages.info(request, "Import cancelled: nothing was saved.")
        return redirect("exports:import_upload", patient_id=patient.pk)

    include_flagged = form.cleaned_data["include_flagged"]
    try:
        table = read_table(pending.data(), pending.kind)
    except FileProblem as problem:  # the limits changed since the upload
        _forget(request)
        messages.error(request, str(problem))
        return redirect("exports:import_upload", patient_id=patient.pk)
    try:
        with transaction.atomic():
            lock_log(patient)
            plan = build_plan(table, patient)
            if plan.fingerprint() != form.cleaned_data["fingerprint"]:
                # The change may be one the version misses (a product added).
                values_cache.delete(_cache_key(ctx, pending))
                messages.warning(
                    request,
                    "The log changed since this preview was shown, so nothing was saved yet. "
                    "Check the preview again and confirm.",
                )
                return redirect("exports:import_preview", patient_id=patient.pk)
            saved = save_plan(plan, patient, request.user, include_flagged=include_flagged)
    except IntegrityError:
        # A row the forms let through but the database refuses: a bug to fix, never a 500.
        logger.exception("CSV import refused by the database (patient %s)", patient.pk)
        messages.error(request, "The database refused one of the rows, so nothing was saved. Please report this.")
        return redirect("exports:import_preview", patient_id=patient.pk)
    _forget(request)
    messages.success(request, _summary(patient.display_name, plan, saved, include_flagged))
    return redirect(_list_url(plan.kind), patient_id=patient.pk)


def _summary(name: str, plan: ImportPlan, saved: int, include_flagged: bool) -> str:
    noun = "bleed" if plan.kind == BLEEDS else "infusion"
    parts = [f"{name}: {saved} {noun}{'s' if saved != 1 else ''} imported."]
    skipped = [
        (plan.count(Status.DUPLICATE), "already in the log"),
        (plan.count(Status.ERROR), "with errors"),
        (0 if include_flagged else plan.count(Status.CONFIRM), "not confirmed"),
    ]
    skipped = [f"{count} {why}" for count, why in skipped if count]
    if skipped:
        parts.append("Rows skipped: " + ", ".join(skipped) + ".")
    return " ".join(parts)
