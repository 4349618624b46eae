"""``manage.py serve``: the whole app on one machine, as ``make run`` starts it.

The web server (``runserver``), the task queue's worker and the scheduler, as
three processes started together; when one stops, or on Ctrl-C or SIGTERM,
the others are stopped too and the command exits. In production each runs as
a service of its own (docs/operations.md)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand

STOP_SECONDS = 10


class Command(BaseCommand):
    help = "Run the web server, the worker and the scheduler together, until Ctrl-C."

    def add_arguments(self, parser) -> None:
        parser.add_argument("address", nargs="?", default="127.0.0.1:8000", help="Where the web server listens.")

    def handle(self, *args, address: str, **options) -> None:
        manage = [sys.executable, sys.argv[0]]
        commands = {
            "web": [*manage, "runserver", "--noreload", address],
            "worker": [*manage, "worker"],
            "scheduler": [*manage, "scheduler"],
        }
        self.stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        # Each in a session of its own: a Ctrl-C reaches this command only, which
        # passes one SIGINT on (a second would cut short the task a worker runs).
        # The commands are this interpreter and manage.py with fixed arguments.
        processes = {
            name: subprocess.Popen(command, start_new_session=True)  # noqa: S603
            for name, command in commands.items()
        }
        self.stdout.write(f"Started {', '.join(f'{name} (pid {p.pid})' for name, p in processes.items())}.")
        try:
            while not self.stopping:
                ended = [name for name, process in processes.items() if process.poll() is not None]
                if ended:
                    self.stderr.write(f"{', '.join(ended)} stopped: stopping the others.")
                    break
                time.sleep(0.2)
        finally:
            _stop_all(processes.values())
        self.stdout.write("Stopped the web server, the worker and the scheduler.")

    def _stop(self, signum, frame) -> None:
        self.stopping = True


def _stop_all(processes) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)  # what Ctrl-C sends: each stops cleanly
    deadline = time.monotonic() + STOP_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
