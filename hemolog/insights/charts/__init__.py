"""The dashboard's charts, drawn from plain, already-computed values.

No database, and of Django only the active language (its translations and
formats): the dashboard computes the figures (:mod:`hemolog.clinical`) and passes
plain values in; joints are ``(site, side)`` pairs (:mod:`hemolog.insights.joints`).
Each chart function returns a :class:`~.drawing.Chart`, an inline ``<svg>`` and its
text alternative. Malformed input (lists of the wrong length, negative counts, naive
datetimes, unknown joints) raises ``ValueError``; empty input draws a chart that says
there is nothing to show.

- :mod:`.month` — joint bleeds per month against adherence (:func:`~.month.month_figure`
  builds the one figure that the dashboard shows as SVG and the PDF report prints as
  PNG), from a :class:`~.data.MonthChartData`;
- :mod:`.body` — the body map (hand-written SVG);
- :mod:`.level` — the estimated factor-level curve;
- :mod:`.drawing` — figure → SVG or PNG under one lock and fixed matplotlib settings,
  :mod:`.svg_inline` — matplotlib's SVG made inline-ready and deterministic;
- :mod:`.style` — colours, sizes and the words the charts write, in the active language.

This package imports matplotlib; nothing imports it at start-up (the dashboard
imports it on first use).
"""
