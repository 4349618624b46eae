"""The dose for a wanted rise (WFH Guidelines 2020; BeneFIX's US label for
recombinant FIX: 0.8 IU/dL per IU/kg from 12 years, 0.7 under 12), worked by
hand."""

import pytest

from hemolog.clinical.dosing import FIX, FVIII, PLASMA_DERIVED, RECOMBINANT, dose_for_rise, recovery_for, whole_vials


def test_fviii_half_an_iu_per_kg_for_each_iu_dl():
    # 30 kg × 50 IU/dL × 0.5 = 750 IU
    assert dose_for_rise(30, 50, recovery_for(FVIII, RECOMBINANT, 10)) == pytest.approx(750)


def test_plasma_derived_fix_one_iu_per_kg_for_each_iu_dl():
    # 30 kg × 40 IU/dL × 1.0 = 1200 IU
    assert dose_for_rise(30, 40, recovery_for(FIX, PLASMA_DERIVED, 10)) == pytest.approx(1200)


def test_recombinant_fix_recovers_less_and_less_still_under_12():
    # An adult: 70 kg × 40 ÷ 0.8 = 3500 IU. A 10-year-old: 30 kg × 40 ÷ 0.7 = 1714.29 IU.
    assert dose_for_rise(70, 40, recovery_for(FIX, RECOMBINANT, 30)) == pytest.approx(3500)
    assert dose_for_rise(30, 40, recovery_for(FIX, RECOMBINANT, 10)) == pytest.approx(1714.2857, abs=1e-3)
    assert recovery_for(FIX, RECOMBINANT, 12) == 0.8  # 12 is an adolescent on the label


def test_the_patients_own_recovery_wins_over_the_products():
    # Own 1.2 instead of recombinant FIX's 0.8: 70 kg × 40 ÷ 1.2 = 2333.33 IU.
    own = recovery_for(FIX, RECOMBINANT, 30, product_recovery=0.8, own_recovery=1.2)
    assert own == 1.2 and dose_for_rise(70, 40, own) == pytest.approx(2333.333, abs=1e-3)
    assert recovery_for(FIX, RECOMBINANT, 30, product_recovery=1.3) == 1.3  # an extended-half-life product's


def test_no_dose_for_a_product_that_is_not_fviii_or_fix():
    assert recovery_for("EMICIZUMAB", "NA", 10) is None
    assert recovery_for("BYPASSING", "PLASMA_DERIVED", 10) is None


def test_rounded_up_to_whole_vials():
    assert whole_vials(1714.29, 500) == (4, 2000)
    assert whole_vials(1714.29, 250) == (7, 1750)
    assert whole_vials(750, 250) == (3, 750)  # exactly three


@pytest.mark.parametrize(("kg", "rise", "recovery"), [(0, 40, 2.0), (30, 40, 0), (30, -1, 2.0)])
def test_impossible_input_is_refused(kg, rise, recovery):
    with pytest.raises(ValueError):
        dose_for_rise(kg, rise, recovery)
