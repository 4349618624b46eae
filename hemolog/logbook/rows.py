"""What the bleed and infusion lists show of each entry, prepared in Python
from plain values read in one query with everything they show (``FIELDS``:
a page of model instances with their related objects cost three times the
query itself): the template prints each entry once, as a card on a phone and
a table row from lg up."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.text import Truncator

from hemolog.accounts.models import display_name_of
from hemolog.clinical.records import WeightHistory
from hemolog.core import display
from hemolog.core.links import entry_links, link
from hemolog.core.times import Times

from .models import BleedSeverity, Cause, GivenBy, Reason, Site, site_label

# What a row reads, for ``QuerySet.values()``; the bleed list adds ``treatments``.
BLEED_FIELDS = (
    "pk",
    "site",
    "side",
    "started_at",
    "resolved_at",
    "cause",
    "severity",
    "pain",
    "notes",
    "created_by__first_name",
    "created_by__email",
)
INFUSION_FIELDS = (
    "pk",
    "given_at",
    "dose",
    "product__unit",
    "product__brand_name",
    "lot_id",
    "lot__lot_number",
    "vials_used",
    "reason",
    "bleed__site",
    "bleed__side",
    "given_by",
    "notes",
    "created_by__first_name",
    "created_by__email",
)

NOTES_CHARS = 300


def _notes(text: str) -> str:
    """As the ``truncatechars`` filter shows notes; a note that short is never
    cut, and skips the truncator's own set-up and translation look-up."""
    if len(text) <= NOTES_CHARS:
        return unicodedata.normalize("NFC", text)
    return Truncator(text).chars(NOTES_CHARS)


def _logged_by(values: Mapping) -> str:
    """As ``User.display_name``; "" for an entry whose author is gone."""
    return display_name_of(values["created_by__first_name"], values["created_by__email"])


def _labels(choices) -> dict[str, str]:
    """A TextChoices' labels in the active language, looked up once per page."""
    return {value: str(label) for value, label in choices.choices}


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


def bleed_rows(bleeds: Iterable[Mapping], patient_id: int) -> list[BleedRow]:
    """Bleeds as ``values(*BLEED_FIELDS, "treatments")``, ``treatments`` the
    number of infusions that treated each (None for none)."""
    treat = link("logbook:infusion_create", patient_id=patient_id) + "?bleed="
    times = Times()
    edit, delete = entry_links("logbook:bleed_edit", patient_id), entry_links("logbook:bleed_delete", patient_id)
    resolve = entry_links("logbook:bleed_resolve", patient_id)
    causes, severities = _labels(Cause), _labels(BleedSeverity)
    rows = []
    for bleed in bleeds:
        pk, site, side = bleed["pk"], bleed["site"], bleed["side"]
        rows.append(
            BleedRow(
                pk=pk,
                site=site_label(site, side),
                started=times.day_and_time(bleed["started_at"]),
                cause=causes.get(bleed["cause"], bleed["cause"]),
                severity=severities.get(bleed["severity"], bleed["severity"]),
                pain=bleed["pain"],
                resolved=times.short(bleed["resolved_at"]) if bleed["resolved_at"] else "",
                treatments=bleed["treatments"] or 0,  # None: no infusion treated it
                notes=_notes(bleed["notes"]),
                logged_by=_logged_by(bleed),
                is_head=site == Site.HEAD,
                edit_url=edit(pk),
                delete_url=delete(pk),
                resolve_url=resolve(pk),
                treat_url=f"{treat}{pk}",
            )
        )
    return rows


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


def infusion_rows(infusions: Iterable[Mapping], patient_id: int, weights: WeightHistory[Decimal]) -> list[InfusionRow]:
    """Infusions as ``values(*INFUSION_FIELDS)``; the dose per kg of the
    weight on each one's day (:class:`WeightHistory`)."""
    times = Times()
    edit, delete = entry_links("logbook:infusion_edit", patient_id), entry_links("logbook:infusion_delete", patient_id)
    lot_link = entry_links("inventory:lot_detail", patient_id)
    reasons, givers = _labels(Reason), _labels(GivenBy)
    rows = []
    for infusion in infusions:
        pk, unit, given_at, dose = infusion["pk"], infusion["product__unit"], infusion["given_at"], infusion["dose"]
        weight = weights.on(given_at.astimezone(times.tz).date())
        per_kg = (dose / weight).quantize(Decimal("0.1")) if weight else None
        site, side = infusion["bleed__site"], infusion["bleed__side"]
        rows.append(
            InfusionRow(
                pk=pk,
                given=times.day_and_time(given_at),
                dose=f"{display.number(dose)} {unit}",
                product=infusion["product__brand_name"],
                per_kg=f"{display.number(per_kg)} {unit}/kg" if per_kg else "",
                lot_number=infusion["lot__lot_number"] or "",
                lot_url=lot_link(infusion["lot_id"]) if infusion["lot_id"] else "",
                vials=infusion["vials_used"],
                reason=reasons.get(infusion["reason"], infusion["reason"]),
                bleed_site=site_label(site, side) if site else "",
                given_by=givers.get(infusion["given_by"], infusion["given_by"]),
                notes=_notes(infusion["notes"]),
                logged_by=_logged_by(infusion),
                edit_url=edit(pk),
                delete_url=delete(pk),
            )
        )
    return rows
