from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "hemolog.patients"
