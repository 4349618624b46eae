"""Building the personal archive: everything an account owns, as a
:class:`.schema.Archive` (see :mod:`hemolog.exports.archive` for what is in it)."""

from __future__ import annotations

import datetime as dt
import json

from django.utils import timezone

from hemolog.accounts.models import User
from hemolog.inventory.models import Product, StockLot, StockMovement
from hemolog.logbook.models import BleedEpisode, Infusion
from hemolog.patients.models import Patient, PatientAccess

from . import schema


def owned_patients(user: User) -> list[Patient]:
    return list(
        Patient.objects.filter(access__user=user, access__role=PatientAccess.Role.OWNER).order_by("display_name", "pk")
    )


class _Products:
    """The keys of the families' own products. Each is listed with the patient
    it belongs to; one of another family, used by this one, with the first
    patient of the archive that uses it."""

    def __init__(self, patients: list[Patient]):
        self.keys: dict[int, str] = {}
        self.listed: dict[int, list[schema.OwnProduct]] = {p.pk: [] for p in patients}
        owned: dict[int, list[Product]] = {p.pk: [] for p in patients}
        for product in Product.objects.filter(patient__in=patients).order_by("pk"):
            owned[product.patient_id].append(product)
        # Numbered in the archive's order, as a restore creates them: a restored account exports the same keys.
        for patient in patients:
            for product in owned[patient.pk]:
                self._list(product, patient.pk)

    def _list(self, product: Product, patient_id: int) -> None:
        self.keys[product.pk] = key = f"product-{len(self.keys) + 1}"
        self.listed[patient_id].append(
            schema.OwnProduct(
                key=key,
                brand_name=product.brand_name,
                generic_name=product.generic_name,
                kind=product.kind,
                half_life_class=product.half_life_class,
                default_half_life_hours=product.default_half_life_hours,
                default_recovery=product.default_recovery,
                unit=product.unit,
                vial_sizes=product.vial_sizes,
                created_at=product.created_at,
            )
        )

    def ref(self, product: Product, patient: Patient) -> schema.ProductRef:
        if product.patient_id is None:
            return schema.ProductRef(catalogue=product.brand_name)
        if product.pk not in self.keys:
            self._list(product, patient.pk)
        return schema.ProductRef(own=self.keys[product.pk])


def build_archive(user: User, *, now: dt.datetime | None = None) -> schema.Archive:
    """Everything ``user`` owns."""
    patients = owned_patients(user)
    products = _Products(patients)
    entries = [_patient(patient, products, user) for patient in patients]
    for patient, entry in zip(patients, entries, strict=True):
        entry.own_products = products.listed[patient.pk]
    return schema.Archive(
        format=schema.FORMAT,
        version=schema.VERSION,
        exported_at=now or timezone.now(),
        account=schema.Account(email=user.email, time_zone=user.time_zone),
        patients=entries,
    )


def archive_json(archive: schema.Archive) -> bytes:
    return json.dumps(archive.model_dump(mode="json"), ensure_ascii=False, indent=1).encode()


def _logged_by(entry: BleedEpisode | Infusion | StockMovement, user: User) -> str | None:
    """This account as "account"; anyone else by their address, for the reader only."""
    if entry.created_by_id is None:
        return None
    return "account" if entry.created_by_id == user.pk else entry.created_by.email


def _patient(patient: Patient, products: _Products, user: User) -> schema.Patient:
    bleeds = list(patient.bleeds.select_related("created_by").order_by("started_at", "pk"))
    bleed_keys = {b.pk: f"bleed-{n}" for n, b in enumerate(bleeds, start=1)}
    infusions = list(patient.infusions.select_related("product", "created_by").order_by("given_at", "pk"))
    infusion_keys = {i.pk: f"infusion-{n}" for n, i in enumerate(infusions, start=1)}
    # In this order (regimens, lots, doses), a product of another family gets its key.
    regimens = [
        schema.Regimen(
            product=products.ref(r.product, patient),
            dose=r.dose,
            schedule=r.schedule,
            interval_days=r.interval_days,
            weekdays=r.weekdays,
            start_date=r.start_date,
            end_date=r.end_date,
            notes=r.notes,
            created_at=r.created_at,
        )
        for r in patient.regimens.select_related("product").order_by("start_date", "pk")
    ]
    lots = _lots(patient, products, infusion_keys, user)
    lot_keys = {lot_id: entry.key for lot_id, entry in lots.items()}
    return schema.Patient(
        display_name=patient.display_name,
        date_of_birth=patient.date_of_birth,
        hemophilia_type=patient.hemophilia_type,
        baseline_factor_level=patient.baseline_factor_level,
        severity=patient.severity,
        inhibitor_status=patient.inhibitor_status,
        treatment_centre=patient.treatment_centre,
        half_life_hours=patient.half_life_hours,
        recovery=patient.recovery,
        created_at=patient.created_at,
        weights=[
            schema.Weight(measured_on=w.measured_on, weight_kg=w.weight_kg)
            for w in patient.weights.order_by("measured_on")
        ],
        own_products=[],  # filled in once every patient's references are known
        regimens=regimens,
        bleeds=[_bleed(b, bleed_keys[b.pk], user) for b in bleeds],
        lots=list(lots.values()),
        infusions=[
            _infusion(i, infusion_keys[i.pk], products.ref(i.product, patient), lot_keys, bleed_keys, user)
            for i in infusions
        ],
    )


def _bleed(bleed: BleedEpisode, key: str, user: User) -> schema.Bleed:
    return schema.Bleed(
        key=key,
        started_at=bleed.started_at,
        resolved_at=bleed.resolved_at,
        site=bleed.site,
        side=bleed.side,
        cause=bleed.cause,
        severity=bleed.severity,
        pain=bleed.pain,
        notes=bleed.notes,
        logged_by=_logged_by(bleed, user),
        created_at=bleed.created_at,
        updated_at=bleed.updated_at,
    )


def _lots(patient: Patient, products: _Products, infusion_keys: dict[int, str], user: User) -> dict[int, schema.Lot]:
    lots = list(patient.stock_lots.select_related("product").order_by("pk"))
    ledgers: dict[int, list[schema.LedgerLine]] = {lot.pk: [] for lot in lots}
    movements = StockMovement.objects.filter(lot__patient=patient).select_related("created_by")
    for m in movements.order_by("created_at", "pk"):
        ledgers[m.lot_id].append(
            schema.LedgerLine(
                at=m.created_at,
                kind=m.kind,
                vials=m.vials,
                reason=m.reason,
                infusion=infusion_keys.get(m.infusion_id) if m.infusion_id else None,
                logged_by=_logged_by(m, user),
            )
        )
    return {
        lot.pk: _lot(lot, f"lot-{n}", products.ref(lot.product, patient), ledgers[lot.pk])
        for n, lot in enumerate(lots, start=1)
    }


def _lot(lot: StockLot, key: str, product: schema.ProductRef, ledger: list[schema.LedgerLine]) -> schema.Lot:
    return schema.Lot(
        key=key,
        product=product,
        lot_number=lot.lot_number,
        vial_size=lot.vial_size,
        expires_on=lot.expires_on,
        storage=lot.storage,
        received_on=lot.received_on,
        vials_on_hand=lot.vials_on_hand,
        created_at=lot.created_at,
        ledger=ledger,
    )


def _infusion(
    infusion: Infusion,
    key: str,
    product: schema.ProductRef,
    lot_keys: dict[int, str],
    bleed_keys: dict[int, str],
    user: User,
) -> schema.Infusion:
    return schema.Infusion(
        key=key,
        given_at=infusion.given_at,
        product=product,
        lot=lot_keys.get(infusion.lot_id) if infusion.lot_id else None,
        vials_used=infusion.vials_used,
        dose=infusion.dose,
        reason=infusion.reason,
        bleed=bleed_keys.get(infusion.bleed_id) if infusion.bleed_id else None,
        given_by=infusion.given_by,
        notes=infusion.notes,
        logged_by=_logged_by(infusion, user),
        created_at=infusion.created_at,
        updated_at=infusion.updated_at,
    )
