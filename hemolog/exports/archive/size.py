"""How much one restore takes on, checked on the parsed JSON before anything
else, so that every accepted archive restores well inside a worker's 30 s
time-out (docs/speed.md, "Archive restore").

What a row costs differs: a bleed, a dose, a weight, a lot or a ledger line
takes 0.3-0.45 ms (its form, one insert among many); a regimen about 6 ms
(its form asks the database whether it overlaps another) and a patient about
1 ms. So there is a limit on all rows and a smaller one on the costly kinds.
Ten years of a dozen patients' logs is about 15,000 rows and 500 regimens
is forty a patient; without these limits, a 20 MB file of 64,000 bleeds, or
6.8 MB of 30,000 regimens (three minutes), held a worker and SQLite's write
lock past the time-out.
"""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MAX_ROWS = 30_000
MAX_PATIENTS = 50
MAX_REGIMENS = 500
MAX_OWN_PRODUCTS = 200
LOG_LISTS = ("weights", "regimens", "bleeds", "infusions", "lots", "own_products")


def _length(value) -> int:
    return len(value) if isinstance(value, list) else 0


def _patients(data: dict) -> list[dict]:
    """The archive's patients, as far as they are objects (the rest is the schema's to refuse)."""
    patients = data.get("patients")
    return [p for p in patients if isinstance(p, dict)] if isinstance(patients, list) else []


def count_rows(data: dict) -> int:
    """The rows the archive would write: each patient, the entries of its
    lists, and each lot's ledger lines."""
    total = 0
    for patient in _patients(data):
        total += 1 + sum(_length(patient.get(name)) for name in LOG_LISTS)
        lots = patient.get("lots") if isinstance(patient.get("lots"), list) else []
        total += sum(_length(lot.get("ledger")) for lot in lots if isinstance(lot, dict))
    return total


def size_problem(data: dict) -> str:
    """Why the archive is too big to restore at once, or ""."""
    patients = _patients(data)
    counts = [
        ("entries", count_rows(data), MAX_ROWS),
        ("patients", len(patients), MAX_PATIENTS),
        ("regimens", sum(_length(p.get("regimens")) for p in patients), MAX_REGIMENS),
        ("own products", sum(_length(p.get("own_products")) for p in patients), MAX_OWN_PRODUCTS),
    ]
    for what, count, limit in counts:
        if count > limit:
            # Translators: why an archive is too big (a sentence), then what to do instead.
            return _(
                "%(problem)s Export each patient's log as CSV and import them one by one, or ask the "
                "treatment centre's administrator."
            ) % {"problem": _too_many(what, count) % {"count": _count(count), "limit": _count(limit)}}
    return ""


def _count(n: int) -> str:
    return formats.number_format(n, force_grouping=True)


def _too_many(what: str, count: int) -> str:
    if what == "entries":
        return ngettext(
            "This archive holds %(count)s entry; Hemolog restores at most %(limit)s at once.",
            "This archive holds %(count)s entries; Hemolog restores at most %(limit)s at once.",
            count,
        )
    if what == "patients":
        return ngettext(
            "This archive holds %(count)s patient; Hemolog restores at most %(limit)s at once.",
            "This archive holds %(count)s patients; Hemolog restores at most %(limit)s at once.",
            count,
        )
    if what == "regimens":
        return ngettext(
            "This archive holds %(count)s regimen; Hemolog restores at most %(limit)s at once.",
            "This archive holds %(count)s regimens; Hemolog restores at most %(limit)s at once.",
            count,
        )
    # Translators: the family's own products: products they added themselves, not from the shared catalogue.
    return ngettext(
        "This archive holds %(count)s own product; Hemolog restores at most %(limit)s at once.",
        "This archive holds %(count)s own products; Hemolog restores at most %(limit)s at once.",
        count,
    )
