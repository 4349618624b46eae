"""The body map: a hand-written SVG front view with the twelve joints shaded by bleed count.

No matplotlib: a fixed figure (head, torso, limbs) and one circle per joint, each
with its own ``<title>``, target joints ringed. Its words are in the active
language; the browser lays out its text (right-to-left included), so none of it
goes through :func:`hemolog.core.display.drawn`.
"""

from __future__ import annotations

import html
from collections.abc import Collection, Mapping, Sequence

from django.utils.translation import gettext, ngettext, pgettext

from hemolog.core import display
from hemolog.insights.joints import JOINTS, Joint, joint_label

from .drawing import Chart
from .style import INK, MUTED, bleeds_in_joints, join

# Joint centres in a 260 × 470 front view: the patient's right is on the viewer's left.
_BODY_JOINTS: dict[Joint, tuple[int, int]] = {
    ("SHOULDER", "R"): (88, 98),
    ("SHOULDER", "L"): (172, 98),
    ("ELBOW", "R"): (70, 168),
    ("ELBOW", "L"): (190, 168),
    ("WRIST", "R"): (58, 234),
    ("WRIST", "L"): (202, 234),
    ("HIP", "R"): (108, 236),
    ("HIP", "L"): (152, 236),
    ("KNEE", "R"): (106, 322),
    ("KNEE", "L"): (154, 322),
    ("ANKLE", "R"): (104, 404),
    ("ANKLE", "L"): (156, 404),
}
assert set(_BODY_JOINTS) == set(JOINTS)
_JOINT_RADIUS = 13
_LIGHT_RED = (0xFC, 0xD5, 0xD5)
_DARK_RED = (0x8B, 0x00, 0x00)
_SKIN_FILL = "#f1f3f5"
_SKIN_EDGE = "#ced4da"


def _count_fill(count: int, scale: int) -> str:
    """Light pink for 1 bleed up to dark red at ``scale`` bleeds or more; 0 is light grey."""
    if count <= 0:
        return "#f8f9fa"
    t = min(1.0, count / scale) if scale > 1 else 1.0
    t = 0.15 + 0.85 * t
    r, g, b = (round(lo + (hi - lo) * t) for lo, hi in zip(_LIGHT_RED, _DARK_RED, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def _limb(points: Sequence[tuple[int, int]], width: int) -> str:
    d = "M" + " L".join(f"{x} {y}" for x, y in points)
    return (
        f'<path d="{d}" fill="none" stroke="{_SKIN_EDGE}" stroke-width="{width + 3}" '
        'stroke-linecap="round" stroke-linejoin="round"/>'
        f'<path d="{d}" fill="none" stroke="{_SKIN_FILL}" stroke-width="{width}" '
        'stroke-linecap="round" stroke-linejoin="round"/>'
    )


def body_map(counts: Mapping[Joint, int], targets: Collection[Joint] = ()) -> Chart:
    """A front-view figure with the 12 joints shaded by bleed count; target joints ringed.

    ``counts`` maps ``(site, side)`` — site one of KNEE, ANKLE, ELBOW, HIP, SHOULDER,
    WRIST and side "L" or "R" — to the bleeds into that joint; missing joints count
    0. Shading runs from light pink (1 bleed) to dark red (the highest count shown,
    or 5 when all counts are lower, so a single bleed never looks like many); the
    count is written in each circle. ``targets`` get a thick dark ring. Each joint
    circle has a ``<title>`` ("Left knee: 4 bleeds, target joint"). The patient's
    left is on the viewer's right, and the figure is labelled "R" and "L".
    """
    clean: dict[Joint, int] = {}
    for key, value in counts.items():
        if key not in _BODY_JOINTS:
            raise ValueError(f"{key!r} is not a (joint site, side) pair")
        if int(value) < 0:
            raise ValueError(f"{key!r} has a negative bleed count")
        clean[key] = int(value)
    target_set = set()
    for key in targets:
        key = tuple(key)
        if key not in _BODY_JOINTS:
            raise ValueError(f"{key!r} is not a (joint site, side) pair")
        target_set.add(key)
    ordered = list(JOINTS)
    total = sum(clean.values())
    scale = max(5, max(clean.values(), default=0))

    # Text alternative: every joint with a bleed or a target mark, most bleeds first.
    shown = sorted(
        (k for k in ordered if clean.get(k, 0) or k in target_set),
        key=lambda k: (-clean.get(k, 0), ordered.index(k)),
    )
    parts = [_joint_count(k, clean.get(k, 0), k in target_set) for k in shown]
    with_bleeds = sum(1 for k in ordered if clean.get(k, 0))
    if total == 0:
        alt = gettext("Body map of joint bleeds: No joint bleeds in this period.")
        if target_set:
            joints = join([joint_label(*k) for k in ordered if k in target_set])
            alt += " " + ngettext("Target joints: %(joints)s.", "Target joints: %(joints)s.", len(target_set)) % {
                "joints": joints
            }
    else:
        # Translators: %(bleeds_in_joints)s is "10 bleeds in 3 joints", %(joints)s each joint
        # with its bleeds: "Left elbow 5, Left knee 4 (target joint), Right ankle 1".
        alt = gettext("Body map of joint bleeds: %(bleeds_in_joints)s — %(joints)s.") % {
            "bleeds_in_joints": bleeds_in_joints(total, with_bleeds),
            "joints": display.listed(parts),
        }
        if with_bleeds < len(ordered):
            others = len(ordered) - with_bleeds
            # Translators: the joints of the body map without a bleed, "No bleeds in the other 9."
            alt += " " + ngettext("No bleeds in the other %(count)s.", "No bleeds in the other %(count)s.", others) % {
                "count": others
            }

    words = {key: html.escape(text) for key, text in _words().items()}
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 260 470" width="100%" role="img" '
        'class="hl-chart hl-body-map">',
        f"<title>{html.escape(alt)}</title>",
        f'<g font-family="\'DejaVu Sans\', sans-serif" fill="{INK}">',
        # The figure: head, neck, torso, arms, legs.
        f'<g aria-hidden="true" fill="{_SKIN_FILL}" stroke="{_SKIN_EDGE}" stroke-width="1.5">',
        _limb([(88, 98), (70, 168), (58, 234)], 20),
        _limb([(172, 98), (190, 168), (202, 234)], 20),
        _limb([(108, 238), (106, 322), (104, 404), (96, 428)], 24),
        _limb([(152, 238), (154, 322), (156, 404), (164, 428)], 24),
        '<rect x="120" y="62" width="20" height="24" rx="4"/>',
        '<path d="M86 84 Q130 72 174 84 L166 170 Q164 200 166 244 L94 244 Q96 200 94 170 Z"/>',
        '<circle cx="130" cy="42" r="24"/>',
        '<circle cx="54" cy="252" r="9"/><circle cx="206" cy="252" r="9"/>',
        "</g>",
        # Sides: the patient's right on the viewer's left.
        '<g font-size="16" font-weight="bold" text-anchor="middle">',
        f'<text x="22" y="36">{words["R"]}</text><text x="238" y="36">{words["L"]}</text>',
        "</g>",
        f'<g font-size="9" text-anchor="middle" fill="{MUTED}">',
        f'<text x="22" y="49">{words["right"]}</text><text x="238" y="49">{words["left"]}</text>',
        "</g>",
    ]
    for key in ordered:
        x, y = _BODY_JOINTS[key]
        n = clean.get(key, 0)
        is_target = key in target_set
        label = _joint_title(key, n, is_target)
        fill = _count_fill(n, scale)
        stroke = "#adb5bd" if n == 0 else "#6b0000"
        if is_target:
            out.append(
                f'<circle class="target-ring" cx="{x}" cy="{y}" r="{_JOINT_RADIUS + 4}" fill="none" '
                f'stroke="{INK}" stroke-width="3" pointer-events="none"/>'
            )
        out.append(
            f'<circle class="joint" data-site="{key[0]}" data-side="{key[1]}" data-count="{n}" '
            f'cx="{x}" cy="{y}" r="{_JOINT_RADIUS}" fill="{fill}" stroke="{stroke}" stroke-width="1.2">'
            f"<title>{html.escape(label)}</title></circle>"
        )
        dark = n > 0 and (0.15 + 0.85 * min(1.0, n / scale)) > 0.45
        text_fill = "#ffffff" if dark else (MUTED if n == 0 else INK)
        out.append(
            f'<text x="{x}" y="{y + 4}" font-size="11" font-weight="bold" text-anchor="middle" '
            f'fill="{text_fill}" pointer-events="none">{n}</text>'
        )
    # Key.
    out.extend(
        [
            f'<circle cx="26" cy="452" r="7" fill="none" stroke="{INK}" stroke-width="3"/>',
            f'<text x="40" y="456" font-size="10">{words["target"]}</text>',
            f'<text x="250" y="456" font-size="10" text-anchor="end">{words["numbers"]}</text>',
            "</g></svg>",
        ]
    )
    return Chart("".join(out), alt)


def _joint_count(joint: Joint, count: int, target: bool) -> str:
    """A joint and its bleeds in the text alternative: "Left knee 4 (target joint)", "Right ankle 1"."""
    if target:
        # Translators: a joint and its number of bleeds in a list, "Left ankle 6 (target joint)".
        return gettext("%(joint)s %(count)s (target joint)") % {"joint": joint_label(*joint), "count": count}
    # Translators: a joint and its number of bleeds in a list, "Right knee 4".
    return gettext("%(joint)s %(count)s") % {"joint": joint_label(*joint), "count": count}


def _joint_title(joint: Joint, count: int, target: bool) -> str:
    """A joint circle's title: "Left knee: 4 bleeds, target joint"."""
    values = {"joint": joint_label(*joint), "count": count}
    if target:
        return (
            ngettext("%(joint)s: %(count)s bleed, target joint", "%(joint)s: %(count)s bleeds, target joint", count)
            % values
        )
    return ngettext("%(joint)s: %(count)s bleed", "%(joint)s: %(count)s bleeds", count) % values


def _words() -> dict[str, str]:
    """The words drawn on the body map, in the active language."""
    return {
        # Translators: the body map's mark of the patient's right side, one letter.
        "R": pgettext("body map", "R"),
        # Translators: the body map's mark of the patient's left side, one letter.
        "L": pgettext("body map", "L"),
        # Translators: under "R" on the body map: the patient's right side.
        "right": pgettext("body map", "right"),
        # Translators: under "L" on the body map: the patient's left side.
        "left": pgettext("body map", "left"),
        # Translators: the body map's key to the thick ring round a target joint.
        "target": gettext("target joint"),
        # Translators: the body map's key: the number in each joint is its count of bleeds.
        "numbers": gettext("numbers: bleeds"),
    }
