"""What the infusion form tests post, and the stock they check."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from hemolog.inventory.models import StockLot, StockMovement
from tests.assertions import as_input


def infusion_data(**overrides) -> dict:
    data = {
        "given_at": as_input(timezone.now() - dt.timedelta(hours=1)),
        "lot": "",
        "product": "",
        "dose": "1000",
        "vials_used": "",
        "reason": "PROPHYLAXIS",
        "bleed": "",
        "given_by": "SELF",
        "notes": "Left arm, easy stick",
    }
    data.update({key: str(value) for key, value in overrides.items()})
    return data


def stock_state(*lots: StockLot) -> tuple:
    """Vials on hand per lot as stored, plus the number of ledger lines."""
    counts = tuple(StockLot.objects.get(pk=lot.pk).vials_on_hand for lot in lots)
    return counts, StockMovement.objects.count()
