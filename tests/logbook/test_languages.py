"""The log in another language writes its numbers and days as that language
does (German: "52,5 mg", "3. Dezember 2026"), and the English stays as it was."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from hemolog.logbook.models import Regimen, site_label
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def german(owner):
    owner.language = "de"
    owner.save(update_fields=["language"])
    return owner


@pytest.fixture
def leo(german):
    patient = factories.make_patient(owner=german, display_name="Leo", weight_kg="35.0")
    hemlibra = factories.product("Hemlibra")
    factories.make_regimen(patient, product=hemlibra, dose=Decimal("52.5"), interval_days=7)
    factories.make_infusion(patient, product=hemlibra, dose=Decimal("52.5"))
    return patient


def test_doses_and_doses_per_kg_have_the_languages_decimal_comma(client_for, german, leo):
    client = client_for(german)
    infusions = client.get(reverse("logbook:infusion_list", args=[leo.pk])).content.decode()
    assert "52,5 mg" in infusions and "1,5 mg/kg" in infusions
    regimens = client.get(reverse("logbook:regimen_list", args=[leo.pk])).content.decode()
    assert "Hemlibra 52,5 mg" in regimens
    assert "52.5" not in infusions + regimens


def test_the_changes_are_dated_as_the_language_writes_a_day(client_for, german, leo):
    page = client_for(german).get(reverse("logbook:changes", args=[leo.pk])).content.decode()
    assert re.search(r"<time datetime=\"[^\"]+\">\d{1,2}\. \w+ \d{4} \d\d:\d\d</time>", page), page


@translation.override("en-gb")
def test_a_site_on_one_side_is_named_whole():
    assert site_label("ILIOPSOAS", "R") == "Right iliopsoas (groin)"
    assert site_label("OTHER", "L") == "Left other"
    assert site_label("HEAD", "") == "Head (intracranial)"
    assert site_label("HEAD", "L") == "Head (intracranial)"  # a midline site has no side


@pytest.mark.parametrize(
    ("schedule", "fields", "label"),
    [
        ("EVERY_N_DAYS", {"interval_days": 1}, "every day"),
        ("EVERY_N_DAYS", {"interval_days": 3}, "every 3 days"),
        ("WEEKDAYS", {"weekdays": "036"}, "on Mon, Thu, Sun"),
        ("WEEKLY", {}, "weekly"),
        ("EVERY_4_WEEKS", {}, "every 4 weeks"),
    ],
)
@translation.override("en-gb")
def test_a_schedule_reads_in_a_sentence(schedule, fields, label):
    assert Regimen(schedule=schedule, **fields).schedule_label == label
