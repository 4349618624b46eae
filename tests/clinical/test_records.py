"""The plain records: validation, the calendar helper, and that they stay in step with the models."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from hemolog.clinical import records
from hemolog.clinical.dates import add_months
from hemolog.clinical.records import BleedRecord, DoseRecord, ScheduleRecord


def test_code_values_match_the_model_choices():
    from hemolog.inventory.models import DoseUnit, ProductKind
    from hemolog.logbook.models import JOINT_SITES, Cause, Reason, ScheduleKind

    assert {str(s) for s in JOINT_SITES} == records.JOINT_SITES
    assert {records.SPONTANEOUS, records.TRAUMATIC, records.POST_PROCEDURE, records.UNKNOWN_CAUSE} == set(Cause.values)
    assert {records.PROPHYLAXIS, records.BLEED_TREATMENT, records.PRE_PROCEDURE, records.OTHER_REASON} == set(
        Reason.values
    )
    assert {records.FVIII, records.FIX, records.BYPASSING, records.EMICIZUMAB, records.OTHER_PRODUCT} == set(
        ProductKind.values
    )
    assert {records.IU, records.MG} == set(DoseUnit.values)
    assert set(ScheduleKind.values) == records.SCHEDULE_KINDS


def test_the_package_does_not_import_django():
    code = "import sys, hemolog.insights; sys.exit('django' in sys.modules)"
    root = Path(__file__).resolve().parents[2]
    assert subprocess.run([sys.executable, "-c", code], cwd=root).returncode == 0


def test_of_django_the_calculations_import_only_its_translations():
    """import-linter sees ``django`` as one package: this names the one part allowed."""
    import ast

    folder = Path(records.__file__).parent
    imported = set()
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    django = {name for name in imported if name == "django" or name.startswith("django.")}
    assert django == {"django.utils.translation"}


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        BleedRecord(started_at=dt.datetime(2024, 1, 1), site="KNEE", side="L")
    with pytest.raises(ValueError, match="timezone-aware"):
        DoseRecord(given_at=dt.datetime(2024, 1, 1), dose=1000, product_kind="FVIII")


def test_invalid_records_are_refused():
    start = dt.datetime(2024, 1, 2, tzinfo=dt.UTC)
    with pytest.raises(ValueError):
        BleedRecord(started_at=start, resolved_at=start - dt.timedelta(minutes=1), site="KNEE", side="L")
    with pytest.raises(ValueError):
        DoseRecord(given_at=start, dose=0, product_kind="FVIII")
    with pytest.raises(ValueError):
        ScheduleRecord(kind="EVERY_N_DAYS", start_date=dt.date(2024, 1, 1))  # no interval
    with pytest.raises(ValueError):
        ScheduleRecord(kind="WEEKDAYS", weekdays="7", start_date=dt.date(2024, 1, 1))
    with pytest.raises(ValueError):
        ScheduleRecord(kind="WEEKLY", start_date=dt.date(2024, 1, 2), end_date=dt.date(2024, 1, 1))
    with pytest.raises(ValueError):
        ScheduleRecord(kind="MONTHLY", start_date=dt.date(2024, 1, 1))


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (dt.datetime(2024, 1, 10, 10), 6, dt.datetime(2024, 7, 10, 10)),
        (dt.datetime(2023, 8, 31), 6, dt.datetime(2024, 2, 29)),  # clamped, leap year
        (dt.datetime(2024, 8, 31), 6, dt.datetime(2025, 2, 28)),
        (dt.datetime(2024, 3, 1), 12, dt.datetime(2025, 3, 1)),
        (dt.datetime(2024, 11, 30), 3, dt.datetime(2025, 2, 28)),
        (dt.datetime(2024, 3, 31), -1, dt.datetime(2024, 2, 29)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


def test_weight_history_answers_by_the_one_rule():
    from decimal import Decimal

    from hemolog.clinical.records import WeightHistory

    history = WeightHistory(
        [
            (dt.date(2025, 6, 1), Decimal("31.0")),
            (dt.date(2025, 1, 1), Decimal("29.5")),  # any order in
            (dt.date(2025, 6, 1), Decimal("31.2")),  # two on one day: the one given last
        ]
    )
    assert history.on(dt.date(2024, 12, 31)) == Decimal("29.5")  # before the first: the earliest
    assert history.on(dt.date(2025, 1, 1)) == Decimal("29.5")
    assert history.on(dt.date(2025, 5, 31)) == Decimal("29.5")
    assert history.on(dt.date(2025, 6, 1)) == Decimal("31.2")
    assert history.on(dt.date(2030, 1, 1)) == Decimal("31.2")
    assert WeightHistory([]).on(dt.date(2025, 1, 1)) is None
