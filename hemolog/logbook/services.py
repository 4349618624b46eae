"""Writes that touch the log and the stock together, each in one transaction.

A stock line's reason is kept as written, in the language of the person whose
change wrote it (the ledger is a record of what happened, as they saw it)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext

from hemolog.core import display
from hemolog.inventory.models import StockLot, StockMovement
from hemolog.inventory.stock import move_stock

from .models import Infusion


def _take(infusion: Infusion, user) -> None:
    if infusion.lot_id and infusion.vials_used:
        move_stock(
            infusion.lot,
            -infusion.vials_used,
            StockMovement.Kind.USED,
            reason=gettext("Infusion of %(when)s") % {"when": _day(infusion)},
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
def update_infusion(infusion: Infusion, user) -> Infusion:
    """Save an edited infusion; when its lot or vial count changed, return the
    old vials to their lot and take the new ones.

    The stored row is locked and read again here, so that a double-submitted
    edit moves the vials once: the second one finds nothing left to change.
    Raises Infusion.DoesNotExist when it was deleted meanwhile.
    """
    stored = Infusion.objects.select_for_update().get(pk=infusion.pk)
    infusion.save()
    if (stored.lot_id, stored.vials_used) != (infusion.lot_id, infusion.vials_used):
        _put_back(stored.lot_id, stored.vials_used, infusion, gettext("Infusion edited"), user)
        _take(infusion, user)
    return infusion


@transaction.atomic
def restore_infusion(infusion: Infusion, user) -> Infusion:
    """Save a deleted infusion again (undo), as it was, and take its vials from the
    lot again (raises InsufficientStock when the lot no longer holds them)."""
    infusion.save()
    _take(infusion, user)
    return infusion


@transaction.atomic
def delete_infusion(infusion: Infusion, user) -> bool:
    """Delete an infusion and put its vials back into the lot. Returns False
    when another request deleted it first (its vials are back already)."""
    stored = Infusion.objects.select_for_update().filter(pk=infusion.pk).first()
    if stored is None:
        return False
    _put_back(
        stored.lot_id, stored.vials_used, None, gettext("Infusion of %(when)s deleted") % {"when": _day(stored)}, user
    )
    stored.delete()
    return True


def _day(infusion: Infusion) -> str:
    return display.day_and_clock(infusion.given_at)
