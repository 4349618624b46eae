"""Two uploads by one account at the same moment (a double tap, two tabs):
one file is left waiting, and neither request fails. Runs on PostgreSQL in CI
(and on SQLite, which serialises writers)."""

import threading

import pytest
from django.db import connections

from hemolog.exports.models import PendingImport
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_uploads_at_once_leave_one_waiting_file():
    owner = factories.make_user("tapper@example.org")
    patient = factories.make_patient(owner=owner, display_name="Racer")
    barrier = threading.Barrier(4)
    failures: list[Exception] = []

    def upload(n: int) -> None:
        try:
            barrier.wait(timeout=10)
            PendingImport.replace(owner, patient, "bleeds", f"file{n}.csv", b"started_at,site\n")
        except Exception as error:  # the race's outcome is what is asserted
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=upload, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == []
    assert PendingImport.objects.filter(user=owner).count() == 1
