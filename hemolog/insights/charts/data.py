"""What the month chart draws, as plain values: no matplotlib, no database.

The dashboard makes one :class:`MonthChartData` from its month rows
(:meth:`hemolog.insights.dashboard.Dashboard.month_chart_data`); the dashboard
draws it as SVG and the PDF report as PNG, through the one figure builder
:func:`hemolog.insights.charts.month.month_figure`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from hemolog.insights.joints import JOINTS, Joint, body_order


@dataclass(frozen=True)
class MonthChartData:
    """Joint bleeds per month and prophylaxis adherence per month.

    ``months`` are the first days of the months shown, in increasing order.
    ``bleeds_by_joint`` maps a joint, ``(site, side)`` such as ``("ANKLE", "L")``,
    to its bleed count in each month (aligned with ``months``). ``adherence_by_month``
    is the adherence % in each month (None: nothing scheduled), or empty when there
    is no regimen. ``target_joints`` are marked "(target joint)".

    Stored normalised, so that equal numbers give an equal ``repr`` (the dashboard
    caches the drawn chart under it): tuples, joints in body order, adherence one
    value per month. Malformed input (lists of the wrong length, negative counts,
    unknown joints, a percentage outside 0–100) raises ``ValueError``.
    """

    months: Sequence[dt.date]
    bleeds_by_joint: Mapping[Joint, Sequence[int]]
    adherence_by_month: Sequence[float | None] = ()
    target_joints: Collection[Joint] = ()

    def __post_init__(self) -> None:
        months = tuple(self.months)
        n = len(months)
        if any(later <= earlier for earlier, later in zip(months, months[1:], strict=False)):
            raise ValueError("months must be in increasing order")
        bleeds: dict[Joint, tuple[int, ...]] = {}
        for joint, counts in self.bleeds_by_joint.items():
            joint = _joint(joint)
            counts = tuple(int(c) for c in counts)
            if len(counts) != n:
                raise ValueError(f"{joint!r} has {len(counts)} monthly counts for {n} months")
            if any(c < 0 for c in counts):
                raise ValueError(f"{joint!r} has a negative bleed count")
            bleeds[joint] = counts
        adherence = tuple(self.adherence_by_month) or (None,) * n
        if len(adherence) != n:
            raise ValueError(f"{len(adherence)} adherence values for {n} months")
        for value in adherence:
            if value is not None and not 0 <= value <= 100:
                raise ValueError(f"adherence {value!r} is not a percentage")
        targets = tuple(sorted({_joint(t) for t in self.target_joints}, key=body_order))
        object.__setattr__(self, "months", months)
        object.__setattr__(self, "bleeds_by_joint", dict(sorted(bleeds.items(), key=lambda jc: body_order(jc[0]))))
        object.__setattr__(self, "adherence_by_month", adherence)
        object.__setattr__(self, "target_joints", targets)

    @property
    def bars(self) -> list[tuple[Joint, tuple[int, ...]]]:
        """The joints with a bleed and their counts, in body order (a joint with none draws nothing)."""
        return [(joint, counts) for joint, counts in self.bleeds_by_joint.items() if sum(counts)]

    @property
    def has_adherence(self) -> bool:
        return any(a is not None for a in self.adherence_by_month)


def _joint(value: Sequence[str]) -> Joint:
    joint = tuple(value)
    if joint not in JOINTS:
        raise ValueError(f"{value!r} is not a (joint site, side) pair")
    return joint  # type: ignore[return-value]
