"""The demo's rows before they are saved, and the bulk writer that saves them.

The builders make unsaved model instances that refer to each other by object
(an infusion to its bleed and lot, a movement to its lot and infusion).
:class:`BulkWriter` saves many patients' rows with ``bulk_create``, parents
before children.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from hemolog.accounts.models import User, mark_verified
from hemolog.inventory.models import StockLot, StockMovement
from hemolog.logbook.models import BleedEpisode, Infusion, Regimen
from hemolog.patients import second_factor
from hemolog.patients.models import Patient, PatientAccess, WeightMeasurement

BATCH_SIZE = 2000


@dataclass
class Records:
    """Unsaved rows, referring to each other by object; saved by :class:`BulkWriter`."""

    users: list[User] = field(default_factory=list)
    patients: list[Patient] = field(default_factory=list)
    accesses: list[PatientAccess] = field(default_factory=list)
    weights: list[WeightMeasurement] = field(default_factory=list)
    regimens: list[Regimen] = field(default_factory=list)
    lots: list[StockLot] = field(default_factory=list)
    bleeds: list[BleedEpisode] = field(default_factory=list)
    infusions: list[Infusion] = field(default_factory=list)
    movements: list[StockMovement] = field(default_factory=list)

    def extend(self, other: Records) -> None:
        for name in self.__dataclass_fields__:
            getattr(self, name).extend(getattr(other, name))

    def counts(self) -> Counter:
        return Counter({name: len(getattr(self, name)) for name in self.__dataclass_fields__})


class BulkWriter:
    """Collects records and saves them in dependency order with ``bulk_create``.

    ``bulk_create`` sets the primary keys (PostgreSQL, and SQLite ≥ 3.35), and
    each later model copies its related objects' keys before it is saved.
    """

    ORDER = (
        ("users", User),
        ("patients", Patient),
        ("accesses", PatientAccess),
        ("weights", WeightMeasurement),
        ("regimens", Regimen),
        ("lots", StockLot),
        ("bleeds", BleedEpisode),
        ("infusions", Infusion),
        ("movements", StockMovement),
    )

    def __init__(self, flush_every: int = 50_000):
        self.pending = Records()
        self.flush_every = flush_every
        self.saved: Counter = Counter()

    def add(self, records: Records) -> None:
        self.pending.extend(records)
        if sum(self.pending.counts().values()) >= self.flush_every:
            self.flush()

    def flush(self) -> None:
        for name, model in self.ORDER:
            rows = getattr(self.pending, name)
            if rows:
                model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
                if model is User:
                    mark_verified(*rows)
                if model is PatientAccess:  # bulk_create sends no signal
                    second_factor.refresh(*(access.user_id for access in rows))
        self.saved += self.pending.counts()
        self.pending = Records()
