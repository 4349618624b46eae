"""Lot recall lookup: a lot number found across every patient the user can
see (and never another family's), with doses and vials left; its CSV; the
access record; a query count that does not grow with the results.

The demo household has no lot shared by Leo and Sam (each child's lots get
their own random numbers, and Sam's Advate is given at the clinic), so the
"two children" case is built by hand here."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hemolog.exports.recall import find_lot
from hemolog.patients.models import AccessEvent, PatientAccess
from tests import factories

RECALL = reverse("exports:recall")
RECALL_CSV = reverse("exports:recall_csv")


@pytest.fixture
def sam(owner, caregiver):
    """Leo's brother: the owner's and the caregiver's, not shared with the clinician."""
    child = factories.make_patient(owner=owner, display_name="Sam", weight_kg="18.0")
    factories.grant(caregiver, child, PatientAccess.Role.CAREGIVER)
    return child


@pytest.fixture
def shared_lot(patient, sam, stranger):
    """One delivery split between the two boys: a lot with the same number in each one's stock,
    and the same number in another family's stock."""
    leos = factories.make_lot(patient, vials=10, lot_number="ADV-2501")
    sams = factories.make_lot(sam, vials=4, lot_number="adv-2501", vial_size=500)
    factories.make_infusion(patient, days_ago=3, lot=leos, vials=2, dose=2000)
    factories.make_infusion(patient, days_ago=1, lot=leos, vials=2, dose=2000)
    factories.make_infusion(sam, days_ago=2, lot=sams, vials=1, dose=500)
    theirs = factories.make_lot(stranger.patient_access.get().patient, vials=6, lot_number="ADV-2501")
    factories.make_infusion(theirs.patient, days_ago=2, lot=theirs, vials=1)
    return leos, sams


def patients_in(recall) -> list[str]:
    return [patient.display_name for patient in recall.patients]


def test_finds_a_lot_across_two_children_trimmed_and_in_any_case(client_for, owner, patient, sam, shared_lot):
    response = client_for(owner).get(RECALL, {"lot": "  Adv-2501 "})
    recall = response.context["recall"]
    assert patients_in(recall) == ["Leo", "Sam"]
    assert [(d.infusion.patient.display_name, d.infusion.dose, d.from_stock) for d in recall.doses] == [
        ("Leo", 2000, True),
        ("Leo", 2000, True),
        ("Sam", 500, True),
    ]
    assert recall.vials_left_for(patient.pk) == 6 and recall.vials_left_for(sam.pk) == 3
    assert recall.vials_left == 9
    html = " ".join(response.content.decode().split())
    assert "Given 3 times · 2 patients (Leo, Sam) · <strong>9</strong> vials left in stock." in html
    assert "Stranger" not in html


def test_never_another_familys_patient(client_for, stranger, shared_lot):
    recall = client_for(stranger).get(RECALL, {"lot": "ADV-2501"}).context["recall"]
    assert patients_in(recall) == ["Stranger's child"]
    assert recall.vials_left == 5


def test_every_role_sees_what_it_may_see(client_for, caregiver, clinician, shared_lot):
    assert patients_in(client_for(caregiver).get(RECALL, {"lot": "ADV-2501"}).context["recall"]) == ["Leo", "Sam"]
    assert patients_in(client_for(clinician).get(RECALL, {"lot": "ADV-2501"}).context["recall"]) == ["Leo"]


def test_revoked_access_is_gone_from_the_lookup(client_for, clinician, patient, shared_lot):
    clinician.patient_access.filter(patient=patient).delete()
    recall = client_for(clinician).get(RECALL, {"lot": "ADV-2501"}).context["recall"]
    assert recall.patients == []
    assert (
        "No patient you can see received lot ADV-2501"
        in client_for(clinician).get(RECALL, {"lot": "ADV-2501"}).content.decode()
    )


def test_the_match_is_exact(owner, shared_lot):
    assert find_lot(owner, "ADV-250").patients == []
    assert find_lot(owner, "ADV-25011").patients == []
    assert find_lot(owner, "ADV_2501").patients == []  # "_" is not a wildcard
    assert find_lot(owner, "ADV%").patients == []


def test_a_lot_named_in_the_notes_is_found(owner, patient, sam):
    """Imported history and doses given at the clinic carry their lot in the notes."""
    factories.make_infusion(sam, days_ago=40, notes="Given at the clinic\n[lot CLIN-9]")
    factories.make_infusion(patient, days_ago=41, notes="[lot CLIN-99]")  # another lot
    factories.make_infusion(patient, days_ago=42, notes="lot CLIN-9 without brackets is just text")
    recall = find_lot(owner, "clin-9")
    assert [(d.infusion.patient.display_name, d.from_stock) for d in recall.doses] == [("Sam", False)]
    assert recall.lots == [] and recall.vials_left_for(sam.pk) is None


def test_a_lot_held_but_never_given(owner, patient):
    factories.make_lot(patient, vials=7, lot_number="NEW-1")
    recall = find_lot(owner, "NEW-1")
    assert recall.doses == [] and patients_in(recall) == ["Leo"] and recall.vials_left == 7


def test_empty_too_long_and_nul_numbers_are_form_errors(client_for, owner, shared_lot):
    client = client_for(owner)
    response = client.get(RECALL)
    assert response.status_code == 200 and response.context["recall"] is None
    assert client.get(RECALL, {"lot": "   "}).context["recall"] is None
    for bad, message in (("X" * 51, "Ensure this value has at most 50 characters"), ("A\x00B", "Null characters")):
        response = client.get(RECALL, {"lot": bad})
        assert response.status_code == 200
        assert message in " ".join(response.context["form"].errors["lot"])
        assert response.context["recall"] is None


def test_the_list_as_csv(client_for, owner, patient, sam, shared_lot):
    factories.make_lot(patient, vials=3, lot_number="ADV-2501", vial_size=250)  # a second lot, same number
    response = client_for(owner).get(RECALL_CSV, {"lot": "adv-2501"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="lot-ADV-2501-recall.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert [
        (r["patient"], r["dose_iu"], r["vials_used"], r["recorded_as"], r["vials_left_in_stock"]) for r in rows
    ] == [
        ("Leo", "2000", "2", "stock", "9"),
        ("Leo", "2000", "2", "stock", "9"),
        ("Sam", "500", "1", "stock", "3"),
    ]
    assert rows[0]["given_at"].endswith("+00:00") and rows[0]["lot_number"] == "ADV-2501"
    assert "Stranger" not in text


def test_the_csv_lists_a_patient_who_only_holds_the_lot(client_for, owner, patient):
    factories.make_lot(patient, vials=7, lot_number="=HOLD-1")
    text = client_for(owner).get(RECALL_CSV, {"lot": "=hold-1"}).content.decode()
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert [
        (r["patient"], r["given_at"], r["recorded_as"], r["vials_left_in_stock"], r["lot_number"]) for r in rows
    ] == [
        ("Leo", "", "held", "7", "'=HOLD-1"),  # a spreadsheet shows it, does not run it
    ]


def test_the_csv_is_recorded_for_each_patient_and_the_page_for_a_clinician(
    client_for, owner, clinician, patient, sam, shared_lot
):
    client_for(owner).get(RECALL_CSV, {"lot": "ADV-2501"})
    exports = AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT)
    assert sorted((e.patient.display_name, e.user, e.what) for e in exports) == [
        ("Leo", owner, "lot recall CSV ADV-2501"),
        ("Sam", owner, "lot recall CSV ADV-2501"),
    ]
    client_for(owner).get(RECALL, {"lot": "ADV-2501"})
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.VIEW).exists()  # the family's views are not
    client_for(clinician).get(RECALL, {"lot": "ADV-2501"})
    views = AccessEvent.objects.filter(action=AccessEvent.Action.VIEW)
    assert [(e.patient, e.user) for e in views] == [(patient, clinician)]


def test_csv_without_a_lot_number_goes_back_to_the_page(client_for, owner):
    response = client_for(owner).get(RECALL_CSV, follow=True)
    assert response.redirect_chain == [(RECALL, 302)]
    assert "Type a lot number to export the list for." in response.content.decode()
    response = client_for(owner).get(RECALL_CSV, {"lot": "X" * 60}, follow=True)
    assert "at most 50 characters" in response.content.decode()
    assert not AccessEvent.objects.exists()


@pytest.mark.parametrize("url", [RECALL, RECALL_CSV])
def test_query_count_does_not_grow_with_the_results(url, client_for, clinician, patient, django_assert_num_queries):
    """Doses of one lot across two patients the clinician sees; then many more doses and lots."""
    other = factories.make_patient(display_name="Mia")
    factories.grant(clinician, other, PatientAccess.Role.CLINICIAN)
    lots = [factories.make_lot(p, vials=200, lot_number="BIG-1") for p in (patient, other)]
    for lot in lots:
        factories.make_infusion(lot.patient, days_ago=1, lot=lot)
    client = client_for(clinician)
    client.get(url, {"lot": "BIG-1"})  # warm up (session, user)
    with CaptureQueriesContext(connection) as before:
        client.get(url, {"lot": "BIG-1"})
    for lot in lots:
        factories.make_lot(lot.patient, vials=5, lot_number="big-1")
        for day in range(2, 40):
            factories.make_infusion(lot.patient, days_ago=day, lot=lot)
        factories.make_infusion(lot.patient, days_ago=50, notes="[lot BIG-1]")
    with django_assert_num_queries(len(before)):
        response = client.get(url, {"lot": "BIG-1"})
    assert response.status_code == 200
    if url == RECALL:
        assert len(response.context["recall"].doses) == 80
    else:
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8")[1:])))
        assert len([r for r in rows if r["given_at"]]) == 80


def test_the_navbar_links_to_the_lookup(client_for, owner):
    assert f'href="{RECALL}">Lot recall</a>' in client_for(owner).get(reverse("home")).content.decode()


def test_anonymous_is_sent_to_log_in(client):
    for url in (RECALL, RECALL_CSV):
        response = client.get(url, {"lot": "ADV-2501"})
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
