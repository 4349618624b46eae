"""A clinician's look at the roster (her home page, or /roster/) is in each
listed patient's access record, once per 15-minute slot of its figures, and a
reload within the slot adds no record and no query."""

import datetime as dt

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hemolog.patients.audit import ROSTER
from hemolog.patients.models import AccessEvent, PatientAccess
from tests import factories


def shared_with(doctor, count: int) -> list:
    patients = []
    for n in range(count):
        patient = factories.make_patient(owner=factories.make_user(), display_name=f"Child {n}")
        factories.grant(doctor, patient, PatientAccess.Role.CLINICIAN)
        patients.append(patient)
    return patients


def roster_records(doctor):
    return list(AccessEvent.objects.filter(user=doctor, what=ROSTER).values_list("patient_id", flat=True))


def test_each_patient_on_the_roster_records_the_look_once_per_slot(client_for, clinician, patient):
    others = shared_with(clinician, 3)
    client = client_for(clinician)
    start = timezone.now().replace(minute=1, second=0, microsecond=0)
    with time_machine.travel(start, tick=False):
        assert client.get("/").status_code == 200
        assert sorted(roster_records(clinician)) == sorted([patient.pk, *(p.pk for p in others)])
        with CaptureQueriesContext(connection) as reload:
            client.get("/roster/")  # the same figures, another door: nothing new
            client.get("/")
        assert len(roster_records(clinician)) == 4
        assert not any("accessevent" in q["sql"] for q in reload.captured_queries)
    with time_machine.travel(start + dt.timedelta(minutes=15), tick=False):
        client.get("/")
    assert len(roster_records(clinician)) == 8
    event = AccessEvent.objects.filter(patient=patient, what=ROSTER).first()
    assert (event.action, event.user) == (AccessEvent.Action.VIEW, clinician)


def test_the_owner_reads_the_roster_look_in_the_access_record(client_for, owner, clinician, patient):
    client_for(clinician).get("/")
    html = client_for(owner).get(f"/patients/{patient.pk}/sharing/").content.decode()
    assert ROSTER in html
