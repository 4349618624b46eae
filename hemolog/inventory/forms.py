from django import forms
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from hemolog.core.formfields import DateInput, NumberInput, PlausibleDateField

from .models import DoseUnit, Product, ProductKind, StockLot, StockMovement


class ReceiveLotForm(forms.ModelForm):
    vials = forms.IntegerField(
        label=_("Number of vials"),
        min_value=1,
        max_value=500,
        widget=NumberInput(attrs={"min": 1, "max": 500}, step="1", inputmode="numeric"),
    )

    class Meta:
        model = StockLot
        fields = ("product", "lot_number", "vial_size", "vials", "expires_on", "received_on", "storage")
        field_classes = {"expires_on": PlausibleDateField, "received_on": PlausibleDateField}
        widgets = {
            "vial_size": NumberInput(attrs={"min": 1}, step="1", inputmode="numeric"),
            "expires_on": DateInput(),
            "received_on": DateInput(),
        }
        # The model's fields without a verbose name of their own: the same text, translated.
        labels = {
            "product": _("Product"),
            "lot_number": _("Lot number"),
            "received_on": _("Received on"),
            "storage": _("Storage"),
        }
        help_texts = {"vial_size": _("IU per vial (mg for emicizumab).")}

    def __init__(self, *args, patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.for_patient(patient)
        self.fields["product"].empty_label = _("Choose the product")  # not Django's "---------"
        self.fields["received_on"].initial = timezone.localdate

    def clean_lot_number(self) -> str:
        lot_number = self.cleaned_data["lot_number"].strip()
        if not lot_number:
            raise forms.ValidationError(gettext("Enter the lot number printed on the box."))
        return lot_number

    def clean_expires_on(self):
        expires = self.cleaned_data["expires_on"]
        if expires < timezone.localdate():
            raise forms.ValidationError(gettext("This lot has already expired: don't add it to stock."))
        return expires

    def clean_received_on(self):
        received = self.cleaned_data["received_on"]
        if received > timezone.localdate():
            raise forms.ValidationError(gettext("Stock can't be received in the future."))
        return received

    def clean_vial_size(self) -> int:
        size = self.cleaned_data["vial_size"]
        if size > 20_000:
            raise forms.ValidationError(gettext("That vial size is not possible. Check the number."))
        return size


class AdjustStockForm(forms.Form):
    """Discard vials, write off expired ones, or correct the count after counting the fridge."""

    KIND_CHOICES = [
        (StockMovement.Kind.DISCARDED, _("Discard vials (broken, lost, not stored cold)")),
        (StockMovement.Kind.EXPIRED, _("Write off expired vials")),
        (StockMovement.Kind.ADJUSTED, _("Correct the count: I counted the vials")),
    ]
    kind = forms.ChoiceField(choices=KIND_CHOICES, widget=forms.RadioSelect, label=_("What happened?"))
    vials = forms.IntegerField(
        min_value=0,
        max_value=500,
        label=_("Vials"),
        help_text=_("How many to discard or write off; or, when correcting, how many you counted."),
        widget=NumberInput(attrs={"min": 0, "max": 500}, step="1", inputmode="numeric"),
    )
    reason = forms.CharField(max_length=200, label=_("Reason"), help_text=_("Say why, for the record."))

    def __init__(self, *args, lot: StockLot, **kwargs):
        super().__init__(*args, **kwargs)
        self.lot = lot

    def clean(self):
        data = super().clean()
        kind, vials = data.get("kind"), data.get("vials")
        if kind is None or vials is None:
            return data
        if kind == StockMovement.Kind.ADJUSTED:
            data["change"] = vials - self.lot.vials_on_hand
            if data["change"] == 0:
                text = ngettext(
                    "The lot already holds %(count)s vial: nothing to correct.",
                    "The lot already holds %(count)s vials: nothing to correct.",
                    vials,
                )
                self.add_error("vials", text % {"count": vials})
        else:
            if vials == 0:
                self.add_error("vials", gettext("Enter how many vials."))
            elif vials > self.lot.vials_on_hand:
                held = self.lot.vials_on_hand
                text = ngettext("The lot holds only %(count)s vial.", "The lot holds only %(count)s vials.", held)
                self.add_error("vials", text % {"count": held})
            data["change"] = -vials
        return data


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = (
            "brand_name",
            "generic_name",
            "kind",
            "half_life_class",
            "default_half_life_hours",
            "default_recovery",
            "unit",
            "vial_sizes",
        )
        # The model's fields without a verbose name of their own: the same text, translated.
        labels = {
            "brand_name": _("Brand name"),
            "generic_name": _("Generic name"),
            "kind": pgettext_lazy("product", "Kind"),
            "half_life_class": _("Half life class"),
            "unit": _("Unit"),
            "vial_sizes": _("Vial sizes"),
        }
        widgets = {
            "default_half_life_hours": NumberInput(attrs={"min": 1}),
            "default_recovery": NumberInput(attrs={"min": 0.1}),
        }

    def clean_vial_sizes(self) -> str:
        raw = self.cleaned_data.get("vial_sizes", "")
        parts = [p.strip() for p in raw.split(",") if p.strip()]
        if any(not (p.isascii() and p.isdigit()) or int(p) <= 0 for p in parts):
            raise forms.ValidationError(gettext("List whole numbers separated by commas, e.g. 250, 500, 1000."))
        return ", ".join(parts)

    def clean(self):
        data = super().clean()
        if data.get("kind") == ProductKind.EMICIZUMAB:
            data["unit"] = DoseUnit.MG
        return data
