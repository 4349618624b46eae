"""How a number, a day or a time is shown to a person: in the active
language's formats (Django's locale formats: "1,5" and "3 dic 2026" in
Spanish, "1.5" and "3 Dec 2026" in English).

Files read by machines (CSV, FHIR, the archive) keep ISO dates and a point
as the decimal separator: they use ``hemolog.core.numbers.amount`` and
``isoformat()``, never these.
"""

import datetime as dt
import re

import arabic_reshaper
from bidi import get_display
from django.utils import formats, timezone, translation
from django.utils.translation import pgettext

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
    """A month and its year: "Dec 2026", "déc. 2026" (the format is the
    translator's: French abbreviates June and July apart only with "N")."""
    # Translators: a month and its year in Django's date format letters ("M Y" gives "Dec 2026";
    # "N Y" gives French "déc. 2026", "b Y" lower case "dic 2026").
    return formats.date_format(value, pgettext("date format", "M Y"))


# What a right-to-left line shows mirrored (the Unicode bidi algorithm's
# rule L4, which python-bidi's get_display leaves out).
MIRRORED = str.maketrans("()[]{}<>«»", ")(][}{><»«")
RIGHT_TO_LEFT_LETTER = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")  # Hebrew, Arabic and their forms


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
    if not RIGHT_TO_LEFT_LETTER.search(line):
        return line  # a product name, a number: as it is
    # A line of a right-to-left page runs right to left, even when it starts
    # with a name in Latin letters ("Leo · 1 يناير 2025").
    return get_display(arabic_reshaper.reshape(line), base_dir="R").translate(MIRRORED)


def listed(items) -> str:
    """Items one after another, with the language's comma ("a, b" / Arabic "a، b")."""
    # Translators: what separates the items of a list ("Knee, Ankle"); Arabic "، ".
    return pgettext("list separator", ", ").join(str(item) for item in items)


def clauses(items) -> str:
    """Parts of a sentence one after another, with the language's semicolon ("a; b" / Arabic "a؛ b")."""
    # Translators: what separates the parts of a sentence ("3 Feb: a bleed; 5 Feb: a dose"); Arabic "؛ ".
    return pgettext("clause separator", "; ").join(str(item) for item in items)
