"""The dose of factor concentrate for a wanted rise in factor level.

Source: WFH Guidelines for the Management of Hemophilia, 3rd edition
(Srivastava A et al., Haemophilia 2020;26 Suppl 6:1-158), "Clotting factor
concentrates": each IU of FVIII per kg of body weight raises the plasma FVIII
level by about 2 IU/dL, each IU of plasma-derived FIX per kg the FIX level by
about 1 IU/dL; recombinant FIX recovers less. For recombinant FIX the
recovery is BeneFIX's (nonacog alfa) US prescribing information, section
2.1 "Calculating Initial Dose" (Pfizer, pfizermedicalinformation.com/benefix/
dosage-admin): on average 0.8 IU/dL per IU/kg in adolescents and adults
(12 years and over; its formula's × 1.3) and 0.7 in children under 12
(× 1.4). Older texts put the line at 15 years; the current label's is 12.
Extended-half-life products carry their own stated recovery, and a
patient's own measured recovery replaces the product's.

So: IU = weight (kg) × rise (IU/dL) ÷ recovery (IU/dL per IU/kg); FVIII:
kg × rise × 0.5, plasma-derived FIX: kg × rise × 1.0. This is information
for a family that follows its treatment centre's plan, not a prescription;
no dose is worked out for non-factor products or bypassing agents.
"""

from __future__ import annotations

import math

FVIII_RECOVERY = 2.0
PLASMA_DERIVED_FIX_RECOVERY = 1.0
RECOMBINANT_FIX_RECOVERY_ADULT = 0.8
RECOMBINANT_FIX_RECOVERY_CHILD = 0.7
CHILD_UNDER_YEARS = 12  # BeneFIX's label: "Children (<12 years)"

FVIII, FIX = "FVIII", "FIX"
PLASMA_DERIVED, RECOMBINANT = "PLASMA_DERIVED", "RECOMBINANT"


def dose_for_rise(weight_kg: float, rise_iu_dl: float, recovery: float) -> float:
    """The IU that raise the level by ``rise_iu_dl`` at ``weight_kg``, with
    ``recovery`` in IU/dL per IU/kg: 30 kg, a rise of 50 IU/dL, FVIII (2.0)
    → 750 IU."""
    if weight_kg <= 0 or recovery <= 0 or rise_iu_dl < 0:
        raise ValueError("weight and recovery must be positive, the rise not negative")
    return weight_kg * rise_iu_dl / recovery


def recovery_for(
    factor: str,
    source: str,
    age_years: float | None,
    *,
    product_recovery: float | None = None,
    own_recovery: float | None = None,
) -> float | None:
    """The recovery to use: the patient's own measured one; else the
    product's stated one (extended half-life); else by the factor, its
    source and, for recombinant FIX, the age. None for anything else (a
    non-factor product, a bypassing agent): no dose is worked out."""
    if own_recovery:
        return own_recovery
    if product_recovery:
        return product_recovery
    if factor == FVIII:
        return FVIII_RECOVERY
    if factor == FIX and source == PLASMA_DERIVED:
        return PLASMA_DERIVED_FIX_RECOVERY
    if factor == FIX and source == RECOMBINANT:
        child = age_years is not None and age_years < CHILD_UNDER_YEARS
        return RECOMBINANT_FIX_RECOVERY_CHILD if child else RECOMBINANT_FIX_RECOVERY_ADULT
    return None


def whole_vials(dose_iu: float, vial_size_iu: int) -> tuple[int, int]:
    """The dose rounded up to whole vials: ``(vials, IU)``; 1715 IU in vials
    of 500 IU → (4, 2000)."""
    if vial_size_iu <= 0:
        raise ValueError("a vial holds some IU")
    vials = math.ceil(round(dose_iu, 6) / vial_size_iu)
    return vials, vials * vial_size_iu
