from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "hemolog.exports"
    label = "exports"
