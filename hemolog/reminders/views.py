"""The reminders page (the calendar feed's secret URL: make, renew, revoke)
and the feed itself, opened by its secret URL without logging in: a phone's
calendar cannot log in. A URL revoked or renewed answers 404."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hemolog.accounts.language import language_of

from .feed import calendar_for
from .models import CalendarFeed, PushSubscription, ReminderSettings
from .push import application_server_key
from .sending import UNSUBSCRIBE_SALT

MAX_SUBSCRIPTION_BYTES = 4096


class SettingsForm(forms.ModelForm):
    class Meta:
        model = ReminderSettings
        fields = ("by_email", "quiet_from", "quiet_until", "low_stock_days")
        widgets = {
            "quiet_from": forms.TimeInput(attrs={"type": "time"}),
            "quiet_until": forms.TimeInput(attrs={"type": "time"}),
        }


@require_http_methods(["GET", "POST"])
def reminders(request: HttpRequest) -> HttpResponse:
    new_url = ""
    choice = ReminderSettings.of(request.user)
    form = SettingsForm(instance=choice)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "settings":
            form = SettingsForm(request.POST, instance=choice)
            if form.is_valid():
                form.save()
                messages.success(request, gettext("Reminder settings saved."))
                return redirect("reminders:settings")
        elif action == "renew":
            token = CalendarFeed.renew(request.user)
            new_url = request.build_absolute_uri(reverse("reminders:calendar", args=[token]))
        elif action == "revoke":
            CalendarFeed.objects.filter(user=request.user).delete()
            messages.success(
                request, gettext("The calendar link no longer works. Calendars subscribed to it stop updating.")
            )
            return redirect("reminders:settings")
    has_feed = CalendarFeed.objects.filter(user=request.user).exists()
    context = {
        "new_url": new_url,
        "has_feed": has_feed,
        "form": form,
        "push_key": application_server_key(),
        "phones": request.user.push_subscriptions.count(),
    }
    return render(request, "reminders/reminders.html", context)


@require_POST
def push_subscribe(request: HttpRequest) -> JsonResponse:
    """The phone's Push API subscription (static/js/reminders.js), as JSON; or, with
    ``"unsubscribe": true``, the end of it."""
    refused = JsonResponse({"error": gettext("That is not a push subscription.")}, status=400)
    try:
        if len(request.body) > MAX_SUBSCRIPTION_BYTES:
            raise ValueError
        data = json.loads(request.body)
        endpoint, keys = data["endpoint"], data.get("keys") or {}
        if (
            not isinstance(endpoint, str)
            or not endpoint.startswith(("https://", "http://"))
            or not isinstance(keys, dict)
        ):
            raise ValueError
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return refused
    if data.get("unsubscribe"):
        PushSubscription.objects.filter(user=request.user, endpoint=endpoint).delete()
        return JsonResponse({"subscribed": False})
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    if not (isinstance(p256dh, str) and isinstance(auth, str) and 0 < len(p256dh) <= 200 and 0 < len(auth) <= 100):
        return refused
    if len(endpoint) > 1000:
        return refused
    PushSubscription.objects.update_or_create(
        endpoint=endpoint, defaults={"user": request.user, "p256dh": p256dh, "auth": auth}
    )
    return JsonResponse({"subscribed": True})


@login_not_required
@csrf_exempt  # the token in the URL is the proof; a mail client's one-click POST (RFC 8058) has no CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise Http404("No such link.") from None
    if request.method == "POST":
        ReminderSettings.objects.filter(user_id=user_id).update(by_email=False)
        return render(request, "reminders/unsubscribed.html", {"done": True})
    return render(request, "reminders/unsubscribed.html", {"done": False})


@login_not_required
@require_GET
def calendar(request: HttpRequest, token: str) -> HttpResponse:
    user = CalendarFeed.owner_of(token)
    if user is None:
        raise Http404("No such calendar.")
    with translation.override(language_of(user)):  # a calendar app sends no language of its own
        body = calendar_for(user, timezone.now(), link=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="hemolog.ics"'
    return response
