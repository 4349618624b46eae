"""The scheduler's periodic jobs: each run happens once, however many
schedulers look at the same time, and the hourly expiry deletes what is only
kept for a while, and nothing else."""

import datetime as dt
import threading

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hemolog.background import periodic
from hemolog.background.jobs import Outcome, handler, start_job
from hemolog.background.models import Job, ScheduledRun
from hemolog.exports.models import PendingImport
from hemolog.sharing.models import Invitation
from tests import factories

COUNTED = "test_counted"
runs: list[str] = []


@handler(COUNTED)
def counted(job, progress):
    runs.append(job.token)
    return Outcome(title="Counted")


@pytest.fixture
def slow_job():
    """A periodic job that takes a moment, so two schedulers overlap."""
    calls = []

    def slow(now):
        calls.append(now)
        threading.Event().wait(0.5)
        return "slow done"

    periodic.periodic("test_slow", every=dt.timedelta(minutes=5))(slow)
    yield calls
    del periodic._PERIODIC["test_slow"]


def test_a_due_job_runs_once_then_waits_for_its_interval(db, slow_job):
    now = timezone.now()
    assert "test_slow: slow done" in periodic.run_due(now)
    assert "test_slow: slow done" not in periodic.run_due(now + dt.timedelta(minutes=4))
    assert "test_slow: slow done" in periodic.run_due(now + dt.timedelta(minutes=6))
    assert len(slow_job) == 2
    row = ScheduledRun.objects.get(name="test_slow")
    assert row.last_outcome == "slow done" and row.next_run_at == now + dt.timedelta(minutes=11)


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_run_a_job_once(slow_job):
    ScheduledRun.objects.create(name="test_slow", next_run_at=timezone.now())
    outcomes = []

    def scheduler():
        outcomes.append(periodic.run_due())
        from django.db import connection

        connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(slow_job) == 1, outcomes
    assert sum("test_slow: slow done" in done for done in outcomes) == 1


def test_a_periodic_job_that_raises_is_logged_and_moved_on(db):
    def broken(now):
        raise RuntimeError("broken")

    periodic.periodic("test_broken", every=dt.timedelta(hours=1))(broken)
    try:
        assert "test_broken: failed: RuntimeError" in periodic.run_due()
        assert not ScheduledRun.due(timezone.now()).filter(name="test_broken").exists()  # not again at once
    finally:
        del periodic._PERIODIC["test_broken"]


def test_the_expiry_deletes_what_has_expired_and_keeps_the_rest(owner, patient):
    now = timezone.now()
    days = dt.timedelta(days=1)
    old_unused = factories.make_invitation(patient, "old@example.org").invitation
    recent_unused = factories.make_invitation(patient, "recent@example.org").invitation
    old_accepted = factories.make_invitation(patient, "accepted@example.org").invitation
    Invitation.objects.filter(pk=old_unused.pk).update(created_at=now - 40 * days, expires_at=now - 31 * days)
    Invitation.objects.filter(pk=recent_unused.pk).update(created_at=now - 40 * days, expires_at=now - 29 * days)
    Invitation.objects.filter(pk=old_accepted.pk).update(
        created_at=now - 40 * days, expires_at=now - 31 * days, accepted_at=now - 35 * days
    )
    waiting = PendingImport.replace(owner, patient, "bleeds", "a.csv", b"x")
    stale = PendingImport.replace(factories.make_user("other@example.org"), patient, "bleeds", "b.csv", b"y")
    PendingImport.objects.filter(pk=stale.pk).update(expires_at=now - dt.timedelta(minutes=1))
    old_job = Job.objects.create(user=owner, kind=COUNTED, status=Job.Status.DONE, finished_at=now - 8 * days)
    recent_job = Job.objects.create(user=owner, kind=COUNTED, status=Job.Status.FAILED, finished_at=now - 6 * days)
    ScheduledRun.objects.all().delete()

    assert any(line.startswith("expire: 3 expired rows deleted") for line in periodic.run_due(now))

    assert set(Invitation.objects.values_list("email", flat=True)) == {"recent@example.org", "accepted@example.org"}
    assert list(PendingImport.objects.values_list("pk", flat=True)) == [waiting.pk]
    assert list(Job.objects.values_list("pk", flat=True)) == [recent_job.pk]
    assert old_job.pk not in Job.objects.values_list("pk", flat=True)


@pytest.mark.django_db(transaction=True)  # the worker closes its connection between tasks
def test_the_expiry_deletes_the_queues_finished_task_records(settings):
    owner = factories.make_user("owner@example.org")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    start_job(owner, COUNTED, params={"title": "Counted"})
    call_command("worker", "--batch")
    record = DBTaskResult.objects.get()
    assert record.status == "SUCCESSFUL"
    assert periodic.expire_jobs(timezone.now()) == 0  # a day old: kept
    assert periodic.expire_jobs(timezone.now() + dt.timedelta(days=8)) == 2  # the job and its task record
    assert not DBTaskResult.objects.exists() and not Job.objects.exists()


def test_a_job_whose_worker_died_is_tried_again(owner):
    job = Job.objects.create(
        user=owner,
        kind=COUNTED,
        status=Job.Status.RUNNING,
        attempts=1,
        started_at=timezone.now() - dt.timedelta(hours=2),
        params={"title": "Counted"},
    )
    count = len(runs)
    periodic.expire(timezone.now())
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.attempts == 2  # in the suite the retry runs at once
    assert len(runs) == count + 1


def test_a_job_that_ran_out_of_attempts_while_its_worker_died_is_failed(owner):
    job = Job.objects.create(
        user=owner,
        kind=COUNTED,
        status=Job.Status.RUNNING,
        attempts=3,
        started_at=timezone.now() - dt.timedelta(hours=2),
    )
    periodic.expire(timezone.now())
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.result["ok"] is False


@pytest.mark.django_db(transaction=True)
def test_a_stuck_job_is_queued_once_after_its_retry_delay(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    owner = factories.make_user("owner@example.org")
    now = timezone.now()
    Job.objects.create(user=owner, kind=COUNTED, status=Job.Status.RUNNING, attempts=1, started_at=now - 2 * HOUR)
    assert periodic.expire(now).endswith("1 stuck jobs tried again")
    (task,) = DBTaskResult.objects.all()  # once, not also as a "lost" waiting job
    assert task.run_after is not None and task.run_after >= now + dt.timedelta(seconds=29)  # the first retry delay
    assert Job.objects.get().status == Job.Status.RETRYING


HOUR = dt.timedelta(hours=1)
