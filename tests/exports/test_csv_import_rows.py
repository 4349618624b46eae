"""CSV import: how the rows are read (times, products, doses, treated bleeds,
lots, codes and labels), an export that imports again, and the cost of a file."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hemolog.exports.columns import BLEED_COLUMNS, INFUSION_COLUMNS
from hemolog.exports.csv_import import IGNORED_COLUMNS, READ_COLUMNS, Status, build_plan
from hemolog.exports.csv_upload import BLEEDS, INFUSIONS, read_table
from hemolog.inventory.models import StockMovement
from hemolog.logbook.models import BleedEpisode, Infusion
from tests import factories

from .csv_import_helpers import LONDON, Importer, ago, bleed, csv_file, errors_of, infusion, statuses

# Times -------------------------------------------------------------------------------------


def test_a_time_without_offset_is_read_in_the_users_zone(importer, owner, patient):
    owner.time_zone = "America/New_York"
    owner.save()
    day = (timezone.now() - dt.timedelta(days=40)).date()
    naive = f"{day.isoformat()} 07:30"
    with_offset = f"{day.isoformat()}T07:30:00+01:00"
    importer.plan(
        csv_file(BLEED_COLUMNS, [bleed(site="NOSE", side="", started_at=naive), bleed(started_at=with_offset)])
    )
    importer.confirm()
    new_york = zoneinfo.ZoneInfo("America/New_York")
    nose = patient.bleeds.get(site="NOSE")
    knee = patient.bleeds.get(site="KNEE")
    assert nose.started_at == dt.datetime.combine(day, dt.time(7, 30), tzinfo=new_york)
    assert knee.started_at == dt.datetime.combine(day, dt.time(6, 30), tzinfo=dt.UTC)


# Infusions ---------------------------------------------------------------------------------


def test_infusions_with_product_lot_and_treated_bleed(importer, patient, lot):
    knee = factories.make_bleed(patient, days_ago=30, site="KNEE", side="R")
    hemlibra = factories.product("Hemlibra")
    vials_before = lot.vials_on_hand
    started = timezone.localtime(knee.started_at, LONDON).isoformat()
    rows = [
        infusion(29, product="advate", reason="BLEED", lot_number=lot.lot_number, vials_used="1", notes="At home")
        | {"bleed_started_at": started, "bleed_site": "KNEE", "bleed_side": "R"},
        infusion(20, product="Hemlibra", product_kind="EMICIZUMAB", dose_iu="", dose_mg="48", lot_number="HEM-77"),
        infusion(19, product="Hemlibra", product_kind="EMICIZUMAB", dose_iu="48", dose_mg=""),  # mg product, IU column
        infusion(18, product="Factor Nine Pro"),  # no such product
        infusion(17) | {"bleed_started_at": ago(40), "bleed_site": "ANKLE", "bleed_side": "L"},  # no such bleed
        infusion(16, product="Advate", product_kind="FIX"),
        infusion(15, dose_iu="-5"),
        infusion(14, lot_number="A[1]"),
    ]
    plan = importer.plan(csv_file(INFUSION_COLUMNS, rows))
    assert statuses(plan) == {
        2: "new",
        3: "new",
        4: "error",
        5: "error",
        6: "error",
        7: "error",
        8: "error",
        9: "error",
    }
    assert "dose_mg: empty, but Hemlibra is dosed in mg." in errors_of(plan, 4)
    assert "product: no product called “Factor Nine Pro”" in errors_of(plan, 5)
    assert "no Left ankle bleed starting" in errors_of(plan, 6) and "Import the bleeds file first" in errors_of(plan, 6)
    assert "product_kind: Advate is FVIII, not FIX." in errors_of(plan, 7)
    assert "dose_iu: The dose must be more than zero." in errors_of(plan, 8)
    assert "lot_number: at most 50 characters, without square brackets" in errors_of(plan, 9)

    importer.confirm()
    treated = patient.infusions.get(reason="BLEED")
    assert treated.bleed == knee
    assert treated.lot is None and treated.vials_used == 0  # history: no stock link
    assert treated.notes == f"At home\n[lot {lot.lot_number}]"
    emicizumab = patient.infusions.get(product=hemlibra)
    assert emicizumab.dose == Decimal("48") and emicizumab.notes == "[lot HEM-77]"
    lot.refresh_from_db()
    assert lot.vials_on_hand == vials_before
    assert not StockMovement.objects.filter(infusion__in=patient.infusions.all()).exists()


def test_doses_the_form_would_ask_about_are_imported_only_when_confirmed(importer, patient):
    factories.make_infusion(patient, days_ago=10)  # a logged prophylactic dose
    logged_at = patient.infusions.get().given_at
    rows = [
        infusion(9, dose_iu="20000"),  # 625 IU/kg
        infusion(given_at=(logged_at + dt.timedelta(hours=2)).isoformat()),  # a second dose within 12 h
        infusion(8),
    ]
    plan = importer.plan(csv_file(INFUSION_COLUMNS, rows))
    assert statuses(plan) == {2: "confirm", 3: "confirm", 4: "new"}
    assert "more than 300 IU/kg" in errors_of(plan, 2)
    assert "A prophylactic dose was already logged" in errors_of(plan, 3)
    response = importer.confirm()
    assert "1 infusion imported. Rows skipped: 2 not confirmed." in " ".join(
        str(m) for m in response.context["messages"]
    )
    assert patient.infusions.count() == 2

    importer.plan(csv_file(INFUSION_COLUMNS, rows))
    importer.confirm(include_flagged=True)
    assert patient.infusions.count() == 4
    assert patient.infusions.filter(dose=20000).exists()


def test_codes_and_labels_in_any_case_are_read(importer, patient):
    rows = [bleed(5, site="left ankle"), bleed(5, site="ankle", side="left", cause="Injury", severity="moderate")]
    plan = importer.plan(csv_file(BLEED_COLUMNS, rows))
    assert statuses(plan) == {2: "error", 3: "new"}
    importer.confirm()
    assert patient.bleeds.get().cause == "TRAUMATIC"


def test_formula_apostrophes_are_taken_off_again(importer, patient):
    importer.plan(csv_file(BLEED_COLUMNS, [bleed(5, notes="'=1+1 is not a formula")]))
    importer.confirm()
    assert patient.bleeds.get().notes == "=1+1 is not a formula"


# Round trip --------------------------------------------------------------------------------


def test_an_export_imports_again_without_duplicates_and_into_a_new_profile(client_for, owner, log):
    """The exports engineer's CSV, as a user downloads it, re-imported."""
    from hemolog.core.dates import DateRange
    from hemolog.exports.csv_export import bleeds_csv, infusions_csv

    log.infusions.filter(reason="PROPHYLAXIS").update(notes="=1+1, left arm")  # exported as '=1+1
    period = DateRange(timezone.localdate() - dt.timedelta(days=365), timezone.localdate())
    bleeds_file = b"".join(bleeds_csv(log, period, LONDON))
    infusions_file = b"".join(infusions_csv(log, period, LONDON))
    client = client_for(owner)

    again = Importer(client, log)
    for content, count in ((bleeds_file, log.bleeds.count()), (infusions_file, log.infusions.count())):
        plan = again.plan(content)
        assert [row.status for row in plan.rows] == [Status.DUPLICATE] * count
        again.confirm()
    assert (log.bleeds.count(), log.infusions.count()) == (2, 4)

    copy = factories.make_patient(owner=owner, display_name="Leo (new profile)", weight_kg="32.0")
    fresh = Importer(client, copy)
    for content in (bleeds_file, infusions_file):  # bleeds first: the infusions link to them
        plan = fresh.plan(content)
        assert {row.status for row in plan.rows} == {Status.NEW}, [row.errors for row in plan.rows]
        fresh.confirm()

    def bleeds(patient):
        return sorted(
            (b.started_at, b.resolved_at, b.site, b.side, b.cause, b.severity, b.pain, b.notes)
            for b in patient.bleeds.all()
        )

    def infusions(patient):
        return sorted(
            (
                i.given_at,
                i.product_id,
                i.dose,
                i.reason,
                i.given_by,
                i.bleed and (i.bleed.started_at, i.bleed.site, i.bleed.side),
                i.lot.lot_number if i.lot else None,
            )
            for i in patient.infusions.select_related("lot", "bleed")
        )

    assert bleeds(copy) == bleeds(log)
    expected = [row[:-1] + (None,) for row in infusions(log)]  # the copy's doses are history, not from stock
    assert infusions(copy) == expected
    assert all(f"[lot {log.stock_lots.get().lot_number}]" in i.notes for i in copy.infusions.all())
    assert set(copy.infusions.values_list("notes", flat=True)) == {"[lot A1234]", "=1+1, left arm\n[lot A1234]"}

    # And the copy's own export imports into the copy as duplicates only.
    plan = fresh.plan(b"".join(infusions_csv(copy, period, LONDON)))
    assert {row.status for row in plan.rows} == {Status.DUPLICATE}


def test_every_export_column_is_read_or_knowingly_ignored():
    assert set(READ_COLUMNS[BLEEDS]) | set(IGNORED_COLUMNS[BLEEDS]) == set(BLEED_COLUMNS)
    assert set(READ_COLUMNS[INFUSIONS]) | set(IGNORED_COLUMNS[INFUSIONS]) == set(INFUSION_COLUMNS)


def test_garbage_values_are_errors_on_their_rows(importer):
    garbage = ["", " ", "NaN", "1e400", "-0", "99999999999999999999", "\u202e", "=cmd|' /C calc'!A0", "x" * 3000]
    rows = [infusion(5, dose_iu=value, given_by=value, notes=value) for value in garbage]
    rows += [bleed(5, started_at=value, pain_0_to_10=value) for value in garbage]
    plan = importer.plan(csv_file(INFUSION_COLUMNS, rows[: len(garbage)]))
    assert {row.status for row in plan.rows} == {Status.ERROR}
    plan = importer.plan(csv_file(BLEED_COLUMNS, rows[len(garbage) :]))
    assert {row.status for row in plan.rows} == {Status.ERROR}
    assert not Infusion.objects.exists() and not BleedEpisode.objects.exists()


@pytest.mark.parametrize(("columns", "row"), [(BLEED_COLUMNS, bleed), (INFUSION_COLUMNS, infusion)])
def test_checking_a_file_takes_as_many_queries_for_60_rows_as_for_6(patient, columns, row):
    """Products, bleeds, weights and logged doses are read once per file; the
    model's CheckConstraints are left to the insert (no query per row)."""
    factories.make_infusion(patient, days_ago=400)  # a logged dose, far from the file's

    def queries(count: int) -> int:
        table = read_table(csv_file(columns, [row(200 - i) for i in range(count)]))
        with CaptureQueriesContext(connection) as captured:
            plan = build_plan(table, patient)
        assert plan.count(Status.NEW) == count
        return len(captured.captured_queries)

    assert queries(60) == queries(6)
