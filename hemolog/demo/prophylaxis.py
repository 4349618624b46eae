"""One patient's prophylaxis: the regimens his profile prescribes, their doses
set for his weight, and the doses he took.

A scheduled dose falls on the days :func:`hemolog.clinical.adherence.scheduled_doses`
gives, the same days the dashboard's adherence counts, so the demo's missed
doses are the only ones it shows missing.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

from hemolog.clinical.adherence import scheduled_doses
from hemolog.clinical.records import ScheduleRecord
from hemolog.demo.context import DosePlan, Line, LogContext
from hemolog.demo.profile import Phase
from hemolog.demo.weights import Weights
from hemolog.insights.log import schedule_record
from hemolog.inventory.models import Product
from hemolog.logbook.models import Reason, Regimen, ScheduleKind

LATE_RATE = 0.07  # doses taken hours after the usual time
COVERED_BEFORE = dt.timedelta(hours=18)  # a bleed or procedure dose this long before replaces the scheduled dose
COVERED_AFTER = dt.timedelta(hours=3)  # ... or this long after


@dataclass
class RegimenPlan:
    regimen: Regimen
    schedule: ScheduleRecord
    phase: Phase
    product: Product
    vial_size: int
    vials_per_dose: int  # factor; emicizumab vials follow each dose

    @property
    def line(self) -> Line:
        return (self.phase.product, self.vial_size)

    @property
    def is_factor(self) -> bool:
        return self.product.is_factor


def choose_factor_dose(sizes: list[int], kg: float, target: float, low: float, high: float) -> tuple[int, int]:
    """(vial size, vials): a whole number of one lot's vials, near ``target`` IU/kg, few vials."""

    def score(option: tuple[int, int]) -> float:
        size, n = option
        per_kg = size * n / kg
        return abs(per_kg - target) + 2 * (n - 1) + (0 if low <= per_kg <= high else 100)

    return min(((size, n) for size in sizes for n in range(1, 7)), key=score)


def choose_emicizumab_vial(sizes: list[int], mg: float) -> int:
    """The vial size that wastes least for this dose (then: fewest vials)."""
    return min(sizes, key=lambda s: (math.ceil(mg / s) * s - mg, math.ceil(mg / s)))


class Prophylaxis:
    """Adds the regimens to the log (a new one whenever a clinic visit's weight
    puts the dose out of range); :meth:`doses` plans the doses taken."""

    def __init__(self, ctx: LogContext, weights: Weights):
        self.ctx = ctx
        self.weights = weights
        self.plans: list[RegimenPlan] = []
        for phase in ctx.p.phases:
            start, notes = phase.start, phase.notes
            while start is not None:
                start = self.add_regimen(phase, start, notes)
                notes = "Dose re-set for his weight"

    def add_regimen(self, phase: Phase, start: dt.date, notes: str) -> dt.date | None:
        """Add a regimen from ``start``; return the day a re-dosed one must start, if any."""
        product = self.ctx.products[phase.product]
        kg = self.weights.on(start)
        if product.is_factor:
            low, high = phase.per_kg_range
            vial_size, vials = choose_factor_dose(product.vial_size_list, kg, phase.per_kg, low, high)
            dose = Decimal(vial_size * vials)
        else:
            dose = Decimal(f"{phase.per_kg * kg:.1f}")
            vial_size = choose_emicizumab_vial(product.vial_size_list, float(dose))
            vials = math.ceil(dose / vial_size)
        regimen = Regimen(
            patient=self.ctx.patient,
            product=product,
            dose=dose,
            schedule=phase.schedule,
            interval_days=phase.interval_days,
            weekdays=phase.weekdays,
            start_date=start,
            end_date=phase.end,
            notes=notes,
        )
        re_dose = self.re_dose_day(regimen, phase)
        if re_dose is not None:
            regimen.end_date = re_dose - dt.timedelta(days=1)
        self.plans.append(RegimenPlan(regimen, schedule_record(regimen), phase, product, vial_size, vials))
        self.ctx.records.regimens.append(regimen)
        return re_dose

    def re_dose_day(self, regimen: Regimen, phase: Phase) -> dt.date | None:
        """The first clinic visit whose weight puts the dose out of range re-sets it from
        the next day (on given weekdays) or the next scheduled day; None if none does."""
        last = min(phase.end or self.ctx.today, self.ctx.today)
        for day in self.weights.days:
            if not regimen.start_date < day < last:
                continue
            per_kg = float(regimen.dose) / self.weights.on(day)
            if regimen.product.is_factor:
                off = not phase.per_kg_range[0] <= per_kg <= phase.per_kg_range[1]
            else:
                off = abs(per_kg - phase.per_kg) / phase.per_kg > 0.25
            if not off:
                continue
            if regimen.schedule == ScheduleKind.WEEKDAYS:
                return day + dt.timedelta(days=1)
            following = scheduled_doses([schedule_record(regimen)], day + dt.timedelta(days=1), last, self.ctx.tz)
            return following[0].day if following else None
        return None

    def plan_on(self, day: dt.date) -> RegimenPlan | None:
        for plan in self.plans:
            if plan.regimen.is_active_on(day):
                return plan
        return None

    def home_bleed_line(self, day: dt.date) -> Line | None:
        """Which stock treats a bleed at home: the factor regimen's; without a regimen,
        the on-demand product's; with emicizumab, none (the clinic treats it)."""
        plan = self.plan_on(day)
        if plan is not None:
            return plan.line if plan.is_factor else None
        return self.on_demand_line if self.ctx.p.on_demand else None

    @property
    def on_demand_line(self) -> Line:
        product = self.ctx.products[self.ctx.p.on_demand]
        kg = self.weights.on(self.ctx.p.log_start)
        size, _ = choose_factor_dose(product.vial_size_list, kg, 35, 20, 60)
        return (self.ctx.p.on_demand, size)

    def dose_on(self, plan: RegimenPlan, day: dt.date) -> tuple[Decimal, int]:
        """(dose, vials): the regimen's for factor; for emicizumab, mg/kg times the weight on the day."""
        if plan.is_factor:
            return plan.regimen.dose, plan.vials_per_dose
        dose = Decimal(f"{plan.phase.per_kg * self.weights.on(day):.1f}")
        return dose, math.ceil(dose / plan.vial_size)

    def doses_scheduled(self, plan: RegimenPlan, first: dt.date, last: dt.date) -> int:
        return len(scheduled_doses([plan.schedule], first, last, self.ctx.tz))

    def doses(self, other_doses: list[dt.datetime]) -> list[DosePlan]:
        """The scheduled doses, less the missed ones and those a bleed or procedure dose
        covered (``other_doses``, sorted); the last week is complete, so the demo looks kept up."""
        ctx, p, rng = self.ctx, self.ctx.p, self.ctx.rng
        doses = []
        recent = ctx.today - dt.timedelta(days=6)
        for plan in self.plans:
            days = [s.day for s in scheduled_doses([plan.schedule], plan.schedule.start_date, ctx.today, ctx.tz)]
            for number, day in enumerate(days):
                hour = p.dose_hour + rng.gauss(0, 0.3)
                late = rng.random() < LATE_RATE
                if late:
                    hour += rng.uniform(2, 9)
                at = ctx.at(day, min(hour, 23.5))
                missed = rng.random() < p.miss_rate
                if at >= ctx.cutoff or (missed and day < recent):
                    continue
                i = bisect.bisect_left(other_doses, at - COVERED_BEFORE)
                if i < len(other_doses) and other_doses[i] <= at + COVERED_AFTER:
                    continue
                dose, vials = self.dose_on(plan, day)
                notes = ""
                if plan.phase.notes.startswith("Loading"):
                    notes = f"Loading dose {number + 1}"
                elif late and rng.random() < 0.3:
                    notes = "Late: forgot this morning" if p.dose_hour < 12 else "Late"
                doses.append(
                    DosePlan(
                        at=at,
                        product=plan.phase.product,
                        dose=dose,
                        reason=Reason.PROPHYLAXIS,
                        line=plan.line,
                        vials=vials,
                        given_by=ctx.given_by(day),
                        notes=notes,
                    )
                )
        return doses
