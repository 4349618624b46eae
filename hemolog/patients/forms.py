from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hemolog.core import display
from hemolog.core.formfields import DateInput, NumberInput, PlausibleDateField

from .models import Patient, WeightMeasurement


class PatientForm(forms.ModelForm):
    weight_kg = forms.DecimalField(
        label=_("Current weight (kg)"),
        required=False,
        min_value=1,
        max_value=250,
        max_digits=5,
        decimal_places=1,
        widget=NumberInput(attrs={"min": 1, "max": 250}, step="0.1"),
        help_text=_("Needed to show doses per kg."),
    )

    class Meta:
        model = Patient
        fields = (
            "display_name",
            "date_of_birth",
            "hemophilia_type",
            "baseline_factor_level",
            "severity",
            "inhibitor_status",
            "treatment_centre",
            "half_life_hours",
            "recovery",
        )
        # The model's fields without a verbose name of their own: the same text, translated.
        labels = {
            "display_name": _("Name"),
            "date_of_birth": _("Date of birth"),
            "hemophilia_type": _("Hemophilia type"),
            "severity": _("Severity"),
            "inhibitor_status": _("Inhibitor status"),
            "treatment_centre": _("Treatment centre"),
        }
        field_classes = {"date_of_birth": PlausibleDateField}
        help_texts = {
            "severity": _("Set from the baseline factor level when one is given."),
            "half_life_hours": _("Only if your clinic measured it; otherwise the product's value is used."),
            "recovery": _("Only if your clinic measured it."),
        }
        widgets = {
            "date_of_birth": DateInput(),
            "baseline_factor_level": NumberInput(attrs={"min": 0, "max": 200}),
            "half_life_hours": NumberInput(attrs={"min": 1}),
            "recovery": NumberInput(attrs={"min": 0.1, "max": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["weight_kg"]  # weights are kept as a history on the patient page

    def clean_date_of_birth(self):
        dob = self.cleaned_data.get("date_of_birth")
        if dob and dob > timezone.localdate():
            raise forms.ValidationError(gettext("The date of birth can't be in the future."))
        return dob


class WeightForm(forms.ModelForm):
    class Meta:
        model = WeightMeasurement
        fields = ("measured_on", "weight_kg")
        labels = {"measured_on": _("Measured on")}
        field_classes = {"measured_on": PlausibleDateField}
        widgets = {
            "measured_on": DateInput(),
            "weight_kg": NumberInput(attrs={"min": 1, "max": 250}, step="0.1"),
        }

    def __init__(self, *args, patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.fields["measured_on"].initial = timezone.localdate

    def clean_measured_on(self):
        day = self.cleaned_data["measured_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(gettext("A weight can't be measured in the future."))
        born = self.patient.date_of_birth
        if born and day < born:
            # Translators: "name" is the patient's name, "day" their date of birth.
            raise forms.ValidationError(
                gettext("That is before %(name)s was born (%(day)s).")
                % {"name": self.patient.display_name, "day": display.day(born)}
            )
        return day
