"""The plan of a CSV import (:class:`ImportPlan`: every row of the file, what
it will save or why not) and reading one cell's value, shared by the bleed and
infusion rows (:mod:`.csv_import`, :mod:`.csv_import_infusions`)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from dataclasses import dataclass, field, replace
from enum import StrEnum

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hemolog.core import display
from hemolog.core.formfields import LocalDateTimeField
from hemolog.logbook.models import MIDLINE_SITES, BleedEpisode, Infusion

# Translators: a row of a CSV file that is already in the log, so it is not imported again.
ALREADY_LOGGED = gettext_lazy("Already in the log, skipped.")
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
            # Translators: %(column)s is a column name, kept in English; %(value)s what the file holds.
            _(
                "%(column)s: “%(value)s” is not a date and time in ISO 8601, such as 2025-03-01T07:30:00+01:00 "
                "or 2025-03-01 07:30 (read in your time zone)."
            )
            % {"column": column, "value": raw}
        )
    try:
        return _TIME.clean(raw)
    except forms.ValidationError as error:
        raise forms.ValidationError(in_column(column, " ".join(error.messages))) from None


def to_minute(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(second=0, microsecond=0)


def in_column(column: str, message: str) -> str:
    """A problem with one column's value, named by the column."""
    # Translators: a column name of the file (kept in English), then what is wrong with its value.
    return _("%(column)s: %(problem)s") % {"column": column, "problem": message}


def required(column: str) -> str:
    # Translators: %(column)s is a column name of the file, kept in English.
    return _("%(column)s: empty, but required.") % {"column": column}


def read_choice(raw: str, choices: type[models.TextChoices]) -> str | None:
    """The code for a code or a label in any case (``knee``, ``Injury``), the
    label in English or in the language the page is shown in; None when it is neither."""
    return _choice_names(choices, translation.get_language()).get(raw.strip().casefold())


@functools.cache
def _choice_names(choices: type[models.TextChoices], language: str | None) -> dict[str, str]:
    """Each code, then each label in the language, then in English, case-folded (the first one wins)."""
    with translation.override("en"):
        english = [str(label) for _value, label in choices.choices]
    names: dict[str, str] = {}
    for name, value in [
        *((str(value), value) for value in choices.values),
        *((str(label), value) for value, label in choices.choices),
        *zip(english, choices.values, strict=True),
    ]:
        names.setdefault(name.casefold(), value)
    return names


def choice_error(column: str, raw: str, choices: type[models.TextChoices]) -> str:
    if not raw:
        return required(column)
    codes = ", ".join(value for value in choices.values if value)
    # Translators: %(column)s is a column name, %(codes)s the codes it may hold (both kept in English).
    return _("%(column)s: “%(value)s” is not one of %(codes)s.") % {"column": column, "value": raw, "codes": codes}


def side_at(site: str, side: str) -> str:
    return "" if site in MIDLINE_SITES else side


def local(moment: dt.datetime | None) -> str:
    """A time as the preview shows it, in the user's zone and the language's format."""
    return display.day_and_clock(moment) if moment else ""


def form_errors(form: forms.Form, columns: dict[str, str], own: dict[str, str]) -> list[str]:
    """The form's messages named by CSV column; a column with an error of our own keeps only ours."""
    messages = list(own.values())
    for name, errors in form.errors.as_data().items():
        column = columns.get(name, name)
        if column in own:
            continue
        for error in errors:
            for message in error.messages:
                if name == NON_FIELD_ERRORS:
                    messages.append(message)
                elif error.code == "required":
                    messages.append(required(column))
                else:
                    messages.append(in_column(column, message))
    return messages


def extra_cells(values: dict[str, str]) -> dict[str, str]:
    """The line's own problem of holding more values than the header names (:mod:`.csv_upload` words it)."""
    return {"__extra__": values["__extra__"]} if "__extra__" in values else {}
