"""Jobs: work a person starts from a page and waits for, done by the worker.

A view calls :func:`start_job` (a :class:`.models.Job` row, then a task on the
queue) and sends the person to the job's page, which refreshes itself until
the job is over. The worker runs the *handler* registered for the job's kind
(:func:`handler`; each app registers its own in its ``AppConfig.ready``):

- the handler's writes are one transaction: a handler that raises leaves
  nothing behind;
- it reports how far it is with ``progress(percent, text)``, kept in the
  ``progress`` cache (not the database: the transaction would hide it);
- it returns a :class:`Outcome` for the page, or raises :class:`Refused` when
  its input is wrong (an archive that does not check): shown, not retried;
- any other exception is logged and the job tried again after each delay of
  ``HEMOLOG_JOB_RETRY_DELAYS`` (seconds), then shown as failed.

A job runs once however often its task is delivered: the worker claims it
with one conditional UPDATE (waiting → running) before running it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from .models import Job

logger = logging.getLogger(__name__)

PROGRESS_SECONDS = 60 * 60  # how long a job's progress is kept in the cache


@dataclasses.dataclass
class Outcome:
    """What the job's page shows once it is over."""

    title: str
    lines: list[str] = dataclasses.field(default_factory=list)
    url: str = ""
    link: str = ""
    ok: bool = True
    go_on: bool = False  # the page goes on to ``url`` by itself, with the title as a message

    def as_json(self) -> dict:
        return dataclasses.asdict(self)


class Refused(Exception):
    """The job's input can't be used: shown to the person, not tried again.
    Its writes are rolled back; ``afterwards`` (if given) runs after that, on
    its own (to drop an input that can never be used)."""

    def __init__(self, outcome: Outcome, afterwards: Callable[[], object] | None = None):
        super().__init__(outcome.title)
        self.outcome = dataclasses.replace(outcome, ok=False)
        self.afterwards = afterwards


Progress = Callable[[int, str], None]
Handler = Callable[[Job, Progress], Outcome]


@dataclasses.dataclass(frozen=True)
class _Kind:
    run: Handler
    atomic: bool
    may_see: Callable[[Job], bool] | None


_KINDS: dict[str, _Kind] = {}
MAX_JOBS_UNDER_WAY = 3  # per person: more waits until one is over


class TooManyJobs(Exception):
    """The person has :data:`MAX_JOBS_UNDER_WAY` jobs waiting or running."""


def too_many_jobs() -> str:
    return _("You have %(count)s imports or reports under way: wait until one is over, then try again.") % {
        "count": MAX_JOBS_UNDER_WAY
    }


def handler(kind: str, *, atomic: bool = True, may_see: Callable[[Job], bool] | None = None) -> Callable:
    """Register the function that does jobs of ``kind``.

    ``atomic``: the runner puts the handler and the job's outcome in one
    transaction. A handler that keeps its checking out of the transaction (on
    SQLite a transaction holds the database's one write lock for as long as it
    lasts) passes False and calls :func:`finish` inside its own. ``may_see(job)``
    says whether the job's starter may still see it and its file (their access
    to the patient it is about, which may have ended since)."""

    def register(function: Handler) -> Handler:
        _KINDS[kind] = _Kind(function, atomic, may_see)
        return function

    return register


def may_see(job: Job) -> bool:
    kind = _KINDS.get(job.kind)
    return kind is None or kind.may_see is None or kind.may_see(job)


def retry_delays() -> list[int]:
    return list(settings.HEMOLOG_JOB_RETRY_DELAYS)


def max_attempts() -> int:
    return len(retry_delays()) + 1


def start_job(user, kind: str, *, data: bytes = b"", params: dict | None = None) -> Job:
    """A new job of ``kind`` for ``user``, on the queue. Its texts are written
    in the language and time zone of the request that starts it."""
    if kind not in _KINDS:
        raise LookupError(f"no handler for jobs of kind {kind!r}")
    if Job.objects.filter(user=user).exclude(status__in=Job.FINISHED).count() >= MAX_JOBS_UNDER_WAY:
        raise TooManyJobs
    job = Job(user=user, kind=kind, params=params or {})
    job.params.setdefault("language", translation.get_language())
    job.params.setdefault("time_zone", timezone.get_current_timezone_name())
    if data:
        job.set_data(data)
    job.save()
    try:
        enqueue(job)
    except Exception:
        job.delete()  # the queue is down: the page says nothing was saved, and nothing will be
        raise
    return job


def enqueue(job: Job, delay: int = 0) -> None:
    runner = run_job
    if delay and runner.get_backend().supports_defer:
        runner = runner.using(run_after=timezone.now() + dt.timedelta(seconds=delay))
    runner.enqueue(job.pk)


def attach_file(job: Job, name: str, content_type: str, content: bytes) -> str:
    """Keep the file the job made (written with the job's other writes); the URL it is downloaded from."""
    Job.objects.filter(pk=job.pk).update(output=content, output_name=name, output_type=content_type)
    return reverse("background:job_file", kwargs={"token": job.token})


def progress_of(job: Job) -> dict:
    """``{"percent": …, "text": …}`` as last reported, or empty."""
    return caches["jobs"].get(f"hemolog:job:{job.token}") or {}


class _Reporter:
    """Writes progress to the cache, at most twice a second."""

    def __init__(self, job: Job):
        self.key = f"hemolog:job:{job.token}"
        self.last = 0.0

    def __call__(self, percent: int, text: str) -> None:
        now = time.monotonic()
        if now - self.last >= 0.5 or percent >= 100:
            self.last = now
            caches["jobs"].set(self.key, {"percent": max(0, min(100, percent)), "text": text}, PROGRESS_SECONDS)


@task()
def run_job(job_id: int) -> str:
    """The task: claim the job, run its handler, record the outcome."""
    now = timezone.now()
    waiting = (Job.Status.WAITING, Job.Status.RETRYING)
    claimed = Job.objects.filter(pk=job_id, status__in=waiting).update(
        status=Job.Status.RUNNING, started_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return "not waiting"  # run already (a task delivered twice), or gone with its user
    job = Job.objects.defer("output").get(pk=job_id)
    kind = _KINDS.get(job.kind)
    if kind is None:  # a worker older than the page that started it
        logger.error("Job %s: no handler for %r in this worker", job.pk, job.kind)
        return _finish(job, Job.Status.FAILED, _could_not(job))
    with translation.override(job.params.get("language")), timezone.override(job.params.get("time_zone")):
        try:
            if kind.atomic:
                with transaction.atomic():
                    finish(job, kind.run(job, _Reporter(job)))
            else:
                finish(job, kind.run(job, _Reporter(job)))  # the handler finished it in its transaction, if it writes
        except Refused as refusal:
            if refusal.afterwards is not None:
                refusal.afterwards()
            return _finish(job, Job.Status.DONE, refusal.outcome)
        except Exception:
            logger.exception("Job %s (%s) failed on attempt %s", job.pk, job.kind, job.attempts)
            return _failed(job)
    return Job.Status.DONE


def finish(job: Job, outcome: Outcome) -> None:
    """Record the job as done with ``outcome``: a handler that writes calls it
    inside its transaction, so that the job is over exactly when its writes
    are in (a worker that dies between the two would run it again)."""
    _finish(job, Job.Status.DONE, outcome)


def _finish(job: Job, status: str, outcome: Outcome) -> str:
    """Only a running job ends, and only once."""
    Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
        status=status, result=outcome.as_json(), finished_at=timezone.now(), data=b""
    )
    return status


def _could_not(job: Job) -> Outcome:
    """The outcome of a job given up, in the language of the page that started
    it (this runs outside the handler too: a worker without the handler, the
    stuck-job sweep)."""
    with translation.override(job.params.get("language")):
        failed = ngettext(
            "It failed %(count)s time. Try again later; if it fails again, please report it.",
            "It failed %(count)s times. Try again later; if it fails again, please report it.",
            job.attempts,
        ) % {"count": job.attempts}
        return Outcome(title=_("This could not be done, and nothing was saved."), lines=[failed], ok=False)


def _failed(job: Job) -> str:
    """A running job that failed: tried again after its delay, or failed for good."""
    if job.attempts < max_attempts():
        if Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(status=Job.Status.RETRYING):
            enqueue(job, delay=retry_delays()[job.attempts - 1])
        return Job.Status.RETRYING
    return _finish(job, Job.Status.FAILED, _could_not(job))


def recover_stuck_jobs(now: dt.datetime | None = None) -> int:
    """Jobs whose worker died (running for an hour: a failed attempt, tried
    again after its delay or failed once out of attempts) or whose task was
    lost (waiting for an hour: queued again). The claim in :func:`run_job`
    keeps a job from running twice."""
    now = now or timezone.now()
    hour_ago = now - dt.timedelta(hours=1)
    waiting = Job.objects.filter(status__in=(Job.Status.WAITING, Job.Status.RETRYING), created_at__lt=hour_ago)
    lost = list(waiting.filter(started_at__isnull=True) | waiting.filter(started_at__lt=hour_ago))
    stuck = list(Job.objects.filter(status=Job.Status.RUNNING, started_at__lt=hour_ago))
    for job in stuck:
        _failed(job)
    for job in lost:
        enqueue(job)
    return len(stuck) + len(lost)
