"""Days ``start`` to ``end``, both included: the one date-range type of the
dashboard's period, the exports and the list filters, and the one form that
reads a range and keeps its rules (its last day is on or after its first; it
does not start in the future)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hemolog.clinical.dates import add_months, months_between

from . import display
from .formfields import DateInput, PlausibleDateField


@dataclass(frozen=True)
class DateRange:
    """Local days ``start`` to ``end``, both included, in the viewer's time zone.

    A preset range is named by its months ("last 12 months", in the language
    of the page that shows it); any other by its dates."""

    start: dt.date
    end: dt.date
    months_named: int = 0  # "the last N months", named so in the active language

    @classmethod
    def last_months(cls, months: int, today: dt.date) -> DateRange:
        """The ``months`` calendar months ending ``today``, today included:
        12 months to 31 March 2026 start on 1 April 2025."""
        start = add_months(dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC), -months).date() + dt.timedelta(1)
        return cls(start, today, months)

    def start_at(self, tz: dt.tzinfo) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(), tzinfo=tz)

    def end_at(self, tz: dt.tzinfo) -> dt.datetime:
        """Midnight after the last day: the range is ``start_at <= t < end_at``."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), tzinfo=tz)

    @property
    def label(self) -> str:
        if self.months_named:
            return ngettext("last %(count)s month", "last %(count)s months", self.months_named) % {
                "count": self.months_named
            }
        return f"{display.day(self.start)} – {display.day(self.end)}"

    @property
    def iso(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    @property
    def months(self) -> list[dt.date]:
        """The first days of the months the range touches."""
        return months_between(self.start, self.end)


class DateRangeForm(forms.Form):
    """A first and a last day, both optional here; subclasses decide what a
    missing day means. Bad input shows its error at the field."""

    start = PlausibleDateField(required=False, label=_("From"), widget=DateInput(attrs={"class": "form-control"}))
    end = PlausibleDateField(required=False, label=_("To"), widget=DateInput(attrs={"class": "form-control"}))

    today: dt.date | None = None  # set by a form whose range can't start in the future

    def fill_missing_days(self, data: dict) -> None:
        """What an empty day means: here an open end; subclasses choose a default or require it."""

    def check_range(self, start: dt.date | None, end: dt.date | None, today: dt.date | None = None) -> None:
        """The rules of every range: it doesn't start after ``today`` (when
        given), and its last day is on or after its first."""
        if today and start and start > today:
            self.add_error("start", _("The range can't start in the future."))
        elif start and end and end < start:
            self.add_error("end", _("The last day must be on or after the first."))

    def clean(self):
        data = super().clean()
        self.fill_missing_days(data)
        self.check_range(data.get("start"), data.get("end"), self.today)
        return data

    def date_range(self) -> DateRange:
        """The chosen range; call after :meth:`is_valid` returned True, with both days filled."""
        return DateRange(self.cleaned_data["start"], self.cleaned_data["end"])

    def bounds(self, tz: dt.tzinfo) -> tuple[dt.datetime | None, dt.datetime | None]:
        """The chosen days as instants in ``tz``, the end exclusive; None for an
        open end, and for both when the input is invalid (the list stays unfiltered)."""
        if not self.is_valid():
            return None, None
        start, end = self.cleaned_data.get("start"), self.cleaned_data.get("end")
        return (
            DateRange(start, start).start_at(tz) if start else None,
            DateRange(end, end).end_at(tz) if end else None,
        )
