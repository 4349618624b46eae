"""``manage.py bench`` runs once, prints a line for every page, and leaves
nothing behind. Times are never asserted: only what the table must hold
whatever the machine (every page, its queries, its ratio to the floor)."""

import io
import re

from django.core.management import call_command

from hemolog.accounts.models import User
from hemolog.logbook.models import Infusion
from hemolog.patients.models import Patient

PAGES = [
    "floor: a static logged-in page",
    "home, a family of three",
    "patient page",
    "patient page, cold",
    "bleed list, first page",
    "bleed list, first page, cold",
    "infusion list, first page",
    "infusion list, first page, cold",
    "new-bleed form",
    "new-infusion form",
    "new-infusion form, cold",
    "stock page",
    "dashboard, 12 months, warm",
    "dashboard, 10 years, warm",
    "dashboard, 12 months, cold",
    "dashboard, 10 years, cold",
    "clinician roster, 200 patients, warm",
    "clinician roster, 200 patients, cold",
    "clinic report PDF, 1900 to 2099 (its job)",
]
ROW = re.compile(
    r"^(?P<page>\S.*?)\s{2,}(?P<ms>\d+\.\d)\s+(?P<queries>\d+)\s+(?P<kb>\d+\.\d)\s+(?P<ratio>\d+\.\d)$", re.M
)


def test_bench_times_every_daily_page_and_leaves_nothing_behind(db):
    patients, infusions = Patient.objects.count(), Infusion.objects.count()
    out = io.StringIO()
    call_command("bench", runs=1, restore_rows=3000, stdout=out)
    report = out.getvalue()
    assert re.search(r"Seeded (19|20)\d\d infusions and 300 bleeds over 10 years, and 200 roster patients", report)
    rows = {m["page"]: m for m in ROW.finditer(report)}
    assert list(rows) == PAGES
    assert rows["floor: a static logged-in page"]["ratio"] == "1.0"
    for page, row in rows.items():
        assert float(row["ms"]) > 0 and float(row["ratio"]) > 0, page
        assert float(row["kb"]) > 1, page  # a whole page, not an error or a redirect
        assert int(row["queries"]) >= 2, page  # at least the session and the user
    # A fixed number of queries per page, far fewer than the rows it shows
    # (25 per list, 200 on the roster): a query per row would show here.
    # The report reads the whole log, page after page (16 queries), and its job's
    # row is looked for, counted, written, claimed, finished and read for the download (about 17 more).
    pdf = rows.pop("clinic report PDF, 1900 to 2099 (its job)")
    assert all(int(row["queries"]) <= 12 for row in rows.values()) and int(pdf["queries"]) <= 36
    # The home page and a warm roster read their figures from the cache.
    assert int(rows["home, a family of three"]["queries"]) <= 4
    # The queries of a cold dashboard do not depend on the period's length;
    # a warm one reads its figures from the cache.
    cold, warm = rows["dashboard, 12 months, cold"], rows["dashboard, 12 months, warm"]
    assert cold["queries"] == rows["dashboard, 10 years, cold"]["queries"]
    assert int(warm["queries"]) < int(cold["queries"])
    roster_warm, roster_cold = (
        rows["clinician roster, 200 patients, warm"],
        rows["clinician roster, 200 patients, cold"],
    )
    assert int(roster_warm["queries"]) < int(roster_cold["queries"])
    # The patient page, the new-infusion form, the lists' counts and the
    # infusions' weights are read once per version of the log.
    for page in ("patient page", "new-infusion form", "bleed list, first page", "infusion list, first page"):
        assert int(rows[page]["queries"]) < int(rows[f"{page}, cold"]["queries"]), page
    assert "Over the goal:" in report
    # The family's archive (ten years: more rows than asked for here) restored once.
    restore = re.search(r"Archive restore: ([\d,]+) rows \(([\d.]+) MB\) in ([\d.]+) s, 50 patients and 500", report)
    assert restore and int(restore[1].replace(",", "")) > 3000 and float(restore[2]) > 0.5
    # Everything was rolled back.
    assert (Patient.objects.count(), Infusion.objects.count()) == (patients, infusions)
    assert not User.objects.filter(email__endswith="@bench.invalid").exists()
