from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView as DjangoLoginView
from django.contrib.auth.views import LogoutView as DjangoLogoutView
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from .forms import AccountSettingsForm, EmailAuthenticationForm, SignUpForm
from .middleware import IDLE_LIMIT


class LoginView(DjangoLoginView):
    """Log in by e-mail; a logged-in visitor goes on to ``next``, except when
    ``next`` is the log-in page itself (Django would loop and fail)."""

    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_redirect_url(self) -> str:
        url = super().get_redirect_url()
        return "" if url.split("?")[0] == self.request.path else url

    def form_valid(self, form):
        """The idle time-out chosen, set before the log-in, which keeps it
        (a clinician's is shortened again by hemolog.patients.signals)."""
        remember = form.cleaned_data.get("remember")
        self.request.session[IDLE_LIMIT] = settings.SESSION_COOKIE_AGE if remember else settings.SESSION_IDLE_SECONDS
        return super().form_valid(form)


class LogoutView(DjangoLogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You are logged out.")
        return response


@login_not_required
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Sign up and log in. ``next`` (e.g. an invitation link) is where to go
    afterwards; ``email`` pre-fills the address."""
    next_url = _safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or "home")
    if request.method == "POST":
        form = SignUpForm(request.POST)
    else:
        form = SignUpForm(initial={"email": request.GET.get("email", "")[:254]})
    if form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if next_url:
            messages.success(request, "Welcome to Hemolog.")
            return redirect(next_url)
        messages.success(request, "Welcome to Hemolog. Start by adding a patient profile.")
        return redirect("patients:create")
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


def _safe_next(request: HttpRequest) -> str:
    """The ``next`` parameter if it points inside this site, else ""."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return ""


@require_http_methods(["GET", "POST"])
def account_settings(request: HttpRequest) -> HttpResponse:
    form = AccountSettingsForm(request.POST if request.method == "POST" else None, instance=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, "Your settings were saved.")
        return redirect("account_settings")
    return render(request, "accounts/settings.html", {"form": form})


@login_not_required
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
