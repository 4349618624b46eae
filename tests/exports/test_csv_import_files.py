"""CSV import: a clear message at the upload (never a 500) for every kind of
bad file, and the encodings and delimiters spreadsheets write."""

from __future__ import annotations

import random

import pytest

from hemolog.exports.columns import BLEED_COLUMNS
from hemolog.exports.csv_upload import BLEEDS, INFUSIONS, MAX_BYTES, MAX_COLUMNS, MAX_ROWS, FileProblem, read_table

from .csv_import_helpers import ago, bleed, csv_file, errors_of, statuses

# Bad files ---------------------------------------------------------------------------------


def junk(size: int = 4000) -> bytes:
    return random.Random(7).randbytes(size)


def many_rows(count: int) -> bytes:
    return ("started_at,site,side,cause,severity\n" + "2025-01-01T07:00:00Z,NOSE,,UNKNOWN,MILD\n" * count).encode()


BAD_FILES = {
    "empty": (b"", "The file is empty."),
    "blank lines only": (b"\r\n \r\n", "The file is empty."),
    "only a header": (",".join(BLEED_COLUMNS).encode(), "The file has the column names but no rows to import."),
    "header and blank lines": (",".join(BLEED_COLUMNS).encode() + b"\r\n,,,,,,,\r\n", "but no rows to import"),
    "missing columns": (
        b"started_at,site,notes\n2025-01-01T07:00Z,KNEE,x\n",
        "lacks these columns: side, cause, severity",
    ),
    "no dose column": (b"given_at,product,reason,given_by\nx,y,z,w\n", "lacks these columns: dose_iu or dose_mg"),
    "not our columns": (b"date,joint,comment\n2025-01-01,knee,ouch\n", "The first line holds no column Hemolog knows"),
    "a column twice": (b"started_at,site,side,cause,severity,site\nx,y,z,w,v,u\n", "These columns appear twice: site."),
    "binary junk": (junk(), "This is not a text file (it holds binary data)."),
    "junk without NUL": (bytes(b for b in junk(20000) if b)[:4000], "This is not a text file"),
    "an Excel workbook": (b"PK\x03\x04" + junk(200), "This is a spreadsheet workbook or a ZIP file, not a CSV file."),
    "an old Excel file": (b"\xd0\xcf\x11\xe0" + junk(200), "This is an old Excel workbook (.xls)"),
    "a PDF": (b"%PDF-1.7\n" + junk(200), "This is a PDF, not a CSV file."),
    "a huge cell": (
        b"started_at,site,side,cause,severity,notes\nx,y,z,w,v," + b"a" * 20_000 + b"\n",
        "10,000 characters",
    ),
    "a broken quote": (b"started_at,site,side,cause,severity\n" + b'"' + b"a" * 200_000, "can't be read as CSV"),
    "too many rows": (many_rows(MAX_ROWS + 1), f"The file has more than {MAX_ROWS:,} rows."),
    "too big": (b"started_at,notes\n" + b"x" * MAX_BYTES, "the limit is 2 MB"),
    # Within 2 MB, a million columns: refused before any work per column
    # (counting each name's repeats held a worker past its 30 s time-out).
    "a million columns": (b"started_at" + b",c" * 1_000_000 + b"\nx\n", "The first line names 1,000,001 columns"),
    "one column too many": (
        ",".join(
            ["started_at", "site", "side", "cause", "severity"] + [f"x{n}" for n in range(MAX_COLUMNS - 4)]
        ).encode()
        + b"\nx\n",
        f"a Hemolog file has at most {MAX_COLUMNS}",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_file_gets_a_clear_message(name, importer, patient):
    content, message = BAD_FILES[name]
    assert message in importer.refused(content)
    assert not patient.bleeds.exists()


def test_a_header_at_the_limit_is_read_and_its_unknown_columns_named_briefly():
    names = ["started_at", "site", "side", "cause", "severity"] + [f"extra{n}" for n in range(MAX_COLUMNS - 5)]
    table = read_table((",".join(names) + "\n2025-01-01T07:00:00Z,NOSE,,UNKNOWN,MILD\n").encode())
    listed = ", ".join(f"extra{n}" for n in range(10))
    assert table.warnings == [f"These columns are not Hemolog's and are ignored: {listed} and {MAX_COLUMNS - 15} more."]
    assert len(table.rows) == 1


def test_repeated_columns_are_each_named_once():
    header = "started_at,site,side,cause,severity,notes,site,notes,site"
    with pytest.raises(FileProblem, match="These columns appear twice: notes, site.$"):
        read_table((header + "\nx\n").encode())


def test_the_wrong_kind_chosen(importer):
    content = csv_file(BLEED_COLUMNS, [bleed(5)])
    assert "This is a file of bleeds (its first line names started_at), but you chose infusions." in importer.refused(
        content, kind=INFUSIONS
    )
    assert importer.plan(content, kind=BLEEDS).kind == BLEEDS


def test_no_file_chosen(importer):
    response = importer.client.post(importer.upload_url, {"kind": ""})
    assert response.context["form"].errors["file"] == ["Choose a CSV file."]


def test_a_windows_1252_file_is_read_with_a_warning(importer, patient):
    plan = importer.plan(csv_file(BLEED_COLUMNS, [bleed(5, notes="Müller's café, à côté")], encoding="cp1252"))
    assert plan.warnings == [
        "The file is not UTF-8; it was read as Windows-1252 (Western European). If accented letters look wrong "
        "below, cancel and save the file as CSV UTF-8."
    ]
    assert "not UTF-8" in importer.preview().content.decode()
    importer.confirm()
    assert patient.bleeds.get().notes == "Müller's café, à côté"


@pytest.mark.parametrize(
    ("encoding", "delimiter"), [("utf-8", ","), ("utf-8-sig", ","), ("utf-8-sig", ";"), ("utf-16", "\t")]
)
def test_utf8_with_or_without_bom_utf16_and_other_delimiters(encoding, delimiter, importer, patient):
    plan = importer.plan(csv_file(BLEED_COLUMNS, [bleed(5, notes="Zoë")], encoding=encoding, delimiter=delimiter))
    assert plan.warnings == []
    assert statuses(plan) == {2: "new"}
    importer.confirm()
    assert patient.bleeds.get().notes == "Zoë"


def test_extra_values_and_unknown_columns(importer):
    content = b"started_at,site,side,cause,severity,mood\n" + f"{ago(5)},NOSE,,UNKNOWN,MILD,fine,extra\n".encode()
    plan = importer.plan(content)
    assert plan.warnings == ["These columns are not Hemolog's and are ignored: mood."]
    assert "This line has 7 values, but the first line names 6 columns." in errors_of(plan, 2)
