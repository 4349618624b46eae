"""One patient's weights: measured at clinic visits every three months while he
grows (the median for his age times his own factor), every six as an adult."""

from __future__ import annotations

import bisect
import datetime as dt
from decimal import Decimal

from hemolog.demo.context import LogContext, years_between
from hemolog.patients.models import WeightMeasurement

# Median weight of boys by age in kg (WHO to 2 years, CDC 2–20 years), rounded.
MEDIAN_WEIGHT = [
    (0, 3.5),
    (0.5, 7.9),
    (1, 9.6),
    (2, 12.2),
    (3, 14.3),
    (4, 16.3),
    (5, 18.4),
    (6, 20.7),
    (7, 23.1),
    (8, 25.6),
    (9, 28.6),
    (10, 31.9),
    (11, 35.6),
    (12, 39.9),
    (13, 45.3),
    (14, 50.8),
    (15, 56.0),
    (16, 60.8),
    (17, 64.4),
    (18, 67.2),
    (20, 70.6),
]


def median_weight(age: float) -> float:
    ages = [a for a, _ in MEDIAN_WEIGHT]
    if age >= ages[-1]:
        return MEDIAN_WEIGHT[-1][1]
    i = bisect.bisect_right(ages, age)
    (a0, w0), (a1, w1) = MEDIAN_WEIGHT[i - 1], MEDIAN_WEIGHT[i]
    return w0 + (w1 - w0) * (age - a0) / (a1 - a0)


class Weights:
    """Adds the weight rows to the log; :meth:`on` is the last measured weight."""

    def __init__(self, ctx: LogContext):
        p, rng = ctx.p, ctx.rng
        every = 91 if ctx.age_on(ctx.today) < 20 else 182
        day = p.log_start - dt.timedelta(days=rng.randint(0, 30))
        self.days: list[dt.date] = []
        self.values: list[float] = []
        drift = rng.uniform(-1.5, 1.5)  # kg a year, for adults
        while day < ctx.today:
            age = ctx.age_on(day)
            if age < 20:
                kg = median_weight(age) * p.weight_factor
            else:
                kg = p.adult_weight + drift * years_between(p.log_start, day)
            kg = min(max(kg * rng.uniform(0.985, 1.015), 2), 240)
            self.days.append(day)
            self.values.append(round(kg, 1))
            ctx.records.weights.append(
                WeightMeasurement(patient=ctx.patient, measured_on=day, weight_kg=Decimal(f"{kg:.1f}"))
            )
            day += dt.timedelta(days=every + rng.randint(-10, 10))

    def on(self, day: dt.date) -> float:
        i = bisect.bisect_right(self.days, day)
        return self.values[max(i - 1, 0)]
