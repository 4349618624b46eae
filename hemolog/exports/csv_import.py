"""Importing bleeds or infusions from a CSV file with the export's columns
(:mod:`.columns`), so that an exported file imports again.

Each row is checked by the form that checks a typed entry (``BleedForm`` and
``InfusionForm``, through :mod:`.imported_forms`), so the rules (not in
the future, not before birth, resolved after started, a side for joints and
muscles, dose limits) live in one place. The result is an :class:`ImportPlan`:
every row with its line number, what will be saved, and its errors. Nothing is
written until :func:`save_plan`, which the preview's confirmation calls.

Decisions:

- **Duplicates.** A bleed is the same as a logged one when the patient, start
  (to the minute), site and side match; an infusion when the patient, time (to
  the minute), product and dose match. Such rows are shown as "already in the
  log" and skipped, so importing a file twice, or an export back into its own
  log, adds nothing. A row repeating an earlier row of the same file is skipped
  the same way.
- **Rows with errors** are shown with their messages and not imported; the
  valid rows can still be imported. Rows the form would ask to confirm (a dose
  above 300 IU/kg or 12 mg/kg, a second prophylactic dose within 12 hours of a
  logged one) are imported only when the user ticks the box that confirms them.
- **Stock.** An imported infusion is history: it takes no vials and is linked
  to no lot (editing or deleting it later would otherwise put back vials that
  were never taken). Its lot number is kept in its notes as ``[lot NUMBER]``
  (:func:`hemolog.exports.recall.lot_note`), which the lot recall lookup
  searches, so a recalled lot is found in imported history too. ``vials_used``
  and the per-kg doses are not read (the app works the dose per kg out itself).
- **Bleed links.** An infusion's ``bleed_*`` columns must name a bleed already
  in the log (import the bleeds file first); otherwise the row is an error.
- **Products** are found by brand name (any case) among the catalogue and the
  patient's own products; an unknown product is an error (add it first).
- **Times** are ISO 8601; a time with no offset is read in the user's time zone.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

from django import forms
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from hemolog.logbook.models import BleedEpisode, BleedSeverity, Cause, Infusion, Side, Site
from hemolog.patients.models import Patient

from .columns import restore_formula_text
from .csv_import_infusions import infusion_plan
from .csv_import_plan import (
    ALREADY_LOGGED,
    ImportPlan,
    PreviewRow,
    Status,
    choice_error,
    extra_cells,
    form_errors,
    local,
    read_choice,
    read_time,
    side_at,
    to_minute,
)
from .csv_upload import BLEEDS, INFUSIONS, CsvTable
from .imported_forms import ImportedBleedForm

__all__ = ["ImportPlan", "Status", "build_plan", "lock_log", "save_plan"]

# The export's columns the import reads; the others are derived from these, or
# (vials_used) belong to a stock an imported dose does not touch, and are ignored.
READ_COLUMNS = {
    BLEEDS: ("started_at", "resolved_at", "site", "side", "cause", "severity", "pain_0_to_10", "notes"),
    INFUSIONS: (
        "given_at",
        "product",
        "product_kind",
        "dose_iu",
        "dose_mg",
        "lot_number",
        "reason",
        "given_by",
        "bleed_started_at",
        "bleed_site",
        "bleed_side",
        "notes",
    ),
}
IGNORED_COLUMNS = {BLEEDS: (), INFUSIONS: ("dose_iu_per_kg", "dose_mg_per_kg", "vials_used")}


# Bleeds ------------------------------------------------------------------------------------

BLEED_HEADINGS = [
    gettext_lazy("Started"),
    gettext_lazy("Site"),
    gettext_lazy("Cause"),
    gettext_lazy("Severity"),
    gettext_lazy("Pain"),
    gettext_lazy("Resolved"),
    gettext_lazy("Notes"),
]
BLEED_FIELD_COLUMNS = {"pain": "pain_0_to_10"}
BLEED_CHOICES = {"site": Site, "side": Side, "cause": Cause, "severity": BleedSeverity}


def _bleed_plan(table: CsvTable, patient: Patient) -> ImportPlan:
    stored = patient.bleeds.values_list("started_at", "site", "side")
    logged = {(to_minute(started), site, side) for started, site, side in stored}
    seen: dict[tuple, int] = {}
    rows = [_bleed_row(line, values, patient, logged, seen) for line, values in table.rows]
    return ImportPlan(BLEEDS, [str(heading) for heading in BLEED_HEADINGS], rows, table.warnings)


def _bleed_row(line: int, values: dict[str, str], patient: Patient, logged: set, seen: dict) -> PreviewRow:
    get = values.get
    raw_cells = [
        get("started_at", ""),
        " ".join(filter(None, [get("side", ""), get("site", "")])),
        get("cause", ""),
        get("severity", ""),
        get("pain_0_to_10", ""),
        get("resolved_at", ""),
        restore_formula_text(get("notes", "")),
    ]
    own = extra_cells(values)
    data = {
        "started_at": get("started_at", ""),
        "resolved_at": get("resolved_at", ""),
        "pain": get("pain_0_to_10", ""),
        "notes": restore_formula_text(get("notes", "")),
    }
    for column, choices in BLEED_CHOICES.items():
        raw = get(column, "")
        code = read_choice(raw, choices)
        if code is None:
            own[column] = choice_error(column, raw, choices)
        data[column] = raw if code is None else code
    for column in ("started_at", "resolved_at"):
        try:
            read_time(data[column], column)
        except forms.ValidationError as error:
            own[column] = error.messages[0]

    key = None
    if not own.keys() & {"started_at", "site", "side"}:
        started = read_time(data["started_at"], "started_at")
        key = started and (to_minute(started), data["site"], side_at(data["site"], data["side"]))
    if key in logged:
        return PreviewRow(line, Status.DUPLICATE, raw_cells, note=str(ALREADY_LOGGED))
    if key in seen:
        # Translators: a row of a CSV file repeating an earlier row (%(line)s: its line number in the file).
        note = _("Same bleed as line %(line)s, skipped.") % {"line": seen[key]}
        return PreviewRow(line, Status.DUPLICATE, raw_cells, note=note)

    form = ImportedBleedForm(data, patient=patient)
    if not form.is_valid() or own:
        return PreviewRow(line, Status.ERROR, raw_cells, form_errors(form, BLEED_FIELD_COLUMNS, own))
    bleed: BleedEpisode = form.save(commit=False)
    bleed.patient = patient
    seen[key] = line
    cells = [
        local(bleed.started_at),
        bleed.site_label,
        bleed.get_cause_display(),
        bleed.get_severity_display(),
        "" if bleed.pain is None else f"{bleed.pain}/10",
        local(bleed.resolved_at) or pgettext("bleed", "ongoing"),
        bleed.notes,
    ]
    return PreviewRow(line, Status.NEW, cells, entry=bleed)


# The whole file ----------------------------------------------------------------------------


def build_plan(table: CsvTable, patient: Patient, progress: Callable[[int, int], None] | None = None) -> ImportPlan:
    """Check every row against the log as it is now; writes nothing.
    ``progress(done, total)`` is told every hundred rows."""
    if progress is not None:
        table = dataclasses.replace(table, rows=_counted(table.rows, progress))
    if table.kind == BLEEDS:
        return _bleed_plan(table, patient)
    return infusion_plan(table, patient)


def _counted(rows: list, progress: Callable[[int, int], None]) -> Iterator:
    total = len(rows)
    for done, row in enumerate(rows):
        if done % 100 == 0:
            progress(done, total)
        yield row


def lock_log(patient: Patient) -> None:
    """Take the patient's row lock (inside a transaction), so that two
    confirmations of the same file run one after the other and the second
    finds the first's entries as duplicates. SQLite locks the whole database."""
    list(Patient.objects.select_for_update().filter(pk=patient.pk).values_list("pk"))


@transaction.atomic
def save_plan(plan: ImportPlan, patient: Patient, user, *, include_flagged: bool) -> int:
    """Save the plan's new rows (and those needing confirmation, when confirmed); returns how many."""
    entries = plan.entries(include_flagged)
    for entry in entries:
        entry.created_by = user
    model = BleedEpisode if plan.kind == BLEEDS else Infusion
    model.objects.bulk_create(entries, batch_size=500)
    if entries:
        Patient.log_changed(patient.pk)  # bulk_create sends no post_save: move the cache key on once
    return len(entries)
