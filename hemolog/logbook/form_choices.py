"""The infusion form's lots, products and bleeds on a page, read as plain
values: the select widgets of model choice fields build a model instance per
choice (with its product) on every render, which cost the form page more than
all its queries. The fields keep their querysets, which check what is posted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from hemolog.core import display
from hemolog.inventory.models import Product, StockLot, lot_label, product_label

from .models import site_label


def choice_querysets(patient, history: bool = False, lot_id: int | None = None, bleed_id: int | None = None):
    """The lots, products and bleeds a dose may name: on a page, the patient's
    usable lots and the bleeds since the day 90 days ago (and the lot and bleed
    the dose names already, ``lot_id`` and ``bleed_id``); for a dose from a
    file (``history``), any of the patient's."""
    lots = StockLot.objects.for_patient(patient).select_related("product")
    bleeds = patient.bleeds.all()
    if not history:
        today = timezone.localdate()
        usable = Q(vials_on_hand__gt=0, expires_on__gte=today)
        if lot_id:
            usable |= Q(pk=lot_id)
        lots = lots.filter(usable)
        since = dt.datetime.combine(today - dt.timedelta(days=90), dt.time(), timezone.get_current_timezone())
        bleeds = bleeds.filter(started_at__gte=since)
        if bleed_id:
            bleeds = bleeds | patient.bleeds.filter(pk=bleed_id)
    return lots, Product.objects.for_patient(patient).usual_first_for(patient), bleeds


@dataclass(frozen=True)
class LotOption:
    pk: int
    product_id: int
    vials_on_hand: int
    vial_size: int
    label: str  # as StockLot.label

    def holds(self, dose: Decimal | None) -> bool:
        return not dose or self.vials_on_hand * self.vial_size >= dose


@dataclass(frozen=True)
class InfusionChoices:
    lots: tuple[LotOption, ...]
    products: tuple[tuple[int, str], ...]
    bleeds: tuple[tuple[int, str], ...]

    @classmethod
    def read(cls, lots, products, bleeds) -> InfusionChoices:
        """From the form's querysets (hemolog.logbook.forms.choice_querysets)."""
        return cls(tuple(lot_options(lots)), tuple(product_choices(products)), tuple(bleed_choices(bleeds)))


def lot_options(lots) -> list[LotOption]:
    """``lots``: a StockLot queryset, in its order (first to expire first)."""
    rows = lots.values_list(
        "pk", "product_id", "vials_on_hand", "vial_size", "product__brand_name", "lot_number", "product__unit",
        "expires_on",
    )  # fmt: skip
    return [
        LotOption(pk, product_id, vials, size, lot_label(brand, number, size, unit, vials, expires))
        for pk, product_id, vials, size, brand, number, unit, expires in rows
    ]


def product_choices(products) -> list[tuple[int, str]]:
    """``products``: a Product queryset; labels as ``str(product)``."""
    return [(pk, product_label(brand, kind)) for pk, brand, kind in products.values_list("pk", "brand_name", "kind")]


def bleed_choices(bleeds) -> list[tuple[int, str]]:
    """``bleeds``: a BleedEpisode queryset; "Left ankle, 3 Nov 18:20" in the current zone
    and the active language."""
    return [
        (pk, f"{site_label(site, side)}, {day_and_clock_this_year(started)}")
        for pk, site, side, started in bleeds.values_list("pk", "site", "side", "started_at")
    ]


def day_this_year(moment: dt.datetime) -> str:
    """ "3 Nov": a recent moment's day without its year, in the current zone, the month
    in the active language."""
    return date_format(timezone.localtime(moment), "j M")


def day_and_clock_this_year(moment: dt.datetime) -> str:
    """ "3 Nov 18:20", as :func:`day_this_year`."""
    return f"{day_this_year(moment)} {display.clock(moment)}"
