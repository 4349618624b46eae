from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hemolog.accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .language import keep_language_at_log_in
        from .middleware import start_idle_clock

        user_logged_in.connect(start_idle_clock, dispatch_uid="start_idle_clock")
        user_logged_in.connect(keep_language_at_log_in, dispatch_uid="keep_language_at_log_in")
