"""Invitations sent at the same moment by one owner: the limit holds
(the sender's row is locked while the count is taken). Runs on PostgreSQL in
CI (and on SQLite, which serialises writers)."""

import threading

import pytest
from django.db import connections

from hemolog.patients.models import PatientAccess
from hemolog.sharing import services
from hemolog.sharing.models import Invitation
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_six_invitations_at_once_with_room_for_two_send_two():
    owner = factories.make_user("racer@example.org")
    patient = factories.make_patient(owner=owner, display_name="Racer")
    for n in range(8):
        services.create_invitation(patient, f"early{n}@example.org", PatientAccess.Role.CAREGIVER, invited_by=owner)
    barrier = threading.Barrier(6)
    outcomes: list[str] = []

    def invite(n: int):
        try:
            barrier.wait(timeout=10)
            services.create_invitation(patient, f"late{n}@example.org", PatientAccess.Role.CAREGIVER, invited_by=owner)
            outcomes.append("sent")
        except services.TooManyInvitations:
            outcomes.append("refused")
        finally:
            connections.close_all()  # each thread has its own connection

    threads = [threading.Thread(target=invite, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["refused"] * 4 + ["sent"] * 2
    assert Invitation.objects.filter(invited_by=owner).count() == 10
