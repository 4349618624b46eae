from django.apps import AppConfig


class BackgroundConfig(AppConfig):
    name = "hemolog.background"
    label = "background"
    verbose_name = "Background work"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import periodic

        periodic.register_expiry(periodic.expire_jobs)
