"""Hypothesis strategies for logs shaped like the ones the app makes (bleeds and
doses with valid codes, times in the past at distinct minutes, doses within the
forms' limits, and notes as a form stores them, stripped, but holding anything
a person types: any script, commas, quotes, line breaks, and text a spreadsheet
would run as a formula), and writing them for one example of a test."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from hypothesis import strategies as st

from hemolog.inventory.models import DoseUnit
from hemolog.logbook.forms import MAX_DOSE
from hemolog.logbook.models import (
    LATERAL_SITES,
    MIDLINE_SITES,
    BleedEpisode,
    BleedSeverity,
    Cause,
    GivenBy,
    Infusion,
    Reason,
    Site,
)
from hemolog.patients.models import Patient
from tests import factories

# Well in the past, whenever the tests run; entries fall within three years after it.
START = dt.datetime(2021, 1, 4, 6, 0, tzinfo=dt.UTC)
SPAN_MINUTES = 3 * 365 * 24 * 60
PRODUCTS = {"Advate": DoseUnit.IU, "BeneFIX": DoseUnit.IU, "NovoSeven": DoseUnit.MG, "Hemlibra": DoseUnit.MG}

FORMULAS = st.sampled_from(["=SUM(1)", "+1", "-2", "@x", "'=x", "''+1", "=1+1, left arm", '=HYPERLINK("x")'])
TYPED = st.text(
    alphabet=st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from("\n\r\t,;\"'=+-@"),
    max_size=30,
)
NOTES = st.one_of(TYPED, FORMULAS, st.tuples(FORMULAS, TYPED).map("".join)).map(str.strip)


@dataclass
class BleedEntry:
    started_at: dt.datetime
    resolved_at: dt.datetime | None
    site: str
    side: str
    cause: str
    severity: str
    pain: int | None
    notes: str


@dataclass
class DoseEntry:
    given_at: dt.datetime
    product: str  # a brand of the catalogue
    dose: Decimal
    reason: str
    given_by: str
    bleed: int | None  # the index of the bleed it treated, which started before it
    notes: str


def _side(site: str) -> st.SearchStrategy[str]:
    if site in LATERAL_SITES:
        return st.sampled_from(["L", "R"])
    return st.just("") if site in MIDLINE_SITES else st.sampled_from(["", "L", "R"])


@st.composite
def bleed_entries(draw, started_at: dt.datetime) -> BleedEntry:
    site = draw(st.sampled_from(Site.values))
    lasted = draw(st.none() | st.integers(0, 20 * 24 * 60))
    return BleedEntry(
        started_at=started_at,
        resolved_at=None if lasted is None else started_at + dt.timedelta(minutes=lasted),
        site=site,
        side=draw(_side(site)),
        cause=draw(st.sampled_from(Cause.values)),
        severity=draw(st.sampled_from(BleedSeverity.values)),
        pain=draw(st.none() | st.integers(0, 10)),
        notes=draw(NOTES),
    )


def doses(unit: str) -> st.SearchStrategy[Decimal]:
    """Up to the largest possible single dose, in tenths (the stored precision)."""
    return st.integers(1, int(MAX_DOSE[unit] * 10)).map(lambda tenths: Decimal(tenths).scaleb(-1))


@st.composite
def dose_entries(draw, given_at: dt.datetime, bleeds: list[BleedEntry]) -> DoseEntry:
    product = draw(st.sampled_from(sorted(PRODUCTS)))
    before = [n for n, bleed in enumerate(bleeds) if bleed.started_at <= given_at]
    return DoseEntry(
        given_at=given_at,
        product=product,
        dose=draw(doses(PRODUCTS[product])),
        reason=draw(st.sampled_from(Reason.values)),
        given_by=draw(st.sampled_from(GivenBy.values)),
        bleed=draw(st.none() | st.sampled_from(before)) if before else None,
        notes=draw(NOTES),
    )


def _moment(minute: int, second: int) -> dt.datetime:
    return START + dt.timedelta(minutes=minute, seconds=second)


@st.composite
def logs(draw, max_entries: int = 6) -> tuple[list[BleedEntry], list[DoseEntry]]:
    """Bleeds and doses, each at a minute of its own (the import matches entries by the minute)."""
    minutes = draw(st.lists(st.integers(0, SPAN_MINUTES), min_size=1, max_size=2 * max_entries, unique=True))
    split = draw(st.integers(0, len(minutes)))
    seconds = st.integers(0, 59)
    bleeds = [draw(bleed_entries(_moment(m, draw(seconds)))) for m in sorted(minutes[:split])]
    dose_list = [draw(dose_entries(_moment(m, draw(seconds)), bleeds)) for m in sorted(minutes[split:])]
    return bleeds, dose_list


class _Rollback(Exception):
    pass


@contextmanager
def rolled_back():
    """A savepoint for one example, rolled back after it."""
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


def write_log(patient: Patient, bleeds: list[BleedEntry], doses: list[DoseEntry]) -> None:
    saved = [
        BleedEpisode.objects.create(
            patient=patient,
            started_at=b.started_at,
            resolved_at=b.resolved_at,
            site=b.site,
            side=b.side,
            cause=b.cause,
            severity=b.severity,
            pain=b.pain,
            notes=b.notes,
        )
        for b in bleeds
    ]
    for d in doses:
        Infusion.objects.create(
            patient=patient,
            given_at=d.given_at,
            product=factories.product(d.product),
            dose=d.dose,
            reason=d.reason,
            given_by=d.given_by,
            bleed=None if d.bleed is None else saved[d.bleed],
            notes=d.notes,
        )
