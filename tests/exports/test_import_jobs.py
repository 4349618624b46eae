"""Jobs on the database queue, run by the worker command in this process
(``worker --batch``: what is queued, then it exits): what happens between a
CSV import's confirmation and its run, and how many jobs one person may have."""

import pytest
from django.core.management import call_command

from hemolog.background.models import Job
from hemolog.exports.columns import BLEED_COLUMNS
from hemolog.exports.models import PendingImport
from hemolog.patients.models import PatientAccess

from .csv_import_helpers import Importer, bleed, csv_file

pytestmark = pytest.mark.django_db(transaction=True)  # the worker closes its connection between tasks


@pytest.fixture
def queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def waiting_confirmation(client_for, caregiver, patient, queue):
    """A caregiver's file checked (the worker ran the check) and its confirmation posted, not yet run."""
    importer = Importer(client_for(caregiver), patient)
    assert importer.upload(csv_file(BLEED_COLUMNS, [bleed(5), bleed(4, site="HIP", side="R")])).status_code == 302
    assert importer.client.get(importer.preview_url).status_code == 302  # the check is queued
    call_command("worker", "--batch")
    page = importer.preview()
    confirm = {"token": page.context["pending"].token, "fingerprint": page.context["plan"].fingerprint()}
    started = importer.client.post(importer.preview_url, confirm)
    assert started.status_code == 302 and started["Location"].startswith("/jobs/")
    return importer, confirm, started["Location"]


def test_a_double_tapped_import_is_one_job(waiting_confirmation, patient):
    importer, confirm, job_page = waiting_confirmation
    again = importer.client.post(importer.preview_url, confirm)
    assert again["Location"] == job_page
    assert Job.objects.filter(kind="csv_import").count() == 1
    call_command("worker", "--batch")
    assert patient.bleeds.count() == 2


def test_an_import_under_way_cannot_be_cancelled_and_says_how_it_ended(waiting_confirmation, patient):
    importer, confirm, job_page = waiting_confirmation
    cancel = importer.client.post(importer.preview_url, confirm | {"cancel": "1"}, follow=True)
    assert cancel.redirect_chain[0][0] == job_page
    assert "The import is under way and can no longer be cancelled." in cancel.content.decode()
    assert PendingImport.objects.exists()
    call_command("worker", "--batch")
    done = importer.client.get(job_page, follow=True).content.decode()
    assert "Leo: 2 bleeds imported." in done and patient.bleeds.count() == 2


def test_an_import_whose_access_ended_before_it_ran_saves_nothing(waiting_confirmation, caregiver, patient):
    importer, confirm, job_page = waiting_confirmation
    PatientAccess.objects.filter(user=caregiver, patient=patient).delete()
    call_command("worker", "--batch")
    job = Job.objects.get(kind="csv_import")
    assert job.status == Job.Status.DONE and job.result["ok"] is False
    assert "That preview is no longer waiting" in job.result["title"]
    assert not patient.bleeds.exists()
    assert importer.client.get(job_page).status_code == 404  # nor is the job shown to them any more


def test_a_new_upload_while_an_import_waits_is_not_deleted_by_it(waiting_confirmation, patient):
    importer, confirm, job_page = waiting_confirmation
    assert importer.upload(csv_file(BLEED_COLUMNS, [bleed(9)])).status_code == 302  # same row, a new token
    call_command("worker", "--batch")
    assert not patient.bleeds.exists()  # the confirmed file was replaced: nothing of it is saved
    assert "That preview is no longer waiting" in Job.objects.get(kind="csv_import").result["title"]
    assert PendingImport.objects.get().filename == "log.csv"  # the new file still waits


def test_a_fourth_job_under_way_waits_for_one_to_end(client_for, owner, patient, queue):
    from hemolog.background.jobs import MAX_JOBS_UNDER_WAY

    from .helpers import export_url

    client = client_for(owner)
    for year in range(MAX_JOBS_UNDER_WAY):  # long reports, none run yet
        started = client.get(export_url("pdf", patient, start=f"{2010 + year}-01-01", end=f"{2012 + year}-12-31"))
        assert started["Location"].startswith("/jobs/")
    again = client.get(export_url("pdf", patient, start="2010-01-01", end="2012-12-31"))
    assert Job.objects.count() == MAX_JOBS_UNDER_WAY  # the same report again is the same job
    assert again["Location"] == f"/jobs/{Job.objects.order_by('pk').first().token}/"
    refused = client.get(export_url("pdf", patient, start="2001-01-01", end="2004-12-31"), follow=True)
    assert refused.redirect_chain[-1][0].endswith("/export/")
    assert "You have 3 imports or reports under way" in refused.content.decode()
    assert Job.objects.count() == MAX_JOBS_UNDER_WAY
    call_command("worker", "--batch")
    assert set(Job.objects.values_list("status", flat=True)) == {Job.Status.DONE}
