"""Reading an uploaded archive and restoring it into a fresh account.

The file is read whole and checked against :class:`.schema.Archive` (its
shape and types) before anything is written. Each entry is then checked by
the form that checks one typed in the app (``PatientForm``, ``WeightForm``,
``ProductForm``, ``RegimenForm``, and ``BleedForm`` and ``InfusionForm``
through :mod:`hemolog.exports.imported_forms`); stock lots and their ledger
lines by the models' own validation and constraints (the lot's form is about
receiving one today: it refuses an expired lot). What only an archive can get
wrong is checked
here: a key used twice, a reference to nothing, a ledger that does not add up
to its lot's count, two weights on one day.

Everything is written in one transaction, entry by entry as the forms that
need the database (a regimen's overlap) see it; any problem rolls it all
back. A patient's later entries are checked only once its earlier ones are
right (a dose can't be checked against a bleed that failed).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DataError, IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import ValidationError as SchemaError

from hemolog.accounts.models import User
from hemolog.clinical.records import WeightHistory
from hemolog.inventory.forms import ProductForm
from hemolog.inventory.models import Product
from hemolog.logbook.regimen_forms import RegimenForm
from hemolog.patients.forms import PatientForm, WeightForm
from hemolog.patients.models import Patient, PatientAccess, WeightMeasurement

from . import schema
from .export import owned_patients
from .restore_log import LogRestore, stamp
from .size import size_problem

MAX_ERRORS = 8
OWNS_PATIENTS_ALREADY = gettext_lazy(
    "This account owns patients already. An archive is restored into a fresh account: "
    "sign up with another e-mail address and import it there."
)


class ArchiveError(Exception):
    """The uploaded file can't be restored; ``problems`` say why, for the person."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


class Problems:
    """The problems found so far; the restore stops at :data:`MAX_ERRORS`."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(schema.placed(where, message))
        if len(self.items) >= MAX_ERRORS:
            raise ArchiveError(self.items)

    def of_form(self, form: forms.BaseForm, where: str) -> None:
        for name, messages in form.errors.items():
            for message in messages:
                self.add(where, message if name == NON_FIELD_ERRORS else schema.of_field(name, message))

    def of_model(self, instance: models.Model, where: str, exclude: tuple[str, ...], constraints: bool = True) -> None:
        """The model's own rules: choices, lengths, ranges, its constraints
        (unless the caller checks those itself: Django checks each with a query)."""
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=constraints)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                text = " ".join(messages)
                self.add(where, text if name == NON_FIELD_ERRORS else schema.of_field(name, text))

    def raise_any(self) -> None:
        if self.items:
            raise ArchiveError(self.items)


def read_archive(raw: bytes) -> schema.Archive:
    """The whole file, checked against the format; or ArchiveError."""
    try:
        data = json.loads(raw.decode("utf-8-sig"), parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise ArchiveError([_("The file is not UTF-8 text: it is not a Hemolog archive.")]) from None
    except (json.JSONDecodeError, RecursionError, ValueError) as error:
        # Translators: %(error)s is the JSON reader's own description of the problem, in English.
        raise ArchiveError([_("The file is not valid JSON (%(error)s).") % {"error": error}]) from None
    if not isinstance(data, dict) or data.get("format") != schema.FORMAT:
        # Translators: “format” is a field name and “hemolog-archive” its value in the file: keep both in English.
        raise ArchiveError([_("This is not a Hemolog archive (its “format” is not “hemolog-archive”).")])
    if data.get("version") != schema.VERSION:
        raise ArchiveError(
            [
                _("This archive has format version %(version)s; this Hemolog reads version %(readable)s.")
                % {"version": repr(data.get("version")), "readable": schema.VERSION}
            ]
        )
    if too_big := size_problem(data):
        raise ArchiveError([too_big])
    try:
        return schema.Archive.model_validate(data)
    except SchemaError as error:
        raise ArchiveError(schema.problems(error, data)[:MAX_ERRORS]) from None


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number")


def restore_archive(
    raw: bytes,
    user: User,
    progress: Callable[[int, str], None] | None = None,
    before_commit: Callable[[list[Patient]], None] | None = None,
) -> list[Patient]:
    """Restore ``raw`` into ``user``'s account, which must own no patient yet.
    Raises ArchiveError; writes nothing unless everything can be written.
    ``progress(percent, text)`` is told how far it is; ``before_commit(patients)``
    writes what must be in the same transaction (the job's outcome). A database
    that is away (OperationalError) is raised as it is: worth trying again later."""
    progress = progress or _quiet
    progress(5, _("Checking the file’s format"))
    archive = read_archive(raw)
    try:
        with transaction.atomic():
            # Lock the account, so that a double submit can't restore twice.
            User.objects.select_for_update().filter(pk=user.pk).first()
            if owned_patients(user):
                raise ArchiveError([str(OWNS_PATIENTS_ALREADY)])
            restore = _Restore(user)
            restored, count = [], len(archive.patients)
            for n, entry in enumerate(archive.patients, start=1):
                progress(
                    15 + 80 * (n - 1) // count,
                    _("Checking and saving patient %(n)s of %(count)s") % {"n": n, "count": count},
                )
                restored.append(restore.patient(n, entry))
            restore.problems.raise_any()
            restored = [patient for patient in restored if patient]
            if before_commit is not None:
                before_commit(restored)
            return restored
    except (IntegrityError, DataError) as error:
        # Translators: %(error)s is the database's own message, in English.
        refused = _("The database refused the archive's entries, nothing was saved (%(error)s).") % {"error": error}
        raise ArchiveError([refused]) from None


def _quiet(percent: int, text: str) -> None:
    pass


class _Restore:
    def __init__(self, user: User):
        self.user = user
        self.problems = Problems()
        self.catalogue = {p.brand_name: p for p in Product.objects.filter(patient=None)}
        self.own: dict[str, Product] = {}  # the families' own products by key, across the archive

    def patient(self, n: int, entry: schema.Patient) -> Patient | None:
        where = schema.patient_place(n, entry.display_name)
        found = len(self.problems.items)
        patient = self._profile(entry, where)
        if patient is None:
            return None
        steps = (self._weights, self._own_products, self._regimens)
        for step in steps:
            step(patient, entry, where)
            if len(self.problems.items) > found:
                return None
        weights = WeightHistory((w.measured_on, w.weight_kg) for w in entry.weights)
        LogRestore(patient, entry, where, self).restore(weights)
        return patient

    def product(self, ref: schema.ProductRef, patient: Patient) -> Product:
        """The product a reference of ``patient``'s names: from the catalogue, or
        one of that patient's own (another patient's would tie the two logs
        together, and block deleting either); ValueError says why there is none."""
        if ref.catalogue is not None:
            if ref.catalogue not in self.catalogue:
                # Translators: %(product)s is a product's brand name.
                raise ValueError(
                    _("“%(product)s” is not in this Hemolog's catalogue.") % {"product": ref.catalogue[:60]}
                )
            return self.catalogue[ref.catalogue]
        if ref.own not in self.own:
            # Translators: %(key)s is how the archive names one of the family's own products ("product-2").
            raise ValueError(
                _("no own product has the key “%(key)s” (list it before it is used).") % {"key": ref.own[:60]}
            )
        product = self.own[ref.own]
        if product.patient_id != patient.pk:
            raise ValueError(
                # Translators: %(key)s is how the archive names one of the family's own products ("product-2").
                _("the own product “%(key)s” is another patient's: list it with this patient's own products.")
                % {"key": ref.own[:60]}
            )
        return product

    def logged_by(self, value: str | None) -> User | None:
        """Only this account is linked again; someone else's address stays unlinked."""
        return self.user if value == "account" else None

    def _profile(self, entry: schema.Patient, where: str) -> Patient | None:
        form = PatientForm(entry.model_dump(include=set(PatientForm.Meta.fields)))
        if not form.is_valid():
            self.problems.of_form(form, where)
            return None
        patient = form.save()
        stamp(Patient, [(patient, {"created_at": entry.created_at})])
        PatientAccess.objects.create(
            user=self.user, patient=patient, role=PatientAccess.Role.OWNER, granted_by=self.user
        )
        return patient

    def _weights(self, patient: Patient, entry: schema.Patient, where: str) -> None:
        weights, days = [], set()
        for n, item in enumerate(entry.weights, start=1):
            form = WeightForm(item.model_dump(), patient=patient)
            if not form.is_valid():
                self.problems.of_form(form, schema.within(where, schema.item("weights", n)))
                continue
            if item.measured_on in days:
                here = schema.within(where, schema.item("weights", n))
                self.problems.add(here, _("a second weight on the same day."))
                continue
            days.add(item.measured_on)
            weight = form.save(commit=False)
            weight.patient = patient
            weights.append(weight)
        WeightMeasurement.objects.bulk_create(weights)

    def _own_products(self, patient: Patient, entry: schema.Patient, where: str) -> None:
        products = []
        for n, item in enumerate(entry.own_products, start=1):
            form = ProductForm(item.model_dump(exclude={"key", "created_at"}))
            if not form.is_valid():
                self.problems.of_form(form, schema.within(where, schema.item("own_products", n)))
                continue
            if item.key in self.own:
                self.problems.add(schema.within(where, schema.item("own_products", n)), schema.key_used_twice(item.key))
                continue
            product = form.save(commit=False)
            product.patient = patient
            self.own[item.key] = product
            products.append((product, {"created_at": item.created_at}))
        Product.objects.bulk_create([product for product, _times in products])
        stamp(Product, products)

    def _regimens(self, patient: Patient, entry: schema.Patient, where: str) -> None:
        """One by one: the form checks each against those already saved (no overlap)."""
        for n, item in enumerate(entry.regimens, start=1):
            here = schema.within(where, schema.item("regimens", n))
            try:
                product = self.product(item.product, patient)
            except ValueError as error:
                self.problems.add(here, schema.of_field("product", str(error)))
                continue
            data = item.model_dump(exclude={"product", "created_at", "weekdays"})
            form = RegimenForm({**data, "product": product.pk, "weekdays": list(item.weekdays)}, patient=patient)
            if not form.is_valid():
                self.problems.of_form(form, here)
                continue
            form.instance.patient = patient
            stamp(type(form.instance), [(form.save(), {"created_at": item.created_at})])
