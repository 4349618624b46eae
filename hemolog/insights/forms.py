from __future__ import annotations

import datetime as dt

from django import forms

from hemolog.core.formfields import DateInput, PlausibleDateField

from .dashboard import Period

PERIOD_CHOICES = [("3", "3 months"), ("6", "6 months"), ("12", "12 months"), ("24", "24 months"), ("custom", "Dates")]
DEFAULT_MONTHS = 12


class PeriodForm(forms.Form):
    """The dashboard's period: the last 3, 6, 12 or 24 months, or chosen dates.
    Invalid input shows its error and the default 12 months are used."""

    period = forms.ChoiceField(choices=PERIOD_CHOICES, required=False)
    start = PlausibleDateField(required=False, label="From", widget=DateInput(attrs={"class": "form-control"}))
    end = PlausibleDateField(required=False, label="To", widget=DateInput(attrs={"class": "form-control"}))

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):
        data = super().clean()
        if data.get("period") != "custom":
            return data
        start, end = data.get("start"), data.get("end")
        if not start:
            self.add_error("start", "Choose the first day.")
        if not end:
            self.add_error("end", "Choose the last day.")
        if start and end and end < start:
            self.add_error("end", "The last day must be on or after the first.")
        if start and start > self.today:
            self.add_error("start", "The period can't start in the future.")
        return data

    def chosen_period(self) -> Period:
        if not self.is_bound or not self.is_valid():
            return Period.last_months(DEFAULT_MONTHS, self.today)
        choice = self.cleaned_data.get("period") or str(DEFAULT_MONTHS)
        if choice == "custom":
            start, end = self.cleaned_data["start"], min(self.cleaned_data["end"], self.today)
            return Period(start, end, f"{start:%d %b %Y} – {end:%d %b %Y}")
        return Period.last_months(int(choice), self.today)
