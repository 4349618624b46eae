"""What the bleed and infusion lists show of each entry, prepared in Python
from rows read with everything they show (``select_related``): the template
prints each entry once, as a card on a phone and a table row from lg up."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.text import Truncator

from hemolog.clinical.records import WeightHistory
from hemolog.core.links import link
from hemolog.core.numbers import amount

from .models import BleedEpisode, Infusion

NOTES_CHARS = 300


class Times:
    """Times as the templates' ``date`` filter shows them with "j M Y H:i" and
    "j M H:i", in the current zone: without a formatter object and a
    translation look-up per time."""

    def __init__(self):
        self.tz = timezone.get_current_timezone()
        self.months = {month: str(MONTHS_3[month]).title() for month in range(1, 13)}

    def day_and_time(self, moment: dt.datetime) -> str:
        local = moment.astimezone(self.tz)
        return f"{local.day} {self.months[local.month]} {local.year:04d} {local.hour:02d}:{local.minute:02d}"

    def short(self, moment: dt.datetime) -> str:
        local = moment.astimezone(self.tz)
        return f"{local.day} {self.months[local.month]} {local.hour:02d}:{local.minute:02d}"


class Labels(dict):
    """Display labels worked out once per distinct value on a page."""

    def of(self, key, label: Callable[[], str]) -> str:
        if key not in self:
            self[key] = label()
        return self[key]


def _notes(text: str) -> str:
    """As the ``truncatechars`` filter shows notes; a note that short is never
    cut, and skips the truncator's own set-up and translation look-up."""
    if len(text) <= NOTES_CHARS:
        return unicodedata.normalize("NFC", text)
    return Truncator(text).chars(NOTES_CHARS)


def _logged_by(entry) -> str:
    return entry.created_by.display_name if entry.created_by_id else ""


@dataclass(frozen=True)
class BleedRow:
    pk: int
    site: str  # "Left ankle"
    started: str
    cause: str
    severity: str
    pain: int | None
    resolved: str  # "" while ongoing
    treatments: int
    notes: str
    logged_by: str
    is_head: bool
    edit_url: str
    delete_url: str
    resolve_url: str
    treat_url: str


def bleed_rows(bleeds: Iterable[BleedEpisode], patient_id: int) -> list[BleedRow]:
    """Bleeds read with ``created_by`` and annotated with ``treatments``, the
    number of infusions that treated each."""
    treat = link("logbook:infusion_create", patient_id=patient_id) + "?bleed="
    times, labels = Times(), Labels()
    return [
        BleedRow(
            pk=bleed.pk,
            site=labels.of(("site", bleed.site, bleed.side), lambda b=bleed: b.site_label),
            started=times.day_and_time(bleed.started_at),
            cause=labels.of(("cause", bleed.cause), bleed.get_cause_display),
            severity=labels.of(("severity", bleed.severity), bleed.get_severity_display),
            pain=bleed.pain,
            resolved=times.short(bleed.resolved_at) if bleed.resolved_at else "",
            treatments=bleed.treatments,
            notes=_notes(bleed.notes),
            logged_by=_logged_by(bleed),
            is_head=bleed.is_head,
            edit_url=link("logbook:bleed_edit", patient_id=patient_id, pk=bleed.pk),
            delete_url=link("logbook:bleed_delete", patient_id=patient_id, pk=bleed.pk),
            resolve_url=link("logbook:bleed_resolve", patient_id=patient_id, pk=bleed.pk),
            treat_url=f"{treat}{bleed.pk}",
        )
        for bleed in bleeds
    ]


@dataclass(frozen=True)
class InfusionRow:
    pk: int
    given: str
    dose: str  # "2000 IU"
    product: str  # "Advate"
    per_kg: str  # "50 IU/kg", "" without a weight
    lot_number: str  # "" for a dose not from stock
    lot_url: str
    vials: int
    reason: str
    bleed_site: str  # the bleed it treated, "" if none
    given_by: str
    notes: str
    logged_by: str
    edit_url: str
    delete_url: str


def infusion_rows(infusions: Iterable[Infusion], patient_id: int, weights: WeightHistory[Decimal]) -> list[InfusionRow]:
    """Infusions read with their product, lot, bleed and ``created_by``; the
    dose per kg of the weight on each one's day (:class:`WeightHistory`)."""
    times, labels = Times(), Labels()
    rows = []
    for infusion in infusions:
        unit, bleed = infusion.product.unit, infusion.bleed if infusion.bleed_id else None
        weight = weights.on(infusion.given_at.astimezone(times.tz).date())
        per_kg = (infusion.dose / weight).quantize(Decimal("0.1")) if weight else None
        rows.append(
            InfusionRow(
                pk=infusion.pk,
                given=times.day_and_time(infusion.given_at),
                dose=f"{amount(infusion.dose)} {unit}",
                product=infusion.product.brand_name,
                per_kg=f"{amount(per_kg)} {unit}/kg" if per_kg else "",
                lot_number=infusion.lot.lot_number if infusion.lot_id else "",
                lot_url=link("inventory:lot_detail", patient_id=patient_id, pk=infusion.lot_id)
                if infusion.lot_id
                else "",
                vials=infusion.vials_used,
                reason=labels.of(("reason", infusion.reason), infusion.get_reason_display),
                bleed_site=labels.of(("site", bleed.site, bleed.side), lambda b=bleed: b.site_label) if bleed else "",
                given_by=labels.of(("given by", infusion.given_by), infusion.get_given_by_display),
                notes=_notes(infusion.notes),
                logged_by=_logged_by(infusion),
                edit_url=link("logbook:infusion_edit", patient_id=patient_id, pk=infusion.pk),
                delete_url=link("logbook:infusion_delete", patient_id=patient_id, pk=infusion.pk),
            )
        )
    return rows
