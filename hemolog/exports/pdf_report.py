"""The clinic report: one patient, one date range, as a PDF to print or send.

Page 1 is the summary (profile, regimen, bleeding rates, adherence with its
calculation, target joints, the joint-bleeds-vs-adherence chart and the bleeds
per joint); the bleed log and the infusion log follow, each from a new page,
as tables whose header row repeats on every page. Every page carries the
patient, the date range, the time zone and "Page n of N".

The figures are the dashboard's (:func:`hemolog.insights.dashboard.build_dashboard`),
so the report and the screen never disagree. Text is set in DejaVu Sans (shipped
with matplotlib), embedded, so any name prints, not only Latin-1.
"""

from __future__ import annotations

import datetime as dt
import html
import io
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import matplotlib
from django.db.models import Count
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    Image,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from hemolog.core.dates import DateRange
from hemolog.core.numbers import amount
from hemolog.insights.dashboard import Dashboard, build_dashboard, joint_label
from hemolog.logbook.models import BleedEpisode, Infusion, Regimen
from hemolog.patients.models import Patient

from .chart_png import WIDTH_IN, bleeds_and_adherence_png
from .csv_export import dose_per_kg

PORTRAIT = A4
LANDSCAPE = landscape(A4)  # the logs: wide enough for every column and the notes
FONT = "HemologSans"
FONT_BOLD = "HemologSans-Bold"
MARGIN = 2 * cm
INK = colors.HexColor("#212529")
MUTED = colors.HexColor("#6c757d")
RULE = colors.HexColor("#dee2e6")
HEADER_FILL = colors.HexColor("#e9ecef")
STRIPE = colors.HexColor("#f8f9fa")
BRAND = colors.HexColor("#8b1a1a")


@cache
def _register_fonts() -> None:
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


@cache
def _styles() -> dict[str, ParagraphStyle]:
    _register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12, textColor=INK, alignment=TA_LEFT)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=16, leading=20, spaceAfter=2),
        "subtitle": ParagraphStyle("subtitle", parent=body, textColor=MUTED, spaceAfter=10),
        "h2": ParagraphStyle(
            "h2", parent=body, fontName=FONT_BOLD, fontSize=11.5, leading=15, spaceBefore=8, spaceAfter=4
        ),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=body, fontSize=7.5, leading=9),
        "label": ParagraphStyle("label", parent=body, textColor=MUTED),
    }


def esc(value: object) -> str:
    """Text for a reportlab Paragraph, which reads a little HTML."""
    return html.escape(str(value), quote=False)


def local(value: dt.datetime | None, tz: dt.tzinfo, fmt: str = "%d %b %Y %H:%M") -> str:
    return value.astimezone(tz).strftime(fmt) if value else ""


def rate(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# Page furniture ----------------------------------------------------------------


class _NumberedCanvas(canvas.Canvas):
    """Holds each page until the end, then writes "Page n of N" on all of them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self):  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.setFont(FONT, 7.5)
            self.setFillColor(MUTED)
            self.drawRightString(self._pagesize[0] - MARGIN, MARGIN - 0.9 * cm, f"Page {number} of {total}")
            super().showPage()
        super().save()


def _page_furniture(title: str, footer: str):
    """The onPage callback: the patient and date range at the top and bottom of every page."""

    def draw(pdf: canvas.Canvas, doc) -> None:
        width, height = doc.pageTemplate.pagesize
        pdf.saveState()
        pdf.setStrokeColor(RULE)
        pdf.setLineWidth(0.5)
        top = height - MARGIN + 0.5 * cm
        pdf.setFont(FONT_BOLD, 8)
        pdf.setFillColor(BRAND)
        pdf.drawString(MARGIN, top + 0.15 * cm, "Hemolog")
        pdf.setFont(FONT, 8)
        pdf.setFillColor(INK)
        pdf.drawRightString(width - MARGIN, top + 0.15 * cm, title)
        pdf.line(MARGIN, top, width - MARGIN, top)
        bottom = MARGIN - 0.55 * cm
        pdf.line(MARGIN, bottom, width - MARGIN, bottom)
        pdf.setFont(FONT, 7.5)
        pdf.setFillColor(MUTED)
        pdf.drawString(MARGIN, MARGIN - 0.9 * cm, footer)
        pdf.restoreState()

    return draw


def _table(rows: Sequence[Sequence], widths: Sequence[float], *, header: bool = True) -> Table:
    table = Table(list(rows), colWidths=list(widths), repeatRows=1 if header else 0)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 7.5),
        ("LEADING", (0, 0), (-1, -1), 9),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
    ]
    if header:
        style += [
            ("FONTNAME", (0, 0), (-1, 0), FONT_BOLD),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
            ("LINEBELOW", (0, 0), (-1, 0), 0.75, MUTED),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, STRIPE]),
        ]
    table.setStyle(TableStyle(style))
    return table


# Sections ----------------------------------------------------------------------


def _summary_rows(patient: Patient, period: DateRange, tz: dt.tzinfo, regimens: list[Regimen]) -> list[list]:
    s = _styles()
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
    s = _styles()
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
    labels = board.joint_labels
    png, height = bleeds_and_adherence_png(
        board.period.months,
        {label: [row.bleeds_by_joint.get(label, 0) for row in board.month_rows] for label in labels},
        [row.adherence_percent for row in board.month_rows],
        target_joints=[joint_label(t.site, t.side) for t in board.current_target_joints],
    )
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
    return _table([("Joint", "Bleeds", "Target joint now"), *rows], [6 * cm, 2.5 * cm, 3.5 * cm])


def _cell(value: str, fits: int = 0):
    """Plain text when it fits its column (fast), else a Paragraph that wraps."""
    if not value:
        return ""
    return value if len(value) <= fits else Paragraph(esc(value), _styles()["cell"])


def _bleed_log(patient: Patient, period: DateRange, tz: dt.tzinfo) -> list:
    s = _styles()
    bleeds = list(
        BleedEpisode.objects.filter(patient=patient)
        .in_period(period.start_at(tz), period.end_at(tz))
        .annotate(doses=Count("infusions"))
        .order_by("started_at", "pk")
    )
    story: list = [Paragraph(f"Bleed log — {plural(len(bleeds), 'bleed')}", s["h2"])]
    if not bleeds:
        return [*story, Paragraph("No bleeds in this period.", s["body"])]
    rows = [("Started", "Resolved", "Site", "Cause", "Severity", "Pain", "Doses", "Notes")]
    for b in bleeds:
        rows.append(
            (
                local(b.started_at, tz),
                local(b.resolved_at, tz) or "ongoing",
                _cell(b.site_label, 20),
                b.get_cause_display(),
                b.get_severity_display(),
                "" if b.pain is None else f"{b.pain}/10",
                str(b.doses),
                _cell(b.notes),
            )
        )
    widths = [2.8 * cm, 2.8 * cm, 3.2 * cm, 2.6 * cm, 1.8 * cm, 1.2 * cm, 1.2 * cm]
    widths.append(LANDSCAPE[0] - 2 * MARGIN - sum(widths))
    return [*story, _table(rows, widths)]


SHORT_REASON = {"PROPHYLAXIS": "Prophylaxis", "BLEED": "Bleed", "PRE_PROCEDURE": "Pre-procedure", "OTHER": "Other"}


def _infusion_log(patient: Patient, period: DateRange, tz: dt.tzinfo) -> list:
    s = _styles()
    weight_on = patient.weight_history().on
    infusions = list(
        Infusion.objects.filter(patient=patient)
        .in_period(period.start_at(tz), period.end_at(tz))
        .select_related("product", "lot", "bleed")
        .order_by("given_at", "pk")
    )
    story: list = [Paragraph(f"Infusion log — {plural(len(infusions), 'infusion')}", s["h2"])]
    if not infusions:
        return [*story, Paragraph("No infusions in this period.", s["body"])]
    rows = [("Given", "Product", "Dose", "Dose per kg", "Lot (vials)", "Reason", "Given by", "For the bleed", "Notes")]
    for i in infusions:
        unit = i.product.unit
        per_kg = dose_per_kg(i.dose, weight_on(i.given_at.astimezone(tz).date()))
        bleed = f"{i.bleed.site_label}, {local(i.bleed.started_at, tz, '%d %b %Y')}" if i.bleed else ""
        rows.append(
            (
                local(i.given_at, tz),
                _cell(i.product.brand_name, 17),
                f"{amount(i.dose)} {unit}",
                f"{per_kg} {unit}/kg" if per_kg else "",
                _cell(f"{i.lot.lot_number} ({i.vials_used})" if i.lot else "", 18),
                SHORT_REASON.get(i.reason, i.reason),
                i.get_given_by_display(),
                _cell(bleed, 24),
                _cell(i.notes),
            )
        )
    widths = [2.8 * cm, 2.7 * cm, 1.8 * cm, 2.0 * cm, 3.0 * cm, 2.1 * cm, 2.7 * cm, 3.7 * cm]
    widths.append(LANDSCAPE[0] - 2 * MARGIN - sum(widths))
    return [*story, _table(rows, widths)]


# The report ----------------------------------------------------------------------


def clinic_report(
    patient: Patient, period: DateRange, tz: dt.tzinfo, *, now: dt.datetime | None = None, prepared_for: str = ""
) -> bytes:
    """The PDF report of ``patient`` for the local days of ``period`` in ``tz``:
    the summary on portrait A4, then the bleed and infusion logs on landscape pages."""
    s = _styles()
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
        _table(_summary_rows(patient, period, tz, regimens), [3.5 * cm, text_width - 3.5 * cm], header=False),
        Paragraph("Bleeding and adherence", s["h2"]),
        _table(_figure_rows(board, tz), [3.5 * cm, text_width - 3.5 * cm], header=False),
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
        *_bleed_log(patient, period, tz),
        PageBreak(),
        *_infusion_log(patient, period, tz),
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
    furniture = _page_furniture(
        f"{patient.display_name} · {period.label}", f"{patient.display_name} · {period.label} · times in {zone}"
    )
    doc.addPageTemplates(
        [
            PageTemplate(id=name, pagesize=size, onPage=furniture, frames=[_frame(size)])
            for name, size in (("portrait", PORTRAIT), ("landscape", LANDSCAPE))
        ]
    )
    doc.build(story, canvasmaker=_NumberedCanvas)
    return buffer.getvalue()


def _frame(size: tuple[float, float]) -> Frame:
    return Frame(MARGIN, MARGIN, size[0] - 2 * MARGIN, size[1] - 2 * MARGIN, leftPadding=0, rightPadding=0)
