"""Links to a page of a patient or of an entry, built from a pattern worked
out once per URL name in this process instead of a ``reverse()`` each time:
for the links on every page (a patient's tabs) and on every row of a list."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import get_script_prefix, get_urlconf, reverse

# Ids no row has (ids have at most 18 digits), none a part of another.
_SAMPLES = (987654321987654321, 987654321987654322, 987654321987654323)
_PATTERNS: dict[tuple, str] = {}


def _pattern(name: str, fields: tuple[str, ...]) -> str:
    """The URL with ``{field}`` where each id goes, worked out once per name."""
    key = (name, fields, get_urlconf(), get_script_prefix())
    pattern = _PATTERNS.get(key)
    if pattern is None:
        samples = dict(zip(fields, _SAMPLES, strict=False))
        pattern = reverse(name, kwargs=samples).replace("{", "{{").replace("}", "}}")
        for field, sample in samples.items():
            pattern = pattern.replace(str(sample), "{" + field + "}")
        _PATTERNS[key] = pattern
    return pattern


def link(name: str, **ids: int) -> str:
    """``reverse(name, kwargs=ids)`` for URLs that take ids."""
    return _pattern(name, tuple(ids)).format(**{field: int(value) for field, value in ids.items()})


def entry_links(name: str, patient_id: int) -> Callable[[int], str]:
    """``link(name, patient_id=patient_id, pk=pk)`` as a function of ``pk``, for
    the rows of a list: the pattern is looked up and filled once."""
    before, after = _pattern(name, ("patient_id", "pk")).format(patient_id=int(patient_id), pk="\0").split("\0")
    return lambda pk: f"{before}{int(pk)}{after}"
