"""Undo, for a while, a deleted entry or a bleed marked resolved.

The message after the change carries an *Undo* button (hemolog.core.undo):
a signed token naming the user, the patient and the change, valid for ten
minutes, posted here. A deleted entry comes back from its change history (django-simple-history keeps
its last state), with its id: what pointed at it (an infusion treating the
bleed) is linked again, and a dose takes its vials from the lot again, as when
it was logged. Whatever happened meanwhile wins: a lot emptied since, or a
weight logged for the same day, and the undo is refused with the reason.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from hemolog.core import undo as undo_button
from hemolog.inventory.stock import InsufficientStock
from hemolog.patients.access import access_patient
from hemolog.patients.models import WeightMeasurement

from . import services
from .models import BleedEpisode, Infusion, Regimen

# kind -> (model, the list the entry is shown in, by name of its URL)
KINDS = {
    "bleed": (BleedEpisode, "logbook:bleed_list"),
    "infusion": (Infusion, "logbook:infusion_list"),
    "regimen": (Regimen, "logbook:regimen_list"),
    "weight": (WeightMeasurement, "patients:detail"),
}


class Refused(Exception):
    """The change cannot be undone: the message says why."""


def offer(request: HttpRequest, text: str, patient_id: int, action: str, kind: str, pk: int, **extra) -> None:
    """A success message with an *Undo* button for ``action`` ("restore" a deleted
    entry, "unresolve" a bleed) on the entry ``kind`` ``pk`` of the patient."""
    change = {"p": patient_id, "a": action, "k": kind, "id": pk, **extra}
    undo_button.offer(request, text, reverse("logbook:undo", args=[patient_id]), change)


@require_POST
def undo(request: HttpRequest, patient_id: int) -> HttpResponse:
    ctx = access_patient(request, patient_id, write=True)
    change = undo_button.read(request)
    if change is None or change.get("p") != patient_id or change.get("k") not in KINDS:
        messages.error(
            request, gettext("This can no longer be undone: it is possible for 10 minutes after the change.")
        )
        return redirect("patients:detail", patient_id=patient_id)
    model, list_url = KINDS[change["k"]]
    try:
        with transaction.atomic():
            if change["a"] == "restore":
                _restore(ctx.patient, model, change, request.user)
                messages.success(request, gettext("Undone: the entry is back."))
            elif change["a"] == "unresolve":
                _unresolve(ctx.patient, change)
                messages.success(request, gettext("Undone: the bleed is ongoing again."))
    except Refused as refused:
        messages.error(request, str(refused))
    return redirect(list_url, patient_id=patient_id)


def _restore(patient, model, change: dict, user) -> None:
    if model.objects.filter(pk=change["id"]).exists():
        return  # undone already (a second tap)
    deleted = (
        model.history.filter(id=change["id"], patient_id=patient.pk, history_type="-").order_by("-history_id").first()
    )
    if deleted is None:
        raise Refused(gettext("This can no longer be undone."))
    entry = deleted.instance
    entry._change_reason = "undo"
    try:
        with transaction.atomic():
            if isinstance(entry, Infusion):
                services.restore_infusion(entry, user)
            else:
                entry.save()
            if hasattr(entry, "created_at"):  # saved as new, it was stamped now: it was logged then
                model.objects.filter(pk=entry.pk).update(created_at=deleted.created_at)
    except InsufficientStock as short:
        raise Refused(gettext("The dose could not be put back: %(reason)s") % {"reason": short}) from None
    except IntegrityError:
        raise Refused(gettext("This could not be undone: an entry logged since takes its place.")) from None
    if isinstance(entry, BleedEpisode) and change.get("links"):
        # The infusions that treated it, unlinked by its deletion and not linked to another bleed since.
        for infusion in Infusion.objects.filter(patient=patient, pk__in=change["links"], bleed__isnull=True):
            infusion.bleed = entry
            infusion.save(update_fields=["bleed", "updated_at"])


def _unresolve(patient, change: dict) -> None:
    resolved = dt.datetime.fromisoformat(change["resolved"])
    bleed = BleedEpisode.objects.filter(patient=patient, pk=change["id"], resolved_at=resolved).first()
    if bleed is None:
        raise Refused(gettext("This can no longer be undone: the bleed was changed or deleted since."))
    bleed.resolved_at = None
    bleed.save(update_fields=["resolved_at", "updated_at"])
