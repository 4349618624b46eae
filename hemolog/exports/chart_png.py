"""The dashboard's month chart as a PNG for the PDF report (reportlab embeds
raster images; it does not read SVG): the same figure
(:func:`hemolog.insights.charts.month.month_figure`), laid out at the report's
text width and drawn at print resolution.
"""

from __future__ import annotations

from hemolog.insights.charts import drawing
from hemolog.insights.charts.data import MonthChartData
from hemolog.insights.charts.month import month_figure

WIDTH_IN = 6.6  # the report's text width on A4 with 2 cm margins is about 6.7 in
DPI = 200
FONT_SIZE = 10.0  # points on paper; the phone's charts are drawn larger


def month_chart_png(data: MonthChartData) -> tuple[bytes, float]:
    """PNG bytes of the chart and its height in inches (at ``WIDTH_IN`` wide)."""
    png, (_, height) = drawing.png(lambda: month_figure(data, width_in=WIDTH_IN), dpi=DPI, font_size=FONT_SIZE)
    return png, height
