"""The full personal archive: export → import into a fresh account → export
again gives the same file; who may export and import, and what is in it."""

import datetime as dt
import json

from django.utils import timezone

from hemolog.exports import archive
from hemolog.exports.forms import MAX_ARCHIVE_BYTES
from hemolog.inventory.models import Product
from hemolog.logbook.models import BleedEpisode
from hemolog.patients.models import AccessEvent, PatientAccess
from tests import factories
from tests.conftest import log_in

from .archive_helpers import IMPORT_URL, comparable, counts, download_archive, restore, upload
from .helpers import export_url


def test_the_archive_round_trips_into_a_fresh_account(client, household):
    owned = archive.owned_patients(household)
    log_in(client, household)
    first = download_archive(client, owned[0])
    assert first["format"] == "hemolog-archive" and first["version"] == 1
    assert [p["display_name"] for p in first["patients"]] == ["Leo", "Mia"]
    mia = first["patients"][1]
    assert mia["own_products"][0]["brand_name"] == "Trial FIX"
    assert [line["kind"] for line in mia["lots"][0]["ledger"]] == ["RECEIVED", "DISCARDED", "USED", "USED", "RETURNED"]
    assert mia["infusions"][1]["bleed"] == mia["bleeds"][0]["key"]

    newcomer = factories.make_user("new@example.org")
    log_in(client, newcomer)
    response = restore(client, json.dumps(first).encode())
    assert "Archive imported: 2 patients (Leo, Mia)." in response.content.decode()
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
    log_in(client, household)
    download_archive(client, archive.owned_patients(household)[1])
    events = AccessEvent.objects.filter(action="EXPORT").values_list("patient__display_name", "what", "user")
    assert sorted(events) == [
        ("Leo", "full personal archive", household.pk),
        ("Mia", "full personal archive", household.pk),
    ]


def test_the_archive_page_lists_what_it_holds(client, household):
    log_in(client, household)
    response = client.get(export_url("archive_export", archive.owned_patients(household)[0]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Leo" in html and "Mia" in html and "Download the archive" in html
    assert not AccessEvent.objects.exists()  # looking is not exporting


def test_another_familys_patient_the_owner_cares_for_is_not_in_it(client, household, stranger):
    theirs = stranger.patient_access.get().patient
    factories.grant(household, theirs, PatientAccess.Role.CAREGIVER)
    log_in(client, household)
    data = download_archive(client, archive.owned_patients(household)[0])
    assert [p["display_name"] for p in data["patients"]] == ["Leo", "Mia"]


def test_the_good_archive_of_these_cases_does_import(client, good_archive, newcomer):
    """The cases above are refused for what they change, not for something else."""
    assert "Archive imported" in restore(client, json.dumps(good_archive).encode()).content.decode()
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
    log_in(client, household)
    before = counts()
    page = client.get(IMPORT_URL)
    assert "This account owns patients already." in page.content.decode()
    response = upload(client, json.dumps(good_archive).encode())
    assert response.status_code == 422
    assert "An archive is restored into a fresh account" in response.content.decode()
    assert counts() == before


def test_importing_the_same_archive_twice_restores_it_once(client, good_archive, newcomer):
    assert "Archive imported" in restore(client, json.dumps(good_archive).encode()).content.decode()
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
    data = archive.build_archive(household).model_dump(mode="json")
    logged = {b["logged_by"] for b in data["patients"][0]["bleeds"]}
    assert logged == {"account", "caregiver@example.org"}  # the factories log as the owner, as the form does
    newcomer = factories.make_user("new@example.org")
    log_in(client, newcomer)
    assert "Archive imported" in restore(client, json.dumps(data).encode()).content.decode()
    restored = archive.owned_patients(newcomer)[0]
    assert restored.bleeds.get(site="NOSE").created_by is None
    assert set(restored.bleeds.exclude(site="NOSE").values_list("created_by", flat=True)) == {newcomer.pk}


def test_the_import_page_shows_the_form(client, newcomer):
    response = client.get(IMPORT_URL)
    assert response.status_code == 200
    assert 'type="file"' in response.content.decode()
