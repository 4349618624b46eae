"""How long the largest archive one restore accepts takes to restore, for
``manage.py bench``: the bench family's own archive (ten years of log),
padded with copies of one of its bleeds up to ``rows`` rows
(:data:`hemolog.exports.archive.MAX_ROWS` by default), restored into a new
account inside a savepoint that is rolled back."""

from __future__ import annotations

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
