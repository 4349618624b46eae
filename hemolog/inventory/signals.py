"""A lot, a stock movement or a product changes the patient's log version
(see hemolog.patients.signals)."""

from django.db.models import F

from hemolog.patients.models import Patient
from hemolog.patients.signals import connect_log_models, forget_history_with_the_patient

from .models import Product, StockLot, StockMovement


def stock_moved(sender, instance, **kwargs) -> None:
    if Patient.deletion_in_progress():  # the lot's patient is going: no need to read the lot
        return
    Patient.log_changed(instance.lot.patient_id)


def product_changed(sender, instance, **kwargs) -> None:
    """A family's own product is in that patient's log; a catalogue product
    (its name, half-life, recovery) is in every patient's pages and figures.
    The catalogue changes seldom (an administrator), so all move on."""
    if instance.patient_id:
        Patient.log_changed(instance.patient_id)
    else:
        Patient.objects.update(data_version=F("data_version") + 1)


def connect() -> None:
    connect_log_models(StockLot)
    forget_history_with_the_patient(StockLot)
    connect_log_models(StockMovement, receiver=stock_moved)
    connect_log_models(Product, receiver=product_changed)
