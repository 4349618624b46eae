"""Many more patients for load (``seed_demo --patients N --years Y``): each with
a new owner account (``owner0001@demo.hemolog`` …), a parent for a child or the
patient himself for an adult, and a log from a random profile."""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from hemolog.accounts.models import User
from hemolog.demo.log import DEFAULT_SEED, build_log, catalogue
from hemolog.demo.people import DEMO_DOMAIN, DEMO_PASSWORD, FIRST_NAMES, PARENT_NAMES, SURNAMES, TIME_ZONES, demo_user
from hemolog.demo.random_profiles import random_profile
from hemolog.demo.writer import BulkWriter, Records
from hemolog.inventory.models import Product
from hemolog.patients.models import PatientAccess

EXTRA_EMAIL = re.compile(rf"^owner(\d+)@{re.escape(DEMO_DOMAIN)}$")
ADULT_SHARE = 0.6  # of the extra patients; the others are children with a parent as owner


def extra_email(number: int) -> str:
    return f"owner{number:04d}@{DEMO_DOMAIN}"


def extra_owners():
    return User.objects.filter(email__startswith="owner", email__endswith=f"@{DEMO_DOMAIN}")


def extra_owner_count() -> int:
    return extra_owners().count()


def next_extra_number() -> int:
    emails = extra_owners().values_list("email", flat=True)
    numbers = [int(match.group(1)) for email in emails if (match := EXTRA_EMAIL.match(email))]
    return max(numbers, default=0) + 1


def build_extra_patient(
    number: int, years: int, now: dt.datetime, seed: int, password_hash: str, products: dict[str, Product]
) -> Records:
    """Patient number ``number`` and his owner: a parent for a child, the patient himself for an adult."""
    rng = random.Random(f"{seed}:extra:{number}")
    tz = rng.choice(TIME_ZONES)
    surname = rng.choice(SURNAMES)
    is_adult = rng.random() < ADULT_SHARE
    first_name = rng.choice(FIRST_NAMES if is_adult else PARENT_NAMES)
    joined = now - dt.timedelta(days=round(years * 365.25) + 1)
    owner = demo_user(extra_email(number), first_name, surname, password_hash, tz, joined)
    profile = random_profile(rng, now, years, owner, patient_user=is_adult)
    if is_adult:
        profile.name = f"{first_name} {surname}"
    log = build_log(profile, rng, now, products)
    log.records.users.append(owner)
    log.records.accesses.append(PatientAccess(user=owner, patient=log.patient, role=PatientAccess.Role.OWNER))
    return log.records


@transaction.atomic
def create_extra_patients(
    count: int, years: int, now: dt.datetime | None = None, seed: int = DEFAULT_SEED
) -> tuple[Counter, range]:
    """``count`` more patients with ``years`` of log each, each with a new owner account.
    Returns what was saved and the owners' numbers (``owner0001@demo.hemolog`` …)."""
    now = now or timezone.now()
    started = timezone.now()
    password_hash = make_password(DEMO_PASSWORD)
    products = catalogue()
    first = next_extra_number()
    numbers = range(first, first + count)
    writer = BulkWriter()
    for number in numbers:
        writer.add(build_extra_patient(number, years, now, seed, password_hash, products))
    writer.flush()
    PatientAccess.objects.filter(granted_at__gte=started, user__email__endswith=f"@{DEMO_DOMAIN}").update(
        granted_at=now - dt.timedelta(days=round(years * 365.25))
    )
    return writer.saved, numbers
