"""Review of the dashboard: each test asserts the correct behaviour of one
problem found in the review (they fail until the problem is fixed)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from hemolog.clinical.factor_level import estimated_factor_level
from hemolog.core.dates import DateRange
from hemolog.insights.charts.data import MonthChartData
from hemolog.insights.charts.month import bleeds_and_adherence_chart
from hemolog.insights.dashboard import build_dashboard, dashboard_with_charts
from hemolog.insights.due import patient_dose_status
from hemolog.insights.log import read_log
from hemolog.inventory.models import Product
from hemolog.logbook.models import BleedEpisode, Infusion
from hemolog.logbook.services import record_infusion
from hemolog.patients.models import Patient
from tests import factories

UTC = dt.UTC


def url(patient, **query):
    base = reverse("insights:dashboard", kwargs={"patient_id": patient.pk})
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def daily_prophylaxis_for_the_last_30_days(patient):
    factories.make_regimen(patient, start_date=timezone.localdate() - dt.timedelta(days=30), interval_days=1)
    for days_ago in range(30, 0, -1):
        factories.make_infusion(patient, days_ago=days_ago - 0.5, dose=Decimal(1000))


# --- Robustness ------------------------------------------------------------------------


def test_a_custom_period_before_the_first_entry_with_a_regimen_is_not_a_500(client_for, owner, patient):
    """A regimen entered with its real start years ago, logging begun yesterday:
    choosing dates before the first entry raised ValueError in adherence()."""
    today = timezone.localdate()
    factories.make_regimen(patient, start_date=today - dt.timedelta(days=3000))
    factories.make_infusion(patient, days_ago=1)
    start, end = today - dt.timedelta(days=1000), today - dt.timedelta(days=900)
    response = client_for(owner).get(url(patient, period="custom", start=start.isoformat(), end=end.isoformat()))
    assert response.status_code == 200
    board = response.context["board"]
    assert board.rates.abr is None  # nothing was observed in that period
    assert board.adherence is None


# --- The observed period ---------------------------------------------------------------


def test_time_below_thresholds_counts_only_the_observed_period(client_for, owner, patient):
    """Daily 1000 IU at 32 kg (peak ~62, trough ~16 IU/dL) never falls below 5 IU/dL
    once logging began; the 11 months before the first entry are not observed time."""
    daily_prophylaxis_for_the_last_30_days(patient)
    board = client_for(owner).get(url(patient, period=12)).context["board"]
    assert board.time_below is not None
    assert board.time_below[5] < 0.05  # was 0.92: the unobserved months counted as "below"


def test_iu_per_kg_per_year_is_over_the_observed_period(client_for, owner, patient):
    """30 doses of 1000 IU at 32 kg over ~30 observed days is ~11,600 IU/kg/year, as
    the ABR beside it is annualised over the observed days; not 938 (÷ 365 days)."""
    daily_prophylaxis_for_the_last_30_days(patient)
    board = client_for(owner).get(url(patient, period=12)).context["board"]
    expected = 30 * 1000 / 32 / (board.rates.observed_days / 365.25)
    assert board.iu_per_kg_per_year == pytest.approx(expected, rel=0.02)


def test_a_patient_with_no_entries_has_no_observed_period(client_for, owner, patient):
    """A regimen but not one bleed or dose logged: not "ABR 0.0 over 365 days" and
    "0 of 100 scheduled doses" (logging one dose today turns it into "1 of 1")."""
    factories.make_regimen(patient, start_date=timezone.localdate() - dt.timedelta(days=200), interval_days=1)
    board = client_for(owner).get(url(patient)).context["board"]
    assert board.rates.abr is None
    assert board.adherence is None

    factories.make_infusion(patient, days_ago=0)
    board = client_for(owner).get(url(patient)).context["board"]
    assert board.adherence.summary == "1 of 1 scheduled dose, 100 %"


# --- Due and overdue doses -------------------------------------------------------------


def test_the_home_page_does_not_call_an_early_four_weekly_dose_missing(client_for, owner, patient):
    """Emicizumab every 4 weeks; the dose of 7 days ago was given 5 days early (within
    its ± 14-day tolerance). The dashboard counts it; the home page read only 10 days
    of doses and said "Not logged"."""
    hemlibra = factories.product("Hemlibra")
    today = timezone.localdate()
    factories.make_regimen(
        patient,
        product=hemlibra,
        dose=Decimal(180),
        schedule="EVERY_4_WEEKS",
        interval_days=None,
        start_date=today - dt.timedelta(days=35),
    )  # scheduled 35 and 7 days ago, and in 21 days
    factories.make_infusion(patient, days_ago=35, product=hemlibra, dose=Decimal(180))
    factories.make_infusion(patient, days_ago=12, product=hemlibra, dose=Decimal(180))
    board = client_for(owner).get(url(patient)).context["board"]
    assert board.dose_status.overdue == ()
    assert patient_dose_status(patient).overdue == ()


def test_missed_doses_of_a_regimen_that_ended_yesterday_are_still_shown(patient):
    today = timezone.localdate()
    factories.make_regimen(
        patient, start_date=today - dt.timedelta(days=30), end_date=today - dt.timedelta(days=1), interval_days=1
    )
    status = patient_dose_status(patient)  # nothing logged: every day of the last week was missed
    assert status is not None
    assert today - dt.timedelta(days=1) in status.overdue


def test_a_regimen_starting_in_three_days_shows_its_first_dose(patient):
    today = timezone.localdate()
    factories.make_regimen(patient, start_date=today + dt.timedelta(days=3), interval_days=2)
    status = patient_dose_status(patient)
    assert status is not None
    assert status.next_due == today + dt.timedelta(days=3)


# --- Stock -----------------------------------------------------------------------------


def test_stock_in_days_for_a_regimen_on_given_weekdays(client_for, owner, patient):
    """Mon and Sun (two doses a week): 10 doses in stock last about 35 days, not 10
    (the smallest gap, 1 day, was used as the interval)."""
    factories.make_regimen(patient, schedule="WEEKDAYS", weekdays="06", interval_days=None, dose=Decimal(1000))
    factories.make_lot(patient, vials=10, vial_size=1000)
    board = client_for(owner).get(url(patient)).context["board"]
    assert board.stock.days_of_prophylaxis == pytest.approx(35, abs=4)


# --- Caching ---------------------------------------------------------------------------


def test_the_cached_month_chart_matches_the_table_beside_it(patient):
    """Every 2 days; the dose of 9 March was missed. At 10:00 on 10 March its window
    (± 24 h around noon) is still open, at 14:00 it is missed: the table says 4 of 5
    for March, the month chart drawn at 10:00 and cached still said 100 %."""
    factories.make_regimen(patient, start_date=dt.date(2025, 1, 2), interval_days=2)
    day = dt.date(2025, 1, 2)
    while day < dt.date(2025, 3, 9):
        given_at = dt.datetime.combine(day, dt.time(8), UTC)
        record_infusion(Infusion(patient=patient, given_at=given_at, product=factories.product(), dose=1000), None)
        day += dt.timedelta(days=2)
    patient.refresh_from_db()
    period = DateRange.last_months(3, dt.date(2025, 3, 10))
    dashboard_with_charts(patient, period, dt.datetime(2025, 3, 10, 10, tzinfo=UTC))
    later = dashboard_with_charts(patient, period, dt.datetime(2025, 3, 10, 14, tzinfo=UTC))
    assert later.month_rows[-1].adherence_text == "4 of 5"
    drawn_from_the_table = bleeds_and_adherence_chart(
        MonthChartData(
            [row.month for row in later.month_rows],  # the period's months from the log's first (January)
            {joint: [row.bleeds_by_joint.get(joint, 0) for row in later.month_rows] for joint in later.joints},
            [row.adherence_percent for row in later.month_rows],
        )
    )
    assert later.charts["main"].alt == drawn_from_the_table.alt


def test_a_profile_save_never_reuses_a_data_version(patient):
    """The profile form saves a Patient read before a log entry moved data_version on
    (two tabs); save() wrote back old + 1, the version the log change already used, so
    a dashboard cached under it (old half-life) kept being served."""
    stale = Patient.objects.get(pk=patient.pk)
    Patient.log_changed(patient.pk)
    after_log_change = Patient.objects.get(pk=patient.pk).data_version
    stale.half_life_hours = Decimal("20.0")
    stale.save()
    assert Patient.objects.get(pk=patient.pk).data_version > after_log_change


# --- Factor level ----------------------------------------------------------------------


def test_the_level_curve_does_not_depend_on_the_period_chosen(client_for, owner, patient):
    """Idelvion (t½ 102 h) weekly: with a one-week custom period only 14 days of doses
    before the 28-day curve were read, so its start was 81 IU/dL instead of 90."""
    idelvion = factories.product("Idelvion")
    today = timezone.localdate()
    factories.make_regimen(
        patient,
        product=idelvion,
        dose=Decimal(1500),
        schedule="WEEKLY",
        interval_days=None,
        start_date=today - dt.timedelta(days=400),
    )
    for days_ago in range(399, 0, -7):
        factories.make_infusion(patient, days_ago=days_ago, product=idelvion, dose=Decimal(1500))
    week = (today - dt.timedelta(days=7)).isoformat()
    board = client_for(owner).get(url(patient, period="custom", start=week, end=today.isoformat())).context["board"]
    first = board.level_points[0]
    whole = read_log(patient, None, timezone.now())
    assert first.level == pytest.approx(
        estimated_factor_level(first.at, whole.doses, whole.weights, whole.baseline), rel=0.01
    )


def test_a_product_without_a_half_life_is_named_as_the_reason(client_for, owner, patient):
    """A family's own FVIII product with no half-life: the note said "No factor doses
    logged recently (or no weight recorded)" about a dose logged yesterday."""
    own = Product.objects.create(brand_name="Own FVIII", kind="FVIII", patient=patient)
    factories.make_regimen(patient, product=own)
    factories.make_infusion(patient, days_ago=1, product=own)
    board = client_for(owner).get(url(patient)).context["board"]
    assert board.factor_level is None
    assert "half-life" in board.factor_level_note


# --- Figures on the page ---------------------------------------------------------------


def test_the_target_joint_card_says_none_when_every_spell_is_resolved(client_for, owner, patient):
    for days_ago in (600, 580, 560):  # a target joint 19 months ago, resolved 12 months later
        factories.make_bleed(patient, days_ago=days_ago, site="ANKLE", side="L", cause="SPONTANEOUS")
    html = client_for(owner).get(url(patient, period=24)).content.decode()
    card = re.search(r'data-figure="target-joints">(\d+)</div>\s*<div class="small">(.*?)</div>', html, re.S)
    assert card.group(1) == "0"
    assert card.group(2).strip() != ""  # was empty: the loop ran over resolved spells and printed nothing


def test_days_since_the_last_bleed_counts_calendar_days(patient):
    """A bleed yesterday at 22:00 seen at 09:00 today is 1 day ago, not 0."""
    BleedEpisode.objects.create(
        patient=patient, started_at=dt.datetime(2025, 3, 9, 22, tzinfo=UTC), site="KNEE", side="L"
    )
    now = dt.datetime(2025, 3, 10, 9, tzinfo=UTC)
    board = build_dashboard(patient, DateRange.last_months(12, dt.date(2025, 3, 10)), now)
    assert board.days_since_last_bleed == 1


# --- Accessibility ---------------------------------------------------------------------


def test_the_date_errors_are_the_ones_aria_describedby_points_to(client_for, owner, patient):
    html = client_for(owner).get(url(patient, period="custom", start="2024-13-01", end="")).content.decode()
    described = {ref for refs in re.findall(r'aria-describedby="([^"]+)"', html) for ref in refs.split()}
    assert described  # Django marks the invalid inputs
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    assert described <= ids, f"aria-describedby points to missing ids: {sorted(described - ids)}"


def test_the_months_charted_are_those_the_log_can_hold(patient):
    """A range of two centuries charted every month of it (a PDF "1900 - 2099"
    took a worker 5-8 s): the months run from the log's first entry to this month."""
    now = dt.datetime(2025, 3, 10, 12, tzinfo=UTC)
    record_infusion(
        Infusion(
            patient=patient, given_at=dt.datetime(2024, 11, 20, 8, tzinfo=UTC), product=factories.product(), dose=1000
        ),
        None,
    )
    patient.refresh_from_db()
    board = dashboard_with_charts(patient, DateRange(dt.date(1900, 1, 1), dt.date(2099, 12, 31)), now)
    assert [row.month for row in board.month_rows] == [
        dt.date(2024, 11, 1), dt.date(2024, 12, 1), dt.date(2025, 1, 1), dt.date(2025, 2, 1), dt.date(2025, 3, 1)
    ]  # fmt: skip
    empty = factories.make_patient(display_name="Nobody yet")
    assert dashboard_with_charts(empty, DateRange(dt.date(1900, 1, 1), dt.date(2025, 3, 10)), now).month_rows == []
