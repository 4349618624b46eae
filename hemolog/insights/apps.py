from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "hemolog.insights"
    label = "insights"
