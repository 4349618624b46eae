"""The plan of a CSV import (:class:`ImportPlan`: every row of the file, what
it will save or why not) and reading one cell's value, shared by the bleed and
infusion rows (:mod:`.csv_import`, :mod:`.csv_import_infusions`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field, replace
from enum import StrEnum

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models
from django.utils import timezone

from hemolog.core.formfields import LocalDateTimeField
from hemolog.logbook.models import MIDLINE_SITES, BleedEpisode, Infusion

ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)?")


class Status(StrEnum):
    NEW = "new"
    CONFIRM = "confirm"  # imported only when the user confirms it
    DUPLICATE = "duplicate"
    ERROR = "error"


@dataclass
class PreviewRow:
    line: int
    status: Status
    cells: list[str]  # as it will be saved (new rows), else as it is in the file
    errors: list[str] = field(default_factory=list)
    note: str = ""
    entry: BleedEpisode | Infusion | None = None


@dataclass
class ImportPlan:
    kind: str
    headings: list[str]
    rows: list[PreviewRow]
    warnings: list[str]

    def count(self, status: Status) -> int:
        return sum(row.status == status for row in self.rows)

    def entries(self, include_flagged: bool) -> list[BleedEpisode | Infusion]:
        wanted = {Status.NEW, Status.CONFIRM} if include_flagged else {Status.NEW}
        return [row.entry for row in self.rows if row.status in wanted and row.entry is not None]

    def for_display(self) -> ImportPlan:
        """The plan without the unsaved entries: what the preview shows, small enough to cache."""
        return replace(self, rows=[replace(row, entry=None) for row in self.rows])

    def fingerprint(self) -> str:
        """Which rows would be saved or skipped: a confirmation only saves what its preview showed."""
        outline = self.kind + "|" + ";".join(f"{row.line}:{row.status}" for row in self.rows)
        return hashlib.sha256(outline.encode()).hexdigest()[:32]


# Reading values -------------------------------------------------------------------------

_TIME = LocalDateTimeField()


def read_time(raw: str, column: str) -> dt.datetime | None:
    """An ISO 8601 time; without an offset, in the current (user's) zone. Raises ValidationError."""
    if not raw:
        return None
    if not ISO_TIME.fullmatch(raw):
        raise forms.ValidationError(
            f"{column}: “{raw}” is not a date and time in ISO 8601, such as 2025-03-01T07:30:00+01:00 "
            "or 2025-03-01 07:30 (read in your time zone)."
        )
    try:
        return _TIME.clean(raw)
    except forms.ValidationError as error:
        raise forms.ValidationError(f"{column}: {' '.join(error.messages)}") from None


def to_minute(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(second=0, microsecond=0)


def read_choice(raw: str, choices: type[models.TextChoices]) -> str | None:
    """The code for a code or a label in any case (``knee``, ``Injury``); None when it is neither."""
    wanted = raw.strip().casefold()
    for value, label in choices.choices:
        if wanted in (str(value).casefold(), str(label).casefold()):
            return value
    return None


def choice_error(column: str, raw: str, choices: type[models.TextChoices]) -> str:
    if not raw:
        return f"{column}: empty, but required."
    codes = ", ".join(value for value in choices.values if value)
    return f"{column}: “{raw}” is not one of {codes}."


def side_at(site: str, side: str) -> str:
    return "" if site in MIDLINE_SITES else side


def local(moment: dt.datetime | None) -> str:
    return f"{timezone.localtime(moment):%d %b %Y %H:%M}" if moment else ""


def form_errors(form: forms.Form, columns: dict[str, str], own: dict[str, str]) -> list[str]:
    """The form's messages named by CSV column; a column with an error of our own keeps only ours."""
    messages = list(own.values())
    for name, errors in form.errors.as_data().items():
        column = columns.get(name, name)
        if column in own:
            continue
        for error in errors:
            for message in error.messages:
                text = "empty, but required." if error.code == "required" else message
                messages.append(text if name == NON_FIELD_ERRORS else f"{column}: {text}")
    return messages


def extra_cells(values: dict[str, str]) -> dict[str, str]:
    return {"__extra__": f"This line has {values['__extra__']}."} if "__extra__" in values else {}
