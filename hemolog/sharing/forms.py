from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hemolog.patients.models import Patient, PatientAccess

from .services import ROLE_RANK

Role = PatientAccess.Role

ROLE_CHOICES = (
    (Role.CAREGIVER, _("Caregiver: sees the log and logs bleeds and infusions (a grandparent, a nanny)")),
    (Role.CLINICIAN, _("Clinician: read-only, sees the log and the dashboard and can export them")),
    (Role.OWNER, _("Owner: everything, including sharing and deleting the profile (the other parent)")),
)


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Their e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text=_("They accept by logging in (or signing up) with this address."),
    )
    # No default: a wrong role is a real mistake (a clinician who can edit the log).
    role = forms.ChoiceField(label=_("What they may do"), choices=ROLE_CHOICES, widget=forms.RadioSelect)

    def __init__(self, *args, patient: Patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self) -> dict:
        cleaned = super().clean()
        email, role = cleaned.get("email"), cleaned.get("role")
        if email and role:
            existing = (
                PatientAccess.objects.filter(patient=self.patient, user__email__iexact=email).only("role").first()
            )
            if existing and ROLE_RANK[existing.role] >= ROLE_RANK[role]:
                # Translators: "role" is e.g. "caregiver", "clinician (read-only)".
                text = gettext("%(email)s can already see %(name)s's log as %(role)s.")
                self.add_error(
                    "email",
                    text % {"email": email, "name": self.patient.display_name, "role": existing.role_in_a_sentence},
                )
        return cleaned
