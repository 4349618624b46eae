"""Restoring one patient's log from an archive: bleeds, stock lots with their
ledgers, and doses (see :mod:`.restore` for how the whole archive is restored)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import connection, models
from django.utils.translation import gettext as _

from hemolog.clinical.records import WeightHistory
from hemolog.exports.imported_forms import FileChoices, ImportedBleedForm, ImportedInfusionForm
from hemolog.inventory.models import StockLot, StockMovement
from hemolog.logbook.models import BleedEpisode, Infusion
from hemolog.patients.models import Patient

from . import schema

if TYPE_CHECKING:
    from .restore import _Restore

BLEED_FIELDS = {"started_at", "resolved_at", "site", "side", "cause", "severity", "pain", "notes"}
LOT_FIELDS = {"lot_number", "vial_size", "expires_on", "storage", "received_on", "vials_on_hand"}
# A logged dose was confirmed when it was logged, if the form asked.
CONFIRMED = {"confirm_high_dose": True, "confirm_repeat": True}


def stamp(model: type[models.Model], stamps: list[tuple[models.Model, dict[str, Any]]]) -> None:
    """Put back the archive's created_at / updated_at, which auto_now(_add) set on
    insert. One statement run for every row (``bulk_update`` builds a CASE per
    row in Python, which took longer than checking the entries)."""
    if not stamps:
        return
    names = list(stamps[0][1])
    fields = [model._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    # Names from the model, quoted by the backend; every value is a parameter.
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(model._meta.pk.column)} = %s"  # noqa: S608
    rows = []
    for instance, times in stamps:
        for name, value in times.items():
            setattr(instance, name, value)
        rows.append([field.get_db_prep_save(times[field.name], connection) for field in fields] + [instance.pk])
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _times(item: schema.Bleed | schema.Infusion) -> dict[str, Any]:
    return {"created_at": item.created_at, "updated_at": item.updated_at}


class LogRestore:
    """One patient's bleeds, lots and doses, each step once the one before had no problem."""

    def __init__(self, patient: Patient, entry: schema.Patient, where: str, archive: _Restore):
        self.patient, self.entry, self.where = patient, entry, where
        self.archive = archive
        self.problems = archive.problems
        self.bleeds: dict[str, BleedEpisode] = {}
        self.lots: dict[str, StockLot] = {}
        self.ledgers: list[tuple[StockLot, list[tuple[str | None, StockMovement]]]] = []
        self.infusions: dict[str, Infusion] = {}

    def restore(self, weights: WeightHistory) -> None:
        found = len(self.problems.items)
        for step in (self._bleeds, self._lots, lambda: self._infusions(weights), self._ledgers):
            step()
            if len(self.problems.items) > found:
                return

    def _new_key(self, key: str, seen: dict[str, Any], where: str) -> bool:
        if key in seen:
            self.problems.add(where, schema.key_used_twice(key))
            return False
        return True

    def _bleeds(self) -> None:
        bleeds = []
        for n, item in enumerate(self.entry.bleeds, start=1):
            here = schema.within(self.where, schema.item("bleeds", n))
            form = ImportedBleedForm(item.model_dump(include=BLEED_FIELDS), patient=self.patient)
            if not form.is_valid():
                self.problems.of_form(form, here)
                continue
            if not self._new_key(item.key, self.bleeds, here):
                continue
            bleed = form.save(commit=False)
            bleed.patient, bleed.created_by = self.patient, self.archive.logged_by(item.logged_by)
            self.bleeds[item.key] = bleed
            bleeds.append((bleed, _times(item)))
        BleedEpisode.objects.bulk_create([bleed for bleed, _times in bleeds], batch_size=500)
        stamp(BleedEpisode, bleeds)

    def _lots(self) -> None:
        """Each lot with the count its ledger adds up to; the ledger is written once the doses are."""
        lots = []
        for n, item in enumerate(self.entry.lots, start=1):
            here = schema.within(self.where, schema.item("lots", n))
            try:
                product = self.archive.product(item.product, self.patient)
            except ValueError as error:
                self.problems.add(here, schema.of_field("product", str(error)))
                continue
            lot = StockLot(patient=self.patient, product=product, **item.model_dump(include=LOT_FIELDS))
            self.problems.of_model(lot, here, exclude=("patient", "product"))
            ledger = [
                self._ledger_line(line, schema.within(here, schema.item("ledger", m)))
                for m, line in enumerate(item.ledger, start=1)
            ]
            total = sum(line.vials for line in item.ledger)
            if total != item.vials_on_hand:
                self.problems.add(
                    here,
                    # Translators: about a stock lot: the sum of its ledger's lines, and its own count of vials.
                    _("its ledger adds up to %(total)s vials, but it says %(on_hand)s are on hand.")
                    % {"total": total, "on_hand": item.vials_on_hand},
                )
            if not self._new_key(item.key, self.lots, here):
                continue
            self.lots[item.key] = lot
            self.ledgers.append((lot, ledger))
            lots.append((lot, {"created_at": item.created_at}))
        StockLot.objects.bulk_create([lot for lot, _times in lots], batch_size=500)
        stamp(StockLot, lots)

    def _ledger_line(self, line: schema.LedgerLine, where: str) -> tuple[str | None, StockMovement]:
        movement = StockMovement(
            created_at=line.at,
            kind=line.kind,
            vials=line.vials,
            reason=line.reason,
            created_by=self.archive.logged_by(line.logged_by),
        )
        # Its one constraint (movement_not_zero) checked here: Django would ask
        # the database once per line, half the time of a long restore.
        self.problems.of_model(movement, where, exclude=("lot", "infusion", "created_by"), constraints=False)
        if line.vials == 0:
            self.problems.add(where, schema.of_field("vials", _("a ledger line moves at least one vial in or out.")))
        return line.infusion, movement

    def _infusions(self, weights: WeightHistory) -> None:
        products = {str(p.pk): p for p in (*self.archive.catalogue.values(), *self.archive.own.values())}
        choices = FileChoices(products=products, bleeds=self.bleeds, lots=self.lots)
        infusions = []
        for n, item in enumerate(self.entry.infusions, start=1):
            here = schema.within(self.where, schema.item("infusions", n))
            data = self._dose_data(item, here)
            if data is None:
                continue
            form = ImportedInfusionForm(data, patient=self.patient, choices=choices, weights=weights)
            if not form.is_valid():
                self.problems.of_form(form, here)
                continue
            if not self._new_key(item.key, self.infusions, here):
                continue
            infusion = form.imported()
            infusion.created_by = self.archive.logged_by(item.logged_by)
            self.infusions[item.key] = infusion
            infusions.append((infusion, _times(item)))
        Infusion.objects.bulk_create([infusion for infusion, _times in infusions], batch_size=500)
        stamp(Infusion, infusions)

    def _dose_data(self, item: schema.Infusion, where: str) -> dict[str, Any] | None:
        """The form's data for a dose, once its product, lot and bleed are found."""
        try:
            product = self.archive.product(item.product, self.patient)
        except ValueError as error:
            self.problems.add(where, schema.of_field("product", str(error)))
            return None
        if item.lot is not None and item.lot not in self.lots:
            # Translators: %(key)s is how the archive names a lot ("lot-2").
            self.problems.add(where, _("no lot of this patient has the key “%(key)s”.") % {"key": item.lot[:60]})
            return None
        if item.bleed is not None and item.bleed not in self.bleeds:
            # Translators: %(key)s is how the archive names a bleed ("bleed-3").
            self.problems.add(where, _("no bleed of this patient has the key “%(key)s”.") % {"key": item.bleed[:60]})
            return None
        data = item.model_dump(include={"given_at", "vials_used", "dose", "reason", "given_by", "notes"})
        return data | CONFIRMED | {"product": str(product.pk), "lot": item.lot or "", "bleed": item.bleed or ""}

    def _ledgers(self) -> None:
        movements = []
        for lot, ledger in self.ledgers:
            for infusion_key, movement in ledger:
                movement.lot = lot
                if infusion_key is not None and infusion_key not in self.infusions:
                    self.problems.add(
                        self.where,
                        # Translators: %(lot)s is a lot number.
                        _("a ledger line of lot “%(lot)s” names no infusion of this patient.")
                        % {"lot": lot.lot_number[:60]},
                    )
                    continue
                movement.infusion = self.infusions.get(infusion_key) if infusion_key else None
                movements.append(movement)
        StockMovement.objects.bulk_create(movements, batch_size=500)
