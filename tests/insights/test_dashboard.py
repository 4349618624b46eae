"""The dashboard page: figures from the log, charts with their numbers,
constant queries, caching by the patient's data version."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories


def url(patient, **query):
    base = reverse("insights:dashboard", kwargs={"patient_id": patient.pk})
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def history(patient):
    """Leo: logging for 400 days, prophylaxis every 2 days with every 5th dose missed,
    four bleeds in the last year (three spontaneous into the left ankle within 6 months)."""
    factories.make_regimen(patient, start_date=timezone.localdate() - dt.timedelta(days=400), interval_days=2)
    lot = factories.make_lot(patient, vials=300, received_on=timezone.localdate() - dt.timedelta(days=401))
    for n, days_ago in enumerate(range(400, 0, -2)):
        if n % 5 != 4:
            factories.make_infusion(patient, days_ago=days_ago - 0.3, lot=lot)
    for days_ago in (150, 100, 60):
        factories.make_bleed(patient, days_ago=days_ago, site="ANKLE", side="L", cause="SPONTANEOUS")
    factories.make_bleed(patient, days_ago=20, site="KNEE", side="R", cause="TRAUMATIC")
    return patient


def test_the_figures_of_a_years_log(client_for, owner, history):
    response = client_for(owner).get(url(history, period=12))
    assert response.status_code == 200
    board = response.context["board"]
    days = board.rates.observed_days
    assert board.rates.bleeds == 4 and board.rates.joint_bleeds == 4 and board.rates.spontaneous_bleeds == 3
    assert board.rates.abr == pytest.approx(4 / (days / 365.25))
    assert [(t.site, t.side) for t in board.current_target_joints] == [("ANKLE", "L")]
    assert board.days_since_last_bleed == 20
    assert 75 <= board.adherence.percent <= 85  # 4 of every 5 doses logged
    assert board.factor_level is not None and board.factor_level > 0
    html = response.content.decode()
    assert "Left ankle" in html
    assert board.adherence.summary in html
    assert 'id="main-chart"' in html and "<svg" in html


def test_switching_the_period_changes_the_figures(client_for, owner, history):
    client = client_for(owner)
    year = client.get(url(history, period=12)).context["board"]
    quarter = client.get(url(history, period=3)).context["board"]
    assert (year.rates.bleeds, quarter.rates.bleeds) == (4, 2)
    assert len(quarter.month_rows) < len(year.month_rows)


def test_custom_dates_and_bad_dates(client_for, owner, history):
    client = client_for(owner)
    start = (timezone.localdate() - dt.timedelta(days=160)).isoformat()
    end = (timezone.localdate() - dt.timedelta(days=90)).isoformat()
    board = client.get(url(history, period="custom", start=start, end=end)).context["board"]
    assert board.rates.bleeds == 2  # the ankle bleeds 150 and 100 days ago
    bad = client.get(url(history, period="custom", start="2024-13-01", end="garbage"))
    assert bad.status_code == 200
    assert set(bad.context["form"].errors) == {"start", "end"}
    assert bad.context["board"].period.label == "last 12 months"


@pytest.mark.parametrize("query", ["period=7", "period=", "period=custom", "start=9999-12-31&period=custom&end=1"])
def test_garbage_periods_fall_back_to_twelve_months(client_for, owner, patient, query):
    response = client_for(owner).get(url(patient) + "?" + query)
    assert response.status_code == 200
    assert response.context["board"].period.label == "last 12 months"


def test_a_patient_with_no_log(client_for, owner, patient):
    response = client_for(owner).get(url(patient))
    board = response.context["board"]
    assert board.rates.bleeds == 0
    assert board.adherence is None
    assert board.factor_level is None
    assert "No regimen in this period." in response.content.decode()


def test_emicizumab_gives_no_factor_level(client_for, owner, patient):
    lot = factories.make_lot(patient, brand="Hemlibra", vials=4, vial_size=150)
    factories.make_infusion(patient, days_ago=3, lot=lot, dose=Decimal(96))
    response = client_for(owner).get(url(patient))
    assert response.context["board"].factor_level is None
    assert "Not applicable: emicizumab" in response.content.decode()


def count_queries(client, address) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_log(client_for, owner, patient):
    from hemolog.core.caching import values_cache

    client = client_for(owner)
    factories.make_regimen(patient)
    lot = factories.make_lot(patient, vials=400)
    factories.make_infusion(patient, days_ago=1, lot=lot)
    factories.make_bleed(patient, days_ago=5)
    small = count_queries(client, url(patient, period=24))
    for day in range(2, 300):
        factories.make_infusion(patient, days_ago=day + 0.5, lot=lot)
        if day % 10 == 0:
            factories.make_bleed(patient, days_ago=day, site="ELBOW", side="R")
    values_cache.clear()
    assert count_queries(client, url(patient, period=24)) == small


def test_a_repeat_view_comes_from_the_cache_until_the_log_changes(client_for, owner, history):
    client = client_for(owner)
    cold = count_queries(client, url(history))
    warm = count_queries(client, url(history))
    assert warm < cold - 3  # the log is not read again
    factories.make_bleed(history, days_ago=1, site="ELBOW", side="L", cause="SPONTANEOUS")
    board = client.get(url(history)).context["board"]
    assert board.rates.bleeds == 5
    assert board.days_since_last_bleed == 1


def test_an_emicizumab_regimen_gives_no_level_even_after_a_factor_dose(client_for, owner, patient):
    factories.make_regimen(patient, product=factories.product("Hemlibra"), dose=Decimal(96), schedule="WEEKLY")
    factories.make_infusion(patient, days_ago=2, product=factories.product("Hemlibra"), dose=Decimal(48))
    factories.make_infusion(patient, days_ago=1, reason="BLEED")  # Advate at the clinic
    board = client_for(owner).get(url(patient)).context["board"]
    assert board.factor_level is None
    assert board.time_below is None
    assert board.charts["level"] is None
