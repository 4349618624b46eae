"""Shared checks for the form tests."""

import datetime as dt

from django.utils import timezone
from django.utils.html import escape


def as_input(moment: dt.datetime) -> str:
    """A time as a datetime-local input sends it, in the active (user's) zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def assert_field_error(response, field: str, message: str) -> None:
    """The form came back (200) with ``message`` at ``field``, also in the HTML."""
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, f"expected an error at {field!r}, got {errors.as_data()}"
    assert message in " ".join(errors[field])
    assert escape(message) in response.content.decode()
