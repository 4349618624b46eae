from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "hemolog.sharing"
    label = "sharing"
