from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hemolog.accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .language import keep_language_at_log_in
        from .middleware import start_idle_clock

        user_logged_in.connect(start_idle_clock, dispatch_uid="start_idle_clock")
        user_logged_in.connect(keep_language_at_log_in, dispatch_uid="keep_language_at_log_in")
        _name_the_passkey_field()


def _name_the_passkey_field() -> None:
    """django-allauth's passkey forms leave their "Name" field to Django,
    which labels it in English whatever the language: a label to translate."""
    from allauth.mfa.webauthn import forms
    from django.utils.translation import gettext_lazy

    for form in (forms.AddWebAuthnForm, forms.EditWebAuthnForm):
        # Translators: the name a person gives a passkey or security key ("Work phone").
        form.base_fields["name"].label = gettext_lazy("Name")
