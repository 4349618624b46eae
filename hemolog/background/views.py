"""The page of a job: its progress while it runs, its outcome once over."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .jobs import progress_of
from .models import Job

REFRESH_SECONDS = 2


@never_cache
@require_GET
def job_status(request: HttpRequest, token: str) -> HttpResponse:
    job = get_object_or_404(Job.objects.visible_to(request.user), token=token)
    progress = {} if job.is_finished else progress_of(job)
    return render(
        request,
        "background/job.html",
        {
            "job": job,
            "progress": progress,
            "percent": progress.get("percent", 0),
            "refresh": None if job.is_finished else REFRESH_SECONDS,
            "outcome": job.result,
        },
    )
