"""The regimens' pages: the list, a new one, an edit, a deletion (split from views.py by what they show)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from hemolog.core import display
from hemolog.patients.access import access_patient

from . import undo
from .models import Regimen
from .regimen_forms import RegimenForm
from .views import confirm_delete


@require_GET
def regimen_list(request: HttpRequest, patient_id: int) -> HttpResponse:
    ctx = access_patient(request, patient_id, viewing="regimens")
    today = timezone.localdate()
    regimens = list(ctx.patient.regimens.select_related("product"))
    for regimen in regimens:
        regimen.current = regimen.is_active_on(today)
    return render(request, "logbook/regimen_list.html", {"ctx": ctx, "patient": ctx.patient, "regimens": regimens})


@require_http_methods(["GET", "POST"])
def regimen_create(request: HttpRequest, patient_id: int) -> HttpResponse:
    ctx = access_patient(request, patient_id, write=True)
    form = RegimenForm(
        request.POST if request.method == "POST" else None, instance=Regimen(patient=ctx.patient), patient=ctx.patient
    )
    if form.is_valid():
        regimen = form.save()
        if form.ended_regimen:
            ends = display.day(form.ended_regimen.end_date)
            messages.info(request, gettext("The previous regimen now ends on %(day)s.") % {"day": ends})
        # Translators: "Regimen saved: Advate 1000 IU, every 2 days."
        messages.success(request, gettext("Regimen saved: %(regimen)s.") % {"regimen": regimen})
        return redirect("logbook:regimen_list", patient_id=patient_id)
    return render(request, "logbook/regimen_form.html", {"form": form, "ctx": ctx, "patient": ctx.patient})


@require_http_methods(["GET", "POST"])
def regimen_edit(request: HttpRequest, patient_id: int, pk: int) -> HttpResponse:
    ctx = access_patient(request, patient_id, write=True)
    regimen = get_object_or_404(ctx.patient.regimens, pk=pk)
    form = RegimenForm(request.POST if request.method == "POST" else None, instance=regimen, patient=ctx.patient)
    if form.is_valid():
        form.save()
        messages.success(request, gettext("The regimen was saved."))
        return redirect("logbook:regimen_list", patient_id=patient_id)
    return render(
        request, "logbook/regimen_form.html", {"form": form, "ctx": ctx, "patient": ctx.patient, "regimen": regimen}
    )


@require_http_methods(["GET", "POST"])
def regimen_delete(request: HttpRequest, patient_id: int, pk: int) -> HttpResponse:
    ctx = access_patient(request, patient_id, write=True)
    regimen = get_object_or_404(ctx.patient.regimens.select_related("product"), pk=pk)
    if request.method == "POST":
        regimen.delete()
        undo.offer(request, gettext("The regimen was deleted."), patient_id, "restore", "regimen", pk)
        return redirect("logbook:regimen_list", patient_id=patient_id)
    return confirm_delete(
        request,
        ctx,
        # Translators: "Delete the regimen Advate 1000 IU, every 2 days?"
        gettext("Delete the regimen %(regimen)s?") % {"regimen": regimen},
        reverse("logbook:regimen_list", args=[patient_id]),
        gettext("To record that a regimen stopped, set its end date instead: adherence is measured against it."),
    )
