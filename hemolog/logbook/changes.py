"""Who changed what in a patient's log, and when: the change history that
django-simple-history keeps of bleeds, doses, regimens, weights and lots,
read back as lines ("Dose: 1000 → 2000") with the person and the time, so
that two parents can see who changed a dose. One entry's changes or the
patient's latest; a deleted entry's included (who deleted it, and when).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy

from hemolog.core import display
from hemolog.inventory.models import StockLot
from hemolog.patients.models import WeightMeasurement

from .models import BleedEpisode, Infusion, Regimen, site_label

LATEST = 100  # the patient's page shows this many changes, newest first

# kind (as in URLs) -> (model, what one is called)
KINDS: dict[str, tuple[type[models.Model], str]] = {
    "bleed": (BleedEpisode, gettext_lazy("Bleed")),
    "infusion": (Infusion, gettext_lazy("Dose")),
    "regimen": (Regimen, gettext_lazy("Regimen")),
    "weight": (WeightMeasurement, gettext_lazy("Weight")),
    "lot": (StockLot, gettext_lazy("Stock lot")),
}
# Who logged it is the change's own "who"; the patient is the page's.
_NOT_SHOWN = {"id", "patient", "created_by", "created_at"}
# The names of the fields that have no verbose name of their own (Django would
# show "given by", untranslated), as a line of changes names them: "Reason: …".
_FIELD_NAMES = {
    "site": gettext_lazy("Site"),
    "side": gettext_lazy("Side"),
    "cause": gettext_lazy("Cause"),
    "severity": gettext_lazy("Severity"),
    "notes": gettext_lazy("Notes"),
    "product": gettext_lazy("Product"),
    "lot": gettext_lazy("Lot"),
    "dose": gettext_lazy("Dose"),
    "reason": gettext_lazy("Reason"),
    "bleed": gettext_lazy("Bleed"),
    "given_by": gettext_lazy("Given by"),
    "schedule": gettext_lazy("Schedule"),
    "weekdays": gettext_lazy("Weekdays"),
    "start_date": gettext_lazy("Start date"),
    "end_date": gettext_lazy("End date"),
    "measured_on": gettext_lazy("Measured on"),
    "lot_number": gettext_lazy("Lot number"),
    "storage": gettext_lazy("Storage"),
    "vials_on_hand": gettext_lazy("Vials on hand"),
    "received_on": gettext_lazy("Received on"),
}


@dataclass
class Change:
    kind: str
    entry_id: int
    at: object  # an aware datetime
    who: str
    action: str  # "created", "changed", "deleted"
    what: str  # the entry as it was then
    details: list[str] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return {"created": gettext("Logged"), "changed": gettext("Changed"), "deleted": gettext("Deleted")}[self.action]


def entry_changes(patient, kind: str, entry_id: int) -> list[Change]:
    """Every change to one entry of the patient, newest first (empty if none)."""
    model, _ = KINDS[kind]
    records = _records(model, patient).filter(id=entry_id).order_by("history_date", "history_id")
    return [change for _, change in reversed(_changes(kind, list(records)))]


def latest_changes(patient, limit: int = LATEST) -> list[Change]:
    """The patient's latest ``limit`` changes to any entry, newest first."""
    found: list[Change] = []
    for kind, (model, _) in KINDS.items():
        recent = list(_records(model, patient).order_by("-history_date", "-history_id")[:limit])
        if not recent:
            continue
        shown = {record.history_id for record in recent}
        # The earlier records of the same entries: each change is told against the one before it.
        earlier = _records(model, patient).filter(id__in={record.id for record in recent}).exclude(history_id__in=shown)
        records = sorted([*earlier, *recent], key=lambda record: (record.history_date, record.history_id))
        found += [change for record, change in _changes(kind, records) if record.history_id in shown]
    found.sort(key=lambda change: change.at, reverse=True)
    return found[:limit]


def _records(model, patient) -> models.QuerySet:
    related = ["history_user"] + (["product"] if model in (Infusion, Regimen, StockLot) else [])
    related += ["created_by"] if model in (BleedEpisode, Infusion) else []
    return model.history.filter(patient_id=patient.pk).select_related(*related)


def _changes(kind: str, records: list) -> list[tuple[object, Change]]:
    """Each record (ordered oldest first) with its change, told against the entry's
    record before it; a save that changed nothing is left out."""
    before: dict[int, object] = {}
    out = []
    for record in records:
        previous = before.get(record.id)
        before[record.id] = record
        details = _differences(previous, record) if previous and record.history_type == "~" else []
        if previous and record.history_type == "~" and not details:
            continue
        out.append(
            (
                record,
                Change(
                    kind=kind,
                    entry_id=record.id,
                    at=record.history_date,
                    who=_who(record),
                    action={"+": "created", "~": "changed", "-": "deleted"}[record.history_type],
                    what=_describe(kind, record),
                    details=details,
                ),
            )
        )
    return out


def _who(record) -> str:
    """Who made the change: the request's user; for an entry written outside a request
    (a background job, an import), who it names as its author, if it does."""
    user = record.history_user or (getattr(record, "created_by", None) if record.history_type == "+" else None)
    return user.display_name if user else gettext("an import or the system")


def _describe(kind: str, record) -> str:
    """The entry as the record has it, from the record's own fields (and its product, read with it)."""
    _, name = KINDS[kind]
    if kind == "bleed":
        what = f"{site_label(record.site, record.side)}, {_shown(record, record._meta.get_field('started_at'))}"
    elif kind == "infusion":
        when = _shown(record, record._meta.get_field("given_at"))
        what = f"{display.number(record.dose)} {record.product.unit} {record.product.brand_name}, {when}"
    elif kind == "regimen":
        what = f"{record.product.brand_name} {display.number(record.dose)} {record.product.unit}"
    elif kind == "weight":
        what = f"{display.number(record.weight_kg)} kg, {_shown(record, record._meta.get_field('measured_on'))}"
    else:
        # Translators: "Advate lot A1234": the product, the lot number printed on the box.
        what = gettext("%(product)s lot %(lot)s") % {"product": record.product.brand_name, "lot": record.lot_number}
    return f"{name}: {what}"


def _differences(old, new) -> list[str]:
    lines = []
    for model_field in new.instance_type._meta.concrete_fields:
        name = model_field.name
        if name in _NOT_SHOWN or not hasattr(new, model_field.attname):
            continue
        if getattr(old, model_field.attname) == getattr(new, model_field.attname):
            continue
        a, b = _shown(old, model_field), _shown(new, model_field)
        if a != b:  # a time saved to the minute again: the same as shown
            label = _FIELD_NAMES.get(name) or capfirst(model_field.verbose_name)
            lines.append(f"{label}: {a} → {b}")
    return lines


def _shown(record, model_field) -> str:
    value = getattr(record, model_field.attname)
    if value in (None, ""):
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        related = getattr(record, model_field.name, None)
        return str(related) if related is not None else "—"
    if isinstance(value, dt.datetime):
        return display.day_and_clock(value)
    if isinstance(value, dt.date):
        return display.day(value)
    if isinstance(value, Decimal):
        return display.number(value)
    return str(value)
