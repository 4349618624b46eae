"""The twelve joints a bleed is counted in, as ``(site, side)`` pairs.

Code keys joints by the pair the log stores (``("ANKLE", "L")``) and turns one
into words only where a person reads it, with :func:`joint_label`. Plain Python:
no Django and no matplotlib, so the charts, the dashboard, the roster and the
PDF all use this one vocabulary.
"""

from __future__ import annotations

from hemolog.clinical.records import JOINT_SITES

Joint = tuple[str, str]

# Body order, head to feet: the month chart stacks its bars and lists its legend so.
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

JOINTS: tuple[Joint, ...] = tuple((site, side) for site in SITE_ORDER for side in ("R", "L"))


def joint_label(site: str, side: str) -> str:
    """``("KNEE", "L")`` → ``"Left knee"``; without a side, ``"Knee"``."""
    name = SITE_NAMES.get(site, site.lower())
    return f"{SIDE_NAMES[side]} {name}" if side in SIDE_NAMES else name.capitalize()


def body_order(joint: Joint) -> int:
    """A joint's place head to feet, the right side before the left."""
    return JOINTS.index(joint)
