"""The page of a job: its progress while it runs, its outcome once over."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .jobs import may_see, progress_of
from .models import Job

REFRESH_SECONDS = 2


@never_cache
@require_GET
def job_status(request: HttpRequest, token: str) -> HttpResponse:
    job = get_object_or_404(Job.objects.visible_to(request.user).defer("data", "output"), token=token)
    if not may_see(job):
        raise Http404("No such job.")
    outcome = job.result
    polling = request.GET.get("poll") == "1"  # static/js/job.js asks for the status part alone
    if job.is_finished and outcome.get("go_on") and outcome.get("url"):
        if polling:  # the page itself reloads, to go on (and show the message) as a person's visit
            return JsonResponse({"reload": True})
        messages.add_message(request, messages.SUCCESS if outcome["ok"] else messages.WARNING, outcome["title"])
        return redirect(outcome["url"])
    progress = {} if job.is_finished else progress_of(job)
    context = {
        "job": job,
        "progress": progress,
        "percent": progress.get("percent", 0),
        "refresh": None if job.is_finished else REFRESH_SECONDS,
        "outcome": outcome,
    }
    return render(request, "background/_job_status.html" if polling else "background/job.html", context)


@never_cache
@require_GET
def job_file(request: HttpRequest, token: str) -> HttpResponse:
    """The file a finished job made, for its starter only."""
    job = get_object_or_404(Job.objects.visible_to(request.user).exclude(output_name="").defer("data"), token=token)
    if not may_see(job):  # e.g. a clinician whose access to the patient ended since
        raise Http404("No such job.")
    response = HttpResponse(bytes(job.output), content_type=job.output_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=job.output_name)
    return response
