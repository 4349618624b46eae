"""Two requests racing for the last vials: exactly one wins, stock never goes
negative. Runs on PostgreSQL in CI (and on SQLite, which serialises writers)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from hemolog.inventory.models import StockLot
from hemolog.inventory.stock import InsufficientStock
from hemolog.logbook.models import Infusion
from hemolog.logbook.services import record_infusion
from tests import factories


@pytest.mark.django_db(transaction=True)
def test_two_infusions_racing_for_the_last_vial():
    patient = factories.make_patient(display_name="Racer")
    lot = factories.make_lot(patient, vials=1)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def take_last_vial():
        try:
            infusion = Infusion(
                patient=patient,
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
            connections.close_all()

    threads = [threading.Thread(target=take_last_vial) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["refused", "took"]
    lot.refresh_from_db()
    assert lot.vials_on_hand == 0
    assert sum(lot.movements.values_list("vials", flat=True)) == 0
    assert Infusion.objects.filter(lot=lot).count() == 1
    assert connection.vendor in ("postgresql", "sqlite")


@pytest.mark.django_db(transaction=True)
def test_many_racers_never_take_more_than_the_stock():
    patient = factories.make_patient(display_name="Crowd")
    lot = factories.make_lot(patient, vials=3)
    racers = 6
    barrier = threading.Barrier(racers)
    took = []

    def take_one():
        try:
            infusion = Infusion(
                patient=patient,
                given_at=timezone.now(),
                product=lot.product,
                lot=StockLot.objects.get(pk=lot.pk),
                vials_used=1,
                dose=Decimal(1000),
            )
            barrier.wait(timeout=10)
            record_infusion(infusion, user=None)
            took.append(1)
        except InsufficientStock:
            pass
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take_one) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    lot.refresh_from_db()
    assert len(took) == 3
    assert lot.vials_on_hand == 0
    assert Infusion.objects.filter(lot=lot).count() == 3
