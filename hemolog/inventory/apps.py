from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "hemolog.inventory"

    def ready(self) -> None:
        from . import signals

        signals.connect()
