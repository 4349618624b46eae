"""Small builders for test data: each makes a valid object with sensible defaults."""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
from decimal import Decimal

from django.apps import apps as django_apps
from django.utils import timezone

from hemolog.accounts.models import User, mark_verified
from hemolog.accounts.models import add_authenticator_app as add_authenticator_app  # for tests
from hemolog.inventory.models import Product, StockLot
from hemolog.inventory.stock import receive_lot
from hemolog.logbook.models import BleedEpisode, Infusion, Regimen
from hemolog.logbook.services import record_infusion
from hemolog.patients.models import Patient, PatientAccess
from hemolog.sharing.services import NewInvitation, create_invitation

PASSWORD = "correct-horse-battery-staple"
_seq = itertools.count(1)


def make_user(email: str | None = None, verified: bool = True, **extra) -> User:
    """An account as sign-up makes it; ``verified``: its address confirmed by the link."""
    user = User.objects.create_user(email=email or f"user{next(_seq)}@example.org", password=PASSWORD, **extra)
    if verified:
        mark_verified(user)
    return user


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now (RFC 6238, 30-second steps).
    Near the end of a step it waits for the next one, as a person would: the
    server accepts no code of a step gone by (a journey failed when the step
    turned between typing and checking)."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    if 30 - time.time() % 30 < 5:
        time.sleep(30 - time.time() % 30 + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def make_patient(owner: User | None = None, weight_kg: str | None = "30.0", **fields) -> Patient:
    fields.setdefault("display_name", f"Patient {next(_seq)}")
    fields.setdefault("baseline_factor_level", Decimal("0.5"))
    patient = Patient.objects.create(**fields)
    if owner:
        grant(owner, patient, PatientAccess.Role.OWNER)
    if weight_kg:
        patient.weights.create(measured_on=timezone.localdate() - dt.timedelta(days=60), weight_kg=Decimal(weight_kg))
    return patient


def grant(user: User, patient: Patient, role: str) -> PatientAccess:
    return PatientAccess.objects.create(user=user, patient=patient, role=role)


def install_catalogue() -> None:
    """Load the shipped catalogue again: a transactional test's flush empties it."""
    migration = importlib.import_module("hemolog.inventory.migrations.0003_product_catalogue")
    migration.add_catalogue(django_apps, None)


def product(brand: str = "Advate") -> Product:
    if not Product.objects.filter(patient=None).exists():
        install_catalogue()
    return Product.objects.get(brand_name=brand, patient=None)


def make_lot(patient: Patient, vials: int = 10, *, brand: str = "Advate", vial_size: int = 1000, **fields) -> StockLot:
    fields.setdefault("lot_number", f"LOT{next(_seq):05d}")
    fields.setdefault("expires_on", timezone.localdate() + dt.timedelta(days=365))
    fields.setdefault("received_on", timezone.localdate() - dt.timedelta(days=90))
    lot = StockLot(patient=patient, product=product(brand), vial_size=vial_size, **fields)
    return receive_lot(lot, vials)


def writer(patient: Patient) -> User | None:
    """Who logs for the patient when a test does not say: an owner, else the
    first who was given write access (None for a patient nobody may write to)."""
    accesses = PatientAccess.objects.filter(patient=patient, role__in=PatientAccess.WRITE_ROLES).select_related("user")
    accesses = sorted(accesses, key=lambda access: (access.role != PatientAccess.Role.OWNER, access.pk))
    return accesses[0].user if accesses else None


_WRITER = object()  # "not given": the patient's writer, as a form would record the user


def make_bleed(patient: Patient, *, days_ago: float = 1, by: User | None = _WRITER, **fields) -> BleedEpisode:
    """A bleed as the form saves it, ``created_by`` the user who logs it (``by``)."""
    fields.setdefault("site", "KNEE")
    fields.setdefault("side", "L" if fields["site"] in ("KNEE", "ANKLE", "ELBOW") else "")
    return BleedEpisode.objects.create(
        patient=patient,
        started_at=timezone.now() - dt.timedelta(days=days_ago),
        created_by=writer(patient) if by is _WRITER else by,
        **fields,
    )


def make_infusion(
    patient: Patient,
    *,
    days_ago: float = 1,
    lot: StockLot | None = None,
    vials: int = 1,
    by: User | None = _WRITER,
    **fields,
) -> Infusion:
    """An infusion as the form saves it: through :func:`record_infusion`, which
    takes its vials from the lot and sets ``created_by`` to ``by``."""
    fields.setdefault("dose", Decimal(1000))
    fields.setdefault("product", lot.product if lot else product())
    infusion = Infusion(
        patient=patient,
        given_at=timezone.now() - dt.timedelta(days=days_ago),
        lot=lot,
        vials_used=vials if lot else 0,
        **fields,
    )
    return record_infusion(infusion, user=writer(patient) if by is _WRITER else by)


def fill_log(patient: Patient, rows: int, loggers: list[User], *, start_day: float = 0) -> None:
    """``rows`` days of log as a family writes it, newest first from
    ``start_day`` days ago: a bleed each day treated by an infusion from a lot
    (which holds the vials), a prophylactic dose the day after, alternately
    logged by each of ``loggers``, every other entry with notes."""
    received = timezone.localdate() - dt.timedelta(days=start_day + rows + 1)
    lot = make_lot(patient, vials=2 * rows + 5, received_on=received)
    for i in range(rows):
        by, day = loggers[i % len(loggers)], start_day + i
        notes = "iced it, better by evening" if i % 2 else ""
        bleed = make_bleed(patient, days_ago=day + 0.5, site="ANKLE", side="R", by=by, notes=notes)
        make_infusion(patient, days_ago=day + 0.4, lot=lot, reason="BLEED", bleed=bleed, by=by, notes=notes)
        make_infusion(patient, days_ago=day + 0.1, lot=lot, by=by)


def make_regimen(patient: Patient, **fields) -> Regimen:
    fields.setdefault("product", product())
    fields.setdefault("dose", Decimal(1000))
    fields.setdefault("schedule", "EVERY_N_DAYS")
    fields.setdefault("interval_days", 2)
    fields.setdefault("start_date", timezone.localdate() - dt.timedelta(days=90))
    return Regimen.objects.create(patient=patient, **fields)


def make_invitation(
    patient: Patient, email: str = "invited@example.org", role: str = "CLINICIAN", invited_by: User | None = None
) -> NewInvitation:
    """An open invitation and its token (the token is known only at creation)."""
    return create_invitation(patient, email, role, invited_by)
