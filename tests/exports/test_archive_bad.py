"""A bad archive is refused with a message naming the entry and the field, and
nothing is saved; no value of any type anywhere breaks the import."""

import copy
import json
from collections import Counter

import pytest
from django.db import transaction

from hemolog.exports import archive

from .archive_helpers import counts, restore


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


def another_patients_own_product(data: dict) -> None:
    """Mia (with her own product) first, then the other patient's first lot naming it."""
    data["patients"].reverse()
    data["patients"][1]["lots"][0]["product"] = {"own": data["patients"][0]["own_products"][0]["key"]}


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
        "bleed 1: “site”: Select a valid choice. ELBOWS is not one of the available choices.",
    ),
    "resolved before it started": (
        lambda data: broken(data, set_in((*MIA, "bleeds", 0, "resolved_at"), "2019-01-01T00:00:00+00:00")),
        "bleed 1: “resolved_at”: A bleed can&#x27;t be resolved before it started.",
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
        "infusion 1: “dose”: The dose must be more than zero.",
    ),
    "a lot of another product": (
        lambda data: broken(data, set_in((*MIA, "infusions", 1, "product"), {"catalogue": "Advate"})),
        "infusion 2: “lot”: This lot is Trial FIX, not Advate.",
    ),
    "an unknown catalogue product": (
        lambda data: broken(data, set_in((*MIA, "regimens", 1, "product"), {"catalogue": "Nope"})),
        "“Nope” is not in this Hemolog&#x27;s catalogue.",
    ),
    # Another patient's own product would tie two logs together (and block deleting either).
    "a lot of another patient's own product": (
        lambda data: broken(data, another_patients_own_product),
        "lot 1: “product”: the own product “product-1” is another patient&#x27;s",
    ),
    "overlapping regimens": (
        lambda data: broken(data, set_in((*MIA, "regimens", 0, "end_date"), None)),
        "regimen 2: This overlaps the regimen from",
    ),
    "a weight out of range": (
        lambda data: broken(data, set_in((*MIA, "weights", 0, "weight_kg"), "999.0")),
        "“weight_kg”",
    ),
    "a year-1 date": (
        lambda data: broken(data, set_in((*MIA, "date_of_birth"), "0001-01-01")),
        "Patient 2 (“Mia”): “date_of_birth”: Enter a date in 1900 or later.",
    ),
    "a NUL in a note": (
        lambda data: broken(data, set_in((*MIA, "bleeds", 0, "notes"), "a\x00b")),
        "contains a NUL character.",
    ),
    "weekdays that are not weekdays": (
        lambda data: broken(data, set_in((*MIA, "regimens", 0, "weekdays"), "0x9")),
        "regimen 1: “weekdays”: Select a valid choice. x is not one of the available choices.",
    ),
    # Rules of the forms and models that check an entry typed in the app apply to an archive's entries too.
    "a dose from a lot after it expired": (
        lambda data: broken(data, set_in((*MIA, "lots", 0, "expires_on"), "2020-01-01")),
        "infusion 2: “lot”: Lot =TRIAL-7 expired on 1 Jan 2020, before this dose.",
    ),
    "a bleed before the birth": (
        lambda data: broken(data, set_in((*MIA, "bleeds", 0, "started_at"), "2010-01-01T00:00:00+00:00")),
        "bleed 1: “started_at”: A bleed&#x27;s start can&#x27;t be before Mia was born (2 Mar 2018).",
    ),
    "a ledger line that changes nothing": (
        lambda data: broken(data, set_in((*MIA, "lots", 0, "ledger", 1, "vials"), 0)),
        "lot 1, ledger line 2: “vials”: a ledger line moves at least one vial in or out.",
    ),
    # What only an archive can get wrong.
    "a key used twice": (
        lambda data: broken(data, set_in((*MIA, "bleeds", 1, "key"), "bleed-1")),
        "bleed 2: the key “bleed-1” is used twice.",
    ),
    "two weights on a day": (
        lambda data: broken(data, lambda d: d["patients"][1]["weights"].append(d["patients"][1]["weights"][0])),
        "Patient 2 (“Mia”), weight 3: a second weight on the same day.",
    ),
    "a ledger line naming no dose": (
        lambda data: broken(data, set_in((*MIA, "lots", 0, "ledger", 2, "infusion"), "infusion-9")),
        "a ledger line of lot “=TRIAL-7” names no infusion of this patient.",
    ),
    "an unknown field at the top": (
        lambda data: broken(data, set_in(("colour",), "red")),
        "unknown field(s) colour.",
    ),
    "a patient that is not an object": (
        lambda data: broken(data, set_in(MIA, "Mia")),
        "Patient 2: must be an object.",
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
    response = restore(client, make(good_archive))
    html = response.content.decode()
    assert "Nothing was imported." in html
    assert message in html, html[html.find("invalid-feedback") - 200 :][:3000]
    assert counts() == before
    assert not archive.owned_patients(newcomer)


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


def test_an_archive_of_more_rows_than_one_restore_writes_is_refused_before_any_is_checked(
    client, good_archive, newcomer
):
    """A 20 MB file of tens of thousands of bleeds ran past the worker's time-out."""
    data = copy.deepcopy(good_archive)
    first = data["patients"][0]
    bleed = first["bleeds"][0]
    already = archive.count_rows(data)
    first["bleeds"] += [{**bleed, "key": f"extra-{n}"} for n in range(archive.MAX_ROWS - already + 1)]
    assert archive.count_rows(data) == archive.MAX_ROWS + 1
    before = counts()
    response = restore(client, json.dumps(data).encode())
    assert "This archive holds 30,001 entries; Hemolog restores at most 30,000 at once." in response.content.decode()
    assert counts() == before


def test_the_rows_are_counted_as_the_restore_writes_them(good_archive):
    data = copy.deepcopy(good_archive)
    patient = data["patients"][0]
    patient.update(weights=[{}] * 2, regimens=[{}], bleeds=[{}] * 3, infusions=[{}] * 4, own_products=[])
    patient["lots"] = [{"ledger": [{}] * 5}, {"ledger": []}]
    data["patients"] = [patient, "not a patient", {"bleeds": "not a list"}]
    # The first patient: itself, 2 + 1 + 3 + 4 + 0, two lots and five ledger lines; the third: itself.
    assert archive.count_rows(data) == 1 + 10 + 2 + 5 + 1


@pytest.mark.parametrize(
    ("what", "grow", "message"),
    [
        (
            "patients",
            lambda data: data["patients"].extend(
                [data["patients"][0]] * (archive.MAX_PATIENTS + 1 - len(data["patients"]))
            ),
            "This archive holds 51 patients; Hemolog restores at most 50 at once.",
        ),
        (
            "regimens",
            lambda data: data["patients"][0]["regimens"].extend(
                [data["patients"][0]["regimens"][0]] * (archive.MAX_REGIMENS + 1 - total_regimens(data))
            ),
            "This archive holds 501 regimens; Hemolog restores at most 500 at once.",
        ),
    ],
)
def test_too_many_of_the_costly_rows_is_refused_at_once(client, good_archive, newcomer, what, grow, message):
    """30,000 one-day regimens (each checked against the others) took three minutes."""
    data = copy.deepcopy(good_archive)
    grow(data)
    before = counts()
    response = restore(client, json.dumps(data).encode())
    assert message in response.content.decode()
    assert counts() == before


def total_regimens(data) -> int:
    return sum(len(patient["regimens"]) for patient in data["patients"])
