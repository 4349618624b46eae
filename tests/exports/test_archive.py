"""The full personal archive: export → import into a fresh account → export
again gives the same file; a bad file is refused with a message and nothing
is saved."""

import copy
import datetime as dt
import json
from collections import Counter
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hemolog.exports import archive
from hemolog.exports.forms import MAX_ARCHIVE_BYTES
from hemolog.inventory.models import Product, StockLot, StockMovement
from hemolog.inventory.stock import move_stock, receive_lot
from hemolog.logbook import services
from hemolog.logbook.models import BleedEpisode, Infusion, Regimen
from hemolog.patients.models import AccessEvent, Patient, PatientAccess, WeightMeasurement
from tests import factories

from .helpers import export_url

IMPORT_URL = reverse("exports:archive_import")
MODELS = (Patient, PatientAccess, WeightMeasurement, Product, Regimen, BleedEpisode, StockLot, StockMovement, Infusion)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


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


def download_archive(client, patient) -> dict:
    response = client.post(export_url("archive_export", patient))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="hemolog-archive_')
    return json.loads(response.content)


def upload(client, content: bytes, name: str = "archive.json"):
    return client.post(IMPORT_URL, {"archive": SimpleUploadedFile(name, content, "application/json")})


def comparable(data: dict) -> dict:
    data = copy.deepcopy(data)
    del data["exported_at"], data["account"]
    return data


def test_the_archive_round_trips_into_a_fresh_account(client, household):
    owned = archive.owned_patients(household)
    client.force_login(household)
    first = download_archive(client, owned[0])
    assert first["format"] == "hemolog-archive" and first["version"] == 1
    assert [p["display_name"] for p in first["patients"]] == ["Leo", "Mia"]
    mia = first["patients"][1]
    assert mia["own_products"][0]["brand_name"] == "Trial FIX"
    assert [line["kind"] for line in mia["lots"][0]["ledger"]] == ["RECEIVED", "DISCARDED", "USED", "USED", "RETURNED"]
    assert mia["infusions"][1]["bleed"] == mia["bleeds"][0]["key"]

    newcomer = factories.make_user("new@example.org")
    client.force_login(newcomer)
    response = upload(client, json.dumps(first).encode())
    assert response.status_code == 302, response.content.decode()[:2000]
    restored = archive.owned_patients(newcomer)
    assert [p.display_name for p in restored] == ["Leo", "Mia"]
    second = download_archive(client, restored[0])
    assert comparable(second) == comparable(first)

    # The stock counts are the ledgers' sums, and match the originals.
    for before, after in zip(owned, restored, strict=True):
        for old_lot, new_lot in zip(before.stock_lots.order_by("pk"), after.stock_lots.order_by("pk"), strict=True):
            assert new_lot.vials_on_hand == old_lot.vials_on_hand
            assert new_lot.vials_on_hand == sum(new_lot.movements.values_list("vials", flat=True))
    # Nobody else's access came along, and the own product belongs to the restored child.
    assert set(PatientAccess.objects.filter(patient__in=restored).values_list("user", "role")) == {
        (newcomer.pk, "OWNER")
    }
    assert Product.objects.get(brand_name="Trial FIX", patient=restored[1]).lots.count() == 1


def test_the_archive_export_is_recorded_once_per_patient(client, household):
    client.force_login(household)
    download_archive(client, archive.owned_patients(household)[1])
    events = AccessEvent.objects.filter(action="EXPORT").values_list("patient__display_name", "what", "user")
    assert sorted(events) == [
        ("Leo", "full personal archive", household.pk),
        ("Mia", "full personal archive", household.pk),
    ]


def test_the_archive_page_lists_what_it_holds(client, household):
    client.force_login(household)
    response = client.get(export_url("archive_export", archive.owned_patients(household)[0]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Leo" in html and "Mia" in html and "Download the archive" in html
    assert not AccessEvent.objects.exists()  # looking is not exporting


def test_another_familys_patient_the_owner_cares_for_is_not_in_it(client, household, stranger):
    theirs = stranger.patient_access.get().patient
    factories.grant(household, theirs, PatientAccess.Role.CAREGIVER)
    client.force_login(household)
    data = download_archive(client, archive.owned_patients(household)[0])
    assert [p["display_name"] for p in data["patients"]] == ["Leo", "Mia"]


@pytest.fixture
def good_archive(household) -> dict:
    return archive.build_archive(household)


@pytest.fixture
def newcomer(client, db):
    user = factories.make_user("new@example.org")
    client.force_login(user)
    return user


def broken(data: dict, change) -> bytes:
    data = copy.deepcopy(data)
    change(data)
    return json.dumps(data).encode()


def set_in(path, value):
    def change(data):
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return change


def delete_in(path):
    def change(data):
        node = data
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return change


MIA = ("patients", 1)
BAD_FILES = {
    "not json": (lambda data: b"{'this': is not json", "The file is not valid JSON"),
    "not utf-8": (lambda data: b"\xff\xfe\x00garbage\x81", "not UTF-8"),
    "nan": (lambda data: b'{"format": "hemolog-archive", "version": 1, "x": NaN}', "not valid JSON"),
    "deep": (lambda data: b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
    "not an archive": (lambda data: b'{"hello": "world"}', "This is not a Hemolog archive"),
    "a list": (lambda data: b"[1, 2, 3]", "This is not a Hemolog archive"),
    "wrong version": (lambda data: broken(data, set_in(("version",), 2)), "format version 2"),
    "no patient": (lambda data: broken(data, set_in(("patients",), [])), "The archive holds no patient."),
    "ledger does not add up": (
        lambda data: broken(data, set_in((*MIA, "lots", 0, "vials_on_hand"), 99)),
        "its ledger adds up to 9 vials, but it says 99 are on hand.",
    ),
    "dangling bleed": (
        lambda data: broken(data, set_in((*MIA, "infusions", 1, "bleed"), "bleed-77")),
        "no bleed of this patient has the key “bleed-77”",
    ),
    "dangling lot": (
        lambda data: broken(data, set_in((*MIA, "infusions", 1, "lot"), "lot-9")),
        "no lot of this patient has the key “lot-9”",
    ),
    "unknown site": (
        lambda data: broken(data, set_in((*MIA, "bleeds", 0, "site"), "ELBOWS")),
        "Value &#x27;ELBOWS&#x27; is not a valid choice.",
    ),
    "resolved before it started": (
        lambda data: broken(data, set_in((*MIA, "bleeds", 0, "resolved_at"), "2001-01-01T00:00:00+00:00")),
        "resolved before it started.",
    ),
    "a time without offset": (
        lambda data: broken(data, set_in((*MIA, "bleeds", 0, "started_at"), "2025-01-01T10:00:00")),
        "must be a time with its offset",
    ),
    "a field missing": (
        lambda data: broken(data, delete_in((*MIA, "infusions", 0, "dose"))),
        "“dose” is missing.",
    ),
    "an unknown field": (
        lambda data: broken(data, set_in((*MIA, "infusions", 0, "colour"), "red")),
        "unknown field(s) colour.",
    ),
    "a number as a float": (
        lambda data: broken(data, set_in((*MIA, "infusions", 0, "dose"), 63.0)),
        "must be a number written as text",
    ),
    "a zero dose": (
        lambda data: broken(data, set_in((*MIA, "infusions", 0, "dose"), "0")),
        "the dose must be more than 0.",
    ),
    "a lot of another product": (
        lambda data: broken(data, set_in((*MIA, "infusions", 1, "product"), {"catalogue": "Advate"})),
        "its lot is of another product.",
    ),
    "an unknown catalogue product": (
        lambda data: broken(data, set_in((*MIA, "regimens", 1, "product"), {"catalogue": "Nope"})),
        "“Nope” is not in this Hemolog&#x27;s catalogue.",
    ),
    "overlapping regimens": (
        lambda data: broken(data, set_in((*MIA, "regimens", 0, "end_date"), None)),
        "two regimens overlap",
    ),
    "a weight out of range": (
        lambda data: broken(data, set_in((*MIA, "weights", 0, "weight_kg"), "999.0")),
        "“weight_kg”",
    ),
    "a year-1 date": (
        lambda data: broken(data, set_in((*MIA, "date_of_birth"), "0001-01-01")),
        "is outside 1900–2099.",
    ),
    "a NUL in a note": (
        lambda data: broken(data, set_in((*MIA, "bleeds", 0, "notes"), "a\x00b")),
        "contains a NUL character.",
    ),
    "weekdays that are not weekdays": (
        lambda data: broken(data, set_in((*MIA, "regimens", 0, "weekdays"), "0x9")),
        "“weekdays” holds the weekday numbers 0 (Monday) to 6",
    ),
    "a boolean as a number": (
        lambda data: broken(data, set_in((*MIA, "lots", 0, "vial_size"), True)),
        "must be a whole number.",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_is_refused_with_a_message_and_nothing_is_saved(client, good_archive, newcomer, case):
    make, message = BAD_FILES[case]
    before = counts()
    response = upload(client, make(good_archive))
    assert response.status_code == 422
    html = response.content.decode()
    assert "Nothing was imported." in html
    assert message in html, html[html.find("invalid-feedback") - 200 :][:3000]
    assert counts() == before
    assert not archive.owned_patients(newcomer)


def test_the_good_archive_of_these_cases_does_import(client, good_archive, newcomer):
    """The cases above are refused for what they change, not for something else."""
    assert upload(client, json.dumps(good_archive).encode()).status_code == 302
    assert len(archive.owned_patients(newcomer)) == 2


def test_a_huge_file_is_refused_before_it_is_read(client, newcomer):
    response = upload(client, b" " * (MAX_ARCHIVE_BYTES + 1))
    assert response.status_code == 422
    assert "an archive can be at most 20 MB" in response.content.decode()
    assert not archive.owned_patients(newcomer)


def test_an_empty_upload_is_refused(client, newcomer):
    response = upload(client, b"")
    assert response.status_code == 422
    assert "The submitted file is empty." in response.content.decode()


def test_an_account_that_owns_patients_is_refused(client, good_archive, household):
    client.force_login(household)
    before = counts()
    page = client.get(IMPORT_URL)
    assert "This account owns patients already." in page.content.decode()
    response = upload(client, json.dumps(good_archive).encode())
    assert response.status_code == 422
    assert "An archive is restored into a fresh account" in response.content.decode()
    assert counts() == before


def test_importing_the_same_archive_twice_restores_it_once(client, good_archive, newcomer):
    assert upload(client, json.dumps(good_archive).encode()).status_code == 302
    assert upload(client, json.dumps(good_archive).encode()).status_code == 422
    assert len(archive.owned_patients(newcomer)) == 2


def test_entries_logged_by_someone_else_are_restored_as_unknown(client, household, caregiver):
    leo = archive.owned_patients(household)[0]
    BleedEpisode.objects.create(
        patient=leo,
        started_at=timezone.now() - dt.timedelta(days=1),
        site="NOSE",
        cause="UNKNOWN",
        severity="MILD",
        created_by=caregiver,
    )
    data = archive.build_archive(household)
    logged = {b["logged_by"] for b in data["patients"][0]["bleeds"]}
    assert logged == {None, "caregiver@example.org"}
    newcomer = factories.make_user("new@example.org")
    client.force_login(newcomer)
    assert upload(client, json.dumps(data).encode()).status_code == 302
    restored = archive.owned_patients(newcomer)[0]
    assert not restored.bleeds.exclude(created_by=None).exists()


def test_the_import_page_shows_the_form(client, newcomer):
    response = client.get(IMPORT_URL)
    assert response.status_code == 200
    assert 'type="file"' in response.content.decode()


def leaves(node, path=()):
    """Paths to every value of one patient's archive, taking the first item of each list."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, (*path, key))
    elif isinstance(node, list) and node:
        yield (*path, 0)
        yield from leaves(node[0], (*path, 0))
    else:
        yield path


def test_no_value_of_any_type_anywhere_breaks_the_import(good_archive, newcomer):
    """Every field of Mia's part replaced by each kind of wrong value: the
    import either restores it or refuses it with ArchiveError, never anything else."""
    mia = good_archive["patients"][1]
    wrong_values = [None, -1, "x", [], True, {"own": "product-1"}]
    outcomes = Counter()
    for path in leaves(mia):
        for value in wrong_values:
            data = copy.deepcopy(good_archive)
            node = data["patients"][1]
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = value
            try:
                with transaction.atomic():
                    archive.restore_archive(json.dumps(data).encode(), newcomer)
                    outcomes["restored"] += 1
                    raise _Rollback
            except archive.ArchiveError:
                outcomes["refused"] += 1
            except _Rollback:
                pass
    assert outcomes["refused"] > 200 and outcomes["restored"] > 10, outcomes
    assert not archive.owned_patients(newcomer)


class _Rollback(Exception):
    pass
