"""A job's page follows the work without a timed refresh of the whole page
(axe-core's meta-refresh rule, WCAG 2.2.1): static/js/job.js asks for the
status part alone (?poll=1) and, once the work goes on to another page,
reloads the page, which the server sends on with its message, once."""

from django.urls import reverse

from hemolog.background.models import Job


def job_of(user, **fields) -> Job:
    return Job.objects.create(user=user, kind="test.none", params={"title": "Importing an archive"}, **fields)


def test_a_running_jobs_status_part_alone_and_no_timed_refresh(client_for, owner):
    client = client_for(owner)
    job = job_of(owner, status=Job.Status.WAITING)
    page = client.get(reverse("background:job", args=[job.token])).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert 'id="job-status" role="status" aria-live="polite"' in page and "js/job.js" in page
    part = client.get(reverse("background:job", args=[job.token]), {"poll": "1"}).content.decode()
    assert "<html" not in part and 'data-job-status="WAITING"' in part and 'data-refresh="2"' in part


def test_a_job_that_goes_on_is_followed_by_a_reload_with_one_message(client_for, owner):
    client = client_for(owner)
    result = {"title": "2 bleeds imported.", "ok": True, "go_on": True, "url": "/", "lines": [], "link": ""}
    job = job_of(owner, status=Job.Status.DONE, result=result)
    url = reverse("background:job", args=[job.token])
    assert client.get(url, {"poll": "1"}).json() == {"reload": True}  # no message taken yet
    response = client.get(url, follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert [str(m) for m in response.context["messages"]] == ["2 bleeds imported."]


def test_a_finished_jobs_part_has_no_more_polling(client_for, owner):
    job = job_of(owner, status=Job.Status.DONE, result={"title": "Done.", "ok": True, "lines": [], "url": ""})
    part = client_for(owner).get(reverse("background:job", args=[job.token]), {"poll": "1"}).content.decode()
    assert "Done." in part and "data-refresh" not in part
