"""Form widgets that make phones show their own date and time pickers."""

from django import forms


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class NumberInput(forms.NumberInput):
    def __init__(self, attrs=None, *, step="any", inputmode="decimal"):
        super().__init__(attrs={"step": step, "inputmode": inputmode, **(attrs or {})})
