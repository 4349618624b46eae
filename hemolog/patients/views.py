import datetime as dt

from django.contrib import messages
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hemolog.accounts.reauthentication import confirm_identity
from hemolog.core import display, undo
from hemolog.core.caching import values_cache
from hemolog.core.links import entry_links
from hemolog.core.times import Times

from .access import access_patient
from .forms import PatientForm, WeightForm
from .models import Patient, PatientAccess, WeightMeasurement

# Entries older than a day change the page only through data_version, which is in the key.
RECENT_LOG_SECONDS = 60 * 60 * 24


def _recent_log(patient: Patient, today: dt.date) -> dict:
    """What the patient page shows of the log, as display values, worked out
    once per log version, day, time zone and language: every change to an
    entry, a weight or a regimen moves the patient's ``data_version`` on
    (hemolog.patients.signals), so a cached copy is never stale; the day is
    in the key for the regimen active today, the zone for the times shown,
    the language for the labels and numbers."""
    times = Times()
    language = translation.get_language()
    key = f"patient-page:{patient.pk}:{patient.data_version}:{today.isoformat()}:{times.tz}:{language}"
    return values_cache.get_or_set(key, lambda: _read_recent_log(patient, today, times), RECENT_LOG_SECONDS)


def _read_recent_log(patient: Patient, today: dt.date, times: Times) -> dict:
    regimen = patient.regimens.active_on(today).select_related("product").first()
    weight_delete = entry_links("patients:weight_delete", patient.pk)
    return {
        "recent_bleeds": [
            {"when": times.day_and_time(b.started_at), "site": b.site_label, "ongoing": not b.resolved_at}
            for b in patient.bleeds.all()[:5]
        ],
        "recent_infusions": [
            {
                "when": times.day_and_time(i.given_at),
                # Translators: a dose as the patient page lists it, e.g. "1000 IU Advate".
                "dose": _("%(dose)s %(unit)s %(product)s")
                % {"dose": display.number(i.dose), "unit": i.product.unit, "product": i.product.brand_name},
                "reason": i.get_reason_display(),
            }
            for i in patient.infusions.select_related("product")[:5]
        ],
        "regimen": str(regimen) if regimen else "",
        # A new log: the page offers the next steps (a regimen, the stock) until one is taken.
        "new_log": not regimen
        and not patient.regimens.exists()
        and not patient.stock_lots.exists()
        and not patient.infusions.exists(),
        "weights": [
            {"day": times.day(w.measured_on), "kg": display.number(w.weight_kg), "delete_url": weight_delete(w.pk)}
            for w in patient.weights.all()[:10]
        ],
    }


@require_http_methods(["GET", "POST"])
def patient_create(request: HttpRequest) -> HttpResponse:
    form = PatientForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        with transaction.atomic():
            patient = form.save()
            PatientAccess.objects.create(
                user=request.user, patient=patient, role=PatientAccess.Role.OWNER, granted_by=request.user
            )
            if form.cleaned_data.get("weight_kg"):
                patient.weights.create(measured_on=timezone.localdate(), weight_kg=form.cleaned_data["weight_kg"])
        messages.success(request, _("%(name)s's profile was created.") % {"name": patient.display_name})
        return redirect("patients:detail", patient_id=patient.pk)
    return render(request, "patients/patient_form.html", {"form": form})


@require_GET
def patient_detail(request: HttpRequest, patient_id: int) -> HttpResponse:
    ctx = access_patient(request, patient_id, viewing="overview")
    patient = ctx.patient
    return render(
        request,
        "patients/patient_detail.html",
        {
            "ctx": ctx,
            "patient": patient,
            **_recent_log(patient, timezone.localdate()),
            "weight_form": WeightForm(patient=patient) if ctx.can_write else None,
            "access_rows": patient.access.select_related("user").order_by("role", "granted_at")
            if ctx.is_owner
            else None,
        },
    )


@require_http_methods(["GET", "POST"])
def patient_edit(request: HttpRequest, patient_id: int) -> HttpResponse:
    ctx = access_patient(request, patient_id, write=True)
    form = PatientForm(request.POST if request.method == "POST" else None, instance=ctx.patient)
    if form.is_valid():
        form.save()
        messages.success(request, _("The profile was saved."))
        return redirect("patients:detail", patient_id=patient_id)
    return render(request, "patients/patient_form.html", {"form": form, "patient": ctx.patient, "ctx": ctx})


@require_http_methods(["GET", "POST"])
def patient_delete(request: HttpRequest, patient_id: int) -> HttpResponse:
    ctx = access_patient(request, patient_id, write=True, owner=True)
    confirm_identity(request)
    if request.method == "POST":
        name = ctx.patient.display_name
        try:
            ctx.patient.delete()
        except (ProtectedError, RestrictedError):
            # Only a log restored before archives were checked can tie two
            # patients together (another patient's dose of this one's own product).
            messages.error(
                request,
                _(
                    "%(name)s's profile can't be deleted: another patient's log uses a product of %(name)s's. "
                    "Delete those entries first, or ask the treatment centre's administrator."
                )
                % {"name": name},
            )
            return redirect("patients:detail", patient_id=patient_id)
        messages.success(request, _("%(name)s's profile and log were deleted.") % {"name": name})
        return redirect("home")
    return render(
        request,
        "confirm_delete.html",
        {
            "patient": ctx.patient,
            "ctx": ctx,
            "title": _("Delete %(name)s's profile?") % {"name": ctx.patient.display_name},
            "warning": _(
                "This deletes the whole log: every bleed, infusion, regimen and stock lot. It can't be undone."
            ),
            "cancel_url": reverse("patients:detail", args=[patient_id]),
        },
    )


@require_POST
def weight_add(request: HttpRequest, patient_id: int) -> HttpResponse:
    ctx = access_patient(request, patient_id, write=True)
    form = WeightForm(request.POST, patient=ctx.patient)
    if form.is_valid():
        WeightMeasurement.objects.update_or_create(
            patient=ctx.patient,
            measured_on=form.cleaned_data["measured_on"],
            defaults={"weight_kg": form.cleaned_data["weight_kg"]},
        )
        weight = display.number(form.cleaned_data["weight_kg"])
        messages.success(request, _("Weight %(weight)s kg saved.") % {"weight": weight})
        return redirect("patients:detail", patient_id=patient_id)
    return render(request, "patients/weight_form.html", {"form": form, "patient": ctx.patient, "ctx": ctx})


@require_http_methods(["GET", "POST"])
def weight_delete(request: HttpRequest, patient_id: int, pk: int) -> HttpResponse:
    ctx = access_patient(request, patient_id, write=True)
    weight = get_object_or_404(ctx.patient.weights, pk=pk)
    if request.method == "POST":
        weight.delete()
        change = {"p": patient_id, "a": "restore", "k": "weight", "id": pk}  # undone by hemolog.logbook.undo
        undo.offer(request, _("The weight was deleted."), reverse("logbook:undo", args=[patient_id]), change)
        return redirect("patients:detail", patient_id=patient_id)
    return render(
        request,
        "confirm_delete.html",
        {
            "patient": ctx.patient,
            "ctx": ctx,
            # Translators: "weight" is e.g. "31.5 kg on 3 Dec 2026".
            "title": _("Delete the weight of %(weight)s?") % {"weight": weight},
            "cancel_url": reverse("patients:detail", args=[patient_id]),
        },
    )
