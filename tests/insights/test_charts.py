"""Dashboard charts: valid, accessible, self-contained, deterministic SVG with a text alternative."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hemolog.insights.charts.body import body_map
from hemolog.insights.charts.data import MonthChartData
from hemolog.insights.charts.drawing import Chart
from hemolog.insights.charts.level import factor_level_chart
from hemolog.insights.charts.month import bleeds_and_adherence_chart, month_figure
from hemolog.insights.charts.style import joint_colour
from hemolog.insights.joints import JOINTS

SVG = "{http://www.w3.org/2000/svg}"
UTC = dt.UTC
ROOT = Path(__file__).resolve().parents[2]

MONTHS = [dt.date(2025, m, 1) for m in range(1, 13)]
LEFT_ANKLE, RIGHT_KNEE, LEFT_ELBOW, LEFT_KNEE = ("ANKLE", "L"), ("KNEE", "R"), ("ELBOW", "L"), ("KNEE", "L")
BLEEDS = {
    LEFT_ANKLE: [0, 1, 2, 0, 0, 1, 0, 0, 1, 0, 0, 1],
    RIGHT_KNEE: [1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1, 0],
    LEFT_ELBOW: [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0],
}
ADHERENCE = [100.0, 87.5, None, 62.5, 75.0, 100.0, 92.3, 100.0, 84.6, None, 100.0, 96.2]


def drawing_settings():
    """The matplotlib settings the charts are drawn with (hemolog.insights.charts.drawing)."""
    import matplotlib

    from hemolog.insights.charts import drawing

    return matplotlib.rc_context(drawing._RC)


def month_chart(months, bleeds, adherence=(), targets=()) -> Chart:
    return bleeds_and_adherence_chart(MonthChartData(months, bleeds, adherence, targets))


def parse(chart: Chart) -> ET.Element:
    """The chart's SVG as XML, after the checks every chart must pass."""
    assert isinstance(chart.svg, str) and isinstance(chart.alt, str) and chart.alt
    root = ET.fromstring(chart.svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root[0].tag == f"{SVG}title"
    assert root[0].text == chart.alt
    assert root.get("viewBox") and root.get("width") == "100%" and root.get("height") is None
    assert not chart.svg.startswith("<?xml") and "<!DOCTYPE" not in chart.svg
    urls = re.findall(r"https?://[^\s\"'<>)]+", chart.svg)
    assert urls == ["http://www.w3.org/2000/svg"], urls
    assert "xlink" not in chart.svg
    return root


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def round_half_up(x: float) -> int:
    return math.floor(x + 0.5)


# ---------------------------------------------------------------------------
# Bleeds per joint and adherence


def test_bleeds_chart_is_valid_svg_with_the_joints_in_the_legend():
    chart = month_chart(MONTHS, BLEEDS, ADHERENCE, targets=[LEFT_ANKLE])
    words = texts(parse(chart))
    assert "Left ankle (target joint)" in words
    assert "Right knee" in words and "Left elbow" in words
    assert "Adherence" in words  # its own panel's label
    assert "100 %" in words


def test_the_adherence_line_has_a_panel_of_its_own_below_the_bars():
    """On a phone the line over the bars hid them, and a second y axis's gridlines disagreed with the first's."""
    with drawing_settings():
        figure = month_figure(MonthChartData(MONTHS, BLEEDS, ADHERENCE, [LEFT_ANKLE]))
    bars, adherence = figure.axes
    assert len(bars.patches) == sum(1 for counts in BLEEDS.values() for c in counts if c) and not bars.lines
    assert len(adherence.lines) == 1 and not adherence.patches
    assert adherence.get_ylim() == (0, 100) and adherence.get_ylabel() == "Adherence"
    assert adherence.get_position().y1 < bars.get_position().y0  # below, not over
    assert bars.get_shared_x_axes().joined(bars, adherence)  # the same months, one above the other


def test_chart_text_is_legible_on_a_phone():
    """At least 12 units, in a chart 360 units wide drawn about 351 CSS px wide at 375 px: 12 px or more."""
    chart = month_chart(MONTHS, BLEEDS, ADHERENCE, targets=[LEFT_ANKLE])
    assert chart.svg.split('viewBox="')[1].split('"')[0].split()[2] == "360"
    sizes = {float(size) for size in re.findall(r"font-size: ([\d.]+)px", chart.svg)}
    assert sizes and min(sizes) >= 12, sizes


def test_bleeds_alt_has_the_totals_and_the_adherence_range():
    chart = month_chart(MONTHS, BLEEDS, ADHERENCE, targets=[LEFT_ANKLE])
    total = sum(map(sum, BLEEDS.values()))
    values = [a for a in ADHERENCE if a is not None]
    low, high = round_half_up(min(values)), round_half_up(max(values))
    assert (total, low, high) == (11, 63, 100)
    assert f"{total} bleeds in 3 joints" in chart.alt
    assert "Left ankle 6 (target joint), Right knee 4, Left elbow 1" in chart.alt
    assert f"from {low} % to {high} %" in chart.alt
    assert "10 of 12 months with scheduled doses" in chart.alt
    assert "Jan 2025 to Dec 2025" in chart.alt
    assert "At most 2 bleeds in one month (Mar 2025 and May 2025)" in chart.alt


def test_bleeds_chart_is_deterministic():
    a = month_chart(MONTHS, BLEEDS, ADHERENCE, [LEFT_ANKLE])
    b = month_chart(MONTHS, dict(reversed(BLEEDS.items())), list(ADHERENCE), [LEFT_ANKLE])
    assert a.svg == b.svg
    assert a.alt == b.alt


def test_same_joint_same_colour_on_every_chart():
    assert joint_colour(LEFT_ANKLE) != joint_colour(("ANKLE", "R"))
    assert joint_colour(LEFT_ANKLE) != joint_colour(LEFT_KNEE)
    assert len({joint_colour(joint) for joint in JOINTS}) == 12
    ankle = joint_colour(LEFT_ANKLE)
    one = month_chart(MONTHS[:2], {LEFT_ANKLE: [1, 0]}, [])
    two = month_chart(MONTHS[:2], {("HIP", "R"): [0, 2], LEFT_ANKLE: [1, 1]}, [])
    assert f"fill: {ankle}" in one.svg and f"fill: {ankle}" in two.svg


def test_no_bleeds_still_draws_the_adherence_line():
    chart = month_chart(MONTHS, {LEFT_KNEE: [0] * 12}, ADHERENCE)
    words = texts(parse(chart))
    assert "No joint bleeds in this period" in words
    assert "No joint bleeds in this period" in chart.alt
    assert "Adherence" in words and "100 %" in words
    assert "Left knee" not in words  # a joint with no bleed is not in the legend
    assert "from 63 % to 100 %" in chart.alt


def test_no_adherence_means_no_line_and_no_second_axis():
    chart = month_chart(MONTHS, BLEEDS, [None] * 12)
    words = texts(parse(chart))
    assert not any("Adherence" in w or "%" in w for w in words)
    assert "no adherence line" in chart.alt
    assert texts(parse(month_chart(MONTHS, BLEEDS, []))) == words


def test_empty_inputs_do_not_raise():
    parse(month_chart([], {}, []))
    chart = month_chart(MONTHS[:1], {}, [])
    assert "No joint bleeds in this period" in chart.alt
    assert "no adherence line" in chart.alt
    parse(chart)


def test_month_labels_are_thinned_for_long_periods():
    months = [dt.date(2016 + i // 12, i % 12 + 1, 1) for i in range(120)]
    chart = month_chart(months, {LEFT_KNEE: [i % 3 for i in range(120)]}, [])
    words = texts(parse(chart))
    years = [w for w in words if re.fullmatch(r"20\d\d", w)]
    assert 2 <= len(years) <= 7
    assert not {"Feb", "Mar", "Jun", "Jul"} & set(words)
    assert "Jan 2016 to Dec 2025" in chart.alt

    # A year: every other month, the year under the first label.
    words = texts(parse(month_chart(MONTHS, BLEEDS, ADHERENCE)))
    assert [w for w in words if w in {"Jan", "Feb", "Mar", "Apr", "May", "Nov", "Dec"}] == ["Jan", "Mar", "May", "Nov"]
    assert "2025" in words


def test_the_month_chart_names_the_joints_and_marks_quiet_target_joints():
    chart = month_chart(MONTHS[:2], {("SHOULDER", "R"): [1, 2], ("WRIST", "L"): [0, 1]}, [], [("HIP", "L")])
    assert {"Right shoulder", "Left wrist"} <= set(texts(parse(chart)))
    assert "Right shoulder 3, Left wrist 1" in chart.alt
    assert "No bleeds in target joint Left hip." in chart.alt


def test_malformed_input_is_refused():
    with pytest.raises(ValueError):
        month_chart(MONTHS, {LEFT_KNEE: [1, 2]}, ADHERENCE)
    with pytest.raises(ValueError):
        month_chart(MONTHS, BLEEDS, ADHERENCE[:3])
    with pytest.raises(ValueError):
        month_chart(MONTHS[:1], {LEFT_KNEE: [-1]}, [])
    with pytest.raises(ValueError):
        month_chart(MONTHS[:1], {}, [140.0])
    with pytest.raises(ValueError):
        month_chart(MONTHS[:1], {("NOSE", ""): [1]}, [])
    with pytest.raises(ValueError):
        month_chart(MONTHS[:1], {}, [], [("KNEE", "X")])
    with pytest.raises(ValueError):
        month_chart(list(reversed(MONTHS)), {}, [])


# ---------------------------------------------------------------------------
# Factor level

T0 = dt.datetime(2025, 3, 8, 12, tzinfo=UTC)
H = dt.timedelta(hours=1)
NEW_YORK = ZoneInfo("America/New_York")


def level_points() -> list[tuple[dt.datetime, float]]:
    # 40 IU/dL decaying with a 12 h half-life, one point an hour over 4 days.
    return [(T0 + i * H, 40 * 2 ** (-i / 12)) for i in range(97)]


def test_the_low_reference_lines_stand_apart_under_a_high_peak():
    """A dose peaking at 80 IU/dL: on a linear axis the lines at 1, 3 and 5 IU/dL sat within 5 px."""
    points = [(T0 + i * H, 80 * 2 ** (-i / 12)) for i in range(120)]
    chart = factor_level_chart(points, [], UTC)
    dashed = re.findall(r'<path d="M [\d.]+ ([\d.]+) L [\d.]+ \1"[^>]*stroke-dasharray', chart.svg)
    one, three, five = sorted((float(y) for y in dashed), reverse=True)  # SVG y grows downwards
    assert one - three >= 20 and three - five >= 8, (one, three, five)
    assert "IU/dL (log scale)" in texts(parse(chart))


def test_factor_level_chart_marks_bleeds_with_the_level_in_the_zone():
    points = [(T0, 10.0), (T0 + 2 * H, 6.0), (T0 + 48 * H, 2.0)]
    bleeds = [(T0 + H, "Left knee")]  # halfway between 10 and 6
    chart = factor_level_chart(points, bleeds, NEW_YORK)
    words = texts(parse(chart))
    assert {"1 IU/dL", "3 IU/dL", "5 IU/dL", "Bleed", "Estimated level"} <= set(words)
    assert "Left knee on 8 Mar 2025 08:00 at an estimated 8.0 IU/dL" in chart.alt  # EST, UTC−5
    # 10 Mar 2025 12:00 UTC is 08:00 in New York after the DST change (EDT, UTC−4).
    assert "last 2.0 IU/dL (10 Mar 2025 08:00)" in chart.alt
    assert "highest 10 IU/dL" in chart.alt and "America/New_York" in chart.alt
    assert "Reference lines at 1, 3 and 5 IU/dL" in chart.alt


def test_factor_level_chart_is_deterministic_and_takes_thresholds():
    points = level_points()
    a = factor_level_chart(points, [(T0 + 30 * H, "Right ankle")], UTC, thresholds=(2, 15))
    b = factor_level_chart(list(points), [(T0 + 30 * H, "Right ankle")], UTC, thresholds=(15, 2))
    assert a.svg == b.svg
    words = texts(parse(a))
    assert {"2 IU/dL", "15 IU/dL"} <= set(words) and "1 IU/dL" not in words
    assert f"at an estimated {40 * 2 ** (-30 / 12):.1f} IU/dL" in a.alt


def test_factor_level_chart_without_points_says_why():
    chart = factor_level_chart([], [(T0, "Left knee")], UTC)
    root = parse(chart)
    assert "No factor doses to estimate a level from" in texts(root)
    assert chart.alt.startswith("No factor doses to estimate a level from.")
    assert "Left knee" in chart.alt
    parse(factor_level_chart([], [], UTC))
    parse(factor_level_chart(level_points(), [], UTC, thresholds=()))


def test_caller_text_is_escaped():
    label = 'Knee <b>"odd"</b> & $x$'
    chart = factor_level_chart(level_points(), [(T0 + 30 * H, label)], UTC)
    parse(chart)
    assert label in chart.alt  # and so in the <title>, which parse() compares with alt


def test_factor_level_chart_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="timezone-aware"):
        factor_level_chart([(dt.datetime(2025, 1, 1), 5.0)], [], UTC)


# ---------------------------------------------------------------------------
# Body map


def joint_circles(root: ET.Element) -> dict[tuple[str, str], ET.Element]:
    return {(c.get("data-site"), c.get("data-side")): c for c in root.iter(f"{SVG}circle") if c.get("class") == "joint"}


def lightness(colour: str) -> int:
    return sum(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def test_body_map_has_twelve_titled_joints_shaded_by_count():
    counts = {("KNEE", "L"): 4, ("ANKLE", "R"): 1, ("ELBOW", "L"): 5}
    chart = body_map(counts, targets=[("KNEE", "L")])
    root = parse(chart)
    circles = joint_circles(root)
    assert len(circles) == 12
    titles = {key: c.find(f"{SVG}title").text for key, c in circles.items()}
    assert titles[("KNEE", "L")] == "Left knee: 4 bleeds, target joint"
    assert titles[("ANKLE", "R")] == "Right ankle: 1 bleed"
    assert titles[("HIP", "R")] == "Right hip: 0 bleeds"
    assert sum("target joint" in t for t in titles.values()) == 1
    zero, one, five = (lightness(circles[k].get("fill")) for k in [("HIP", "R"), ("ANKLE", "R"), ("ELBOW", "L")])
    assert zero > one > five
    assert lightness(circles[("KNEE", "L")].get("fill")) > five
    # A thick ring marks the target joint.
    rings = [c for c in root.iter(f"{SVG}circle") if c.get("class") == "target-ring"]
    assert len(rings) == 1
    assert (rings[0].get("cx"), rings[0].get("cy")) == (
        circles[("KNEE", "L")].get("cx"),
        circles[("KNEE", "L")].get("cy"),
    )
    # Front view: the patient's left is on the viewer's right, and it says so.
    for site in ("KNEE", "SHOULDER", "WRIST"):
        assert float(circles[(site, "L")].get("cx")) > float(circles[(site, "R")].get("cx"))
    words = texts(root)
    assert {"R", "L", "4", "5", "1"} <= set(words)
    assert "10 bleeds in 3 joints" in chart.alt
    assert "Left elbow 5, Left knee 4 (target joint), Right ankle 1" in chart.alt
    assert body_map(counts, [("KNEE", "L")]).svg == chart.svg


def test_body_map_with_no_bleeds():
    chart = body_map({}, targets=[("ANKLE", "R")])
    circles = joint_circles(parse(chart))
    assert len(circles) == 12 and len({c.get("fill") for c in circles.values()}) == 1
    assert "No joint bleeds in this period" in chart.alt and "Right ankle" in chart.alt


def test_body_map_refuses_unknown_joints():
    with pytest.raises(ValueError):
        body_map({("NOSE", ""): 1})
    with pytest.raises(ValueError):
        body_map({("KNEE", "L"): -1})
    with pytest.raises(ValueError):
        body_map({}, targets=[("KNEE", "X")])


# ---------------------------------------------------------------------------
# Page-level properties


def test_charts_on_one_page_share_no_id():
    charts = [
        month_chart(MONTHS, BLEEDS, ADHERENCE),
        factor_level_chart(level_points(), [(T0 + 30 * H, "Right ankle")], UTC),
        body_map({("KNEE", "L"): 2}),
    ]
    ids = [i for c in charts for i in re.findall(r'\bid="([^"]+)"', c.svg)]
    assert ids and len(ids) == len(set(ids))
    for chart in charts:  # every id is used, every reference resolves
        defined = set(re.findall(r'\bid="([^"]+)"', chart.svg))
        used = set(re.findall(r"url\(#([^)]+)\)", chart.svg)) | set(re.findall(r'href="#([^"]+)"', chart.svg))
        assert defined == used


def test_drawing_needs_no_pyplot_and_is_the_same_in_a_new_process():
    """Django is there for the words and formats of the active language only."""
    code = (
        "import sys, hashlib, datetime, datetime as dt\n"
        "import django; django.setup()\n"
        "from hemolog.insights.charts import body, level, month\n"
        "from hemolog.insights.charts.data import MonthChartData\n"
        f"months = {MONTHS!r}\n"
        f"c = month.bleeds_and_adherence_chart(MonthChartData(months, {BLEEDS!r}, {ADHERENCE!r}, [('ANKLE', 'L')]))\n"
        "p = [(dt.datetime(2025, 3, 1, h, tzinfo=dt.UTC), 30.0 / (h + 1)) for h in range(20)]\n"
        "level.factor_level_chart(p, [(p[3][0], 'Left knee')], dt.UTC)\n"
        "body.body_map({('KNEE', 'L'): 3})\n"
        "print(hashlib.sha256(c.svg.encode()).hexdigest())\n"
        "sys.exit('matplotlib.pyplot' in sys.modules)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hemolog.settings_test"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr

    here = month_chart(MONTHS, BLEEDS, ADHERENCE, [LEFT_ANKLE])
    assert result.stdout.strip() == hashlib.sha256(here.svg.encode()).hexdigest()


def test_the_package_does_not_import_the_charts():
    code = "import sys, hemolog.insights; sys.exit('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def test_drawing_from_several_threads_gives_the_same_svg():
    from concurrent.futures import ThreadPoolExecutor

    expected = month_chart(MONTHS, BLEEDS, ADHERENCE).svg
    level = factor_level_chart(level_points(), [], UTC).svg
    with ThreadPoolExecutor(max_workers=4) as pool:
        jobs = [pool.submit(month_chart, MONTHS, BLEEDS, ADHERENCE) for _ in range(4)]
        jobs += [pool.submit(factor_level_chart, level_points(), [], UTC) for _ in range(4)]
        results = [job.result().svg for job in jobs]
    assert results == [expected] * 4 + [level] * 4


def test_markers_take_their_colours_from_each_use_so_a_stylesheet_can_recolour_them():
    """Dark mode recolours the charts with CSS, which never reaches the copy a <use> draws."""
    chart = month_chart(MONTHS, BLEEDS, ADHERENCE)
    shapes = re.findall(r"<defs>(.*?)</defs>", chart.svg)
    assert shapes and not any("fill:" in shape or "stroke:" in shape for shape in shapes), shapes
    uses = re.findall(r"<use [^>]*>", chart.svg)
    assert uses and all("fill: #" in use and "stroke: #" in use for use in uses)
    markers = [use for use in uses if "fill: #ffffff; stroke: #212529" in use]  # the adherence line's points
    assert len(markers) == sum(1 for a in ADHERENCE if a is not None)


# ---------------------------------------------------------------------------
# Languages


def test_charts_write_months_days_and_numbers_as_the_active_language_does():
    from django.utils import translation

    with translation.override("de"):
        month = month_chart(MONTHS, BLEEDS, ADHERENCE)
        level = factor_level_chart([(T0, 10.0), (T0 + 2 * H, 6.0), (T0 + 48 * H, 2.0)], [(T0 + H, "Knie")], UTC)
    assert "Mär" in texts(parse(month)) and "Mär 2025" in month.alt  # Django's own German month names
    assert "8,0" in level.alt and "8.0" not in level.alt  # the German decimal comma
    assert "8 Mar" not in level.alt and "8. März 2025" in level.alt  # Django's German DATE_FORMAT


def test_text_drawn_into_a_figure_is_shaped_for_a_png_and_left_to_the_browser_in_an_svg(monkeypatch):
    """A PNG draws glyphs in the order given, so its text goes through display.drawn (joining and
    reordering right-to-left text); an SVG keeps text as text, which the browser lays out itself."""
    from hemolog.core import display

    monkeypatch.setattr(display, "drawn", lambda text: f"[{text}]")
    with drawing_settings():
        figure = month_figure(MonthChartData(MONTHS, BLEEDS, ADHERENCE, [LEFT_ANKLE]))
    bars, adherence = figure.axes
    assert bars.get_ylabel() == "[Joint bleeds]" and adherence.get_ylabel() == "[Adherence]"
    assert "[Left ankle (target joint)]" in [t.get_text() for t in figure.legends[0].get_texts()]
    words = texts(parse(month_chart(MONTHS, BLEEDS, ADHERENCE, [LEFT_ANKLE])))
    assert "Joint bleeds" in words and not any("[" in w for w in words)
