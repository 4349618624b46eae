"""What every chart shares: colours, sizes, and the words and numbers it writes.

Month names are fixed English abbreviations, never the process locale, so that
the same input always draws the same chart.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from hemolog.insights.joints import Joint

MONTH_ABBR = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

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

INK = "#212529"
MUTED = "#6c757d"
GRID = "#dee2e6"
ADHERENCE_COLOUR = "#212529"
LEVEL_COLOUR = "#0b5394"
BLEED_COLOUR = "#c00000"
THRESHOLD_COLOURS = ("#c00000", "#e8590c", "#b08900", "#6c757d", "#495057")

FIG_WIDTH_IN = 5.0  # 360 pt: one SVG unit ≈ one CSS px on a 360 px phone
FONT_SIZE = 13.0  # about 13 CSS px on a phone: 10.5 read as 9 px there


def joint_colour(joint: Joint) -> str:
    """The fixed colour of a joint: one hue per site, darker for the left side."""
    site, side = joint
    dark, light = SITE_COLOURS[site]
    return light if side == "R" else dark


def plural(n: int, word: str) -> str:
    return f"{n} {word if n == 1 else word + 's'}"


def round_half_up(x: float) -> int:
    return math.floor(x + 0.5)


def percent(x: float) -> str:
    return f"{round_half_up(x)} %"


def month_name(day: dt.date) -> str:
    return f"{MONTH_ABBR[day.month]} {day.year}"


def join(items: Sequence[str]) -> str:
    """``["a", "b", "c"]`` → ``"a, b and c"``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
