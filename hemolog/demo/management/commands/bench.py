"""Time every page a family or a clinician opens daily against a trivial page.

    DJANGO_DEBUG= DJANGO_SECRET_KEY=bench python manage.py bench [--runs 7]

Seeds the log described in :mod:`hemolog.demo.bench_data` (a family whose
eldest has ten years of log, a clinician with 200 patients), then times, in
this process with DEBUG off: the home page, the patient page, the bleed and
infusion lists, the new-bleed and new-infusion forms, the stock page, the
dashboard warm and cold, and the clinician's roster, against a trivial
logged-in page as the floor. Prints each page's median time, SQL query count,
size and ratio to the floor. Everything it writes is rolled back at the end.
"""

from __future__ import annotations

import logging
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client, override_settings

from hemolog.core.caching import values_cache
from hemolog.demo import bench, bench_data
from hemolog.demo.bench_restore import time_restore
from hemolog.exports.archive import MAX_PATIENTS, MAX_REGIMENS, MAX_ROWS
from hemolog.inventory.models import Product
from hemolog.logbook.models import BleedEpisode, Infusion

# Static files from the app folders, so that the bench needs no collectstatic.
PLAIN_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


BENCH_CACHES = {
    alias: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"bench-{alias}"}
    for alias in ("default", "values", "jobs")
}
# The jobs a page starts run when enqueued: timed with the page, on no shared queue.
BENCH_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the pages opened daily (home, lists, forms, stock, dashboard, roster) against a trivial page."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=7, help="measured requests per page (median reported)")
        parser.add_argument(
            "--restore-rows", type=int, default=MAX_ROWS, help="rows of the archive whose restore is timed"
        )

    def handle(self, *args, runs: int, restore_rows: int, **options):
        if runs < 1:
            raise CommandError("--runs must be at least 1.")
        logging.getLogger("django_tasks").setLevel(logging.WARNING)  # a line per job the pages start
        if not Product.objects.filter(patient=None).exists():
            raise CommandError("The product catalogue is empty: run `manage.py migrate` first.")
        # Caches of its own, in this process's memory: the bench empties them
        # for the cold pages, and must never empty a shared production cache.
        with override_settings(CACHES=BENCH_CACHES, TASKS=BENCH_TASKS, SESSION_ENGINE="hemolog.accounts.sessions"):
            try:
                with transaction.atomic():
                    self.run(runs, restore_rows)
                    raise Rollback
            except Rollback:
                pass
            finally:
                values_cache.clear()

    @override_settings(DEBUG=False, SECURE_SSL_REDIRECT=False, ALLOWED_HOSTS=["testserver"], STORAGES=PLAIN_STATIC)
    def run(self, runs: int, restore_rows: int) -> None:
        started = time.perf_counter()
        data = bench_data.seed()
        with connection.cursor() as cursor:
            # The planner's statistics of the seeded rows, as autovacuum keeps
            # them on a live database (inside this transaction, rolled back too).
            cursor.execute("ANALYZE")
        infusions = Infusion.objects.filter(patient=data.patient).count()
        bleeds = BleedEpisode.objects.filter(patient=data.patient).count()
        self.stdout.write(
            f"Seeded {infusions} infusions and {bleeds} bleeds over {bench_data.YEARS} years, and "
            f"{len(data.roster)} roster patients, in {time.perf_counter() - started:.1f} s ({connection.vendor})."
        )
        clients = {"parent": Client(), "clinician": Client()}
        clients["parent"].force_login(data.parent)
        clients["clinician"].force_login(data.clinician)
        started = time.perf_counter()
        results = bench.measure(bench.pages(data), clients, runs)
        self.stdout.write(f"Median of {runs} requests per page, in {time.perf_counter() - started:.1f} s:\n")
        bench.report(results, self.stdout.write)
        timing = time_restore(data, restore_rows)
        self.stdout.write(
            f"Archive restore: {timing.rows:,} rows ({timing.megabytes:.1f} MB) in {timing.seconds:.1f} s, "
            f"{MAX_PATIENTS} patients and {MAX_REGIMENS} regimens among them (the most accepted: "
            f"{MAX_ROWS:,} rows; a job of the task worker, not of a web request)."
        )
