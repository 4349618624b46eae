"""One patient's simulated log, built in memory from his :class:`~.profile.Profile`.

:func:`build_log` makes unsaved rows that refer to each other by object:
weights (:mod:`.weights`), regimens (:mod:`.prophylaxis`), bleeds with their
treatment and procedures (:mod:`.bleeds`), the prophylactic doses taken, and
the stock ledger that gives every dose (:mod:`.stock`). Everything is drawn
from the one random generator, in that order: the same seed on the same day
builds the same log.
"""

from __future__ import annotations

import datetime as dt
import random

from hemolog.demo.bleeds import Bleeds
from hemolog.demo.context import LogContext
from hemolog.demo.profile import Profile
from hemolog.demo.prophylaxis import Prophylaxis
from hemolog.demo.stock import Stock
from hemolog.demo.weights import Weights
from hemolog.inventory.models import Product

DEFAULT_SEED = 1937  # any fixed number: the same seed builds the same log


def catalogue() -> dict[str, Product]:
    """The shared product catalogue (not a patient's own products), by brand name."""
    return {p.brand_name: p for p in Product.objects.filter(patient=None)}


def build_log(profile: Profile, rng: random.Random, now: dt.datetime, products: dict[str, Product]) -> LogContext:
    """The patient of ``profile`` and his log up to ``now``, in ``.records``."""
    ctx = LogContext(profile, rng, now, products)
    weights = Weights(ctx)
    prophylaxis = Prophylaxis(ctx, weights)
    bleeds = Bleeds(ctx, weights, prophylaxis)
    doses = bleeds.doses() + bleeds.procedure_doses()
    doses += prophylaxis.doses(sorted(d.at for d in doses))
    Stock(ctx, weights, prophylaxis).run(doses)
    return ctx
