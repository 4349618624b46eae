"""CSV import of a patient's bleeds or infusions: upload, preview, confirm.

Between the upload and the confirmation the file waits in a
:class:`.models.PendingImport` row, compressed, readable from any server: one
file per user (a new upload replaces it), at most :data:`.csv_upload.MAX_BYTES`
before compression, removed once imported or cancelled, ignored after a day.
The preview and the confirmation both check every row
against the log as it is at that moment, on the worker (:mod:`.import_jobs`:
the person watches the job's page); the confirmation saves only if the
outcome is the one its preview showed (else it shows the new preview), so a
double-tapped "Import" or an entry logged meanwhile never doubles a row.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from hemolog.background.jobs import TooManyJobs, start_job, too_many_jobs
from hemolog.patients.access import PatientContext, access_patient

from . import import_jobs
from .columns import BLEED_COLUMNS, INFUSION_COLUMNS
from .csv_import import Status
from .csv_upload import BLEEDS, INFUSIONS, MAX_BYTES, MAX_ROWS, REQUIRED_COLUMNS, FileProblem, read_table, too_big
from .models import PendingImport

PREVIEW_PAGE_SIZE = 100
# The preview's tabs: which rows each shows.
SHOW_CHOICES = {
    "all": gettext_lazy("All rows"),
    Status.NEW: gettext_lazy("To import"),
    Status.CONFIRM: gettext_lazy("To confirm"),
    Status.ERROR: gettext_lazy("Errors"),
    Status.DUPLICATE: gettext_lazy("Already in the log"),
}


def _upload_help() -> str:
    return _("A Hemolog CSV export, or a file with the same columns; at most %(size)s MB and %(rows)s rows.") % {
        "size": MAX_BYTES // (1024 * 1024),
        "rows": formats.number_format(MAX_ROWS, force_grouping=True),
    }


class CsvUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        error_messages={"required": gettext_lazy("Choose a CSV file."), "empty": gettext_lazy("The file is empty.")},
        help_text=lazy(_upload_help, str)(),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("The file holds"),
        choices=[
            ("", gettext_lazy("Find out from its first line")),
            (BLEEDS, gettext_lazy("Bleeds")),
            (INFUSIONS, gettext_lazy("Infusions")),
        ],
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
    """GET shows what the waiting file would do (once the worker has checked
    it); POST imports it on the worker (or cancels)."""
    ctx = access_patient(request, patient_id, write=True)
    pending = _pending(request, ctx.patient.pk)
    if request.method == "POST":
        return _confirm(request, ctx, pending)
    if pending is None:
        return render(request, "exports/import_preview.html", {"ctx": ctx, "patient": ctx.patient, "plan": None})
    plan = import_jobs.checked_plan(ctx.patient, pending)
    if plan is None:
        return _to_job(request, import_jobs.CSV_CHECK, ctx, pending, _("Checking the file"))
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
            "bleeds": plan.kind == BLEEDS,
        },
    )


def _to_job(
    request: HttpRequest, kind: str, ctx: PatientContext, pending: PendingImport, title: str, **params
) -> HttpResponse:
    """Send the person to the page of the job doing this, started unless one is under way."""
    job = import_jobs.job_in_progress(request.user, kind, ctx.patient, pending, **params)
    if job is None:
        params |= {"title": title, "patient_id": ctx.patient.pk, "token": pending.token}
        params["key"] = import_jobs.plan_key(ctx.patient, pending)
        try:
            job = start_job(request.user, kind, params=params)
        except TooManyJobs:
            messages.warning(request, too_many_jobs())
            return redirect("exports:import_upload", patient_id=ctx.patient.pk)
    return redirect("background:job", token=job.token)


def _confirm(request: HttpRequest, ctx: PatientContext, pending: PendingImport | None) -> HttpResponse:
    patient = ctx.patient
    form = ConfirmImportForm(request.POST)
    if pending is None or not form.is_valid() or form.cleaned_data["token"] != pending.token:
        messages.error(request, import_jobs.NO_LONGER_WAITING)
        return redirect("exports:import_upload", patient_id=patient.pk)
    if "cancel" in request.POST:
        under_way = import_jobs.job_in_progress(request.user, import_jobs.CSV_IMPORT, patient, pending)
        if under_way is not None:  # its save may be in already: let it end, and say how it ended
            messages.warning(request, _("The import is under way and can no longer be cancelled."))
            return redirect("background:job", token=under_way.token)
        _forget(request)
        messages.info(request, _("Import cancelled: nothing was saved."))
        return redirect("exports:import_upload", patient_id=patient.pk)
    return _to_job(
        request,
        import_jobs.CSV_IMPORT,
        ctx,
        pending,
        _("Importing the file"),
        fingerprint=form.cleaned_data["fingerprint"],
        include_flagged=form.cleaned_data["include_flagged"],
    )
