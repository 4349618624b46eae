"""Lot recall lookup: when a manufacturer recalls a lot, which of the patients
a user can see received it, when and how much, and how many of its vials are
still in their stock.

A lot number is matched exactly, ignoring case and surrounding spaces. It is
found in two places:

- the patient's stock: every ``StockLot`` with that number, and the infusions
  that took vials from it;
- an infusion's notes, written as ``[lot NUMBER]`` (:func:`lot_note`): how the
  CSV import keeps the lot of a dose that did not come from the family's stock
  in Hemolog, and how a family can note the lot of a dose given at the clinic.

Two queries whatever the number of results (and of patients).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Q

from hemolog.core.numbers import amount
from hemolog.inventory.models import DoseUnit, StockLot
from hemolog.logbook.models import Infusion
from hemolog.patients.models import Patient

from .columns import neutralise_formula_text

MAX_LOT_NUMBER = 50  # StockLot.lot_number


def lot_note(lot_number: str) -> str:
    """How an infusion's notes name a lot that is not in the patient's stock."""
    return f"[lot {lot_number}]"


@dataclass(frozen=True)
class RecalledDose:
    infusion: Infusion
    from_stock: bool  # False: the lot number is in the infusion's notes


@dataclass
class Recall:
    lot_number: str
    doses: list[RecalledDose]
    lots: list[StockLot]  # every lot with that number in the stock of a patient the user can see

    @property
    def patients(self) -> list[Patient]:
        found = {dose.infusion.patient_id: dose.infusion.patient for dose in self.doses}
        found.update((lot.patient_id, lot.patient) for lot in self.lots)
        return sorted(found.values(), key=lambda patient: (patient.display_name, patient.pk))

    @property
    def vials_left(self) -> int:
        return sum(lot.vials_on_hand for lot in self.lots)

    def lots_of(self, patient_id: int) -> list[StockLot]:
        return [lot for lot in self.lots if lot.patient_id == patient_id]

    def vials_left_for(self, patient_id: int) -> int | None:
        """Vials of the lot in this patient's stock; None when the patient holds no lot with that number."""
        lots = self.lots_of(patient_id)
        return sum(lot.vials_on_hand for lot in lots) if lots else None


def find_lot(user, lot_number: str) -> Recall:
    """Every dose of the lot given to, and every lot with that number held by, a patient ``user`` can see."""
    number = lot_number.strip()
    visible = Patient.objects.visible_to(user)
    lots = list(
        StockLot.objects.filter(patient__in=visible, lot_number__iexact=number)
        .select_related("patient", "product")
        .order_by("patient__display_name", "patient_id", "expires_on", "pk")
    )
    infusions = (
        Infusion.objects.filter(patient__in=visible)
        .filter(Q(lot__lot_number__iexact=number) | Q(notes__icontains=lot_note(number)))
        .select_related("patient", "product", "lot")
        .order_by("patient__display_name", "patient_id", "-given_at", "-pk")
    )
    wanted = number.casefold()
    doses = [
        RecalledDose(infusion, from_stock=bool(infusion.lot and infusion.lot.lot_number.casefold() == wanted))
        for infusion in infusions
    ]
    stored = lots[0].lot_number if lots else next((d.infusion.lot.lot_number for d in doses if d.from_stock), number)
    return Recall(lot_number=stored, doses=doses, lots=lots)  # as printed on the lot, not as typed


# The list as CSV ---------------------------------------------------------------------------

RECALL_COLUMNS = (
    "patient",
    "given_at",  # empty for a lot held in stock that no dose was taken from
    "product",
    "product_kind",
    "dose_iu",
    "dose_mg",
    "vials_used",  # empty when the dose was not taken from the patient's stock in Hemolog
    "lot_number",
    "recorded_as",  # stock: taken from the lot in stock; notes: the lot is named in the notes; held: in stock only
    "vials_left_in_stock",  # of this lot in the patient's stock; empty when the patient holds none
    "lot_expires_on",
)


def recall_rows(recall: Recall, tz: dt.tzinfo) -> Iterator[list[str]]:
    """One row per dose, then one per lot held by a patient it was never given to."""
    given = {dose.infusion.patient_id for dose in recall.doses}
    for dose in recall.doses:
        infusion = dose.infusion
        lots = recall.lots_of(infusion.patient_id)
        lot = infusion.lot if dose.from_stock else (lots[0] if lots else None)
        vials_left = recall.vials_left_for(infusion.patient_id)
        in_iu = infusion.product.unit == DoseUnit.IU
        yield [
            infusion.patient.display_name,
            infusion.given_at.astimezone(tz).isoformat(timespec="minutes"),
            infusion.product.brand_name,
            infusion.product.kind,
            amount(infusion.dose) if in_iu else "",
            "" if in_iu else amount(infusion.dose),
            str(infusion.vials_used) if dose.from_stock else "",
            lot.lot_number if lot else recall.lot_number,
            "stock" if dose.from_stock else "notes",
            "" if vials_left is None else str(vials_left),
            lot.expires_on.isoformat() if lot else "",
        ]
    for lot in recall.lots:
        if lot.patient_id not in given:
            yield [
                lot.patient.display_name,
                "",
                lot.product.brand_name,
                lot.product.kind,
                "",
                "",
                "",
                lot.lot_number,
                "held",
                str(lot.vials_on_hand),
                lot.expires_on.isoformat(),
            ]


def recall_csv(recall: Recall, tz: dt.tzinfo) -> str:
    """The list as CSV text with a byte-order mark, like the exports; a text
    cell a spreadsheet would run as a formula gets a leading apostrophe."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(RECALL_COLUMNS)
    for row in recall_rows(recall, tz):
        writer.writerow([neutralise_formula_text(cell) for cell in row])
    return out.getvalue()
