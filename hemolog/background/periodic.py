"""Periodic work, run by ``manage.py scheduler``.

Each periodic job has a :class:`.models.ScheduledRun` row saying when it is
next due. A scheduler takes a due row with ``SELECT … FOR UPDATE SKIP
LOCKED`` (PostgreSQL), runs the job while holding it and moves it on, so with
schedulers on several hosts each run happens once: another scheduler skips
the locked row, and finds it no longer due once it is free. (SQLite has one
writer at a time and no row locks: the conditional move of ``next_run_at``
does the same there.)

The first job, ``expire``, deletes what is only kept for a while: every app
registers its own part with :func:`register_expiry` (old invitations,
waiting CSV files, finished jobs and task records), and recovers jobs whose
worker died. The reminders add their jobs with :func:`periodic`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from .models import Job, ScheduledRun

logger = logging.getLogger(__name__)

JOB_KEEP_DAYS = 7  # a finished job's page answers for a week
_PERIODIC: dict[str, tuple[dt.timedelta, Callable[[dt.datetime], str]]] = {}
_EXPIRY: list[Callable[[dt.datetime], int]] = []


def periodic(name: str, every: dt.timedelta) -> Callable:
    """Register ``function(now) -> str`` (what it did) to run ``every`` so often."""

    def register(function: Callable[[dt.datetime], str]) -> Callable[[dt.datetime], str]:
        _PERIODIC[name] = (every, function)
        return function

    return register


def register_expiry(function: Callable[[dt.datetime], int]) -> None:
    """``function(now)`` deletes what has expired at ``now``; returns how many rows."""
    if function not in _EXPIRY:
        _EXPIRY.append(function)


@periodic("expire", every=dt.timedelta(hours=1))
def expire(now: dt.datetime) -> str:
    from .jobs import recover_stuck_jobs

    deleted = sum(function(now) for function in _EXPIRY)
    recovered = recover_stuck_jobs(now)
    return f"{deleted} expired rows deleted, {recovered} stuck jobs tried again"


def expire_jobs(now: dt.datetime) -> int:
    """Finished jobs after :data:`JOB_KEEP_DAYS`, and the task queue's finished records."""
    before = now - dt.timedelta(days=JOB_KEEP_DAYS)
    deleted, _ = Job.objects.filter(status__in=Job.FINISHED, finished_at__lt=before).delete()
    from django_tasks_db.models import DBTaskResult

    finished = DBTaskResult.objects.filter(status__in=("SUCCESSFUL", "FAILED"), finished_at__lt=before)
    # A task left running by a worker that was killed: its job was recovered long since.
    abandoned = DBTaskResult.objects.filter(status="RUNNING", started_at__lt=before)
    return deleted + finished.delete()[0] + abandoned.delete()[0]


def run_due(now: dt.datetime | None = None) -> list[str]:
    """Run every periodic job that is due and not taken by another scheduler."""
    done = []
    for name, (every, function) in sorted(_PERIODIC.items()):
        now = now or timezone.now()
        ScheduledRun.objects.get_or_create(name=name, defaults={"next_run_at": now})
        with transaction.atomic():
            row = ScheduledRun.due(now).filter(name=name).select_for_update(skip_locked=True).first()
            if row is None:
                continue
            moved = ScheduledRun.objects.filter(pk=row.pk, next_run_at=row.next_run_at).update(
                next_run_at=now + every, last_run_at=now
            )
            if not moved:
                continue
            try:
                with transaction.atomic():
                    outcome = function(now)
            except Exception as error:  # logged; tried again at the next run, not in a loop
                logger.exception("Periodic job %s failed", name)
                outcome = f"failed: {type(error).__name__}"
            ScheduledRun.objects.filter(pk=row.pk).update(last_outcome=outcome[:200])
        logger.info("%s: %s", name, outcome)
        done.append(f"{name}: {outcome}")
    return done
