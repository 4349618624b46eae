"""Sharing a patient: the owner's sharing page (who has access, invitations,
the access record), revoking and leaving, the invitation link, and the
clinician roster."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hemolog.accounts.reauthentication import confirm_identity_to_change
from hemolog.patients.access import PatientContext, access_patient
from hemolog.patients.models import Patient, PatientAccess

from . import services
from .forms import ROLE_CHOICES, InvitationForm
from .models import Invitation
from .roster import roster_context

EVENTS_PER_PAGE = 25
# The link of a new invitation is shown once, on the page the owner lands on
# after sending it. It travels in a signed cookie that lives a few minutes and
# is dropped once read: a bearer link is never stored on the server (only its
# hash is), not even in the session.
NEW_LINK_COOKIE = "hemolog_new_invitation"
NEW_LINK_SECONDS = 5 * 60


# The owner's sharing page ------------------------------------------------------


@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Who can see the patient, open invitations, a form to invite someone,
    and the record of clinicians' views and of exports. Owners only."""
    ctx = access_patient(request, patient_id, owner=True)
    confirm_identity_to_change(request)
    data = request.POST if request.method == "POST" else None
    form = InvitationForm(data, patient=ctx.patient)
    if form.is_valid():
        try:
            new = services.create_invitation(
                ctx.patient, form.cleaned_data["email"], form.cleaned_data["role"], invited_by=request.user
            )
        except services.TooManyInvitations as limit:
            form.add_error(None, str(limit))  # shown like any refused invitation, with what was typed
        else:
            return _invitation_sent(request, ctx, new)
    new_link = _new_link(request, ctx.patient.pk) if request.method == "GET" else None
    response = render(request, "sharing/manage.html", _manage_context(request, ctx, form, new_link))
    if NEW_LINK_COOKIE in request.COOKIES:
        response.delete_cookie(NEW_LINK_COOKIE, path=request.path, samesite="Strict")
    return response


def _invitation_sent(request: HttpRequest, ctx: PatientContext, new: services.NewInvitation) -> HttpResponse:
    """E-mail the link, say so, and hand it to the next page in a cookie."""
    link = request.build_absolute_uri(reverse("sharing:invitation", kwargs={"token": new.token}))
    days = settings.INVITATION_EXPIRY_DAYS
    if services.send_invitation_email(new, link):
        text = ngettext(
            "Invitation e-mailed to %(email)s. The link works once, for %(days)s day.",
            "Invitation e-mailed to %(email)s. The link works once, for %(days)s days.",
            days,
        )
        messages.success(request, text % {"email": new.invitation.email, "days": days})
    else:
        text = _("The e-mail to %(email)s could not be sent: pass the link on yourself.")
        messages.warning(request, text % {"email": new.invitation.email})
    response = redirect("sharing:manage", patient_id=ctx.patient.pk)
    response.set_signed_cookie(
        NEW_LINK_COOKIE,
        json.dumps(
            {"patient_id": ctx.patient.pk, "user_id": request.user.pk, "link": link, "email": new.invitation.email}
        ),
        salt=NEW_LINK_COOKIE,
        max_age=NEW_LINK_SECONDS,
        path=request.path,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )
    return response


def _new_link(request: HttpRequest, patient_id: int) -> dict | None:
    """The invitation this user just sent from this page, from its cookie;
    None if none, stale, forged, or another account's on the same browser."""
    try:
        new = json.loads(request.get_signed_cookie(NEW_LINK_COOKIE, salt=NEW_LINK_COOKIE, max_age=NEW_LINK_SECONDS))
    except (KeyError, ValueError, signing.BadSignature):
        return None
    if not isinstance(new, dict) or (new.get("patient_id"), new.get("user_id")) != (patient_id, request.user.pk):
        return None
    return new


def _manage_context(
    request: HttpRequest, ctx: PatientContext, form: InvitationForm, new_link: dict | None = None
) -> dict:
    now = timezone.now()
    patient = ctx.patient
    access_rows = sorted(
        patient.access.select_related("user", "granted_by"),
        key=lambda row: (-services.ROLE_RANK[row.role], row.granted_at, row.pk),
    )
    owners = sum(1 for row in access_rows if row.role == PatientAccess.Role.OWNER)
    invitations = list(patient.invitations.open().select_related("invited_by").order_by("-created_at", "-pk"))
    for invitation in invitations:
        invitation.is_expired = invitation.expires_at <= now
    events = patient.access_events.select_related("user").order_by("-at", "-pk")
    return {
        "ctx": ctx,
        "patient": patient,
        "form": form,
        "access_rows": access_rows,
        "sole_owner": owners == 1,
        "invitations": invitations,
        "new_link": new_link,
        "page": Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page")),
        "expiry_days": settings.INVITATION_EXPIRY_DAYS,
    }


@require_POST
def invitation_cancel(request: HttpRequest, patient_id: int, pk: int) -> HttpResponse:
    ctx = access_patient(request, patient_id, owner=True)
    invitation = get_object_or_404(ctx.patient.invitations, pk=pk)
    if services.cancel_invitation(invitation):
        text = _("The invitation to %(email)s was cancelled: its link no longer works.")
        messages.success(request, text % {"email": invitation.email})
    else:
        invitation.refresh_from_db()
        if invitation.accepted_at:
            text = _("The invitation to %(email)s had already been accepted.")
        else:
            text = _("The invitation to %(email)s had already been cancelled.")
        messages.info(request, text % {"email": invitation.email})
    return redirect("sharing:manage", patient_id=ctx.patient.pk)


@require_http_methods(["GET", "POST"])
def revoke(request: HttpRequest, patient_id: int, pk: int) -> HttpResponse:
    """An owner removes someone's access (after confirming). Effective at once."""
    ctx = access_patient(request, patient_id, owner=True)
    access = get_object_or_404(ctx.patient.access.select_related("user"), pk=pk)
    if access.user_id == request.user.pk:
        return redirect("sharing:leave", patient_id=ctx.patient.pk)
    sole_owner = services.is_last_owner(access)
    if request.method == "POST" and not sole_owner:
        try:
            services.remove_access(access)
        except services.LastOwnerError:
            sole_owner = True
        else:
            text = _("%(email)s can no longer see %(name)s's log.")
            messages.success(request, text % {"email": access.user.email, "name": ctx.patient.display_name})
            return redirect("sharing:manage", patient_id=ctx.patient.pk)
    if request.method == "POST":
        messages.error(request, _("The only owner can't be removed."))
    return render(
        request,
        "sharing/revoke_confirm.html",
        {"ctx": ctx, "patient": ctx.patient, "access": access, "sole_owner": sole_owner},
    )


@require_http_methods(["GET", "POST"])
def leave(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Anyone who can see a patient can stop seeing it, except its only owner."""
    ctx = access_patient(request, patient_id)
    sole_owner = services.is_last_owner(ctx.access)
    if request.method == "POST" and not sole_owner:
        try:
            services.remove_access(ctx.access)
        except services.LastOwnerError:
            sole_owner = True
        else:
            messages.success(request, _("You no longer see %(name)s's log.") % {"name": ctx.patient.display_name})
            return redirect("home")
    if request.method == "POST":
        messages.error(request, _("You are the only owner: you can't leave."))
    return render(request, "sharing/leave_confirm.html", {"ctx": ctx, "patient": ctx.patient, "sole_owner": sole_owner})


# The invitation link -----------------------------------------------------------


def _unusable(request: HttpRequest, invitation: Invitation | None) -> HttpResponse:
    """A clear page for a link that does not (or no longer) work: 404 for a
    token that was never issued, 410 for one that was used, cancelled or expired."""
    status = invitation.status(timezone.now()) if invitation else None
    reopen = None
    if (
        status == Invitation.Status.ACCEPTED
        and request.user.is_authenticated
        and invitation.accepted_by_id == request.user.pk
    ):
        reopen = Patient.objects.visible_to(request.user).filter(pk=invitation.patient_id).first()
    return render(
        request,
        "sharing/invitation_unusable.html",
        {"status": status, "reopen": reopen},
        status=404 if invitation is None else 410,
    )


@login_not_required
@never_cache
@require_GET
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the e-mail. Reachable without logging in: a visitor is offered
    to log in or sign up and comes back here; the right account sees *Accept*."""
    found = services.find_invitation(token)
    if found is None or not found.is_usable(timezone.now()):
        return _unusable(request, found)
    return render(request, "sharing/invitation.html", _invitation_context(request, found, token))


def _invitation_context(request: HttpRequest, invitation: Invitation, token: str) -> dict:
    here = reverse("sharing:invitation", kwargs={"token": token})
    return {
        "invitation": invitation,
        "token": token,
        "right_account": services.is_for(invitation, request.user),
        "role_text": dict(ROLE_CHOICES)[invitation.role],
        "login_url": reverse("account_login") + "?" + urlencode({"next": here}),
        "signup_url": reverse("account_signup") + "?" + urlencode({"next": here, "email": invitation.email}),
        "here": here,
    }


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Accept (POST, logged in as the invited address). A GET, e.g. after
    logging in, goes back to the invitation page: accepting is a click."""
    if request.method == "GET":
        return redirect("sharing:invitation", token=token)
    found = services.find_invitation(token)
    now = timezone.now()
    if found is None or not found.is_usable(now):
        return _unusable(request, found)
    if not services.is_for(found, request.user):
        return render(request, "sharing/invitation.html", _invitation_context(request, found, token), status=403)
    try:
        acceptance = services.accept_invitation(found, request.user, now)
    except services.InvitationUnusable:
        found.refresh_from_db()
        return _unusable(request, found)
    names = {"name": found.patient.display_name, "role": acceptance.access.role_in_a_sentence}
    if acceptance.previous_role is None:
        # Translators: "role" is e.g. "caregiver", "clinician (read-only)".
        messages.success(request, _("You can now see %(name)s's log as %(role)s.") % names)
    elif acceptance.changed:
        # Translators: "role" is e.g. "caregiver", "clinician (read-only)".
        messages.success(request, _("Your access to %(name)s's log is now %(role)s.") % names)
    else:
        # Translators: "role" is e.g. "caregiver", "clinician (read-only)".
        messages.info(request, _("You could already see %(name)s's log as %(role)s: nothing changed.") % names)
    return redirect("patients:detail", patient_id=found.patient_id)


# The clinician roster ----------------------------------------------------------


@require_GET
def roster(request: HttpRequest) -> HttpResponse:
    """Every patient shared with the user as clinician, with the figures to
    triage by; ``?sort=abr`` / ``?sort=-abr`` and so on for each column."""
    patients = list(
        Patient.objects.filter(access__user=request.user, access__role=PatientAccess.Role.CLINICIAN).order_by(
            "display_name", "pk"
        )
    )
    context = roster_context(patients, request.GET.get("sort"), viewer=request.user)
    return render(request, "sharing/roster.html", context)
