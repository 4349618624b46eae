"""Bad input on the regimen form: message at the field, typed values kept, nothing saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.html import escape

from hemolog.inventory.models import Product
from hemolog.logbook.models import Regimen
from hemolog.patients.models import Patient
from tests.assertions import assert_field_error

from .. import factories


def regimen_data(**overrides) -> dict:
    data = {
        "product": str(factories.product("Advate").pk),
        "dose": "1500",
        "schedule": "EVERY_N_DAYS",
        "interval_days": "3",
        "start_date": timezone.localdate().isoformat(),
        "end_date": "",
        "notes": "Agreed at the March clinic visit",
    }
    data.update(overrides)
    return data


@pytest.fixture
def post_regimen(client_for, owner, patient):
    client = client_for(owner)

    def post(**overrides):
        return client.post(f"/patients/{patient.pk}/regimens/new/", regimen_data(**overrides))

    return post


def test_valid_regimen_is_saved(post_regimen, patient):
    assert post_regimen().status_code == 302
    regimen = patient.regimens.get()
    assert (regimen.schedule, regimen.interval_days, regimen.weekdays) == ("EVERY_N_DAYS", 3, "")


def test_weekday_regimen_is_saved_with_its_days(post_regimen, patient):
    response = post_regimen(schedule="WEEKDAYS", interval_days="", weekdays=["4", "0", "2"])
    assert response.status_code == 302
    assert patient.regimens.get().weekdays == "024"


@pytest.mark.parametrize("interval", ["", "0"])
def test_every_n_days_without_n_is_refused(post_regimen, interval):
    response = post_regimen(interval_days=interval)
    assert_field_error(response, "interval_days", "Say every how many days.")
    assert "Agreed at the March clinic visit" in response.content.decode()
    assert Regimen.objects.count() == 0


def test_interval_over_60_days_is_refused(post_regimen):
    response = post_regimen(interval_days="61")
    assert_field_error(response, "interval_days", "Ensure this value is less than or equal to 60.")
    assert 'name="interval_days" value="61"' in response.content.decode()
    assert Regimen.objects.count() == 0


def test_weekday_schedule_without_any_weekday_is_refused(post_regimen):
    response = post_regimen(schedule="WEEKDAYS", interval_days="")
    assert_field_error(response, "weekdays", "Tick at least one weekday.")
    assert '<option value="WEEKDAYS" selected>' in response.content.decode()
    assert Regimen.objects.count() == 0


def test_regimen_ending_before_it_starts_is_refused(post_regimen):
    start = timezone.localdate()
    end = start - dt.timedelta(days=1)
    response = post_regimen(start_date=start.isoformat(), end_date=end.isoformat())
    assert_field_error(response, "end_date", "The regimen can't end before it starts.")
    html = response.content.decode()
    assert f'name="start_date" value="{start.isoformat()}"' in html
    assert f'name="end_date" value="{end.isoformat()}"' in html
    assert Regimen.objects.count() == 0


@pytest.mark.parametrize("dose", ["0", "-1"])
def test_regimen_dose_of_zero_or_less_is_refused(post_regimen, dose):
    response = post_regimen(dose=dose)
    assert_field_error(response, "dose", "The dose must be more than zero.")
    assert f'name="dose" value="{dose}"' in response.content.decode()
    assert Regimen.objects.count() == 0


def test_regimen_overlapping_an_open_ended_one_is_refused(post_regimen, patient):
    existing = factories.make_regimen(patient)  # started 90 days ago, no end date
    response = post_regimen()
    assert response.status_code == 200
    message = (
        f"This overlaps the regimen from {existing.start_date.day} {existing.start_date:%b %Y} ({existing}), "
        "which has no end date. Set an end date on that one first."
    )
    assert message in response.context["form"].non_field_errors()
    assert escape(message) in response.content.decode()
    assert 'name="dose" value="1500"' in response.content.decode()
    assert list(patient.regimens.all()) == [existing]


def test_regimen_overlapping_a_finished_one_by_a_day_is_refused(post_regimen, patient):
    today = timezone.localdate()
    factories.make_regimen(patient, start_date=today - dt.timedelta(days=60), end_date=today - dt.timedelta(days=10))
    response = post_regimen(start_date=(today - dt.timedelta(days=10)).isoformat())
    assert response.status_code == 200
    assert "which ends" in " ".join(response.context["form"].non_field_errors())
    assert patient.regimens.count() == 1


def test_regimen_starting_the_day_after_the_last_one_ended_is_accepted(post_regimen, patient):
    today = timezone.localdate()
    factories.make_regimen(patient, start_date=today - dt.timedelta(days=60), end_date=today - dt.timedelta(days=10))
    assert post_regimen(start_date=(today - dt.timedelta(days=9)).isoformat()).status_code == 302
    assert patient.regimens.count() == 2


def test_editing_a_regimen_does_not_clash_with_itself(client_for, owner, patient):
    regimen = factories.make_regimen(patient)
    response = client_for(owner).post(
        f"/patients/{patient.pk}/regimens/{regimen.pk}/edit/",
        regimen_data(start_date=regimen.start_date.isoformat(), interval_days="2", dose="2000"),
    )
    assert response.status_code == 302
    regimen.refresh_from_db()
    assert regimen.dose == 2000


def test_editing_a_regimen_to_end_before_it_starts_changes_nothing(client_for, owner, patient):
    regimen = factories.make_regimen(patient)
    response = client_for(owner).post(
        f"/patients/{patient.pk}/regimens/{regimen.pk}/edit/",
        regimen_data(
            start_date=regimen.start_date.isoformat(),
            end_date=(regimen.start_date - dt.timedelta(days=1)).isoformat(),
        ),
    )
    assert_field_error(response, "end_date", "The regimen can't end before it starts.")
    regimen.refresh_from_db()
    assert regimen.end_date is None


def test_regimen_with_another_patients_product_is_refused(post_regimen, stranger):
    theirs = Product.objects.create(
        brand_name="Zzfactor", kind="FVIII", unit="IU", patient=Patient.objects.get(access__user=stranger)
    )
    response = post_regimen(product=str(theirs.pk))
    assert_field_error(response, "product", "Select a valid choice.")
    assert "Zzfactor" not in response.content.decode()
    assert Regimen.objects.count() == 0


def test_a_new_regimen_can_end_the_current_one(client_for, owner, patient):
    current = factories.make_regimen(patient, start_date=timezone.localdate() - dt.timedelta(days=100))
    start = timezone.localdate() + dt.timedelta(days=0)
    response = client_for(owner).post(
        f"/patients/{patient.pk}/regimens/new/",
        {
            "product": factories.product("Elocta / Eloctate").pk,
            "dose": "1500",
            "schedule": "EVERY_N_DAYS",
            "interval_days": "3",
            "start_date": start.isoformat(),
            "end_current": "on",
        },
    )
    assert response.status_code == 302
    current.refresh_from_db()
    assert current.end_date == start - dt.timedelta(days=1)
    assert patient.regimens.active_on(start).get().interval_days == 3
