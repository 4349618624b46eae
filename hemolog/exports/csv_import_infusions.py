"""The rows of an infusions file: each checked by ``InfusionForm``'s rules
(through :class:`.imported_forms.ImportedInfusionForm`), with its product, its
treated bleed and its lot number found as :mod:`.csv_import` describes."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from hemolog.clinical.records import WeightHistory
from hemolog.core import display
from hemolog.exports.recall import lot_note
from hemolog.inventory.models import DoseUnit, Product, ProductKind
from hemolog.logbook.models import BleedEpisode, GivenBy, Reason, Side, Site
from hemolog.patients.models import Patient

from .columns import restore_formula_text
from .csv_import_plan import (
    ALREADY_LOGGED,
    ImportPlan,
    PreviewRow,
    Status,
    choice_error,
    extra_cells,
    form_errors,
    in_column,
    local,
    read_choice,
    read_time,
    required,
    side_at,
    to_minute,
)
from .csv_upload import INFUSIONS, CsvTable
from .imported_forms import FileChoices, ImportedInfusionForm

LOT_NUMBER = re.compile(r"[^\[\]\r\n]{1,50}")

INFUSION_HEADINGS = [
    pgettext_lazy("infusion", "Given"),
    gettext_lazy("Product"),
    gettext_lazy("Dose"),
    gettext_lazy("Reason"),
    gettext_lazy("Given by"),
    gettext_lazy("For the bleed"),
    gettext_lazy("Lot"),
    gettext_lazy("Notes"),
]
INFUSION_CHOICES = {"reason": Reason, "given_by": GivenBy}


@dataclass
class _InfusionContext:
    patient: Patient
    weights: WeightHistory[Decimal]
    choices: FileChoices  # products and bleeds by primary key
    products: dict[str, list[Product]]  # by brand name, case-folded
    bleeds: dict[tuple, BleedEpisode]  # by (start to the minute, site, side)
    logged: set[tuple]
    seen: dict[tuple, int] = field(default_factory=dict)


def infusion_plan(table: CsvTable, patient: Patient) -> ImportPlan:
    products = list(Product.objects.for_patient(patient))
    by_name: dict[str, list[Product]] = {}
    for product in sorted(products, key=lambda p: p.patient_id is None):  # the family's own first
        by_name.setdefault(product.brand_name.strip().casefold(), []).append(product)
    bleeds = list(patient.bleeds.all())
    logged = list(patient.infusions.values_list("given_at", "product_id", "dose", "reason"))
    prophylaxis_times = sorted(given for given, _product, _dose, reason in logged if reason == Reason.PROPHYLAXIS)
    context = _InfusionContext(
        patient=patient,
        weights=patient.weight_history(),
        choices=FileChoices(
            products={str(p.pk): p for p in products},
            bleeds={str(b.pk): b for b in bleeds},
            prophylaxis_times=prophylaxis_times,
        ),
        products=by_name,
        bleeds={(to_minute(b.started_at), b.site, b.side): b for b in reversed(bleeds)},
        logged={(to_minute(given), product_id, dose) for given, product_id, dose, _reason in logged},
    )
    rows = [_infusion_row(line, values, context) for line, values in table.rows]
    return ImportPlan(INFUSIONS, [str(heading) for heading in INFUSION_HEADINGS], rows, table.warnings)


def _find_product(values: dict[str, str], context: _InfusionContext, own: dict[str, str]) -> Product | None:
    name = restore_formula_text(values.get("product", ""))
    if not name:
        own["product"] = required("product")
        return None
    candidates = context.products.get(name.casefold(), [])
    kind_raw = values.get("product_kind", "")
    kind = read_choice(kind_raw, ProductKind) if kind_raw else None
    if kind_raw and kind is None:
        own["product_kind"] = choice_error("product_kind", kind_raw, ProductKind)
    matching = [p for p in candidates if kind is None or p.kind == kind]
    if not matching:
        if candidates:
            # Translators: a product's name, then two kinds of product as codes (FVIII, FIX, …), kept in English.
            problem = _("%(product)s is %(kind)s, not %(wanted)s.") % {
                "product": name,
                "kind": candidates[0].kind,
                "wanted": kind,
            }
            own["product_kind"] = in_column("product_kind", problem)
        else:
            problem = _(
                "no product called “%(product)s” in the catalogue or this patient's own products. "
                "Add it on the stock page first."
            ) % {"product": name}
            own["product"] = in_column("product", problem)
        return None
    return matching[0]


def _find_bleed(values: dict[str, str], context: _InfusionContext, own: dict[str, str]) -> BleedEpisode | None:
    raw = {column: values.get(column, "") for column in ("bleed_started_at", "bleed_site", "bleed_side")}
    if not any(raw.values()):
        return None
    site = read_choice(raw["bleed_site"], Site)
    side = read_choice(raw["bleed_side"], Side)
    try:
        started = read_time(raw["bleed_started_at"], "bleed_started_at")
    except forms.ValidationError as error:
        own["bleed_started_at"] = error.messages[0]
        return None
    if not started or not site:
        # Translators: bleed_started_at and bleed_site are column names, kept in English.
        problem = _("a treated bleed needs bleed_started_at and bleed_site.")
        own["bleed_started_at"] = in_column("bleed_started_at", problem)
        return None
    if side is None:
        own["bleed_side"] = choice_error("bleed_side", raw["bleed_side"], Side)
        return None
    bleed = context.bleeds.get((to_minute(started), site, side_at(site, side)))
    if bleed is None:
        label = BleedEpisode(site=site, side=side_at(site, side)).site_label
        # Translators: %(site)s is where the bleed is ("Left knee"), %(time)s when it started.
        problem = _(
            "no %(site)s bleed starting %(time)s in the log. Import the bleeds file first, or empty the bleed columns."
        ) % {"site": label, "time": local(started)}
        own["bleed_started_at"] = in_column("bleed_started_at", problem)
    return bleed


def _dose(values: dict[str, str], product: Product | None, own: dict[str, str]) -> tuple[str, str]:
    """The dose and its column: the one of the product's unit."""
    column = "dose_mg" if product and product.unit == DoseUnit.MG else "dose_iu"
    other = "dose_iu" if column == "dose_mg" else "dose_mg"
    dose = values.get(column, "")
    if product and not dose and values.get(other):
        # Translators: a product's name, then its unit (IU or mg).
        problem = _("empty, but %(product)s is dosed in %(unit)s.") % {
            "product": product.brand_name,
            "unit": product.unit,
        }
        own[column] = in_column(column, problem)
    elif not product:
        dose = dose or values.get(other, "")
    return dose, column


def _lot_and_notes(values: dict[str, str], own: dict[str, str]) -> tuple[str, str]:
    """The lot number, and the notes with it as ``[lot NUMBER]`` (the recall lookup finds it there)."""
    lot_number = restore_formula_text(values.get("lot_number", ""))
    if lot_number and not LOT_NUMBER.fullmatch(lot_number):
        problem = _("at most 50 characters, without square brackets or line breaks.")
        own["lot_number"] = in_column("lot_number", problem)
    notes = restore_formula_text(values.get("notes", ""))
    if lot_number and "lot_number" not in own and lot_note(lot_number).casefold() not in notes.casefold():
        notes = f"{notes}\n{lot_note(lot_number)}" if notes else lot_note(lot_number)
    return lot_number, notes


def _infusion_row(line: int, values: dict[str, str], context: _InfusionContext) -> PreviewRow:
    get = values.get
    own = extra_cells(values)
    product = _find_product(values, context, own)
    dose, dose_column = _dose(values, product, own)
    lot_number, notes = _lot_and_notes(values, own)
    bleed = _find_bleed(values, context, own)
    data = {
        "given_at": get("given_at", ""),
        "product": str(product.pk) if product else "",
        "dose": dose,
        "bleed": str(bleed.pk) if bleed else "",
        "notes": notes,
    }
    for column, choices in INFUSION_CHOICES.items():
        code = read_choice(get(column, ""), choices)
        if code is None:
            own[column] = choice_error(column, get(column, ""), choices)
        data[column] = get(column, "") if code is None else code
    try:
        given = read_time(data["given_at"], "given_at")
    except forms.ValidationError as error:
        own["given_at"], given = error.messages[0], None

    raw_cells = [
        get("given_at", ""),
        restore_formula_text(get("product", "")),
        " ".join(filter(None, [dose, product.unit if product else ""])),
        get("reason", ""),
        get("given_by", ""),
        " ".join(filter(None, [get("bleed_started_at", ""), get("bleed_side", ""), get("bleed_site", "")])),
        lot_number,
        notes,
    ]
    key = _infusion_key(given, product, dose)
    if key in context.logged:
        return PreviewRow(line, Status.DUPLICATE, raw_cells, note=str(ALREADY_LOGGED))
    if key in context.seen:
        # Translators: a row of a CSV file repeating an earlier row (%(line)s: its line number in the file).
        note = _("Same dose as line %(line)s, skipped.") % {"line": context.seen[key]}
        return PreviewRow(line, Status.DUPLICATE, raw_cells, note=note)
    columns = {"dose": dose_column, "bleed": "bleed_started_at", "lot": "lot_number"}
    row = _checked(line, data, raw_cells, columns, own, context)
    if row.entry is not None:
        context.seen[key] = line
    return row


def _checked(
    line: int, data: dict, raw_cells: list[str], columns: dict[str, str], own: dict[str, str], context: _InfusionContext
) -> PreviewRow:
    """The row as the form checks it: to import, to confirm (a dose the form would
    ask about), or an error."""
    form = _infusion_form(data, context)
    status = Status.NEW
    warnings: list[str] = []
    if not form.is_valid() and (form.needs_confirmation or form.needs_repeat_confirmation):
        warnings = form_errors(form, columns, {})
        form = _infusion_form({**data, "confirm_high_dose": "on", "confirm_repeat": "on"}, context)
        status = Status.CONFIRM
    if not form.is_valid() or own:
        return PreviewRow(line, Status.ERROR, raw_cells, form_errors(form, columns, own))
    infusion = form.imported()
    cells = [
        local(infusion.given_at),
        infusion.product.brand_name,
        f"{display.number(infusion.dose)} {infusion.product.unit}",
        infusion.get_reason_display(),
        infusion.get_given_by_display(),
        _treated(infusion.bleed),
        raw_cells[6],  # the lot number, kept in the notes: the dose takes nothing from stock
        infusion.notes,
    ]
    return PreviewRow(line, status, cells, errors=warnings, entry=infusion)


def _treated(bleed: BleedEpisode | None) -> str:
    """The bleed a dose treated, as the preview shows it."""
    if bleed is None:
        return ""
    # Translators: the bleed a dose treated: its site ("Left knee") and when it started.
    return _("%(site)s, %(time)s") % {"site": bleed.site_label, "time": local(bleed.started_at)}


def _infusion_key(given: dt.datetime | None, product: Product | None, dose: str) -> tuple | None:
    try:
        amount_given = Decimal(dose)
    except (InvalidOperation, ValueError):
        return None
    if not (given and product and amount_given.is_finite()):
        return None
    return (to_minute(given), product.pk, amount_given)


def _infusion_form(data: dict, context: _InfusionContext) -> ImportedInfusionForm:
    return ImportedInfusionForm(data, patient=context.patient, choices=context.choices, weights=context.weights)
