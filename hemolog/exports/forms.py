"""The export page's choices, and the archive upload."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import formats, timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hemolog.core.dates import DateRange, DateRangeForm
from hemolog.core.formfields import EARLIEST_DAY

DEFAULT_MONTHS = 12
MAX_ARCHIVE_BYTES = 20 * 1024 * 1024  # ten years of log for a dozen patients is about 10 MB

FORMAT_CHOICES = [
    ("bleeds_csv", gettext_lazy("Bleeds (CSV)")),
    ("infusions_csv", gettext_lazy("Infusions (CSV)")),
    ("stock_csv", gettext_lazy("Stock movements (CSV)")),
    ("csv_zip", gettext_lazy("All three CSV files (ZIP)")),
    ("pdf", gettext_lazy("Clinic report (PDF)")),
    # Translators: HL7 FHIR R4 is the name of a health-record standard and its version: keep it.
    ("fhir", gettext_lazy("HL7 FHIR R4 Bundle (JSON)")),
]


class ExportForm(DateRangeForm):
    """A date range (both days included) and, on the export page, a format.
    Empty dates mean the last 12 months up to today."""

    format = forms.ChoiceField(
        choices=FORMAT_CHOICES, widget=forms.RadioSelect, label=gettext_lazy("Format"), required=False
    )

    def __init__(self, *args, today: dt.date | None = None, require_format: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        default = DateRange.last_months(DEFAULT_MONTHS, self.today)
        self.fields["start"].initial, self.fields["start"].help_text = default.start, _("First day.")
        self.fields["end"].initial, self.fields["end"].help_text = default.end, _("Last day, included.")
        self.fields["format"].initial = "pdf"
        self.fields["format"].required = require_format
        if require_format:
            self.fields["format"].error_messages["required"] = _("Choose what to download.")

    def fill_missing_days(self, data: dict) -> None:
        # A missing day: 12 months ending on the last day, or up to today.
        start, end = data.get("start"), data.get("end")
        if "start" not in self.errors and start is None:
            data["start"] = max(DateRange.last_months(DEFAULT_MONTHS, end or self.today).start, EARLIEST_DAY)
        if "end" not in self.errors and end is None:
            data["end"] = self.today
        elif end is not None and end > self.today:
            data["end"] = self.today  # nothing is logged after today (a report to 2099 took 5-8 s)


def _archive_help() -> str:
    return _("A Hemolog archive, at most %(size)s MB.") % {"size": MAX_ARCHIVE_BYTES // (1024 * 1024)}


class ArchiveUploadForm(forms.Form):
    archive = forms.FileField(
        label=gettext_lazy("Archive file (.json)"),
        help_text=lazy(_archive_help, str)(),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    def clean_archive(self):
        upload = self.cleaned_data["archive"]
        if upload.size > MAX_ARCHIVE_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s MB: an archive can be at most %(limit)s MB."),
                code="too_big",
                params={
                    "size": formats.number_format(round(upload.size / (1024 * 1024), 1), decimal_pos=1),
                    "limit": MAX_ARCHIVE_BYTES // (1024 * 1024),
                },
            )
        return upload
