"""The export page's choices, and the archive upload."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from hemolog.core.dates import DateRange, DateRangeForm
from hemolog.core.formfields import EARLIEST_DAY

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


class ExportForm(DateRangeForm):
    """A date range (both days included) and, on the export page, a format.
    Empty dates mean the last 12 months up to today."""

    format = forms.ChoiceField(choices=FORMAT_CHOICES, widget=forms.RadioSelect, label="Format", required=False)

    def __init__(self, *args, today: dt.date | None = None, require_format: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        default = DateRange.last_months(DEFAULT_MONTHS, self.today)
        self.fields["start"].initial, self.fields["start"].help_text = default.start, "First day."
        self.fields["end"].initial, self.fields["end"].help_text = default.end, "Last day, included."
        self.fields["format"].initial = "pdf"
        self.fields["format"].required = require_format
        if require_format:
            self.fields["format"].error_messages["required"] = "Choose what to download."

    def fill_missing_days(self, data: dict) -> None:
        # A missing day: 12 months ending on the last day, or up to today.
        start, end = data.get("start"), data.get("end")
        if "start" not in self.errors and start is None:
            data["start"] = max(DateRange.last_months(DEFAULT_MONTHS, end or self.today).start, EARLIEST_DAY)
        if "end" not in self.errors and end is None:
            data["end"] = self.today
        elif end is not None and end > self.today:
            data["end"] = self.today  # nothing is logged after today (a report to 2099 took 5-8 s)


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
