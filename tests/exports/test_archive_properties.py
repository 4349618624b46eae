"""Property test of the personal archive (Hypothesis): for generated households
(profiles, weights, own products, regimens, bleeds, stock lots with doses from
them and other ledger lines, doses given elsewhere), exporting, restoring into a
fresh account and exporting again gives the same archive.

Each example builds its household inside a savepoint that is rolled back after
it, so the examples share the test's database but none of its rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hemolog.exports import archive
from hemolog.inventory.models import DoseUnit, HalfLifeClass, Product, ProductKind, StockLot, StockMovement
from hemolog.inventory.stock import move_stock, receive_lot
from hemolog.logbook.forms import MAX_DOSE
from hemolog.logbook.models import Infusion, ScheduleKind
from hemolog.logbook.services import record_infusion
from hemolog.patients.models import HemophiliaType, InhibitorStatus, Patient, Severity
from tests import factories

from .archive_helpers import comparable, differences
from .log_examples import NOTES, SPAN_MINUTES, START, doses, logs, rolled_back, write_log

LINE = st.text(alphabet=st.characters(exclude_categories=("Cs", "Cc")), max_size=20).map(str.strip)
NAME = LINE.filter(bool)
FIRST_DAY, LAST_DAY = START.date(), (START + dt.timedelta(minutes=SPAN_MINUTES)).date()


def tenths(low: int, high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(low, high).map(lambda n: Decimal(n).scaleb(-1))


def hundredths(low: int, high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(low, high).map(lambda n: Decimal(n).scaleb(-2))


def draw_patient(data, owner) -> Patient:
    patient = factories.make_patient(
        owner=owner,
        weight_kg=None,
        display_name=data.draw(NAME),
        date_of_birth=data.draw(st.none() | st.dates(dt.date(1950, 1, 1), FIRST_DAY - dt.timedelta(days=2))),
        hemophilia_type=data.draw(st.sampled_from(HemophiliaType.values)),
        baseline_factor_level=data.draw(st.none() | hundredths(0, 4000)),
        severity=data.draw(st.sampled_from(Severity.values)),
        inhibitor_status=data.draw(st.sampled_from(InhibitorStatus.values)),
        treatment_centre=data.draw(LINE),
        half_life_hours=data.draw(st.none() | tenths(10, 2000)),
        recovery=data.draw(st.none() | hundredths(10, 500)),
    )
    for day in data.draw(st.lists(st.dates(FIRST_DAY, LAST_DAY), unique=True, max_size=3)):
        patient.weights.create(measured_on=day, weight_kg=data.draw(tenths(10, 2500)))
    return patient


def draw_own_product(data, patient: Patient) -> Product | None:
    if not data.draw(st.booleans()):
        return None
    kind = data.draw(st.sampled_from(ProductKind.values))
    return Product.objects.create(
        patient=patient,
        brand_name=data.draw(NAME),
        generic_name=data.draw(LINE),
        kind=kind,
        half_life_class=data.draw(st.sampled_from(HalfLifeClass.values)),
        default_half_life_hours=data.draw(st.none() | tenths(10, 2000)),
        default_recovery=data.draw(
            st.none() | hundredths(11, 500)
        ),  # the model checks 0.1 as a float, which 0.10 is below
        unit=DoseUnit.MG if kind == ProductKind.EMICIZUMAB else data.draw(st.sampled_from(DoseUnit.values)),
        vial_sizes=data.draw(st.sampled_from(["", "250, 500, 1000", "60"])),
    )


def draw_regimens(data, patient: Patient, products: list[Product]) -> None:
    """Up to two regimens, one after the other; the second may still run."""
    day = FIRST_DAY
    for n in range(data.draw(st.integers(0, 2))):
        start = day + dt.timedelta(days=data.draw(st.integers(0, 200)))
        end = start + dt.timedelta(days=data.draw(st.integers(0, 300)))
        schedule = data.draw(st.sampled_from(ScheduleKind.values))
        days = data.draw(st.sets(st.sampled_from("0123456"), min_size=1)) if schedule == ScheduleKind.WEEKDAYS else ""
        product = data.draw(st.sampled_from(products))
        patient.regimens.create(
            product=product,
            dose=data.draw(doses(product.unit)),
            schedule=schedule,
            interval_days=data.draw(st.integers(1, 60)) if schedule == ScheduleKind.EVERY_N_DAYS else None,
            weekdays="".join(sorted(days)),
            start_date=start,
            end_date=None if n == 1 and data.draw(st.booleans()) else end,
            notes=data.draw(LINE),
        )
        day = end + dt.timedelta(days=1)


def draw_lot(data, patient: Patient, products: list[Product], owner) -> None:
    """A lot received, doses taken from it within its dates, and perhaps vials discarded."""
    received = data.draw(st.dates(FIRST_DAY, LAST_DAY - dt.timedelta(days=40)))
    lot = receive_lot(
        StockLot(
            patient=patient,
            product=data.draw(st.sampled_from(products)),
            lot_number=data.draw(NAME),
            vial_size=data.draw(st.integers(1, 3000)),
            expires_on=received + dt.timedelta(days=data.draw(st.integers(30, 1000))),
            storage=data.draw(LINE),
            received_on=received,
        ),
        data.draw(st.integers(1, 20)),
        user=data.draw(st.sampled_from([owner, None])),
    )
    for _ in range(data.draw(st.integers(0, 3))):
        if not lot.vials_on_hand:
            break
        vials = data.draw(st.integers(1, lot.vials_on_hand))
        limit = min(vials * lot.vial_size, MAX_DOSE[lot.product.unit])
        day = received + dt.timedelta(days=data.draw(st.integers(1, 28)))
        given_at = dt.datetime.combine(day, dt.time(data.draw(st.integers(0, 23))), tzinfo=dt.UTC)
        infusion = Infusion(
            patient=patient,
            given_at=given_at,
            product=lot.product,
            lot=lot,
            vials_used=vials,
            dose=data.draw(tenths(1, int(limit * 10))),
            notes=data.draw(NOTES),
        )
        record_infusion(infusion, data.draw(st.sampled_from([owner, None])))
        lot.refresh_from_db()
    if lot.vials_on_hand and data.draw(st.booleans()):
        move_stock(lot, -1, StockMovement.Kind.DISCARDED, reason=data.draw(LINE), user=owner)


@pytest.mark.django_db
@given(data=st.data())
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_restored_archive_exports_as_the_same_archive(data):
    with rolled_back():
        owner = factories.make_user("family@example.org")
        for _ in range(data.draw(st.integers(1, 2), label="patients")):
            patient = draw_patient(data, owner)
            own = draw_own_product(data, patient)
            products = [factories.product("Advate"), factories.product("Hemlibra"), *([own] if own else [])]
            draw_regimens(data, patient, products)
            write_log(patient, *data.draw(logs(max_entries=4)))
            for _ in range(data.draw(st.integers(0, 2))):
                draw_lot(data, patient, products, owner)
        first = archive.build_archive(owner)

        newcomer = factories.make_user("new@example.org")
        restored = archive.restore_archive(archive.archive_json(first), newcomer)
        assert len(restored) == len(first.patients)
        second = archive.build_archive(newcomer)
        before, after = comparable(first.model_dump(mode="json")), comparable(second.model_dump(mode="json"))
        assert after == before, differences(before, after)[:5]
