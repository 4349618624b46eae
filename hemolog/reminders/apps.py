from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "hemolog.reminders"
    label = "reminders"

    def ready(self) -> None:
        from . import sending  # noqa: F401 - registers the periodic job that sends reminders
