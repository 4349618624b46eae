"""``manage.py bench``: every page a family or a clinician opens daily, timed
against a trivial logged-in page (the floor) in the same run.

The pages are requested in turn, round after round, through Django's test
client in this process, so that a busy machine slows them all alike and the
ratios to the floor stay meaningful. Each page is requested a few times
unmeasured first (``WARM_UP``); a cold page has the cache emptied before
each measured request.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hemolog.core.caching import values_cache

from .bench_data import ROSTER_PATIENTS, YEARS, BenchData

FLOOR = "floor: a static logged-in page"
GOAL = 3.0  # every daily page within 3x the floor …
WARM_DASHBOARD_GOAL = 2.0  # … and the warm dashboard within 2x


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    who: str  # "parent" or "clinician"
    cold: bool = False
    goal: float | None = GOAL  # None: not a daily page (a cold dashboard)
    job: bool = False  # the page starts a job: its file is downloaded in the same measure


@dataclass
class Result:
    page: Page
    times_ms: list[float] = field(default_factory=list)
    queries: int = 0
    kilobytes: float = 0.0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times_ms)


def pages(data: BenchData) -> list[Page]:
    patient = data.patient.pk
    today = timezone.localdate()
    dashboard = reverse("insights:dashboard", kwargs={"patient_id": patient})
    ten_years = f"{dashboard}?period=custom&start={today.replace(year=today.year - YEARS)}&end={today}"

    def url(name: str) -> str:
        return reverse(name, kwargs={"patient_id": patient})

    return [
        Page(FLOOR, reverse("account_security"), "parent"),
        Page("home, a family of three", reverse("home"), "parent"),
        Page("patient page", url("patients:detail"), "parent"),
        Page("patient page, cold", url("patients:detail"), "parent", cold=True, goal=None),
        Page("bleed list, first page", url("logbook:bleed_list"), "parent"),
        Page("bleed list, first page, cold", url("logbook:bleed_list"), "parent", cold=True, goal=None),
        Page("infusion list, first page", url("logbook:infusion_list"), "parent"),
        Page("infusion list, first page, cold", url("logbook:infusion_list"), "parent", cold=True, goal=None),
        Page("new-bleed form", url("logbook:bleed_create"), "parent"),
        Page("new-infusion form", url("logbook:infusion_create"), "parent"),
        Page("new-infusion form, cold", url("logbook:infusion_create"), "parent", cold=True, goal=None),
        Page("stock page", url("inventory:stock"), "parent"),
        Page("dashboard, 12 months, warm", f"{dashboard}?period=12", "parent", goal=WARM_DASHBOARD_GOAL),
        Page("dashboard, 10 years, warm", ten_years, "parent", goal=WARM_DASHBOARD_GOAL),
        Page("dashboard, 12 months, cold", f"{dashboard}?period=12", "parent", cold=True, goal=None),
        Page("dashboard, 10 years, cold", ten_years, "parent", cold=True, goal=None),
        Page(f"clinician roster, {ROSTER_PATIENTS} patients, warm", reverse("home"), "clinician"),
        Page(f"clinician roster, {ROSTER_PATIENTS} patients, cold", reverse("home"), "clinician", cold=True, goal=None),
        # Not a daily page: the longest report one can ask for (issue 8 asks under 2 s). It is a
        # job for the worker; the bench runs jobs when started: the time is the job's and the download's.
        Page(
            "clinic report PDF, 1900 to 2099 (its job)",
            f"{url('exports:pdf')}?start=1900-01-01&end=2099-12-31",
            "parent",
            cold=True,
            goal=None,
            job=True,
        ),
    ]


# Unmeasured requests of each page first: templates loaded, caches filled, and
# on PostgreSQL the page's queries prepared, as on a connection that has
# served a while (psycopg prepares a query from its sixth run: settings.py).
WARM_UP = 6


def measure(pages_: list[Page], clients: dict[str, Client], runs: int) -> list[Result]:
    """Warm pages first, each requested ``WARM_UP`` times unmeasured and then
    once a round; then the cold ones, the cache emptied before each request."""
    results = [Result(page) for page in pages_]
    warm = [result for result in results if not result.page.cold]
    for _ in range(WARM_UP):
        for result in warm:
            _get(clients[result.page.who], result.page.url, result.page.job)
    for _ in range(runs):
        for result in warm:
            _measure(result, clients)
    for _ in range(runs):
        for result in results:
            if result.page.cold:
                values_cache.clear()
                _measure(result, clients)
    return results


def _measure(result: Result, clients: dict[str, Client]) -> None:
    with CaptureQueriesContext(connection) as captured:
        begin = time.perf_counter()
        response = _get(clients[result.page.who], result.page.url, result.page.job)
        result.times_ms.append((time.perf_counter() - begin) * 1000)
    result.queries = len(captured)
    result.kilobytes = len(response.content) / 1024


def _get(client: Client, url: str, job: bool = False):
    response = client.get(url)
    if job and response.status_code == 302:  # the job's page; the bench runs jobs when started
        response = client.get(f"{response['Location']}file")
    if response.status_code != 200:
        raise AssertionError(f"{url} answered {response.status_code}")
    return response


def report(results: list[Result], write: Callable[[str], None]) -> None:
    """The table, one page a line: median ms, SQL queries, size and ratio to the floor."""
    floor = next(r.median_ms for r in results if r.page.name == FLOOR)
    width = max(len(r.page.name) for r in results) + 2
    write(f"{'page':{width}}{'median ms':>10}{'queries':>9}{'KB':>7}{'x floor':>9}")
    over = []
    for result in results:
        ratio = round(result.median_ms / floor, 1)  # as printed
        write(
            f"{result.page.name:{width}}{result.median_ms:10.1f}{result.queries:9d}{result.kilobytes:7.1f}{ratio:9.1f}"
        )
        if result.page.goal is not None and ratio > result.page.goal:
            over.append(f"{result.page.name} ({ratio:.1f}x, goal {result.page.goal:g}x)")
    write("")
    write("Over the goal: " + ("; ".join(over) if over else "none") + ".")
