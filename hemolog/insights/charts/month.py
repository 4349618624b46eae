"""The month chart: joint bleeds per month as stacked bars and, in a panel of its
own below them, adherence % per month as a line. Two panels rather than a second
y axis: on a phone the line hid the bars and the two axes' gridlines disagreed.

:func:`month_figure` builds the figure from a :class:`~.data.MonthChartData`; the
dashboard draws it as SVG (:func:`bleeds_and_adherence_chart`) and the PDF report
the same figure as PNG (:mod:`hemolog.exports.chart_png`), so the two never differ.
Each joint keeps its colour on every chart (:func:`~.style.joint_colour`).

Empty inputs never raise: no months → a small panel saying there is nothing to
show; no bleeds → empty bars and "No joint bleeds in this period"; no adherence
values → no line and no adherence panel.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FixedFormatter, FixedLocator, FuncFormatter, MaxNLocator, NullLocator

from hemolog.insights.joints import body_order, joint_label

from . import drawing
from .data import MonthChartData
from .style import (
    ADHERENCE_COLOUR,
    FIG_WIDTH_IN,
    FONT_SIZE,
    GRID,
    MONTH_ABBR,
    MUTED,
    join,
    joint_colour,
    month_name,
    percent,
    plural,
    round_half_up,
)

MAX_X_LABELS = 7
# Up to this many months, each bar has a white edge, each month a tick and the line big markers.
FEW_MONTHS = 36


def bleeds_and_adherence_chart(data: MonthChartData) -> drawing.Chart:
    """The month chart as an inline ``<svg>`` (laid out for a 360 px phone) and its text alternative."""
    if not data.months:
        alt = "Joint bleeds per month and prophylaxis adherence: there are no months in this period to show."
        return drawing.Chart(drawing.message_svg("No months in this period", title=alt, kind="bleeds"), alt)
    alt = _month_alt(data)
    return drawing.Chart(drawing.svg(lambda: month_figure(data), title=alt, kind="bleeds"), alt)


def month_figure(data: MonthChartData, *, width_in: float = FIG_WIDTH_IN) -> Figure:
    """The month chart's figure, ``width_in`` wide; its height grows with the legend.

    Build it inside :func:`.drawing.svg` or :func:`.drawing.png` (they hold the
    matplotlib settings it is drawn with).
    """
    months = list(data.months)
    n = len(months)
    bars = data.bars
    targets = set(data.target_joints)
    legend_labels = [joint_label(*joint) + (" (target joint)" if joint in targets else "") for joint, _ in bars]
    longest = max((len(s) for s in legend_labels), default=0)
    ncols = 1 if longest > 22 else 2
    rows = math.ceil(len(legend_labels) / ncols)
    # Laid out for the phone's text size; drawn with smaller text (the PDF's), all of it shrinks alike.
    scale = matplotlib.rcParams["font.size"] / FONT_SIZE
    height = (3.0 + 0.24 * rows + (1.3 if data.has_adherence else 0.0)) * scale
    figure = Figure(figsize=(width_in, height), layout="constrained")
    if data.has_adherence:
        ax, ax2 = figure.subplots(2, 1, sharex=True, height_ratios=[2.6, 1])
    else:
        ax, ax2 = figure.add_subplot(), None
    x = np.arange(n)
    bottom = np.zeros(n)
    handles = []
    few = n <= FEW_MONTHS
    for joint, counts in bars:
        heights = np.asarray(counts, dtype=float)
        drawn = heights > 0
        handles.append(
            ax.bar(
                x[drawn],
                heights[drawn],
                bottom=bottom[drawn],
                width=0.8,
                color=joint_colour(joint),
                edgecolor="white",
                linewidth=0.5 if few else 0.0,
            )
        )
        bottom += heights
    top = float(bottom.max()) if n else 0.0
    ax.set_xlim(-0.6, max(n, 1) - 0.4)
    ax.set_ylim(0, max(2.0, top) * 1.06)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    ax.set_ylabel("Joint bleeds")
    ax.grid(axis="y", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    ticks, labels = _month_ticks(months)
    bottom_axis = ax2 if ax2 is not None else ax
    bottom_axis.xaxis.set_major_locator(FixedLocator(ticks))
    bottom_axis.xaxis.set_major_formatter(FixedFormatter(labels))
    bottom_axis.xaxis.set_minor_locator(FixedLocator(range(n)) if few else NullLocator())
    bottom_axis.tick_params(axis="x", which="minor", length=2)
    if ax2 is not None:
        ax.tick_params(axis="x", which="both", labelbottom=False)
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
    if ax2 is not None:
        values = np.array([np.nan if a is None else float(a) for a in data.adherence_by_month])
        ax2.plot(
            x,
            values,
            color=ADHERENCE_COLOUR,
            linewidth=1.4 if few else 1.0,
            marker="o",
            markersize=4 if few else 2,
            markerfacecolor="white",
            markeredgewidth=1.2 if few else 0.8,
            clip_on=False,
        )
        ax2.set_ylim(0, 100)
        ax2.yaxis.set_major_locator(FixedLocator([0, 50, 100]))
        ax2.yaxis.set_major_formatter(FuncFormatter(lambda v, pos: f"{v:.0f} %"))
        ax2.set_ylabel("Adherence")
        ax2.grid(axis="y", color=GRID, linewidth=0.6)
        ax2.set_axisbelow(True)
    if handles:
        figure.legend(handles, legend_labels, loc="outside lower center", ncols=ncols)
    if ax2 is not None:
        figure.align_ylabels([ax, ax2])
    return figure


def _month_ticks(months: Sequence[dt.date]) -> tuple[list[int], list[str]]:
    """Positions and labels of the labelled months: calendar-aligned, at most MAX_X_LABELS.

    Labels are the short month name, with the year on a second line at the first
    label and at each January ("Jan\\n2025", "Mar", …) — never "Jan 25", which reads
    as a day. With a label every 12 months or more, the label is the year alone.
    """
    if not months:
        return [], []
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


def _month_alt(data: MonthChartData) -> str:
    """The text alternative: the period, the bleeds per joint, the busiest month, the adherence range."""
    months = data.months
    bars = data.bars
    targets = data.target_joints
    period = f"{month_name(months[0])} to {month_name(months[-1])}" if len(months) > 1 else month_name(months[0])
    total = sum(sum(counts) for _, counts in bars)
    if total == 0:
        sentences = [f"Joint bleeds per month, {period}: No joint bleeds in this period."]
    else:
        by_joint = sorted(bars, key=lambda jc: (-sum(jc[1]), body_order(jc[0])))
        parts = [
            f"{joint_label(*joint)} {sum(counts)}" + (" (target joint)" if joint in targets else "")
            for joint, counts in by_joint
        ]
        per_month = [sum(counts[i] for _, counts in bars) for i in range(len(months))]
        peak = max(per_month)
        peak_months = [month_name(months[i]) for i, v in enumerate(per_month) if v == peak]
        when = join(peak_months) if len(peak_months) <= 3 else f"{len(peak_months)} months, first {peak_months[0]}"
        sentences = [
            f"Joint bleeds per month, {period}: {plural(total, 'bleed')} in {plural(len(bars), 'joint')} — "
            f"{', '.join(parts)}. At most {plural(peak, 'bleed')} in one month ({when})."
        ]
    with_bleeds = {joint for joint, _ in bars}
    quiet = [joint_label(*joint) for joint in targets if joint not in with_bleeds]  # targets are in body order
    if quiet:
        sentences.append(f"No bleeds in target joint{'s' if len(quiet) > 1 else ''} {join(quiet)}.")
    values = [a for a in data.adherence_by_month if a is not None]
    if not values:
        sentences.append("No prophylaxis was scheduled in this period, so there is no adherence line.")
    else:
        low, high = min(values), max(values)
        same = round_half_up(low) == round_half_up(high)
        spread = percent(low) if same else f"{percent(low)} to {percent(high)}"
        counted = (
            f"all {plural(len(values), 'month')}"
            if len(values) == len(months)
            else f"{len(values)} of {plural(len(months), 'month')} with scheduled doses"
        )
        sentences.append(f"Prophylaxis adherence per month {'was' if same else 'ranged from'} {spread} ({counted}).")
    return " ".join(sentences)
