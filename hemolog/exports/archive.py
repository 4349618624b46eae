"""The full personal archive: everything an account owns, as one JSON file,
and its restore into a fresh account.

What is in it: every patient the account is the OWNER of, with the profile,
weights, regimens, bleeds, infusions (with their lot and the bleed they
treated), the family's own products, and each stock lot with its whole
ledger. Not in it: who else has access (a restore must not grant a clinician
anything), the access record, and other people's accounts: an entry logged by
this account says ``"logged_by": "account"``, one logged by someone else
carries their e-mail address for the reader but is restored as "unknown".

Format (``"format": "hemolog-archive"``, ``"version": 1``): times are ISO 8601
in UTC, dates ISO 8601, decimals strings. Objects refer to each other by keys
that are positions in the archive (``"bleed-3"``), not database ids, so
exporting a restored account gives the same file again.

The restore reads the whole file before writing anything, refuses it with a
message naming the first problems (wrong format or version, a missing or
unknown field, a bad value, a reference to nothing, a ledger that does not
add up to its count, overlapping regimens …), and writes everything in one
transaction. Each lot's ``vials_on_hand`` is set to the sum of its restored
ledger, which the archive must agree with.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from hemolog.accounts.models import User
from hemolog.core.formfields import EARLIEST_DAY, LATEST_DAY
from hemolog.inventory.models import Product, StockLot, StockMovement
from hemolog.logbook.models import LATERAL_SITES, BleedEpisode, Infusion, Regimen
from hemolog.patients.models import Patient, PatientAccess, WeightMeasurement

FORMAT = "hemolog-archive"
VERSION = 1
MAX_ERRORS = 8


class ArchiveError(Exception):
    """The uploaded file can't be restored; ``problems`` say why, for the person."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


# Export --------------------------------------------------------------------------


def _time(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value else None


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def owned_patients(user: User) -> list[Patient]:
    return list(
        Patient.objects.filter(access__user=user, access__role=PatientAccess.Role.OWNER).order_by("display_name", "pk")
    )


def build_archive(user: User, *, now: dt.datetime | None = None) -> dict:
    """Everything ``user`` owns, as plain JSON-ready data."""
    patients = owned_patients(user)
    product_keys: dict[int, str] = {}
    own_products: dict[int, list[dict]] = {p.pk: [] for p in patients}

    def product_data(product: Product) -> dict:
        return {
            "key": product_keys[product.pk],
            "brand_name": product.brand_name,
            "generic_name": product.generic_name,
            "kind": product.kind,
            "half_life_class": product.half_life_class,
            "default_half_life_hours": _decimal(product.default_half_life_hours),
            "default_recovery": _decimal(product.default_recovery),
            "unit": product.unit,
            "vial_sizes": product.vial_sizes,
            "created_at": _time(product.created_at),
        }

    for product in Product.objects.filter(patient__in=patients).order_by("pk"):
        product_keys[product.pk] = f"product-{len(product_keys) + 1}"
        own_products[product.patient_id].append(product_data(product))

    def product_ref(product: Product, patient: Patient) -> dict:
        if product.patient_id is None:
            return {"catalogue": product.brand_name}
        if product.pk not in product_keys:  # another family's product: carried along with this patient
            product_keys[product.pk] = f"product-{len(product_keys) + 1}"
            own_products[patient.pk].append(product_data(product))
        return {"own": product_keys[product.pk]}

    def logged_by(user_id: int | None, email: str | None) -> str | None:
        if user_id is None:
            return None
        return "account" if user_id == user.pk else email

    out = []
    for patient in patients:
        bleeds = list(patient.bleeds.select_related("created_by").order_by("started_at", "pk"))
        bleed_keys = {b.pk: f"bleed-{n}" for n, b in enumerate(bleeds, start=1)}
        lots = list(patient.stock_lots.select_related("product").order_by("pk"))
        lot_keys = {lot.pk: f"lot-{n}" for n, lot in enumerate(lots, start=1)}
        infusions = list(patient.infusions.select_related("product", "created_by").order_by("given_at", "pk"))
        infusion_keys = {i.pk: f"infusion-{n}" for n, i in enumerate(infusions, start=1)}
        movements: dict[int, list[StockMovement]] = {lot.pk: [] for lot in lots}
        for movement in (
            StockMovement.objects.filter(lot__patient=patient).select_related("created_by").order_by("created_at", "pk")
        ):
            movements[movement.lot_id].append(movement)

        regimens = [
            {
                "product": product_ref(r.product, patient),
                "dose": _decimal(r.dose),
                "schedule": r.schedule,
                "interval_days": r.interval_days,
                "weekdays": r.weekdays,
                "start_date": _day(r.start_date),
                "end_date": _day(r.end_date),
                "notes": r.notes,
                "created_at": _time(r.created_at),
            }
            for r in patient.regimens.select_related("product").order_by("start_date", "pk")
        ]
        lot_data = [
            {
                "key": lot_keys[lot.pk],
                "product": product_ref(lot.product, patient),
                "lot_number": lot.lot_number,
                "vial_size": lot.vial_size,
                "expires_on": _day(lot.expires_on),
                "storage": lot.storage,
                "received_on": _day(lot.received_on),
                "vials_on_hand": lot.vials_on_hand,
                "created_at": _time(lot.created_at),
                "ledger": [
                    {
                        "at": _time(m.created_at),
                        "kind": m.kind,
                        "vials": m.vials,
                        "reason": m.reason,
                        "infusion": infusion_keys.get(m.infusion_id) if m.infusion_id else None,
                        "logged_by": logged_by(m.created_by_id, m.created_by.email if m.created_by else None),
                    }
                    for m in movements[lot.pk]
                ],
            }
            for lot in lots
        ]
        out.append(
            {
                "display_name": patient.display_name,
                "date_of_birth": _day(patient.date_of_birth),
                "hemophilia_type": patient.hemophilia_type,
                "baseline_factor_level": _decimal(patient.baseline_factor_level),
                "severity": patient.severity,
                "inhibitor_status": patient.inhibitor_status,
                "treatment_centre": patient.treatment_centre,
                "half_life_hours": _decimal(patient.half_life_hours),
                "recovery": _decimal(patient.recovery),
                "created_at": _time(patient.created_at),
                "weights": [
                    {"measured_on": _day(w.measured_on), "weight_kg": _decimal(w.weight_kg)}
                    for w in patient.weights.order_by("measured_on")
                ],
                "own_products": own_products[patient.pk],
                "regimens": regimens,
                "bleeds": [
                    {
                        "key": bleed_keys[b.pk],
                        "started_at": _time(b.started_at),
                        "resolved_at": _time(b.resolved_at),
                        "site": b.site,
                        "side": b.side,
                        "cause": b.cause,
                        "severity": b.severity,
                        "pain": b.pain,
                        "notes": b.notes,
                        "logged_by": logged_by(b.created_by_id, b.created_by.email if b.created_by else None),
                        "created_at": _time(b.created_at),
                        "updated_at": _time(b.updated_at),
                    }
                    for b in bleeds
                ],
                "lots": lot_data,
                "infusions": [
                    {
                        "key": infusion_keys[i.pk],
                        "given_at": _time(i.given_at),
                        "product": product_ref(i.product, patient),
                        "lot": lot_keys.get(i.lot_id) if i.lot_id else None,
                        "vials_used": i.vials_used,
                        "dose": _decimal(i.dose),
                        "reason": i.reason,
                        "bleed": bleed_keys.get(i.bleed_id) if i.bleed_id else None,
                        "given_by": i.given_by,
                        "notes": i.notes,
                        "logged_by": logged_by(i.created_by_id, i.created_by.email if i.created_by else None),
                        "created_at": _time(i.created_at),
                        "updated_at": _time(i.updated_at),
                    }
                    for i in infusions
                ],
            }
        )
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _time(now or timezone.now()),
        "account": {"email": user.email, "time_zone": user.time_zone},
        "patients": out,
    }


def archive_json(archive: dict) -> bytes:
    return json.dumps(archive, ensure_ascii=False, indent=1).encode()


# Reading an uploaded archive ---------------------------------------------------------


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}" if where else message)
        if len(self.items) >= MAX_ERRORS:
            raise ArchiveError(self.items)

    def raise_any(self) -> None:
        if self.items:
            raise ArchiveError(self.items)


_MISSING = object()


@dataclass
class _Fields:
    """Reads the fields of one JSON object, noting each problem with where it is."""

    data: dict
    where: str
    problems: _Problems
    allowed: set[str] = field(default_factory=set)

    def get(self, name: str, check: Callable[[Any], Any], *, optional: bool = False) -> Any:
        self.allowed.add(name)
        value = self.data.get(name, _MISSING)
        if value is _MISSING:
            self.problems.add(self.where, f"“{name}” is missing.")
            return None
        if value is None:
            if not optional:
                self.problems.add(self.where, f"“{name}” can't be empty.")
            return None
        try:
            return check(value)
        except (ValueError, TypeError, InvalidOperation, ArithmeticError) as error:
            self.problems.add(self.where, f"“{name}”: {error or 'not a valid value'}")
            return None

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.allowed)
        if unknown:
            self.problems.add(self.where, f"unknown field(s) {', '.join(unknown)}.")


def _as_text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be text.")
    if "\x00" in value:
        raise ValueError("contains a NUL character.")
    return value


def _as_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be a whole number.")
    if abs(value) > 2**31 - 1:
        raise ValueError("is out of range.")
    return value


def _as_decimal(value: Any) -> Decimal:
    if not isinstance(value, str):
        raise ValueError('must be a number written as text, e.g. "1000.0".')
    number = Decimal(value)
    if not number.is_finite() or abs(number) >= 10**9:
        raise ValueError("is not a plausible number.")
    return number


def _as_date(value: Any) -> dt.date:
    day = parse_date(_as_text(value)) if isinstance(value, str) else None
    if day is None:
        raise ValueError("must be a date like 2025-03-01.")
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValueError("is outside 1900–2099.")
    return day


def _as_time(value: Any) -> dt.datetime:
    moment = parse_datetime(_as_text(value)) if isinstance(value, str) else None
    if moment is None or moment.tzinfo is None:
        raise ValueError("must be a time with its offset, like 2025-03-01T06:30:00+00:00.")
    if not EARLIEST_DAY <= moment.date() <= LATEST_DAY:
        raise ValueError("is outside 1900–2099.")
    return moment.astimezone(dt.UTC)


def _as_list(value: Any) -> list:
    if not isinstance(value, list):
        raise ValueError("must be a list.")
    return value


def _as_object(value: Any) -> dict:
    if not isinstance(value, dict):
        raise ValueError("must be an object.")
    return value


def _model_check(instance, where: str, problems: _Problems, exclude: Iterable[str]) -> None:
    """Field rules of the model (choices, lengths, ranges), without database queries."""
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            problems.add(where, f"“{name}”: {' '.join(messages)}")


@dataclass
class _Patient:
    patient: Patient
    weights: list[WeightMeasurement]
    products: list[tuple[str, Product]]
    regimens: list[tuple[dict, Regimen]]
    bleeds: dict[str, BleedEpisode]
    lots: dict[str, tuple[dict, StockLot, list[tuple[str | None, StockMovement]]]]
    infusions: dict[str, tuple[dict, Infusion]]
    times: dict[int, tuple] = field(default_factory=dict)  # id(instance) -> (created_at, updated_at)


def parse_archive(raw: bytes, user: User) -> list[_Patient]:
    """Read and check the whole file; unsaved model instances, or ArchiveError."""
    try:
        data = json.loads(raw.decode("utf-8-sig"), parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise ArchiveError(["The file is not UTF-8 text: it is not a Hemolog archive."]) from None
    except (json.JSONDecodeError, RecursionError, ValueError) as error:
        raise ArchiveError([f"The file is not valid JSON ({error})."]) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ArchiveError(["This is not a Hemolog archive (its “format” is not “hemolog-archive”)."])
    if data.get("version") != VERSION:
        raise ArchiveError(
            [f"This archive has format version {data.get('version')!r}; this Hemolog reads version {VERSION}."]
        )
    problems = _Problems()
    top = _Fields(data, "", problems)
    top.get("format", _as_text)
    top.get("version", _as_int)
    top.get("exported_at", _as_time)
    top.get("account", _as_object)
    patients_data = top.get("patients", _as_list) or []
    top.done()
    catalogue = {p.brand_name: p for p in Product.objects.filter(patient=None)}
    products: dict[str, Product] = {}
    parsed = []
    for n, item in enumerate(patients_data, start=1):
        where = f"Patient {n}"
        if not isinstance(item, dict):
            problems.add(where, "must be an object.")
            continue
        parsed.append(_parse_patient(item, where, problems, catalogue, products, user))
    if not patients_data:
        problems.add("", "The archive holds no patient.")
    problems.raise_any()
    return parsed


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number")


def _parse_patient(
    data: dict, where: str, problems: _Problems, catalogue: dict[str, Product], products: dict[str, Product], user
) -> _Patient:
    f = _Fields(data, where, problems)
    name = f.get("display_name", _as_text) or ""
    where = f"Patient {where.split()[-1]} (“{name[:40]}”)"
    f.where = where
    patient = Patient(
        display_name=name,
        date_of_birth=f.get("date_of_birth", _as_date, optional=True),
        hemophilia_type=f.get("hemophilia_type", _as_text) or "",
        baseline_factor_level=f.get("baseline_factor_level", _as_decimal, optional=True),
        severity=f.get("severity", _as_text) or "",
        inhibitor_status=f.get("inhibitor_status", _as_text) or "",
        treatment_centre=f.get("treatment_centre", _as_text) or "",
        half_life_hours=f.get("half_life_hours", _as_decimal, optional=True),
        recovery=f.get("recovery", _as_decimal, optional=True),
    )
    created = f.get("created_at", _as_time)
    _model_check(patient, where, problems, ())
    result = _Patient(patient, [], [], [], {}, {}, {})
    result.times[id(patient)] = (created, None)

    weight_days = set()
    for n, item in enumerate(f.get("weights", _as_list) or [], start=1):
        w = _Fields(_object(item, f"{where}, weight {n}", problems), f"{where}, weight {n}", problems)
        weight = WeightMeasurement(
            measured_on=w.get("measured_on", _as_date), weight_kg=w.get("weight_kg", _as_decimal)
        )
        w.done()
        _model_check(weight, w.where, problems, ("patient",))
        if weight.measured_on in weight_days:
            problems.add(w.where, "a second weight on the same day.")
        weight_days.add(weight.measured_on)
        result.weights.append(weight)

    for n, item in enumerate(f.get("own_products", _as_list) or [], start=1):
        p = _Fields(_object(item, f"{where}, own product {n}", problems), f"{where}, own product {n}", problems)
        key = p.get("key", _as_text) or ""
        product = Product(
            brand_name=p.get("brand_name", _as_text) or "",
            generic_name=p.get("generic_name", _as_text) or "",
            kind=p.get("kind", _as_text) or "",
            half_life_class=p.get("half_life_class", _as_text) or "",
            default_half_life_hours=p.get("default_half_life_hours", _as_decimal, optional=True),
            default_recovery=p.get("default_recovery", _as_decimal, optional=True),
            unit=p.get("unit", _as_text) or "",
            vial_sizes=p.get("vial_sizes", _as_text) or "",
        )
        result.times[id(product)] = (p.get("created_at", _as_time), None)
        p.done()
        _model_check(product, p.where, problems, ("patient",))
        if key in products:
            problems.add(p.where, f"the key “{key}” is used twice.")
        products[key] = product
        result.products.append((key, product))

    def product_of(value: Any) -> Product:
        ref = _as_object(value)
        if set(ref) == {"catalogue"} and isinstance(ref["catalogue"], str):
            if ref["catalogue"] not in catalogue:
                raise ValueError(f"“{ref['catalogue'][:60]}” is not in this Hemolog's catalogue.")
            return catalogue[ref["catalogue"]]
        if set(ref) == {"own"} and isinstance(ref["own"], str):
            if ref["own"] not in products:
                raise ValueError(f"no own product has the key “{ref['own'][:60]}” (list it before it is used).")
            return products[ref["own"]]
        raise ValueError('must be {"catalogue": brand name} or {"own": key}.')

    for n, item in enumerate(f.get("regimens", _as_list) or [], start=1):
        r = _Fields(_object(item, f"{where}, regimen {n}", problems), f"{where}, regimen {n}", problems)
        regimen = Regimen(
            product=r.get("product", product_of),
            dose=r.get("dose", _as_decimal),
            schedule=r.get("schedule", _as_text) or "",
            interval_days=r.get("interval_days", _as_int, optional=True),
            weekdays=r.get("weekdays", _as_text) or "",
            start_date=r.get("start_date", _as_date),
            end_date=r.get("end_date", _as_date, optional=True),
            notes=r.get("notes", _as_text) or "",
        )
        result.times[id(regimen)] = (r.get("created_at", _as_time), None)
        r.done()
        _model_check(regimen, r.where, problems, ("patient", "product"))
        if regimen.dose is not None and regimen.dose <= 0:
            problems.add(r.where, "the dose must be more than 0.")
        if regimen.start_date and regimen.end_date and regimen.end_date < regimen.start_date:
            problems.add(r.where, "it ends before it starts.")
        if regimen.schedule == "EVERY_N_DAYS" and not regimen.interval_days:
            problems.add(r.where, "“every N days” needs interval_days.")
        weekdays = regimen.weekdays
        if not (set(weekdays) <= set("0123456") and len(set(weekdays)) == len(weekdays)):
            problems.add(r.where, '“weekdays” holds the weekday numbers 0 (Monday) to 6, each once, e.g. "024".')
        elif regimen.schedule == "WEEKDAYS" and not weekdays:
            problems.add(r.where, "a regimen “on given weekdays” needs its weekdays.")
        result.regimens.append((item, regimen))
    _check_regimens_do_not_overlap([reg for _, reg in result.regimens], where, problems)

    for n, item in enumerate(f.get("bleeds", _as_list) or [], start=1):
        b = _Fields(_object(item, f"{where}, bleed {n}", problems), f"{where}, bleed {n}", problems)
        key = b.get("key", _as_text) or ""
        bleed = BleedEpisode(
            started_at=b.get("started_at", _as_time),
            resolved_at=b.get("resolved_at", _as_time, optional=True),
            site=b.get("site", _as_text) or "",
            side=b.get("side", _as_text) or "",
            cause=b.get("cause", _as_text) or "",
            severity=b.get("severity", _as_text) or "",
            pain=b.get("pain", _as_int, optional=True),
            notes=b.get("notes", _as_text) or "",
            created_by=_logged_by(b.get("logged_by", _as_text, optional=True), user),
        )
        result.times[id(bleed)] = (b.get("created_at", _as_time), b.get("updated_at", _as_time))
        b.done()
        _model_check(bleed, b.where, problems, ("patient", "created_by"))
        if bleed.started_at and bleed.resolved_at and bleed.resolved_at < bleed.started_at:
            problems.add(b.where, "resolved before it started.")
        if bleed.site in LATERAL_SITES and not bleed.side:
            problems.add(b.where, "a joint or muscle bleed needs a side (L or R).")
        if key in result.bleeds:
            problems.add(b.where, f"the key “{key}” is used twice.")
        result.bleeds[key] = bleed

    lot_products: dict[str, Product | None] = {}
    for n, item in enumerate(f.get("lots", _as_list) or [], start=1):
        lf = _Fields(_object(item, f"{where}, lot {n}", problems), f"{where}, lot {n}", problems)
        key = lf.get("key", _as_text) or ""
        lot = StockLot(
            product=(lot_product := lf.get("product", product_of)),
            lot_number=lf.get("lot_number", _as_text) or "",
            vial_size=lf.get("vial_size", _as_int),
            expires_on=lf.get("expires_on", _as_date),
            storage=lf.get("storage", _as_text) or "",
            received_on=lf.get("received_on", _as_date),
            vials_on_hand=lf.get("vials_on_hand", _as_int),
        )
        result.times[id(lot)] = (lf.get("created_at", _as_time), None)
        ledger = []
        for m_n, entry in enumerate(lf.get("ledger", _as_list) or [], start=1):
            m = _Fields(
                _object(entry, f"{lf.where}, ledger line {m_n}", problems), f"{lf.where}, ledger line {m_n}", problems
            )
            movement = StockMovement(
                created_at=m.get("at", _as_time),
                kind=m.get("kind", _as_text) or "",
                vials=m.get("vials", _as_int),
                reason=m.get("reason", _as_text) or "",
                created_by=_logged_by(m.get("logged_by", _as_text, optional=True), user),
            )
            infusion_key = m.get("infusion", _as_text, optional=True)
            m.done()
            _model_check(movement, m.where, problems, ("lot", "infusion", "created_by"))
            if movement.vials == 0:
                problems.add(m.where, "a ledger line must change the count.")
            ledger.append((infusion_key, movement))
        lf.done()
        _model_check(lot, lf.where, problems, ("patient", "product"))
        total = sum(movement.vials or 0 for _, movement in ledger)
        if lot.vials_on_hand is not None and total != lot.vials_on_hand:
            problems.add(lf.where, f"its ledger adds up to {total} vials, but it says {lot.vials_on_hand} are on hand.")
        if total < 0:
            problems.add(lf.where, "its ledger goes below zero vials.")
        if key in result.lots:
            problems.add(lf.where, f"the key “{key}” is used twice.")
        result.lots[key] = (item, lot, ledger)
        lot_products[key] = lot_product

    for n, item in enumerate(f.get("infusions", _as_list) or [], start=1):
        i = _Fields(_object(item, f"{where}, infusion {n}", problems), f"{where}, infusion {n}", problems)
        key = i.get("key", _as_text) or ""
        infusion = Infusion(
            given_at=i.get("given_at", _as_time),
            product=(product := i.get("product", product_of)),
            vials_used=i.get("vials_used", _as_int),
            dose=i.get("dose", _as_decimal),
            reason=i.get("reason", _as_text) or "",
            given_by=i.get("given_by", _as_text) or "",
            notes=i.get("notes", _as_text) or "",
            created_by=_logged_by(i.get("logged_by", _as_text, optional=True), user),
        )
        lot_key = i.get("lot", _as_text, optional=True)
        bleed_key = i.get("bleed", _as_text, optional=True)
        result.times[id(infusion)] = (i.get("created_at", _as_time), i.get("updated_at", _as_time))
        i.done()
        _model_check(infusion, i.where, problems, ("patient", "product", "lot", "bleed", "created_by"))
        if infusion.dose is not None and infusion.dose <= 0:
            problems.add(i.where, "the dose must be more than 0.")
        if lot_key is not None:
            lot_entry = result.lots.get(lot_key)
            if lot_entry is None:
                problems.add(i.where, f"no lot of this patient has the key “{lot_key[:60]}”.")
            else:
                infusion.lot = lot_entry[1]
                # Catalogue products compare by id; own products (unsaved) by identity.
                if product is not None and lot_products.get(lot_key) not in (None, product):
                    problems.add(i.where, "its lot is of another product.")
            if not infusion.vials_used:
                problems.add(i.where, "a dose from a lot uses at least one vial.")
        elif infusion.vials_used:
            problems.add(i.where, "vials are used only from a lot.")
        if bleed_key is not None:
            if bleed_key not in result.bleeds:
                problems.add(i.where, f"no bleed of this patient has the key “{bleed_key[:60]}”.")
            else:
                infusion.bleed = result.bleeds[bleed_key]
        if key in result.infusions:
            problems.add(i.where, f"the key “{key}” is used twice.")
        result.infusions[key] = (item, infusion)

    for _, lot, ledger in result.lots.values():
        for infusion_key, movement in ledger:
            if infusion_key is None:
                continue
            if infusion_key not in result.infusions:
                problems.add(where, f"a ledger line of lot “{lot.lot_number[:60]}” names no infusion of this patient.")
            else:
                movement.infusion = result.infusions[infusion_key][1]
    f.done()
    return result


def _object(value: Any, where: str, problems: _Problems) -> dict:
    if not isinstance(value, dict):
        problems.add(where, "must be an object.")
        return {}
    return value


def _logged_by(value: str | None, user: User) -> User | None:
    """Only this account is linked again; someone else's address stays unlinked (see the module docstring)."""
    return user if value == "account" else None


def _check_regimens_do_not_overlap(regimens: list[Regimen], where: str, problems: _Problems) -> None:
    spans = sorted((r.start_date, r.end_date or LATEST_DAY) for r in regimens if r.start_date)
    for (_, first_end), (second_start, _) in zip(spans, spans[1:], strict=False):
        if second_start <= first_end:
            problems.add(where, f"two regimens overlap (one starts {second_start} before the other ends).")
            return


# Restore ------------------------------------------------------------------------------


def restore_archive(raw: bytes, user: User) -> list[Patient]:
    """Restore ``raw`` into ``user``'s account, which must own no patient yet.
    Raises ArchiveError; writes nothing unless everything can be written."""
    parsed = parse_archive(raw, user)
    try:
        with transaction.atomic():
            # Lock the account, so that a double submit can't restore twice.
            User.objects.select_for_update().filter(pk=user.pk).first()
            if owned_patients(user):
                raise ArchiveError(
                    [
                        "This account owns patients already. An archive is restored into a fresh account: "
                        "sign up with another e-mail address and import it there."
                    ]
                )
            return [_write_patient(entry, user) for entry in parsed]
    except (IntegrityError, DatabaseError) as error:
        raise ArchiveError([f"The database refused the archive's entries, nothing was saved ({error})."]) from None


def _stamp(instances: list, times: dict, model, fields: tuple[str, ...]) -> None:
    """Put back created_at / updated_at, which auto_now(_add) set on insert."""
    changed = []
    for instance in instances:
        created, updated = times.get(id(instance), (None, None))
        values = dict(zip(("created_at", "updated_at"), (created, updated), strict=True))
        if any(values[name] for name in fields):
            for name in fields:
                if values[name]:
                    setattr(instance, name, values[name])
            changed.append(instance)
    if changed:
        model.objects.bulk_update(changed, list(fields), batch_size=500)


def _write_patient(entry: _Patient, user: User) -> Patient:
    patient = entry.patient
    patient.save()
    _stamp([patient], entry.times, Patient, ("created_at",))
    PatientAccess.objects.create(user=user, patient=patient, role=PatientAccess.Role.OWNER, granted_by=user)
    for weight in entry.weights:
        weight.patient = patient
    WeightMeasurement.objects.bulk_create(entry.weights)
    products = [product for _, product in entry.products]
    for product in products:
        product.patient = patient
    Product.objects.bulk_create(products)
    _stamp(products, entry.times, Product, ("created_at",))
    # bulk_create takes the id of an own product saved just above from the related instance.
    regimens = [regimen for _, regimen in entry.regimens]
    for regimen in regimens:
        regimen.patient = patient
    Regimen.objects.bulk_create(regimens)
    _stamp(regimens, entry.times, Regimen, ("created_at",))
    bleeds = list(entry.bleeds.values())
    for bleed in bleeds:
        bleed.patient = patient
    BleedEpisode.objects.bulk_create(bleeds, batch_size=500)
    _stamp(bleeds, entry.times, BleedEpisode, ("created_at", "updated_at"))
    lots = [lot for _, lot, _ in entry.lots.values()]
    for lot in lots:
        lot.patient = patient
        lot.vials_on_hand = 0
    StockLot.objects.bulk_create(lots, batch_size=500)
    _stamp(lots, entry.times, StockLot, ("created_at",))
    infusions = [infusion for _, infusion in entry.infusions.values()]
    for infusion in infusions:
        infusion.patient = patient
    Infusion.objects.bulk_create(infusions, batch_size=500)
    _stamp(infusions, entry.times, Infusion, ("created_at", "updated_at"))
    movements = []
    for _, lot, ledger in entry.lots.values():
        for _, movement in ledger:
            movement.lot = lot
            movements.append(movement)
    StockMovement.objects.bulk_create(movements, batch_size=500)
    # The count is the ledger's sum (checked against the archive's count while reading).
    for _, lot, ledger in entry.lots.values():
        lot.vials_on_hand = sum(movement.vials for _, movement in ledger)
    StockLot.objects.bulk_update(lots, ["vials_on_hand"], batch_size=500)
    return patient
