"""The home page: a family's patients with their last entries and due doses,
stock alerts; a clinician's roster."""

import datetime as dt

from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from hemolog.insights.dashboard import patient_dose_status
from hemolog.inventory.models import EXPIRY_WARNING_DAYS, StockLot
from hemolog.logbook.models import BleedEpisode, Infusion
from hemolog.patients.models import PatientAccess
from hemolog.sharing.roster import roster_context


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    last_bleed = BleedEpisode.objects.filter(patient=OuterRef("patient")).order_by("-started_at")
    last_infusion = Infusion.objects.filter(patient=OuterRef("patient")).order_by("-given_at")
    access_rows = (
        PatientAccess.objects.filter(user=request.user)
        .select_related("patient")
        .annotate(
            last_bleed_at=Subquery(last_bleed.values("started_at")[:1]),
            last_bleed_site=Subquery(last_bleed.values("site")[:1]),
            last_infusion_at=Subquery(last_infusion.values("given_at")[:1]),
        )
        .order_by("patient__display_name", "patient_id")
    )
    today = timezone.localdate()
    stock_alerts = (
        StockLot.objects.filter(
            patient__access__user=request.user,
            patient__access__role__in=PatientAccess.WRITE_ROLES,
            vials_on_hand__gt=0,
            expires_on__lte=today + dt.timedelta(days=EXPIRY_WARNING_DAYS),
        )
        .select_related("product", "patient")
        .order_by("expires_on")
    )
    access_rows = list(access_rows)
    clinician_count = sum(1 for row in access_rows if row.role == PatientAccess.Role.CLINICIAN)
    if access_rows and clinician_count == len(access_rows):
        # A clinician's home is the roster of the patients shared with them.
        roster = roster_context([row.patient for row in access_rows], request.GET.get("sort"))
        return render(request, "sharing/roster.html", {**roster, "on_home": True})
    for row in access_rows:
        # Two small queries per patient; a family has a handful of patients.
        row.dose_status = patient_dose_status(row.patient) if row.can_write else None
    return render(
        request,
        "home/home.html",
        {"access_rows": access_rows, "stock_alerts": stock_alerts, "today": today, "clinician_count": clinician_count},
    )
