"""The reminders page (the calendar feed's secret URL: make, renew, revoke)
and the feed itself, opened by its secret URL without logging in: a phone's
calendar cannot log in. A URL revoked or renewed answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from .feed import calendar_for
from .models import CalendarFeed


@require_http_methods(["GET", "POST"])
def reminders(request: HttpRequest) -> HttpResponse:
    new_url = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "renew":
            token = CalendarFeed.renew(request.user)
            new_url = request.build_absolute_uri(reverse("reminders:calendar", args=[token]))
        elif action == "revoke":
            CalendarFeed.objects.filter(user=request.user).delete()
            messages.success(
                request, gettext("The calendar link no longer works. Calendars subscribed to it stop updating.")
            )
            return redirect("reminders:settings")
    has_feed = CalendarFeed.objects.filter(user=request.user).exists()
    return render(request, "reminders/reminders.html", {"new_url": new_url, "has_feed": has_feed})


@login_not_required
@require_GET
def calendar(request: HttpRequest, token: str) -> HttpResponse:
    user = CalendarFeed.owner_of(token)
    if user is None:
        raise Http404("No such calendar.")
    body = calendar_for(user, timezone.now(), link=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="hemolog.ics"'
    return response
