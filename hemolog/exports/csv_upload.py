"""Reading an uploaded CSV file into a header and rows, before any row is
checked (that is :mod:`.csv_import`).

Everything that can be wrong with the file as a whole ends here as a
:class:`FileProblem` whose message is shown at the upload field: too big, empty,
not text (an Excel workbook, a PDF, binary junk), an encoding we can't read, a
header that is not one of ours or lacks a column, no rows, too many rows.

Encodings: UTF-8 with or without a byte-order mark (what Hemolog's export and
"CSV UTF-8" in spreadsheets write), UTF-16 with a byte-order mark (Excel's
"Unicode text"). Anything else is read as Windows-1252, the code page Excel
uses for "CSV" on Western European Windows, with a warning to check accented
letters in the preview. (charset-normalizer was tried: on a short file it
guesses cp1250 for cp1252 text and turns "à" into "ŕ"; a fixed, stated guess
is easier to check than a silent one.)
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field

from .columns import BLEED_COLUMNS, INFUSION_COLUMNS

MAX_BYTES = 2 * 1024 * 1024  # ten years of daily doses is about 600 kB
MAX_ROWS = 10_000  # an infusion row takes about 1.2 ms to check on PostgreSQL: ~12 s for a full file
MAX_CELL_CHARS = 10_000  # notes hold at most 2,000; a longer cell is a broken file
MAX_COLUMNS = 100  # Hemolog's files have 15; a spreadsheet may add a few of its own
SHOWN_NAMES = 10  # column names listed in a message, at most

BLEEDS = "bleeds"
INFUSIONS = "infusions"

COLUMNS = {BLEEDS: BLEED_COLUMNS, INFUSIONS: INFUSION_COLUMNS}
# Without these a row can't be read at all. The other columns of columns.py
# may be left out: an empty value is read for them.
REQUIRED_COLUMNS = {
    BLEEDS: ("started_at", "site", "side", "cause", "severity"),
    INFUSIONS: ("given_at", "product", "reason", "given_by"),
}
DOSE_COLUMNS = ("dose_iu", "dose_mg")  # an infusions file needs at least one of them

SIGNATURES = (
    (b"PK\x03\x04", "This is a spreadsheet workbook or a ZIP file, not a CSV file. "),
    (b"\xd0\xcf\x11\xe0", "This is an old Excel workbook (.xls), not a CSV file. "),
    (b"%PDF", "This is a PDF, not a CSV file. "),
)
SAVE_AS_CSV = 'In your spreadsheet, use "Save as" and choose "CSV UTF-8".'


class FileProblem(Exception):
    """The file can't be imported at all; the message says why, for the user."""


@dataclass
class CsvTable:
    kind: str  # BLEEDS or INFUSIONS
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (line number in the file, value by column)
    encoding: str
    warnings: list[str] = field(default_factory=list)


def decode(data: bytes) -> tuple[str, str, list[str]]:
    """The file's text, the encoding it was read with, and warnings."""
    if not data.strip():
        raise FileProblem("The file is empty.")
    for signature, message in SIGNATURES:
        if data.startswith(signature):
            raise FileProblem(message + SAVE_AS_CSV)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _text_only(data.decode("utf-16")), "UTF-16", []
        except UnicodeDecodeError:
            raise FileProblem("The file says it is UTF-16 but is not. " + SAVE_AS_CSV) from None
    if b"\x00" in data:
        raise FileProblem("This is not a text file (it holds binary data). " + SAVE_AS_CSV)
    try:
        return _text_only(data.decode("utf-8-sig")), "UTF-8", []
    except UnicodeDecodeError:
        pass
    try:
        text, encoding = data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:  # five byte values cp1252 leaves undefined
        text, encoding = data.decode("latin-1"), "Latin-1"
    warning = (
        f"The file is not UTF-8; it was read as {encoding} (Western European). If accented letters look "
        f"wrong below, cancel and save the file as CSV UTF-8."
    )
    return _text_only(text), encoding, [warning]


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text_only(text: str) -> str:
    """Refuse binary junk that happens to decode: text files hold hardly any control characters."""
    if "\x00" in text or len(CONTROL.findall(text[:100_000])) > max(2, len(text[:100_000]) // 200):
        raise FileProblem("This is not a text file (it holds binary data). " + SAVE_AS_CSV)
    return text


def _delimiter(first_line: str) -> str:
    """Comma, or the semicolon (European spreadsheets) or tab (Excel's "Unicode text") the header uses."""
    counts = {sep: first_line.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _column_name(raw: str) -> str:
    return raw.strip().strip("\ufeff").strip().lower().replace(" ", "_")


def detect_kind(header: list[str]) -> str | None:
    if "started_at" in header:
        return BLEEDS
    if "given_at" in header:
        return INFUSIONS
    return None


def too_big(size: int) -> str:
    return (
        f"The file is {size / (1024 * 1024):.1f} MB; the limit is {MAX_BYTES // (1024 * 1024)} MB. "
        "Split it into smaller files (by year, for example) and import them one after the other."
    )


def read_table(data: bytes, kind: str | None = None) -> CsvTable:
    """Decode and parse the file; ``kind`` is what the user chose (None: detect it from the header)."""
    if len(data) > MAX_BYTES:
        raise FileProblem(too_big(len(data)))
    text, encoding, warnings = decode(data)
    lines = io.StringIO(text, newline="")
    reader = csv.reader(lines, delimiter=_delimiter(text.split("\n", 1)[0]))
    try:
        names = next(reader, [])
        if len(names) > MAX_COLUMNS:  # refused before any work per column
            raise FileProblem(
                f"The first line names {len(names):,} columns; a Hemolog file has at most {MAX_COLUMNS}. "
                "Is this the file you meant?"
            )
        header = [_column_name(name) for name in names]
        table = _rows(reader, header, kind)
    except csv.Error as error:
        raise FileProblem(f"Line {reader.line_num} can't be read as CSV ({error}).") from None
    table.encoding = encoding
    table.warnings = warnings + table.warnings
    return table


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:SHOWN_NAMES])
    return shown if len(names) <= SHOWN_NAMES else f"{shown} and {len(names) - SHOWN_NAMES:,} more"


def _rows(reader, header: list[str], chosen: str | None) -> CsvTable:
    if not any(header):
        raise FileProblem("The first line of the file is empty: it must hold the column names.")
    detected = detect_kind(header)
    if detected is None:
        raise FileProblem(
            "The first line holds no column Hemolog knows. A bleeds file starts with "
            f"{', '.join(BLEED_COLUMNS[:3])}…; an infusions file with {', '.join(INFUSION_COLUMNS[:3])}…"
        )
    if chosen and chosen != detected:
        first = "started_at" if detected == BLEEDS else "given_at"
        raise FileProblem(
            f"This is a file of {detected} (its first line names {first}), but you chose {chosen}. "
            f"Choose {detected}, or another file."
        )
    kind = detected
    repeated = sorted(name for name, times in Counter(header).items() if name and times > 1)
    if repeated:
        raise FileProblem(f"These columns appear twice: {_names(repeated)}.")
    missing = [name for name in REQUIRED_COLUMNS[kind] if name not in header]
    if kind == INFUSIONS and not any(name in header for name in DOSE_COLUMNS):
        missing.append(" or ".join(DOSE_COLUMNS))
    if missing:
        raise FileProblem(f"The {kind} file lacks these columns: {', '.join(missing)}.")
    warnings = []
    unknown = [name for name in header if name and name not in COLUMNS[kind]]
    if unknown:
        warnings.append(f"These columns are not Hemolog's and are ignored: {_names(unknown)}.")

    rows: list[tuple[int, dict[str, str]]] = []
    line = reader.line_num + 1
    for cells in reader:
        if any(cell.strip() for cell in cells):
            if len(rows) == MAX_ROWS:
                raise FileProblem(
                    f"The file has more than {MAX_ROWS:,} rows. Split it (by year, for example) and import "
                    "the files one after the other."
                )
            if any(len(cell) > MAX_CELL_CHARS for cell in cells):
                raise FileProblem(f"Line {line} holds a value of more than {MAX_CELL_CHARS:,} characters.")
            values = {name: cell.strip() for name, cell in zip(header, cells, strict=False) if name}
            if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
                values["__extra__"] = f"{len(cells)} values, but the first line names {len(header)} columns"
            rows.append((line, values))
        line = reader.line_num + 1
    if not rows:
        raise FileProblem("The file has the column names but no rows to import.")
    return CsvTable(kind=kind, header=header, rows=rows, encoding="", warnings=warnings)
