"""Every change to a patient's log moves ``Patient.data_version`` on, so that
anything cached from the log (dashboard charts and figures) is keyed by it and
never shown stale. Each app connects its own models (``connect_log_models``
in its ``ready()``). Bulk writes (the demo seed) bypass signals; a new
patient's cache is empty anyway."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.db import models
from django.db.models.signals import post_delete, post_save

from .models import Patient, PatientAccess, WeightMeasurement
from .second_factor import refresh_on_change


def entry_changed(sender, instance, **kwargs) -> None:
    """A receiver for a model with a ``patient`` foreign key."""
    Patient.log_changed(instance.patient_id)


def connect_log_models(*models_: type[models.Model], receiver: Callable = entry_changed) -> None:
    """Move the patient's data version on whenever one of ``models_`` is saved or deleted."""
    for model in models_:
        for signal, name in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(receiver, sender=model, dispatch_uid=f"log_changed_{name}_{model.__name__}")


def forget_history_with_the_patient(*models_: type[models.Model]) -> None:
    """When a patient is deleted, delete the change history (django-simple-history)
    of their entries of ``models_`` (each with a ``patient`` foreign key) too: the
    history's rows keep no foreign key, and would outlive the patient's data.
    The cascade's own "deleted" records are written before the patient's row goes
    (Django deletes the dependent rows first), so they go with the rest."""

    def forget(sender, instance, **kwargs) -> None:
        for model in models_:
            model.history.model.objects.filter(patient_id=instance.pk).delete()

    names = "_".join(model.__name__ for model in models_)
    post_delete.connect(forget, sender=Patient, dispatch_uid=f"forget_history_{names}", weak=False)


def connect() -> None:
    connect_log_models(WeightMeasurement)
    forget_history_with_the_patient(WeightMeasurement)
    for model in (PatientAccess, Authenticator):
        for signal, name in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(refresh_on_change, sender=model, dispatch_uid=f"second_factor_{name}_{model.__name__}")
