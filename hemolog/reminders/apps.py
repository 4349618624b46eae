from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "hemolog.reminders"
    label = "reminders"
