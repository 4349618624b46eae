"""What the new-infusion page shows besides the form's own fields: the lots,
products and bleeds to choose from, the weights (for the dose per kg), the
last dose and the regimen active today, read once per version of the log.

Every change to an entry, a lot, a weight, a regimen or a product moves the
patient's ``data_version`` on (hemolog.patients.signals), so a cached copy is
never stale; the day is in the key for what "usable lot", "active regimen"
and "the last 90 days" mean, the time zone for the bleeds' times (the values
cache adds the language, for the labels). After each
dose the next page reads it afresh: the benchmark shows that page cold too
(docs/speed.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from hemolog.accounts.models import display_name_of
from hemolog.clinical.records import WeightHistory
from hemolog.core import display
from hemolog.core.caching import values_cache

from .form_choices import InfusionChoices, choice_querysets
from .models import GivenBy, Reason

PAGE_SECONDS = 60 * 60 * 24


@dataclass(frozen=True)
class InfusionPage:
    choices: InfusionChoices
    weights: WeightHistory[Decimal]
    last: dict | None  # the last dose, as the "Last dose:" line shows it
    regimen: tuple[int, Decimal] | None  # the product and dose of the regimen active today


def infusion_page(patient) -> InfusionPage:
    today, tz = timezone.localdate(), timezone.get_current_timezone()
    key = f"infusion-page:{patient.pk}:{patient.data_version}:{today.isoformat()}:{tz}"
    return values_cache.get_or_set(key, lambda: _read_page(patient, today), PAGE_SECONDS)


def _read_page(patient, today) -> InfusionPage:
    return InfusionPage(
        choices=InfusionChoices.read(*choice_querysets(patient)),
        weights=patient.cached_weight_history(),
        last=_last_infusion(patient),
        regimen=patient.regimens.active_on(today).values_list("product_id", "dose").first(),
    )


def _last_infusion(patient) -> dict | None:
    last = patient.infusions.values(
        "given_at", "given_by", "dose", "product_id", "product__unit", "product__brand_name",
        "created_by__first_name", "created_by__email",
    ).first()  # fmt: skip
    if last is None:
        return None
    return {
        "given_at": last["given_at"],
        "given_by": last["given_by"],
        "product_id": last["product_id"],
        "dose": f"{display.number(last['dose'])} {last['product__unit']} {last['product__brand_name']}",
        "logged_by": display_name_of(last["created_by__first_name"], last["created_by__email"]),
    }


def initial(patient, page: InfusionPage, bleed_id: str) -> dict:
    """Pre-fill the usual dose so that logging it is one tap: the current
    regimen's product and dose (else the last dose's product), the
    first-expiring lot of that product holding enough for the dose, and who
    gave the last dose. Coming from a bleed's "Treat" button (``bleed_id``),
    link that bleed if it is the patient's."""
    last = page.last
    product, dose = page.regimen if page.regimen else (last["product_id"] if last else None, None)
    values: dict = {"given_by": last["given_by"] if last else usual_giver(patient, timezone.localdate())}
    if product:
        values["product"] = product
    if dose:
        values["dose"] = dose
    for lot in page.choices.lots:
        if (not product or lot.product_id == product) and lot.holds(dose):
            values["lot"] = lot.pk
            break
    if re.fullmatch(r"[0-9]{1,18}", bleed_id):
        bleed = int(bleed_id)
        listed = any(pk == bleed for pk, _ in page.choices.bleeds)
        if listed or patient.bleeds.filter(pk=bleed).exists():
            values.update(bleed=bleed, reason=Reason.BLEED)
    return values


def usual_giver(patient, today) -> str:
    """A child's dose is given by a parent; an adult's (or unknown age) by himself."""
    if patient.date_of_birth and (today - patient.date_of_birth).days < 16 * 365:
        return GivenBy.CAREGIVER
    return GivenBy.SELF
