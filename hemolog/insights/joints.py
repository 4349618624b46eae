"""The twelve joints a bleed is counted in, as ``(site, side)`` pairs.

Code keys joints by the pair the log stores (``("ANKLE", "L")``) and turns one
into words only where a person reads it, with :func:`joint_label`, in the
active language. Plain Python and Django's translations only: no models and no
matplotlib, so the charts, the dashboard, the roster and the PDF all use this
one vocabulary.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hemolog.clinical.records import JOINT_SITES

Joint = tuple[str, str]

# Body order, head to feet: the month chart stacks its bars and lists its legend so.
SITE_ORDER = ("SHOULDER", "ELBOW", "WRIST", "HIP", "KNEE", "ANKLE")
# Whole names, side included: a language may put the side after the joint, or
# inflect it with the joint's gender ("rodilla izquierda", "linkes Knie").
JOINT_NAMES = {
    ("SHOULDER", "R"): _("Right shoulder"),
    ("SHOULDER", "L"): _("Left shoulder"),
    ("ELBOW", "R"): _("Right elbow"),
    ("ELBOW", "L"): _("Left elbow"),
    ("WRIST", "R"): _("Right wrist"),
    ("WRIST", "L"): _("Left wrist"),
    ("HIP", "R"): _("Right hip"),
    ("HIP", "L"): _("Left hip"),
    ("KNEE", "R"): _("Right knee"),
    ("KNEE", "L"): _("Left knee"),
    ("ANKLE", "R"): _("Right ankle"),
    ("ANKLE", "L"): _("Left ankle"),
}
# A joint logged without a side.
SITE_NAMES = {
    "SHOULDER": _("Shoulder"),
    "ELBOW": _("Elbow"),
    "WRIST": _("Wrist"),
    "HIP": _("Hip"),
    "KNEE": _("Knee"),
    "ANKLE": _("Ankle"),
}
assert set(SITE_ORDER) == JOINT_SITES == set(SITE_NAMES)

JOINTS: tuple[Joint, ...] = tuple((site, side) for site in SITE_ORDER for side in ("R", "L"))
assert set(JOINTS) == set(JOINT_NAMES)


def joint_label(site: str, side: str) -> str:
    """``("KNEE", "L")`` → ``"Left knee"``; without a side, ``"Knee"``."""
    if (site, side) in JOINT_NAMES:
        return str(JOINT_NAMES[site, side])
    return str(SITE_NAMES[site]) if site in SITE_NAMES else site.lower().capitalize()


def body_order(joint: Joint) -> int:
    """A joint's place head to feet, the right side before the left."""
    return JOINTS.index(joint)
