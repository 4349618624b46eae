"""Stock ledger writes. Every change of a lot's vial count goes through here."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils.translation import ngettext

from .models import StockLot, StockMovement


class InsufficientStock(Exception):
    """The lot does not hold enough vials for this movement."""


@transaction.atomic
def move_stock(
    lot: StockLot,
    vials: int,
    kind: str,
    *,
    reason: str = "",
    infusion=None,
    user=None,
) -> StockMovement:
    """Add (positive) or take (negative) vials and write the ledger line.

    The count changes in one conditional UPDATE, so two requests racing for
    the last vial cannot both win: the database re-checks the condition on the
    locked row, and the CheckConstraint refuses a negative count regardless.
    """
    if vials == 0:
        raise ValueError("A stock movement must change the count.")
    rows = StockLot.objects.filter(pk=lot.pk)
    if vials < 0:
        rows = rows.filter(vials_on_hand__gte=-vials)
    if rows.update(vials_on_hand=F("vials_on_hand") + vials) != 1:
        text = ngettext(
            "Lot %(lot)s does not have %(count)s vial left.", "Lot %(lot)s does not have %(count)s vials left.", -vials
        )
        raise InsufficientStock(text % {"lot": lot.lot_number, "count": -vials})
    movement = StockMovement.objects.create(
        lot=lot, kind=kind, vials=vials, reason=reason, infusion=infusion, created_by=user
    )
    lot.refresh_from_db(fields=["vials_on_hand"])
    return movement


@transaction.atomic
def receive_lot(lot: StockLot, vials: int, *, user=None) -> StockLot:
    """Save a new lot and record the vials received into it."""
    lot.vials_on_hand = 0
    lot.save()
    move_stock(lot, vials, StockMovement.Kind.RECEIVED, user=user)  # the kind says it: no reason
    return lot
