"""Regressions found reviewing sharing, exports, CSV import and the lot recall (issue 4)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hemolog.patients.models import PatientAccess

from . import factories


def test_an_invitation_made_by_an_owner_who_was_then_removed_no_longer_grants_access(client_for, owner, patient):
    """A co-owner invites a second address of their own, is removed by the
    other owner, then accepts with that address: removal must be final."""
    coparent = factories.make_user("coparent@example.org")
    factories.grant(coparent, patient, PatientAccess.Role.OWNER)
    pending = factories.make_invitation(patient, "coparent.alt@example.org", "OWNER", invited_by=coparent)
    access = PatientAccess.objects.get(user=coparent, patient=patient)
    revoke = reverse("sharing:revoke", kwargs={"patient_id": patient.pk, "pk": access.pk})
    assert client_for(owner).post(revoke).status_code == 302
    assert not PatientAccess.objects.filter(user=coparent, patient=patient).exists()

    alt = factories.make_user("coparent.alt@example.org")
    client_for(alt).post(reverse("sharing:invitation_accept", kwargs={"token": pending.token}))

    assert not PatientAccess.objects.filter(user=alt, patient=patient).exists()


OVERFLOWING_TIMES = ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59"]


@pytest.mark.parametrize("moment", OVERFLOWING_TIMES)
def test_a_bleeds_file_with_a_time_that_overflows_in_utc_is_not_a_500(client_for, owner, patient, moment):
    content = f"started_at,site,side,cause,severity\n{moment},KNEE,L,SPONTANEOUS,MILD\n".encode()
    client = client_for(owner)
    upload = client.post(
        reverse("exports:import_upload", kwargs={"patient_id": patient.pk}),
        {"file": SimpleUploadedFile("bleeds.csv", content), "kind": ""},
    )
    assert upload.status_code == 302
    preview = client.get(reverse("exports:import_preview", kwargs={"patient_id": patient.pk}), follow=True)
    assert preview.status_code == 200 and preview.redirect_chain[-1][0].endswith("/import/preview/")  # checked
    assert b"started_at" in preview.content  # the row is an error at its column


@pytest.mark.parametrize("moment", OVERFLOWING_TIMES)
def test_an_infusions_file_with_a_time_that_overflows_in_utc_is_not_a_500(client_for, owner, patient, moment):
    content = f"given_at,product,reason,given_by,dose_iu\n{moment},Advate,PROPHYLAXIS,SELF,1000\n".encode()
    client = client_for(owner)
    client.post(
        reverse("exports:import_upload", kwargs={"patient_id": patient.pk}),
        {"file": SimpleUploadedFile("infusions.csv", content), "kind": ""},
    )
    preview = client.get(reverse("exports:import_preview", kwargs={"patient_id": patient.pk}), follow=True)
    assert preview.status_code == 200


@pytest.mark.parametrize("moment", ["9999-12-31T23:59-05:00", "0001-01-01T00:30+05:00"])
def test_a_typed_bleed_time_that_overflows_in_utc_is_refused_at_the_field(client_for, owner, patient, moment):
    """The same field (LocalDateTimeField) behind the CSV import's times."""
    url = reverse("logbook:bleed_create", kwargs={"patient_id": patient.pk})
    data = {"started_at": moment, "site": "NOSE", "cause": "SPONTANEOUS", "severity": "MILD"}
    response = client_for(owner).post(url, data)
    assert response.status_code == 200
    assert not patient.bleeds.exists()


def test_an_export_ending_on_1_january_1900_does_not_start_before_1900(client_for, owner, patient):
    """With no first day, the range is the 12 months up to the last day, which
    here would reach into 1899: it starts on the earliest day a form takes instead."""
    url = reverse("exports:bleeds_csv", kwargs={"patient_id": patient.pk}) + "?end=1900-01-01"
    response = client_for(owner).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="leo_1900-01-01_1900-01-01_bleeds.csv"'
