"""The clinic report: a valid PDF whose text holds the patient's figures, with
page numbers and the date range on every page and the log tables' header
repeated on each page they run over."""

import datetime as dt
import io
import re
import struct
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from hemolog.core.dates import DateRange
from hemolog.exports.chart_png import DPI, WIDTH_IN, month_chart_png
from hemolog.exports.chart_png import FONT_SIZE as PRINT_FONT_SIZE
from hemolog.insights.charts.month import bleeds_and_adherence_chart
from hemolog.insights.charts.style import FONT_SIZE
from hemolog.insights.dashboard import build_dashboard
from hemolog.logbook.models import BleedEpisode, Infusion
from hemolog.logbook.services import record_infusion
from tests import factories

from .helpers import body, export_url

UTC = dt.UTC
RANGE = {"start": "2025-01-01", "end": "2025-12-31"}
RANGE_LABEL = "1 Jan 2025 – 31 Dec 2025"


def dose(patient, at, **fields):
    fields.setdefault("product", factories.product())
    fields.setdefault("dose", Decimal(1000))
    fields.setdefault("reason", "PROPHYLAXIS")
    return record_infusion(Infusion(patient=patient, given_at=at, **fields), user=None)


@pytest.fixture
def year(patient):
    """2025, worked by hand: a weekly regimen 6 Jan – 30 Mar (12 scheduled doses,
    10 logged), three spontaneous left-ankle bleeds within six months (a target
    joint), one traumatic right-knee bleed, and 70 doses before procedures so
    that the infusion log runs over several pages."""
    patient.date_of_birth = dt.date(2015, 5, 20)
    patient.treatment_centre = "Northfield Haemophilia Centre"
    patient.save()
    patient.weights.create(measured_on=dt.date(2025, 1, 2), weight_kg=Decimal("40.0"))
    factories.make_regimen(
        patient, schedule="WEEKLY", interval_days=None, start_date=dt.date(2025, 1, 6), end_date=dt.date(2025, 3, 30)
    )
    monday = dt.datetime(2025, 1, 6, 8, 0, tzinfo=UTC)
    for week in range(12):
        if week not in (4, 9):  # 3 Feb and 10 Mar missed
            dose(patient, monday + dt.timedelta(weeks=week))
    for day in (
        dt.datetime(2025, 2, 12, 18, tzinfo=UTC),
        dt.datetime(2025, 4, 10, 7, tzinfo=UTC),
        dt.datetime(2025, 6, 10, 21, tzinfo=UTC),
    ):
        BleedEpisode.objects.create(
            patient=patient,
            started_at=day,
            resolved_at=day + dt.timedelta(days=2),
            site="ANKLE",
            side="L",
            cause="SPONTANEOUS",
            severity="MODERATE",
            pain=5,
            notes="Warm & swollen <again>",
        )
    BleedEpisode.objects.create(
        patient=patient,
        started_at=dt.datetime(2025, 8, 1, 12, tzinfo=UTC),
        site="KNEE",
        side="R",
        cause="TRAUMATIC",
        severity="MILD",
    )
    start = dt.datetime(2025, 4, 1, 9, tzinfo=UTC)
    for n in range(70):
        dose(patient, start + dt.timedelta(days=3 * n), reason="PRE_PROCEDURE", notes=f"Football practice {n}")
    return patient


def pages_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture
def report(client_for, clinician, year) -> bytes:
    response = client_for(clinician).get(export_url("pdf", year, **RANGE))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="leo_2025-01-01_2025-12-31_report.pdf"'
    return body(response)


def test_the_report_is_a_pdf_with_page_numbers_and_the_range_on_every_page(report):
    assert report.startswith(b"%PDF-") and report.rstrip().endswith(b"%%EOF")
    pages = pages_text(report)
    assert len(pages) >= 4  # summary, bleed log, infusion log over two pages at least
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert f"Leo · {RANGE_LABEL}" in text


def test_the_summary_holds_the_patients_figures(report):
    summary = pages_text(report)[0]
    assert "Clinic report: Leo" in summary
    assert "20 May 2015 (age 10 at the end of the range)" in summary
    assert "Hemophilia A (factor VIII)" in summary
    assert "Severe (< 1 %), baseline 0.5 IU/dL" in summary
    assert "No inhibitor" in summary
    assert "40 kg, measured 2 Jan 2025" in summary
    assert "Advate 1000 IU, weekly: 6 Jan 2025 – 30 Mar 2025" in summary
    assert "Northfield Haemophilia Centre" in summary
    # 4 bleeds over the 360 days from the first entry (6 Jan) to the end: 4 ÷ (360 ÷ 365.25) = 4.06
    assert re.search(r"ABR \(all bleeds\)\s*4\.1 — 4 bleeds; treated ABR 0\.0", summary)
    assert re.search(r"AJBR \(joint bleeds\)\s*4\.1 — 4 joint bleeds", summary)
    assert re.search(r"Spontaneous ABR\s*3\.0 — 3 spontaneous", summary)
    assert "360 days, 6 Jan 2025 – 1 Jan 2026" in summary
    assert "10 of 12 scheduled doses, 83 %" in summary
    assert "10 prophylactic doses logged within the" in summary
    assert re.search(r"Left ankle\s+since 10 Jun 2025", summary)
    assert "Joint bleeds per month and prophylaxis adherence" in summary
    assert re.search(r"Left ankle\s+3\s+yes", summary)  # bleeds per joint
    assert re.search(r"Right knee\s+1", summary)


def test_the_summary_page_carries_the_chart_as_an_image(report):
    first = PdfReader(io.BytesIO(report)).pages[0]
    images = list(first.images)
    assert len(images) == 1
    assert images[0].image.width > 1000  # drawn at 200 dpi for print


def test_the_chart_is_the_dashboards_figure_at_print_size(report, year):
    """One figure builder: the PNG is the dashboard's SVG drawn with print's smaller
    text, everything shrunk alike (the same legend rows), at the report's width; it
    is the image the report prints."""
    period = DateRange(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    board = build_dashboard(year, period, period.end_at(dt.UTC))  # as the report: at the end of its range
    data = board.month_chart_data()
    assert [joint for joint, _ in data.bars] == [("KNEE", "R"), ("ANKLE", "L")]
    png, height = month_chart_png(data)
    size = struct.unpack(">II", png[16:24])  # the PNG's IHDR: width, height in pixels
    assert size == (round(WIDTH_IN * DPI), round(height * DPI))
    assert PdfReader(io.BytesIO(report)).pages[0].images[0].image.size == size
    svg = bleeds_and_adherence_chart(data).svg
    svg_height_pt = float(re.search(r'viewBox="0 0 [\d.]+ ([\d.]+)"', svg).group(1))
    assert svg_height_pt / 72 * PRINT_FONT_SIZE / FONT_SIZE == pytest.approx(height, abs=0.01)


def test_the_logs_follow_with_repeated_headers(report):
    pages = pages_text(report)
    bleed_pages = [t for t in pages if "Bleed log" in t]
    assert len(bleed_pages) == 1
    assert "Bleed log — 4 bleeds" in bleed_pages[0]
    assert "Warm & swollen <again>" in bleed_pages[0]  # notes printed as typed, not read as markup
    assert "12 Feb 2025 18:00" in bleed_pages[0]
    log_pages = pages[pages.index(bleed_pages[0]) + 1 :]
    assert "Infusion log — 80 infusions" in log_pages[0]
    assert len(log_pages) >= 2
    for text in log_pages:
        assert re.search(r"Given\s+Product\s+Dose\s+Dose per kg\s+Lot \(vials\)\s+Reason", text)
    everything = "\n".join(log_pages)
    assert "Football practice 0" in everything and "Football practice 69" in everything
    assert "25 IU/kg" in everything  # 1000 IU ÷ 40 kg
    assert "Pre-procedure" in everything


def test_an_empty_period_still_gives_a_report(client_for, owner, patient):
    response = client_for(owner).get(export_url("pdf", patient, start="2001-01-01", end="2001-01-31"))
    pages = pages_text(body(response))
    assert "No bleeds in this period." in "\n".join(pages)
    assert "No infusions in this period." in "\n".join(pages)
    assert "No prophylaxis regimen in this period." in pages[0]


def test_the_longest_range_ends_today_and_charts_only_the_logs_months(client_for, owner, patient):
    """A report of "1900 to 2099" took a worker 5-8 s: the range ends today, and
    the month chart starts at the log's first entry (the time: docs/speed.md)."""
    factories.make_infusion(patient, days_ago=40)
    client = client_for(owner)
    # A report over more than 400 days is made by the worker (in the suite, at once).
    started = client.get(export_url("pdf", patient, start="1900-01-01", end="2099-12-31"))
    assert started.status_code == 302 and started["Location"].startswith("/jobs/")
    page = client.get(started["Location"]).content.decode()
    assert "The clinic report is ready." in page and "Download the report (PDF)" in page
    response = client.get(f"{started['Location']}file")
    assert response["Content-Type"] == "application/pdf"
    today = timezone.localdate()
    assert response["Content-Disposition"] == f'attachment; filename="leo_1900-01-01_{today.isoformat()}_report.pdf"'
    text = "\n".join(pages_text(body(response)))
    # its chart's months: tests/insights/test_dashboard_review.py
    assert f"1 Jan 1900 – {today.day} {today:%b %Y}" in text


def test_a_report_of_a_year_is_made_in_the_request(client_for, owner, patient):
    response = client_for(owner).get(export_url("pdf", patient, start="2025-01-01", end="2026-01-31"))  # 395 days
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_names_beyond_latin_1_print(client_for, owner):
    child = factories.make_patient(owner=owner, display_name="Łukasz Żółć (Лев)")
    text = "\n".join(pages_text(body(client_for(owner).get(export_url("pdf", child)))))
    assert "Clinic report: Łukasz Żółć (Лев)" in text
