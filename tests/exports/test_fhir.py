"""The FHIR R4 Bundle of the demo household: it validates with the
fhir.resources R4B models, every reference resolves inside the bundle, and
the codes are the right ones (fhir.resources checks structure, not
terminology, so the codes are checked here against SNOMED CT)."""

import datetime as dt
import json
import uuid
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from hemolog.demo import household as demo
from hemolog.exports.fhir_bundle import body_site
from hemolog.logbook.models import BleedEpisode, Infusion
from hemolog.patients.models import Patient
from tests import factories

from .helpers import export_url

SNOMED = "http://snomed.info/sct"
# SNOMED CT International (https://browser.ihtsdotools.org/): body structures of the joints, laterality qualifiers
JOINT_CODES = {
    "KNEE": "49076000",
    "ANKLE": "70258002",
    "ELBOW": "16953009",
    "HIP": "24136001",
    "WRIST": "74670003",
    "SHOULDER": "85537004",
}
SIDE_CODES = {"L": "7771000", "R": "24028007"}
LATERALITY_ATTRIBUTE = "272741003"


@pytest.fixture
def household(db):
    call_command("seed_demo", "--without-debug", stdout=open("/dev/null", "w"))  # noqa: SIM115
    daniel = Patient.objects.get(display_name="Daniel Novak")
    # The demo has no hip, shoulder or wrist bleed: add one of each so every joint code is exported.
    for days, site, side in ((40, "HIP", "L"), (50, "SHOULDER", "R"), (60, "WRIST", "L"), (70, "WRIST", "R")):
        start = timezone.now() - dt.timedelta(days=days)
        BleedEpisode.objects.create(
            patient=daniel,
            started_at=start,
            resolved_at=start + dt.timedelta(days=1),
            site=site,
            side=side,
            cause="TRAUMATIC",
            severity="MILD",
        )
    return {p.display_name: p for p in Patient.objects.all()}


def export(client, patient, start: dt.date) -> tuple[Bundle, dict]:
    today = timezone.localdate()
    response = client.get(export_url("fhir", patient, start=start.isoformat(), end=today.isoformat()))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    return Bundle.model_validate_json(response.content), json.loads(response.content)


def references(node) -> list[str]:
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference":
                found.append(value)
            else:
                found += references(value)
    elif isinstance(node, list):
        for item in node:
            found += references(item)
    return found


def resources(raw: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in raw["entry"] if e["resource"]["resourceType"] == kind]


def check_bundle(raw: dict) -> dict[str, dict]:
    """Ids match their fullUrl; every reference is to a fullUrl of this bundle."""
    assert raw["resourceType"] == "Bundle" and raw["type"] == "collection"
    by_url = {}
    for entry in raw["entry"]:
        url = entry["fullUrl"]
        assert url.startswith("urn:uuid:")
        assert str(uuid.UUID(url.removeprefix("urn:uuid:"))) == entry["resource"]["id"]
        assert url not in by_url, f"{url} twice"
        by_url[url] = entry["resource"]
    refs = references([e["resource"] for e in raw["entry"]])
    assert refs, "a bundle without references checks nothing"
    missing = [r for r in refs if r not in by_url]
    assert not missing, f"references that resolve to nothing in the bundle: {missing[:5]}"
    return by_url


def test_the_demo_household_validates_and_every_reference_resolves(client, household):
    since = timezone.localdate() - dt.timedelta(days=3 * 365)  # the whole two-year log
    owners = {"Leo Berg": demo.PARENT_EMAIL, "Sam Berg": demo.PARENT_EMAIL, "Daniel Novak": demo.ADULT_EMAIL}
    for name, email in owners.items():
        patient = household[name]
        client.force_login(patient.access.get(user__email=email).user)
        bundle, raw = export(client, patient, since)
        assert bundle.type == "collection"
        by_url = check_bundle(raw)

        (fhir_patient,) = resources(raw, "Patient")
        assert fhir_patient["name"] == [{"text": name}]
        conditions = resources(raw, "Condition")
        administrations = resources(raw, "MedicationAdministration")
        assert len(conditions) == patient.bleeds.count()
        assert len(administrations) == patient.infusions.count()
        for condition in conditions:
            assert condition["code"]["coding"] == [{"system": SNOMED, "code": "131148009", "display": "Bleeding"}]
            assert condition["onsetDateTime"][:4] in {str(y) for y in range(2020, 2100)}
            assert condition["clinicalStatus"]["coding"][0]["code"] == "resolved"  # the demo resolves every bleed
            assert condition["subject"]["reference"] == f"urn:uuid:{fhir_patient['id']}"

        lots = {lot.lot_number: lot for lot in patient.stock_lots.all()}
        for administration in administrations:
            medication = by_url[administration["medicationReference"]["reference"]]
            assert medication["resourceType"] == "Medication"
            batch = medication.get("batch")
            if batch:
                lot = lots[batch["lotNumber"]]
                assert batch["expirationDate"] == lot.expires_on.isoformat()
            quantity = administration["dosage"]["dose"]
            assert quantity["system"] == "http://unitsofmeasure.org"
            in_mg = medication["code"]["text"].startswith("Hemlibra")  # the demo's one product dosed in mg
            assert (quantity["code"], quantity["unit"]) == (("mg", "mg") if in_mg else ("[iU]", "IU"))
            for reason in administration.get("reasonReference", []):
                assert by_url[reason["reference"]]["resourceType"] == "Condition"
        # One Medication per lot used, plus one per product for doses without a lot.
        medications = resources(raw, "Medication")
        lot_numbers = [m["batch"]["lotNumber"] for m in medications if "batch" in m]
        assert (
            len(lot_numbers)
            == len(set(lot_numbers))
            == patient.infusions.exclude(lot=None).values("lot").distinct().count()
        )


def test_the_codes_are_those_of_the_references(client, household):
    daniel = household["Daniel Novak"]
    client.force_login(daniel.access.get(role="OWNER").user)
    _, raw = export(client, daniel, timezone.localdate() - dt.timedelta(days=3 * 365))
    seen = Counter()
    bleeds = {b.started_at.replace(microsecond=0): b for b in daniel.bleeds.all()}  # FHIR times are to the second
    for condition in resources(raw, "Condition"):
        bleed = bleeds[dt.datetime.fromisoformat(condition["onsetDateTime"].replace("Z", "+00:00"))]
        site = condition["bodySite"][0]
        assert site["text"] == bleed.site_label
        if bleed.site in JOINT_CODES:
            joint, side = JOINT_CODES[bleed.site], SIDE_CODES[bleed.side]
            expression, plain = site["coding"]
            assert expression["system"] == plain["system"] == SNOMED
            assert expression["code"] == f"{joint}:{LATERALITY_ATTRIBUTE}={side}"
            assert plain["code"] == joint
            seen[(bleed.site, bleed.side)] += 1
        expected_severity = {"MILD": "255604002", "MODERATE": "6736007", "SEVERE": "24484000"}[bleed.severity]
        assert condition["severity"]["coding"][0]["code"] == expected_severity
    assert {site for site, _ in seen} == set(JOINT_CODES), seen

    # Daniel gives his own doses: the performer is the Patient. Idelvion is dosed in IU, intravenously.
    fhir_patient = resources(raw, "Patient")[0]
    own = [
        a
        for a in resources(raw, "MedicationAdministration")
        if a["performer"][0]["actor"]["reference"] == f"urn:uuid:{fhir_patient['id']}"
    ]
    assert own
    assert all(a["dosage"]["route"]["coding"][0]["code"] == "47625008" for a in own)


def test_a_caregivers_dose_names_a_related_person_and_emicizumab_is_in_mg(client, household):
    sam = household["Sam Berg"]
    client.force_login(sam.access.get(role="OWNER").user)
    _, raw = export(client, sam, timezone.localdate() - dt.timedelta(days=365))
    by_url = check_bundle(raw)
    hemlibra = [
        a
        for a in resources(raw, "MedicationAdministration")
        if by_url[a["medicationReference"]["reference"]]["code"]["text"].startswith("Hemlibra")
    ]
    assert hemlibra
    for administration in hemlibra:
        assert administration["dosage"]["dose"]["code"] == "mg"
        assert administration["dosage"]["route"]["coding"][0]["code"] == "34206005"  # subcutaneous
    performers = {by_url[a["performer"][0]["actor"]["reference"]]["resourceType"] for a in hemlibra}
    assert performers == {"RelatedPerson"}
    (related,) = resources(raw, "RelatedPerson")
    assert by_url[related["patient"]["reference"]]["resourceType"] == "Patient"


def test_a_treated_bleed_from_before_the_range_comes_along(client, household):
    leo = household["Leo Berg"]
    treated = Infusion.objects.filter(patient=leo, reason="BLEED").select_related("bleed").order_by("given_at")
    pair = next(i for i in treated if i.bleed.started_at.date() < i.given_at.date())
    client.force_login(leo.access.get(role="OWNER").user)
    day = timezone.localtime(pair.given_at).date()
    _, raw = export(client, leo, day)
    by_url = check_bundle(raw)
    conditions = resources(raw, "Condition")
    assert any(
        c["onsetDateTime"].startswith(timezone.localtime(pair.bleed.started_at).date().isoformat()) for c in conditions
    )
    assert all(
        by_url[r["reference"]] for a in resources(raw, "MedicationAdministration") for r in a.get("reasonReference", [])
    )


def test_exporting_twice_gives_the_same_ids(client, household):
    leo = household["Leo Berg"]
    client.force_login(leo.access.get(role="OWNER").user)
    since = timezone.localdate() - dt.timedelta(days=100)
    _, first = export(client, leo, since)
    _, second = export(client, leo, since)
    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in second["entry"]]
    first.pop("timestamp"), second.pop("timestamp")
    assert first == second


@pytest.mark.parametrize(("site", "side"), [(s, side) for s in JOINT_CODES for side in "LR"])
def test_every_joint_and_side_is_coded_as_the_references_say(site, side):
    concept = body_site(site, side, f"{side} {site}")
    expression, plain = concept.coding
    assert expression.code == f"{JOINT_CODES[site]}:{LATERALITY_ATTRIBUTE}={SIDE_CODES[side]}"
    assert plain.code == JOINT_CODES[site]
    assert expression.system == plain.system == SNOMED


def test_sites_without_a_checked_code_are_text_only():
    concept = body_site("GI", "", "Gastrointestinal")
    assert concept.coding is None and concept.text == "Gastrointestinal"
    nose = body_site("NOSE", "", "Nose")
    assert [c.code for c in nose.coding] == ["45206002"]


def test_an_empty_range_is_a_bundle_with_the_patient_alone(client_for, owner, patient):
    response = client_for(owner).get(export_url("fhir", patient, start="2001-01-01", end="2001-12-31"))
    raw = json.loads(response.content)
    Bundle.model_validate(raw)
    assert [e["resource"]["resourceType"] for e in raw["entry"]] == ["Patient"]


def test_a_nurse_given_dose_names_a_practitioner(client_for, owner, patient):
    patient.treatment_centre = "Northfield"
    patient.save()
    factories.make_infusion(patient, days_ago=2, given_by="NURSE", dose=Decimal(500))
    raw = json.loads(client_for(owner).get(export_url("fhir", patient)).content)
    by_url = check_bundle(raw)
    (administration,) = resources(raw, "MedicationAdministration")
    performer = by_url[administration["performer"][0]["actor"]["reference"]]
    assert performer["resourceType"] == "Practitioner"
    assert performer["name"] == [{"text": "Nurse, Northfield"}]
    assert administration["dosage"]["dose"]["value"] == 500
