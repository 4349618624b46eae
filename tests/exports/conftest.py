"""Fixtures of the export tests: a household whose archive holds every kind of
entry, its archive as a file's JSON, and a fresh account to restore it into."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from hemolog.exports import archive
from hemolog.inventory.models import Product, StockLot, StockMovement
from hemolog.inventory.stock import move_stock, receive_lot
from hemolog.logbook import services
from hemolog.logbook.models import BleedEpisode, Infusion
from tests import factories

from .csv_import_helpers import Importer


@pytest.fixture
def household(owner, log, lot):
    """Two children: Leo (the ``log`` fixture, from the shared catalogue) and
    Mia, with a product the family added, its lot, a discarded vial, an
    infusion deleted after it was logged, a dose from the lot of another
    day, emicizumab without a lot, and entries logged by the owner."""
    mia = factories.make_patient(
        owner=owner,
        display_name="Mia",
        date_of_birth=dt.date(2018, 3, 2),
        hemophilia_type="B",
        baseline_factor_level=Decimal("2.5"),
        inhibitor_status="HISTORY",
        treatment_centre="St Elsewhere",
        half_life_hours=Decimal("80.5"),
        recovery=Decimal("1.10"),
    )
    mia.weights.create(measured_on=timezone.localdate() - dt.timedelta(days=10), weight_kg=Decimal("21.4"))
    own = Product.objects.create(
        brand_name="Trial FIX",
        generic_name="study drug",
        kind="FIX",
        half_life_class="EHL",
        default_half_life_hours=Decimal("90.0"),
        default_recovery=Decimal("1.20"),
        unit="IU",
        vial_sizes="500, 1000",
        patient=mia,
    )
    factories.make_regimen(
        mia,
        product=own,
        dose=Decimal("500.0"),
        schedule="WEEKDAYS",
        interval_days=None,
        weekdays="03",
        notes="Mon and Thu",
        start_date=timezone.localdate() - dt.timedelta(days=200),
        end_date=timezone.localdate() - dt.timedelta(days=101),
    )
    factories.make_regimen(
        mia,
        product=factories.product("Hemlibra"),
        dose=Decimal("63.0"),
        schedule="EVERY_4_WEEKS",
        interval_days=None,
        start_date=timezone.localdate() - dt.timedelta(days=100),
    )
    trial_lot = receive_lot(
        StockLot(
            patient=mia,
            product=own,
            vial_size=500,
            lot_number="=TRIAL-7",
            storage="fridge",
            expires_on=timezone.localdate() + dt.timedelta(days=300),
            received_on=timezone.localdate() - dt.timedelta(days=30),
        ),
        12,
        user=owner,
    )
    move_stock(trial_lot, -1, StockMovement.Kind.DISCARDED, reason="Dropped", user=owner)
    bleed = BleedEpisode.objects.create(
        patient=mia,
        started_at=timezone.now() - dt.timedelta(days=9),
        resolved_at=timezone.now() - dt.timedelta(days=7),
        site="ILIOPSOAS",
        side="R",
        cause="POST_PROCEDURE",
        severity="SEVERE",
        pain=9,
        notes="Groin — ouch ✓",
        created_by=owner,
    )
    BleedEpisode.objects.create(
        patient=mia, started_at=timezone.now() - dt.timedelta(days=3), site="MOUTH", cause="UNKNOWN", severity="MILD"
    )
    treated = factories.make_infusion(
        mia,
        days_ago=9,
        lot=trial_lot,
        vials=2,
        product=own,
        dose=Decimal("1000.0"),
        reason="BLEED",
        bleed=bleed,
        given_by="CAREGIVER",
        notes="Two vials",
    )
    gone = factories.make_infusion(mia, days_ago=8, lot=trial_lot, vials=1, product=own, dose=Decimal("500.0"))
    services.delete_infusion(gone, owner)
    services.record_infusion(
        Infusion(
            patient=mia,
            given_at=timezone.now() - dt.timedelta(days=20),
            product=factories.product("Hemlibra"),
            dose=Decimal("63.0"),
            reason="PROPHYLAXIS",
            given_by="NURSE",
        ),
        owner,
    )
    assert treated.pk and trial_lot.movements.count() == 5  # received, discarded, used ×2, returned
    return owner


@pytest.fixture
def importer(client_for, owner, patient):
    return Importer(client_for(owner), patient)


@pytest.fixture
def good_archive(household) -> dict:
    """The household's archive, as the JSON of a downloaded file."""
    return archive.build_archive(household).model_dump(mode="json")


@pytest.fixture
def newcomer(client, db):
    user = factories.make_user("new@example.org")
    client.force_login(user)
    return user
