"""The owner's sharing page: who has access, removing it (at once), the last
owner kept, leaving, and the access record."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from hemolog.patients.models import AccessEvent, PatientAccess
from hemolog.sharing import services
from hemolog.sharing.models import Invitation
from tests import factories

Role = PatientAccess.Role


def manage_url(patient) -> str:
    return reverse("sharing:manage", kwargs={"patient_id": patient.pk})


def revoke_url(access) -> str:
    return reverse("sharing:revoke", kwargs={"patient_id": access.patient_id, "pk": access.pk})


def leave_url(patient) -> str:
    return reverse("sharing:leave", kwargs={"patient_id": patient.pk})


def detail_url(patient) -> str:
    return reverse("patients:detail", kwargs={"patient_id": patient.pk})


def test_the_page_lists_who_has_access_with_role_and_since(client_for, owner, caregiver, clinician, patient):
    PatientAccess.objects.filter(user=clinician).update(granted_at=timezone.now() - dt.timedelta(days=40))
    since = timezone.localdate() - dt.timedelta(days=40)
    services.create_invitation(patient, "pending@example.org", Role.CLINICIAN, owner)
    response = client_for(owner).get(manage_url(patient))
    assert response.status_code == 200
    rows = response.context["access_rows"]
    assert [(row.user.email, row.role) for row in rows] == [
        ("owner@example.org", "OWNER"),
        ("caregiver@example.org", "CAREGIVER"),
        ("clinician@example.org", "CLINICIAN"),
    ]
    html = response.content.decode()
    assert f"Clinician (read-only) · since {since:%-d %b %Y}" in html
    assert 'data-invitation="pending@example.org"' in html
    # A remove button for the others, none for yourself as the only owner.
    assert revoke_url(rows[2]) in html and revoke_url(rows[1]) in html
    assert revoke_url(rows[0]) not in html
    assert "You are the only owner." in html


@pytest.mark.parametrize("role, status", [("caregiver", 403), ("clinician", 403), ("stranger", 404)])
def test_only_owners_manage_sharing(request, client_for, patient, owner, role, status):
    client = client_for(request.getfixturevalue(role))
    new = services.create_invitation(patient, "x@example.org", Role.CLINICIAN, owner)
    clinician_row = PatientAccess.objects.get(patient=patient, role=Role.CLINICIAN)
    cancel = reverse("sharing:invitation_cancel", kwargs={"patient_id": patient.pk, "pk": new.invitation.pk})
    assert client.get(manage_url(patient)).status_code == status
    assert client.post(manage_url(patient), {"email": "y@example.org", "role": "OWNER"}).status_code == status
    assert client.get(revoke_url(clinician_row)).status_code == status
    assert client.post(revoke_url(clinician_row)).status_code == status
    assert client.post(cancel).status_code == status
    assert Invitation.objects.count() == 1 and Invitation.objects.get().cancelled_at is None
    assert PatientAccess.objects.filter(pk=clinician_row.pk).exists()


def test_revoked_clinician_gets_404_at_once(client_for, owner, clinician, log):
    doctor = client_for(clinician)
    pages = [detail_url(log), reverse("insights:dashboard", kwargs={"patient_id": log.pk})]
    assert all(doctor.get(page).status_code == 200 for page in pages)
    access = PatientAccess.objects.get(user=clinician, patient=log)

    confirm = client_for(owner).get(revoke_url(access))
    assert confirm.status_code == 200
    assert "Remove Dr Chen's access to Leo's log?" in confirm.content.decode()
    assert PatientAccess.objects.filter(pk=access.pk).exists()  # a GET changes nothing

    response = client_for(owner).post(revoke_url(access), follow=True)
    assert "clinician@example.org can no longer see Leo&#x27;s log." in response.content.decode()
    assert not PatientAccess.objects.filter(user=clinician, patient=log).exists()
    doctor = client_for(clinician)
    assert all(doctor.get(page).status_code == 404 for page in pages)
    assert "Leo" not in doctor.get("/").content.decode()


def test_revoking_cancels_an_open_invitation_to_the_same_person(client_for, owner, clinician, patient):
    new = services.create_invitation(patient, "CLINICIAN@example.org", Role.CAREGIVER, owner)
    access = PatientAccess.objects.get(user=clinician, patient=patient)
    client_for(owner).post(revoke_url(access))
    assert Invitation.objects.get().cancelled_at is not None
    accept = reverse("sharing:invitation_accept", kwargs={"token": new.token})
    assert client_for(clinician).post(accept).status_code == 410
    assert not PatientAccess.objects.filter(user=clinician, patient=patient).exists()


def test_revoke_of_an_access_row_of_another_patient_is_404(client_for, owner, patient, stranger):
    their_row = stranger.patient_access.get()
    url = reverse("sharing:revoke", kwargs={"patient_id": patient.pk, "pk": their_row.pk})
    assert client_for(owner).post(url).status_code == 404
    assert PatientAccess.objects.filter(pk=their_row.pk).exists()


def test_the_last_owner_cannot_be_removed_nor_leave(client_for, owner, patient):
    own_row = PatientAccess.objects.get(user=owner, patient=patient)
    client = client_for(owner)
    # Revoking yourself is leaving …
    response = client.post(revoke_url(own_row))
    assert response.status_code == 302 and response["Location"] == leave_url(patient)
    # … which the only owner can't do.
    page = client.get(leave_url(patient))
    assert page.status_code == 200 and "You are Leo's only owner" in page.content.decode()
    assert "Stop seeing this log</button>" not in page.content.decode()
    refused = client.post(leave_url(patient))
    assert refused.status_code == 200
    assert "You are the only owner: you can" in refused.content.decode()
    assert PatientAccess.objects.filter(pk=own_row.pk, role=Role.OWNER).exists()
    with pytest.raises(services.LastOwnerError):
        services.remove_access(own_row)
    assert PatientAccess.objects.filter(pk=own_row.pk).exists()


def test_with_two_owners_one_may_leave_but_not_both(client_for, owner, caregiver, patient):
    PatientAccess.objects.filter(user=caregiver, patient=patient).update(role=Role.OWNER)
    first = client_for(owner).post(leave_url(patient))
    assert first.status_code == 302 and first["Location"] == reverse("home")
    assert client_for(owner).get(detail_url(patient)).status_code == 404
    second = client_for(caregiver).post(leave_url(patient))
    assert second.status_code == 200  # the remaining owner stays
    assert PatientAccess.objects.filter(patient=patient, role=Role.OWNER).count() == 1


def test_two_owners_revoking_each_other_leave_one_owner(owner, caregiver, patient):
    """Both confirm pages were open; both posts arrive. The second is refused."""
    PatientAccess.objects.filter(user=caregiver, patient=patient).update(role=Role.OWNER)
    rows = list(PatientAccess.objects.filter(patient=patient, role=Role.OWNER))
    services.remove_access(rows[0])
    with pytest.raises(services.LastOwnerError):
        services.remove_access(rows[1])
    assert PatientAccess.objects.filter(patient=patient, role=Role.OWNER).count() == 1


@pytest.mark.parametrize("role", ["caregiver", "clinician"])
def test_caregiver_or_clinician_leaves(request, client_for, patient, role):
    user = request.getfixturevalue(role)
    client = client_for(user)
    detail = client.get(detail_url(patient)).content.decode()
    assert leave_url(patient) in detail and f'href="{manage_url(patient)}"' not in detail
    assert client.get(leave_url(patient)).status_code == 200
    response = client.post(leave_url(patient), follow=True)
    assert "You no longer see Leo&#x27;s log." in response.content.decode()
    assert not PatientAccess.objects.filter(user=user, patient=patient).exists()
    assert client.get(detail_url(patient)).status_code == 404
    assert client.post(leave_url(patient)).status_code == 404


def test_owner_overview_links_to_sharing(client_for, owner, patient):
    html = client_for(owner).get(detail_url(patient)).content.decode()
    assert manage_url(patient) in html
    assert "Who can see this log" in html


def test_access_record_is_shown_to_the_owner_newest_first(client_for, owner, clinician, log):
    doctor = client_for(clinician)
    doctor.get(detail_url(log))
    doctor.get(reverse("logbook:bleed_list", kwargs={"patient_id": log.pk}))
    AccessEvent.objects.create(patient=log, user=owner, action=AccessEvent.Action.EXPORT, what="bleeds CSV")
    response = client_for(owner).get(manage_url(log))
    events = list(response.context["page"])
    assert [(e.user.email, e.action, e.what) for e in events] == [
        ("owner@example.org", "EXPORT", "bleeds CSV"),
        ("clinician@example.org", "VIEW", "bleeds"),
        ("clinician@example.org", "VIEW", "overview"),
    ]
    html = response.content.decode()
    assert "Viewed bleeds" in html and "Exported bleeds CSV" in html


def test_access_record_is_paginated_and_a_bad_page_is_not_an_error(client_for, owner, clinician, patient):
    AccessEvent.objects.bulk_create(
        AccessEvent(patient=patient, user=clinician, action=AccessEvent.Action.VIEW, what=f"page {n}")
        for n in range(30)
    )
    client = client_for(owner)
    first = client.get(manage_url(patient)).context["page"]
    assert len(first.object_list) == 25 and first.has_next()
    assert len(client.get(manage_url(patient) + "?page=2").context["page"].object_list) == 5
    for garbage in ("abc", "0", "-1", "99999999999999999999"):
        assert client.get(manage_url(patient) + f"?page={garbage}").status_code == 200


def test_access_record_of_a_deleted_account_still_shows(client_for, owner, clinician, patient):
    AccessEvent.objects.create(patient=patient, user=clinician, action=AccessEvent.Action.VIEW, what="dashboard")
    clinician.delete()
    html = client_for(owner).get(manage_url(patient)).content.decode()
    assert "A deleted account" in html


def test_access_record_of_another_patient_is_not_shown(client_for, owner, patient, stranger):
    theirs = stranger.patient_access.get().patient
    AccessEvent.objects.create(patient=theirs, user=stranger, action=AccessEvent.Action.EXPORT, what="their CSV")
    assert "their CSV" not in client_for(owner).get(manage_url(patient)).content.decode()


def test_granted_by_the_inviter_is_shown(client_for, owner, patient):
    doctor = factories.make_user("dr@example.org", first_name="Dr Who")
    new = services.create_invitation(patient, doctor.email, Role.CLINICIAN, owner)
    services.accept_invitation(new.invitation, doctor)
    html = client_for(owner).get(manage_url(patient)).content.decode()
    assert "invited by Olivia" in html
