"""A lot or a stock movement changes the patient's log version (see hemolog.patients.signals)."""

from hemolog.patients.models import Patient
from hemolog.patients.signals import connect_log_models

from .models import StockLot, StockMovement


def stock_moved(sender, instance, **kwargs) -> None:
    Patient.log_changed(instance.lot.patient_id)


def connect() -> None:
    connect_log_models(StockLot)
    connect_log_models(StockMovement, receiver=stock_moved)
