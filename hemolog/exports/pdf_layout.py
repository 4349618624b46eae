"""The clinic report's look: fonts, paragraph styles, tables and the page
furniture (the patient and date range at the top and bottom of every page,
"Page n of N").

Text is set in DejaVu Sans (shipped with matplotlib), embedded, so any name
prints, not only Latin-1, and Arabic.

Right to left (Arabic): reportlab lays text out left to right, and its own
right-to-left mode needs ReportLab's rlbidi, which is not on PyPI. So a
paragraph's lines are broken on the text as written (the logical order) and
each line is then put in the order it is seen (:class:`Paragraph`,
:func:`hemolog.core.display.drawn`); paragraphs and table columns run from
the right.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import matplotlib
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Frame, Table, TableStyle
from reportlab.platypus import Paragraph as ReportlabParagraph

from hemolog.core import display

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
def styles() -> dict[str, ParagraphStyle]:
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


def text(value: object) -> str:
    """Plain text for a :class:`Paragraph`, escaped (in the order written: the
    paragraph orders each line for drawing)."""
    return esc(str(value))


class Paragraph(ReportlabParagraph):
    """reportlab's Paragraph; in a right-to-left language aligned right, its
    lines broken on the text as written and each then drawn in the order it
    is seen."""

    def __init__(self, markup: str, style: ParagraphStyle, **kwargs):
        self.right_to_left = translation.get_language_bidi()
        if self.right_to_left and style.alignment == TA_LEFT:
            style = ParagraphStyle(f"{style.name}-rtl", parent=style, alignment=TA_RIGHT)
        super().__init__(markup, style, **kwargs)

    def breakLines(self, width):  # noqa: N802 (reportlab's name)
        lines = super().breakLines(width)
        if not self.right_to_left or getattr(lines, "hemolog_ordered", False):
            return lines
        if lines.kind == 0:  # one font: each line a list of words
            lines.lines = [(extra, display.drawn(" ".join(words)).split(" ")) for extra, words in lines.lines]
        else:  # runs of fonts (bold): the runs from the right, each ordered
            for line in lines.lines:
                line.words = line.words[::-1]
                for run in line.words:
                    if hasattr(run, "text"):
                        run.text = display.drawn(run.text)
        lines.hemolog_ordered = True
        return lines


def bold(value: object) -> str:
    return f"<b>{text(value)}</b>"


def local(value: dt.datetime | None, tz: dt.tzinfo) -> str:
    """A moment as a day and a time in ``tz``, in the language's format ("3 Dec 2026 14:05")."""
    if not value:
        return ""
    with timezone.override(tz):
        return display.day_and_clock(value)


def local_day(value: dt.datetime | None, tz: dt.tzinfo) -> str:
    """The day of a moment in ``tz``, in the language's format ("3 Dec 2026")."""
    if not value:
        return ""
    with timezone.override(tz):
        return display.day(value)


def rate(value: float | None) -> str:
    """A rate to one decimal place, with the language's decimal separator ("4.1", "4,1")."""
    return "–" if value is None else formats.number_format(round(value, 1), decimal_pos=1)


def whole(value: float) -> str:
    """A figure rounded to a whole number, in the language's format."""
    return formats.number_format(round(value), decimal_pos=0)


class NumberedCanvas(canvas.Canvas):
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
            page = _("Page %(number)s of %(total)s") % {"number": number, "total": total}
            self.drawRightString(self._pagesize[0] - MARGIN, MARGIN - 0.9 * cm, display.drawn(page))
            super().showPage()
        super().save()


def page_furniture(title: str, footer: str):
    """The onPage callback: the patient and date range at the top and bottom of every page."""

    def draw(pdf: canvas.Canvas, doc) -> None:
        width, height = doc.pageTemplate.pagesize
        pdf.saveState()
        pdf.setStrokeColor(RULE)
        pdf.setLineWidth(0.5)
        top = height - MARGIN + 0.5 * cm
        pdf.setFont(FONT_BOLD, 8)
        pdf.setFillColor(BRAND)
        pdf.drawString(MARGIN, top + 0.15 * cm, display.drawn("Hemolog"))
        pdf.setFont(FONT, 8)
        pdf.setFillColor(INK)
        pdf.drawRightString(width - MARGIN, top + 0.15 * cm, display.drawn(title))
        pdf.line(MARGIN, top, width - MARGIN, top)
        bottom = MARGIN - 0.55 * cm
        pdf.line(MARGIN, bottom, width - MARGIN, bottom)
        pdf.setFont(FONT, 7.5)
        pdf.setFillColor(MUTED)
        pdf.drawString(MARGIN, MARGIN - 0.9 * cm, display.drawn(footer))
        pdf.restoreState()

    return draw


def table(rows: Sequence[Sequence], widths: Sequence[float], *, header: bool = True) -> Table:
    """A table of Paragraphs and plain text; plain text is passed through
    :func:`hemolog.core.display.drawn` here."""
    rows = [[display.drawn(value) if isinstance(value, str) else value for value in row] for row in rows]
    right_to_left = translation.get_language_bidi()
    if right_to_left:  # the first column on the right
        rows, widths = [list(row)[::-1] for row in rows], list(widths)[::-1]
    result = Table(rows, colWidths=list(widths), repeatRows=1 if header else 0)
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
        ("ALIGN", (0, 0), (-1, -1), "RIGHT" if right_to_left else "LEFT"),
    ]
    if header:
        style += [
            ("FONTNAME", (0, 0), (-1, 0), FONT_BOLD),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
            ("LINEBELOW", (0, 0), (-1, 0), 0.75, MUTED),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, STRIPE]),
        ]
    result.setStyle(TableStyle(style))
    return result


def cell(value: str, fits: int = 0):
    """Plain text when it fits its column (fast), else a Paragraph that wraps."""
    if not value:
        return ""
    return value if len(value) <= fits else Paragraph(text(value), styles()["cell"])


def frame(size: tuple[float, float]) -> Frame:
    return Frame(MARGIN, MARGIN, size[0] - 2 * MARGIN, size[1] - 2 * MARGIN, leftPadding=0, rightPadding=0)
