"""Turning a matplotlib figure into an inline ``<svg>`` or a PNG.

* Matplotlib's object API only (:class:`matplotlib.figure.Figure` with the SVG or
  Agg canvas); ``pyplot`` is never imported, so there is no global figure state and
  no GUI backend. Matplotlib reads some settings from the global ``rcParams`` while
  building and drawing a figure, so both run under one module lock with this
  module's settings (``rc_context`` is not thread-safe): pass :func:`svg` and
  :func:`png` a function that builds the figure, not a figure. A draw takes tens of
  milliseconds and the dashboard caches the result.
* Deterministic: a fixed ``svg.hashsalt``, no date metadata, no process locale
  (words and numbers are in the active language, :mod:`.style`). The same input
  in the same language gives byte-identical SVG and PNG.
* Right-to-left text: an SVG keeps its text as text, laid out by the browser; a
  PNG draws glyphs in the order given, so its text goes through
  :func:`hemolog.core.display.drawn` (:func:`.style.drawn`).
* Inline-ready and small (:mod:`.svg_inline`), and accessible: the root has
  ``role="img"`` and a ``<title>`` first child holding the text alternative.
"""

from __future__ import annotations

import html
import io
import threading
from collections.abc import Callable
from dataclasses import dataclass

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

from .style import FONT_SIZE, INK, MUTED, browser_lays_out_text
from .svg_inline import inline


@dataclass(frozen=True)
class Chart:
    """An inline ``<svg>`` and its text alternative.

    ``svg`` is ready to inline in a template (``{{ chart.svg|safe }}``: all text in
    it is escaped here); ``alt`` is a sentence or two with the key numbers, the same
    text as the SVG's ``<title>``. A template that also shows ``alt`` as visible
    text should hide one of the two from screen readers (``aria-hidden="true"`` on
    the caption) so it is not read twice.
    """

    svg: str
    alt: str


_LOCK = threading.Lock()

_RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "hemolog",
    "svg.id": None,
    "font.family": ["sans-serif"],
    "font.sans-serif": ["DejaVu Sans"],
    "axes.edgecolor": MUTED,
    "axes.labelcolor": INK,
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "xtick.labelcolor": INK,
    "ytick.labelcolor": INK,
    "text.color": INK,
    "legend.frameon": False,
    "legend.handlelength": 1.4,
    "legend.handletextpad": 0.5,
    "legend.columnspacing": 1.2,
    "legend.borderaxespad": 0.2,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "axes.formatter.use_locale": False,
    "axes.unicode_minus": False,
    "figure.constrained_layout.h_pad": 0.04,
    "figure.constrained_layout.w_pad": 0.04,
}


def _font_sizes(size: float) -> dict[str, float]:
    return {
        "font.size": size,
        "axes.titlesize": size,
        "axes.labelsize": size,
        "xtick.labelsize": size - 0.5,
        "ytick.labelsize": size - 0.5,
        "legend.fontsize": size - 0.5,
    }


_RC |= _font_sizes(FONT_SIZE)
# No RDF metadata block (it would name http:// namespaces and a date).
_SVG_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}


def svg(build: Callable[[], Figure], *, title: str, kind: str) -> str:
    """The figure ``build`` makes, as an inline ``<svg>`` titled ``title``."""
    buffer = io.StringIO()
    laid_out_by_browser = browser_lays_out_text.set(True)
    try:
        with _LOCK, matplotlib.rc_context(_RC):
            figure = build()
            FigureCanvasSVG(figure)
            figure.savefig(buffer, format="svg", metadata=_SVG_METADATA)
    finally:
        browser_lays_out_text.reset(laid_out_by_browser)
    return inline(buffer.getvalue(), title=title, css_class=f"hl-chart hl-mpl hl-{kind}")


def png(build: Callable[[], Figure], *, dpi: int, font_size: float = FONT_SIZE) -> tuple[bytes, tuple[float, float]]:
    """The figure ``build`` makes, as PNG bytes at ``dpi``, and its size in inches;
    its text at ``font_size`` points (print reads smaller text than a phone)."""
    buffer = io.BytesIO()
    with _LOCK, matplotlib.rc_context(_RC | _font_sizes(font_size)):
        figure = build()
        FigureCanvasAgg(figure)
        figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
        width, height = figure.get_size_inches()
    return buffer.getvalue(), (float(width), float(height))


def message_svg(message: str, *, title: str, kind: str) -> str:
    """A small panel with one line of text, for charts with nothing to draw."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 80" width="100%" role="img" '
        f'class="hl-chart hl-empty hl-{kind}"><title>{html.escape(title)}</title>'
        '<rect x="0.5" y="0.5" width="359" height="79" rx="6" fill="#f8f9fa" stroke="#dee2e6"/>'
        f'<text x="180" y="45" text-anchor="middle" font-size="13" fill="{MUTED}" '
        f"font-family=\"'DejaVu Sans', sans-serif\">{html.escape(message)}</text></svg>"
    )
