"""The personal archive's format, version 1: one pydantic model, :class:`Archive`,
that the export fills and dumps and the restore validates an upload against.

It checks the shape only: every field present, no unknown field, each value of
its type (text, a whole number, a number written as text, a date, a time with
its offset, a list, an object, a product reference). Whether a value is allowed
(a site, a dose, a time after the birth …) is for the forms and models that
check an entry typed in the app, which the restore goes through.

Times are ISO 8601 and written in UTC; dates ISO 8601; decimals strings, so
that no reader turns ``"1000.0"`` into a float. Objects refer to each other by
keys that are positions in the archive (``"bleed-3"``), not database ids.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from django import forms
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
    ValidationError,
    model_serializer,
)
from pydantic import model_validator as model_check
from pydantic_core import PydanticCustomError

from hemolog.core.formfields import check_plausible_day

FORMAT = "hemolog-archive"
VERSION = 1
INT_LIMIT = 2**31 - 1  # the database's integer columns


def _problem(message: str) -> PydanticCustomError:
    return PydanticCustomError("archive", message)


def _given(value: Any) -> Any:
    if value is None:
        raise _problem(_("can't be empty."))
    return value


def _text(value: Any) -> str:
    if not isinstance(_given(value), str):
        raise _problem(_("must be text."))
    if "\x00" in value:  # PostgreSQL can't store it
        # Translators: NUL is the name of the character of code 0.
        raise _problem(_("contains a NUL character."))
    return value


def _whole_number(value: Any) -> int:
    if isinstance(_given(value), bool) or not isinstance(value, int):
        raise _problem(_("must be a whole number."))
    if abs(value) > INT_LIMIT:
        raise _problem(_("is out of range."))
    return value


def _number(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if not isinstance(_given(value), str):
        # Translators: "1000.0" is as the archive file writes a number: keep it as it is.
        raise _problem(_('must be a number written as text, e.g. "1000.0".'))
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise _problem(_("is not a number.")) from None
    if not number.is_finite():
        raise _problem(_("is not a number."))
    return number


def _plausible(day: dt.date) -> None:
    """The app's date range, so that converting a time to UTC can't overflow."""
    try:
        check_plausible_day(day)
    except forms.ValidationError as error:
        raise _problem(error.messages[0]) from None


def _day(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    day = parse_date(_given(value)) if isinstance(value, str) else None
    if day is None:
        raise _problem(_("must be a date like 2025-03-01."))
    _plausible(day)
    return day


def _time(value: Any) -> dt.datetime:
    try:
        moment = value if isinstance(value, dt.datetime) else parse_datetime(_text(value))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise _problem(_("must be a time with its offset, like 2025-03-01T06:30:00+00:00."))
    _plausible(moment.date())
    return moment


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


Text = Annotated[str, BeforeValidator(_text)]
Key = Text  # "bleed-3": a position in the archive
WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
Number = Annotated[Decimal, BeforeValidator(_number), PlainSerializer(str, return_type=str, when_used="json")]
Day = Annotated[dt.date, BeforeValidator(_day), PlainSerializer(dt.date.isoformat, return_type=str, when_used="json")]
Time = Annotated[dt.datetime, BeforeValidator(_time), PlainSerializer(_utc, return_type=str, when_used="json")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProductRef(Strict):
    """A product of the shared catalogue by its brand name, or one of the
    family's own products by its key (listed before it is used)."""

    catalogue: str | None = None
    own: str | None = None

    @model_check(mode="before")
    @classmethod
    def _one_of_the_two(cls, value: Any) -> Any:
        if not (isinstance(value, dict) and len(value) == 1 and set(value) <= {"catalogue", "own"}):
            # Translators: "catalogue" and "own" are the archive's field names, kept in English.
            raise _problem(_('must be {"catalogue": brand name} or {"own": key}.'))
        return {name: _text(ref) for name, ref in value.items()}

    @model_serializer
    def _as_written(self) -> dict[str, str]:
        return {"catalogue": self.catalogue} if self.own is None else {"own": self.own}


class Weight(Strict):
    measured_on: Day
    weight_kg: Number


class OwnProduct(Strict):
    key: Key
    brand_name: Text
    generic_name: Text
    kind: Text
    half_life_class: Text
    default_half_life_hours: Number | None
    default_recovery: Number | None
    unit: Text
    vial_sizes: Text
    created_at: Time


class Regimen(Strict):
    product: ProductRef
    dose: Number
    schedule: Text
    interval_days: WholeNumber | None
    weekdays: Text  # weekday numbers, 0 (Monday) to 6: "024"
    start_date: Day
    end_date: Day | None
    notes: Text
    created_at: Time


class Bleed(Strict):
    key: Key
    started_at: Time
    resolved_at: Time | None
    site: Text
    side: Text
    cause: Text
    severity: Text
    pain: WholeNumber | None
    notes: Text
    logged_by: Text | None  # "account", or the e-mail address of whoever else logged it
    created_at: Time
    updated_at: Time


class LedgerLine(Strict):
    at: Time
    kind: Text
    vials: WholeNumber
    reason: Text
    infusion: Key | None
    logged_by: Text | None


class Lot(Strict):
    key: Key
    product: ProductRef
    lot_number: Text
    vial_size: WholeNumber
    expires_on: Day
    storage: Text
    received_on: Day
    vials_on_hand: WholeNumber  # the sum of the ledger
    created_at: Time
    ledger: list[LedgerLine]


class Infusion(Strict):
    key: Key
    given_at: Time
    product: ProductRef
    lot: Key | None
    vials_used: WholeNumber
    dose: Number
    reason: Text
    bleed: Key | None
    given_by: Text
    notes: Text
    logged_by: Text | None
    created_at: Time
    updated_at: Time


class Patient(Strict):
    display_name: Text
    date_of_birth: Day | None
    hemophilia_type: Text
    baseline_factor_level: Number | None
    severity: Text
    inhibitor_status: Text
    treatment_centre: Text
    half_life_hours: Number | None
    recovery: Number | None
    created_at: Time
    weights: list[Weight]
    own_products: list[OwnProduct]
    regimens: list[Regimen]
    bleeds: list[Bleed]
    lots: list[Lot]
    infusions: list[Infusion]


class Account(Strict):
    email: Text
    time_zone: Text


def _some(patients: list[Patient]) -> list[Patient]:
    if not patients:
        raise _problem(_("The archive holds no patient."))
    return patients


class Archive(Strict):
    """Everything one account owns (see :mod:`hemolog.exports.archive`)."""

    format: Literal["hemolog-archive"]
    version: Literal[1]
    exported_at: Time
    account: Account
    patients: Annotated[list[Patient], AfterValidator(_some)]


# Reading an upload's problems -------------------------------------------------------

# Where a problem is: the n-th entry of one of the archive's lists.
ITEM_LABELS = {
    "patients": gettext_lazy("Patient %(n)s"),
    "weights": gettext_lazy("weight %(n)s"),
    "own_products": gettext_lazy("own product %(n)s"),
    "regimens": gettext_lazy("regimen %(n)s"),
    "bleeds": gettext_lazy("bleed %(n)s"),
    "lots": gettext_lazy("lot %(n)s"),
    "infusions": gettext_lazy("infusion %(n)s"),
    # Translators: a line of a stock lot's ledger (its history of vials in and out).
    "ledger": gettext_lazy("ledger line %(n)s"),
}


def item(name: str, n: int) -> str:
    """The ``n``-th (from 1) entry of the archive's list ``name``: "bleed 3"."""
    return str(ITEM_LABELS[name]) % {"n": n}


def patient_place(n: int, display_name: str) -> str:
    """The ``n``-th patient, with its name: "Patient 2 (“Mia”)"."""
    # Translators: the n-th patient of an archive, then the patient's name.
    return _("Patient %(n)s (“%(name)s”)") % {"n": n, "name": display_name[:40]}


def within(place: str, part: str) -> str:
    """A place inside another: "Patient 2 (“Mia”), lot 1"."""
    # Translators: where a problem is in an archive: an entry, then a part of it ("Patient 2, lot 1").
    return _("%(place)s, %(part)s") % {"place": place, "part": part} if place else part


def placed(place: str, problem: str) -> str:
    """A problem and where it is: "Patient 2, lot 1: …"."""
    # Translators: where a problem is in an archive, then the problem.
    return _("%(place)s: %(problem)s") % {"place": place, "problem": problem} if place else problem


def key_used_twice(key: str) -> str:
    # Translators: %(key)s is how the archive names an entry ("bleed-3").
    return _("the key “%(key)s” is used twice.") % {"key": key[:60]}


def of_field(name: str, problem: str) -> str:
    """A problem with one field of an entry: "“dose”: …"."""
    # Translators: a field name of the archive (kept in English), then what is wrong with its value.
    return _("“%(field)s”: %(problem)s") % {"field": name, "problem": problem}


def where(loc: tuple[int | str, ...], data: Any) -> tuple[str, str | None]:
    """Where a problem is, for the person: ``("patients", 1, "lots", 0, "ledger", 2, "vials")``
    is ``("Patient 2 (“Mia”), lot 1, ledger line 3", "vials")``."""
    place = ""
    node, field, n = data, None, 0
    while n < len(loc):
        name, index = loc[n], loc[n + 1] if n + 1 < len(loc) else None
        if name in ITEM_LABELS and isinstance(index, int):
            node = _item(node, name, index)
            if name == "patients" and isinstance(node, dict) and isinstance(node.get("display_name"), str):
                label = patient_place(index + 1, node["display_name"])
            else:
                label = item(str(name), index + 1)
            place = within(place, label)
            n += 2
        else:
            field = str(name)
            node = node.get(name) if isinstance(node, dict) else None
            n += 1
    return place, field


def _item(node: Any, name: str, index: int) -> Any:
    items = node.get(name) if isinstance(node, dict) else None
    return items[index] if isinstance(items, list) and index < len(items) else None


OBJECT_TYPES = {"model_type", "model_attributes_type", "dict_type"}


def problems(error: ValidationError, data: Any) -> list[str]:
    """The schema's errors as sentences naming the entry and the field; the unknown
    fields of one object together, in the place of the first."""
    out: list[str | list[str]] = []
    unknown: dict[str, list[str]] = {}
    for item in error.errors():
        place, field = where(item["loc"], data)
        if item["type"] == "extra_forbidden":
            if place not in unknown:
                unknown[place] = [place]
                out.append(unknown[place])
            unknown[place].append(field or "")
            continue
        out.append(placed(place, _message(item["type"], field, item["msg"])))
    return [line if isinstance(line, str) else _unknown(line[0], line[1:]) for line in out]


def _message(kind: str, field: str | None, text: str) -> str:
    """The problem in words; ``text`` is pydantic's own message (English), for the types not named here."""
    if kind == "missing":
        # Translators: %(field)s is a field name of the archive, kept in English.
        return _("“%(field)s” is missing.") % {"field": field}
    if kind in OBJECT_TYPES:
        return of_field(field, _("must be an object.")) if field else _("must be an object.")
    if kind == "list_type":
        return of_field(str(field), _("must be a list."))
    return of_field(field, text) if field and field != "patients" else text


def _unknown(place: str, names: list[str]) -> str:
    # Translators: %(names)s lists field names of the archive that Hemolog does not know, kept in English.
    return placed(place, _("unknown field(s) %(names)s.") % {"names": ", ".join(sorted(names))})
