"""Garbage in any form is a message on the page, never a 500, and never a
change to the log or the stock (list filters and ids in the URL: ``test_malformed_urls``).

Each POST case names the form, the field it spoils, the value, and the message
expected at that field. The other fields hold valid data (checked by
``test_baseline_data_is_valid``), so the spoiled field is the only reason to
refuse.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Sum
from django.utils import timezone
from django.utils.html import escape

from hemolog.inventory.models import StockLot, StockMovement
from hemolog.logbook.models import BleedEpisode, Infusion, Regimen
from hemolog.patients.models import Patient, PatientAccess, WeightMeasurement

from . import factories

HUGE = "99999999999999999999"
LONG_TEXT = "x" * 100_000
NUL = "Null characters are not allowed."
INVALID_CHOICE = "Select a valid choice."
INVALID_DATETIME = "Enter a valid date/time."
INVALID_DATE = "Enter a valid date."
WHOLE_NUMBER = "Enter a whole number."
NUMBER = "Enter a number."
REQUIRED = "This field is required."
TOO_EARLY = "Enter a date in 1900 or later."
TOO_LATE = "Enter a date before 2100."


def an_hour_ago() -> str:
    return timezone.localtime(timezone.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


def valid_data(form: str, patient: Patient, lot: StockLot) -> tuple[str, dict]:
    """The URL and a valid POST for each form."""
    today = timezone.localdate()
    advate = str(factories.product("Advate").pk)
    base = f"/patients/{patient.pk}"
    forms = {
        "bleed": (
            f"{base}/bleeds/new/",
            {
                "started_at": an_hour_ago(),
                "site": "ANKLE",
                "side": "R",
                "cause": "TRAUMATIC",
                "severity": "MILD",
                "pain": "2",
                "resolved_at": "",
                "notes": "",
            },
        ),
        "infusion": (
            f"{base}/infusions/new/",
            {
                "given_at": an_hour_ago(),
                "lot": str(lot.pk),
                "product": "",
                "dose": "1000",
                "vials_used": "1",
                "reason": "PROPHYLAXIS",
                "bleed": "",
                "given_by": "SELF",
                "notes": "",
            },
        ),
        "regimen": (
            f"{base}/regimens/new/",
            {
                "product": advate,
                "dose": "1000",
                "schedule": "EVERY_N_DAYS",
                "interval_days": "3",
                "weekdays": [],
                "start_date": today.isoformat(),
                "end_date": "",
                "notes": "",
            },
        ),
        "weight": (f"{base}/weights/", {"measured_on": today.isoformat(), "weight_kg": "33.0"}),
        "patient": (
            "/patients/new/",
            {
                "display_name": "Mia",
                "date_of_birth": "2016-02-29",
                "hemophilia_type": "B",
                "baseline_factor_level": "2",
                "severity": "UNKNOWN",
                "inhibitor_status": "NONE",
                "treatment_centre": "",
                "half_life_hours": "",
                "recovery": "",
                "weight_kg": "25",
            },
        ),
        "receive": (
            f"{base}/stock/receive/",
            {
                "product": advate,
                "lot_number": "Z1",
                "vial_size": "500",
                "vials": "6",
                "expires_on": (today + dt.timedelta(days=200)).isoformat(),
                "received_on": today.isoformat(),
                "storage": "",
            },
        ),
        "adjust": (
            f"{base}/stock/lots/{lot.pk}/adjust/",
            {"kind": "DISCARDED", "vials": "1", "reason": "Broken vial"},
        ),
    }
    return forms[form]


def snapshot() -> tuple:
    """Everything a form could write."""
    return (
        BleedEpisode.objects.count(),
        Infusion.objects.count(),
        Regimen.objects.count(),
        list(WeightMeasurement.objects.order_by("pk").values_list("pk", "weight_kg")),
        Patient.objects.count(),
        PatientAccess.objects.count(),
        StockLot.objects.count(),
        StockMovement.objects.count(),
        StockLot.objects.aggregate(total=Sum("vials_on_hand"))["total"],
    )


@pytest.fixture
def post_form(client_for, owner, patient, lot):
    client = client_for(owner)

    def post(form: str, **overrides):
        url, data = valid_data(form, patient, lot)
        return client.post(url, {**data, **overrides})

    return post


@pytest.mark.parametrize("form", ["bleed", "infusion", "regimen", "weight", "patient", "receive", "adjust"])
def test_baseline_data_is_valid(post_form, form):
    before = snapshot()
    response = post_form(form)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert snapshot() != before


DATETIME_CASES = [
    ("2024-13-45", INVALID_DATETIME),
    ("2024-13-45T10:00", INVALID_DATETIME),
    ("yesterday", INVALID_DATETIME),
    ("2024-02-30T10:00", INVALID_DATETIME),
    ("2024-01-01T25:61", INVALID_DATETIME),
    ("10:00", INVALID_DATETIME),
    ("2024-01-01T10:00\x00garbage", INVALID_DATETIME),
    ("\x00", INVALID_DATETIME),
    (HUGE, INVALID_DATETIME),
    ("9999-12-31T23:59", TOO_LATE),
    ("2100-01-01T00:00", TOO_LATE),
    ("0001-01-01T00:00", TOO_EARLY),
    ("1899-12-31T23:59", TOO_EARLY),
]

# (form, field, value, message at that field)
CASES = [
    # Malformed and far-off dates and times.
    *[("bleed", "started_at", value, message) for value, message in DATETIME_CASES],
    ("bleed", "started_at", "", REQUIRED),
    *[("bleed", "resolved_at", value, message) for value, message in DATETIME_CASES],
    *[("infusion", "given_at", value, message) for value, message in DATETIME_CASES],
    ("infusion", "given_at", "", REQUIRED),
    ("regimen", "start_date", "2024-13-45", INVALID_DATE),
    ("regimen", "start_date", "yesterday", INVALID_DATE),
    ("regimen", "start_date", "", REQUIRED),
    ("regimen", "end_date", "2024-02-30", INVALID_DATE),
    ("weight", "measured_on", "2024-13-45", INVALID_DATE),
    ("weight", "measured_on", "", REQUIRED),
    ("weight", "measured_on", "9999-12-31", TOO_LATE),
    ("weight", "measured_on", "2099-12-31", "A weight can't be measured in the future."),
    ("patient", "date_of_birth", "0001-01-01", TOO_EARLY),
    ("patient", "date_of_birth", "9999-12-31", TOO_LATE),
    ("patient", "date_of_birth", "2099-12-31", "The date of birth can't be in the future."),
    ("receive", "expires_on", "2024-13-45", INVALID_DATE),
    ("receive", "expires_on", "", REQUIRED),
    ("receive", "expires_on", "0001-01-01", TOO_EARLY),
    ("receive", "expires_on", "2000-01-01", "This lot has already expired"),
    ("receive", "received_on", "9999-12-31", TOO_LATE),
    ("receive", "received_on", "2099-12-31", "Stock can't be received in the future."),
    # Huge and non-finite numbers.
    ("infusion", "dose", "1e400", "Ensure that there are no more than 8 digits in total."),
    ("infusion", "dose", HUGE, "Ensure that there are no more than 8 digits in total."),
    ("infusion", "dose", "NaN", NUMBER),
    ("infusion", "dose", "Infinity", NUMBER),
    ("infusion", "dose", "-inf", NUMBER),
    ("infusion", "dose", "", REQUIRED),
    ("infusion", "dose", "1,000", NUMBER),
    ("infusion", "vials_used", "1e400", WHOLE_NUMBER),
    ("infusion", "vials_used", HUGE, "has only 10 vials left"),
    ("infusion", "vials_used", "-1", "Ensure this value is greater than or equal to 0."),
    ("bleed", "pain", "1e400", WHOLE_NUMBER),
    ("bleed", "pain", HUGE, "Ensure this value is less than or equal to 10."),
    ("regimen", "dose", "1e400", "Ensure that there are no more than 8 digits in total."),
    ("regimen", "interval_days", HUGE, "Ensure this value is less than or equal to 60."),
    ("regimen", "interval_days", "1e400", WHOLE_NUMBER),
    ("weight", "weight_kg", "1e400", "Ensure that there are no more than 5 digits in total."),
    ("weight", "weight_kg", HUGE, "Ensure that there are no more than 5 digits in total."),
    ("weight", "weight_kg", "nan", NUMBER),
    ("patient", "weight_kg", "1e400", "Ensure that there are no more than 5 digits in total."),
    ("patient", "baseline_factor_level", HUGE, "Ensure that there are no more than 5 digits in total."),
    ("receive", "vials", HUGE, "Ensure this value is less than or equal to 500."),
    ("receive", "vial_size", HUGE, "That vial size is not possible."),
    ("receive", "vial_size", "1e400", WHOLE_NUMBER),
    ("adjust", "vials", HUGE, "Ensure this value is less than or equal to 500."),
    ("adjust", "vials", "1e400", WHOLE_NUMBER),
    # Ids that are not ids, in selects.
    *[("infusion", "lot", value, INVALID_CHOICE) for value in ("abc", "1e400", HUGE, "-1", "1.5", "[1]")],
    ("infusion", "lot", "1\x00", NUL),
    *[("infusion", "product", value, INVALID_CHOICE) for value in ("abc", HUGE, "-1")],
    *[("infusion", "bleed", value, INVALID_CHOICE) for value in ("abc", HUGE, "0")],
    *[("regimen", "product", value, INVALID_CHOICE) for value in ("abc", HUGE)],
    ("regimen", "product", "", REQUIRED),
    *[("receive", "product", value, INVALID_CHOICE) for value in ("abc", HUGE)],
    ("receive", "product", "\x00", NUL),
    # NUL bytes in text.
    ("bleed", "notes", "swollen\x00knee", NUL),
    ("infusion", "notes", "\x00", NUL),
    ("regimen", "notes", "a\x00b", NUL),
    ("patient", "display_name", "Mia\x00", NUL),
    ("receive", "lot_number", "Z\x001", NUL),
    ("adjust", "reason", "broken\x00", NUL),
    # Very long text.
    ("bleed", "notes", LONG_TEXT, "Ensure this value has at most 2000 characters (it has 100000)."),
    ("infusion", "notes", LONG_TEXT, "Ensure this value has at most 2000 characters (it has 100000)."),
    ("regimen", "notes", LONG_TEXT, "Ensure this value has at most 200 characters (it has 100000)."),
    ("patient", "display_name", LONG_TEXT, "Ensure this value has at most 100 characters (it has 100000)."),
    ("receive", "lot_number", LONG_TEXT, "Ensure this value has at most 50 characters (it has 100000)."),
    ("receive", "storage", LONG_TEXT, "Ensure this value has at most 100 characters (it has 100000)."),
    ("adjust", "reason", LONG_TEXT, "Ensure this value has at most 200 characters (it has 100000)."),
    # Unknown choice values.
    ("bleed", "site", "SPLEEN", INVALID_CHOICE),
    ("bleed", "site", LONG_TEXT, INVALID_CHOICE),
    ("bleed", "side", "X", INVALID_CHOICE),
    ("bleed", "cause", "ALIENS", INVALID_CHOICE),
    ("bleed", "severity", "EXTREME", INVALID_CHOICE),
    ("infusion", "reason", "FUN", INVALID_CHOICE),
    ("infusion", "given_by", "ROBOT", INVALID_CHOICE),
    ("regimen", "schedule", "HOURLY", INVALID_CHOICE),
    ("regimen", "weekdays", ["7"], INVALID_CHOICE),
    ("regimen", "weekdays", ["Mon"], INVALID_CHOICE),
    ("patient", "hemophilia_type", "C", INVALID_CHOICE),
    ("patient", "severity", "\x00", INVALID_CHOICE),
    ("patient", "inhibitor_status", "MAYBE", INVALID_CHOICE),
    ("adjust", "kind", "RECEIVED", INVALID_CHOICE),
]


def case_id(case) -> str:
    form, field, value, _ = case
    shown = repr(value) if len(str(value)) < 25 else f"<{len(value)} chars>"
    return f"{form}-{field}-{shown}"


@pytest.mark.parametrize(("form", "field", "value", "message"), CASES, ids=[case_id(c) for c in CASES])
def test_garbage_in_a_form_is_a_field_error_and_saves_nothing(post_form, form, field, value, message):
    before = snapshot()
    response = post_form(form, **{field: value})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, f"expected an error at {field!r}, got {errors.as_data()}"
    assert message in " ".join(errors[field])
    assert escape(message) in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("time_zone", ["Europe/Paris", "Asia/Tokyo", "America/New_York", "Pacific/Kiritimati"])
@pytest.mark.parametrize(
    ("form", "field", "value"),
    [
        ("bleed", "started_at", "0001-01-01T00:00"),
        ("bleed", "started_at", "9999-12-31T23:59"),
        ("bleed", "resolved_at", "0001-01-01T00:00"),
        ("infusion", "given_at", "0001-01-01T00:00"),
        ("infusion", "given_at", "9999-12-31T23:59"),
    ],
)
def test_far_off_times_are_refused_in_any_time_zone(owner, post_form, time_zone, form, field, value):
    """Times at the ends of the calendar overflow when shifted to UTC in some zones."""
    owner.time_zone = time_zone
    owner.save(update_fields=["time_zone"])
    before = snapshot()
    response = post_form(form, **{field: value})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert snapshot() == before


@pytest.mark.parametrize("form", ["bleed", "infusion", "regimen", "weight", "patient", "receive", "adjust"])
def test_an_empty_post_saves_nothing(client_for, owner, patient, lot, form):
    """``Form(request.POST or None)`` treats an empty body like a GET: the blank form again."""
    url, _ = valid_data(form, patient, lot)
    before = snapshot()
    response = client_for(owner).post(url, {})
    assert response.status_code == 200
    assert "form" in response.context
    assert snapshot() == before


def test_a_single_trailing_nul_after_a_time_is_refused(post_form, patient):
    """CPython 3.11's ``fromisoformat`` stops at a NUL right after the time, so
    Django alone reads "2024-01-01T10:00\\x00" as 10:00; the field refuses it
    like any other NUL."""
    response = post_form("bleed", started_at="2024-01-01T10:00\x00")
    assert response.status_code == 200
    assert response.context["form"].errors["started_at"] == [INVALID_DATETIME]
    assert not patient.bleeds.exists()
