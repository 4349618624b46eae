"""How a number, a day or a time is shown to a person: in the active
language's formats (Django's locale formats: "1,5" and "3 dic 2026" in
Spanish, "1.5" and "3 Dec 2026" in English).

Files read by machines (CSV, FHIR, the archive) keep ISO dates and a point
as the decimal separator: they use ``hemolog.core.numbers.amount`` and
``isoformat()``, never these.
"""

import datetime as dt

import arabic_reshaper
from bidi import get_base_level, get_display
from django.utils import formats, timezone, translation

from .numbers import amount


def number(value) -> str:
    """A dose, weight or level without trailing zeros, with the language's
    decimal separator: 1.50 -> "1.5" in English, "1,5" in German."""
    if value is None or value == "":
        return ""
    return formats.number_format(amount(value))


def day(value: dt.date | dt.datetime) -> str:
    """A day as the language writes it: "3 Dec 2026", "3. Dez. 2026"."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATE_FORMAT")


def short_day(value: dt.date | dt.datetime) -> str:
    """A day in digits as the language writes it: "03/12/2026", "03.12.2026"."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def clock(value: dt.datetime | dt.time) -> str:
    """A time of day on the 24-hour clock, in the viewer's zone: "14:05"."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return formats.time_format(value, "H:i")


def day_and_clock(value: dt.datetime) -> str:
    """ "3 Dec 2026 14:05" in the viewer's zone."""
    return f"{day(value)} {clock(value)}"


def month(value: dt.date) -> str:
    """A month and its year: "Dec 2026", "dic 2026"."""
    return formats.date_format(value, "M Y")


# What a right-to-left line shows mirrored (the Unicode bidi algorithm's
# rule L4, which python-bidi's get_display leaves out).
MIRRORED = str.maketrans("()[]{}<>«»", ")(][}{><»«")


def drawn(text: str) -> str:
    """Text for a chart or a PDF, which draw glyphs in the order given (no
    shaping, no bidi): in a right-to-left language the Arabic letters take
    their joined forms (arabic-reshaper) and each line is put in the order it
    is seen (the Unicode bidi algorithm, python-bidi). Other languages, and a
    line with no right-to-left letter, are left as they are."""
    if not text or not translation.get_language_bidi():
        return text
    return "\n".join(_drawn_line(line) for line in str(text).split("\n"))


def _drawn_line(line: str) -> str:
    if get_base_level(line) == 0:
        return line  # left to right (a product name): as it is
    return get_display(arabic_reshaper.reshape(line)).translate(MIRRORED)
