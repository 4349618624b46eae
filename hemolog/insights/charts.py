"""Dashboard charts drawn as inline SVG, from plain, already-computed values.

No Django and no database: the view computes the figures (:mod:`.bleeding`,
:mod:`.adherence`, :mod:`.factor_level`) and passes plain values in. Each function
returns a :class:`Chart`: ``svg`` is an ``<svg>`` element ready to inline in a
template (``{{ chart.svg|safe }}`` — all text in it is escaped here), and ``alt`` a
sentence or two with the key numbers.

How the SVG is made:

* Matplotlib's object API only (:class:`matplotlib.figure.Figure` with
  :class:`~matplotlib.backends.backend_svg.FigureCanvasSVG`); ``pyplot`` is never
  imported, so there is no global figure state and no GUI backend. Matplotlib reads
  some settings from the global ``rcParams`` while drawing, so the drawing runs under
  a module lock (``rc_context`` is not thread-safe); a draw takes tens of
  milliseconds and the dashboard caches the result.
* Deterministic: a fixed ``svg.hashsalt``, no date metadata, fixed English month
  names (never the process locale). The same input gives byte-identical SVG.
* Inline-ready and small: no XML declaration, DOCTYPE or RDF metadata; no ``xlink``
  namespace (``href`` instead of ``xlink:href``); unreferenced ``id`` attributes
  removed and the referenced ones (clip paths, markers) renamed with a prefix derived
  from the content, so two charts on one page never share an id; whitespace between
  tags removed. Text stays text (``svg.fonttype = none``), in
  ``'DejaVu Sans', sans-serif``: the browser's own sans-serif font when DejaVu Sans is
  not installed. Nothing is loaded from outside.
* Accessible: the root has ``role="img"`` and a ``<title>`` first child holding the
  same text as ``alt``, which gives the image its accessible name. A template that
  also shows ``alt`` as visible text should hide one of the two from screen readers
  (e.g. ``aria-hidden="true"`` on the caption) so it is not read twice.
* Scales to its container: ``width="100%"`` with the ``viewBox`` kept and no height,
  so the browser keeps the aspect ratio. The matplotlib charts are laid out for about
  360 px (one SVG unit ≈ one CSS pixel at 360 px, 9–10 px text); on a wide screen put
  them in a container with a ``max-width`` (about 720 px), and the body map in one of
  about 320 px.
* Styling uses ``style`` attributes and one ``<style>`` rule scoped to
  ``svg.hl-mpl``: a Content-Security-Policy would need ``style-src 'unsafe-inline'``.

Empty inputs never raise: no months → a small panel saying there is nothing to
show; no bleeds → empty bars and "No joint bleeds in this period"; no adherence
values → no line and no second axis; no level points → a panel saying "No factor
doses to estimate a level from" (``svg`` is never empty). Malformed input (lists of
the wrong length, negative counts, naive datetimes, unknown joints) raises
``ValueError``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import math
import re
import threading
import zlib
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

import matplotlib
import numpy as np
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedFormatter, FixedLocator, FuncFormatter, MaxNLocator, NullLocator

from hemolog.clinical.dates import require_aware
from hemolog.clinical.records import JOINT_SITES

__all__ = [
    "Chart",
    "bleeds_and_adherence_chart",
    "body_map",
    "factor_level_chart",
    "joint_colour",
    "joint_label",
]


@dataclass(frozen=True)
class Chart:
    """An inline ``<svg>`` and its text alternative."""

    svg: str
    alt: str


# ---------------------------------------------------------------------------
# Shared vocabulary

MONTH_ABBR = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Body order, head to feet; the bars stack and the legend lists in this order.
SITE_ORDER = ("SHOULDER", "ELBOW", "WRIST", "HIP", "KNEE", "ANKLE")
SITE_NAMES = {
    "SHOULDER": "shoulder",
    "ELBOW": "elbow",
    "WRIST": "wrist",
    "HIP": "hip",
    "KNEE": "knee",
    "ANKLE": "ankle",
}
SIDE_NAMES = {"L": "Left", "R": "Right"}
assert set(SITE_ORDER) == JOINT_SITES

# One hue per site, left = dark shade, right = light shade (the paired "tab20"
# colours), so the same joint always gets the same colour on every chart.
SITE_COLOURS: dict[str, tuple[str, str]] = {
    "KNEE": ("#1f77b4", "#aec7e8"),
    "ANKLE": ("#ff7f0e", "#ffbb78"),
    "ELBOW": ("#2ca02c", "#98df8a"),
    "HIP": ("#9467bd", "#c5b0d5"),
    "SHOULDER": ("#8c564b", "#c49c94"),
    "WRIST": ("#17becf", "#9edae5"),
}
# Labels that name no known joint get a pair from here, chosen by a stable hash.
OTHER_COLOURS: tuple[tuple[str, str], ...] = (
    ("#7f7f7f", "#c7c7c7"),
    ("#bcbd22", "#dbdb8d"),
    ("#e377c2", "#f7b6d2"),
    ("#d62728", "#ff9896"),
)

INK = "#212529"
MUTED = "#6c757d"
GRID = "#dee2e6"
ADHERENCE_COLOUR = "#212529"
LEVEL_COLOUR = "#0b5394"
BLEED_COLOUR = "#c00000"
THRESHOLD_COLOURS = ("#c00000", "#e8590c", "#b08900", "#6c757d", "#495057")

FIG_WIDTH_IN = 5.0  # 360 pt: one SVG unit ≈ one CSS px on a 360 px phone
FONT_SIZE = 10.5
MAX_X_LABELS = 7


def joint_label(site: str, side: str) -> str:
    """``("KNEE", "L")`` → ``"Left knee"`` (the label the charts expect)."""
    name = SITE_NAMES.get(site, site.lower())
    return f"{SIDE_NAMES[side]} {name}" if side in SIDE_NAMES else name.capitalize()


def _parse_joint(label: str) -> tuple[str | None, str]:
    """Site and side named in a label such as "Left ankle" or "Knee (R)"."""
    words = re.findall(r"[a-z]+", label.casefold())
    side = "L" if ("left" in words or "l" in words) else "R" if ("right" in words or "r" in words) else ""
    site = next((s for s in SITE_ORDER if SITE_NAMES[s] in words), None)
    return site, side


def joint_colour(label: str) -> str:
    """The fixed colour of a joint label: one hue per site, darker for the left side."""
    site, side = _parse_joint(label)
    if site is not None:
        pair = SITE_COLOURS[site]
    else:
        pair = OTHER_COLOURS[zlib.crc32(label.casefold().encode()) % len(OTHER_COLOURS)]
    return pair[1] if side == "R" else pair[0]


def _joint_sort_key(label: str) -> tuple[int, int, str]:
    site, side = _parse_joint(label)
    return (SITE_ORDER.index(site) if site else len(SITE_ORDER), {"R": 0, "L": 1}.get(side, 2), label.casefold())


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _round_half_up(x: float) -> int:
    return math.floor(x + 0.5)


def _percent(x: float) -> str:
    return f"{_round_half_up(x)} %"


def _month_name(day: dt.date) -> str:
    return f"{MONTH_ABBR[day.month]} {day.year}"


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _mpl_text(s: str) -> str:
    """Caller text for matplotlib: a ``$`` must not start mathtext."""
    return s.replace("$", r"\$")


# ---------------------------------------------------------------------------
# Rendering and post-processing

_LOCK = threading.Lock()

_RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "hemolog",
    "svg.id": None,
    "font.family": ["sans-serif"],
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": FONT_SIZE,
    "axes.titlesize": FONT_SIZE,
    "axes.labelsize": FONT_SIZE,
    "xtick.labelsize": FONT_SIZE - 0.5,
    "ytick.labelsize": FONT_SIZE - 0.5,
    "legend.fontsize": FONT_SIZE - 0.5,
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
# No RDF metadata block (it would name http:// namespaces and a date).
_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}


def _render(build: Callable[[], Figure], *, title: str, kind: str) -> str:
    """Draw the figure ``build`` makes and return it as an inline ``<svg>``."""
    buffer = io.StringIO()
    with _LOCK, matplotlib.rc_context(_RC):
        figure = build()
        FigureCanvasSVG(figure)
        figure.savefig(buffer, format="svg", metadata=_METADATA)
    return _inline(buffer.getvalue(), title=title, css_class=f"hl-chart hl-mpl hl-{kind}")


_SVG_OPEN = re.compile(r"<svg\b[^>]*>")
_DEFAULT_STYLE = re.compile(r"<defs>\s*<style[^>]*>\*\{([^}]*)\}</style>\s*</defs>")
_FONT_FAMILY = "font-family: 'DejaVu Sans', sans-serif; "
_NUMBER = re.compile(r"-?\d+\.\d{3,}")
_GEOMETRY = re.compile(r'(\s(?:d|x|y|x1|x2|y1|y2|width|height|cx|cy|r|transform)=")([^"]*)"')


def _two_decimals(match: re.Match[str]) -> str:
    text = f"{float(match.group(0)):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _unwrap_bare_groups(body: str) -> str:
    """Drop ``<g>`` elements without attributes (left once their ids are gone), keeping their children."""
    out: list[str] = []
    bare: list[bool] = []
    position = 0
    for match in re.finditer(r"<g>|<g\s[^>]*>|</g>", body):
        out.append(body[position : match.start()])
        position = match.end()
        tag = match.group(0)
        if tag == "</g>":
            if not bare.pop():
                out.append(tag)
        elif tag.endswith("/>"):
            out.append(tag)
        else:
            bare.append(tag == "<g>")
            if tag != "<g>":
                out.append(tag)
    out.append(body[position:])
    return "".join(out)


def _inline(raw: str, *, title: str, css_class: str) -> str:
    """Matplotlib's SVG file → an ``<svg>`` element to inline in HTML."""
    start = raw.index("<svg")
    svg = raw[start:].strip()
    opening = _SVG_OPEN.match(svg)
    assert opening is not None
    view_box = re.search(r'viewBox="([^"]*)"', opening.group(0))
    assert view_box is not None
    body = svg[opening.end() :].strip()

    # The default style matplotlib relies on (round joins), scoped to these charts, plus
    # the font every text element would otherwise repeat.
    match = _DEFAULT_STYLE.search(body)
    default_style = match.group(1).replace(" ", "") if match else "stroke-linejoin:round;stroke-linecap:butt"
    body = _DEFAULT_STYLE.sub("", body, count=1)
    body = body.replace(_FONT_FAMILY, "")
    style = f"<style>svg.hl-mpl *{{{default_style}}}svg.hl-mpl text{{font-family:'DejaVu Sans',sans-serif}}</style>"

    body = body.replace("xlink:href=", "href=")
    body = re.sub(r">\s+<", "><", body)
    body = re.sub(r' transform="rotate\(-?0 [^"]*\)"', "", body)
    # Three decimals of a point are far below a pixel at any size the page shows.
    body = _GEOMETRY.sub(lambda m: m.group(1) + _NUMBER.sub(_two_decimals, " ".join(m.group(2).split())) + '"', body)

    # Keep only the ids something refers to, renamed after the content so that charts
    # sharing a page never share an id.
    referenced = set(re.findall(r"url\(#([^)\"']+)\)", body)) | set(re.findall(r'href="#([^"]+)"', body))
    body = re.sub(r'\s+id="([^"]*)"', lambda m: m.group(0) if m.group(1) in referenced else "", body)
    body = _unwrap_bare_groups(body)
    prefix = "hl" + hashlib.sha256(body.encode()).hexdigest()[:8] + "-"
    order = [m.group(1) for m in re.finditer(r'\bid="([^"]*)"', body)]
    renames = {old: f"{prefix}{i}" for i, old in enumerate(dict.fromkeys(order))}
    if renames:
        pattern = re.compile(r'(id="|url\(#|href="#)(' + "|".join(map(re.escape, renames)) + r')(?=["\)])')
        body = pattern.sub(lambda m: m.group(1) + renames[m.group(2)], body)

    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{view_box.group(1)}" width="100%" '
        f'role="img" class="{css_class}"><title>{html.escape(title)}</title>{style}{body}'
    )


def _message_svg(message: str, *, title: str, kind: str) -> str:
    """A small panel with one line of text, for charts with nothing to draw."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 80" width="100%" role="img" '
        f'class="hl-chart hl-empty hl-{kind}"><title>{html.escape(title)}</title>'
        '<rect x="0.5" y="0.5" width="359" height="79" rx="6" fill="#f8f9fa" stroke="#dee2e6"/>'
        f'<text x="180" y="45" text-anchor="middle" font-size="13" fill="{MUTED}" '
        f"font-family=\"'DejaVu Sans', sans-serif\">{html.escape(message)}</text></svg>"
    )


# ---------------------------------------------------------------------------
# Bleeds per joint per month, with adherence


def _month_ticks(months: Sequence[dt.date]) -> tuple[list[int], list[str]]:
    """Positions and labels of the labelled months: calendar-aligned, at most MAX_X_LABELS.

    Labels are the short month name, with the year on a second line at the first
    label and at each January ("Jan\\n2025", "Mar", …) — never "Jan 25", which reads
    as a day. With a label every 12 months or more, the label is the year alone.
    """
    for step in (1, 2, 3, 4, 6, 12, 24, 36, 60, 120, 240, 600, 1200):
        if step < 12:
            chosen = [i for i, m in enumerate(months) if (m.month - 1) % step == 0]
        else:
            chosen = [i for i, m in enumerate(months) if m.month == 1 and m.year % (step // 12) == 0]
        if len(chosen) <= MAX_X_LABELS:
            break
    if not chosen:
        chosen = [0]
    labels = []
    for n, i in enumerate(chosen):
        m = months[i]
        if step >= 12 and m.month == 1:
            labels.append(str(m.year))
        elif n == 0 or m.month == 1:
            labels.append(f"{MONTH_ABBR[m.month]}\n{m.year}")
        else:
            labels.append(MONTH_ABBR[m.month])
    return chosen, labels


def _bleeds_alt(
    months: Sequence[dt.date],
    joints: Sequence[tuple[str, Sequence[int]]],
    adherence: Sequence[float | None],
    targets: Mapping[str, str],
) -> str:
    period = f"{_month_name(months[0])} to {_month_name(months[-1])}" if len(months) > 1 else _month_name(months[0])
    total = sum(sum(counts) for _, counts in joints)
    if total == 0:
        sentences = [f"Joint bleeds per month, {period}: No joint bleeds in this period."]
    else:
        by_joint = sorted(joints, key=lambda jc: (-sum(jc[1]), _joint_sort_key(jc[0])))
        parts = [
            f"{label} {sum(counts)}" + (" (target joint)" if label.casefold() in targets else "")
            for label, counts in by_joint
        ]
        per_month = [sum(counts[i] for _, counts in joints) for i in range(len(months))]
        peak = max(per_month)
        peak_months = [_month_name(months[i]) for i, v in enumerate(per_month) if v == peak]
        when = _join(peak_months) if len(peak_months) <= 3 else f"{len(peak_months)} months, first {peak_months[0]}"
        sentences = [
            f"Joint bleeds per month, {period}: {_plural(total, 'bleed')} in {_plural(len(joints), 'joint')} — "
            f"{', '.join(parts)}. At most {_plural(peak, 'bleed')} in one month ({when})."
        ]
    with_bleeds = {label.casefold() for label, _ in joints}
    quiet = sorted((label for key, label in targets.items() if key not in with_bleeds), key=_joint_sort_key)
    if quiet:
        sentences.append(f"No bleeds in target joint{'s' if len(quiet) > 1 else ''} {_join(quiet)}.")
    values = [a for a in adherence if a is not None]
    if not values:
        sentences.append("No prophylaxis was scheduled in this period, so there is no adherence line.")
    else:
        low, high = min(values), max(values)
        spread = (
            f"{_percent(low)}"
            if _round_half_up(low) == _round_half_up(high)
            else f"{_percent(low)} to {_percent(high)}"
        )
        counted = (
            f"all {_plural(len(values), 'month')}"
            if len(values) == len(months)
            else f"{len(values)} of {_plural(len(months), 'month')} with scheduled doses"
        )
        verb = "was" if _round_half_up(low) == _round_half_up(high) else "ranged from"
        sentences.append(f"Prophylaxis adherence per month {verb} {spread} ({counted}).")
    return " ".join(sentences)


def bleeds_and_adherence_chart(
    months: list[dt.date],
    bleeds_by_joint: Mapping[str, Sequence[int]],
    adherence_by_month: Sequence[float | None],
    target_joints: Collection[str] = (),
) -> Chart:
    """Joint bleeds per month as stacked bars, with adherence % per month as a line.

    ``months`` are the first days of the months shown, in order. ``bleeds_by_joint``
    maps a joint label ("Left ankle", see :func:`joint_label`) to its bleed count in
    each month (aligned with ``months``); joints with no bleed at all are left out of
    the bars and the legend. ``adherence_by_month`` is the prophylaxis adherence % in
    each month (None: nothing scheduled), or an empty list when there is no regimen:
    with no value at all there is no line and no second axis. Labels in
    ``target_joints`` get "(target joint)" in the legend and the text alternative.
    Each joint keeps its colour on every chart (:func:`joint_colour`).
    """
    months = list(months)
    n = len(months)
    for i in range(1, n):
        if months[i] <= months[i - 1]:
            raise ValueError("months must be in increasing order")
    joints: list[tuple[str, list[int]]] = []
    for label, counts in bleeds_by_joint.items():
        counts = [int(c) for c in counts]
        if len(counts) != n:
            raise ValueError(f"{label!r} has {len(counts)} monthly counts for {n} months")
        if any(c < 0 for c in counts):
            raise ValueError(f"{label!r} has a negative bleed count")
        if sum(counts):
            joints.append((str(label), counts))
    joints.sort(key=lambda jc: _joint_sort_key(jc[0]))
    adherence = list(adherence_by_month) or [None] * n
    if len(adherence) != n:
        raise ValueError(f"{len(adherence)} adherence values for {n} months")
    for value in adherence:
        if value is not None and not 0 <= value <= 100:
            raise ValueError(f"adherence {value!r} is not a percentage")
    targets = {str(t).casefold(): str(t) for t in target_joints}

    if n == 0:
        alt = "Joint bleeds per month and prophylaxis adherence: there are no months in this period to show."
        return Chart(_message_svg("No months in this period", title=alt, kind="bleeds"), alt)

    alt = _bleeds_alt(months, joints, adherence, targets)
    has_line = any(a is not None for a in adherence)

    def build() -> Figure:
        legend_labels = [
            _mpl_text(label + (" (target joint)" if label.casefold() in targets else "")) for label, _ in joints
        ]
        if has_line:
            legend_labels.append("Adherence % (right axis)")
        longest = max((len(s) for s in legend_labels), default=0)
        ncols = 1 if longest > 26 else 2
        rows = math.ceil(len(legend_labels) / ncols)
        figure = Figure(figsize=(FIG_WIDTH_IN, 2.9 + 0.2 * rows), layout="constrained")
        ax = figure.add_subplot()
        x = np.arange(n)
        bottom = np.zeros(n)
        handles = []
        edge = 0.5 if n <= 36 else 0.0
        for label, counts in joints:
            heights = np.asarray(counts, dtype=float)
            drawn = heights > 0
            bars = ax.bar(
                x[drawn],
                heights[drawn],
                bottom=bottom[drawn],
                width=0.8,
                color=joint_colour(label),
                edgecolor="white",
                linewidth=edge,
            )
            handles.append(bars)
            bottom += heights
        top = float(bottom.max()) if n else 0.0
        ax.set_xlim(-0.6, n - 0.4)
        ax.set_ylim(0, max(2.0, top) * 1.06)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        ax.set_ylabel("Joint bleeds")
        ax.grid(axis="y", color=GRID, linewidth=0.6)
        ax.set_axisbelow(True)
        ticks, labels = _month_ticks(months)
        ax.xaxis.set_major_locator(FixedLocator(ticks))
        ax.xaxis.set_major_formatter(FixedFormatter(labels))
        ax.xaxis.set_minor_locator(FixedLocator(range(n)) if n <= 36 else NullLocator())
        ax.tick_params(axis="x", which="minor", length=2)
        if top == 0:
            ax.text(
                0.5,
                0.5,
                "No joint bleeds in this period",
                transform=ax.transAxes,
                ha="center",
                va="center",
                color=MUTED,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 2},
            )
        if has_line:
            ax2 = ax.twinx()
            ax2.spines["right"].set_visible(True)
            ax2.spines["left"].set_visible(False)
            ax2.spines["bottom"].set_visible(False)
            values = np.array([np.nan if a is None else float(a) for a in adherence])
            (line,) = ax2.plot(
                x,
                values,
                color=ADHERENCE_COLOUR,
                linewidth=1.4 if n <= 36 else 1.0,
                marker="o",
                markersize=4 if n <= 36 else 2,
                markerfacecolor="white",
                markeredgewidth=1.2 if n <= 36 else 0.8,
                clip_on=False,
            )
            handles.append(line)
            ax2.set_ylim(0, 100)
            ax2.yaxis.set_major_locator(FixedLocator([0, 50, 100]))
            ax2.yaxis.set_major_formatter(FuncFormatter(lambda v, pos: f"{v:.0f} %"))
            ax2.set_ylabel("Adherence")
        if handles:
            figure.legend(handles, legend_labels, loc="outside lower center", ncols=ncols)
        return figure

    return Chart(_render(build, title=alt, kind="bleeds"), alt)


# ---------------------------------------------------------------------------
# Estimated factor level


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _days(value: dt.datetime) -> float:
    """An aware datetime as days since the Unix epoch (real elapsed time)."""
    return (require_aware(value) - _EPOCH).total_seconds() / 86400


def _local_ticks(start: dt.datetime, end: dt.datetime, tz: dt.tzinfo) -> tuple[list[float], list[str]]:
    """Tick positions at round local times in ``tz`` and their labels, at most 6.

    Hours ("06:00", midnight as "3 Mar") for spans up to a day or so, local midnights
    (every 1, 2 or 3 days, or Mondays every 1, 2 or 4 weeks) up to 4 weeks, then
    the first of every 1, 2, 3, 6 or 12 months ("Mar", "Jan\n2026").
    """
    span_hours = (end - start).total_seconds() / 3600
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    if span_hours / 672 > 6:
        return _local_month_ticks(start, end, tz)
    step = next(s for s in (1, 2, 3, 6, 12, 24, 48, 72, 168, 336, 672) if span_hours / s <= 6)
    ticks: list[tuple[float, str]] = []
    day = local_start.date()
    while day <= local_end.date():
        # Whole days: local midnights, weekly ones on Mondays (ordinal 1 is a Monday).
        on_day = step < 24 or (day.toordinal() - 1) % (step // 24) == 0
        for hour in range(0, 24, min(step, 24)) if on_day else ():
            moment = _wall_time(day, hour, tz)
            if moment is not None and start <= moment <= end:
                label = f"{moment.day} {MONTH_ABBR[moment.month]}" if hour == 0 else f"{hour:02d}:00"
                ticks.append((_days(moment), label))
        day += dt.timedelta(days=1)
    return [t for t, _ in ticks], [label for _, label in ticks]


def _wall_time(day: dt.date, hour: int, tz: dt.tzinfo) -> dt.datetime | None:
    """``day`` at ``hour``:00 in ``tz``, or None when a DST change skips that wall time."""
    moment = dt.datetime.combine(day, dt.time(hour), tzinfo=tz)
    if moment.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None) != moment.replace(tzinfo=None):
        return None
    return moment


def _local_month_ticks(start: dt.datetime, end: dt.datetime, tz: dt.tzinfo) -> tuple[list[float], list[str]]:
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    first = local_start.year * 12 + local_start.month - 1
    last = local_end.year * 12 + local_end.month - 1
    for step in (1, 2, 3, 6, 12, 24, 60, 120):
        indices = [i for i in range(first, last + 1) if i % step == 0]
        if len(indices) <= 6:
            break
    ticks: list[tuple[float, str]] = []
    for i in indices:
        moment = _wall_time(dt.date(i // 12, i % 12 + 1, 1), 0, tz)
        if moment is not None and start <= moment <= end:
            month = moment.month
            label = MONTH_ABBR[month] if ticks and month != 1 else f"{MONTH_ABBR[month]}\n{moment.year}"
            ticks.append((_days(moment), label))
    return [t for t, _ in ticks], [label for _, label in ticks]


def _level(value: float) -> str:
    return f"{value:.1f}" if value < 10 else f"{_round_half_up(value)}"


def _local(moment: dt.datetime, tz: dt.tzinfo) -> str:
    local = moment.astimezone(tz)
    return f"{local.day} {MONTH_ABBR[local.month]} {local.year} {local:%H:%M}"


def _zone_name(tz: dt.tzinfo, at: dt.datetime) -> str:
    return getattr(tz, "key", None) or tz.tzname(at.astimezone(tz)) or str(tz)


def factor_level_chart(
    points: Sequence[tuple[dt.datetime, float]],
    bleeds: Sequence[tuple[dt.datetime, str]],
    tz: dt.tzinfo,
    thresholds: tuple[float, ...] = (1, 3, 5),
) -> Chart:
    """The estimated factor level (IU/dL) over time, with bleeds marked on the curve.

    ``points`` is the curve from :func:`~hemolog.clinical.factor_level.factor_level_curve`
    (aware datetimes; ``LevelPoint`` tuples work). ``bleeds`` are the bleeds in the
    window as ``(start, label)``; each is drawn as a dotted vertical line with a marker
    on the curve, and listed with the estimated level at its start (interpolated
    between the curve's points) in the text alternative. Times are shown in ``tz``.
    ``thresholds`` are dashed reference lines, each named in the legend ("1 IU/dL");
    the y axis starts at 0.

    No points (no factor dose to model, or emicizumab only) → ``svg`` is a small panel
    saying "No factor doses to estimate a level from", and ``alt`` says the same.
    """
    curve = sorted(((require_aware(t, "level point time"), float(v)) for t, v in points), key=lambda p: p[0])
    marks = sorted(((require_aware(t, "bleed time"), str(label)) for t, label in bleeds), key=lambda b: b[0])
    if any(v < 0 or math.isnan(v) for _, v in curve):
        raise ValueError("factor levels must be non-negative numbers")
    lines = sorted({float(t) for t in thresholds if t > 0})

    if not curve:
        alt = "No factor doses to estimate a level from."
        if marks:
            alt += f" {_plural(len(marks), 'bleed')} in this period: " + "; ".join(
                f"{label} on {_local(when, tz)}" for when, label in marks
            )
            alt += "."
        return Chart(_message_svg("No factor doses to estimate a level from", title=alt, kind="level"), alt)

    xs = np.array([_days(t) for t, _ in curve])
    ys = np.array([v for _, v in curve])
    bleed_x = np.array([_days(t) for t, _ in marks])
    bleed_y = [float(np.interp(bx, xs, ys)) if xs[0] <= bx <= xs[-1] else None for bx in bleed_x]

    start = min(curve[0][0], marks[0][0]) if marks else curve[0][0]
    end = max(curve[-1][0], marks[-1][0]) if marks else curve[-1][0]
    zone = _zone_name(tz, end)
    peak_i, low_i = int(np.argmax(ys)), int(np.argmin(ys))
    sentences = [
        f"Estimated factor level from {_local(start, tz)} to {_local(end, tz)} ({zone} time): "
        f"highest {_level(ys[peak_i])} IU/dL ({_local(curve[peak_i][0], tz)}), "
        f"lowest {_level(ys[low_i])} IU/dL ({_local(curve[low_i][0], tz)}), "
        f"last {_level(ys[-1])} IU/dL ({_local(curve[-1][0], tz)})."
    ]
    if marks:
        described = [
            f"{label} on {_local(when, tz)}"
            + (f" at an estimated {_level(level)} IU/dL" if level is not None else " (no estimate at that time)")
            for (when, label), level in zip(marks, bleed_y, strict=True)
        ]
        sentences.append(f"{_plural(len(marks), 'bleed')}: {'; '.join(described)}.")
    else:
        sentences.append("No bleeds in this period.")
    if lines:
        sentences.append(f"Reference lines at {_join([f'{t:g}' for t in lines])} IU/dL.")
    alt = " ".join(sentences)

    def build() -> Figure:
        figure = Figure(figsize=(FIG_WIDTH_IN, 3.3), layout="constrained")
        ax = figure.add_subplot()
        handles: list = []
        labels: list[str] = []
        (curve_line,) = ax.plot(xs, ys, color=LEVEL_COLOUR, linewidth=1.6)
        handles.append(curve_line)
        labels.append("Estimated level")
        for i, t in enumerate(lines):
            colour = THRESHOLD_COLOURS[min(i, len(THRESHOLD_COLOURS) - 1)]
            ax.axhline(t, color=colour, linewidth=0.9, linestyle=(0, (4, 2.5)))
            handles.append(Line2D([], [], color=colour, linewidth=0.9, linestyle=(0, (4, 2.5))))
            labels.append(f"{t:g} IU/dL")
        if marks:
            for bx in bleed_x:
                ax.axvline(bx, color=BLEED_COLOUR, linewidth=0.9, linestyle=":", alpha=0.8)
            ax.plot(
                bleed_x,
                [0.0 if by is None else by for by in bleed_y],
                linestyle="none",
                marker="o",
                markersize=6,
                markerfacecolor=BLEED_COLOUR,
                markeredgecolor="white",
                markeredgewidth=1,
                clip_on=False,
                zorder=5,
            )
            handles.append(
                Line2D(
                    [],
                    [],
                    color=BLEED_COLOUR,
                    linestyle=":",
                    marker="o",
                    markerfacecolor=BLEED_COLOUR,
                    markeredgecolor="white",
                )
            )
            labels.append("Bleed")
        left, right = _days(start), _days(end)
        if right - left < 1 / 24:
            left, right = left - 1 / 48, right + 1 / 48
        pad = (right - left) * 0.01
        ax.set_xlim(left - pad, right + pad)
        ax.set_ylim(0, max(float(ys.max()), max(lines, default=0.0), 1.0) * 1.08)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
        ax.set_ylabel("IU/dL")
        ax.grid(axis="y", color=GRID, linewidth=0.6)
        ax.set_axisbelow(True)
        tick_x, tick_labels = _local_ticks(
            dt.datetime.fromtimestamp(round((left - pad) * 86400), dt.UTC),
            dt.datetime.fromtimestamp(round((right + pad) * 86400), dt.UTC),
            tz,
        )
        ax.xaxis.set_major_locator(FixedLocator(tick_x))
        ax.xaxis.set_major_formatter(FixedFormatter(tick_labels))
        figure.legend(handles, labels, loc="outside lower center", ncols=3)
        return figure

    return Chart(_render(build, title=alt, kind="level"), alt)


# ---------------------------------------------------------------------------
# Body map (hand-written SVG)

# Joint centres in a 260 × 470 front view: the patient's right is on the viewer's left.
_BODY_JOINTS: dict[tuple[str, str], tuple[int, int]] = {
    ("SHOULDER", "R"): (88, 98),
    ("SHOULDER", "L"): (172, 98),
    ("ELBOW", "R"): (70, 168),
    ("ELBOW", "L"): (190, 168),
    ("WRIST", "R"): (58, 234),
    ("WRIST", "L"): (202, 234),
    ("HIP", "R"): (108, 236),
    ("HIP", "L"): (152, 236),
    ("KNEE", "R"): (106, 322),
    ("KNEE", "L"): (154, 322),
    ("ANKLE", "R"): (104, 404),
    ("ANKLE", "L"): (156, 404),
}
_JOINT_RADIUS = 13
_LIGHT_RED = (0xFC, 0xD5, 0xD5)
_DARK_RED = (0x8B, 0x00, 0x00)
_SKIN_FILL = "#f1f3f5"
_SKIN_EDGE = "#ced4da"


def _count_fill(count: int, scale: int) -> str:
    """Light pink for 1 bleed up to dark red at ``scale`` bleeds or more; 0 is light grey."""
    if count <= 0:
        return "#f8f9fa"
    t = min(1.0, count / scale) if scale > 1 else 1.0
    t = 0.15 + 0.85 * t
    r, g, b = (round(lo + (hi - lo) * t) for lo, hi in zip(_LIGHT_RED, _DARK_RED, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def _limb(points: Sequence[tuple[int, int]], width: int) -> str:
    d = "M" + " L".join(f"{x} {y}" for x, y in points)
    return (
        f'<path d="{d}" fill="none" stroke="{_SKIN_EDGE}" stroke-width="{width + 3}" '
        'stroke-linecap="round" stroke-linejoin="round"/>'
        f'<path d="{d}" fill="none" stroke="{_SKIN_FILL}" stroke-width="{width}" '
        'stroke-linecap="round" stroke-linejoin="round"/>'
    )


def body_map(counts: Mapping[tuple[str, str], int], targets: Collection[tuple[str, str]] = ()) -> Chart:
    """A front-view figure with the 12 joints shaded by bleed count; target joints ringed.

    ``counts`` maps ``(site, side)`` — site one of KNEE, ANKLE, ELBOW, HIP, SHOULDER,
    WRIST and side "L" or "R" — to the bleeds into that joint; missing joints count
    0. Shading runs from light pink (1 bleed) to dark red (the highest count shown,
    or 5 when all counts are lower, so a single bleed never looks like many); the
    count is written in each circle. ``targets`` get a thick dark ring. Each joint
    circle has a ``<title>`` ("Left knee: 4 bleeds, target joint"). The patient's
    left is on the viewer's right, and the figure is labelled "R" and "L".
    """
    clean: dict[tuple[str, str], int] = {}
    for key, value in counts.items():
        if key not in _BODY_JOINTS:
            raise ValueError(f"{key!r} is not a (joint site, side) pair")
        if int(value) < 0:
            raise ValueError(f"{key!r} has a negative bleed count")
        clean[key] = int(value)
    target_set = set()
    for key in targets:
        key = tuple(key)
        if key not in _BODY_JOINTS:
            raise ValueError(f"{key!r} is not a (joint site, side) pair")
        target_set.add(key)
    ordered = sorted(_BODY_JOINTS, key=lambda k: (SITE_ORDER.index(k[0]), k[1] == "L"))
    total = sum(clean.values())
    scale = max(5, max(clean.values(), default=0))

    # Text alternative: every joint with a bleed or a target mark, most bleeds first.
    shown = sorted(
        (k for k in ordered if clean.get(k, 0) or k in target_set),
        key=lambda k: (-clean.get(k, 0), ordered.index(k)),
    )
    parts = [f"{joint_label(*k)} {clean.get(k, 0)}" + (" (target joint)" if k in target_set else "") for k in shown]
    with_bleeds = sum(1 for k in ordered if clean.get(k, 0))
    if total == 0:
        alt = "Body map of joint bleeds: No joint bleeds in this period."
        if target_set:
            alt += f" Target joints: {_join([joint_label(*k) for k in ordered if k in target_set])}."
    else:
        alt = (
            f"Body map of joint bleeds: {_plural(total, 'bleed')} in {_plural(with_bleeds, 'joint')} — "
            f"{', '.join(parts)}."
        )
        if with_bleeds < len(ordered):
            alt += f" No bleeds in the other {len(ordered) - with_bleeds}."

    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 260 470" width="100%" role="img" '
        'class="hl-chart hl-body-map">',
        f"<title>{html.escape(alt)}</title>",
        f'<g font-family="\'DejaVu Sans\', sans-serif" fill="{INK}">',
        # The figure: head, neck, torso, arms, legs.
        f'<g aria-hidden="true" fill="{_SKIN_FILL}" stroke="{_SKIN_EDGE}" stroke-width="1.5">',
        _limb([(88, 98), (70, 168), (58, 234)], 20),
        _limb([(172, 98), (190, 168), (202, 234)], 20),
        _limb([(108, 238), (106, 322), (104, 404), (96, 428)], 24),
        _limb([(152, 238), (154, 322), (156, 404), (164, 428)], 24),
        '<rect x="120" y="62" width="20" height="24" rx="4"/>',
        '<path d="M86 84 Q130 72 174 84 L166 170 Q164 200 166 244 L94 244 Q96 200 94 170 Z"/>',
        '<circle cx="130" cy="42" r="24"/>',
        '<circle cx="54" cy="252" r="9"/><circle cx="206" cy="252" r="9"/>',
        "</g>",
        # Sides: the patient's right on the viewer's left.
        '<g font-size="16" font-weight="bold" text-anchor="middle">',
        '<text x="22" y="36">R</text><text x="238" y="36">L</text>',
        "</g>",
        f'<g font-size="9" text-anchor="middle" fill="{MUTED}">',
        '<text x="22" y="49">right</text><text x="238" y="49">left</text>',
        "</g>",
    ]
    for key in ordered:
        x, y = _BODY_JOINTS[key]
        n = clean.get(key, 0)
        is_target = key in target_set
        label = f"{joint_label(*key)}: {_plural(n, 'bleed')}" + (", target joint" if is_target else "")
        fill = _count_fill(n, scale)
        stroke = "#adb5bd" if n == 0 else "#6b0000"
        if is_target:
            out.append(
                f'<circle class="target-ring" cx="{x}" cy="{y}" r="{_JOINT_RADIUS + 4}" fill="none" '
                f'stroke="{INK}" stroke-width="3" pointer-events="none"/>'
            )
        out.append(
            f'<circle class="joint" data-site="{key[0]}" data-side="{key[1]}" data-count="{n}" '
            f'cx="{x}" cy="{y}" r="{_JOINT_RADIUS}" fill="{fill}" stroke="{stroke}" stroke-width="1.2">'
            f"<title>{html.escape(label)}</title></circle>"
        )
        dark = n > 0 and (0.15 + 0.85 * min(1.0, n / scale)) > 0.45
        text_fill = "#ffffff" if dark else (MUTED if n == 0 else INK)
        out.append(
            f'<text x="{x}" y="{y + 4}" font-size="11" font-weight="bold" text-anchor="middle" '
            f'fill="{text_fill}" pointer-events="none">{n}</text>'
        )
    # Key.
    out.extend(
        [
            f'<circle cx="26" cy="452" r="7" fill="none" stroke="{INK}" stroke-width="3"/>',
            '<text x="40" y="456" font-size="10">target joint</text>',
            '<text x="250" y="456" font-size="10" text-anchor="end">numbers: bleeds</text>',
            "</g></svg>",
        ]
    )
    return Chart("".join(out), alt)
