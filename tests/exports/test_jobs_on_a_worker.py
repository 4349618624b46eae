"""The task queue end to end, with a real worker process started by the test,
on the database queue and on Redis/RQ: an archive restore enqueued from the
page in a browser, its page waiting, then the result; a CSV file checked and
imported from its pages; a job that fails is tried again, then shown as
failed, with nothing it wrote left behind."""

import json
import time

import pytest
import redis
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Page, expect

from hemolog.background.jobs import progress_of, start_job
from hemolog.background.models import Job
from hemolog.exports import archive
from hemolog.exports.columns import BLEED_COLUMNS
from hemolog.patients.models import Patient
from tests.background_faults import WRITES_THEN_FAILS
from tests.browser.test_journeys import log_in
from tests.exports.csv_import_helpers import bleed, csv_file
from tests.servers import ROOT, start_worker, stop, suite_database_url

pytestmark = pytest.mark.django_db(transaction=True)

QUEUE_REDIS_URL = "redis://127.0.0.1:6379/12"  # a database of its own, emptied before and after
BACKENDS = {"database": "django_tasks_db.DatabaseBackend", "rq": "django_tasks_rq.RQBackend"}


@pytest.fixture(params=sorted(BACKENDS))
def queue(request, settings):
    """This process enqueues on the queue the worker reads; the worker's environment."""
    settings.TASKS = {"default": {"BACKEND": BACKENDS[request.param]}}
    settings.HEMOLOG_JOB_RETRY_DELAYS = [1, 1]
    env = {"HEMOLOG_TASK_BACKEND": request.param, "HEMOLOG_JOB_RETRY_DELAYS": "1,1"}
    if request.param == "rq":
        settings.RQ_QUEUES = {"default": {"URL": QUEUE_REDIS_URL}}
        env["QUEUE_REDIS_URL"] = QUEUE_REDIS_URL
        redis.Redis.from_url(QUEUE_REDIS_URL).flushdb()
    yield env
    if request.param == "rq":
        redis.Redis.from_url(QUEUE_REDIS_URL).flushdb()


@pytest.fixture
def worker(queue):
    """Start the worker when the test says so; stopped after the test."""
    started = []

    def start(script: str = "manage.py"):
        started.append(start_worker(suite_database_url(), script=script, **queue))

    yield start
    for process in started:
        stop(process)


def wait_until_over(job: Job, seconds: float = 60) -> Job:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            return job
        time.sleep(0.2)
    raise AssertionError(f"the job is still {job.status} after {seconds} s")


def test_an_archive_restore_runs_on_the_worker_while_its_page_waits(
    page: Page, live_server, good_archive, newcomer, worker, tmp_path
):
    upload = tmp_path / "hemolog-archive.json"
    upload.write_text(json.dumps(good_archive))
    log_in(page, live_server, newcomer.email)
    page.goto(f"{live_server.url}/accounts/archive/import/")
    page.get_by_label("Archive file (.json)").set_input_files(upload)
    page.get_by_role("button", name="Import").click()

    # No worker yet: the job waits, and its page says so and refreshes itself.
    expect(page.get_by_role("heading", name="Importing an archive")).to_be_visible()
    expect(page.get_by_text("Waiting for its turn…")).to_be_visible()
    expect(page.locator("progress")).to_be_visible()
    job = Job.objects.get(user=newcomer)
    assert job.status == Job.Status.WAITING and not archive.owned_patients(newcomer)

    worker()
    expect(page.get_by_text("Archive imported: 2 patients (Leo, Mia).")).to_be_visible(timeout=60_000)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.attempts == 1 and job.data == b""  # the upload is not kept
    assert progress_of(job) == {"percent": 100, "text": "Done"}  # the worker's progress, read here
    page.get_by_role("link", name="See the patients").click()
    expect(page.get_by_role("region", name="Leo")).to_be_visible()
    assert [p.display_name for p in archive.owned_patients(newcomer)] == ["Leo", "Mia"]


def test_a_job_that_fails_is_tried_again_then_shown_failed_with_nothing_written(client, newcomer, worker):
    before = Patient.objects.count()
    job = start_job(newcomer, WRITES_THEN_FAILS, params={"title": "A job that fails"})
    worker(script=str(ROOT / "tests" / "worker_knowing_faults.py"))
    job = wait_until_over(job)
    assert job.status == Job.Status.FAILED
    assert job.attempts == 3  # the first try and one after each retry delay
    assert Patient.objects.count() == before  # each attempt's writes were rolled back
    page = client.get(f"/jobs/{job.token}/").content.decode()
    assert "This could not be done, and nothing was saved." in page
    assert "It failed 3 times." in page


def test_a_csv_import_is_checked_and_saved_by_the_worker(client_for, owner, patient, worker):
    client = client_for(owner)
    content = csv_file(BLEED_COLUMNS, [bleed(5), bleed(4, site="HIP", side="R")])
    upload = client.post(
        f"/patients/{patient.pk}/import/", {"file": SimpleUploadedFile("bleeds.csv", content), "kind": ""}
    )
    assert upload.status_code == 302
    preview = client.get(upload["Location"])
    assert preview.status_code == 302 and preview["Location"].startswith("/jobs/")  # the check is a job
    check = Job.objects.get(kind="csv_check")
    assert "Waiting for its turn" in client.get(preview["Location"]).content.decode()  # no worker yet

    worker()
    wait_until_over(check)
    page = client.get(preview["Location"], follow=True)  # the finished check goes on to the preview
    assert page.redirect_chain[-1][0].endswith("/import/preview/")
    plan = page.context["plan"]
    assert [row.status for row in plan.rows] == ["new", "new"]
    assert not patient.bleeds.exists()

    confirm = {"token": page.context["pending"].token, "fingerprint": plan.fingerprint()}
    started = client.post(f"/patients/{patient.pk}/import/preview/", confirm)
    assert started["Location"].startswith("/jobs/")
    wait_until_over(Job.objects.get(kind="csv_import"))
    done = client.get(started["Location"], follow=True)
    assert done.redirect_chain[-1][0] == f"/patients/{patient.pk}/bleeds/"
    assert "Leo: 2 bleeds imported." in done.content.decode()
    assert patient.bleeds.count() == 2
