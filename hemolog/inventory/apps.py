from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "hemolog.inventory"
