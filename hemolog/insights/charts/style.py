"""What every chart shares: colours, sizes, and the words and numbers it writes.

Words, month names and numbers are in the active language (Django's
translations and locale formats), never the process locale, so that the same
input in the same language always draws the same chart. Text drawn into a
figure goes through :func:`drawn`.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import math
from collections.abc import Sequence
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext, ngettext

from hemolog.core import display
from hemolog.insights.joints import Joint

# True while a figure is drawn as SVG (:func:`.drawing.svg`): its text stays
# text (``svg.fonttype: none``) that the browser lays out, joins and orders
# itself; only a PNG needs the glyphs given in the order they are drawn.
browser_lays_out_text = contextvars.ContextVar("browser_lays_out_text", default=False)

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


def drawn(text: str) -> str:
    """Text written into a figure (an axis label, a legend, a tick, a note):
    as :func:`hemolog.core.display.drawn` makes it for a PNG, where the glyphs
    are drawn in the order given (a right-to-left language joined and
    reordered); unchanged in an SVG, where the browser does that itself and
    would reverse it a second time."""
    return text if browser_lays_out_text.get() else display.drawn(text)


def round_half_up(x: float) -> int:
    return math.floor(x + 0.5)


def percent(x: float) -> str:
    """A whole percentage: "88 %"."""
    # Translators: a percentage, "88 %".
    return gettext("%(percent)s %%") % {"percent": round_half_up(x)}


def number(text: str) -> str:
    """A number already written with a point ("2.5", from ``f"{x:.1f}"``), with the language's separator."""
    return formats.number_format(Decimal(text))


def month_abbreviation(day: dt.date) -> str:
    """The month's short name in the active language: "Mar"."""
    return formats.date_format(day, "M")


def month_name(day: dt.date) -> str:
    """A month and its year: "Mar 2025"."""
    return display.month(day)


def bleeds_in_joints(bleeds: int, joints: int) -> str:
    """ "11 bleeds in 3 joints"."""
    # Translators: joint bleeds counted in a period, e.g. "11 bleeds in 3 joints"; %(bleeds)s is
    # "11 bleeds" (or "1 bleed") and %(joints)s "3 joints" (or "1 joint").
    return gettext("%(bleeds)s in %(joints)s") % {
        "bleeds": ngettext("%(count)s bleed", "%(count)s bleeds", bleeds) % {"count": bleeds},
        "joints": ngettext("%(count)s joint", "%(count)s joints", joints) % {"count": joints},
    }


def join(items: Sequence[str]) -> str:
    """``["a", "b", "c"]`` → ``"a, b and c"``."""
    if len(items) <= 1:
        return "".join(items)
    # Translators: the end of a list, "left knee, right knee and left ankle": %(items)s is
    # every item but the last, separated by commas.
    return gettext("%(items)s and %(last)s") % {"items": display.listed(items[:-1]), "last": items[-1]}
