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
from reportlab.lib.units import cm
from reportlab.platypus import (
    BaseDocTemplate,
    Image,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
)

from hemolog.core.dates import DateRange
from hemolog.core.numbers import amount
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
    esc,
    frame,
    local,
    page_furniture,
    plural,
    rate,
    styles,
    table,
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
        born = f"{patient.date_of_birth:%d %b %Y} (age {years} at the end of the range)"
    severity = patient.get_severity_display()
    if patient.baseline_factor_level is not None:
        severity += f", baseline {amount(patient.baseline_factor_level)} IU/dL"
    weight = patient.weights.filter(measured_on__lte=period.end).order_by("-measured_on").first()
    weight_text = f"{amount(weight.weight_kg)} kg, measured {weight.measured_on:%d %b %Y}" if weight else "not recorded"
    regimen_lines = [
        f"{esc(r)}: {r.start_date:%d %b %Y} – {r.end_date.strftime('%d %b %Y') if r.end_date else 'ongoing'}"
        for r in regimens
    ] or ["none in this period"]
    rows = [
        ("Date of birth", esc(born or "not recorded")),
        ("Hemophilia", esc(patient.get_hemophilia_type_display())),
        ("Severity", esc(severity)),
        ("Inhibitor", esc(patient.get_inhibitor_status_display())),
        ("Weight", esc(weight_text)),
        ("Regimen", "<br/>".join(regimen_lines)),
    ]
    if patient.treatment_centre:
        rows.append(("Treatment centre", esc(patient.treatment_centre)))
    if patient.half_life_hours or patient.recovery:
        own = []
        if patient.half_life_hours:
            own.append(f"half-life {amount(patient.half_life_hours)} h")
        if patient.recovery:
            own.append(f"recovery {amount(patient.recovery)} IU/dL per IU/kg")
        rows.append(("Own PK", esc(", ".join(own))))
    return [[Paragraph(label, s["label"]), Paragraph(value, s["body"])] for label, value in rows]


def _figure_rows(board: Dashboard, tz: dt.tzinfo) -> list[list]:
    s = styles()
    r = board.rates

    def day(value: dt.datetime | None) -> str:
        return local(value, tz, "%d %b %Y")

    rows = [
        ("ABR (all bleeds)", f"<b>{rate(r.abr)}</b> — {plural(r.bleeds, 'bleed')}; treated ABR {rate(r.treated_abr)}"),
        ("AJBR (joint bleeds)", f"<b>{rate(r.ajbr)}</b> — {plural(r.joint_bleeds, 'joint bleed')}"),
        ("Spontaneous ABR", f"<b>{rate(r.spontaneous_abr)}</b> — {r.spontaneous_bleeds} spontaneous"),
        (
            "Observed",
            f"{r.observed_days:.0f} days, {day(r.observed_from)} – {day(r.observed_to)}"
            " (from the first entry in the log at the earliest)",
        ),
    ]
    if board.adherence:
        a = board.adherence
        text = f"<b>{esc(a.summary)}</b>"
        if a.scheduled:
            text += (
                f" — {a.taken} prophylactic doses logged within the window of a scheduled dose ÷ "
                f"{a.scheduled} doses the regimen scheduled in the period"
            )
        if a.unscheduled:
            text += f"; {plural(a.unscheduled, 'further prophylactic dose')} matched no scheduled day"
        rows.append(("Adherence", text + "."))
    else:
        rows.append(("Adherence", "No prophylaxis regimen in this period."))
    current = [t for t in board.target_joints if t.is_current]
    past = [t for t in board.target_joints if not t.is_current]
    targets = [
        f"<b>{esc(joint_label(t.site, t.side))}</b> since {day(t.began)} ({plural(t.bleeds, 'bleed')})" for t in current
    ]
    targets += [
        f"{esc(joint_label(t.site, t.side))}: target joint {day(t.began)} – {day(t.resolved)}, resolved" for t in past
    ]
    rows.append(("Target joints", "<br/>".join(targets) or "None"))
    if board.iu_per_kg_per_year is not None:
        rows.append(("Factor use", f"{board.iu_per_kg_per_year:.0f} IU/kg/year"))
    return [[Paragraph(label, s["label"]), Paragraph(value, s["body"])] for label, value in rows]


def _chart(board: Dashboard, width: float) -> Image:
    png, height = month_chart_png(board.month_chart_data())
    return Image(io.BytesIO(png), width=width, height=width * height / WIDTH_IN)


def _joint_table(board: Dashboard) -> Table | None:
    if not board.joint_counts:
        return None
    current = {t.joint for t in board.current_target_joints}
    rows = sorted(
        (
            (joint_label(site, side), count, "yes" if (site, side) in current else "")
            for (site, side), count in board.joint_counts.items()
        ),
        key=lambda row: (-row[1], row[0]),
    )
    return table([("Joint", "Bleeds", "Target joint now"), *rows], [6 * cm, 2.5 * cm, 3.5 * cm])


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
    generated = f"Generated {local(now, tz)}" + (f" for {prepared_for}" if prepared_for else "")
    text_width = PORTRAIT[0] - 2 * MARGIN

    story: list = [
        Paragraph(f"Clinic report: {esc(patient.display_name)}", s["title"]),
        Paragraph(f"{esc(period.label)} · times in {esc(zone)} · {esc(generated)}", s["subtitle"]),
        table(_summary_rows(patient, period, tz, regimens), [3.5 * cm, text_width - 3.5 * cm], header=False),
        Paragraph("Bleeding and adherence", s["h2"]),
        table(_figure_rows(board, tz), [3.5 * cm, text_width - 3.5 * cm], header=False),
        Spacer(1, 6),
        KeepTogether(
            [Paragraph("Joint bleeds per month and prophylaxis adherence", s["h2"]), _chart(board, text_width)]
        ),
    ]
    joints = _joint_table(board)
    if joints is not None:
        story.append(KeepTogether([Paragraph("Bleeds per joint", s["h2"]), joints]))
    story += [
        Spacer(1, 6),
        Paragraph(
            "Bleeds at the same site and side within 72 h of the previous one ending count as one episode "
            "(re-bleed). ABR = episodes ÷ (observed days ÷ 365.25). Target joint (ISTH, Blanchette et al. 2014): "
            "3 or more spontaneous bleeds into one joint within 6 months; resolved after 12 months with 2 or fewer. "
            "Adherence matches each scheduled dose to at most one prophylactic dose within half the dosing interval.",
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
        title=f"Hemolog clinic report: {patient.display_name}, {period.label}",
        author="Hemolog",
        subject="Bleeds, infusions, bleeding rates and adherence",
        creator="Hemolog",
    )
    furniture = page_furniture(
        f"{patient.display_name} · {period.label}", f"{patient.display_name} · {period.label} · times in {zone}"
    )
    doc.addPageTemplates(
        [
            PageTemplate(id=name, pagesize=size, onPage=furniture, frames=[frame(size)])
            for name, size in (("portrait", PORTRAIT), ("landscape", LANDSCAPE))
        ]
    )
    doc.build(story, canvasmaker=NumberedCanvas)
    return buffer.getvalue()
