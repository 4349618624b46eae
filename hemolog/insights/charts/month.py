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
from django.utils.translation import gettext, ngettext
from matplotlib.figure import Figure
from matplotlib.ticker import FixedFormatter, FixedLocator, FuncFormatter, MaxNLocator, NullLocator

from hemolog.core import display
from hemolog.insights.joints import body_order, joint_label

from . import drawing
from .data import MonthChartData
from .style import (
    ADHERENCE_COLOUR,
    FIG_WIDTH_IN,
    FONT_SIZE,
    GRID,
    MUTED,
    bleeds_in_joints,
    drawn,
    join,
    joint_colour,
    month_abbreviation,
    month_name,
    percent,
    round_half_up,
)

MAX_X_LABELS = 7
# Up to this many months, each bar has a white edge, each month a tick and the line big markers.
FEW_MONTHS = 36


def bleeds_and_adherence_chart(data: MonthChartData) -> drawing.Chart:
    """The month chart as an inline ``<svg>`` (laid out for a 360 px phone) and its text alternative."""
    if not data.months:
        alt = gettext("Joint bleeds per month and prophylaxis adherence: there are no months in this period to show.")
        return drawing.Chart(drawing.message_svg(gettext("No months in this period"), title=alt, kind="bleeds"), alt)
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
    legend_labels = [_joint_with_mark(joint, targets) for joint, _counts in bars]
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
        shown = heights > 0
        handles.append(
            ax.bar(
                x[shown],
                heights[shown],
                bottom=bottom[shown],
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
    ax.set_ylabel(drawn(gettext("Joint bleeds")))
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
            drawn(gettext("No joint bleeds in this period")),
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
        ax2.yaxis.set_major_formatter(FuncFormatter(lambda v, pos: drawn(percent(v))))
        ax2.set_ylabel(drawn(gettext("Adherence")))
        ax2.grid(axis="y", color=GRID, linewidth=0.6)
        ax2.set_axisbelow(True)
    if handles:
        figure.legend(handles, [drawn(label) for label in legend_labels], loc="outside lower center", ncols=ncols)
    if ax2 is not None:
        figure.align_ylabels([ax, ax2])
    return figure


def _joint_with_mark(joint, targets) -> str:
    """The joint's name, "(target joint)" after a target joint's."""
    if joint in targets:
        # Translators: a joint's name in a chart's legend or text, e.g. "Left ankle (target joint)".
        return gettext("%(joint)s (target joint)") % {"joint": joint_label(*joint)}
    return joint_label(*joint)


def _month_ticks(months: Sequence[dt.date]) -> tuple[list[int], list[str]]:
    """Positions and labels of the labelled months: calendar-aligned, at most MAX_X_LABELS.

    Labels are the short month name in the active language, with the year on a
    second line at the first label and at each January ("Jan\\n2025", "Mar", …) —
    never "Jan 25", which reads as a day. With a label every 12 months or more,
    the label is the year alone.
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
            labels.append(f"{drawn(month_abbreviation(m))}\n{m.year}")
        else:
            labels.append(drawn(month_abbreviation(m)))
    return chosen, labels


def _month_alt(data: MonthChartData) -> str:
    """The text alternative: the period, the bleeds per joint, the busiest month, the adherence range."""
    months = data.months
    bars = data.bars
    targets = data.target_joints
    if len(months) > 1:
        # Translators: a period of months, e.g. "Jan 2025 to Dec 2025".
        period = gettext("%(first)s to %(last)s") % {"first": month_name(months[0]), "last": month_name(months[-1])}
    else:
        period = month_name(months[0])
    total = sum(sum(counts) for _joint, counts in bars)
    if total == 0:
        # Translators: %(period)s is a month ("Mar 2025") or a period of months ("Jan 2025 to Dec 2025").
        empty = gettext("Joint bleeds per month, %(period)s: No joint bleeds in this period.")
        sentences = [empty % {"period": period}]
    else:
        by_joint = sorted(bars, key=lambda jc: (-sum(jc[1]), body_order(jc[0])))
        parts = [_joint_count(joint, sum(counts), targets) for joint, counts in by_joint]
        per_month = [sum(counts[i] for _joint, counts in bars) for i in range(len(months))]
        peak = max(per_month)
        peak_months = [month_name(months[i]) for i, v in enumerate(per_month) if v == peak]
        if len(peak_months) <= 3:
            when = join(peak_months)
        else:
            when = ngettext(
                # Translators: the months with the most bleeds, when there are many: "5 months, first Mar 2025".
                "%(count)s month, first %(first)s",
                "%(count)s months, first %(first)s",
                len(peak_months),
            ) % {"count": len(peak_months), "first": peak_months[0]}
        sentences = [
            # Translators: %(period)s is a month or a period of months, %(bleeds_in_joints)s
            # "11 bleeds in 3 joints", %(joints)s each joint with its bleeds: "Left ankle 6, Right knee 4".
            gettext("Joint bleeds per month, %(period)s: %(bleeds_in_joints)s — %(joints)s.")
            % {
                "period": period,
                "bleeds_in_joints": bleeds_in_joints(total, len(bars)),
                "joints": display.listed(parts),
            },
            ngettext(
                # Translators: %(months)s names the month or months, "Mar 2025 and May 2025".
                "At most %(count)s bleed in one month (%(months)s).",
                "At most %(count)s bleeds in one month (%(months)s).",
                peak,
            )
            % {"count": peak, "months": when},
        ]
    with_bleeds = {joint for joint, _counts in bars}
    quiet = [joint_label(*joint) for joint in targets if joint not in with_bleeds]  # targets are in body order
    if quiet:
        sentences.append(
            ngettext("No bleeds in target joint %(joints)s.", "No bleeds in target joints %(joints)s.", len(quiet))
            % {"joints": join(quiet)}
        )
    values = [a for a in data.adherence_by_month if a is not None]
    if not values:
        sentences.append(gettext("No prophylaxis was scheduled in this period, so there is no adherence line."))
    else:
        low, high = min(values), max(values)
        if len(values) == len(months):
            # Translators: adherence was counted in every month of the period: "all 12 months".
            counted = ngettext("all %(count)s month", "all %(count)s months", len(months)) % {"count": len(months)}
        else:
            counted = ngettext(
                # Translators: adherence was counted in the months with a scheduled dose:
                # "10 of 12 months with scheduled doses".
                "%(scheduled)s of %(count)s month with scheduled doses",
                "%(scheduled)s of %(count)s months with scheduled doses",
                len(months),
            ) % {"scheduled": len(values), "count": len(months)}
        if round_half_up(low) == round_half_up(high):
            # Translators: %(percent)s is a percentage, "88 %"; %(months)s says which months: "all 12 months".
            sentence = gettext("Prophylaxis adherence per month was %(percent)s (%(months)s).") % {
                "percent": percent(low),
                "months": counted,
            }
        else:
            # Translators: %(low)s and %(high)s are percentages, "63 %"; %(months)s says which months: "all 12 months".
            sentence = gettext("Prophylaxis adherence per month ranged from %(low)s to %(high)s (%(months)s).") % {
                "low": percent(low),
                "high": percent(high),
                "months": counted,
            }
        sentences.append(sentence)
    return " ".join(sentences)


def _joint_count(joint, count: int, targets) -> str:
    """A joint and its bleeds in a text alternative: "Left ankle 6 (target joint)", "Right knee 4"."""
    if joint in targets:
        # Translators: a joint and its number of bleeds in a list, "Left ankle 6 (target joint)".
        return gettext("%(joint)s %(count)s (target joint)") % {"joint": joint_label(*joint), "count": count}
    # Translators: a joint and its number of bleeds in a list, "Right knee 4".
    return gettext("%(joint)s %(count)s") % {"joint": joint_label(*joint), "count": count}
