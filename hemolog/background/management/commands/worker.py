"""``manage.py worker``: the task queue's worker for the configured backend.

The database queue's ``db_worker`` (django-tasks-db), or RQ's worker (django-rq,
with its scheduler for delayed retries) when the tasks go to Redis. Extra
arguments are passed on (e.g. ``--batch`` to run what is queued, then exit)."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run the worker of the task queue (database or Redis/RQ, as configured)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then exit.")

    def handle(self, *args, batch: bool, **options) -> None:
        backend = settings.TASKS["default"]["BACKEND"]
        if backend == "django_tasks_db.DatabaseBackend":
            # No reloader (it would SIGKILL a task under way on Ctrl-C): restart the worker after a code change.
            extra = ["--batch"] if batch else ["--no-reload"]
            call_command("db_worker", "--queue-name", "*", "--interval", "0.5", *extra)
        elif backend == "django_tasks_rq.RQBackend":
            extra = ["--burst"] if batch else ["--with-scheduler"]
            call_command("rqworker", "default", "--job-class", "django_tasks_rq.Job", *extra)
        else:
            raise CommandError(f"The task backend {backend} needs no worker: its tasks run when enqueued.")
