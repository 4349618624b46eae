from django.apps import AppConfig


class LogbookConfig(AppConfig):
    name = "hemolog.logbook"
