"""Bad input on the patient profile and the weight history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from hemolog.patients.models import Patient, PatientAccess, WeightMeasurement
from tests.assertions import assert_field_error

# Weight history --------------------------------------------------------------------


@pytest.fixture
def post_weight(client_for, owner, patient):
    client = client_for(owner)

    def post(weight_kg: str, measured_on: dt.date | str | None = None):
        day = measured_on or timezone.localdate()
        return client.post(
            f"/patients/{patient.pk}/weights/",
            {"measured_on": day if isinstance(day, str) else day.isoformat(), "weight_kg": weight_kg},
        )

    return post


def weights_of(patient) -> list:
    return list(patient.weights.order_by("measured_on").values_list("measured_on", "weight_kg"))


def test_valid_weight_is_saved(post_weight, patient):
    assert post_weight("33.5").status_code == 302
    assert patient.latest_weight.weight_kg == Decimal("33.5")


@pytest.mark.parametrize(
    ("weight", "message"),
    [
        ("0", "Ensure this value is greater than or equal to 1."),
        ("0.9", "Ensure this value is greater than or equal to 1."),
        ("-30", "Ensure this value is greater than or equal to 1."),
        ("250.1", "Ensure this value is less than or equal to 250."),
        ("300", "Ensure this value is less than or equal to 250."),
        ("thirty", "Enter a number."),
        ("32.25", "Ensure that there are no more than 1 decimal place."),
    ],
)
def test_weight_outside_1_to_250_kg_is_refused(post_weight, patient, weight, message):
    before = weights_of(patient)
    response = post_weight(weight)
    assert_field_error(response, "weight_kg", message)
    assert f'name="weight_kg" value="{weight}"' in response.content.decode()
    assert weights_of(patient) == before


@pytest.mark.parametrize("weight", ["1", "250"])
def test_weight_at_the_edges_is_accepted(post_weight, patient, weight):
    assert post_weight(weight).status_code == 302
    assert patient.latest_weight.weight_kg == Decimal(weight)


def test_weight_measured_in_the_future_is_refused(post_weight, patient):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    before = weights_of(patient)
    response = post_weight("33", tomorrow)
    assert_field_error(response, "measured_on", "A weight can't be measured in the future.")
    assert f'name="measured_on" value="{tomorrow.isoformat()}"' in response.content.decode()
    assert weights_of(patient) == before


def test_a_second_weight_on_the_same_day_replaces_the_first(post_weight, patient):
    day = timezone.localdate() - dt.timedelta(days=60)  # the fixture's weight day
    assert post_weight("31.0", day).status_code == 302
    assert weights_of(patient) == [(day, Decimal("31.0"))]


# Patient profile ---------------------------------------------------------------------


def patient_data(**overrides) -> dict:
    data = {
        "display_name": "Mia",
        "date_of_birth": "2015-06-01",
        "hemophilia_type": "A",
        "baseline_factor_level": "0.5",
        "severity": "UNKNOWN",
        "inhibitor_status": "NONE",
        "treatment_centre": "Royal Free Haemophilia Centre",
        "half_life_hours": "",
        "recovery": "",
        "weight_kg": "28.5",
    }
    data.update(overrides)
    return data


def test_new_patient_with_weight_is_saved(client_for, owner):
    response = client_for(owner).post("/patients/new/", patient_data())
    assert response.status_code == 302
    mia = Patient.objects.get(display_name="Mia")
    assert mia.latest_weight.weight_kg == Decimal("28.5")
    assert mia.access.get().user == owner


@pytest.mark.parametrize(
    ("weight", "message"),
    [
        ("0", "Ensure this value is greater than or equal to 1."),
        ("0.5", "Ensure this value is greater than or equal to 1."),
        ("251", "Ensure this value is less than or equal to 250."),
        ("-3", "Ensure this value is greater than or equal to 1."),
        ("lots", "Enter a number."),
    ],
)
def test_new_patient_with_weight_outside_1_to_250_kg_is_refused(client_for, owner, weight, message):
    response = client_for(owner).post("/patients/new/", patient_data(weight_kg=weight))
    assert_field_error(response, "weight_kg", message)
    html = response.content.decode()
    assert f'name="weight_kg" value="{weight}"' in html
    assert 'name="display_name" value="Mia"' in html
    assert Patient.objects.count() == 0
    assert PatientAccess.objects.count() == 0
    assert WeightMeasurement.objects.count() == 0


@pytest.mark.parametrize(
    ("dob", "message"),
    [
        ("2099-01-01", "The date of birth can't be in the future."),
        ("2999-01-01", "Enter a date before 2100."),
        ("1899-12-31", "Enter a date in 1900 or later."),
        ("2015-02-30", "Enter a valid date."),
    ],
)
def test_new_patient_with_implausible_date_of_birth_is_refused(client_for, owner, dob, message):
    response = client_for(owner).post("/patients/new/", patient_data(date_of_birth=dob))
    assert_field_error(response, "date_of_birth", message)
    assert f'name="date_of_birth" value="{dob}"' in response.content.decode()
    assert Patient.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("baseline_factor_level", "-1", "Ensure this value is greater than or equal to 0."),
        ("baseline_factor_level", "201", "Ensure this value is less than or equal to 200."),
        ("recovery", "0", "Ensure this value is greater than or equal to 0.1."),
        ("half_life_hours", "0.5", "Ensure this value is greater than or equal to 1."),
    ],
)
def test_new_patient_with_impossible_clinical_values_is_refused(client_for, owner, field, value, message):
    response = client_for(owner).post("/patients/new/", patient_data(**{field: value}))
    assert_field_error(response, field, message)
    assert f'name="{field}" value="{value}"' in response.content.decode()
    assert Patient.objects.count() == 0


def test_editing_a_patient_with_an_impossible_level_changes_nothing(client_for, owner, patient):
    response = client_for(owner).post(
        f"/patients/{patient.pk}/edit/", patient_data(display_name="Leo B", baseline_factor_level="-2")
    )
    assert_field_error(response, "baseline_factor_level", "Ensure this value is greater than or equal to 0.")
    assert 'name="display_name" value="Leo B"' in response.content.decode()
    patient.refresh_from_db()
    assert patient.display_name == "Leo"
    assert patient.baseline_factor_level == Decimal("0.5")
