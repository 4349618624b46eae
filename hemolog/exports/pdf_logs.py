"""The clinic report's log pages: every bleed and every infusion of the range,
as tables whose header row repeats on every page they run over."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy
from reportlab.lib.units import cm

from hemolog.core import display
from hemolog.core.dates import DateRange
from hemolog.logbook.models import BleedEpisode, Infusion
from hemolog.patients.models import Patient

from .csv_export import dose_per_kg
from .pdf_layout import LANDSCAPE, MARGIN, Paragraph, cell, local, local_day, styles, table, text


def bleed_log(patient: Patient, period: DateRange, tz: dt.tzinfo) -> list:
    s = styles()
    bleeds = list(
        BleedEpisode.objects.filter(patient=patient)
        .in_period(period.start_at(tz), period.end_at(tz))
        .annotate(doses=Count("infusions"))
        .order_by("started_at", "pk")
    )
    heading = ngettext("Bleed log — %(count)s bleed", "Bleed log — %(count)s bleeds", len(bleeds))
    story: list = [Paragraph(text(heading % {"count": len(bleeds)}), s["h2"])]
    if not bleeds:
        return [*story, Paragraph(text(_("No bleeds in this period.")), s["body"])]
    rows = [
        (
            _("Started"),
            _("Resolved"),
            _("Site"),
            _("Cause"),
            _("Severity"),
            _("Pain"),
            # Translators: a column of the bleed log: how many doses were given for the bleed.
            _("Doses"),
            _("Notes"),
        )
    ]
    # Translators: a bleed not resolved yet, in the log's "Resolved" column.
    ongoing = pgettext("bleed", "ongoing")
    for b in bleeds:
        rows.append(
            (
                local(b.started_at, tz),
                local(b.resolved_at, tz) or ongoing,
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


# The reasons as short as the infusion log's column needs them.
SHORT_REASON = {
    "PROPHYLAXIS": gettext_lazy("Prophylaxis"),
    # Translators: a reason for an infusion, in a narrow column: to treat a bleed.
    "BLEED": pgettext_lazy("reason for an infusion", "Bleed"),
    # Translators: a reason for an infusion, in a narrow column: before a surgery or a procedure.
    "PRE_PROCEDURE": gettext_lazy("Pre-procedure"),
    "OTHER": pgettext_lazy("reason for an infusion", "Other"),
}


def infusion_log(patient: Patient, period: DateRange, tz: dt.tzinfo) -> list:
    s = styles()
    weight_on = patient.weight_history().on
    infusions = list(
        Infusion.objects.filter(patient=patient)
        .in_period(period.start_at(tz), period.end_at(tz))
        .select_related("product", "lot", "bleed")
        .order_by("given_at", "pk")
    )
    heading = ngettext("Infusion log — %(count)s infusion", "Infusion log — %(count)s infusions", len(infusions))
    story: list = [Paragraph(text(heading % {"count": len(infusions)}), s["h2"])]
    if not infusions:
        return [*story, Paragraph(text(_("No infusions in this period.")), s["body"])]
    rows = [
        (
            pgettext("infusion", "Given"),
            _("Product"),
            _("Dose"),
            _("Dose per kg"),
            # Translators: a column of the infusion log: the lot number, then the vials used in brackets.
            _("Lot (vials)"),
            _("Reason"),
            _("Given by"),
            # Translators: a column of the infusion log: the bleed the dose treated.
            _("For the bleed"),
            _("Notes"),
        )
    ]
    for i in infusions:
        unit = i.product.unit
        per_kg = dose_per_kg(i.dose, weight_on(i.given_at.astimezone(tz).date()))
        bleed = ""
        if i.bleed:
            # Translators: the bleed a dose treated: its site ("Left knee") and the day it started.
            bleed = _("%(site)s, %(day)s") % {"site": i.bleed.site_label, "day": local_day(i.bleed.started_at, tz)}
        rows.append(
            (
                local(i.given_at, tz),
                cell(i.product.brand_name, 17),
                f"{display.number(i.dose)} {unit}",
                f"{display.number(Decimal(per_kg))} {unit}/kg" if per_kg else "",
                cell(f"{i.lot.lot_number} ({i.vials_used})" if i.lot else "", 18),
                str(SHORT_REASON.get(i.reason, i.reason)),
                i.get_given_by_display(),
                cell(bleed, 24),
                cell(i.notes),
            )
        )
    widths = [2.8 * cm, 2.7 * cm, 1.8 * cm, 2.0 * cm, 3.0 * cm, 2.1 * cm, 2.7 * cm, 3.7 * cm]
    widths.append(LANDSCAPE[0] - 2 * MARGIN - sum(widths))
    return [*story, table(rows, widths)]
