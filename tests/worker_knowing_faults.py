"""``python tests/worker_knowing_faults.py worker``: the task queue's worker,
which also knows the failing job of tests/background_faults.py."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hemolog.settings_test")

import django  # noqa: E402

django.setup()

from django.core.management import execute_from_command_line  # noqa: E402

import tests.background_faults  # noqa: E402,F401  (registers the failing job)

execute_from_command_line(["manage.py", *sys.argv[1:]])
