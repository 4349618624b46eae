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
from django.utils import formats
from django.utils.translation import gettext, ngettext, pgettext
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedFormatter, FixedLocator, FuncFormatter, NullLocator

from hemolog.clinical.dates import require_aware
from hemolog.core import display

from .drawing import Chart, message_svg, svg
from .style import (
    BLEED_COLOUR,
    FIG_WIDTH_IN,
    GRID,
    LEVEL_COLOUR,
    THRESHOLD_COLOURS,
    drawn,
    join,
    month_abbreviation,
    number,
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

    Hours ("06:00", midnight as "3 Mar", in the active language) for spans up to a day or so, local midnights
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
                label = _day_and_month(moment.date()) if hour == 0 else f"{hour:02d}:00"
                ticks.append((_days(moment), drawn(label)))
        day += dt.timedelta(days=1)
    return [t for t, _label in ticks], [label for _t, label in ticks]


def _day_and_month(day: dt.date) -> str:
    """ "3 Mar": a day of the month, as the active language writes it."""
    # Translators: a Django date format for a day on the factor-level chart's time axis:
    # j is the day of the month, M the month's short name ("3 Mar"). German might use "j. M".
    return formats.date_format(day, pgettext("date format", "j M"))


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
            name = drawn(month_abbreviation(moment.date()))
            label = name if ticks and moment.month != 1 else f"{name}\n{moment.year}"
            ticks.append((_days(moment), label))
    return [t for t, _label in ticks], [label for _t, label in ticks]


def _level(value: float) -> str:
    """A level in IU/dL: one decimal below 10 ("2.5", "2,5" in German), whole above."""
    return number(f"{value:.1f}") if value < 10 else f"{round_half_up(value)}"


def _iu_per_dl(value: float) -> str:
    """ "2.5 IU/dL" (or "8.0 IU/dL")."""
    # Translators: a factor level, "2.5 IU/dL" (IU/dL: international units per decilitre).
    return gettext("%(level)s IU/dL") % {"level": _level(value)}


def _threshold(value: float) -> str:
    """A reference line's level as written in the legend and the text: "1", "0.5"."""
    return number(f"{value:g}")


def _local(moment: dt.datetime, tz: dt.tzinfo) -> str:
    """ "8 Mar 2025 08:00" in ``tz``, as the active language writes a day."""
    local = moment.astimezone(tz)
    return f"{display.day(local.date())} {display.clock(local.time())}"


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
        alt = gettext("No factor doses to estimate a level from.")
        if marks:
            described = display.clauses(_bleed_on(label, when, tz) for when, label in marks)
            alt += " " + ngettext(
                # Translators: %(bleeds)s lists each bleed and when it began: "Left knee on 8 Mar 2025 08:00".
                "%(count)s bleed in this period: %(bleeds)s.",
                "%(count)s bleeds in this period: %(bleeds)s.",
                len(marks),
            ) % {"count": len(marks), "bleeds": described}
        return Chart(message_svg(gettext("No factor doses to estimate a level from"), title=alt, kind="level"), alt)

    xs = np.array([_days(t) for t, _label in curve])
    ys = np.array([v for _t, v in curve])
    bleed_x = np.array([_days(t) for t, _label in marks])
    bleed_y = [float(np.interp(bx, xs, ys)) if xs[0] <= bx <= xs[-1] else None for bx in bleed_x]

    start = min(curve[0][0], marks[0][0]) if marks else curve[0][0]
    end = max(curve[-1][0], marks[-1][0]) if marks else curve[-1][0]
    zone = _zone_name(tz, end)
    peak_i, low_i = int(np.argmax(ys)), int(np.argmin(ys))
    summary = gettext(
        # Translators: the factor-level chart's text: %(start)s and %(end)s are a day and a time,
        # %(zone)s a time zone ("America/New_York"), each %(..._level)s a level ("2.5 IU/dL")
        # and each %(..._at)s the day and time of it.
        "Estimated factor level from %(start)s to %(end)s (%(zone)s time): "
        "highest %(highest_level)s (%(highest_at)s), "
        "lowest %(lowest_level)s (%(lowest_at)s), "
        "last %(last_level)s (%(last_at)s)."
    )
    sentences = [
        summary
        % {
            "start": _local(start, tz),
            "end": _local(end, tz),
            "zone": zone,
            "highest_level": _iu_per_dl(ys[peak_i]),
            "highest_at": _local(curve[peak_i][0], tz),
            "lowest_level": _iu_per_dl(ys[low_i]),
            "lowest_at": _local(curve[low_i][0], tz),
            "last_level": _iu_per_dl(ys[-1]),
            "last_at": _local(curve[-1][0], tz),
        }
    ]
    if marks:
        described = display.clauses(
            _bleed_at(label, when, level, tz) for (when, label), level in zip(marks, bleed_y, strict=True)
        )
        sentences.append(
            # Translators: %(bleeds)s lists each bleed, when it began and the level then.
            ngettext("%(count)s bleed: %(bleeds)s.", "%(count)s bleeds: %(bleeds)s.", len(marks))
            % {"count": len(marks), "bleeds": described}
        )
    else:
        sentences.append(gettext("No bleeds in this period."))
    if lines:
        sentences.append(
            # Translators: the levels of the chart's dashed reference lines, "1, 3 and 5".
            gettext("Reference lines at %(levels)s IU/dL.") % {"levels": join([_threshold(t) for t in lines])}
        )
    alt = " ".join(sentences)

    def build() -> Figure:
        figure = Figure(figsize=(FIG_WIDTH_IN, 3.9), layout="constrained")
        ax = figure.add_subplot()
        handles: list = []
        labels: list[str] = []
        (curve_line,) = ax.plot(xs, ys, color=LEVEL_COLOUR, linewidth=1.6)
        handles.append(curve_line)
        labels.append(drawn(gettext("Estimated level")))
        for i, t in enumerate(lines):
            colour = THRESHOLD_COLOURS[min(i, len(THRESHOLD_COLOURS) - 1)]
            ax.axhline(t, color=colour, linewidth=0.9, linestyle=(0, (4, 2.5)))
            handles.append(Line2D([], [], color=colour, linewidth=0.9, linestyle=(0, (4, 2.5))))
            # Translators: a reference line's level in the chart's legend, "1 IU/dL".
            labels.append(drawn(gettext("%(level)s IU/dL") % {"level": _threshold(t)}))
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
            labels.append(drawn(gettext("Bleed")))
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
        # Translators: the factor-level chart's y axis (IU/dL: international units per decilitre).
        ax.set_ylabel(drawn(gettext("IU/dL (log scale)")))
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


def _bleed_on(label: str, when: dt.datetime, tz: dt.tzinfo) -> str:
    """ "Left knee on 8 Mar 2025 08:00"."""
    # Translators: a bleed (its site, "Left knee") and when it began ("8 Mar 2025 08:00").
    return gettext("%(bleed)s on %(when)s") % {"bleed": label, "when": _local(when, tz)}


def _bleed_at(label: str, when: dt.datetime, level: float | None, tz: dt.tzinfo) -> str:
    """ "Left knee on 8 Mar 2025 08:00 at an estimated 8.0 IU/dL"."""
    values = {"bleed": label, "when": _local(when, tz)}
    if level is None:
        # Translators: a bleed (its site, "Left knee") and when it began, outside the estimated curve.
        return gettext("%(bleed)s on %(when)s (no estimate at that time)") % values
    # Translators: a bleed (its site, "Left knee"), when it began, and the estimated level then ("8.0 IU/dL").
    return gettext("%(bleed)s on %(when)s at an estimated %(level)s") % {**values, "level": _iu_per_dl(level)}
