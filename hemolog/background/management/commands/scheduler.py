"""``manage.py scheduler``: runs the periodic jobs when they are due, until stopped.

Safe to run on several hosts at once (:mod:`hemolog.background.periodic`).
``--once`` runs what is due and exits (for cron, or a test)."""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from hemolog.background.periodic import run_due


class Command(BaseCommand):
    help = "Run the periodic jobs (expiry of old rows; reminders) when they are due."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="Run what is due, then exit.")
        parser.add_argument("--interval", type=float, default=30.0, help="Seconds between looks (default 30).")

    def handle(self, *args, once: bool, interval: float, **options) -> None:
        self.running = True
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        self.stdout.write(f"Scheduler started, looking every {interval:g} s.")
        while self.running:
            close_old_connections()
            try:
                run_due()  # each run is logged (hemolog.background.periodic)
            except Exception as error:  # a database that is away: wait and look again
                self.stderr.write(f"Scheduler: {type(error).__name__}: {error}")
            close_old_connections()
            if once:
                return
            slept = 0.0
            while self.running and slept < interval:
                time.sleep(0.2)
                slept += 0.2
        self.stdout.write("Scheduler stopped.")

    def _stop(self, signum, frame) -> None:
        self.running = False
