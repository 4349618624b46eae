"""Requests racing for the last vials: exactly as many win as there are vials,
and the stock never goes negative. Runs on PostgreSQL in CI (and on SQLite,
which serialises writers)."""

import threading
from decimal import Decimal

import pytest
from django.db import connections
from django.utils import timezone

from hemolog.inventory.models import StockLot
from hemolog.inventory.stock import InsufficientStock
from hemolog.logbook.models import Infusion
from hemolog.logbook.services import record_infusion
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def race(lot: StockLot, racers: int) -> list[str]:
    """Start ``racers`` threads together, each logging a one-vial infusion from ``lot``."""
    barrier = threading.Barrier(racers)
    outcomes: list[str] = []

    def take_one_vial():
        try:
            infusion = Infusion(
                patient=lot.patient,
                given_at=timezone.now(),
                product=lot.product,
                lot=StockLot.objects.get(pk=lot.pk),
                vials_used=1,
                dose=Decimal(1000),
            )
            barrier.wait(timeout=10)
            record_infusion(infusion, user=None)
            outcomes.append("took")
        except InsufficientStock:
            outcomes.append("refused")
        finally:
            connections.close_all()  # each thread has its own connection

    threads = [threading.Thread(target=take_one_vial) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_infusions_racing_for_the_last_vial():
    lot = factories.make_lot(factories.make_patient(display_name="Racer"), vials=1)
    assert sorted(race(lot, 2)) == ["refused", "took"]
    lot.refresh_from_db()
    assert lot.vials_on_hand == 0
    assert sum(lot.movements.values_list("vials", flat=True)) == 0
    assert Infusion.objects.filter(lot=lot).count() == 1


def test_six_racers_for_three_vials():
    lot = factories.make_lot(factories.make_patient(display_name="Crowd"), vials=3)
    outcomes = race(lot, 6)
    assert sorted(outcomes) == ["refused"] * 3 + ["took"] * 3
    lot.refresh_from_db()
    assert lot.vials_on_hand == 0
    assert Infusion.objects.filter(lot=lot).count() == 3
