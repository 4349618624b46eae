"""Property tests of the CSV files (Hypothesis): a spreadsheet formula is
neutralised and given back exactly, whatever the text; and an exported log
imports into an empty patient as the same entries.

The database test builds each example's patients inside a savepoint that is
rolled back after it (:func:`.log_examples.rolled_back`), so the examples share
the test's database but none of its rows."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hemolog.core.dates import DateRange
from hemolog.exports.columns import FORMULA_STARTS, neutralise_formula_text, restore_formula_text
from hemolog.exports.csv_export import bleeds_csv, infusions_csv
from hemolog.exports.csv_import import Status, build_plan, save_plan
from hemolog.exports.csv_upload import read_table
from hemolog.patients.models import Patient
from tests import factories

from .log_examples import START, logs, rolled_back, write_log

# Function-scoped fixtures (the database, the emptied cache) are shared by the
# examples of a test: each example rolls back what it wrote (see the docstring).
DATABASE_EXAMPLES = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
ZONES = ["UTC", "Europe/London", "America/New_York", "Asia/Kolkata", "Pacific/Chatham"]


@given(st.text())
@settings(max_examples=300, deadline=None)
def test_a_neutralised_text_never_starts_a_formula_and_restores_exactly(value):
    written = neutralise_formula_text(value)
    assert not written.startswith(FORMULA_STARTS)
    assert restore_formula_text(written) == value


@given(st.text(alphabet=st.sampled_from("'=+-@\t\rab")))
@settings(max_examples=300, deadline=None)
def test_apostrophes_and_formula_starts_in_any_order_restore_exactly(value):
    assert restore_formula_text(neutralise_formula_text(value)) == value


def the_log(patient: Patient) -> tuple[list[tuple], list[tuple]]:
    bleeds = sorted(
        (b.started_at, b.resolved_at, b.site, b.side, b.cause, b.severity, b.pain, b.notes)
        for b in patient.bleeds.all()
    )
    infusions = sorted(
        (
            i.given_at,
            i.product.brand_name,
            i.dose,
            i.reason,
            i.given_by,
            i.bleed and (i.bleed.started_at, i.bleed.site, i.bleed.side),
            i.notes,
            i.lot_id,
            i.vials_used,
        )
        for i in patient.infusions.select_related("product", "bleed")
    )
    return bleeds, infusions


def import_file(content: bytes, patient: Patient, user) -> None:
    plan = build_plan(read_table(content), patient)
    problems = [(row.line, row.errors) for row in plan.rows if row.status not in (Status.NEW, Status.CONFIRM)]
    assert not problems, problems
    save_plan(plan, patient, user, include_flagged=True)  # a high or repeated dose is confirmed


@pytest.mark.django_db
@given(log=logs(), zone=st.sampled_from(ZONES))
@DATABASE_EXAMPLES
def test_an_exported_log_imports_into_an_empty_patient_as_the_same_entries(log, zone):
    bleeds, doses = log
    tz = zoneinfo.ZoneInfo(zone)
    period = DateRange(START.date() - dt.timedelta(days=1), dt.date.today())
    with rolled_back():
        owner = factories.make_user()
        source = factories.make_patient(owner=owner, display_name="Leo")
        write_log(source, bleeds, doses)
        bleeds_file = b"".join(bleeds_csv(source, period, tz))
        infusions_file = b"".join(infusions_csv(source, period, tz))

        copy = factories.make_patient(owner=owner, display_name="Leo (new profile)")
        if bleeds:  # bleeds first: the doses name the bleeds they treated
            import_file(bleeds_file, copy, owner)
        if doses:
            import_file(infusions_file, copy, owner)
        assert the_log(copy) == the_log(source)
