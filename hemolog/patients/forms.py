from django import forms
from django.utils import timezone

from hemolog.core.formfields import DateInput, NumberInput, PlausibleDateField

from .models import Patient, WeightMeasurement


class PatientForm(forms.ModelForm):
    weight_kg = forms.DecimalField(
        label="Current weight (kg)",
        required=False,
        min_value=1,
        max_value=250,
        max_digits=5,
        decimal_places=1,
        widget=NumberInput(attrs={"min": 1, "max": 250}, step="0.1"),
        help_text="Needed to show doses per kg.",
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
        labels = {"display_name": "Name"}
        field_classes = {"date_of_birth": PlausibleDateField}
        help_texts = {
            "severity": "Set from the baseline factor level when one is given.",
            "half_life_hours": "Only if your clinic measured it; otherwise the product's value is used.",
            "recovery": "Only if your clinic measured it.",
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
            raise forms.ValidationError("The date of birth can't be in the future.")
        return dob


class WeightForm(forms.ModelForm):
    class Meta:
        model = WeightMeasurement
        fields = ("measured_on", "weight_kg")
        labels = {"measured_on": "Measured on"}
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
            raise forms.ValidationError("A weight can't be measured in the future.")
        born = self.patient.date_of_birth
        if born and day < born:
            raise forms.ValidationError(f"That is before {self.patient} was born ({born:%d %b %Y}).")
        return day
