from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hemolog.core"
    label = "hemolog_core"
