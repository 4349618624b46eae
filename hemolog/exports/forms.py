"""The export page's choices, and the archive upload."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.utils import timezone

from hemolog.clinical.dates import add_months
from hemolog.core.formfields import EARLIEST_DAY, DateInput, PlausibleDateField

DEFAULT_MONTHS = 12
MAX_ARCHIVE_BYTES = 20 * 1024 * 1024  # ten years of log for a dozen patients is about 10 MB

FORMAT_CHOICES = [
    ("bleeds_csv", "Bleeds (CSV)"),
    ("infusions_csv", "Infusions (CSV)"),
    ("stock_csv", "Stock movements (CSV)"),
    ("csv_zip", "All three CSV files (ZIP)"),
    ("pdf", "Clinic report (PDF)"),
    ("fhir", "HL7 FHIR R4 Bundle (JSON)"),
]


@dataclass(frozen=True)
class DateRange:
    """Local days ``start`` to ``end``, both included, in the viewer's time zone."""

    start: dt.date
    end: dt.date

    def start_at(self, tz: dt.tzinfo) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(), tzinfo=tz)

    def end_at(self, tz: dt.tzinfo) -> dt.datetime:
        """Midnight after the last day: the range is ``start_at <= t < end_at``."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), tzinfo=tz)

    @property
    def label(self) -> str:
        return f"{self.start:%d %b %Y} – {self.end:%d %b %Y}"

    @property
    def iso(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


def default_range(today: dt.date) -> DateRange:
    """The last 12 months, today included (the dashboard's default period)."""
    start = add_months(dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC), -DEFAULT_MONTHS).date()
    return DateRange(start + dt.timedelta(days=1), today)


class ExportForm(forms.Form):
    """A date range (both days included) and, on the export page, a format.
    Empty dates mean the last 12 months up to today."""

    start = PlausibleDateField(
        required=False, label="From", widget=DateInput(attrs={"class": "form-control"}), help_text="First day."
    )
    end = PlausibleDateField(
        required=False, label="To", widget=DateInput(attrs={"class": "form-control"}), help_text="Last day, included."
    )
    format = forms.ChoiceField(choices=FORMAT_CHOICES, widget=forms.RadioSelect, label="Format", required=False)

    def __init__(self, *args, today: dt.date | None = None, require_format: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        default = default_range(self.today)
        self.fields["start"].initial = default.start
        self.fields["end"].initial = default.end
        self.fields["format"].initial = "pdf"
        self.fields["format"].required = require_format
        if require_format:
            self.fields["format"].error_messages["required"] = "Choose what to download."

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        # A missing day: 12 months ending on the last day, or up to today.
        if "start" not in self.errors and start is None:
            data["start"] = start = max(default_range(end or self.today).start, EARLIEST_DAY)
        if "end" not in self.errors and end is None:
            data["end"] = end = self.today
        if start and start > self.today:
            self.add_error("start", "The range can't start in the future.")
        elif start and end and end < start:
            self.add_error("end", "The last day must be on or after the first.")
        return data

    def date_range(self) -> DateRange:
        """The chosen range; call after :meth:`is_valid` returned True."""
        return DateRange(self.cleaned_data["start"], self.cleaned_data["end"])


class ArchiveUploadForm(forms.Form):
    archive = forms.FileField(
        label="Archive file (.json)",
        help_text=f"A Hemolog archive, at most {MAX_ARCHIVE_BYTES // (1024 * 1024)} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    def clean_archive(self):
        upload = self.cleaned_data["archive"]
        if upload.size > MAX_ARCHIVE_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / (1024 * 1024):.1f} MB: an archive can be at most "
                f"{MAX_ARCHIVE_BYTES // (1024 * 1024)} MB.",
                code="too_big",
            )
        return upload
