"""The dashboard's "joint bleeds per month with adherence" chart as a PNG, for
the PDF report (reportlab embeds raster images; it does not read SVG).

It draws the same figure as :func:`hemolog.insights.charts.bleeds_and_adherence_chart`
(stacked bars, one colour per joint and side, adherence % as a line on a second
axis) with the same colours, month labels and matplotlib settings, and under the
same lock: matplotlib reads its global ``rcParams`` while drawing. It uses the
Agg canvas of matplotlib's object API, never ``pyplot``.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Collection, Mapping, Sequence

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FixedFormatter, FixedLocator, FuncFormatter, MaxNLocator

from hemolog.insights import charts

WIDTH_IN = 6.6  # the report's text width on A4 with 2 cm margins is about 6.7 in
DPI = 200


def bleeds_and_adherence_png(
    months: Sequence[dt.date],
    bleeds_by_joint: Mapping[str, Sequence[int]],
    adherence_by_month: Sequence[float | None],
    target_joints: Collection[str] = (),
) -> tuple[bytes, float]:
    """PNG bytes of the chart and its height in inches (at ``WIDTH_IN`` wide)."""
    n = len(months)
    joints = sorted(
        ((label, [int(c) for c in counts]) for label, counts in bleeds_by_joint.items() if sum(counts)),
        key=lambda jc: charts._joint_sort_key(jc[0]),
    )
    adherence = list(adherence_by_month) or [None] * n
    targets = {t.casefold() for t in target_joints}
    has_line = any(a is not None for a in adherence)
    few = n <= 36  # the dashboard's threshold for bar edges and markers
    legend_labels = [
        charts._mpl_text(label + (" (target joint)" if label.casefold() in targets else "")) for label, _ in joints
    ]
    if has_line:
        legend_labels.append("Adherence % (right axis)")
    ncols = 3 if len(legend_labels) > 4 else 2
    rows = math.ceil(len(legend_labels) / ncols) if legend_labels else 0
    height = 2.6 + 0.22 * rows

    buffer = io.BytesIO()
    with charts._LOCK, matplotlib.rc_context(charts._RC):
        figure = Figure(figsize=(WIDTH_IN, height), layout="constrained")
        FigureCanvasAgg(figure)
        ax = figure.add_subplot()
        x = np.arange(n)
        bottom = np.zeros(n)
        handles = []
        for label, counts in joints:
            heights = np.asarray(counts, dtype=float)
            bars = ax.bar(
                x,
                heights,
                bottom=bottom,
                width=0.8,
                color=charts.joint_colour(label),
                edgecolor="white",
                linewidth=0.5 if few else 0.0,
            )
            handles.append(bars)
            bottom += heights
        top = float(bottom.max()) if n else 0.0
        ax.set_xlim(-0.6, max(n, 1) - 0.4)
        ax.set_ylim(0, max(2.0, top) * 1.06)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        ax.set_ylabel("Joint bleeds")
        ax.grid(axis="y", color=charts.GRID, linewidth=0.6)
        ax.set_axisbelow(True)
        if n:
            ticks, labels = charts._month_ticks(list(months))
            ax.xaxis.set_major_locator(FixedLocator(ticks))
            ax.xaxis.set_major_formatter(FixedFormatter(labels))
        if top == 0:
            ax.text(0.5, 0.5, "No joint bleeds in this period", transform=ax.transAxes, ha="center", color=charts.MUTED)
        if has_line:
            ax2 = ax.twinx()
            ax2.spines["right"].set_visible(True)
            values = np.array([np.nan if a is None else float(a) for a in adherence])
            (line,) = ax2.plot(
                x,
                values,
                color=charts.ADHERENCE_COLOUR,
                linewidth=1.4 if few else 1.0,
                marker="o",
                markersize=4 if few else 1.5,
                markerfacecolor="white",
                clip_on=False,
            )
            handles.append(line)
            ax2.set_ylim(0, 100)
            ax2.yaxis.set_major_locator(FixedLocator([0, 50, 100]))
            ax2.yaxis.set_major_formatter(FuncFormatter(lambda v, pos: f"{v:.0f} %"))
            ax2.set_ylabel("Adherence")
        if handles:
            figure.legend(handles, legend_labels, loc="outside lower center", ncols=ncols)
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue(), height
