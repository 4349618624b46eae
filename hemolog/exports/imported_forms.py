"""The logbook's forms for entries that come from a file: a row of a CSV import
(:mod:`.csv_import`) or an entry of a personal archive (:mod:`.archive.restore`).

Each entry is checked by the form that checks one typed on its page, so a rule
changed there changes the imports too. What differs is stated here: the file's
entries are many, so the objects they name (products, lots, bleeds) are loaded
once per file and chosen by a key (:class:`Preloaded`), the patient's weights
are read once, and the model's CheckConstraints are left to the insert
(:class:`ConstraintsOnInsert`).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import construct_instance
from django.utils.translation import gettext as _

from hemolog.clinical.records import WeightHistory
from hemolog.inventory.models import Product, StockLot
from hemolog.logbook.forms import REPEAT_DOSE_WINDOW, BleedForm, InfusionForm
from hemolog.logbook.models import BleedEpisode, Infusion
from hemolog.patients.models import Patient


class Preloaded(forms.Field):
    """One of the objects an import loaded once for the whole file, by the key
    the import gave it (a primary key, or an archive's ``"lot-2"``)."""

    def __init__(self, objects: Mapping[str, models.Model] | None = None, **kwargs):
        super().__init__(required=False, **kwargs)
        self.objects: Mapping[str, models.Model] = objects or {}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if value not in self.objects:
            raise forms.ValidationError(_("Not found."), code="invalid_choice")
        return self.objects[value]


class ConstraintsOnInsert:
    """For a ModelForm that checks one entry of a file: the model's
    CheckConstraints are left to the database. Django checks each with a query
    before saving (four per bleed, one per dose), most of the time a large file
    takes (a 10,000-row file of bleeds took a minute). The form's own rules
    refuse the same entries with a message at the field, and the database still
    checks every row when the import inserts them.

    This is ``ModelForm._post_clean`` with ``validate_constraints=False``; the
    entries have no unique fields for it to check either."""

    def _post_clean(self) -> None:
        exclude = self._get_validation_exclusions()
        try:
            self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
        except ValidationError as error:
            self._update_errors(error)
        try:
            self.instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            self._update_errors(error)


class ImportedBleedForm(ConstraintsOnInsert, BleedForm):
    """``BleedForm``'s rules for one bleed of a file."""


@dataclass
class FileChoices:
    """What the doses of one file may name, loaded once: products, lots and
    bleeds by the file's keys for them, and the times of the prophylactic doses
    already logged (sorted), for the second-dose check."""

    products: Mapping[str, Product]
    bleeds: Mapping[str, BleedEpisode]
    lots: Mapping[str, StockLot] = field(default_factory=dict)
    prophylaxis_times: Sequence[dt.datetime] = ()


class ImportedInfusionForm(ConstraintsOnInsert, InfusionForm):
    """``InfusionForm``'s rules for one dose of a file, as history
    (``history=True``: any lot or bleed of the patient, not only the usable
    lots and the last 90 days' bleeds the page offers; no check of a lot's
    vials against today's count). Product, lot and bleed are chosen among
    :class:`FileChoices`; a CSV import names no lot, so its doses take
    nothing from stock."""

    product = Preloaded()
    lot = Preloaded()
    bleed = Preloaded()

    class Meta(InfusionForm.Meta):
        # Product, lot and bleed are set by imported(): as model fields, each
        # would be checked again with a query.
        fields = ("given_at", "dose", "vials_used", "reason", "given_by", "notes")

    def __init__(self, data, *, patient: Patient, choices: FileChoices, weights: WeightHistory[Decimal]):
        self.choices = choices
        super().__init__(data, patient=patient, weights=weights, history=True)

    def set_choices(self) -> None:
        self.fields["product"].objects = self.choices.products
        self.fields["lot"].objects = self.choices.lots
        self.fields["bleed"].objects = self.choices.bleeds

    def _check_repeat(self, given_at: dt.datetime) -> None:
        # Ask the database (which also words the message) only when a logged
        # prophylactic dose is near: most rows of a file have none.
        times = self.choices.prophylaxis_times
        index = bisect.bisect_right(times, given_at - REPEAT_DOSE_WINDOW)
        if index < len(times) and times[index] < given_at + REPEAT_DOSE_WINDOW:
            super()._check_repeat(given_at)

    def imported(self) -> Infusion:
        """The unsaved dose; call after :meth:`is_valid` returned True."""
        infusion: Infusion = self.instance
        infusion.patient = self.patient
        infusion.product = self.cleaned_data["product"]
        infusion.lot = self.cleaned_data["lot"]
        infusion.bleed = self.cleaned_data["bleed"]
        return infusion
