"""How long the largest archive one restore accepts takes to restore, for
``manage.py bench``: the bench family's own archive (ten years of log), with
as many more patients as an archive may hold, each with its share of the
most regimens an archive may hold (the costliest rows), padded with copies
of one of its bleeds up to ``rows`` rows (:data:`hemolog.exports.archive.MAX_ROWS`
by default), restored into a new account inside a savepoint that is rolled back."""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from hemolog.accounts.models import User
from hemolog.exports import archive

from .bench_data import BenchData


@dataclass(frozen=True)
class RestoreTiming:
    rows: int
    megabytes: float
    seconds: float


class _Undo(Exception):
    pass


def time_restore(data: BenchData, rows: int = archive.MAX_ROWS) -> RestoreTiming:
    content = archive.build_archive(data.parent, now=timezone.now())
    content = json.loads(archive.archive_json(content))
    first = content["patients"][0]
    _add_patients_with_regimens(content)
    missing = rows - archive.count_rows(content)
    template = first["bleeds"][0]
    first["bleeds"] += [{**template, "key": f"bench-{n}"} for n in range(max(missing, 0))]
    raw = json.dumps(content).encode()
    started = time.perf_counter()
    try:
        with transaction.atomic():
            account = User.objects.create_user(email="bench-restore@bench.invalid", password=None)
            archive.restore_archive(raw, account)
            elapsed = time.perf_counter() - started
            raise _Undo
    except _Undo:
        pass
    return RestoreTiming(archive.count_rows(content), len(raw) / 1_000_000, elapsed)


def _add_patients_with_regimens(content: dict) -> None:
    """Profiles like the first (no log of their own) up to MAX_PATIENTS, with
    one-day regimens, never overlapping, up to MAX_REGIMENS in all."""
    first = content["patients"][0]
    extra = archive.MAX_PATIENTS - len(content["patients"])
    regimens = archive.MAX_REGIMENS - sum(len(p["regimens"]) for p in content["patients"])
    template = first["regimens"][0]
    each = regimens // extra
    born = dt.date.fromisoformat(first["date_of_birth"])
    for n in range(extra):
        days = [born + dt.timedelta(days=1 + day) for day in range(each)]
        content["patients"].append(
            {
                **first,
                "display_name": f"Bench restore {n}",
                "weights": [],
                "own_products": [],
                "bleeds": [],
                "lots": [],
                "infusions": [],
                "regimens": [{**template, "start_date": day.isoformat(), "end_date": day.isoformat()} for day in days],
            }
        )
