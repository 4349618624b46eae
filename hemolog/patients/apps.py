from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "hemolog.patients"

    def ready(self) -> None:
        from . import signals

        signals.connect()
