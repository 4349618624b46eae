"""CSV import: a preview with every row and its errors by line, nothing saved
until confirmed, no duplicates on re-import, and who may import."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hemolog.exports.columns import BLEED_COLUMNS, INFUSION_COLUMNS
from hemolog.exports.models import PendingImport
from hemolog.logbook.models import BleedEpisode
from hemolog.patients.models import Patient, PatientAccess
from tests import factories
from tests.conftest import log_in

from .csv_import_helpers import LONDON, Importer, ago, bleed, csv_file, errors_of, infusion, statuses

# The preview -----------------------------------------------------------------------------


def test_preview_shows_each_row_and_its_errors_by_line_and_saves_nothing(importer, patient):
    content = csv_file(
        BLEED_COLUMNS,
        [
            bleed(5, pain_0_to_10="6", notes="Twisted it"),  # line 2: fine
            bleed(-2),  # line 3: in the future
            bleed(4, side=""),  # line 4: a knee needs a side
            bleed(3, site="KNIE"),  # line 5: not a site
            bleed(2, started_at="yesterday"),  # line 6: not a time
            bleed(1, resolved_at=ago(3), pain_0_to_10="11"),  # line 7: resolved before started, pain out of range
        ],
    )
    plan = importer.plan(content)
    assert statuses(plan) == {2: "new", 3: "error", 4: "error", 5: "error", 6: "error", 7: "error"}
    assert "started_at: A bleed's start can't be in the future." in errors_of(plan, 3)
    assert "side: Choose left or right." in errors_of(plan, 4)
    assert "site: “KNIE” is not one of KNEE, ANKLE" in errors_of(plan, 5)
    assert "started_at: “yesterday” is not a date and time in ISO 8601" in errors_of(plan, 6)
    assert "resolved_at: A bleed can't be resolved before it started." in errors_of(plan, 7)
    assert "pain_0_to_10: Ensure this value is less than or equal to 10." in errors_of(plan, 7)

    html = importer.preview().content.decode()
    assert "Line 4: side: Choose left or right." in html
    assert "Left knee" in html and "Twisted it" in html  # line 2 as it will be saved
    assert "1</strong> to import" in html and "5</strong> with errors" in html
    assert not BleedEpisode.objects.filter(patient=patient).exists()


def test_confirm_saves_the_valid_rows_in_one_go(importer, owner, patient):
    version = patient.data_version
    importer.plan(
        csv_file(BLEED_COLUMNS, [bleed(5, notes="Fell off the bike"), bleed(4, site="ANKLE", side="R"), bleed(-1)])
    )
    assert not patient.bleeds.exists()

    response = importer.confirm()
    assert response.redirect_chain[-1][0] == reverse("logbook:bleed_list", kwargs={"patient_id": patient.pk})
    message = " ".join(str(m) for m in response.context["messages"])
    assert "Leo: 2 bleeds imported. Rows skipped: 1 with errors." in message
    saved = list(patient.bleeds.order_by("started_at"))
    assert [(b.site, b.side, b.created_by) for b in saved] == [("KNEE", "L", owner), ("ANKLE", "R", owner)]
    assert saved[0].notes == "Fell off the bike"
    patient.refresh_from_db()
    assert patient.data_version > version  # the dashboard's cache moves on
    assert not PendingImport.objects.exists()


def test_importing_the_same_file_again_adds_nothing(importer, patient):
    content = csv_file(BLEED_COLUMNS, [bleed(5), bleed(4, site="NOSE", side="")])
    importer.plan(content)
    importer.confirm()
    assert patient.bleeds.count() == 2

    plan = importer.plan(content)
    assert statuses(plan) == {2: "duplicate", 3: "duplicate"}
    assert "Already in the log, skipped." in importer.preview().content.decode()
    response = importer.confirm()
    assert "0 bleeds imported. Rows skipped: 2 already in the log." in " ".join(
        str(m) for m in response.context["messages"]
    )
    assert patient.bleeds.count() == 2


def test_a_row_repeated_in_the_same_file_is_imported_once(importer, patient):
    row = infusion(3)
    plan = importer.plan(csv_file(INFUSION_COLUMNS, [row, row | {"notes": "typed twice"}]))
    assert statuses(plan) == {2: "new", 3: "duplicate"}
    assert plan.rows[1].note == "Same dose as line 2, skipped."
    importer.confirm()
    assert patient.infusions.count() == 1


def test_a_duplicate_is_matched_to_the_minute_and_by_the_patients_own_log(importer, patient, stranger):
    logged = factories.make_bleed(patient, days_ago=6, site="ELBOW", side="R")
    logged_at = timezone.localtime(logged.started_at, LONDON).replace(second=17)  # seconds are not compared
    other = stranger.patient_access.get().patient
    factories.make_bleed(other, days_ago=2, site="KNEE", side="L")
    plan = importer.plan(
        csv_file(
            BLEED_COLUMNS,
            [
                bleed(site="ELBOW", side="R", started_at=logged_at.isoformat()),
                bleed(site="ELBOW", side="L", started_at=logged_at.isoformat()),  # the other elbow: new
                bleed(2, site="KNEE", side="L"),  # only in the stranger's log: new here
            ],
        )
    )
    assert statuses(plan) == {2: "duplicate", 3: "new", 4: "new"}


def test_nothing_is_saved_when_cancelled(importer, patient):
    importer.plan(csv_file(BLEED_COLUMNS, [bleed(5)]))
    response = importer.confirm(cancel="1")
    assert "Import cancelled: nothing was saved." in response.content.decode()
    assert not patient.bleeds.exists()
    assert not PendingImport.objects.exists()


def test_a_second_confirmation_of_the_same_preview_saves_nothing_more(importer, patient):
    importer.plan(csv_file(BLEED_COLUMNS, [bleed(5), bleed(4)]))
    page = importer.preview()
    data = {"token": page.context["pending"].token, "fingerprint": page.context["plan"].fingerprint()}
    importer.client.post(importer.preview_url, data)
    response = importer.client.post(importer.preview_url, data, follow=True)  # a double tap
    assert "That preview is no longer waiting" in response.content.decode()
    assert patient.bleeds.count() == 2


def test_a_log_changed_since_the_preview_is_previewed_again(importer, patient):
    hip = bleed(4, site="HIP", side="R")
    importer.plan(csv_file(BLEED_COLUMNS, [bleed(5), hip]))
    page = importer.preview()
    data = {"token": page.context["pending"].token, "fingerprint": page.context["plan"].fingerprint()}
    # Meanwhile the other parent logs the hip bleed by hand.
    BleedEpisode.objects.create(
        patient=patient, started_at=dt.datetime.fromisoformat(hip["started_at"]), site="HIP", side="R"
    )
    response = importer.client.post(importer.preview_url, data, follow=True)
    assert "The log changed since this preview was shown, so nothing was saved yet." in response.content.decode()
    assert patient.bleeds.count() == 1
    assert statuses(response.context["plan"]) == {2: "new", 3: "duplicate"}
    importer.confirm()
    assert patient.bleeds.count() == 2


def test_a_stale_token_saves_nothing(importer, patient):
    importer.plan(csv_file(BLEED_COLUMNS, [bleed(5)]))
    page = importer.preview()
    response = importer.client.post(
        importer.preview_url, {"token": "not-the-token", "fingerprint": page.context["plan"].fingerprint()}, follow=True
    )
    assert "That preview is no longer waiting" in response.content.decode()
    assert not patient.bleeds.exists()


def test_the_waiting_file_belongs_to_its_patient(importer, client_for, owner, patient):
    sam = factories.make_patient(owner=owner, display_name="Sam")
    importer.plan(csv_file(BLEED_COLUMNS, [bleed(5)]))
    sams = Importer(importer.client, sam)
    assert sams.preview().context["plan"] is None
    token = importer.preview().context["pending"].token
    response = sams.client.post(sams.preview_url, {"token": token, "fingerprint": "x"}, follow=True)
    assert "That preview is no longer waiting" in response.content.decode()
    assert not BleedEpisode.objects.exists()


def test_preview_without_a_waiting_file(importer):
    response = importer.preview()
    assert response.context["plan"] is None
    assert "No file is waiting to be imported" in response.content.decode()


def test_the_preview_filters_by_status_and_pages(importer):
    rows = [bleed(100 - i * 0.5) for i in range(150)] + [bleed(-1)]
    importer.plan(csv_file(BLEED_COLUMNS, rows))
    page = importer.preview().context["page"]
    assert len(page.object_list) == 100 and page.paginator.count == 151
    errors = importer.preview(show="error").context["page"]
    assert [row.line for row in errors.object_list] == [152]


# Who may import --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["exports:import_upload", "exports:import_preview"])
def test_clinician_gets_403_and_stranger_404(name, client_for, clinician, stranger, patient):
    url = reverse(name, kwargs={"patient_id": patient.pk})
    content = csv_file(BLEED_COLUMNS, [bleed(5)])
    for user, status in ((clinician, 403), (stranger, 404)):
        client = client_for(user)
        assert client.get(url).status_code == status
        assert client.post(url, {"file": SimpleUploadedFile("b.csv", content)}).status_code == status
        assert client.put(url).status_code == 405
    assert not BleedEpisode.objects.exists()


def test_caregiver_can_import(client_for, caregiver, patient):
    importer = Importer(client_for(caregiver), patient)
    importer.plan(csv_file(BLEED_COLUMNS, [bleed(5)]))
    importer.confirm()
    assert patient.bleeds.get().created_by == caregiver


def test_access_revoked_between_preview_and_confirm(importer, owner, patient):
    importer.plan(csv_file(BLEED_COLUMNS, [bleed(5)]))
    page = importer.preview()
    data = {"token": page.context["pending"].token, "fingerprint": page.context["plan"].fingerprint()}
    PatientAccess.objects.filter(user=owner, patient=patient).update(role=PatientAccess.Role.CLINICIAN)
    factories.add_authenticator_app(owner)  # a clinician's account has a second factor
    assert importer.client.post(importer.preview_url, data).status_code == 403
    assert not Patient.objects.get(pk=patient.pk).bleeds.exists()


def test_a_row_the_database_refuses_saves_nothing_and_is_no_500(importer, patient, monkeypatch):
    """The forms refuse everything the database does; should one slip through, the import is refused whole."""
    from hemolog.exports.csv_import_plan import ImportPlan

    entries = ImportPlan.entries

    def spoiled(plan, include_flagged):
        rows = entries(plan, include_flagged)
        rows[-1].side = ""  # a knee bleed without a side: the database's CHECK refuses it
        return rows

    importer.plan(csv_file(BLEED_COLUMNS, [bleed(5), bleed(4)]))
    monkeypatch.setattr(ImportPlan, "entries", spoiled)
    response = importer.confirm()
    assert response.status_code == 200
    assert "The database refused one of the rows, so nothing was saved." in response.content.decode()
    assert not patient.bleeds.exists()


def test_a_waiting_file_over_new_limits_is_dropped_with_the_reason(importer, patient, monkeypatch):
    importer.plan(csv_file(BLEED_COLUMNS, [bleed(5), bleed(4)]))
    page = importer.preview()
    data = {"token": page.context["pending"].token, "fingerprint": page.context["plan"].fingerprint()}
    monkeypatch.setattr("hemolog.exports.csv_upload.MAX_ROWS", 1)
    response = importer.client.post(importer.preview_url, data, follow=True)
    assert "The file has more than 1 rows." in response.content.decode()
    assert not patient.bleeds.exists()
    assert not PendingImport.objects.exists()


def test_the_patient_page_links_to_the_import_for_the_family_only(client_for, owner, clinician, patient):
    url = reverse("exports:import_upload", kwargs={"patient_id": patient.pk})
    detail = reverse("patients:detail", kwargs={"patient_id": patient.pk})
    assert url in client_for(owner).get(detail).content.decode()
    assert url not in client_for(clinician).get(detail).content.decode()


def test_the_waiting_file_is_a_row_any_server_reads_not_part_of_the_session(importer, owner, patient):
    """Previewed in one session (a phone on one app server), confirmed in
    another (the same account on another server): the session holds no file."""
    importer.plan(csv_file(BLEED_COLUMNS, [bleed(5), bleed(6)]))
    pending = PendingImport.objects.get()
    assert (pending.user, pending.patient, pending.kind) == (owner, patient, "bleeds")
    assert len(importer.client.session.encode(dict(importer.client.session))) < 2000
    other = Importer(log_in(Client(), owner), patient)
    assert other.confirm().status_code == 200
    assert patient.bleeds.count() == 2
    assert not PendingImport.objects.exists()


def test_a_file_left_waiting_for_a_day_is_gone(importer, owner, patient):
    importer.plan(csv_file(BLEED_COLUMNS, [bleed(5)]))
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25)):
        later = Importer(log_in(Client(), owner), patient)
        assert later.preview().context["plan"] is None
