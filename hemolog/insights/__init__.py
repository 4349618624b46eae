"""Clinical calculations over plain values: no Django, no database.

One module per concern:

* :mod:`.records` — the plain input records (bleeds, doses, schedules, weights).
* :mod:`.bleeding` — re-bleed merging, annualised bleeding rates, target joints (ISTH).
* :mod:`.adherence` — scheduled prophylaxis doses and adherence to them.
* :mod:`.factor_level` — estimated FVIII/FIX level (one-compartment model, WFH 2020).
* :mod:`.consumption` — IU/kg/year, emicizumab mg/kg/week, vials per month.

Each public function's docstring names its source and states the rule as implemented.
"""

from .adherence import Adherence, MonthAdherence, ScheduledDose, adherence, scheduled_doses
from .bleeding import (
    BleedingRates,
    Episode,
    TargetJoint,
    annualised_bleeding_rate,
    bleed_episodes,
    current_target_joints,
    target_joints,
)
from .consumption import emicizumab_mg_per_kg_per_week, iu_per_kg_per_year, vials_per_month
from .factor_level import (
    BleedLevel,
    LevelPoint,
    estimated_factor_level,
    factor_level_curve,
    level_at_bleeds,
    time_below,
    unmodelled_doses,
)
from .records import BleedRecord, DoseRecord, ScheduleRecord, WeightRecord, weight_on

__all__ = [
    "Adherence",
    "BleedLevel",
    "BleedRecord",
    "BleedingRates",
    "DoseRecord",
    "Episode",
    "LevelPoint",
    "MonthAdherence",
    "ScheduleRecord",
    "ScheduledDose",
    "TargetJoint",
    "WeightRecord",
    "adherence",
    "annualised_bleeding_rate",
    "bleed_episodes",
    "current_target_joints",
    "emicizumab_mg_per_kg_per_week",
    "estimated_factor_level",
    "factor_level_curve",
    "iu_per_kg_per_year",
    "level_at_bleeds",
    "scheduled_doses",
    "target_joints",
    "time_below",
    "unmodelled_doses",
    "vials_per_month",
    "weight_on",
]
