"""Clinical calculations over plain values: no database, and of Django only
its translations (the sentences a person reads, such as an adherence summary,
are marked with ``gettext``).

One module per concern (the dashboard, the PDF, the roster and the reminders
all call these; nothing here imports the rest of Django, which .importlinter checks):

* :mod:`.records` — the plain input records (bleeds, doses, schedules, weights).
* :mod:`.dates` — calendar arithmetic on aware datetimes (months, elapsed days).
* :mod:`.bleeding` — re-bleed merging, annualised bleeding rates, target joints (ISTH).
* :mod:`.adherence` — scheduled prophylaxis doses and adherence to them.
* :mod:`.factor_level` — estimated FVIII/FIX level (one-compartment model, WFH 2020).
* :mod:`.consumption` — IU/kg/year, emicizumab mg/kg/week.

Each public function's docstring names its source and states the rule as implemented.
"""
