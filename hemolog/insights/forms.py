from __future__ import annotations

import datetime as dt

from django import forms

from hemolog.core.dates import DateRange, DateRangeForm

PERIOD_CHOICES = [("3", "3 months"), ("6", "6 months"), ("12", "12 months"), ("24", "24 months"), ("custom", "Dates")]
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
            self.add_error("start", "Choose the first day.")
        if "end" not in self.errors and not data.get("end"):
            self.add_error("end", "Choose the last day.")

    def chosen_period(self) -> DateRange:
        if not self.is_bound or not self.is_valid():
            return DateRange.last_months(DEFAULT_MONTHS, self.today)
        choice = self.cleaned_data.get("period") or str(DEFAULT_MONTHS)
        if choice == "custom":
            return DateRange(self.cleaned_data["start"], min(self.cleaned_data["end"], self.today))
        return DateRange.last_months(int(choice), self.today)
