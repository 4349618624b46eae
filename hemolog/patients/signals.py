"""Every change to a patient's log moves ``Patient.data_version`` on, so that
anything cached from the log (dashboard charts and figures) is keyed by it and
never shown stale. Each app connects its own models (``connect_log_models``
in its ``ready()``). Bulk writes (the demo seed) bypass signals; a new
patient's cache is empty anyway."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.signals import authenticator_removed
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import models
from django.db.models.signals import post_delete, post_save

from hemolog.accounts.middleware import IDLE_LIMIT

from .models import Patient, PatientAccess, WeightMeasurement
from .second_factor import forget_on_signal, work_out_at_log_in


def entry_changed(sender, instance, **kwargs) -> None:
    """A receiver for a model with a ``patient`` foreign key."""
    Patient.log_changed(instance.patient_id)


def connect_log_models(*models_: type[models.Model], receiver: Callable = entry_changed) -> None:
    """Move the patient's data version on whenever one of ``models_`` is saved or deleted."""
    for model in models_:
        for signal, name in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(receiver, sender=model, dispatch_uid=f"log_changed_{name}_{model.__name__}")


def clinician_idles_out(sender, request, user, **kwargs) -> None:
    """A clinician sees other families' logs: "keep me signed in" does not
    lengthen the idle time-out (hemolog.accounts.middleware)."""
    session = getattr(request, "session", None)
    if session is None or session.get(IDLE_LIMIT, 0) <= settings.SESSION_IDLE_SECONDS:
        return
    if PatientAccess.objects.filter(user=user, role=PatientAccess.Role.CLINICIAN).exists():
        session[IDLE_LIMIT] = settings.SESSION_IDLE_SECONDS


def connect() -> None:
    connect_log_models(WeightMeasurement)
    user_logged_in.connect(clinician_idles_out, dispatch_uid="clinician_idles_out")
    user_logged_in.connect(work_out_at_log_in, dispatch_uid="second_factor_at_log_in")
    authenticator_removed.connect(forget_on_signal, dispatch_uid="second_factor_removed")
