"""The clinician roster: figures against a hand-made log, sorting, flags, the
clinician's home page, and queries that do not grow with the patients."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hemolog.insights.joints import joint_label
from hemolog.patients.models import PatientAccess
from tests import factories

Role = PatientAccess.Role
ROSTER = "/roster/"


@pytest.fixture
def doctor(db):
    user = factories.make_user("dr.ng@clinic.example", first_name="Dr Ng")
    factories.add_authenticator_app(user)
    return user


def shared_patient(doctor, name: str, **fields):
    family = factories.make_user()
    patient = factories.make_patient(owner=family, display_name=name, **fields)
    factories.grant(doctor, patient, Role.CLINICIAN)
    return patient


@pytest.fixture
def ward(doctor):
    """Four patients, each with a log worked out by hand.

    * Anna: first entry 100 days ago; a left-knee bleed then, a right-ankle bleed
      40 days ago and a re-bleed there a day later (one episode): 2 episodes in
      100 observed days, ABR = 2 × 365.25 / 100 = 7.305. Weekly prophylaxis from
      20 days ago: scheduled 20, 13 and 6 days ago; doses logged 20 and 6 days
      ago: 2 of 3, 67 %.
    * Ben: three spontaneous left-ankle bleeds 500, 450 and 420 days ago (a target
      joint since then), then injuries into it 300, 200 and 100 days ago, so no
      12 months with ≤ 2 bleeds: still a target joint, which only the history
      before the 12 months shows. 3 episodes over the whole 12 months.
    * Cleo: a head bleed 10 days ago (flag), no regimen.
    * Dan: three spontaneous right-knee bleeds 60, 20 and 10 days ago: a target
      joint since 10 days ago (flag); no bleed in the other joints.
    """
    anna = shared_patient(doctor, "Anna")
    factories.make_bleed(anna, days_ago=100, site="KNEE", side="L", cause="SPONTANEOUS")
    factories.make_bleed(anna, days_ago=40, site="ANKLE", side="R", cause="TRAUMATIC")
    factories.make_bleed(anna, days_ago=39, site="ANKLE", side="R", cause="TRAUMATIC")
    factories.make_regimen(
        anna, schedule="WEEKLY", interval_days=None, start_date=timezone.localdate() - dt.timedelta(days=20)
    )
    factories.make_infusion(anna, days_ago=20)
    factories.make_infusion(anna, days_ago=6)

    ben = shared_patient(doctor, "Ben")
    for days in (500, 450, 420):
        factories.make_bleed(ben, days_ago=days, site="ANKLE", side="L", cause="SPONTANEOUS")
    for days in (300, 200, 100):
        factories.make_bleed(ben, days_ago=days, site="ANKLE", side="L", cause="TRAUMATIC")

    cleo = shared_patient(doctor, "Cleo")
    factories.make_bleed(cleo, days_ago=10, site="HEAD", cause="TRAUMATIC")

    dan = shared_patient(doctor, "Dan")
    for days in (60, 20, 10):
        factories.make_bleed(dan, days_ago=days, site="KNEE", side="R", cause="SPONTANEOUS")
    return {"anna": anna, "ben": ben, "cleo": cleo, "dan": dan}


def rows_by_name(response) -> dict:
    return {row.patient.display_name: row for row in response.context["rows"]}


@pytest.mark.parametrize(
    ("frozen_now", "year_start"),
    [
        ("2026-06-10T10:00:00+00:00", dt.datetime(2025, 6, 11, tzinfo=dt.UTC)),
        # No 29 February a year before: the 12 months start on 1 March.
        ("2028-02-29T12:00:00+00:00", dt.datetime(2027, 3, 1, tzinfo=dt.UTC)),
    ],
    indirect=["frozen_now"],
)
def test_figures_against_a_hand_made_log(frozen_now, year_start, client_for, doctor, ward):
    response = client_for(doctor).get(ROSTER)
    assert response.status_code == 200
    rows = rows_by_name(response)

    anna = rows["Anna"]
    assert anna.rates.bleeds == 2
    assert anna.abr == pytest.approx(2 * 365.25 / 100, abs=0.001)  # 7.305
    assert (anna.adherence.taken, anna.adherence.scheduled, anna.adherence_percent) == (2, 3, 67)
    assert anna.target_joints == ()
    assert anna.days_since_last_bleed == 39
    assert not anna.flagged

    ben = rows["Ben"]
    assert ben.target_joints == ("Left ankle",)
    assert ben.new_target_joints == ()
    assert ben.rates.bleeds == 3
    observed = (frozen_now - year_start).total_seconds() / 86400
    assert ben.abr == pytest.approx(3 * 365.25 / observed, abs=0.001)
    assert ben.adherence is None and ben.adherence_percent is None
    assert ben.days_since_last_bleed == 100

    cleo = rows["Cleo"]
    assert cleo.head_bleed_at is not None and cleo.flagged
    assert cleo.target_joints == ()

    dan = rows["Dan"]
    assert dan.target_joints == ("Right knee",) and dan.new_target_joints == ("Right knee",)
    assert dan.head_bleed_at is None and dan.flagged

    html = response.content.decode()
    assert "7.3" in html and "2 of 3" in html and "67 %" in html
    assert "Head bleed" in html and "New target joint: Right knee" in html


def test_the_roster_agrees_with_each_dashboard(client_for, doctor, ward):
    client = client_for(doctor)
    # One instant for both pages: the observed period ends now, and the two requests are apart by the test's speed.
    with time_machine.travel(timezone.now(), tick=False):
        rows = rows_by_name(client.get(ROSTER))
        boards = {
            patient.display_name: client.get(
                reverse("insights:dashboard", kwargs={"patient_id": patient.pk}) + "?period=12"
            ).context["board"]
            for patient in ward.values()
        }
    for patient in ward.values():
        board = boards[patient.display_name]
        row = rows[patient.display_name]
        assert row.rates.bleeds == board.rates.bleeds
        assert row.abr == pytest.approx(board.rates.abr, rel=1e-6)
        assert (row.adherence.summary if row.adherence else None) == (
            board.adherence.summary if board.adherence else None
        )
        assert row.target_joints == tuple(joint_label(t.site, t.side) for t in board.current_target_joints)
        assert row.days_since_last_bleed == board.days_since_last_bleed


def test_old_head_bleeds_and_old_target_joints_are_not_flagged(client_for, doctor):
    old = shared_patient(doctor, "Old")
    factories.make_bleed(old, days_ago=31, site="HEAD", cause="TRAUMATIC")
    for days in (120, 90, 45):
        factories.make_bleed(old, days_ago=days, site="ELBOW", side="L", cause="SPONTANEOUS")
    row = client_for(doctor).get(ROSTER).context["rows"][0]
    assert row.target_joints == ("Left elbow",)
    assert row.head_bleed_at is None and row.new_target_joints == () and not row.flagged


def order(client, sort: str) -> list[str]:
    response = client.get(f"{ROSTER}?sort={sort}")
    assert response.status_code == 200
    return [row.patient.display_name for row in response.context["rows"]]


def test_sorting_by_each_column(client_for, doctor, ward):
    client = client_for(doctor)
    assert order(client, "name") == ["Anna", "Ben", "Cleo", "Dan"]
    assert order(client, "-name") == ["Dan", "Cleo", "Ben", "Anna"]
    # ABR: Ben ≈ 3/yr, Anna 7.3, Cleo 1 bleed in 10 days, Dan 3 bleeds in 60 days.
    assert order(client, "abr") == ["Ben", "Anna", "Dan", "Cleo"]
    assert order(client, "-abr") == ["Cleo", "Dan", "Anna", "Ben"]
    # Only Anna has a regimen: the others come last either way, by name.
    assert order(client, "adherence") == ["Anna", "Ben", "Cleo", "Dan"]
    assert order(client, "-adherence") == ["Anna", "Ben", "Cleo", "Dan"]
    assert order(client, "-targets")[:2] == ["Ben", "Dan"]
    assert order(client, "last_bleed") == ["Cleo", "Dan", "Anna", "Ben"]
    assert order(client, "-last_bleed") == ["Ben", "Anna", "Cleo", "Dan"]
    # Flags: head bleed first, then a new target joint, then none.
    assert order(client, "-flags") == ["Cleo", "Dan", "Anna", "Ben"]


def test_a_patient_with_nothing_logged_has_no_figures_and_sorts_last(client_for, doctor, ward):
    shared_patient(doctor, "Aaron")
    client = client_for(doctor)
    for column in ("last_bleed", "-last_bleed", "abr", "-abr"):
        assert order(client, column)[-1] == "Aaron"
    response = client.get(ROSTER)
    aaron = rows_by_name(response)["Aaron"]
    assert (aaron.abr, aaron.days_since_last_bleed, aaron.adherence) == (None, None, None)
    assert "nothing logged" in response.content.decode()


def test_a_patient_with_doses_but_no_bleed_has_an_abr_of_zero(client_for, doctor):
    calm = shared_patient(doctor, "Calm")
    factories.make_infusion(calm, days_ago=50)
    row = client_for(doctor).get(ROSTER).context["rows"][0]
    assert row.abr == 0.0 and row.days_since_last_bleed is None


@pytest.mark.parametrize("sort", ["", "garbage", "-", "--abr", "abr;drop", "%00", "name,abr", "ABR", "x" * 500])
def test_garbage_sort_values_are_ignored(client_for, doctor, ward, sort):
    assert order(client_for(doctor), sort) == ["Anna", "Ben", "Cleo", "Dan"]


def test_the_header_links_reverse_the_active_column(client_for, doctor, ward):
    response = client_for(doctor).get(f"{ROSTER}?sort=abr")
    columns = {column["key"]: column for column in response.context["columns"]}
    assert columns["abr"]["link"] == "-abr" and columns["abr"]["aria_sort"] == "ascending"
    assert columns["name"]["link"] == "name" and columns["name"]["aria_sort"] == "none"
    assert 'href="?sort=-abr"' in response.content.decode()
    response = client_for(doctor).get(f"{ROSTER}?sort=-abr")
    assert {c["key"]: c for c in response.context["columns"]}["abr"]["link"] == "abr"


def test_only_patients_shared_as_clinician_are_listed(client_for, owner, clinician, patient, stranger):
    # The owner's own child is not on a roster; the clinician's is.
    theirs = stranger.patient_access.get().patient
    factories.grant(owner, theirs, Role.CLINICIAN)
    factories.add_authenticator_app(owner)  # a clinician's account has a second factor
    names = [row.patient.display_name for row in client_for(owner).get(ROSTER).context["rows"]]
    assert names == ["Stranger's child"]
    assert [row.patient.display_name for row in client_for(clinician).get(ROSTER).context["rows"]] == ["Leo"]
    assert client_for(stranger).get(ROSTER).context["rows"] == []


def test_a_clinicians_home_is_the_roster(client_for, doctor, ward):
    response = client_for(doctor).get("/?sort=-abr")
    assert response.status_code == 200
    assert [row.patient.display_name for row in response.context["rows"]] == ["Cleo", "Dan", "Anna", "Ben"]
    html = response.content.decode()
    assert "Patients who shared their log with you" in html
    assert reverse("insights:dashboard", kwargs={"patient_id": ward["anna"].pk}) in html


def test_a_family_home_is_unchanged_but_links_to_a_roster(client_for, owner, patient, stranger):
    client = client_for(owner)
    html = client.get("/").content.decode()
    assert "Clinician roster" not in html
    assert reverse("logbook:bleed_create", kwargs={"patient_id": patient.pk}) in html
    factories.grant(owner, stranger.patient_access.get().patient, Role.CLINICIAN)
    assert client.get("/")["Location"] == reverse("mfa_index")  # a clinician now: a second factor first
    factories.add_authenticator_app(owner)
    html = client.get("/").content.decode()
    assert "Clinician roster: 1 patient shared with you" in html and 'href="/roster/"' in html
    assert reverse("logbook:bleed_create", kwargs={"patient_id": patient.pk}) in html


def test_a_clinician_with_no_patient_sees_an_explanation(client_for, doctor):
    html = client_for(doctor).get(ROSTER).content.decode()
    assert "No patient has shared their log with you" in html


def fill(doctor, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        patient = shared_patient(doctor, f"Patient {n:03d}", weight_kg=None)
        factories.make_regimen(patient, start_date=timezone.localdate() - dt.timedelta(days=30))
        factories.make_infusion(patient, days_ago=2)
        factories.make_bleed(patient, days_ago=5 + n % 20, site="KNEE", side="L", cause="SPONTANEOUS")


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [ROSTER, "/", f"{ROSTER}?sort=-abr"])
def test_queries_do_not_grow_with_the_patients(client_for, doctor, url, django_assert_num_queries):
    client = client_for(doctor)
    fill(doctor, 1)
    with_one = count_queries(client, url)
    fill(doctor, 199, start=1)
    with django_assert_num_queries(with_one):
        response = client.get(url)
    assert len(response.context["rows"]) == 200
    assert all(row.rates.bleeds == 1 and row.adherence is not None for row in response.context["rows"])
