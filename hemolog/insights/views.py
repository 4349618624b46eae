from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from hemolog.patients.access import access_patient

from .dashboard import LEVEL_CURVE_DAYS, Dashboard, cached_dashboard, joint_label
from .forms import PeriodForm


@require_GET
def dashboard(request: HttpRequest, patient_id: int) -> HttpResponse:
    ctx = access_patient(request, patient_id)
    form = PeriodForm(request.GET or None, today=timezone.localdate())
    board = cached_dashboard(ctx.patient, form.chosen_period())
    choice = form.cleaned_data.get("period") if form.is_bound and form.is_valid() else None
    return render(
        request,
        "insights/dashboard.html",
        {
            "ctx": ctx,
            "patient": ctx.patient,
            "form": form,
            "board": board,
            "choice": choice or "12",
            "targets": [{"label": joint_label(t.site, t.side), "joint": t} for t in board.target_joints],
            "joint_rows": _joint_rows(board),
            "level_days": LEVEL_CURVE_DAYS,
            "level_days_rows": _level_by_day(board),
        },
    )


def _joint_rows(board: Dashboard) -> list[dict]:
    current = {t.joint for t in board.current_target_joints}
    rows = [
        {"label": joint_label(site, side), "count": count, "target": "yes" if (site, side) in current else ""}
        for (site, side), count in board.joint_counts.items()
    ]
    return sorted(rows, key=lambda row: (-row["count"], row["label"]))


def _level_by_day(board: Dashboard) -> list[dict]:
    """The curve's lowest and highest estimate per local day, for its table."""
    days: dict = {}
    for point in board.level_points:
        day = timezone.localtime(point.at).date()
        low, high = days.get(day, (point.level, point.level))
        days[day] = (min(low, point.level), max(high, point.level))
    return [{"day": day, "low": low, "high": high} for day, (low, high) in days.items()]
