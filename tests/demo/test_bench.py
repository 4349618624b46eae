import io
import re

from django.core.management import call_command

from hemolog.patients.models import Patient


def test_bench_measures_the_dashboard_and_leaves_nothing_behind(db):
    out = io.StringIO()
    call_command("bench", runs=1, stdout=out)
    report = out.getvalue()
    assert re.search(r"Seeded 1[78]\d\d infusions and 300 bleeds over 10 years", report)
    rows = dict(re.findall(r"^(dashboard, [^\n]+?|floor: [^\n]+?)\s+[\d.]+\s+(\d+)$", report, re.M))
    assert set(rows) == {
        "floor: a static logged-in page",
        "dashboard, 12 months, cold",
        "dashboard, 12 months, warm",
        "dashboard, 10 years, cold",
        "dashboard, 10 years, warm",
    }
    # The queries of a cold dashboard do not depend on the period's length.
    assert rows["dashboard, 12 months, cold"] == rows["dashboard, 10 years, cold"]
    assert int(rows["dashboard, 12 months, warm"]) < int(rows["dashboard, 12 months, cold"])
    assert "ratio to the floor" in report
    assert not Patient.objects.filter(display_name="Bench").exists()
