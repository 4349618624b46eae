"""Invitation e-mails: how many a user may send, and what a user can put in them."""

import datetime as dt

import time_machine
from django.core import mail

from hemolog.sharing.models import Invitation
from tests import factories

from .test_invitations import Role, invite

START = dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.UTC)


def test_ten_invitations_an_hour_then_a_clear_refusal_that_keeps_what_was_typed(client_for, owner, patient):
    with time_machine.travel(START, tick=False) as clock:
        client = client_for(owner)
        for n in range(10):
            assert invite(client, patient, f"person{n}@example.org", Role.CAREGIVER).status_code == 302
        response = invite(client, patient, "one.more@example.org", Role.CAREGIVER)
        assert response.status_code == 200
        html = response.content.decode()
        assert "You have sent 10 invitations in the last hour" in html
        assert 'value="one.more@example.org"' in html
        assert len(mail.outbox) == 10 and Invitation.objects.count() == 10
        # Replacing a link counts too: cancelled invitations were still e-mails sent.
        assert invite(client, patient, "person1@example.org", Role.CAREGIVER).status_code == 200
        clock.shift(dt.timedelta(minutes=61))
        client = client_for(owner)  # logged in again after the idle time-out
        assert invite(client, patient, "one.more@example.org", Role.CAREGIVER).status_code == 302
        assert mail.outbox[-1].to == ["one.more@example.org"]


def test_thirty_a_day_across_all_patients(client_for, owner, patient):
    other_child = factories.make_patient(owner=owner, display_name="Sam")
    with time_machine.travel(START, tick=False) as clock:
        for hour in range(3):
            client = client_for(owner)
            for n in range(10):
                child = patient if n % 2 else other_child
                assert invite(client, child, f"p{hour}-{n}@example.org", Role.CAREGIVER).status_code == 302
            clock.shift(dt.timedelta(minutes=61))
        response = invite(client_for(owner), patient, "late@example.org", Role.CAREGIVER)
        assert "You have sent 30 invitations in the last day" in response.content.decode()
        clock.shift(dt.timedelta(hours=21))
        assert invite(client_for(owner), patient, "late@example.org", Role.CAREGIVER).status_code == 302


def test_another_owner_has_their_own_count(client_for, owner, caregiver, patient):
    second_owner = factories.make_user("dad@example.org")
    factories.grant(second_owner, patient, Role.OWNER)
    client = client_for(owner)
    for n in range(10):
        invite(client, patient, f"person{n}@example.org", Role.CAREGIVER)
    assert invite(client_for(second_owner), patient, "aunt@example.org", Role.CAREGIVER).status_code == 302


def test_no_user_written_text_in_the_subject(client_for, owner, patient):
    patient.display_name = "Leo\r\nBcc: spy@example.org <a href=https://evil.example>prize</a>"
    patient.save()
    owner.first_name = "WIN A PRIZE at evil.example"
    owner.save()
    assert invite(client_for(owner), patient, "a@example.org", Role.CAREGIVER).status_code == 302
    (message,) = mail.outbox
    assert message.subject == "An invitation to a Hemolog log"
    assert message.bcc == [] and "\n" not in message.subject
