"""What the builders of one patient's log share: his profile, his clock, the
random generator, the product catalogue and the rows made so far; and
:class:`DosePlan`, a dose that bleeds or prophylaxis plans and stock gives."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from hemolog.accounts.models import User
from hemolog.demo.profile import Profile
from hemolog.demo.writer import Records
from hemolog.inventory.models import Product
from hemolog.logbook.models import BleedEpisode, GivenBy
from hemolog.patients.models import Patient, severity_from_level


def years_between(earlier: dt.date, later: dt.date) -> float:
    return (later - earlier).days / 365.25


Line = tuple[str, int]  # (brand, vial size): the home stock a dose takes all its vials from


@dataclass
class DosePlan:
    at: dt.datetime
    product: str
    dose: Decimal
    reason: str
    line: Line | None  # None: given at the clinic, from its stock
    vials: int
    given_by: str
    bleed: BleedEpisode | None = None
    notes: str = ""


class LogContext:
    """One patient's log being built. Nothing is dated at or after ``cutoff``
    (five minutes before "now"); ``today`` is his local day at the cutoff."""

    def __init__(self, profile: Profile, rng: random.Random, now: dt.datetime, products: dict[str, Product]):
        self.p = profile
        self.rng = rng
        self.products = products
        self.tz = ZoneInfo(profile.tz)
        self.cutoff = now - dt.timedelta(minutes=5)
        self.today = self.cutoff.astimezone(self.tz).date()
        self.patient = Patient(
            display_name=profile.name,
            date_of_birth=profile.born,
            hemophilia_type=profile.hemophilia_type,
            baseline_factor_level=profile.baseline,
            severity=severity_from_level(profile.baseline) or "UNKNOWN",
            treatment_centre=profile.centre,
        )
        self.records = Records(patients=[self.patient])

    def at(self, day: dt.date, hour: float) -> dt.datetime:
        """The local moment ``hour`` (a fraction of the day, kept within it) of ``day``."""
        minutes = round(min(max(hour, 0), 23.98) * 60)
        return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=self.tz)

    def local_day(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(self.tz).date()

    def age_on(self, day: dt.date) -> float:
        return years_between(self.p.born, day)

    def given_by(self, day: dt.date) -> str:
        return GivenBy.CAREGIVER if self.age_on(day) < 14 else GivenBy.SELF

    def logger(self) -> User:
        """Who typed an entry: one of the profile's loggers, by their shares."""
        users, weights = zip(*self.p.loggers, strict=True)
        return self.rng.choices(users, weights)[0]
