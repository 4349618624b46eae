"""The estimated factor level (IU/dL) over time, with the bleeds marked on the curve.

The x axis is real elapsed time (days since the Unix epoch), labelled in the local
time of the zone given: round hours, local midnights or the first of the month,
whichever gives at most six labels.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedFormatter, FixedLocator, FuncFormatter, NullLocator

from hemolog.clinical.dates import require_aware

from .drawing import Chart, message_svg, svg
from .style import (
    BLEED_COLOUR,
    FIG_WIDTH_IN,
    GRID,
    LEVEL_COLOUR,
    MONTH_ABBR,
    THRESHOLD_COLOURS,
    join,
    plural,
    round_half_up,
)

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# The labelled levels (IU/dL) of the y axis, as many as fit under the curve's top.
Y_TICKS = (0, 1, 3, 10, 30, 100, 300)


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
    return f"{value:.1f}" if value < 10 else f"{round_half_up(value)}"


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
    ``thresholds`` are dashed reference lines, each named in the legend ("1 IU/dL").
    The y axis is linear from 0 to 1 IU/dL and logarithmic above (matplotlib's
    "symlog"): on a linear axis up to a peak of 80 the lines at 1, 3 and 5 sat
    in a band of 5 px, where the low levels that matter for bleeding are.

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
            alt += f" {plural(len(marks), 'bleed')} in this period: " + "; ".join(
                f"{label} on {_local(when, tz)}" for when, label in marks
            )
            alt += "."
        return Chart(message_svg("No factor doses to estimate a level from", title=alt, kind="level"), alt)

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
        sentences.append(f"{plural(len(marks), 'bleed')}: {'; '.join(described)}.")
    else:
        sentences.append("No bleeds in this period.")
    if lines:
        sentences.append(f"Reference lines at {join([f'{t:g}' for t in lines])} IU/dL.")
    alt = " ".join(sentences)

    def build() -> Figure:
        figure = Figure(figsize=(FIG_WIDTH_IN, 3.9), layout="constrained")
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
        top = max(float(ys.max()), max(lines, default=0.0), 1.0)
        ax.set_yscale("symlog", linthresh=1.0, linscale=0.6)
        ax.set_ylim(0, top * 1.25)
        ax.yaxis.set_major_locator(FixedLocator([t for t in Y_TICKS if t <= top * 1.25]))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, pos: f"{v:g}"))
        ax.yaxis.set_minor_locator(NullLocator())
        ax.set_ylabel("IU/dL (log scale)")
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

    return Chart(svg(build, title=alt, kind="level"), alt)
