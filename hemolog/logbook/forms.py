from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from django import forms
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import ngettext

from hemolog.clinical.records import WeightHistory
from hemolog.core.formfields import DateInput, DateTimeLocalInput, LocalDateTimeField, NumberInput, PlausibleDateField
from hemolog.core.numbers import amount
from hemolog.inventory.models import DoseUnit, Product, StockLot

from .form_choices import InfusionChoices, choice_querysets
from .models import (
    LATERAL_SITES,
    MIDLINE_SITES,
    SITE_GROUPS,
    WEEKDAY_NAMES,
    BleedEpisode,
    Infusion,
    Reason,
    Regimen,
    ScheduleKind,
)

# Above these a dose is probably a typo: the form asks for confirmation.
HIGH_DOSE_PER_KG = {DoseUnit.IU: Decimal(300), DoseUnit.MG: Decimal(12)}
# Above these it is refused outright.
MAX_DOSE = {DoseUnit.IU: Decimal(100_000), DoseUnit.MG: Decimal(3_000)}


def now_for_input() -> dt.datetime:
    return timezone.localtime().replace(second=0, microsecond=0)


def check_entry_time(value: dt.datetime | None, what: str, patient) -> None:
    """An entry happens between the patient's birth and now."""
    if value and value > timezone.now():
        raise forms.ValidationError(f"{what} can't be in the future.")
    born = patient.date_of_birth
    if value and born and timezone.localtime(value).date() < born:
        raise forms.ValidationError(f"{what} can't be before {patient} was born ({born:%d %b %Y}).")


class BleedForm(forms.ModelForm):
    class Meta:
        model = BleedEpisode
        fields = ("started_at", "site", "side", "cause", "severity", "pain", "resolved_at", "notes")
        field_classes = {"started_at": LocalDateTimeField, "resolved_at": LocalDateTimeField}
        labels = {"started_at": "When did it start?", "resolved_at": "Resolved (leave empty if still bleeding)"}
        widgets = {
            "started_at": DateTimeLocalInput(),
            "resolved_at": DateTimeLocalInput(),
            "side": forms.RadioSelect,
            "cause": forms.RadioSelect,
            "severity": forms.RadioSelect,
            "pain": NumberInput(attrs={"min": 0, "max": 10}, step="1", inputmode="numeric"),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.fields["started_at"].initial = now_for_input
        self.fields["site"].choices = [("", "Choose where")] + [
            (group, [(site.value, site.label) for site in sites]) for group, sites in SITE_GROUPS
        ]
        self.fields["side"].choices = [("L", "Left"), ("R", "Right")]
        self.fields["side"].required = False
        if not self.instance.pk:
            # Nothing pre-chosen: a default cause or severity would quietly
            # count as "spontaneous" or "mild" in the bleeding rates.
            for name in ("side", "cause", "severity"):
                self.initial[name] = None

    def clean_started_at(self):
        started = self.cleaned_data["started_at"]
        check_entry_time(started, "A bleed's start", self.patient)
        return started

    def clean_resolved_at(self):
        resolved = self.cleaned_data.get("resolved_at")
        check_entry_time(resolved, "The resolution time", self.patient)
        return resolved

    def clean(self):
        data = super().clean()
        started, resolved = data.get("started_at"), data.get("resolved_at")
        if started and resolved and resolved < started:
            self.add_error("resolved_at", "A bleed can't be resolved before it started.")
        site, side = data.get("site"), data.get("side") or ""
        if site in LATERAL_SITES and not side:
            self.add_error("side", "Choose left or right.")
        if site in MIDLINE_SITES and side:
            data["side"] = ""
        return data


# A second prophylactic dose this close to another is most often the same dose
# logged twice (two parents, two phones): the form asks before saving it.
REPEAT_DOSE_WINDOW = dt.timedelta(hours=12)


class InfusionForm(forms.ModelForm):
    confirm_high_dose = forms.BooleanField(required=False, label="I have checked this dose: it is correct")
    confirm_repeat = forms.BooleanField(required=False, label="This is another dose, not the same one twice")

    class Meta:
        model = Infusion
        fields = ("given_at", "lot", "product", "dose", "vials_used", "reason", "bleed", "given_by", "notes")
        field_classes = {"given_at": LocalDateTimeField}
        labels = {
            "given_at": "When?",
            "lot": "From stock (lot)",
            "product": "Product",
            "dose": "Dose",
            "vials_used": "Vials used",
            "bleed": "For which bleed?",
        }
        help_texts = {
            "lot": "Only this patient's unexpired stock is listed. Leave empty for a dose given at the clinic.",
            "product": "Filled in from the lot when you pick one.",
            "vials_used": "Leave empty to count them from the dose and vial size.",
            "dose": "IU for factor concentrates, mg for emicizumab.",
        }
        widgets = {
            "given_at": DateTimeLocalInput(),
            # Options on lines of their own: a phone's drop-down cut off the vials left and the expiry.
            "lot": forms.RadioSelect,
            "dose": NumberInput(attrs={"min": 0.1}),
            "vials_used": NumberInput(attrs={"min": 0}, step="1", inputmode="numeric"),
            "reason": forms.RadioSelect,
            "given_by": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(
        self,
        *args,
        patient,
        weights: WeightHistory[Decimal] | None = None,
        history: bool = False,
        choices: InfusionChoices | None = None,
        **kwargs,
    ):
        """``weights``: the patient's weights (:meth:`Patient.weight_history`), for a caller
        that checks many doses and reads them once. ``history``: the dose is one from a
        file (a CSV row, a personal archive), never shown as a page: no initial values,
        every lot and bleed of the patient may be chosen, and a lot's vials are not
        checked against what it holds today (the archive's own ledger says).
        ``choices``: what the page lists, read already (a new dose's page,
        hemolog.logbook.infusion_page); else read here."""
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.history = history
        self.weights = patient.weight_history() if weights is None else weights
        self.previous_lot_id = self.instance.lot_id
        self.previous_vials = self.instance.vials_used if self.instance.pk else 0
        self.weight_kg = self.weights.on(dt.date.max)  # the latest, for the dose per kg shown as you type
        self.set_choices()
        self.fields["product"].required = False  # a dose from a lot is of the lot's product
        self.fields["vials_used"].required = False
        if history:
            return
        # On a page the choices are plain values (form_choices); the querysets
        # set above check what is posted.
        if choices is None:
            choices = InfusionChoices.read(*(self.fields[name].queryset for name in ("lot", "product", "bleed")))
        self.lot_options = choices.lots
        self.fields["lot"].choices = [
            ("", "None (given at the clinic)"),
            *((lot.pk, lot.label) for lot in choices.lots),
        ]
        self.fields["product"].choices = [("", "Choose a product"), *choices.products]
        self.fields["bleed"].choices = [("", "Not for a bleed"), *choices.bleeds]
        if not self.instance.pk and not self.initial.get("vials_used"):
            self.initial["vials_used"] = None  # counted from the dose unless typed
        self.fields["given_at"].initial = now_for_input
        if self.initial.get("dose") is not None:
            self.initial["dose"] = amount(self.initial["dose"])  # "1000", not "1000.0"

    def set_choices(self) -> None:
        """The lots, products and bleeds the dose may name (:func:`choice_querysets`).
        A subclass checking many doses of a file may choose among objects it
        loaded once instead."""
        lot_id = self.previous_lot_id
        lots, products, bleeds = choice_querysets(self.patient, self.history, lot_id, self.instance.bleed_id)
        self.fields["lot"].queryset = lots
        self.fields["product"].queryset = products
        self.fields["bleed"].queryset = bleeds

    def clean_given_at(self):
        given = self.cleaned_data["given_at"]
        check_entry_time(given, "An infusion's time", self.patient)
        return given

    def clean(self):
        data = super().clean()
        lot: StockLot | None = data.get("lot")
        product: Product | None = data.get("product")
        given_at: dt.datetime | None = data.get("given_at")
        dose: Decimal | None = data.get("dose")

        day = timezone.localtime(given_at).date() if given_at else None
        if lot:
            if product and product != lot.product:
                self.add_error("lot", f"This lot is {lot.product.brand_name}, not {product.brand_name}.")
            data["product"] = product = lot.product
            if day and lot.expires_on < day:
                self.add_error("lot", f"Lot {lot.lot_number} expired on {lot.expires_on:%d %b %Y}, before this dose.")
            elif day and lot.received_on > day:
                self.add_error(
                    "lot", f"Lot {lot.lot_number} was received on {lot.received_on:%d %b %Y}, after this dose."
                )
        elif not product and "product" not in self.errors:
            self.add_error("product", "Choose a product, or a lot from stock.")

        if dose is not None and product:
            self._check_dose(dose, product, given_at, data.get("confirm_high_dose"))
        bleed = data.get("bleed")
        if bleed and given_at and bleed.started_at > given_at:
            started = timezone.localtime(bleed.started_at)
            self.add_error("bleed", f"This bleed started at {started:%d %b %H:%M}, after this dose.")
        if given_at and data.get("reason") == Reason.PROPHYLAXIS and not data.get("confirm_repeat"):
            self._check_repeat(given_at)

        if lot and dose is not None and dose > 0:
            vials = data.get("vials_used") or math.ceil(dose / lot.vial_size)
            if vials * lot.vial_size < dose:
                self.add_error(
                    "vials_used",
                    ngettext(
                        "%(vials)s vial of %(size)s %(unit)s holds %(total)s %(unit)s, less than the dose.",
                        "%(vials)s vials of %(size)s %(unit)s hold %(total)s %(unit)s, less than the dose.",
                        vials,
                    )
                    % {"vials": vials, "size": lot.vial_size, "unit": lot.product.unit, "total": vials * lot.vial_size},
                )
            available = lot.vials_on_hand + (self.previous_vials if lot.pk == self.previous_lot_id else 0)
            if vials > available and not self.history:
                self.add_error(
                    "vials_used" if data.get("vials_used") else "dose",
                    ngettext(
                        "Lot %(lot)s has only %(count)s vial left; this dose needs %(vials)s.",
                        "Lot %(lot)s has only %(count)s vials left; this dose needs %(vials)s.",
                        available,
                    )
                    % {"lot": lot.lot_number, "count": available, "vials": vials},
                )
            data["vials_used"] = vials
        elif not lot:
            data["vials_used"] = 0
        return data

    def _check_dose(self, dose: Decimal, product: Product, given_at, confirmed: bool) -> None:
        unit = product.unit
        if dose <= 0:
            self.add_error("dose", "The dose must be more than zero.")
            return
        if dose > MAX_DOSE[unit]:
            self.add_error("dose", f"{amount(dose)} {unit} is not a possible single dose. Check the number.")
            return
        day = timezone.localtime(given_at).date() if given_at else timezone.localdate()
        weight = self.weights.on(day)
        if weight and not confirmed:
            per_kg = dose / weight
            limit = HIGH_DOSE_PER_KG[unit]
            if per_kg > limit:
                self.needs_confirmation = True
                self.add_error(
                    "dose",
                    f"That is {per_kg:.1f} {unit}/kg at {amount(weight)} kg, more than {limit} {unit}/kg. "
                    "Check the dose, or tick the box below to confirm it.",
                )

    def _check_repeat(self, given_at: dt.datetime) -> None:
        nearby = (
            self.patient.infusions.prophylactic()
            .filter(given_at__gt=given_at - REPEAT_DOSE_WINDOW, given_at__lt=given_at + REPEAT_DOSE_WINDOW)
            .exclude(pk=self.instance.pk)
            .select_related("product", "created_by")
            .first()
        )
        if nearby:
            self.needs_repeat_confirmation = True
            who = f" by {nearby.created_by.display_name}" if nearby.created_by else ""
            self.add_error(
                "given_at",
                f"A prophylactic dose was already logged at {timezone.localtime(nearby.given_at):%d %b %H:%M}{who}: "
                f"{amount(nearby.dose)} {nearby.product.unit} {nearby.product.brand_name}. "
                "If this is another dose, tick the box below.",
            )

    needs_confirmation = False
    needs_repeat_confirmation = False


class RegimenForm(forms.ModelForm):
    weekdays = forms.MultipleChoiceField(
        choices=[(str(i), name) for i, name in enumerate(WEEKDAY_NAMES)],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="On these weekdays",
    )
    end_current = forms.BooleanField(required=False, label="End the current regimen the day before this one starts")

    class Meta:
        model = Regimen
        fields = ("product", "dose", "schedule", "interval_days", "weekdays", "start_date", "end_date", "notes")
        field_classes = {"start_date": PlausibleDateField, "end_date": PlausibleDateField}
        labels = {"dose": "Dose per injection"}
        widgets = {
            "dose": NumberInput(attrs={"min": 0.1}),
            "interval_days": NumberInput(attrs={"min": 1, "max": 60}, step="1", inputmode="numeric"),
            "start_date": DateInput(),
            "end_date": DateInput(),
        }
        help_texts = {
            "dose": "IU for factor concentrates, mg for emicizumab.",
            "end_date": "Leave empty while it continues.",
        }

    def __init__(self, *args, patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.fields["product"].queryset = Product.objects.for_patient(patient).usual_first_for(patient)
        self.fields["product"].empty_label = "Choose a product"
        self.fields["start_date"].initial = timezone.localdate
        self.ended_regimen: Regimen | None = None
        if self.instance.pk:
            self.initial["weekdays"] = list(self.instance.weekdays)
            self.initial["dose"] = amount(self.instance.dose)
        else:
            current = patient.regimens.active_on(timezone.localdate()).first()
            if current:
                self.initial.setdefault("product", current.product_id)
            else:
                del self.fields["end_current"]

    def clean_weekdays(self) -> str:
        return "".join(sorted(set(self.cleaned_data.get("weekdays") or [])))

    def clean(self):
        data = super().clean()
        schedule = data.get("schedule")
        if schedule == ScheduleKind.EVERY_N_DAYS and not data.get("interval_days"):
            self.add_error("interval_days", "Say every how many days.")
        if schedule == ScheduleKind.WEEKDAYS and not data.get("weekdays"):
            self.add_error("weekdays", "Tick at least one weekday.")
        if schedule != ScheduleKind.EVERY_N_DAYS:
            data["interval_days"] = None
        if schedule != ScheduleKind.WEEKDAYS:
            data["weekdays"] = ""
        dose, product = data.get("dose"), data.get("product")
        if dose is not None and dose <= 0:
            self.add_error("dose", "The dose must be more than zero.")
        elif dose is not None and product and dose > MAX_DOSE[product.unit]:
            self.add_error("dose", f"{amount(dose)} {product.unit} is not a possible single dose. Check the number.")
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The regimen can't end before it starts.")
        if start and not self.errors:
            self._reject_overlap(start, end, data.get("end_current", False))
        return data

    def _reject_overlap(self, start: dt.date, end: dt.date | None, end_current: bool) -> None:
        others = self.patient.regimens.exclude(pk=self.instance.pk)
        overlapping = others.filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        if end:
            overlapping = overlapping.filter(start_date__lte=end)
        clashes = list(overlapping.select_related("product")[:2])
        if not clashes:
            return
        clash = clashes[0]
        if end_current and len(clashes) == 1 and clash.start_date < start:
            clash.end_date = start - dt.timedelta(days=1)
            self.ended_regimen = clash
            return
        ends = f"ends {clash.end_date:%d %b %Y}" if clash.end_date else "has no end date"
        raise forms.ValidationError(
            f"This overlaps the regimen from {clash.start_date:%d %b %Y} ({clash}), which {ends}. "
            "Set an end date on that one first."
        )

    @transaction.atomic
    def save(self, commit: bool = True) -> Regimen:
        if self.ended_regimen:
            self.ended_regimen.save(update_fields=["end_date"])
        return super().save(commit=commit)
