from django.apps import AppConfig


class LogbookConfig(AppConfig):
    name = "hemolog.logbook"

    def ready(self) -> None:
        from . import signals

        signals.connect()
