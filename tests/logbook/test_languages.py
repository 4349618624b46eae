"""The log in another language writes its numbers and days as that language
does (German: "52,5 mg", "3. Dezember 2026"), and the English stays as it was."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from hemolog.logbook.models import Regimen, site_label
from tests import factories
from tests.logbook.infusions import infusion_data

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


@pytest.mark.parametrize(
    ("language", "typed", "saved"), [("de", "1,5", "1.5"), ("de", "1.5", "1.5"), ("fr", "52,5", "52.5")]
)
def test_a_dose_is_typed_with_the_languages_decimal_separator(client_for, german, leo, language, typed, saved):
    type(german).objects.filter(pk=german.pk).update(language=language)
    hemlibra = factories.product("Hemlibra")
    data = infusion_data(product=hemlibra.pk, dose=typed, reason="PROPHYLAXIS")
    response = client_for(german).post(reverse("logbook:infusion_create", args=[leo.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert leo.infusions.order_by("-pk").first().dose == Decimal(saved)


def test_in_english_a_comma_is_not_a_decimal_separator_and_what_was_typed_stays(client_for, german, leo):
    type(german).objects.filter(pk=german.pk).update(language="en-gb")
    data = infusion_data(product=factories.product("Hemlibra").pk, dose="1,5")
    response = client_for(german).post(reverse("logbook:infusion_create", args=[leo.pk]), data)
    assert response.status_code == 200 and leo.infusions.count() == 1  # the one made by the fixture
    assert 'value="1,5"' in response.content.decode()  # kept as typed, with its error
    assert "Enter a number." in response.content.decode()
