from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from hemolog.core.dates import DateRange, DateRangeForm


def _months(count: int) -> str:
    """A period's button: "3 months"."""
    return ngettext("%(count)s month", "%(count)s months", count) % {"count": count}


_months_lazy = lazy(_months, str)
PERIOD_CHOICES = [
    ("3", _months_lazy(3)),
    ("6", _months_lazy(6)),
    ("12", _months_lazy(12)),
    ("24", _months_lazy(24)),
    # Translators: the dashboard's choice of a period between two dates the person types.
    ("custom", gettext_lazy("Dates")),
]
DEFAULT_MONTHS = 12


class PeriodForm(DateRangeForm):
    """The dashboard's period: the last 3, 6, 12 or 24 months, or chosen dates.
    Invalid input shows its error and the default 12 months are used."""

    period = forms.ChoiceField(choices=PERIOD_CHOICES, required=False)
    field_order = ["period", "start", "end"]

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def fill_missing_days(self, data: dict) -> None:
        if data.get("period") != "custom":
            data["start"] = data["end"] = None  # the typed days count only with "Dates"
            return
        if "start" not in self.errors and not data.get("start"):
            self.add_error("start", _("Choose the first day."))
        if "end" not in self.errors and not data.get("end"):
            self.add_error("end", _("Choose the last day."))

    def chosen_period(self) -> DateRange:
        if not self.is_bound or not self.is_valid():
            return DateRange.last_months(DEFAULT_MONTHS, self.today)
        choice = self.cleaned_data.get("period") or str(DEFAULT_MONTHS)
        if choice == "custom":
            return DateRange(self.cleaned_data["start"], min(self.cleaned_data["end"], self.today))
        return DateRange.last_months(int(choice), self.today)
