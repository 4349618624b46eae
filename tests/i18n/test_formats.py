"""Numbers, days and times as each language writes them (hemolog.core.display
and the lists' hemolog.core.times), and text drawn right to left."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from hemolog.core import display
from hemolog.core.times import Times, compiled

MOMENT = dt.datetime(2026, 12, 3, 14, 5, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("language", "number", "day", "listed", "short"),
    [
        ("en-gb", "1.5", "3 Dec 2026", "3 Dec 2026 14:05", "3 Dec 14:05"),
        ("de", "1,5", "3. Dezember 2026", "3. Dez 2026 14:05", "3. Dez 14:05"),
        ("es", "1,5", "3 de diciembre de 2026", "3 dic 2026 14:05", "3 dic 14:05"),
        ("fr", "1,5", "3 décembre 2026", "3 déc. 2026 14:05", "3 déc. 14:05"),
    ],
)
def test_each_language_writes_its_numbers_and_days(language, number, day, listed, short):
    with translation.override(language), timezone.override(dt.UTC):
        assert display.number(Decimal("1.50")) == number
        assert display.day(MOMENT.date()) == day
        times = Times()
        assert (times.day_and_time(MOMENT), times.short(MOMENT)) == (listed, short)


def test_a_date_format_reads_its_escaped_letters_as_text():
    parts = compiled(r"j \d\e F")
    assert [part for part in parts if isinstance(part, str)] == [" ", "d", "e", " "]


def test_arabic_text_is_joined_and_ordered_for_drawing_and_other_text_is_left_alone():
    with translation.override("ar"):
        drawn = display.drawn("نزيف (ABR)")
        assert drawn == "(ABR) ﻒﻳﺰﻧ"  # joined letters, right to left, the brackets mirrored
        assert display.drawn("Advate (rFVIII)") == "Advate (rFVIII)"
        assert display.listed(["أ", "ب"]) == "أ، ب"
    with translation.override("de"):
        assert display.drawn("Blutung (ABR)") == "Blutung (ABR)"
        assert display.listed(["Knie", "Ellbogen"]) == "Knie, Ellbogen"
