"""Bleeds, infusions and regimens change the patient's log version (see
hemolog.patients.signals); so does a renamed or deleted author of entries,
whose name a kept page shows (the new-infusion page's "logged by")."""

from django.conf import settings
from django.db.models import F
from django.db.models.signals import post_save, pre_delete

from hemolog.patients.models import Patient
from hemolog.patients.signals import connect_log_models, forget_history_with_the_patient

from .models import BleedEpisode, Infusion, Regimen, SkippedDose

# A log-in writes these alone; the name shown stays the same.
NAMELESS_FIELDS = {"last_login", "password"}


def author_changed(sender, instance, update_fields=None, created=False, **kwargs) -> None:
    if created or (update_fields and set(update_fields) <= NAMELESS_FIELDS):
        return
    patients = {*Infusion.objects.filter(created_by=instance).values_list("patient_id", flat=True).distinct()}
    patients |= {*BleedEpisode.objects.filter(created_by=instance).values_list("patient_id", flat=True).distinct()}
    if patients:
        Patient.objects.filter(pk__in=patients).update(data_version=F("data_version") + 1)


def connect() -> None:
    connect_log_models(BleedEpisode, Infusion, Regimen, SkippedDose)
    forget_history_with_the_patient(BleedEpisode, Infusion, Regimen, SkippedDose)
    post_save.connect(author_changed, sender=settings.AUTH_USER_MODEL, dispatch_uid="log_author_saved")
    pre_delete.connect(author_changed, sender=settings.AUTH_USER_MODEL, dispatch_uid="log_author_deleted")
