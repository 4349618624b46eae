"""Form fields and widgets shared by every form.

The widgets make phones show their own date and time pickers. The fields keep
dates within a plausible range (a year-1 time overflows when converted to
UTC) and read a typed wall-clock time in the user's zone, including the hour
that happens twice when clocks go back.
"""

import datetime as dt

from django import forms
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(2099, 12, 31)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class NumberInput(forms.NumberInput):
    """A number field. A whole number (``step="1"``) is a number input. A
    number with decimals is typed in the language's format, "1,5" in German
    (a point is read too): a text input with the phone's decimal keyboard,
    shown localised and read back with the point Django's fields expect
    (a browser's number input reads and sends only its own format)."""

    def __init__(self, attrs=None, *, step="any", inputmode="decimal"):
        attrs = {"inputmode": inputmode, **(attrs or {})}
        self.decimal = step != "1"
        if self.decimal:
            self.input_type = "text"
            self.is_localized = True
            attrs.setdefault("autocomplete", "off")
        else:
            attrs["step"] = step
        super().__init__(attrs=attrs)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.decimal:  # a number input's limits (some added by the field): the form checks them
            for number_only in ("min", "max", "step"):
                context["widget"]["attrs"].pop(number_only, None)
        return context

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        if self.decimal and isinstance(value, str):
            value = formats.sanitize_separators(value.strip())
        return value


def check_plausible_day(day: dt.date) -> None:
    if day < EARLIEST_DAY:
        raise forms.ValidationError(_("Enter a date in 1900 or later."), code="too_early")
    if day > LATEST_DAY:
        raise forms.ValidationError(_("Enter a date before 2100."), code="too_late")


class PlausibleDateField(forms.DateField):
    widget = DateInput

    def to_python(self, value):
        day = super().to_python(value)
        if day:
            check_plausible_day(day)
        return day


class LocalDateTimeField(forms.DateTimeField):
    """A datetime-local value read in the current (user's) time zone.

    Django refuses a wall-clock time that is ambiguous in the zone; here the
    repeated hour when clocks go back is read as its first occurrence, so
    01:30 on that night can still be logged. A time skipped when clocks go
    forward gets a message saying so.
    """

    widget = DateTimeLocalInput

    def to_python(self, value):
        if isinstance(value, str) and "\x00" in value:
            # Python 3.11's fromisoformat stops reading at a NUL right after the
            # time, so "10:00\x00" would pass where "10:00\x00x" does not.
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            result = super().to_python(value)
        except forms.ValidationError as error:
            if error.code != "ambiguous_timezone":
                raise
            result = self._resolve_dst(value, error)
        if result:
            check_plausible_day(result.date())  # before converting: year 9999 + offset overflows
            # A picker never sends an offset; one typed by hand may be beyond
            # what PostgreSQL stores (±15:59), so keep the time in the user's zone.
            try:
                result = timezone.localtime(result)
            except OverflowError:
                raise forms.ValidationError(_("Enter a date before 2100."), code="too_late") from None
            check_plausible_day(result.date())
        return result

    @staticmethod
    def _resolve_dst(value, error: forms.ValidationError) -> dt.datetime:
        naive = parse_datetime(str(value).strip())
        if naive is None or naive.tzinfo is not None:
            raise error
        zone = timezone.get_current_timezone()
        first = naive.replace(tzinfo=zone, fold=0)
        if first.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != naive:
            raise forms.ValidationError(
                # Translators: a time skipped when the clocks go forward; zone is e.g. Europe/Madrid.
                _("%(time)s does not exist in %(zone)s: the clocks jumped forward. Check the time.")
                % {"time": f"{formats.date_format(naive, 'DATE_FORMAT')} {naive:%H:%M}", "zone": zone},
                code="nonexistent_time",
            )
        return first
