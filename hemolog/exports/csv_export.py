"""The CSV exports: bleeds, infusions and stock movements of one patient for a
date range, with the columns of :mod:`.columns`, generated row by row.

Each function returns an iterator of encoded lines, so the view can stream
the file (``StreamingHttpResponse``) while the rows come from the database in
chunks (``QuerySet.iterator``): a ten-year log is never held in memory.

- UTF-8 with a byte-order mark: Excel reads a CSV without one in the
  machine's ANSI code page and garbles "Müller" or "é"; with it, every
  spreadsheet and ``csv`` reader with ``utf-8-sig`` reads it right.
- Times are ISO 8601 with the offset, in the viewer's time zone
  (``2025-03-01T07:30:00+01:00``): unambiguous, and local to whoever reads it.
- Codes (``KNEE``, ``SPONTANEOUS``) rather than labels, so the file imports
  again whatever the display language.
- Text that a spreadsheet would run as a formula gets a leading apostrophe
  (:func:`.columns.neutralise_formula_text`).
"""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal

from hemolog.core.dates import DateRange
from hemolog.core.numbers import amount
from hemolog.inventory.models import DoseUnit, StockMovement
from hemolog.logbook.models import BleedEpisode, Infusion
from hemolog.patients.models import Patient

from .columns import BLEED_COLUMNS, INFUSION_COLUMNS, STOCK_MOVEMENT_COLUMNS, neutralise_formula_text

BOM = "\ufeff"
CHUNK_ROWS = 500


class _Line:
    """A file-like object whose ``write`` returns what it was given, so that
    ``csv.writer.writerow`` gives back the encoded line (Django's streaming
    CSV recipe)."""

    def write(self, value: str) -> str:
        return value


def _rows_to_lines(header: Iterable[str], rows: Iterable[list[str]]) -> Iterator[bytes]:
    writer = csv.writer(_Line())
    yield (BOM + writer.writerow(header)).encode()
    for row in rows:
        yield writer.writerow(row).encode()


def iso_time(value: dt.datetime | None, tz: dt.tzinfo) -> str:
    """ISO 8601 with the UTC offset in ``tz``, to the second (microseconds only
    where stored, so that the file gives back the exact instant)."""
    if value is None:
        return ""
    local = value.astimezone(tz)
    return local.isoformat(timespec="microseconds" if local.microsecond else "seconds")


def text(value: str) -> str:
    return neutralise_formula_text(value or "")


def number(value: Decimal | int | None) -> str:
    return "" if value is None else amount(value)


# Bleeds ------------------------------------------------------------------------


def bleed_rows(patient: Patient, period: DateRange, tz: dt.tzinfo) -> Iterator[list[str]]:
    bleeds = (
        BleedEpisode.objects.filter(patient=patient)
        .in_period(period.start_at(tz), period.end_at(tz))
        .order_by("started_at", "pk")
    )
    for bleed in bleeds.iterator(chunk_size=CHUNK_ROWS):
        yield [
            iso_time(bleed.started_at, tz),
            iso_time(bleed.resolved_at, tz),
            bleed.site,
            bleed.side,
            bleed.cause,
            bleed.severity,
            "" if bleed.pain is None else str(bleed.pain),
            text(bleed.notes),
        ]


def bleeds_csv(patient: Patient, period: DateRange, tz: dt.tzinfo) -> Iterator[bytes]:
    return _rows_to_lines(BLEED_COLUMNS, bleed_rows(patient, period, tz))


# Infusions ---------------------------------------------------------------------


def dose_per_kg(dose: Decimal, weight: Decimal | None) -> str:
    return amount((dose / weight).quantize(Decimal("0.1"))) if weight else ""


def infusion_rows(patient: Patient, period: DateRange, tz: dt.tzinfo) -> Iterator[list[str]]:
    weight_on = patient.weight_history().on
    infusions = (
        Infusion.objects.filter(patient=patient)
        .in_period(period.start_at(tz), period.end_at(tz))
        .select_related("product", "lot", "bleed")
        .order_by("given_at", "pk")
    )
    for infusion in infusions.iterator(chunk_size=CHUNK_ROWS):
        in_iu = infusion.product.unit == DoseUnit.IU
        per_kg = dose_per_kg(infusion.dose, weight_on(infusion.given_at.astimezone(tz).date()))
        bleed = infusion.bleed
        yield [
            iso_time(infusion.given_at, tz),
            text(infusion.product.brand_name),
            infusion.product.kind,
            number(infusion.dose) if in_iu else "",
            "" if in_iu else number(infusion.dose),
            per_kg if in_iu else "",
            "" if in_iu else per_kg,
            text(infusion.lot.lot_number) if infusion.lot else "",
            str(infusion.vials_used) if infusion.lot else "",
            infusion.reason,
            infusion.given_by,
            iso_time(bleed.started_at, tz) if bleed else "",
            bleed.site if bleed else "",
            bleed.side if bleed else "",
            text(infusion.notes),
        ]


def infusions_csv(patient: Patient, period: DateRange, tz: dt.tzinfo) -> Iterator[bytes]:
    return _rows_to_lines(INFUSION_COLUMNS, infusion_rows(patient, period, tz))


# Stock movements ---------------------------------------------------------------


def stock_rows(patient: Patient, period: DateRange, tz: dt.tzinfo) -> Iterator[list[str]]:
    movements = (
        StockMovement.objects.filter(
            lot__patient=patient, created_at__gte=period.start_at(tz), created_at__lt=period.end_at(tz)
        )
        .select_related("lot__product", "infusion")
        .order_by("created_at", "pk")
    )
    for movement in movements.iterator(chunk_size=CHUNK_ROWS):
        lot = movement.lot
        yield [
            iso_time(movement.created_at, tz),
            text(lot.product.brand_name),
            text(lot.lot_number),
            str(lot.vial_size),
            lot.product.unit,
            lot.expires_on.isoformat(),
            movement.kind,
            str(movement.vials),
            text(movement.reason),
            iso_time(movement.infusion.given_at, tz) if movement.infusion else "",
        ]


def stock_csv(patient: Patient, period: DateRange, tz: dt.tzinfo) -> Iterator[bytes]:
    return _rows_to_lines(STOCK_MOVEMENT_COLUMNS, stock_rows(patient, period, tz))


CSV_FILES = {
    "bleeds": bleeds_csv,
    "infusions": infusions_csv,
    "stock": stock_csv,
}


# The three files in one ZIP, streamed ------------------------------------------


class _Sink:
    """An append-only byte sink for :class:`zipfile.ZipFile`. It can tell its
    position but not seek, so ``zipfile`` writes each entry's sizes in a data
    descriptor after the data, and the archive can be sent as it is made."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._position = 0

    def write(self, data: bytes) -> int:
        self._chunks.append(bytes(data))
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        pass

    def drain(self) -> Iterator[bytes]:
        if self._chunks:
            chunk = b"".join(self._chunks)
            self._chunks.clear()
            yield chunk


def zip_stream(files: Iterable[tuple[str, Iterable[bytes]]], made_at: dt.datetime) -> Iterator[bytes]:
    """A deflated ZIP of ``(name, chunks)`` files, yielded as it is written."""
    sink = _Sink()
    stamp = made_at.timetuple()[:6]
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, chunks in files:
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(entry, mode="w") as out:
                for chunk in chunks:
                    out.write(chunk)
                    yield from sink.drain()
            yield from sink.drain()
    yield from sink.drain()
