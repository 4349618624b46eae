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

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from hemolog.core import display

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
    (b"PK\x03\x04", gettext_lazy("This is a spreadsheet workbook or a ZIP file, not a CSV file.")),
    (b"\xd0\xcf\x11\xe0", gettext_lazy("This is an old Excel workbook (.xls), not a CSV file.")),
    (b"%PDF", gettext_lazy("This is a PDF, not a CSV file.")),
)
# Translators: "Save as" and "CSV UTF-8" are what spreadsheets (Excel, LibreOffice) call the command and the
# file type: use the words of the spreadsheets in your language.
SAVE_AS_CSV = gettext_lazy('In your spreadsheet, use "Save as" and choose "CSV UTF-8".')


def _with_advice(problem: str) -> str:
    """A problem with the file, then how to save it as CSV."""
    # Translators: a problem with an uploaded file, then the advice on saving it as CSV (two sentences).
    return _("%(problem)s %(advice)s") % {"problem": problem, "advice": SAVE_AS_CSV}


def _count(n: int) -> str:
    """A count of rows, columns or characters as the language groups its digits ("10,000", "10.000")."""
    return formats.number_format(n, force_grouping=True)


def _megabytes(size: float) -> str:
    return formats.number_format(round(size / (1024 * 1024), 1), decimal_pos=1)


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
        raise FileProblem(_("The file is empty."))
    for signature, message in SIGNATURES:
        if data.startswith(signature):
            raise FileProblem(_with_advice(message))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _text_only(data.decode("utf-16")), "UTF-16", []
        except UnicodeDecodeError:
            raise FileProblem(_with_advice(_("The file says it is UTF-16 but is not."))) from None
    if b"\x00" in data:
        raise FileProblem(_with_advice(NOT_TEXT))
    try:
        return _text_only(data.decode("utf-8-sig")), "UTF-8", []
    except UnicodeDecodeError:
        pass
    try:
        text, encoding = data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:  # five byte values cp1252 leaves undefined
        text, encoding = data.decode("latin-1"), "Latin-1"
    # Translators: %(encoding)s is the name of a character encoding: "Windows-1252" or "Latin-1".
    warning = _(
        "The file is not UTF-8; it was read as %(encoding)s (Western European). If accented letters look "
        "wrong below, cancel and save the file as CSV UTF-8."
    ) % {"encoding": encoding}
    return _text_only(text), encoding, [warning]


NOT_TEXT = gettext_lazy("This is not a text file (it holds binary data).")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text_only(text: str) -> str:
    """Refuse binary junk that happens to decode: text files hold hardly any control characters."""
    if "\x00" in text or len(CONTROL.findall(text[:100_000])) > max(2, len(text[:100_000]) // 200):
        raise FileProblem(_with_advice(NOT_TEXT))
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
    return _(
        "The file is %(size)s MB; the limit is %(limit)s MB. "
        "Split it into smaller files (by year, for example) and import them one after the other."
    ) % {"size": _megabytes(size), "limit": MAX_BYTES // (1024 * 1024)}


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
                _(
                    "The first line names %(count)s columns; a Hemolog file has at most %(limit)s. "
                    "Is this the file you meant?"
                )
                % {"count": _count(len(names)), "limit": MAX_COLUMNS}
            )
        header = [_column_name(name) for name in names]
        table = _rows(reader, header, kind)
    except csv.Error as error:
        # Translators: %(error)s is the CSV reader's own description of the problem, in English.
        problem = _("Line %(line)s can't be read as CSV (%(error)s).") % {"line": reader.line_num, "error": error}
        raise FileProblem(problem) from None
    table.encoding = encoding
    table.warnings = warnings + table.warnings
    return table


def _names(names: list[str]) -> str:
    shown = display.listed(names[:SHOWN_NAMES])
    if len(names) <= SHOWN_NAMES:
        return shown
    more = len(names) - SHOWN_NAMES
    # Translators: the first ten column names of a file, then how many more there are.
    return ngettext("%(names)s and %(count)s more", "%(names)s and %(count)s more", more) % {
        "names": shown,
        "count": _count(more),
    }


def _rows(reader, header: list[str], chosen: str | None) -> CsvTable:
    if not any(header):
        raise FileProblem(_("The first line of the file is empty: it must hold the column names."))
    detected = detect_kind(header)
    if detected is None:
        raise FileProblem(
            # Translators: %(bleeds)s and %(infusions)s are the first column names of each file, kept in English.
            _(
                "The first line holds no column Hemolog knows. A bleeds file starts with "
                "%(bleeds)s…; an infusions file with %(infusions)s…"
            )
            % {"bleeds": ", ".join(BLEED_COLUMNS[:3]), "infusions": ", ".join(INFUSION_COLUMNS[:3])}
        )
    if chosen and chosen != detected:
        if detected == BLEEDS:
            # Translators: started_at is a column name, kept in English.
            wrong = _(
                "This is a file of bleeds (its first line names started_at), but you chose infusions. "
                "Choose bleeds, or another file."
            )
        else:
            # Translators: given_at is a column name, kept in English.
            wrong = _(
                "This is a file of infusions (its first line names given_at), but you chose bleeds. "
                "Choose infusions, or another file."
            )
        raise FileProblem(wrong)
    kind = detected
    repeated = sorted(name for name, times in Counter(header).items() if name and times > 1)
    if repeated:
        # Translators: %(names)s lists column names, kept in English.
        raise FileProblem(_("These columns appear twice: %(names)s.") % {"names": _names(repeated)})
    missing = [name for name in REQUIRED_COLUMNS[kind] if name not in header]
    if kind == INFUSIONS and not any(name in header for name in DOSE_COLUMNS):
        # Translators: two column names, kept in English, of which a file needs one.
        missing.append(_("%(first)s or %(second)s") % {"first": DOSE_COLUMNS[0], "second": DOSE_COLUMNS[1]})
    if missing:
        if kind == BLEEDS:
            # Translators: %(names)s lists column names, kept in English.
            lacking = _("The bleeds file lacks these columns: %(names)s.")
        else:
            # Translators: %(names)s lists column names, kept in English.
            lacking = _("The infusions file lacks these columns: %(names)s.")
        raise FileProblem(lacking % {"names": ", ".join(missing)})
    warnings = []
    unknown = [name for name in header if name and name not in COLUMNS[kind]]
    if unknown:
        # Translators: %(names)s lists the file's column names that Hemolog does not read.
        warnings.append(_("These columns are not Hemolog's and are ignored: %(names)s.") % {"names": _names(unknown)})

    rows: list[tuple[int, dict[str, str]]] = []
    line = reader.line_num + 1
    for cells in reader:
        if any(cell.strip() for cell in cells):
            if len(rows) == MAX_ROWS:
                raise FileProblem(
                    _(
                        "The file has more than %(limit)s rows. Split it (by year, for example) and import "
                        "the files one after the other."
                    )
                    % {"limit": _count(MAX_ROWS)}
                )
            if any(len(cell) > MAX_CELL_CHARS for cell in cells):
                raise FileProblem(
                    _("Line %(line)s holds a value of more than %(limit)s characters.")
                    % {"line": line, "limit": _count(MAX_CELL_CHARS)}
                )
            values = {name: cell.strip() for name, cell in zip(header, cells, strict=False) if name}
            if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
                values["__extra__"] = _too_many_values(len(cells), len(header))
            rows.append((line, values))
        line = reader.line_num + 1
    if not rows:
        raise FileProblem(_("The file has the column names but no rows to import."))
    return CsvTable(kind=kind, header=header, rows=rows, encoding="", warnings=warnings)


def _too_many_values(values: int, columns: int) -> str:
    """Why a line holds more cells than the header names, as a sentence."""
    return _("This line has %(values)s values, but the first line names %(columns)s columns.") % {
        "values": values,
        "columns": columns,
    }
