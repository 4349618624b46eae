"""The clinic report: one patient, one date range, as a PDF to print or send.

Page 1 is the summary (profile, regimen, bleeding rates, adherence with its
calculation, target joints, the joint-bleeds-vs-adherence chart and the bleeds
per joint), made here; the bleed log and the infusion log follow, each from a
new page (:mod:`.pdf_logs`). Every page carries the patient, the date range, the
time zone and "Page n of N" (:mod:`.pdf_layout`).

The figures are the dashboard's (:func:`hemolog.insights.dashboard.build_dashboard`),
and the chart is the dashboard's figure (:mod:`.chart_png`), so the report and the
screen never disagree.
"""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from reportlab.lib.units import cm
from reportlab.platypus import (
    BaseDocTemplate,
    Image,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
)

from hemolog.core import display
from hemolog.core.dates import DateRange
from hemolog.insights.dashboard import Dashboard, build_dashboard
from hemolog.insights.joints import joint_label
from hemolog.logbook.models import Regimen
from hemolog.patients.models import Patient

from .chart_png import WIDTH_IN, month_chart_png
from .pdf_layout import (
    LANDSCAPE,
    MARGIN,
    PORTRAIT,
    NumberedCanvas,
    Paragraph,
    bold,
    frame,
    local,
    local_day,
    page_furniture,
    rate,
    styles,
    table,
    text,
    whole,
)
from .pdf_logs import bleed_log, infusion_log


def _summary_rows(patient: Patient, period: DateRange, tz: dt.tzinfo, regimens: list[Regimen]) -> list[list]:
    s = styles()
    born = ""
    if patient.date_of_birth:
        end = period.end
        years = (
            end.year
            - patient.date_of_birth.year
            - ((end.month, end.day) < (patient.date_of_birth.month, patient.date_of_birth.day))
        )
        born = _("%(day)s (age %(years)s at the end of the range)") % {
            "day": display.day(patient.date_of_birth),
            "years": years,
        }
    severity = patient.get_severity_display()
    if patient.baseline_factor_level is not None:
        # Translators: the hemophilia's severity, then the baseline factor level ("Severe, baseline 0.5 IU/dL").
        severity = _("%(severity)s, baseline %(level)s IU/dL") % {
            "severity": severity,
            "level": display.number(patient.baseline_factor_level),
        }
    weight = patient.weights.filter(measured_on__lte=period.end).order_by("-measured_on").first()
    if weight:
        weight_text = _("%(weight)s kg, measured %(day)s") % {
            "weight": display.number(weight.weight_kg),
            "day": display.day(weight.measured_on),
        }
    else:
        weight_text = _("not recorded")
    regimen_lines = [text(_regimen_line(r)) for r in regimens] or [text(_("none in this period"))]
    rows = [
        (_("Date of birth"), text(born or _("not recorded"))),
        (_("Hemophilia"), text(patient.get_hemophilia_type_display())),
        (_("Severity"), text(severity)),
        (_("Inhibitor"), text(patient.get_inhibitor_status_display())),
        (_("Weight"), text(weight_text)),
        (_("Regimen"), "<br/>".join(regimen_lines)),
    ]
    if patient.treatment_centre:
        rows.append((_("Treatment centre"), text(patient.treatment_centre)))
    if patient.half_life_hours or patient.recovery:
        own = []
        if patient.half_life_hours:
            # Translators: the patient's own factor half-life in hours ("h").
            own.append(_("half-life %(hours)s h") % {"hours": display.number(patient.half_life_hours)})
        if patient.recovery:
            # Translators: the patient's own incremental recovery: IU/dL of factor level per IU/kg given.
            own.append(_("recovery %(recovery)s IU/dL per IU/kg") % {"recovery": display.number(patient.recovery)})
        # Translators: "PK" is pharmacokinetics: the patient's own half-life and recovery.
        rows.append((_("Own PK"), text(display.listed(own))))
    return [[Paragraph(text(label), s["label"]), Paragraph(value, s["body"])] for label, value in rows]


def _regimen_line(regimen: Regimen) -> str:
    if regimen.end_date:
        # Translators: a regimen ("Advate 1000 IU, weekly") and the days it ran: its first day – its last day.
        return _("%(regimen)s: %(start)s – %(end)s") % {
            "regimen": regimen,
            "start": display.day(regimen.start_date),
            "end": display.day(regimen.end_date),
        }
    # Translators: a regimen ("Advate 1000 IU, weekly") and its first day; it has no end date yet.
    return _("%(regimen)s: %(start)s – ongoing") % {"regimen": regimen, "start": display.day(regimen.start_date)}


def _figure_rows(board: Dashboard, tz: dt.tzinfo) -> list[list]:
    s = styles()
    r = board.rates

    def day(value: dt.datetime | None) -> str:
        return local_day(value, tz)

    rows = [
        (
            # Translators: ABR is the annualised bleeding rate (a clinical abbreviation: keep it).
            _("ABR (all bleeds)"),
            bold(rate(r.abr))
            + " — "
            + text(
                ngettext(
                    "%(count)s bleed; treated ABR %(treated)s",
                    "%(count)s bleeds; treated ABR %(treated)s",
                    r.bleeds,
                )
                % {"count": r.bleeds, "treated": rate(r.treated_abr)}
            ),
        ),
        (
            # Translators: AJBR is the annualised joint bleeding rate (a clinical abbreviation: keep it).
            _("AJBR (joint bleeds)"),
            bold(rate(r.ajbr))
            + " — "
            + text(
                ngettext("%(count)s joint bleed", "%(count)s joint bleeds", r.joint_bleeds) % {"count": r.joint_bleeds}
            ),
        ),
        (
            _("Spontaneous ABR"),
            bold(rate(r.spontaneous_abr))
            + " — "
            + text(
                # Translators: a count of spontaneous bleeds (not caused by an injury or a procedure).
                ngettext("%(count)s spontaneous", "%(count)s spontaneous", r.spontaneous_bleeds)
                % {"count": r.spontaneous_bleeds}
            ),
        ),
        (
            # Translators: the days of the log the rates are worked out over.
            _("Observed"),
            text(
                ngettext(
                    "%(days)s day, %(start)s – %(end)s (from the first entry in the log at the earliest)",
                    "%(days)s days, %(start)s – %(end)s (from the first entry in the log at the earliest)",
                    round(r.observed_days),
                )
                % {"days": whole(r.observed_days), "start": day(r.observed_from), "end": day(r.observed_to)}
            ),
        ),
    ]
    rows.append((_("Adherence"), _adherence(board)))
    targets = [
        bold(
            ngettext(
                "%(joint)s since %(day)s (%(count)s bleed)",
                "%(joint)s since %(day)s (%(count)s bleeds)",
                t.bleeds,
            )
            % {"joint": joint_label(t.site, t.side), "day": day(t.began), "count": t.bleeds}
        )
        for t in board.target_joints
        if t.is_current
    ]
    targets += [
        text(
            # Translators: a joint that was a target joint from one day to another, and is no longer.
            _("%(joint)s: target joint %(began)s – %(resolved)s, resolved")
            % {"joint": joint_label(t.site, t.side), "began": day(t.began), "resolved": day(t.resolved)}
        )
        for t in board.target_joints
        if not t.is_current
    ]
    # Translators: what the report says when the patient has no target joint.
    none = pgettext("target joints", "None")
    rows.append((_("Target joints"), "<br/>".join(targets) or text(none)))
    if board.iu_per_kg_per_year is not None:
        rows.append(
            (
                _("Factor use"),
                text(_("%(amount)s IU/kg/year") % {"amount": whole(board.iu_per_kg_per_year)}),
            )
        )
    return [[Paragraph(text(label), s["label"]), Paragraph(value, s["body"])] for label, value in rows]


def _adherence(board: Dashboard) -> str:
    """The adherence figure in bold, then how it was counted (Paragraph markup)."""
    a = board.adherence
    if not a:
        return text(_("No prophylaxis regimen in this period."))
    figure = bold(a.summary)
    counts = {"taken": a.taken, "scheduled": a.scheduled, "count": a.unscheduled}
    if a.scheduled and a.unscheduled:
        how = ngettext(
            "%(taken)s prophylactic doses logged within the window of a scheduled dose ÷ %(scheduled)s doses the "
            "regimen scheduled in the period; %(count)s further prophylactic dose matched no scheduled day.",
            "%(taken)s prophylactic doses logged within the window of a scheduled dose ÷ %(scheduled)s doses the "
            "regimen scheduled in the period; %(count)s further prophylactic doses matched no scheduled day.",
            a.unscheduled,
        )
    elif a.scheduled:
        how = _(
            "%(taken)s prophylactic doses logged within the window of a scheduled dose ÷ %(scheduled)s doses the "
            "regimen scheduled in the period."
        )
    elif a.unscheduled:
        how = ngettext(
            "%(count)s further prophylactic dose matched no scheduled day.",
            "%(count)s further prophylactic doses matched no scheduled day.",
            a.unscheduled,
        )
        return f"{figure}; {text(how % counts)}"
    else:
        return f"{figure}."
    return f"{figure} — {text(how % counts)}"


def _chart(board: Dashboard, width: float) -> Image:
    png, height = month_chart_png(board.month_chart_data())
    return Image(io.BytesIO(png), width=width, height=width * height / WIDTH_IN)


def _joint_table(board: Dashboard) -> Table | None:
    if not board.joint_counts:
        return None
    current = {t.joint for t in board.current_target_joints}
    rows = sorted(
        (
            (joint_label(site, side), count, pgettext("target joint now", "yes") if (site, side) in current else "")
            for (site, side), count in board.joint_counts.items()
        ),
        key=lambda row: (-row[1], row[0]),
    )
    return table([(_("Joint"), _("Bleeds"), _("Target joint now")), *rows], [6 * cm, 2.5 * cm, 3.5 * cm])


def clinic_report(
    patient: Patient, period: DateRange, tz: dt.tzinfo, *, now: dt.datetime | None = None, prepared_for: str = ""
) -> bytes:
    """The PDF report of ``patient`` for the local days of ``period`` in ``tz``:
    the summary on portrait A4, then the bleed and infusion logs on landscape pages."""
    s = styles()
    now = now or timezone.now()
    # The figures as they stood at the end of the range (target joints, for one, change with time).
    as_of = min(period.end_at(tz), now)
    with timezone.override(tz):
        board = build_dashboard(patient, period, as_of)
    regimens = list(
        patient.regimens.filter(start_date__lte=period.end)
        .exclude(end_date__lt=period.start)
        .select_related("product")
        .order_by("start_date")
    )
    zone = getattr(tz, "key", str(tz))
    if prepared_for:
        # Translators: when the report was made, and the name of the person who asked for it.
        generated = _("Generated %(when)s for %(name)s") % {"when": local(now, tz), "name": prepared_for}
    else:
        generated = _("Generated %(when)s") % {"when": local(now, tz)}
    text_width = PORTRAIT[0] - 2 * MARGIN
    # Translators: the report's days, then the time zone its times are in, e.g. "Europe/Berlin".
    in_zone = _("%(days)s · times in %(zone)s") % {"days": period.label, "zone": zone}

    story: list = [
        Paragraph(text(_("Clinic report: %(name)s") % {"name": patient.display_name}), s["title"]),
        Paragraph(f"{text(in_zone)} · {text(generated)}", s["subtitle"]),
        table(_summary_rows(patient, period, tz, regimens), [3.5 * cm, text_width - 3.5 * cm], header=False),
        Paragraph(text(_("Bleeding and adherence")), s["h2"]),
        table(_figure_rows(board, tz), [3.5 * cm, text_width - 3.5 * cm], header=False),
        Spacer(1, 6),
        KeepTogether(
            [
                Paragraph(text(_("Joint bleeds per month and prophylaxis adherence")), s["h2"]),
                _chart(board, text_width),
            ]
        ),
    ]
    joints = _joint_table(board)
    if joints is not None:
        story.append(KeepTogether([Paragraph(text(_("Bleeds per joint")), s["h2"]), joints]))
    story += [
        Spacer(1, 6),
        Paragraph(
            text(
                # Translators: how the report's figures are defined. ABR (annualised bleeding rate) and ISTH
                # (International Society on Thrombosis and Haemostasis) are abbreviations to keep.
                _(
                    "Bleeds at the same site and side within 72 h of the previous one ending count as one episode "
                    "(re-bleed). ABR = episodes ÷ (observed days ÷ 365.25). Target joint (ISTH, Blanchette et al. "
                    "2014): 3 or more spontaneous bleeds into one joint within 6 months; resolved after 12 months "
                    "with 2 or fewer. Adherence matches each scheduled dose to at most one prophylactic dose within "
                    "half the dosing interval."
                )
            ),
            s["small"],
        ),
        NextPageTemplate("landscape"),
        PageBreak(),
        *bleed_log(patient, period, tz),
        PageBreak(),
        *infusion_log(patient, period, tz),
    ]

    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=PORTRAIT,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=_("Hemolog clinic report: %(name)s, %(days)s") % {"name": patient.display_name, "days": period.label},
        author="Hemolog",
        subject=_("Bleeds, infusions, bleeding rates and adherence"),
        creator="Hemolog",
    )
    furniture = page_furniture(
        f"{patient.display_name} · {period.label}",
        # Translators: the page footer: the patient's name, the report's days, the time zone of its times.
        _("%(name)s · %(days)s · times in %(zone)s")
        % {"name": patient.display_name, "days": period.label, "zone": zone},
    )
    doc.addPageTemplates(
        [
            PageTemplate(id=name, pagesize=size, onPage=furniture, frames=[frame(size)])
            for name, size in (("portrait", PORTRAIT), ("landscape", LANDSCAPE))
        ]
    )
    doc.build(story, canvasmaker=NumberedCanvas)
    return buffer.getvalue()
