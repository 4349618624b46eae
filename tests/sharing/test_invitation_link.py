"""The new invitation's link is shown once to the owner who sent it, and is
never kept on the server: not in the session (only its hash is stored)."""

import json
import re

from django.contrib.sessions.models import Session
from django.core import mail

from .test_invitations import Role, invite, link_in_mail, manage_url, token_of


def test_the_link_is_shown_once_and_the_session_never_holds_it(client_for, owner, patient):
    client = client_for(owner)
    assert invite(client, patient, "aunt@example.org", Role.CAREGIVER).status_code == 302
    token = token_of(link_in_mail(mail.outbox[0]))
    assert all(token not in str(session.get_decoded()) for session in Session.objects.all())
    first = client.get(manage_url(patient)).content.decode()
    assert re.search(rf'value="http://testserver/invitations/{token}/" id="invitation-link"', first)
    assert token not in client.get(manage_url(patient)).content.decode()  # once


def test_a_forged_or_foreign_link_cookie_shows_nothing(client_for, owner, patient):
    client = client_for(owner)
    client.cookies["hemolog_new_invitation"] = json.dumps({"patient_id": patient.pk, "link": "https://evil.example/"})
    assert "evil.example" not in client.get(manage_url(patient)).content.decode()


def test_another_owner_on_the_same_browser_does_not_see_the_link(client_for, owner, patient):
    """The cookie outlives a log-out for a few minutes; it is the sender's only."""
    from tests import factories

    other_owner = factories.make_user("dad@example.org")
    factories.grant(other_owner, patient, Role.OWNER)
    client = client_for(owner)
    invite(client, patient, "aunt@example.org", Role.CAREGIVER)
    token = token_of(link_in_mail(mail.outbox[0]))
    client.post("/accounts/logout/")
    client_for(other_owner)  # the same browser (test client), the other parent
    assert token not in client.get(manage_url(patient)).content.decode()
