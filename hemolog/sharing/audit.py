"""Who looked at or exported a patient's log. One function, called by every
view a clinician can open and by every export."""

from hemolog.patients.access import PatientContext
from hemolog.patients.models import PatientAccess

from .models import AccessEvent


def record_view(ctx: PatientContext, what: str) -> None:
    """Record a clinician's view of a patient (the family's own views are not recorded)."""
    if ctx.access.role == PatientAccess.Role.CLINICIAN:
        AccessEvent.objects.create(patient=ctx.patient, user=ctx.access.user, action=AccessEvent.Action.VIEW, what=what)


def record_export(ctx: PatientContext, what: str) -> None:
    """Record an export of a patient's log, by anyone."""
    AccessEvent.objects.create(patient=ctx.patient, user=ctx.access.user, action=AccessEvent.Action.EXPORT, what=what)
