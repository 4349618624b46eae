"""The one way in to a patient's data.

Every view that takes a patient id calls :func:`access_patient`. A user with
no access row gets 404 (the patient's existence is never revealed); a
read-only role asking to write gets 403. A view that shows the log names
what it shows (``viewing="bleeds"``) and a clinician's look is recorded. A
clinician without a second factor is sent to set one up (second_factor.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from . import second_factor
from .audit import record_view
from .models import Patient, PatientAccess


@dataclass(frozen=True)
class PatientContext:
    patient: Patient
    access: PatientAccess

    @property
    def can_write(self) -> bool:
        return self.access.can_write

    @property
    def is_owner(self) -> bool:
        return self.access.is_owner


def access_patient(
    request: HttpRequest, patient_id: int, *, write: bool = False, owner: bool = False, viewing: str = ""
) -> PatientContext:
    """Return the patient and the user's access row, or raise 404 / 403.

    ``viewing`` names what the page shows; a clinician's view of it is recorded."""
    user = request.user
    if not user.is_authenticated:
        raise Http404
    try:  # one row per user and patient (a unique constraint): get(), not a slower first()
        access = PatientAccess.objects.select_related("patient").get(user_id=user.pk, patient_id=patient_id)
    except PatientAccess.DoesNotExist:
        raise Http404("No such patient.") from None
    if access.role == PatientAccess.Role.CLINICIAN and second_factor.required() and not user.second_factor_set_up:
        raise second_factor.SecondFactorRequired
    if owner and not access.is_owner:
        raise PermissionDenied("Only the patient's owner can do this.")
    if write and not access.can_write:
        raise PermissionDenied("Your access to this patient is read-only.")
    if viewing:
        record_view(access, viewing)
    return PatientContext(patient=access.patient, access=access)


def patient_for(user, patient_id: int, *, write: bool = False) -> Patient | None:
    """The patient as ``user`` may reach it outside a request (a background
    job checks again the access its page had): None if not, or not any more."""
    access = PatientAccess.objects.select_related("patient").filter(user_id=user.pk, patient_id=patient_id).first()
    if access is None or (write and not access.can_write):
        return None
    return access.patient
