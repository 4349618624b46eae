"""What makes one patient's log his own: a :class:`Profile`, the recipe that
:func:`hemolog.demo.log.build_log` turns into rows. The household's three
profiles are written out in :mod:`.household`; the scale data's are drawn in
:mod:`.random_profiles`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from hemolog.accounts.models import User


@dataclass(frozen=True)
class SiteChance:
    """How likely a bleed is at this site (relative weight), and how often it is spontaneous."""

    site: str
    side: str
    weight: float
    spontaneous: float


@dataclass(frozen=True)
class Phase:
    """One prescribed prophylaxis. Its dose follows the weight: a factor dose is
    re-set when it leaves ``per_kg_range``, an emicizumab dose when it is 25 % off."""

    product: str
    schedule: str
    start: dt.date
    end: dt.date | None = None
    interval_days: int | None = None
    weekdays: str = ""
    per_kg: float = 30  # IU/kg, or mg/kg for emicizumab
    per_kg_range: tuple[float, float] = (20, 50)
    notes: str = ""


@dataclass
class Profile:
    name: str
    born: dt.date
    hemophilia_type: str
    baseline: Decimal
    tz: str
    centre: str
    log_start: dt.date
    weight_factor: float  # times the median weight for age, while growing
    adult_weight: float
    phases: list[Phase]
    on_demand: str | None  # product for bleeds: at home without a factor regimen, at the clinic with emicizumab
    abr: float
    sites: list[SiteChance]
    cluster: tuple[str, str, dt.date] | None  # three spontaneous bleeds in this joint around this day
    miss_rate: float
    dose_hour: float  # usual local time of the prophylactic dose
    loggers: list[tuple[User, float]]  # who types the entries, and how often
    delivery_offset: int  # days ago of the last four-weekly delivery
    short_dated_last_lot: bool = False
    procedures: list[dt.date] = field(default_factory=list)
    fixed_bleeds: list[tuple[dt.date, str, str, str, str | None]] = field(default_factory=list)  # and cause, severity
