"""One patient's log as an HL7 FHIR R4 Bundle (type ``collection``), built with
the ``fhir.resources`` R4B models so that it validates structurally.

Mapping (HL7 FHIR R4, https://hl7.org/fhir/R4/: Patient, Condition,
MedicationAdministration, Medication; codes from SNOMED CT, units from UCUM):

- the patient → ``Patient``;
- each bleed → ``Condition``: code SNOMED CT 131148009 |Bleeding|, onset and
  abatement, clinical status (active / resolved), severity (SNOMED CT
  255604002 mild, 6736007 moderate, 24484000 severe: the R4 condition-severity
  value set), body site, and cause and pain in a note;
- each infusion → ``MedicationAdministration``: effectiveDateTime, the dose as
  a UCUM quantity (``[iU]`` or ``mg``), the route (SNOMED CT 47625008
  intravenous for factor concentrates and bypassing agents, 34206005
  subcutaneous for emicizumab), the performer (the ``Patient`` for "self", a
  ``RelatedPerson`` for a parent or caregiver, a ``Practitioner`` for a nurse
  or the clinic), ``reasonReference`` to the bleed's ``Condition``, and
  ``medicationReference`` to a ``Medication``;
- one ``Medication`` per lot (``batch.lotNumber``, ``batch.expirationDate``),
  plus one per product for doses given without a lot.

**Body site and laterality.** R4's ``Condition.bodySite`` is a CodeableConcept
and R4 has no laterality element, so a lateral site is sent as a SNOMED CT
post-coordinated expression (compositional grammar, allowed as a code of
``http://snomed.info/sct``): ``49076000:272741003=7771000`` is |Knee joint
structure| with |Laterality| = |Left|. The same CodeableConcept carries the
bare joint structure code as a second, broader coding for a receiver that
does not read expressions, and the text "Left knee". The codes were checked
against the DICOM anatomic region tables (PS3.16 CID 4031 and CID 1006, which
cite SNOMED CT) and the SNOMED CT Compositional Grammar examples: knee
49076000, ankle 70258002, elbow 16953009, hip 24136001, wrist 74670003,
shoulder (glenohumeral) 85537004; left 7771000, right 24028007; the
laterality attribute 272741003. Non-joint sites use body structure codes
from the same tables (calf 53840002, thigh 68367000, forearm 14975008, upper
arm 40983000, buttock 46862004, mouth 123851003, nose 45206002, intracranial
1101003); iliopsoas, soft tissue, gastrointestinal, urine and "other" go as
text only, as no code for them could be checked.

Resource ids are UUID version 5 of the database row (fullUrl ``urn:uuid:…``),
so exporting the same log twice gives the same ids, and every reference is to
a fullUrl inside the bundle.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import ngettext
from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.medication import Medication, MedicationBatch
from fhir.resources.R4B.medicationadministration import (
    MedicationAdministration,
    MedicationAdministrationDosage,
    MedicationAdministrationPerformer,
)
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.quantity import Quantity
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.relatedperson import RelatedPerson

from hemolog.core.dates import DateRange
from hemolog.inventory.models import DoseUnit, Product, ProductKind, StockLot
from hemolog.logbook.models import BleedEpisode, GivenBy, Infusion, Side
from hemolog.patients.models import Patient

SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"

BLEEDING = ("131148009", "Bleeding")
LATERALITY_ATTRIBUTE = "272741003"
LATERALITY = {Side.LEFT: ("7771000", "Left"), Side.RIGHT: ("24028007", "Right")}
BODY_STRUCTURES = {
    "KNEE": ("49076000", "Knee joint structure"),
    "ANKLE": ("70258002", "Ankle joint structure"),
    "ELBOW": ("16953009", "Elbow joint structure"),
    "HIP": ("24136001", "Hip joint structure"),
    "WRIST": ("74670003", "Wrist joint structure"),
    "SHOULDER": ("85537004", "Glenohumeral joint structure"),
    "CALF": ("53840002", "Calf of leg"),
    "THIGH": ("68367000", "Thigh"),
    "FOREARM": ("14975008", "Forearm"),
    "UPPER_ARM": ("40983000", "Upper arm"),
    "BUTTOCK": ("46862004", "Buttock"),
    "MOUTH": ("123851003", "Mouth"),
    "NOSE": ("45206002", "Nose"),
    "HEAD": ("1101003", "Intracranial"),
}
SEVERITY = {
    "MILD": ("255604002", "Mild"),
    "MODERATE": ("6736007", "Moderate"),
    "SEVERE": ("24484000", "Severe"),
}
ROUTE_INTRAVENOUS = ("47625008", "Intravenous route")
ROUTE_SUBCUTANEOUS = ("34206005", "Subcutaneous route")
UCUM_UNITS = {DoseUnit.IU: ("[iU]", "IU"), DoseUnit.MG: ("mg", "mg")}

# Fixed, so that the same row always gets the same id in every export.
ID_NAMESPACE = uuid.UUID("5b0f6a52-7d43-4c4e-9a55-1c0e6b0d2f11")


def resource_id(kind: str, pk: object) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, f"hemolog/{kind}/{pk}"))


def full_url(resource_uuid: str) -> str:
    return f"urn:uuid:{resource_uuid}"


def ref(resource_uuid: str, display: str | None = None) -> Reference:
    return Reference(reference=full_url(resource_uuid), display=display)


def snomed(code: str, display: str | None = None) -> Coding:
    return Coding(system=SNOMED, code=code, display=display)


def fhir_time(value: dt.datetime, tz: dt.tzinfo) -> str:
    """A FHIR dateTime: seconds are required once a time is given, and so is the offset."""
    return value.astimezone(tz).isoformat(timespec="seconds")


def body_site(site: str, side: str, label: str) -> CodeableConcept:
    """The site as SNOMED CT, with laterality post-coordinated (see the module docstring)."""
    structure = BODY_STRUCTURES.get(site)
    if structure is None:
        return CodeableConcept(text=label)
    code, display = structure
    lateral = LATERALITY.get(side)
    if lateral is None:
        return CodeableConcept(coding=[snomed(code, display)], text=label)
    side_code, side_display = lateral
    expression = f"{code}:{LATERALITY_ATTRIBUTE}={side_code}"
    return CodeableConcept(
        coding=[snomed(expression, f"{display}, {side_display.lower()}"), snomed(code, display)],
        text=label,
    )


def patient_resource(patient: Patient) -> FhirPatient:
    return FhirPatient(
        id=resource_id("patient", patient.pk),
        name=[HumanName(text=patient.display_name)],
        birthDate=patient.date_of_birth,
    )


def condition_resource(bleed: BleedEpisode, patient_uuid: str, tz: dt.tzinfo) -> Condition:
    details = [f"Cause: {bleed.get_cause_display().lower()}."]
    if bleed.pain is not None:
        details.append(f"Pain {bleed.pain}/10.")
    if bleed.notes:
        details.append(bleed.notes)
    severity = SEVERITY.get(bleed.severity)
    status = "resolved" if bleed.resolved_at else "active"
    return Condition(
        id=resource_id("bleed", bleed.pk),
        clinicalStatus=CodeableConcept(coding=[Coding(system=CONDITION_CLINICAL, code=status)]),
        verificationStatus=CodeableConcept(coding=[Coding(system=CONDITION_VERIFICATION, code="confirmed")]),
        code=CodeableConcept(coding=[snomed(*BLEEDING)], text=f"{bleed.site_label} bleed"),
        bodySite=[body_site(bleed.site, bleed.side, bleed.site_label)],
        severity=CodeableConcept(coding=[snomed(*severity)], text=severity[1]) if severity else None,
        subject=ref(patient_uuid),
        onsetDateTime=fhir_time(bleed.started_at, tz),
        abatementDateTime=fhir_time(bleed.resolved_at, tz) if bleed.resolved_at else None,
        recordedDate=fhir_time(bleed.created_at, tz),
        note=[Annotation(text=" ".join(details))],
    )


def _product_text(product: Product) -> str:
    return f"{product.brand_name} ({product.generic_name})" if product.generic_name else product.brand_name


def lot_medication(lot: StockLot) -> Medication:
    return Medication(
        id=resource_id("lot", lot.pk),
        code=CodeableConcept(text=_product_text(lot.product)),
        batch=MedicationBatch(lotNumber=lot.lot_number, expirationDate=lot.expires_on.isoformat()),
    )


def product_medication(product: Product) -> Medication:
    return Medication(id=resource_id("product", product.pk), code=CodeableConcept(text=_product_text(product)))


def _route(product: Product) -> CodeableConcept | None:
    if product.kind == ProductKind.EMICIZUMAB:
        return CodeableConcept(coding=[snomed(*ROUTE_SUBCUTANEOUS)])
    if product.kind in (ProductKind.FVIII, ProductKind.FIX, ProductKind.BYPASSING):
        return CodeableConcept(coding=[snomed(*ROUTE_INTRAVENOUS)])
    return None


class _Builder:
    """Collects the resources of one bundle, each once, in a stable order."""

    def __init__(self, patient: Patient, tz: dt.tzinfo):
        self.patient = patient
        self.tz = tz
        self.patient_uuid = resource_id("patient", patient.pk)
        self.resources: dict[str, object] = {self.patient_uuid: patient_resource(patient)}
        self.medications: dict[str, Medication] = {}
        self.performers: dict[str, object] = {}

    def performer(self, given_by: str) -> Reference:
        if given_by == GivenBy.CAREGIVER:
            key = resource_id("caregiver", self.patient.pk)
            if key not in self.performers:
                self.performers[key] = RelatedPerson(
                    id=key,
                    patient=ref(self.patient_uuid),
                    relationship=[CodeableConcept(text="Parent or caregiver (logged by the family)")],
                )
            return ref(key, "Parent / caregiver")
        if given_by == GivenBy.NURSE:
            key = resource_id("nurse", self.patient.pk)
            if key not in self.performers:
                centre = self.patient.treatment_centre
                self.performers[key] = Practitioner(
                    id=key, name=[HumanName(text=f"Nurse, {centre}" if centre else "Nurse or clinic")]
                )
            return ref(key, "Nurse / clinic")
        return ref(self.patient_uuid, self.patient.display_name)

    def medication(self, infusion: Infusion) -> str:
        if infusion.lot is not None:
            key = resource_id("lot", infusion.lot.pk)
            if key not in self.medications:
                self.medications[key] = lot_medication(infusion.lot)
        else:
            key = resource_id("product", infusion.product.pk)
            if key not in self.medications:
                self.medications[key] = product_medication(infusion.product)
        return key

    def add_bleed(self, bleed: BleedEpisode) -> str:
        key = resource_id("bleed", bleed.pk)
        if key not in self.resources:
            self.resources[key] = condition_resource(bleed, self.patient_uuid, self.tz)
        return key

    def add_infusion(self, infusion: Infusion) -> None:
        product = infusion.product
        ucum_code, unit = UCUM_UNITS.get(product.unit, (None, product.unit))
        notes = []
        if infusion.lot is not None:
            vials = infusion.vials_used
            text = ngettext("%(count)s vial of %(size)s %(unit)s.", "%(count)s vials of %(size)s %(unit)s.", vials)
            notes.append(text % {"count": vials, "size": infusion.lot.vial_size, "unit": product.unit})
        if infusion.notes:
            notes.append(infusion.notes)
        reason = [ref(self.add_bleed(infusion.bleed), f"{infusion.bleed.site_label} bleed")] if infusion.bleed else None
        medication = self.medication(infusion)
        self.resources[resource_id("infusion", infusion.pk)] = MedicationAdministration(
            id=resource_id("infusion", infusion.pk),
            status="completed",
            medicationReference=ref(medication, product.brand_name),
            subject=ref(self.patient_uuid),
            effectiveDateTime=fhir_time(infusion.given_at, self.tz),
            performer=[MedicationAdministrationPerformer(actor=self.performer(infusion.given_by))],
            reasonCode=[CodeableConcept(text=infusion.get_reason_display())],
            reasonReference=reason,
            dosage=MedicationAdministrationDosage(
                dose=Quantity(
                    value=Decimal(infusion.dose), unit=unit, system=UCUM if ucum_code else None, code=ucum_code
                ),
                route=_route(product),
            ),
            note=[Annotation(text=" ".join(notes))] if notes else None,
        )

    def bundle(self, now: dt.datetime) -> Bundle:
        everything = {**self.resources, **self.medications, **self.performers}
        return Bundle(
            type="collection",
            timestamp=fhir_time(now, self.tz),
            entry=[BundleEntry(fullUrl=full_url(key), resource=resource) for key, resource in everything.items()],
        )


def patient_bundle(patient: Patient, period: DateRange, tz: dt.tzinfo, *, now: dt.datetime | None = None) -> Bundle:
    """The bundle of the bleeds and infusions of ``period`` (local days in ``tz``).
    A bleed from before the period that an infusion in it treated is included
    too, so that the infusion's reasonReference resolves.

    Its texts (a site's label, a reason, "2 vials of 500 IU.") are in English
    whatever the language of the page: the bundle is for a record system, which
    files one language."""
    builder = _Builder(patient, tz)
    start, end = period.start_at(tz), period.end_at(tz)
    with translation.override("en"):
        for bleed in patient.bleeds.in_period(start, end).order_by("started_at", "pk"):
            builder.add_bleed(bleed)
        infusions = (
            patient.infusions.in_period(start, end)
            .select_related("product", "lot__product", "bleed")
            .order_by("given_at", "pk")
        )
        for infusion in infusions:
            builder.add_infusion(infusion)
    return builder.bundle(now or timezone.now())


def bundle_json(bundle: Bundle) -> bytes:
    return bundle.model_dump_json(indent=1, exclude_none=True).encode()
