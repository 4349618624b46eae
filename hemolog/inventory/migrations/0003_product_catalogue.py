"""The shipped product catalogue.

Half-lives and recoveries are typical adult values from the products' labels
and the WFH 2020 guideline (FVIII ~2 IU/dL per IU/kg; plasma-derived FIX ~1;
recombinant FIX lower). They are defaults only: a patient's own measured
values, entered on the profile, take precedence. Bypassing agents and
emicizumab carry no recovery, so no factor-level curve is drawn for them.
"""

from django.db import migrations

# brand, generic, kind, half-life class, half-life h, recovery, unit, vial sizes
CATALOGUE = [
    ("Advate", "octocog alfa (rFVIII)", "FVIII", "SHL", 12, "2.0", "IU", "250, 500, 1000, 1500, 2000, 3000"),
    ("Kovaltry", "octocog alfa (rFVIII)", "FVIII", "SHL", 13, "2.0", "IU", "250, 500, 1000, 2000, 3000"),
    ("NovoEight", "turoctocog alfa (rFVIII)", "FVIII", "SHL", 11, "2.0", "IU", "250, 500, 1000, 1500, 2000, 3000"),
    ("Octanate", "plasma-derived FVIII", "FVIII", "SHL", 12, "2.0", "IU", "250, 500, 1000"),
    (
        "Elocta / Eloctate",
        "efmoroctocog alfa (rFVIIIFc)",
        "FVIII",
        "EHL",
        19.7,
        "2.0",
        "IU",
        "250, 500, 1000, 1500, 2000, 3000",
    ),
    ("Adynovi / Adynovate", "rurioctocog alfa pegol", "FVIII", "EHL", 14.3, "2.0", "IU", "250, 500, 1000, 2000"),
    ("Esperoct", "turoctocog alfa pegol", "FVIII", "EHL", 18.4, "2.0", "IU", "500, 1000, 1500, 2000, 3000"),
    ("Jivi", "damoctocog alfa pegol", "FVIII", "EHL", 17.9, "2.0", "IU", "500, 1000, 2000, 3000"),
    ("BeneFIX", "nonacog alfa (rFIX)", "FIX", "SHL", 18, "0.8", "IU", "250, 500, 1000, 2000, 3000"),
    ("Rixubis", "nonacog gamma (rFIX)", "FIX", "SHL", 25, "0.9", "IU", "250, 500, 1000, 2000, 3000"),
    ("Octanine F", "plasma-derived FIX", "FIX", "SHL", 24, "1.0", "IU", "500, 1000"),
    ("Alprolix", "eftrenonacog alfa (rFIXFc)", "FIX", "EHL", 82, "1.0", "IU", "250, 500, 1000, 2000, 3000"),
    ("Idelvion", "albutrepenonacog alfa (rIX-FP)", "FIX", "EHL", 102, "1.3", "IU", "250, 500, 1000, 2000, 3500"),
    ("Refixia / Rebinyn", "nonacog beta pegol", "FIX", "EHL", 93, "1.5", "IU", "500, 1000, 2000, 3000"),
    ("FEIBA", "activated prothrombin complex concentrate", "BYPASSING", "NA", None, None, "IU", "500, 1000, 2500"),
    ("NovoSeven", "eptacog alfa (rFVIIa)", "BYPASSING", "NA", None, None, "mg", "1, 2, 5, 8"),
    ("Hemlibra", "emicizumab", "EMICIZUMAB", "NA", None, None, "mg", "30, 60, 105, 150"),
]


def add_catalogue(apps, schema_editor):
    Product = apps.get_model("inventory", "Product")
    for brand, generic, kind, hl_class, half_life, recovery, unit, vials in CATALOGUE:
        Product.objects.update_or_create(
            brand_name=brand,
            patient=None,
            defaults={
                "generic_name": generic,
                "kind": kind,
                "half_life_class": hl_class,
                "default_half_life_hours": half_life,
                "default_recovery": recovery,
                "unit": unit,
                "vial_sizes": vials,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("inventory", "0002_stockmovement_infusion")]

    operations = [migrations.RunPython(add_catalogue, migrations.RunPython.noop)]
