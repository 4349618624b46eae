"""The clinic report's log pages: every bleed and every infusion of the range,
as tables whose header row repeats on every page they run over."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph

from hemolog.core.dates import DateRange
from hemolog.core.numbers import amount
from hemolog.logbook.models import BleedEpisode, Infusion
from hemolog.patients.models import Patient

from .csv_export import dose_per_kg
from .pdf_layout import LANDSCAPE, MARGIN, cell, local, plural, styles, table


def bleed_log(patient: Patient, period: DateRange, tz: dt.tzinfo) -> list:
    s = styles()
    bleeds = list(
        BleedEpisode.objects.filter(patient=patient)
        .in_period(period.start_at(tz), period.end_at(tz))
        .annotate(doses=Count("infusions"))
        .order_by("started_at", "pk")
    )
    story: list = [Paragraph(f"Bleed log — {plural(len(bleeds), 'bleed')}", s["h2"])]
    if not bleeds:
        return [*story, Paragraph("No bleeds in this period.", s["body"])]
    rows = [("Started", "Resolved", "Site", "Cause", "Severity", "Pain", "Doses", "Notes")]
    for b in bleeds:
        rows.append(
            (
                local(b.started_at, tz),
                local(b.resolved_at, tz) or "ongoing",
                cell(b.site_label, 20),
                b.get_cause_display(),
                b.get_severity_display(),
                "" if b.pain is None else f"{b.pain}/10",
                str(b.doses),
                cell(b.notes),
            )
        )
    widths = [2.8 * cm, 2.8 * cm, 3.2 * cm, 2.6 * cm, 1.8 * cm, 1.2 * cm, 1.2 * cm]
    widths.append(LANDSCAPE[0] - 2 * MARGIN - sum(widths))
    return [*story, table(rows, widths)]


SHORT_REASON = {"PROPHYLAXIS": "Prophylaxis", "BLEED": "Bleed", "PRE_PROCEDURE": "Pre-procedure", "OTHER": "Other"}


def infusion_log(patient: Patient, period: DateRange, tz: dt.tzinfo) -> list:
    s = styles()
    weight_on = patient.weight_history().on
    infusions = list(
        Infusion.objects.filter(patient=patient)
        .in_period(period.start_at(tz), period.end_at(tz))
        .select_related("product", "lot", "bleed")
        .order_by("given_at", "pk")
    )
    story: list = [Paragraph(f"Infusion log — {plural(len(infusions), 'infusion')}", s["h2"])]
    if not infusions:
        return [*story, Paragraph("No infusions in this period.", s["body"])]
    rows = [("Given", "Product", "Dose", "Dose per kg", "Lot (vials)", "Reason", "Given by", "For the bleed", "Notes")]
    for i in infusions:
        unit = i.product.unit
        per_kg = dose_per_kg(i.dose, weight_on(i.given_at.astimezone(tz).date()))
        bleed = f"{i.bleed.site_label}, {local(i.bleed.started_at, tz, '%d %b %Y')}" if i.bleed else ""
        rows.append(
            (
                local(i.given_at, tz),
                cell(i.product.brand_name, 17),
                f"{amount(i.dose)} {unit}",
                f"{per_kg} {unit}/kg" if per_kg else "",
                cell(f"{i.lot.lot_number} ({i.vials_used})" if i.lot else "", 18),
                SHORT_REASON.get(i.reason, i.reason),
                i.get_given_by_display(),
                cell(bleed, 24),
                cell(i.notes),
            )
        )
    widths = [2.8 * cm, 2.7 * cm, 1.8 * cm, 2.0 * cm, 3.0 * cm, 2.1 * cm, 2.7 * cm, 3.7 * cm]
    widths.append(LANDSCAPE[0] - 2 * MARGIN - sum(widths))
    return [*story, table(rows, widths)]
