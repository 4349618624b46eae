"""Every change to a patient's log moves ``Patient.data_version`` on, so that
anything cached from the log (dashboard charts and figures) is keyed by it and
never shown stale. Bulk writes (the demo seed) bypass signals; a new patient's
cache is empty anyway."""

from django.db.models.signals import post_delete, post_save

from .models import Patient, WeightMeasurement


def _entry_changed(sender, instance, **kwargs) -> None:
    Patient.log_changed(instance.patient_id)


def _stock_moved(sender, instance, **kwargs) -> None:
    Patient.log_changed(instance.lot.patient_id)


def connect() -> None:
    from hemolog.inventory.models import StockLot, StockMovement
    from hemolog.logbook.models import BleedEpisode, Infusion, Regimen

    receivers = [(model, _entry_changed) for model in (BleedEpisode, Infusion, Regimen, WeightMeasurement, StockLot)]
    receivers.append((StockMovement, _stock_moved))
    for model, receiver in receivers:
        for signal, name in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(receiver, sender=model, dispatch_uid=f"log_changed_{name}_{model.__name__}")
