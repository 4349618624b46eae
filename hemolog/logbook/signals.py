"""Bleeds, infusions and regimens change the patient's log version (see hemolog.patients.signals)."""

from hemolog.patients.signals import connect_log_models

from .models import BleedEpisode, Infusion, Regimen


def connect() -> None:
    connect_log_models(BleedEpisode, Infusion, Regimen)
