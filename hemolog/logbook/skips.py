"""Marking a scheduled prophylaxis dose skipped, with why ("given as a
treatment dose", "forgotten", "illness"): its reminders stop, and adherence
names it in its calculation (hemolog.clinical.adherence) rather than hide it.
Only a day the patient's regimen scheduled, from 60 days back to 60 ahead."""

from __future__ import annotations

import contextlib
import datetime as dt

from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_http_methods

from hemolog.clinical.adherence import scheduled_doses
from hemolog.patients.access import access_patient

from .models import Regimen, SkippedDose, SkipReason
from .schedules import schedule_record

REACH_DAYS = 60


class SkipForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("Why was it not given?"), choices=SkipReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)


def scheduled_day(patient, value: str) -> dt.date | None:
    """``value`` (an ISO date) if the patient's regimen scheduled a dose that day within reach, else None."""
    try:
        day = dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    today = timezone.localdate()
    if abs((day - today).days) > REACH_DAYS:
        return None
    schedules = [schedule_record(r) for r in Regimen.objects.filter(patient=patient)]
    days = {s.day for s in scheduled_doses(schedules, day, day, timezone.get_current_timezone())}
    return day if day in days else None


@require_http_methods(["GET", "POST"])
def skip_dose(request: HttpRequest, patient_id: int) -> HttpResponse:
    ctx = access_patient(request, patient_id, write=True)
    day = scheduled_day(ctx.patient, request.GET.get("day", ""))
    if day is None:
        raise Http404("No such scheduled dose.")
    form = SkipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        skip = SkippedDose(patient=ctx.patient, day=day, created_by=request.user, **form.cleaned_data)
        with (
            contextlib.suppress(IntegrityError),
            transaction.atomic(),
        ):  # marked already: by a second tap, or the other parent
            skip.save()
        text = gettext("%(name)s: the dose of %(day)s is marked skipped (%(reason)s).") % {
            "name": ctx.patient.display_name,
            "day": date_format(day, "D j M"),
            "reason": skip.reason_label,
        }
        messages.success(request, text)
        return redirect("insights:dashboard", patient_id=patient_id)
    return render(request, "logbook/skip_form.html", {"ctx": ctx, "patient": ctx.patient, "form": form, "day": day})
