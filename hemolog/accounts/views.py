from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from .forms import AccountSettingsForm


@require_http_methods(["GET", "POST"])
def account_settings(request: HttpRequest) -> HttpResponse:
    form = AccountSettingsForm(request.POST if request.method == "POST" else None, instance=request.user)
    if form.is_valid():
        user = form.save()
        if user.language:
            translation.activate(user.language)  # the message in the language just chosen
        messages.success(request, gettext("Your settings were saved."))
        return redirect("account_settings")
    return render(request, "accounts/settings.html", {"form": form})


@require_GET
def account_security(request: HttpRequest) -> HttpResponse:
    """Links to what protects the account: password, e-mail addresses, two-factor."""
    return render(request, "accounts/security.html")
