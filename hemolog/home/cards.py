"""What a family's home page shows of each patient: the last bleed and
infusion, the due prophylaxis dose and the stock to check.

They are read for all the patients at once, in four queries whatever their
number, and cached per patient by the log's version (``data_version``, moved
on by every change to the log and the stock), the day and the time zone: all
three figures are functions of those alone, so a cached one is never stale.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from hemolog.core.caching import values_cache
from hemolog.insights.due import DoseStatus, dose_statuses
from hemolog.inventory.models import EXPIRY_WARNING_DAYS, StockLot
from hemolog.logbook.models import BleedEpisode, Infusion
from hemolog.patients.models import Patient

CACHE_SECONDS = 60 * 60 * 24


@dataclass(frozen=True)
class StockAlert:
    """A lot with vials left that expires within the warning days (or has expired)."""

    patient_id: int
    brand: str
    lot_number: str
    vials: int
    expires_on: dt.date


@dataclass(frozen=True)
class Summary:
    last_bleed_at: dt.datetime | None
    last_infusion_at: dt.datetime | None
    dose_status: DoseStatus | None
    alerts: tuple[StockAlert, ...]


def summaries(versions: list[tuple[int, int]], now: dt.datetime | None = None) -> dict[int, Summary]:
    """Each patient's summary by id, from ``(id, data_version)`` pairs."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    keys = {pk: f"home:{pk}:{version}:{today}:{timezone.get_current_timezone_name()}" for pk, version in versions}
    found = values_cache.get_many(list(keys.values()))
    result = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in keys if pk not in result]
    if missing:
        read = _read(missing, now, today)
        values_cache.set_many({keys[pk]: summary for pk, summary in read.items()}, CACHE_SECONDS)
        result.update(read)
    return result


def _read(patient_ids: list[int], now: dt.datetime, today: dt.date) -> dict[int, Summary]:
    last_bleed = BleedEpisode.objects.filter(patient=OuterRef("pk")).order_by("-started_at")
    last_infusion = Infusion.objects.filter(patient=OuterRef("pk")).order_by("-given_at")
    last = {
        pk: (bleed, infusion)
        for pk, bleed, infusion in Patient.objects.filter(pk__in=patient_ids)
        .annotate(
            last_bleed_at=Subquery(last_bleed.values("started_at")[:1]),
            last_infusion_at=Subquery(last_infusion.values("given_at")[:1]),
        )
        .values_list("pk", "last_bleed_at", "last_infusion_at")
    }
    alerts: dict[int, list[StockAlert]] = {pk: [] for pk in patient_ids}
    lots = (
        StockLot.objects.filter(
            patient_id__in=patient_ids,
            vials_on_hand__gt=0,
            expires_on__lte=today + dt.timedelta(days=EXPIRY_WARNING_DAYS),
        )
        .order_by("expires_on", "pk")
        .values_list("patient_id", "product__brand_name", "lot_number", "vials_on_hand", "expires_on")
    )
    for row in lots:
        alerts[row[0]].append(StockAlert(*row))
    statuses = dose_statuses(patient_ids, now)
    return {
        pk: Summary(*last.get(pk, (None, None)), dose_status=statuses[pk], alerts=tuple(alerts[pk]))
        for pk in patient_ids
    }


@dataclass(frozen=True)
class PatientCard:
    """One patient on a family's home page."""

    patient_id: int
    name: str
    role_label: str
    can_write: bool
    last_bleed: str  # "3 days, 2 hours ago", "" if none
    last_infusion: str
    dose_status: DoseStatus | None  # for those who log, with a regimen
    overdue_days: SafeString = SafeString("")  # "Mon 1 Dec (skipped?), Wed 3 Dec (skipped?)"
    next_due: str = ""  # "Wed 3 Dec"


def ago(moment: dt.datetime | None, now: dt.datetime) -> str:
    """As the ``timesince`` filter followed by "ago"; "" for no time."""
    # Translators: how long ago something was logged; %(time)s is "3 days, 2 hours".
    return _("%(time)s ago") % {"time": timesince(moment, now)} if moment else ""
