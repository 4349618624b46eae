from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from hemolog.clinical.records import WeightHistory
from hemolog.core import display
from hemolog.core.formfields import DateTimeLocalInput, LocalDateTimeField, NumberInput
from hemolog.core.numbers import amount
from hemolog.inventory.models import DoseUnit, Product, StockLot

from .form_choices import InfusionChoices, choice_querysets, day_and_clock_this_year
from .models import (
    LATERAL_SITES,
    MIDLINE_SITES,
    SITE_GROUPS,
    BleedEpisode,
    Infusion,
    Reason,
    Side,
)

# Above these a dose is probably a typo: the form asks for confirmation.
HIGH_DOSE_PER_KG = {DoseUnit.IU: Decimal(300), DoseUnit.MG: Decimal(12)}
# Above these it is refused outright.
MAX_DOSE = {DoseUnit.IU: Decimal(100_000), DoseUnit.MG: Decimal(3_000)}


def now_for_input() -> dt.datetime:
    return timezone.localtime().replace(second=0, microsecond=0)


def check_entry_time(value: dt.datetime | None, patient, in_future: str, before_birth: str) -> None:
    """An entry happens between the patient's birth and now: ``in_future`` and
    ``before_birth`` (with ``%(name)s`` and ``%(born)s``) say which time is wrong."""
    if value and value > timezone.now():
        raise forms.ValidationError(in_future)
    born = patient.date_of_birth
    if value and born and timezone.localtime(value).date() < born:
        raise forms.ValidationError(before_birth % {"name": patient, "born": display.day(born)})


def not_a_single_dose(dose: Decimal, unit: str) -> str:
    # Translators: "200000 IU is not a possible single dose.": the dose and its unit (IU or mg).
    return gettext("%(dose)s %(unit)s is not a possible single dose. Check the number.") % {
        "dose": display.number(dose),
        "unit": unit,
    }


class BleedForm(forms.ModelForm):
    class Meta:
        model = BleedEpisode
        fields = ("started_at", "site", "side", "cause", "severity", "pain", "resolved_at", "notes")
        field_classes = {"started_at": LocalDateTimeField, "resolved_at": LocalDateTimeField}
        labels = {
            "started_at": gettext_lazy("When did it start?"),
            "site": gettext_lazy("Site"),
            "side": gettext_lazy("Side"),
            "cause": gettext_lazy("Cause"),
            "severity": gettext_lazy("Severity"),
            "resolved_at": gettext_lazy("Resolved (leave empty if still bleeding)"),
            "notes": gettext_lazy("Notes"),
        }
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
        self.fields["site"].choices = [("", gettext("Choose where"))] + [
            (group, [(site.value, site.label) for site in sites]) for group, sites in SITE_GROUPS
        ]
        self.fields["side"].choices = [(Side.LEFT.value, Side.LEFT.label), (Side.RIGHT.value, Side.RIGHT.label)]
        self.fields["side"].required = False
        if not self.instance.pk:
            # Nothing pre-chosen: a default cause or severity would quietly
            # count as "spontaneous" or "mild" in the bleeding rates.
            for name in ("side", "cause", "severity"):
                self.initial[name] = None

    def clean_started_at(self):
        started = self.cleaned_data["started_at"]
        check_entry_time(
            started,
            self.patient,
            gettext("A bleed's start can't be in the future."),
            # Translators: %(name)s is the patient, %(born)s the day of birth.
            gettext("A bleed's start can't be before %(name)s was born (%(born)s)."),
        )
        return started

    def clean_resolved_at(self):
        resolved = self.cleaned_data.get("resolved_at")
        check_entry_time(
            resolved,
            self.patient,
            gettext("The resolution time can't be in the future."),
            # Translators: %(name)s is the patient, %(born)s the day of birth.
            gettext("The resolution time can't be before %(name)s was born (%(born)s)."),
        )
        return resolved

    def clean(self):
        data = super().clean()
        started, resolved = data.get("started_at"), data.get("resolved_at")
        if started and resolved and resolved < started:
            self.add_error("resolved_at", gettext("A bleed can't be resolved before it started."))
        site, side = data.get("site"), data.get("side") or ""
        if site in LATERAL_SITES and not side:
            self.add_error("side", gettext("Choose left or right."))
        if site in MIDLINE_SITES and side:
            data["side"] = ""
        return data


# A second prophylactic dose this close to another is most often the same dose
# logged twice (two parents, two phones): the form asks before saving it.
REPEAT_DOSE_WINDOW = dt.timedelta(hours=12)


class InfusionForm(forms.ModelForm):
    confirm_high_dose = forms.BooleanField(
        required=False, label=gettext_lazy("I have checked this dose: it is correct")
    )
    confirm_repeat = forms.BooleanField(
        required=False, label=gettext_lazy("This is another dose, not the same one twice")
    )

    class Meta:
        model = Infusion
        fields = ("given_at", "lot", "product", "dose", "vials_used", "reason", "bleed", "given_by", "notes")
        field_classes = {"given_at": LocalDateTimeField}
        labels = {
            "given_at": gettext_lazy("When?"),
            "lot": gettext_lazy("From stock (lot)"),
            "product": gettext_lazy("Product"),
            "dose": gettext_lazy("Dose"),
            "vials_used": gettext_lazy("Vials used"),
            "reason": gettext_lazy("Reason"),
            "bleed": gettext_lazy("For which bleed?"),
            "given_by": gettext_lazy("Given by"),
            "notes": gettext_lazy("Notes"),
        }
        help_texts = {
            "lot": gettext_lazy(
                "Only this patient's unexpired stock is listed. Leave empty for a dose given at the clinic."
            ),
            "product": gettext_lazy("Filled in from the lot when you pick one."),
            "vials_used": gettext_lazy("Leave empty to count them from the dose and vial size."),
            # Translators: IU, international units, measure a factor concentrate; mg, milligrams, emicizumab.
            "dose": gettext_lazy("IU for factor concentrates, mg for emicizumab."),
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
            ("", gettext("None (given at the clinic)")),
            *((lot.pk, lot.label) for lot in choices.lots),
        ]
        self.fields["product"].choices = [("", gettext("Choose a product")), *choices.products]
        self.fields["bleed"].choices = [("", gettext("Not for a bleed")), *choices.bleeds]
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
        check_entry_time(
            given,
            self.patient,
            gettext("An infusion's time can't be in the future."),
            # Translators: %(name)s is the patient, %(born)s the day of birth.
            gettext("An infusion's time can't be before %(name)s was born (%(born)s)."),
        )
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
                self.add_error(
                    "lot",
                    # Translators: "This lot is Advate, not Elocta.": two product names.
                    gettext("This lot is %(lot_product)s, not %(product)s.")
                    % {"lot_product": lot.product.brand_name, "product": product.brand_name},
                )
            data["product"] = product = lot.product
            if day and lot.expires_on < day:
                self.add_error(
                    "lot",
                    # Translators: %(lot)s is the lot number printed on the box.
                    gettext("Lot %(lot)s expired on %(day)s, before this dose.")
                    % {"lot": lot.lot_number, "day": display.day(lot.expires_on)},
                )
            elif day and lot.received_on > day:
                self.add_error(
                    "lot",
                    # Translators: %(lot)s is the lot number printed on the box.
                    gettext("Lot %(lot)s was received on %(day)s, after this dose.")
                    % {"lot": lot.lot_number, "day": display.day(lot.received_on)},
                )
        elif not product and "product" not in self.errors:
            self.add_error("product", gettext("Choose a product, or a lot from stock."))

        if dose is not None and product:
            self._check_dose(dose, product, given_at, data.get("confirm_high_dose"))
        bleed = data.get("bleed")
        if bleed and given_at and bleed.started_at > given_at:
            self.add_error(
                "bleed",
                gettext("This bleed started at %(time)s, after this dose.")
                % {"time": day_and_clock_this_year(bleed.started_at)},
            )
        if given_at and data.get("reason") == Reason.PROPHYLAXIS and not data.get("confirm_repeat"):
            self._check_repeat(given_at)

        if lot and dose is not None and dose > 0:
            vials = data.get("vials_used") or math.ceil(dose / lot.vial_size)
            if vials * lot.vial_size < dose:
                self.add_error(
                    "vials_used",
                    # Translators: "2 vials of 500 IU hold 1000 IU": the unit is IU or mg.
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
                    # Translators: %(lot)s is the lot number printed on the box.
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
            self.add_error("dose", gettext("The dose must be more than zero."))
            return
        if dose > MAX_DOSE[unit]:
            self.add_error("dose", not_a_single_dose(dose, unit))
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
                    # Translators: "That is 312.5 IU/kg at 40 kg, more than 300 IU/kg.": the unit is IU or mg.
                    gettext(
                        "That is %(per_kg)s %(unit)s/kg at %(weight)s kg, more than %(limit)s %(unit)s/kg. "
                        "Check the dose, or tick the box below to confirm it."
                    )
                    % {
                        "per_kg": formats.number_format(per_kg.quantize(Decimal("0.1")), decimal_pos=1),
                        "unit": unit,
                        "weight": display.number(weight),
                        "limit": display.number(limit),
                    },
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
            values = {
                "time": day_and_clock_this_year(nearby.given_at),
                "name": nearby.created_by.display_name if nearby.created_by else "",
                "dose": display.number(nearby.dose),
                "unit": nearby.product.unit,
                "product": nearby.product.brand_name,
            }
            if nearby.created_by:
                # Translators: "… logged at 3 Nov 18:20 by Anna: 1000 IU Advate.": the time, who, the dose,
                # its unit (IU or mg) and the product.
                message = gettext(
                    "A prophylactic dose was already logged at %(time)s by %(name)s: %(dose)s %(unit)s %(product)s. "
                    "If this is another dose, tick the box below."
                )
            else:
                # Translators: "… logged at 3 Nov 18:20: 1000 IU Advate.": the time, the dose, its unit (IU or mg)
                # and the product.
                message = gettext(
                    "A prophylactic dose was already logged at %(time)s: %(dose)s %(unit)s %(product)s. "
                    "If this is another dose, tick the box below."
                )
            self.add_error("given_at", message % values)

    needs_confirmation = False
    needs_repeat_confirmation = False
