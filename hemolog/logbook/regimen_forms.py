"""The regimen's form: a prophylaxis schedule with its start and end, never
overlapping another of the patient's (split from forms.py by what it edits)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from hemolog.core import display
from hemolog.core.formfields import DateInput, NumberInput, PlausibleDateField
from hemolog.core.numbers import amount
from hemolog.inventory.models import Product

from .forms import MAX_DOSE, not_a_single_dose
from .models import (
    WEEKDAY_NAMES,
    Regimen,
    ScheduleKind,
)


class RegimenForm(forms.ModelForm):
    weekdays = forms.MultipleChoiceField(
        choices=[(str(i), name) for i, name in enumerate(WEEKDAY_NAMES)],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=gettext_lazy("On these weekdays"),
    )
    end_current = forms.BooleanField(
        required=False, label=gettext_lazy("End the current regimen the day before this one starts")
    )

    class Meta:
        model = Regimen
        fields = ("product", "dose", "schedule", "interval_days", "weekdays", "start_date", "end_date", "notes")
        field_classes = {"start_date": PlausibleDateField, "end_date": PlausibleDateField}
        labels = {
            "product": gettext_lazy("Product"),
            "dose": gettext_lazy("Dose per injection"),
            "schedule": gettext_lazy("Schedule"),
            "start_date": gettext_lazy("Start date"),
            "end_date": gettext_lazy("End date"),
            "notes": gettext_lazy("Notes"),
        }
        widgets = {
            "dose": NumberInput(attrs={"min": 0.1}),
            "interval_days": NumberInput(attrs={"min": 1, "max": 60}, step="1", inputmode="numeric"),
            "start_date": DateInput(),
            "end_date": DateInput(),
        }
        help_texts = {
            # Translators: IU, international units, measure a factor concentrate; mg, milligrams, emicizumab.
            "dose": gettext_lazy("IU for factor concentrates, mg for emicizumab."),
            "end_date": gettext_lazy("Leave empty while it continues."),
        }

    def __init__(self, *args, patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.fields["product"].queryset = Product.objects.for_patient(patient).usual_first_for(patient)
        self.fields["product"].empty_label = gettext("Choose a product")
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
            self.add_error("interval_days", gettext("Say every how many days."))
        if schedule == ScheduleKind.WEEKDAYS and not data.get("weekdays"):
            self.add_error("weekdays", gettext("Tick at least one weekday."))
        if schedule != ScheduleKind.EVERY_N_DAYS:
            data["interval_days"] = None
        if schedule != ScheduleKind.WEEKDAYS:
            data["weekdays"] = ""
        dose, product = data.get("dose"), data.get("product")
        if dose is not None and dose <= 0:
            self.add_error("dose", gettext("The dose must be more than zero."))
        elif dose is not None and product and dose > MAX_DOSE[product.unit]:
            self.add_error("dose", not_a_single_dose(dose, product.unit))
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", gettext("The regimen can't end before it starts."))
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
        values = {"start": display.day(clash.start_date), "regimen": clash}
        if clash.end_date:
            # Translators: "… the regimen from 3 Dec 2026 (Advate 1000 IU, weekly), which ends 3 Jun 2027.":
            # its start, the regimen, its end.
            message = gettext(
                "This overlaps the regimen from %(start)s (%(regimen)s), which ends %(end)s. "
                "Set an end date on that one first."
            )
            values["end"] = display.day(clash.end_date)
        else:
            # Translators: "… the regimen from 3 Dec 2026 (Advate 1000 IU, weekly), which has no end date.".
            message = gettext(
                "This overlaps the regimen from %(start)s (%(regimen)s), which has no end date. "
                "Set an end date on that one first."
            )
        raise forms.ValidationError(message % values)

    @transaction.atomic
    def save(self, commit: bool = True) -> Regimen:
        if self.ended_regimen:
            self.ended_regimen.save(update_fields=["end_date"])
        return super().save(commit=commit)
