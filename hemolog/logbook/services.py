"""Writes that touch the log and the stock together, each in one transaction."""

from __future__ import annotations

from django.db import transaction

from hemolog.inventory.models import StockLot, StockMovement
from hemolog.inventory.stock import move_stock

from .models import Infusion


def _take(infusion: Infusion, user) -> None:
    if infusion.lot_id and infusion.vials_used:
        move_stock(
            infusion.lot,
            -infusion.vials_used,
            StockMovement.Kind.USED,
            reason=f"Infusion on {infusion.given_at:%Y-%m-%d}",
            infusion=infusion,
            user=user,
        )


def _put_back(lot_id: int | None, vials: int, infusion: Infusion | None, reason: str, user) -> None:
    if lot_id and vials:
        lot = StockLot.objects.get(pk=lot_id)
        move_stock(lot, vials, StockMovement.Kind.RETURNED, reason=reason, infusion=infusion, user=user)


@transaction.atomic
def record_infusion(infusion: Infusion, user) -> Infusion:
    """Save a new infusion and take its vials from the lot (raises InsufficientStock)."""
    infusion.created_by = user
    infusion.save()
    _take(infusion, user)
    return infusion


@transaction.atomic
def update_infusion(infusion: Infusion, previous_lot_id: int | None, previous_vials: int, user) -> Infusion:
    """Save an edited infusion; when its lot or vial count changed, return the
    old vials to their lot and take the new ones."""
    infusion.save()
    if (previous_lot_id, previous_vials) != (infusion.lot_id, infusion.vials_used):
        _put_back(previous_lot_id, previous_vials, infusion, "Infusion edited", user)
        _take(infusion, user)
    return infusion


@transaction.atomic
def delete_infusion(infusion: Infusion, user) -> None:
    """Delete an infusion and put its vials back into the lot."""
    _put_back(infusion.lot_id, infusion.vials_used, None, f"Infusion of {infusion.given_at:%Y-%m-%d} deleted", user)
    infusion.delete()
