"""The CSV exports: columns, values, the date range, streaming, the ZIP, and
a query count that does not grow with the log."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hemolog.exports.columns import (
    BLEED_COLUMNS,
    INFUSION_COLUMNS,
    STOCK_MOVEMENT_COLUMNS,
    neutralise_formula_text,
    restore_formula_text,
)
from hemolog.logbook.models import BleedEpisode, Infusion
from hemolog.logbook.services import record_infusion
from hemolog.patients.models import AccessEvent
from tests import factories

from .helpers import body, csv_rows, export_url

UTC = dt.UTC
YEAR_2025 = {"start": "2025-01-01", "end": "2025-12-31"}


def bleed(patient, at, **fields):
    fields.setdefault("site", "KNEE")
    fields.setdefault("side", "L")
    fields.setdefault("cause", "SPONTANEOUS")
    fields.setdefault("severity", "MODERATE")
    return BleedEpisode.objects.create(patient=patient, started_at=at, **fields)


def infusion(patient, at, *, lot=None, vials=1, **fields):
    fields.setdefault("dose", Decimal(1000))
    fields.setdefault("product", lot.product if lot else factories.product())
    return record_infusion(
        Infusion(patient=patient, given_at=at, lot=lot, vials_used=vials if lot else 0, **fields), user=None
    )


@pytest.fixture
def berlin_owner(owner):
    owner.time_zone = "Europe/Berlin"
    owner.save()
    return owner


@pytest.fixture
def diary(patient, lot):
    """A summer and a winter bleed (times chosen across midnight in Berlin), a
    factor dose from stock treating the first, and an emicizumab dose without a lot."""
    patient.weights.create(measured_on=dt.date(2025, 1, 1), weight_kg=Decimal("40.0"))
    summer = bleed(
        patient,
        dt.datetime(2025, 7, 1, 6, 30, tzinfo=UTC),
        resolved_at=dt.datetime(2025, 7, 3, 18, 0, tzinfo=UTC),
        pain=6,
        notes="Swollen, warm",
    )
    bleed(patient, dt.datetime(2025, 1, 15, 23, 30, tzinfo=UTC), site="NOSE", side="", cause="UNKNOWN", severity="MILD")
    infusion(
        patient,
        dt.datetime(2025, 7, 1, 7, 0, tzinfo=UTC),
        lot=lot,
        vials=1,
        reason="BLEED",
        bleed=summer,
        given_by="CAREGIVER",
        notes='=HYPERLINK("http://x")',
    )
    infusion(
        patient,
        dt.datetime(2025, 8, 4, 9, 15, 30, tzinfo=UTC),
        product=factories.product("Hemlibra"),
        dose=Decimal(60),
        reason="PROPHYLAXIS",
        given_by="NURSE",
    )
    return patient


def test_bleeds_csv_has_the_columns_and_local_times_with_offsets(client_for, berlin_owner, diary):
    response = client_for(berlin_owner).get(export_url("bleeds_csv", diary, **YEAR_2025))
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="leo_2025-01-01_2025-12-31_bleeds.csv"'
    data = body(response)
    assert data.startswith(b"\xef\xbb\xbf" + ",".join(BLEED_COLUMNS).encode() + b"\r\n")
    rows = csv_rows(data)
    assert rows == [
        {
            "started_at": "2025-01-16T00:30:00+01:00",  # 23:30 UTC is the next day in Berlin
            "resolved_at": "",
            "site": "NOSE",
            "side": "",
            "cause": "UNKNOWN",
            "severity": "MILD",
            "pain_0_to_10": "",
            "notes": "",
        },
        {
            "started_at": "2025-07-01T08:30:00+02:00",
            "resolved_at": "2025-07-03T20:00:00+02:00",
            "site": "KNEE",
            "side": "L",
            "cause": "SPONTANEOUS",
            "severity": "MODERATE",
            "pain_0_to_10": "6",
            "notes": "Swollen, warm",
        },
    ]


def test_infusions_csv_puts_the_dose_in_the_column_of_its_unit(client_for, berlin_owner, diary, lot):
    data = body(client_for(berlin_owner).get(export_url("infusions_csv", diary, **YEAR_2025)))
    assert data.decode("utf-8-sig").splitlines()[0] == ",".join(INFUSION_COLUMNS)
    factor, emicizumab = csv_rows(data)
    assert factor == {
        "given_at": "2025-07-01T09:00:00+02:00",
        "product": "Advate",
        "product_kind": "FVIII",
        "dose_iu": "1000",
        "dose_mg": "",
        "dose_iu_per_kg": "25",  # 1000 IU ÷ 40 kg, the weight measured on 1 Jan 2025
        "dose_mg_per_kg": "",
        "lot_number": "A1234",
        "vials_used": "1",
        "reason": "BLEED",
        "given_by": "CAREGIVER",
        "bleed_started_at": "2025-07-01T08:30:00+02:00",
        "bleed_site": "KNEE",
        "bleed_side": "L",
        "notes": '\'=HYPERLINK("http://x")',  # a spreadsheet shows it instead of running it
    }
    assert restore_formula_text(factor["notes"]) == '=HYPERLINK("http://x")'
    assert emicizumab["given_at"] == "2025-08-04T11:15:30+02:00"
    assert (emicizumab["product"], emicizumab["product_kind"]) == ("Hemlibra", "EMICIZUMAB")
    assert (emicizumab["dose_iu"], emicizumab["dose_mg"]) == ("", "60")
    assert (emicizumab["dose_iu_per_kg"], emicizumab["dose_mg_per_kg"]) == ("", "1.5")
    assert (emicizumab["lot_number"], emicizumab["vials_used"], emicizumab["bleed_started_at"]) == ("", "", "")
    assert emicizumab["given_by"] == "NURSE"


def test_stock_csv_lists_the_ledger_with_signed_vials(client_for, owner, diary, lot):
    today = timezone.localdate().isoformat()
    data = body(client_for(owner).get(export_url("stock_csv", diary, start="2025-01-01", end=today)))
    assert data.decode("utf-8-sig").splitlines()[0] == ",".join(STOCK_MOVEMENT_COLUMNS)
    rows = csv_rows(data)
    assert [(r["kind"], r["vials"]) for r in rows] == [("RECEIVED", "10"), ("USED", "-1")]
    received, used = rows
    assert received["product"] == "Advate" and received["lot_number"] == "A1234"
    assert (received["vial_size"], received["unit"]) == ("1000", "IU")
    assert received["expires_on"] == lot.expires_on.isoformat()
    assert received["infusion_given_at"] == ""
    assert used["infusion_given_at"] == "2025-07-01T07:00:00+00:00"  # the owner's zone is UTC


def test_the_date_range_takes_whole_local_days(client_for, berlin_owner, diary):
    client = client_for(berlin_owner)
    # 15 Jan 23:30 UTC is 16 Jan in Berlin: in a range starting on the 16th, not in one ending on the 15th.
    rows = csv_rows(body(client.get(export_url("bleeds_csv", diary, start="2025-01-16", end="2025-01-16"))))
    assert [r["site"] for r in rows] == ["NOSE"]
    rows = csv_rows(body(client.get(export_url("bleeds_csv", diary, start="2025-01-01", end="2025-01-15"))))
    assert rows == []
    rows = csv_rows(body(client.get(export_url("infusions_csv", diary, start="2025-07-01", end="2025-07-31"))))
    assert [r["product"] for r in rows] == ["Advate"]


def test_the_default_range_is_the_last_12_months(client_for, owner, patient):
    recent = factories.make_bleed(patient, days_ago=30, site="ANKLE", side="R")
    factories.make_bleed(patient, days_ago=400, site="ELBOW", side="R")
    rows = csv_rows(body(client_for(owner).get(export_url("bleeds_csv", patient))))
    assert [(r["site"], r["side"]) for r in rows] == [("ANKLE", "R")]
    assert rows[0]["started_at"].startswith(recent.started_at.date().isoformat())


def test_the_zip_holds_the_three_files(client_for, owner, diary):
    today = timezone.localdate().isoformat()
    response = client_for(owner).get(export_url("csv_zip", diary, start="2025-01-01", end=today))
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "application/zip"
    stem = f"leo_2025-01-01_{today}"
    assert response["Content-Disposition"] == f'attachment; filename="{stem}_csv.zip"'
    archive = zipfile.ZipFile(io.BytesIO(body(response)))
    assert archive.testzip() is None
    assert archive.namelist() == [f"{stem}_bleeds.csv", f"{stem}_infusions.csv", f"{stem}_stock-movements.csv"]
    assert len(csv_rows(archive.read(f"{stem}_bleeds.csv"))) == 2
    assert len(csv_rows(archive.read(f"{stem}_infusions.csv"))) == 2
    # The ledger is dated when the dose was logged (today), not when it was given.
    assert [r["kind"] for r in csv_rows(archive.read(f"{stem}_stock-movements.csv"))] == ["RECEIVED", "USED"]


def test_a_name_without_latin_letters_still_gives_a_filename(client_for, owner):
    child = factories.make_patient(owner=owner, display_name="Лев")
    response = client_for(owner).get(export_url("bleeds_csv", child, **YEAR_2025))
    assert response["Content-Disposition"] == (
        f'attachment; filename="patient-{child.pk}_2025-01-01_2025-12-31_bleeds.csv"'
    )


@pytest.mark.parametrize("name", ["bleeds_csv", "infusions_csv", "stock_csv"])
def test_the_csv_query_count_does_not_grow_with_the_log(client_for, owner, patient, lot, name):
    client = client_for(owner)
    today = timezone.localdate().isoformat()
    url = export_url(name, patient, start="2024-01-01", end=today)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            body(client.get(url))
        return len(captured)

    factories.make_bleed(patient, days_ago=5)
    factories.make_infusion(patient, days_ago=5, lot=lot)
    few = queries()
    bleeds = [factories.make_bleed(patient, days_ago=10 + n, site="ANKLE", side="R") for n in range(60)]
    for n in range(60):
        factories.make_infusion(patient, days_ago=10 + n, lot=lot if n < 8 else None, bleed=bleeds[n])
    many = queries()
    assert few == many


def test_formula_text_round_trips_exactly():
    for value in ["=1+1", "+44 20", "-3", "@SUM", "'=x", "''=x", "'plain", "plain", "", "\tx"]:
        written = neutralise_formula_text(value)
        assert not written.startswith(("=", "+", "-", "@", "\t"))
        assert restore_formula_text(written) == value


def test_full_width_formula_signs_are_neutralised_too():
    """Spreadsheets in East Asian locales read ＝ ＋ － ＠ (U+FF1D, FF0B, FF0D, FF20) as = + - @."""
    for value in ['\uff1dHYPERLINK("http://x")', "\uff0b1", "\uff0d1", "\uff20SUM(A1)"]:
        assert neutralise_formula_text(value) == "'" + value
        assert restore_formula_text("'" + value) == value
    assert neutralise_formula_text("left ankle ＝ worse") == "left ankle ＝ worse"


def test_a_clinician_exports_and_the_export_is_recorded(client_for, clinician, diary):
    response = client_for(clinician).get(export_url("bleeds_csv", diary, **YEAR_2025))
    assert response.status_code == 200
    assert len(csv_rows(body(response))) == 2
    event = AccessEvent.objects.get(patient=diary)
    assert (event.user, event.action, event.what) == (clinician, "EXPORT", "bleeds CSV 2025-01-01 – 2025-12-31")
