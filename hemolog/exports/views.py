"""Export pages and downloads. Every download goes through the access helper
(any role that can see the patient may export; the archive is the owner's)
and is recorded with :func:`hemolog.patients.audit.record_export`."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from hemolog.accounts.reauthentication import confirm_identity
from hemolog.background.jobs import TooManyJobs, start_job, too_many_jobs
from hemolog.background.models import Job
from hemolog.core.dates import DateRange
from hemolog.patients.access import PatientContext, access_patient
from hemolog.patients.audit import record_export
from hemolog.patients.models import PatientAccess

from . import archive, csv_export, fhir_bundle, jobs, pdf_report
from .forms import FORMAT_CHOICES, MAX_ARCHIVE_BYTES, ArchiveUploadForm, ExportForm

# A report over more than about 13 months is made by the worker (a ten-year log's took 1.1 s).
LONG_REPORT_DAYS = 400
DOWNLOAD_URLS = {
    "bleeds_csv": "exports:bleeds_csv",
    "infusions_csv": "exports:infusions_csv",
    "stock_csv": "exports:stock_csv",
    "csv_zip": "exports:csv_zip",
    "pdf": "exports:pdf",
    "fhir": "exports:fhir",
}
CSV_NAMES = {"bleeds": "bleeds", "infusions": "infusions", "stock": "stock-movements"}


def _file_stem(ctx: PatientContext, period: DateRange) -> str:
    name = slugify(ctx.patient.display_name) or f"patient-{ctx.patient.pk}"
    return f"{name}_{period.start.isoformat()}_{period.end.isoformat()}"


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _export_page(request: HttpRequest, ctx: PatientContext, form: ExportForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "exports/export.html",
        {"ctx": ctx, "patient": ctx.patient, "form": form, "formats": FORMAT_CHOICES},
        status=status,
    )


def _chosen_range(request: HttpRequest, ctx: PatientContext) -> tuple[DateRange | None, HttpResponse | None]:
    """The range in the query string (default: the last 12 months), or the
    export page with the form's errors when it is not a valid one."""
    form = ExportForm(request.GET, today=timezone.localdate())
    if form.is_valid():
        return form.date_range(), None
    return None, _export_page(request, ctx, form, status=422)


@require_GET
def export_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Choose dates and a format; a valid choice goes on to its download."""
    ctx = access_patient(request, patient_id)
    if "format" not in request.GET:
        return _export_page(request, ctx, ExportForm(today=timezone.localdate()))
    form = ExportForm(request.GET, today=timezone.localdate(), require_format=True)
    if not form.is_valid():
        return _export_page(request, ctx, form, status=422)
    period = form.date_range()
    query = urlencode({"start": period.start.isoformat(), "end": period.end.isoformat()})
    url = reverse(DOWNLOAD_URLS[form.cleaned_data["format"]], kwargs={"patient_id": ctx.patient.pk})
    return redirect(f"{url}?{query}")


def _csv_download(request: HttpRequest, patient_id: int, which: str) -> HttpResponse:
    ctx = access_patient(request, patient_id)
    period, error_page = _chosen_range(request, ctx)
    if error_page:
        return error_page
    tz = timezone.get_current_timezone()
    record_export(ctx.access, f"{which} CSV {period.iso}")
    response = StreamingHttpResponse(
        csv_export.CSV_FILES[which](ctx.patient, period, tz), content_type="text/csv; charset=utf-8"
    )
    return _attachment(response, f"{_file_stem(ctx, period)}_{CSV_NAMES[which]}.csv")


@never_cache
@require_GET
def bleeds_csv(request: HttpRequest, patient_id: int) -> HttpResponse:
    return _csv_download(request, patient_id, "bleeds")


@never_cache
@require_GET
def infusions_csv(request: HttpRequest, patient_id: int) -> HttpResponse:
    return _csv_download(request, patient_id, "infusions")


@never_cache
@require_GET
def stock_csv(request: HttpRequest, patient_id: int) -> HttpResponse:
    return _csv_download(request, patient_id, "stock")


@never_cache
@require_GET
def csv_zip(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The three CSV files in one ZIP, streamed as it is compressed."""
    ctx = access_patient(request, patient_id)
    period, error_page = _chosen_range(request, ctx)
    if error_page:
        return error_page
    tz = timezone.get_current_timezone()
    stem = _file_stem(ctx, period)
    record_export(ctx.access, f"CSV zip (bleeds, infusions, stock) {period.iso}")
    files = [
        (f"{stem}_{CSV_NAMES[which]}.csv", make(ctx.patient, period, tz))
        for which, make in csv_export.CSV_FILES.items()
    ]
    response = StreamingHttpResponse(csv_export.zip_stream(files, timezone.localtime()), content_type="application/zip")
    return _attachment(response, f"{stem}_csv.zip")


@never_cache
@require_GET
def pdf(request: HttpRequest, patient_id: int) -> HttpResponse:
    ctx = access_patient(request, patient_id)
    period, error_page = _chosen_range(request, ctx)
    if error_page:
        return error_page
    record_export(ctx.access, f"PDF clinic report {period.iso}")
    prepared_for = request.user.get_full_name() or request.user.email
    filename = f"{_file_stem(ctx, period)}_report.pdf"
    if (period.end - period.start).days >= LONG_REPORT_DAYS:  # seconds of drawing: on the worker
        return _report_job(request, ctx, period, prepared_for, filename)
    body = pdf_report.clinic_report(ctx.patient, period, timezone.get_current_timezone(), prepared_for=prepared_for)
    return _attachment(HttpResponse(body, content_type="application/pdf"), filename)


def _report_job(
    request: HttpRequest, ctx: PatientContext, period: DateRange, prepared_for: str, filename: str
) -> HttpResponse:
    """The page of the job making this report: the one under way for the same days, or a new one."""
    params = {"patient_id": ctx.patient.pk, "start": period.start.isoformat(), "end": period.end.isoformat()}
    under_way = Job.objects.filter(user=request.user, kind=jobs.PDF_REPORT).exclude(status__in=Job.FINISHED)
    job = under_way.filter(**{f"params__{name}": value for name, value in params.items()}).first()
    if job is None:
        params |= {"prepared_for": prepared_for, "filename": filename, "title": _("Making the clinic report")}
        try:
            job = start_job(request.user, jobs.PDF_REPORT, params=params)
        except TooManyJobs:
            messages.warning(request, too_many_jobs())
            return redirect("exports:export", patient_id=ctx.patient.pk)
    return redirect("background:job", token=job.token)


@never_cache
@require_GET
def fhir(request: HttpRequest, patient_id: int) -> HttpResponse:
    ctx = access_patient(request, patient_id)
    period, error_page = _chosen_range(request, ctx)
    if error_page:
        return error_page
    record_export(ctx.access, f"FHIR bundle {period.iso}")
    bundle = fhir_bundle.patient_bundle(ctx.patient, period, timezone.get_current_timezone())
    response = HttpResponse(fhir_bundle.bundle_json(bundle), content_type="application/fhir+json; charset=utf-8")
    return _attachment(response, f"{_file_stem(ctx, period)}_fhir.json")


# The personal archive --------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def archive_export(request: HttpRequest, patient_id: int) -> HttpResponse:
    """GET: what the archive holds; POST: download it. Owners only: it holds
    every patient this account owns, not only this one."""
    ctx = access_patient(request, patient_id, owner=True)
    confirm_identity(request)
    owned = archive.owned_patients(request.user)
    if request.method == "GET":
        return render(request, "exports/archive.html", {"ctx": ctx, "patient": ctx.patient, "owned": owned})
    now = timezone.now()
    data = archive.build_archive(request.user, now=now)
    accesses = PatientAccess.objects.filter(user=request.user, role=PatientAccess.Role.OWNER).select_related("patient")
    for access in accesses:
        record_export(access, "full personal archive")
    stamp = timezone.localtime(now).strftime("%Y-%m-%d")
    name = slugify(request.user.email.split("@")[0]) or "account"
    response = HttpResponse(archive.archive_json(data), content_type="application/json; charset=utf-8")
    return _attachment(response, f"hemolog-archive_{name}_{stamp}.json")


@require_http_methods(["GET", "POST"])
def archive_import(request: HttpRequest) -> HttpResponse:
    """Restore an archive into this account, which must own no patient yet:
    the file is checked and restored by the worker, this page sends the
    person to the job's page, which shows how far it is and then the result."""
    owns = bool(archive.owned_patients(request.user))
    form = ArchiveUploadForm(request.POST, request.FILES) if request.method == "POST" else ArchiveUploadForm()
    if request.method == "POST" and form.is_valid() and not owns:
        raw = form.cleaned_data["archive"].read(MAX_ARCHIVE_BYTES + 1)
        try:
            job = start_job(request.user, jobs.ARCHIVE_RESTORE, data=raw, params={"title": _("Importing an archive")})
        except TooManyJobs:
            form.add_error("archive", too_many_jobs())
        else:
            return redirect("background:job", token=job.token)
    if request.method == "POST" and owns and not form.errors:
        form.add_error("archive", _("Nothing was imported."))
        form.add_error("archive", archive.OWNS_PATIENTS_ALREADY)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "exports/archive_import.html",
        {"form": form, "owns": owns, "max_mb": MAX_ARCHIVE_BYTES // (1024 * 1024)},
        status=status,
    )
