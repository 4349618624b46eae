"""Times and days as the pages show them in lists, in the current zone,
worked out in Python for the many rows of a page."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.dates import MONTHS, MONTHS_3, MONTHS_AP, WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import pgettext

# Django's date format letters a list's day can use, each read off a date.
LETTERS = {
    "j": lambda day, names: str(day.day),
    "d": lambda day, names: f"{day.day:02d}",
    "Y": lambda day, names: f"{day.year:04d}",
    "M": lambda day, names: names["M"][day.month],
    "b": lambda day, names: names["b"][day.month],
    "N": lambda day, names: names["N"][day.month],
    "F": lambda day, names: names["F"][day.month],
    "D": lambda day, names: names["D"][day.weekday()],
    "l": lambda day, names: names["l"][day.weekday()],
}


def compiled(pattern: str) -> list:
    """A Django date format ("j. M Y", "j \\d\\e F") as literal text and letters."""
    parts, escaped = [], False
    for char in pattern:
        if escaped or char not in LETTERS:
            escaped = not escaped and char == "\\"
            if not escaped:
                parts.append(char)
        else:
            parts.append(LETTERS[char])
    return parts


class Times:
    """Times as the templates' ``date`` filter shows them with the language's
    day format (a translator's: "j M Y" in English, "j. M Y" in German) and
    "H:i", in the current zone: without a formatter object and a translation
    look-up per time."""

    def __init__(self):
        self.tz = timezone.get_current_timezone()
        self.names = {
            "M": {month: str(MONTHS_3[month]).title() for month in range(1, 13)},
            "b": {month: str(MONTHS_3[month]) for month in range(1, 13)},
            "N": {month: str(MONTHS_AP[month]) for month in range(1, 13)},
            "F": {month: str(MONTHS[month]) for month in range(1, 13)},
            "D": {day: str(WEEKDAYS_ABBR[day]) for day in range(7)},
            "l": {day: str(WEEKDAYS[day]) for day in range(7)},
        }
        # Translators: a day in a list, in Django's date format letters ("3 Dec 2026"; German "j. M Y").
        self.with_year = compiled(pgettext("date format", "j M Y"))
        self.without_year = compiled(pgettext("date format", "j M"))

    def _format(self, parts: list, day: dt.date) -> str:
        return "".join(part if isinstance(part, str) else part(day, self.names) for part in parts)

    def day_and_time(self, moment: dt.datetime) -> str:
        local = moment.astimezone(self.tz)
        return f"{self._format(self.with_year, local)} {local.hour:02d}:{local.minute:02d}"

    def short(self, moment: dt.datetime) -> str:
        local = moment.astimezone(self.tz)
        return f"{self._format(self.without_year, local)} {local.hour:02d}:{local.minute:02d}"

    def day(self, day: dt.date) -> str:
        """As ``date:"j M Y"`` in English."""
        return self._format(self.with_year, day)
