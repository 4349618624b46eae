"""One patient's stock: deliveries, lots and the ledger, simulated event by event
so that it is consistent by construction.

Every lot's ``vials_on_hand`` is the sum of its movements and never negative at
any time; a dose takes its vials from one lot of the right product and vial
size, received before it and not expired on the day (first-expiring first);
deliveries top the fridge up every four weeks; a dose that finds no such lot
brings an urgent delivery; lots that expire with vials left are written off the
day after.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from hemolog.demo.bleeds import bleed_vials
from hemolog.demo.context import DosePlan, Line, LogContext
from hemolog.demo.prophylaxis import Prophylaxis
from hemolog.demo.weights import Weights
from hemolog.inventory.models import StockLot, StockMovement
from hemolog.logbook.models import BleedSeverity, Infusion

FRIDGE = "Fridge (2–8 °C)"
STOCK_WEEKS = 6  # a delivery tops the fridge up to six weeks of doses plus a reserve for bleeds
DELIVERY_EVERY_DAYS = 28
EXPIRY_WARNING_LEFT_DAYS = 21  # the demo's short-dated lot: inside the app's 30-day warning


@dataclass
class LotState:
    lot: StockLot
    received_at: dt.datetime
    vials: int


def lot_prefix(brand: str) -> str:
    return "".join(c for c in brand.upper() if c.isalpha())[:3]


def move(ctx: LogContext, lot: StockLot, vials: int, kind: str, at: dt.datetime, reason: str, infusion=None) -> None:
    """Add a ledger line: ``vials`` into (positive) or out of (negative) ``lot``."""
    ctx.records.movements.append(
        StockMovement(
            lot=lot,
            kind=kind,
            vials=vials,
            reason=reason,
            infusion=infusion,
            created_at=at,
            created_by=ctx.logger(),
        )
    )


class Stock:
    def __init__(self, ctx: LogContext, weights: Weights, prophylaxis: Prophylaxis):
        self.ctx = ctx
        self.weights = weights
        self.prophylaxis = prophylaxis
        self.lots: list[LotState] = []
        self.open_lots: dict[Line, list[LotState]] = {}  # lots with vials left, by line

    def run(self, doses: list[DosePlan]) -> None:
        """Deliver and give ``doses`` in time order (a delivery first at the same moment)."""
        deliveries = self.delivery_times()
        events = [(at, 0, None) for at in deliveries] + [(d.at, 1, d) for d in doses]
        events.sort(key=lambda e: (e[0], e[1]))
        last_regular = deliveries[-1] if deliveries else None
        for at, _, dose in events:
            if dose is None:
                self.deliver(at, short_dated=self.ctx.p.short_dated_last_lot and at == last_regular)
            else:
                self.give(dose)
        self.write_off_expired()
        for state in self.lots:
            state.lot.vials_on_hand = state.vials

    def delivery_times(self) -> list[dt.datetime]:
        """Every four weeks, the last ``delivery_offset`` days ago; and the day before each regimen starts."""
        p = self.ctx.p
        days = {plan.regimen.start_date - dt.timedelta(days=1) for plan in self.prophylaxis.plans}
        if p.on_demand and not self.prophylaxis.plans:
            days.add(p.log_start - dt.timedelta(days=1))
        day = self.ctx.today - dt.timedelta(days=p.delivery_offset)
        while day >= p.log_start:
            days.add(day)
            day -= dt.timedelta(days=DELIVERY_EVERY_DAYS)
        times = [self.ctx.at(d, 11 + self.ctx.rng.uniform(0, 4)) for d in sorted(days)]
        return [t for t in times if t < self.ctx.cutoff]

    def targets(self, day: dt.date) -> dict[Line, tuple[int, int]]:
        """For each line, the vials to hold after a delivery on ``day``, and the vials a dose takes:
        the prophylactic doses scheduled in the next six weeks, and a reserve for bleeds."""
        targets: dict[Line, tuple[int, int]] = {}
        tomorrow = day + dt.timedelta(days=1)
        plan = self.prophylaxis.plan_on(tomorrow)
        if plan is not None:
            per_dose = self.prophylaxis.dose_on(plan, day)[1]
            scheduled = self.prophylaxis.doses_scheduled(plan, tomorrow, day + dt.timedelta(weeks=STOCK_WEEKS))
            targets[plan.line] = (scheduled * per_dose, per_dose)
        line = self.prophylaxis.home_bleed_line(tomorrow)
        if line is not None:
            kind = self.ctx.products[line[0]].kind
            per_bleed = bleed_vials(line[1], kind, BleedSeverity.MODERATE, self.weights.on(day))
            target, per_dose = targets.get(line, (0, per_bleed))
            targets[line] = (target + per_bleed * (2 if plan else 4), per_dose)
        return targets

    def deliver(self, at: dt.datetime, short_dated: bool = False) -> None:
        """Top each line up, in whole doses (a dose takes all its vials from one lot)."""
        day = self.ctx.local_day(at)
        keeps = day + dt.timedelta(days=DELIVERY_EVERY_DAYS)
        for line, (target, per_dose) in self.targets(day).items():
            have = sum(
                s.vials // per_dose * per_dose for s in self.open_lots.get(line, ()) if s.lot.expires_on >= keeps
            )
            order = math.ceil(max(target - have, 0) / per_dose) * per_dose
            if short_dated:
                expires = self.ctx.today + dt.timedelta(days=EXPIRY_WARNING_LEFT_DAYS)
                self.receive(line, at, max(order, 8 * per_dose), expires=expires)
                short_dated = False  # one such lot is enough
            elif order:
                self.receive(line, at, max(order, 2 * per_dose))

    def receive(
        self, line: Line, at: dt.datetime, vials: int, expires: dt.date | None = None, reason: str = "Received"
    ) -> LotState:
        brand, size = line
        day = self.ctx.local_day(at)
        expires = expires or day + dt.timedelta(days=self.ctx.rng.randint(270, 720))
        lot = StockLot(
            patient=self.ctx.patient,
            product=self.ctx.products[brand],
            lot_number=f"{lot_prefix(brand)}{day:%y}{self.ctx.rng.randrange(10**5):05d}",
            vial_size=size,
            expires_on=expires,
            storage=FRIDGE,
            received_on=day,
        )
        state = LotState(lot, at, vials)
        self.lots.append(state)
        self.open_lots.setdefault(line, []).append(state)
        self.ctx.records.lots.append(lot)
        move(self.ctx, lot, vials, StockMovement.Kind.RECEIVED, at, reason)
        return state

    def first_expiring(self, line: Line, at: dt.datetime, vials: int) -> LotState | None:
        day = self.ctx.local_day(at)
        usable = [
            s
            for s in self.open_lots.get(line, ())
            if s.vials >= vials and s.received_at < at and s.lot.expires_on >= day
        ]
        return min(usable, key=lambda s: (s.lot.expires_on, s.received_at), default=None)

    def give(self, dose: DosePlan) -> None:
        infusion = Infusion(
            patient=self.ctx.patient,
            given_at=dose.at,
            product=self.ctx.products[dose.product],
            dose=dose.dose,
            reason=dose.reason,
            bleed=dose.bleed,
            given_by=dose.given_by,
            notes=dose.notes,
            created_by=self.ctx.logger(),
        )
        self.ctx.records.infusions.append(infusion)
        if dose.line is None:
            return
        state = self.first_expiring(dose.line, dose.at, dose.vials)
        if state is None:
            target, _ = self.targets(self.ctx.local_day(dose.at)).get(dose.line, (0, 0))
            urgent_at = dose.at - dt.timedelta(hours=1)
            state = self.receive(dose.line, urgent_at, max(target, dose.vials), reason="Urgent delivery")
        state.vials -= dose.vials
        if not state.vials:
            self.open_lots[dose.line].remove(state)
        infusion.lot = state.lot
        infusion.vials_used = dose.vials
        reason = f"Infusion on {dose.at:%Y-%m-%d}"
        move(self.ctx, state.lot, -dose.vials, StockMovement.Kind.USED, dose.at, reason, infusion)

    def write_off_expired(self) -> None:
        for state in self.lots:
            if state.vials and state.lot.expires_on < self.ctx.today:
                at = min(self.ctx.at(state.lot.expires_on + dt.timedelta(days=1), 9), self.ctx.cutoff)
                move(self.ctx, state.lot, -state.vials, StockMovement.Kind.EXPIRED, at, "Expired: discarded")
                state.vials = 0
