"""Invitations: an owner invites by e-mail; the link works once, until it
expires, only for the invited address; the owner can cancel it."""

import datetime as dt
import hashlib
import re
import smtplib

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hemolog.accounts.models import User
from hemolog.patients.models import PatientAccess
from hemolog.sharing import services
from hemolog.sharing.models import Invitation
from tests import factories
from tests.assertions import assert_field_error

Role = PatientAccess.Role


def manage_url(patient) -> str:
    return reverse("sharing:manage", kwargs={"patient_id": patient.pk})


def invite(client, patient, email: str, role: str):
    return client.post(manage_url(patient), {"email": email, "role": role})


def link_in_mail(message) -> str:
    """The invitation's path, taken from the e-mail."""
    return re.search(r"http://testserver(/invitations/[^/\s]+/)", message.body).group(1)


def token_of(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[1]


def accept_url(path: str) -> str:
    return path + "accept/"


@pytest.fixture
def doctor(db):
    return factories.make_user("dr.ng@clinic.example", first_name="Dr Ng")


def test_owner_invites_a_clinician_by_email(client_for, owner, patient):
    client = client_for(owner)
    response = invite(client, patient, "  Dr.Ng@Clinic.Example ", Role.CLINICIAN)
    assert response.status_code == 302 and response["Location"] == manage_url(patient)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dr.ng@clinic.example"]
    assert message.subject == "An invitation to a Hemolog log"  # no name chosen by a user in a subject
    assert "Olivia (owner@example.org) invited you to see Leo's" in message.body
    assert "as clinician (read-only)" in message.body
    path = link_in_mail(message)

    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == ("dr.ng@clinic.example", "CLINICIAN", owner)
    # Only the hash is stored: the token itself is nowhere in the row.
    token = token_of(path)
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Invitation.objects.values().get())
    assert invitation.expires_at - invitation.created_at == dt.timedelta(days=7)

    # The link is shown on screen once, then not again.
    page = client.get(manage_url(patient))
    assert "Invitation e-mailed to dr.ng@clinic.example" in page.content.decode()
    assert f"http://testserver{path}" in page.content.decode()
    assert path not in client.get(manage_url(patient)).content.decode()


def test_expiry_comes_from_the_setting(client_for, owner, patient, settings):
    settings.INVITATION_EXPIRY_DAYS = 2
    invite(client_for(owner), patient, "a@example.org", Role.CAREGIVER)
    invitation = Invitation.objects.get()
    assert invitation.expires_at - invitation.created_at == dt.timedelta(days=2)
    assert f"until {invitation.expires_at:%-d %b %Y %H:%M} UTC" in mail.outbox[0].body


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"email": "not-an-address", "role": "CLINICIAN"}, "email", "Enter a valid email address."),
        ({"email": "x@example.org", "role": ""}, "role", "This field is required."),
        ({"email": "x@example.org", "role": "ADMIN"}, "role", "Select a valid choice."),
        ({"email": "x@example.org"}, "role", "This field is required."),
        ({"email": "CAREGIVER@example.org", "role": "CLINICIAN"}, "email", "can already see Leo's log as caregiver"),
        ({"email": "owner@example.org", "role": "OWNER"}, "email", "can already see Leo's log as owner"),
    ],
)
def test_a_bad_invitation_comes_back_with_the_error(client_for, owner, patient, data, field, message):
    response = client_for(owner).post(manage_url(patient), data)
    assert_field_error(response, field, message)
    assert Invitation.objects.count() == 0 and mail.outbox == []
    if data.get("email") == "x@example.org":
        assert 'value="x@example.org"' in response.content.decode()


def test_a_logged_out_visitor_is_offered_log_in_or_sign_up_and_comes_back(client_for, client, owner, patient):
    invite(client_for(owner), patient, "grandma@example.org", Role.CAREGIVER)
    path = link_in_mail(mail.outbox[0])
    visitor = Client()

    landing = visitor.get(path)
    assert landing.status_code == 200
    html = landing.content.decode()
    assert "Invitation to Leo's log" in html and "grandma@example.org" in html
    login_link = landing.context["login_url"]
    signup_link = landing.context["signup_url"]
    assert login_link.startswith(reverse("account_login") + "?next=") and login_link in html.replace("&amp;", "&")

    # Signing up with the address sends a link to it; until it is followed, nothing is seen.
    signup_page = visitor.get(signup_link)
    assert 'value="grandma@example.org"' in signup_page.content.decode()
    response = visitor.post(
        signup_link,
        {
            "email": "grandma@example.org",
            "first_name": "Greta",
            "time_zone": "Europe/London",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
            "next": path,
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("account_email_verification_sent")
    detail = reverse("patients:detail", kwargs={"patient_id": patient.pk})
    assert visitor.get(detail).status_code == 302
    assert visitor.post(accept_url(path)).status_code == 302
    assert not PatientAccess.objects.filter(user__email="grandma@example.org").exists()

    # Following the link sent to the address logs in and comes back to the invitation…
    confirm = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mail.outbox[-1].body).group(1)
    assert mail.outbox[-1].to == ["grandma@example.org"]
    response = visitor.post(confirm)
    assert response.status_code == 302 and response["Location"] == path
    # … where the new account accepts with one click.
    assert 'action="' + accept_url(path) in visitor.get(path).content.decode()
    response = visitor.post(accept_url(path))
    assert response.status_code == 302 and response["Location"] == detail
    user = User.objects.get(email="grandma@example.org")
    access = PatientAccess.objects.get(user=user, patient=patient)
    assert (access.role, access.granted_by) == (Role.CAREGIVER, owner)
    page = visitor.get(response["Location"])
    assert "You can now see Leo&#x27;s log as caregiver." in page.content.decode()


def test_whoever_signs_up_as_the_invited_address_without_its_mailbox_gets_nothing(client_for, owner, patient):
    """The link was forwarded, or seen over a shoulder: typing the address is not owning it."""
    invite(client_for(owner), patient, "grandma@example.org", Role.CAREGIVER)
    path = link_in_mail(mail.outbox[0])
    intruder = Client()
    data = {"email": "grandma@example.org", "first_name": "Not Greta", "time_zone": "UTC", "next": path}
    intruder.post(
        reverse("account_signup"), {**data, "password1": "intruders-passphrase", "password2": "intruders-passphrase"}
    )
    login = intruder.post(
        reverse("account_login"), {"login": "grandma@example.org", "password": "intruders-passphrase"}
    )
    assert login["Location"] == reverse("account_email_verification_sent")
    assert intruder.post(accept_url(path))["Location"].startswith(reverse("account_login"))
    assert not PatientAccess.objects.filter(user__email="grandma@example.org").exists()
    assert Invitation.objects.get().accepted_at is None


def test_log_in_from_the_invitation_comes_back_to_it(client_for, owner, patient, doctor):
    invite(client_for(owner), patient, doctor.email, Role.CLINICIAN)
    path = link_in_mail(mail.outbox[0])
    visitor = Client()
    response = visitor.post(
        reverse("account_login") + "?next=" + path,
        {"login": "DR.NG@clinic.example", "password": factories.PASSWORD, "next": path},
    )
    assert response.status_code == 302 and response["Location"] == path
    assert visitor.post(accept_url(path)).status_code == 302
    assert PatientAccess.objects.filter(user=doctor, patient=patient, role=Role.CLINICIAN).exists()


def test_signup_ignores_a_next_that_leaves_the_site(client, db):
    client.post(
        reverse("account_signup"),
        {
            "email": "n@example.org",
            "first_name": "N",
            "time_zone": "UTC",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
            "next": "https://evil.example/",
        },
    )
    confirm = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mail.outbox[-1].body).group(1)
    response = client.post(confirm)
    assert response.status_code == 302 and "evil" not in response["Location"]


def test_an_anonymous_accept_is_sent_to_log_in_and_nothing_is_granted(client_for, owner, patient, doctor):
    invite(client_for(owner), patient, doctor.email, Role.CLINICIAN)
    path = link_in_mail(mail.outbox[0])
    response = Client().post(accept_url(path))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert not PatientAccess.objects.filter(user=doctor).exists()


def test_a_get_on_the_accept_address_goes_back_to_the_invitation(client_for, owner, patient, doctor):
    invite(client_for(owner), patient, doctor.email, Role.CLINICIAN)
    path = link_in_mail(mail.outbox[0])
    response = client_for(doctor).get(accept_url(path))
    assert response.status_code == 302 and response["Location"] == path
    assert not PatientAccess.objects.filter(user=doctor).exists()


def test_the_email_is_compared_without_case(client_for, owner, patient, doctor):
    services.create_invitation(patient, "Dr.Ng@CLINIC.example", Role.CLINICIAN, owner)
    invitation = Invitation.objects.get()
    assert invitation.email == "dr.ng@clinic.example"
    assert services.is_for(invitation, doctor)
    doctor.email = "DR.NG@Clinic.Example"  # an address stored with capitals by some older path
    assert services.is_for(invitation, doctor)


def test_a_wrong_account_gets_a_clear_message_and_no_access(client_for, owner, patient, stranger):
    invite(client_for(owner), patient, "dr.ng@clinic.example", Role.CLINICIAN)
    path = link_in_mail(mail.outbox[0])
    client = client_for(stranger)
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "You are logged in as stranger@example.org, but this invitation is for dr.ng@clinic.example" in html
    assert accept_url(path) not in html
    refused = client.post(accept_url(path))
    assert refused.status_code == 403
    assert "this invitation is for dr.ng@clinic.example" in refused.content.decode()
    assert not PatientAccess.objects.filter(user=stranger, patient=patient).exists()
    assert Invitation.objects.get().accepted_at is None  # still usable by the right person


def test_a_link_works_once(client_for, owner, patient, doctor):
    invite(client_for(owner), patient, doctor.email, Role.CLINICIAN)
    path = link_in_mail(mail.outbox[0])
    client = client_for(doctor)
    assert client.post(accept_url(path)).status_code == 302
    again = client.post(accept_url(path))
    assert again.status_code == 410
    assert "It has already been used" in again.content.decode()
    landing = client.get(path)
    assert landing.status_code == 410
    # The one who used it is offered the way in.
    assert reverse("patients:detail", kwargs={"patient_id": patient.pk}) in landing.content.decode()
    assert PatientAccess.objects.filter(user=doctor, patient=patient).count() == 1
    # Anyone else learns nothing about the patient.
    other = Client().get(path)
    assert other.status_code == 410 and "Leo" not in other.content.decode()


def test_an_expired_link_is_refused(client_for, owner, patient, doctor, settings):
    past = timezone.now() - dt.timedelta(days=settings.INVITATION_EXPIRY_DAYS, minutes=1)
    new = services.create_invitation(patient, doctor.email, Role.CLINICIAN, owner, now=past)
    path = reverse("sharing:invitation", kwargs={"token": new.token})
    client = client_for(doctor)
    for response in (client.get(path), client.post(accept_url(path))):
        assert response.status_code == 410
        assert "It has expired." in response.content.decode()
    assert not PatientAccess.objects.filter(user=doctor).exists()


def test_a_link_just_before_expiry_still_works(client_for, owner, patient, doctor, settings):
    almost = timezone.now() - dt.timedelta(days=settings.INVITATION_EXPIRY_DAYS) + dt.timedelta(minutes=5)
    new = services.create_invitation(patient, doctor.email, Role.CLINICIAN, owner, now=almost)
    path = reverse("sharing:invitation", kwargs={"token": new.token})
    assert client_for(doctor).post(accept_url(path)).status_code == 302
    assert PatientAccess.objects.filter(user=doctor, patient=patient).exists()


@pytest.mark.parametrize(
    "token",
    ["garbage", "x" * 43, "%00", "a" * 5000, "ñandú", "..", "%2e%2e"],
)
def test_a_garbage_token_gets_a_clear_page(client, doctor, token):
    landing = client.get(f"/invitations/{token}/")
    assert landing.status_code == 404
    assert "This is not a link we sent." in landing.content.decode()
    assert client.post(f"/invitations/{token}/accept/")["Location"].startswith(reverse("account_login"))
    client.force_login(doctor)
    assert client.get(f"/invitations/{token}/").status_code == 404
    accept = client.post(f"/invitations/{token}/accept/")
    assert accept.status_code == 404 and "This is not a link we sent." in accept.content.decode()


def test_owner_cancels_an_invitation_and_the_link_stops_working(client_for, owner, patient, doctor):
    client = client_for(owner)
    invite(client, patient, doctor.email, Role.CLINICIAN)
    path = link_in_mail(mail.outbox[0])
    invitation = Invitation.objects.get()
    assert doctor.email in client.get(manage_url(patient)).content.decode()

    cancel = reverse("sharing:invitation_cancel", kwargs={"patient_id": patient.pk, "pk": invitation.pk})
    response = client.post(cancel, follow=True)
    assert "The invitation to dr.ng@clinic.example was cancelled" in response.content.decode()
    assert 'data-invitation="dr.ng@clinic.example"' not in response.content.decode()
    assert Invitation.objects.get().cancelled_at is not None

    refused = client_for(doctor).post(accept_url(path))
    assert refused.status_code == 410 and "It was cancelled" in refused.content.decode()
    assert not PatientAccess.objects.filter(user=doctor).exists()

    # Cancelling again says so, and changes nothing.
    again = client_for(owner).post(cancel, follow=True)
    assert "had already been cancelled" in again.content.decode()


def test_cancelling_an_accepted_invitation_changes_nothing(client_for, owner, patient, doctor):
    new = services.create_invitation(patient, doctor.email, Role.CLINICIAN, owner)
    services.accept_invitation(new.invitation, doctor)
    cancel = reverse("sharing:invitation_cancel", kwargs={"patient_id": patient.pk, "pk": new.invitation.pk})
    response = client_for(owner).post(cancel, follow=True)
    assert "had already been accepted" in response.content.decode()
    invitation = Invitation.objects.get()
    assert invitation.cancelled_at is None and invitation.accepted_by == doctor
    assert PatientAccess.objects.filter(user=doctor, patient=patient).exists()


def test_inviting_the_same_address_again_replaces_the_link(client_for, owner, patient, doctor):
    client = client_for(owner)
    invite(client, patient, doctor.email, Role.CLINICIAN)
    invite(client, patient, doctor.email.upper(), Role.CAREGIVER)
    first, second = link_in_mail(mail.outbox[0]), link_in_mail(mail.outbox[1])
    assert first != second
    doctor_client = client_for(doctor)
    assert doctor_client.post(accept_url(first)).status_code == 410
    assert doctor_client.post(accept_url(second)).status_code == 302
    assert PatientAccess.objects.get(user=doctor, patient=patient).role == Role.CAREGIVER


def test_an_invitation_to_another_patient_cannot_be_cancelled_through_ours(client_for, owner, patient, stranger):
    their_patient = stranger.patient_access.get().patient
    theirs = services.create_invitation(their_patient, "x@example.org", Role.CLINICIAN, stranger).invitation
    url = reverse("sharing:invitation_cancel", kwargs={"patient_id": patient.pk, "pk": theirs.pk})
    assert client_for(owner).post(url).status_code == 404
    assert Invitation.objects.get(pk=theirs.pk).cancelled_at is None


def test_accepting_raises_a_role_but_never_lowers_it(client_for, owner, caregiver, patient):
    # The caregiver (the other parent) is invited as owner: upgraded.
    new = services.create_invitation(patient, caregiver.email, Role.OWNER, owner)
    response = client_for(caregiver).post(reverse("sharing:invitation_accept", kwargs={"token": new.token}))
    assert response.status_code == 302
    access = PatientAccess.objects.get(user=caregiver, patient=patient)
    assert access.role == Role.OWNER
    assert "Your access to Leo&#x27;s log is now owner." in client_for(caregiver).get("/").content.decode()

    # An owner who accepts a clinician invitation (the form refuses it, but an
    # invitation made before they became owner may still be open) stays owner.
    lower = services.create_invitation(patient, owner.email, Role.CLINICIAN, caregiver)
    acceptance = services.accept_invitation(lower.invitation, owner)
    assert not acceptance.changed
    assert PatientAccess.objects.get(user=owner, patient=patient).role == Role.OWNER
    assert PatientAccess.objects.filter(patient=patient).count() == 3  # the unique row was never duplicated


def test_accepting_twice_at_the_service_level_is_refused(owner, patient, db):
    doctor = factories.make_user("twice@example.org")
    new = services.create_invitation(patient, doctor.email, Role.CLINICIAN, owner)
    services.accept_invitation(new.invitation, doctor)
    with pytest.raises(services.InvitationUnusable):
        services.accept_invitation(new.invitation, doctor)  # a stale object, as a double tap would hold


def test_a_second_owner_is_invited_and_can_manage_sharing(client_for, owner, patient):
    invite(client_for(owner), patient, "other.parent@example.org", Role.OWNER)
    path = link_in_mail(mail.outbox[0])
    other_parent = factories.make_user("other.parent@example.org", first_name="Pat")
    client = client_for(other_parent)
    assert client.post(accept_url(path)).status_code == 302
    assert client.get(manage_url(patient)).status_code == 200
    # They can invite, and remove the first owner now that there are two.
    assert invite(client, patient, "nurse@example.org", Role.CAREGIVER).status_code == 302
    first_owner = PatientAccess.objects.get(user=owner, patient=patient)
    revoke = reverse("sharing:revoke", kwargs={"patient_id": patient.pk, "pk": first_owner.pk})
    assert client.post(revoke).status_code == 302
    assert client_for(owner).get(reverse("patients:detail", kwargs={"patient_id": patient.pk})).status_code == 404


def test_a_mail_server_failure_still_shows_the_link(client_for, owner, patient, monkeypatch):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPException("no relay")

    monkeypatch.setattr("hemolog.sharing.services.send_mail", refuse)
    client = client_for(owner)
    response = invite(client, patient, "a@example.org", Role.CAREGIVER)
    assert response.status_code == 302
    page = client.get(manage_url(patient)).content.decode()
    assert "could not be sent: pass the link on yourself" in page
    assert re.search(r"http://testserver/invitations/[\w-]{43}/", page)
    assert Invitation.objects.count() == 1
