"""Times and days as the pages show them in lists, in the current zone,
worked out in Python for the many rows of a page."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.dates import MONTHS_3


class Times:
    """Times as the templates' ``date`` filter shows them with "j M Y H:i" and
    "j M H:i", in the current zone: without a formatter object and a
    translation look-up per time."""

    def __init__(self):
        self.tz = timezone.get_current_timezone()
        self.months = {month: str(MONTHS_3[month]).title() for month in range(1, 13)}

    def day_and_time(self, moment: dt.datetime) -> str:
        local = moment.astimezone(self.tz)
        return f"{local.day} {self.months[local.month]} {local.year:04d} {local.hour:02d}:{local.minute:02d}"

    def short(self, moment: dt.datetime) -> str:
        local = moment.astimezone(self.tz)
        return f"{local.day} {self.months[local.month]} {local.hour:02d}:{local.minute:02d}"

    def day(self, day: dt.date) -> str:
        """As ``date:"j M Y"``."""
        return f"{day.day} {self.months[day.month]} {day.year:04d}"
