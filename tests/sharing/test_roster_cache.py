"""The roster's rows are cached, by the patients' log versions, the order,
the zone and the 15-minute slot of "now": what a clinician sees follows every
change at once, and moves with time."""

import datetime as dt

import time_machine
from django.utils import timezone

from hemolog.patients.models import PatientAccess
from tests import factories

ROSTER = "/roster/"


def shared(doctor, name: str):
    patient = factories.make_patient(owner=factories.make_user(), display_name=name)
    factories.grant(doctor, patient, PatientAccess.Role.CLINICIAN)
    return patient


def test_a_new_bleed_a_new_patient_and_a_revoked_one_show_at_once(client_for, clinician):
    client = client_for(clinician)
    anna = shared(clinician, "Anna")
    factories.make_bleed(anna, days_ago=40)
    assert "Anna" in client.get(ROSTER).content.decode()
    cached = client.get(ROSTER)
    assert cached.context["rows"] == [] and "Anna" in cached.content.decode()  # served from the cache

    factories.make_bleed(anna, days_ago=2, site="HEAD", cause="TRAUMATIC")
    response = client.get(ROSTER)
    assert [row.days_since_last_bleed for row in response.context["rows"]] == [2]
    assert 'data-flag="head"' in response.content.decode()

    ben = shared(clinician, "Ben")
    assert "Ben" in client.get(ROSTER).content.decode()
    PatientAccess.objects.filter(user=clinician, patient=ben).delete()
    assert "Ben" not in client.get(ROSTER).content.decode()


def test_days_since_the_last_bleed_move_with_time(client_for, clinician):
    client = client_for(clinician)
    anna = shared(clinician, "Anna")
    factories.make_bleed(anna, days_ago=3)
    assert [row.days_since_last_bleed for row in client.get(ROSTER).context["rows"]] == [3]
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        client.force_login(clinician)  # two days idle signed her out
        assert [row.days_since_last_bleed for row in client.get(ROSTER).context["rows"]] == [5]


def test_each_order_is_its_own(client_for, clinician):
    client = client_for(clinician)
    for name, days in (("Anna", 40), ("Ben", 5)):
        factories.make_bleed(shared(clinician, name), days_ago=days)
    by_name = client.get(ROSTER).content.decode()
    by_last_bleed = client.get(f"{ROSTER}?sort=last_bleed").content.decode()
    assert by_name.index(">Anna<") < by_name.index(">Ben<")
    assert by_last_bleed.index(">Ben<") < by_last_bleed.index(">Anna<")
