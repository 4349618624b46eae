import zoneinfo

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm

from .models import User


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class SignUpForm(UserCreationForm):
    time_zone = forms.ChoiceField(choices=time_zone_choices, initial="UTC")

    class Meta:
        model = User
        fields = ("email", "first_name", "time_zone")
        labels = {"first_name": "Your name"}

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this e-mail address already exists.")
        return email


class EmailAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That e-mail and password don't match an account. The password is case-sensitive.",
    }
    username = forms.EmailField(
        label="E-mail", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    remember = forms.BooleanField(
        required=False,
        label="Keep me signed in on this phone",
        help_text="For a phone only you use: up to 14 days without logging in again. "
        "Clinicians are signed out after 30 minutes without use all the same.",
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class AccountSettingsForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=time_zone_choices)

    class Meta:
        model = User
        fields = ("first_name", "last_name", "time_zone")
