from decimal import ROUND_HALF_UP, Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from hemolog.core import display
from hemolog.core.caching import values_cache
from hemolog.core.links import link
from hemolog.patients.access import access_patient

from .dashboard import LEVEL_CURVE_DAYS, NOW_SLOT_MINUTES, Dashboard, cache_key, dashboard_with_charts
from .due import day_of_week, long_day_of_week
from .forms import PERIOD_CHOICES, PeriodForm
from .joints import joint_label


@require_GET
def dashboard(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The patient's dashboard. Its figures, charts and tables are rendered
    once per log version, period, time zone and 15 minutes, then served from
    the cache (they hold nothing that depends on who is looking)."""
    form = PeriodForm(request.GET or None, today=timezone.localdate())
    period = form.chosen_period()
    # The access record, read in the reader's language (hemolog.patients.models.recorded_what).
    preset = period.months_named
    viewing = f"dashboard (last {preset} months)" if preset else f"dashboard {period.iso}"
    ctx = access_patient(request, patient_id, viewing=viewing)
    now = timezone.now()
    key = cache_key(ctx.patient, period, now, with_time=True) + ":html"
    context = {"ctx": ctx, "patient": ctx.patient, "form": form, "period": period}
    body = values_cache.get(key)
    if body is None:
        board = dashboard_with_charts(ctx.patient, period, now)
        body = render_to_string("insights/_board.html", _board_context(board), request=request)
        values_cache.set(key, body, NOW_SLOT_MINUTES * 60)
        context["board"] = board  # for tests and debugging; the page itself uses the HTML
    choice = (form.cleaned_data.get("period") if form.is_bound and form.is_valid() else None) or "12"
    context["periods"] = [(value, label, value == choice) for value, label in PERIOD_CHOICES if value != "custom"]
    pdf = link("exports:pdf", patient_id=patient_id)
    context["pdf_url"] = f"{pdf}?start={period.start.isoformat()}&end={period.end.isoformat()}"
    return render(request, "insights/dashboard.html", {**context, "body": body, "choice": choice})


def _board_context(board: Dashboard) -> dict:
    status = board.dose_status
    return {
        "board": board,
        # As the floatformat filter rounds: half up.
        "observed_days": int(Decimal(str(board.rates.observed_days)).quantize(Decimal(1), rounding=ROUND_HALF_UP)),
        "overdue_days": display.listed(day_of_week(day) for day in status.overdue) if status else "",
        "next_due": long_day_of_week(status.next_due) if status and status.next_due else "",
        "current_targets": [{"label": joint_label(t.site, t.side), "joint": t} for t in board.current_target_joints],
        "resolved_targets": [
            {"label": joint_label(t.site, t.side), "joint": t} for t in board.target_joints if not t.is_current
        ],
        "joint_rows": _joint_rows(board),
        "month_columns": sorted(
            ({"joint": joint, "label": joint_label(*joint)} for joint in board.joints), key=lambda c: c["label"]
        ),
        "level_days": LEVEL_CURVE_DAYS,
        "level_days_rows": _level_by_day(board),
    }


def _joint_rows(board: Dashboard) -> list[dict]:
    current = {t.joint for t in board.current_target_joints}
    rows = [
        {
            "label": joint_label(site, side),
            "count": count,
            # Translators: in the body map's table, this joint is a target joint.
            "target": pgettext("target joint", "yes") if (site, side) in current else "",
        }
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
    return [{"day": day, "label": day_of_week(day), "low": low, "high": high} for day, (low, high) in days.items()]
