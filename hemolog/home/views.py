"""The home page: a family's patients with their last entries and due doses,
stock alerts; a clinician's roster. A fixed number of queries whatever the
number of patients (see :mod:`.cards`)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hemolog.core.links import link
from hemolog.insights.due import DoseStatus, day_of_week, long_day_of_week
from hemolog.patients.models import Patient, PatientAccess
from hemolog.sharing.roster import roster_context

from .cards import PatientCard, ago, summaries

Role = PatientAccess.Role


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    access = list(
        PatientAccess.objects.filter(user=request.user)
        .order_by("patient__display_name", "patient_id")
        .values_list("patient_id", "role", "patient__display_name", "patient__data_version")
    )
    clinician_count = sum(1 for _pk, role, _name, _version in access if role == Role.CLINICIAN)
    if access and clinician_count == len(access):
        # A clinician's home is the roster of the patients shared with them.
        patients = Patient.objects.filter(access__user=request.user, access__role=Role.CLINICIAN)
        versions = [(pk, version) for pk, _role, _name, version in access]  # read already with the access rows
        roster = roster_context(
            patients.order_by("display_name", "pk"), request.GET.get("sort"), versions=versions, viewer=request.user
        )
        return render(request, "sharing/roster.html", {**roster, "on_home": True})
    now = timezone.now()
    found = summaries([(pk, version) for pk, _role, _name, version in access], now)
    labels = dict(Role.choices)
    cards = []
    for pk, role, name, _version in access:
        summary, can_write = found[pk], role in PatientAccess.WRITE_ROLES
        status = summary.dose_status if can_write else None
        cards.append(
            PatientCard(
                patient_id=pk,
                name=name,
                role_label=labels[role],
                can_write=can_write,
                last_bleed=ago(summary.last_bleed_at, now),
                last_infusion=ago(summary.last_infusion_at, now),
                dose_status=status,
                overdue_days=_overdue_days(pk, status) if status else SafeString(""),
                next_due=day_of_week(status.next_due) if status and status.next_due else "",
            )
        )
    names = {pk: name for pk, _role, name, _version in access}
    alerts = sorted(
        (alert for card in cards if card.can_write for alert in found[card.patient_id].alerts),
        key=lambda alert: alert.expires_on,
    )
    return render(
        request,
        "home/home.html",
        {
            "cards": cards,
            "stock_alerts": [(names[alert.patient_id], alert) for alert in alerts],
            "today": timezone.localdate(now),
            "clinician_count": clinician_count,
        },
    )


def _overdue_days(patient_id: int, status: DoseStatus) -> SafeString:
    """The days of the doses not logged, each with a link to say it was skipped:
    "Mon 1 Dec (skipped?), Wed 3 Dec (skipped?)"."""
    skip = link("logbook:dose_skip", patient_id=patient_id)
    return format_html_join(
        ", ",
        '{} (<a href="{}?day={}" aria-label="{}">{}</a>)',
        (
            (
                day_of_week(day),
                skip,
                day.isoformat(),
                _("Skipped the dose of %(day)s? Say why") % {"day": long_day_of_week(day)},
                _("skipped?"),
            )
            for day in status.overdue
        ),
    )
