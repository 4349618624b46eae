"""The access record: who looked at or exported a patient's log.

A clinician's view is recorded by :func:`hemolog.patients.access.access_patient`
itself (``viewing="…"``), so no view can forget it; every export calls
:func:`record_export`."""

from __future__ import annotations

from .models import AccessEvent, PatientAccess


def record_view(access: PatientAccess, what: str) -> None:
    """Record a clinician's view of a patient (the family's own views are not recorded)."""
    if access.role == PatientAccess.Role.CLINICIAN:
        AccessEvent.objects.create(
            patient_id=access.patient_id, user_id=access.user_id, action=AccessEvent.Action.VIEW, what=what
        )


def record_export(access: PatientAccess, what: str) -> None:
    """Record an export of a patient's log, by anyone."""
    AccessEvent.objects.create(
        patient_id=access.patient_id, user_id=access.user_id, action=AccessEvent.Action.EXPORT, what=what
    )
