"""A job that writes, then fails: registered by the tests that start a real
worker (tests/exports/test_jobs_on_a_worker.py) and by the worker they start
(tests/worker_knowing_faults.py), to show a failing job is tried again, then
shown as failed, with nothing it wrote left behind."""

from hemolog.background.jobs import handler
from hemolog.patients.models import Patient, PatientAccess

WRITES_THEN_FAILS = "test_writes_then_fails"


@handler(WRITES_THEN_FAILS)
def writes_then_fails(job, progress):
    patient = Patient.objects.create(display_name="Half-written", hemophilia_type="A", severity="SEVERE")
    PatientAccess.objects.create(user=job.user, patient=patient, role=PatientAccess.Role.OWNER, granted_by=job.user)
    progress(50, "Half way")
    raise RuntimeError("this job fails after writing, every time")
