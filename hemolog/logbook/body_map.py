"""The body map of the bleed form: the joints (and the head) drawn on a figure
facing the person logging, each a button that picks the site and the side in
one tap (static/js/bleed-form.js). The drop-down stays, for every site, and
for a phone without scripts.

A figure facing you has its left on your right: the buttons are named
("Left knee"), so a screen reader and the keyboard need no picture.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Side, Site, site_label


@dataclass(frozen=True)
class Spot:
    site: str
    side: str
    x: float  # per cent of the figure's width, from the viewer's left
    y: float  # per cent of its height

    @property
    def label(self) -> str:
        return site_label(self.site, self.side)


# (site, x of the person's right side, y); the left side mirrors it.
_JOINTS = (
    (Site.SHOULDER, 34, 22),
    (Site.ELBOW, 22, 38),
    (Site.WRIST, 12, 53),
    (Site.HIP, 40, 50),
    (Site.KNEE, 39, 71),
    (Site.ANKLE, 38, 91),
)

SPOTS = (
    Spot(Site.HEAD, Side.NONE, 50, 8),
    *(
        Spot(site, side, x if side == Side.RIGHT else 100 - x, y)
        for site, x, y in _JOINTS
        for side in (Side.RIGHT, Side.LEFT)
    ),
)

# The figure's lines (SVG in a 100 x 100 box stretched to the map's shape), through the spots.
_SHOULDER, _ELBOW, _WRIST, _HIP, _KNEE, _ANKLE = ((x, y) for _, x, y in _JOINTS)


def _limb(*points: tuple[float, float]) -> tuple[str, str]:
    right = " ".join(f"{x},{y}" for x, y in points)
    left = " ".join(f"{100 - x},{y}" for x, y in points)
    return right, left


LIMBS = (
    *_limb(_SHOULDER, _ELBOW, _WRIST),
    *_limb(_HIP, _KNEE, _ANKLE),
    f"{_SHOULDER[0]},{_SHOULDER[1]} {100 - _SHOULDER[0]},{_SHOULDER[1]}",
    f"{_HIP[0]},{_HIP[1]} {100 - _HIP[0]},{_HIP[1]}",
    f"50,14 50,{_HIP[1]}",
)
