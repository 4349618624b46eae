"""The access record: who looked at or exported a patient's log.

A clinician's view is recorded by :func:`hemolog.patients.access.access_patient`
itself (``viewing="…"``), so no view can forget it; every export calls
:func:`record_export`."""

from __future__ import annotations

import datetime as dt

from hemolog.core.caching import values_cache

from .models import ROSTER_VIEW, AccessEvent, PatientAccess

ROSTER = ROSTER_VIEW


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


def record_roster_view(user, patient_ids: list[int], since: dt.datetime, seen_key: str) -> None:
    """Record a clinician's look at the roster, which shows each patient's
    figures: one record per patient and time slot (``since``, its start; the
    roster's figures are the same within it), not one per page load.
    ``seen_key`` names this view of the roster (its patients and slot): once
    recorded, a reload within the slot costs no query."""
    key = f"roster-recorded:{user.pk}:{seen_key}"
    if not patient_ids or values_cache.get(key):
        return
    recorded = set(
        AccessEvent.objects.filter(user=user, action=AccessEvent.Action.VIEW, what=ROSTER, at__gte=since)
        .filter(patient_id__in=patient_ids)
        .values_list("patient_id", flat=True)
    )
    AccessEvent.objects.bulk_create(
        AccessEvent(patient_id=pk, user=user, action=AccessEvent.Action.VIEW, what=ROSTER)
        for pk in patient_ids
        if pk not in recorded
    )
    values_cache.set(key, True, 60 * 60)
