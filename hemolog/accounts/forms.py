import zoneinfo

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.utils.translation import gettext, gettext_lazy

from .middleware import IDLE_LIMIT
from .models import User


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class SignUpForm(AllauthSignupForm):
    """django-allauth's sign-up (e-mail, password twice) with the name and the
    time zone. A taken address is not refused here: allauth answers as for a
    new one and e-mails the address's owner instead (ACCOUNT_PREVENT_ENUMERATION)."""

    first_name = forms.CharField(label=gettext_lazy("Your name"), max_length=150)
    time_zone = forms.ChoiceField(label=gettext_lazy("Time zone"), choices=time_zone_choices, initial="UTC")
    field_order = ["email", "first_name", "time_zone", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = gettext("E-mail")

    def signup(self, request, user: User) -> None:
        """Called by allauth when the account is made (custom_signup)."""
        user.first_name = self.cleaned_data["first_name"]
        user.time_zone = self.cleaned_data["time_zone"]
        user.save(update_fields=["first_name", "time_zone"])


class LoginForm(AllauthLoginForm):
    """Log in by e-mail. "Keep me signed in on this phone" chooses the idle
    time-out (hemolog.accounts.middleware); a clinician's is shortened again
    by hemolog.patients.signals."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = gettext("E-mail")
        self.fields["login"].widget.attrs.update(autofocus=True, autocomplete="email")
        self.fields["remember"].label = gettext("Keep me signed in on this phone")
        self.fields["remember"].help_text = gettext(
            "For a phone only you use: up to 14 days without logging in again. "
            "Clinicians are signed out after 30 minutes without use all the same."
        )

    def login(self, request, redirect_url=None):
        remember = self.cleaned_data.get("remember")
        request.session[IDLE_LIMIT] = settings.SESSION_COOKIE_AGE if remember else settings.SESSION_IDLE_SECONDS
        return super().login(request, redirect_url)


def language_choices() -> list[tuple[str, str]]:
    """Each language named in its own language (settings.LANGUAGES)."""
    return [("", gettext_lazy("The browser's language")), *settings.LANGUAGES]


class AccountSettingsForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=gettext_lazy("Time zone"), choices=time_zone_choices)
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        choices=language_choices,
        required=False,
        help_text=gettext_lazy("Pages, e-mails and reminders are written in it."),
    )

    class Meta:
        model = User
        fields = ("first_name", "last_name", "time_zone", "language")
