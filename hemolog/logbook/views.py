from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hemolog.core import display
from hemolog.core.caching import values_cache
from hemolog.core.dates import DateRangeForm
from hemolog.inventory.stock import InsufficientStock
from hemolog.patients.access import access_patient

from . import body_map, sent_once, services, undo
from .form_choices import day_this_year
from .forms import BleedForm, InfusionForm
from .infusion_page import infusion_page, initial
from .models import MIDLINE_SITES, Cause, Infusion, in_sentence, site_label
from .rows import BLEED_FIELDS, INFUSION_FIELDS, bleed_rows, infusion_rows
from .rows_html import bleed_entries, infusion_entries

PAGE_SIZE = 25
COUNT_SECONDS = 60 * 60 * 24


class _Counted(Paginator):
    """A paginator told how many entries there are."""

    def __init__(self, count: int):
        super().__init__((), PAGE_SIZE)  # each page's entries are read by _paginate
        self.count = count  # in place of the cached property that would count


def _count(entries, patient, kind: str, start, end) -> int:
    """How many entries the period holds, kept by the log's version (every
    change to an entry moves it on: hemolog.patients.signals)."""
    period = ":".join(moment.isoformat() if moment else "" for moment in (start, end))
    key = f"{kind}-count:{patient.pk}:{patient.data_version}:{period}"
    return values_cache.get_or_set(key, entries.count, COUNT_SECONDS)


def _paginate(request: HttpRequest, count: int, rows) -> tuple:
    """The page asked for and its ``rows`` (the entries as the list reads
    them), as ``Paginator.get_page``: a page that is not a number is the
    first, one past the end the last."""
    paginator = _Counted(count)
    number = paginator.get_page(request.GET.get("page")).number
    first = (number - 1) * PAGE_SIZE
    values = list(rows[first : first + PAGE_SIZE])
    return Page(values, number, paginator), values


def confirm_delete(request, ctx, title: str, cancel_url: str, warning: str = "") -> HttpResponse:
    return render(
        request,
        "confirm_delete.html",
        {"patient": ctx.patient, "ctx": ctx, "title": title, "warning": warning, "cancel_url": cancel_url},
    )


# Bleeds ---------------------------------------------------------------------


@require_GET
def bleed_list(request: HttpRequest, patient_id: int) -> HttpResponse:
    ctx = access_patient(request, patient_id, viewing="bleeds")
    filter_form = DateRangeForm(request.GET or None)
    start, end = filter_form.bounds(timezone.get_current_timezone())
    # Treatments counted by a subquery: a join would group every bleed of the
    # period with its infusions before the page is cut.
    treatments = Infusion.objects.filter(bleed=OuterRef("pk")).order_by().values("bleed").annotate(n=Count("pk"))
    bleeds = ctx.patient.bleeds.in_period(start, end).order_by("-started_at", "-pk")
    page, values = _paginate(
        request,
        _count(bleeds, ctx.patient, "bleeds", start, end),
        bleeds.annotate(treatments=Subquery(treatments.values("n"))).values(*BLEED_FIELDS, "treatments"),
    )
    rows = bleed_rows(values, patient_id)
    csrf_input = ""
    if ctx.can_write:  # for each ongoing bleed's "Mark resolved"
        csrf_input = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request))
    return render(
        request,
        "logbook/bleed_list.html",
        {
            "ctx": ctx,
            "patient": ctx.patient,
            "page": page,
            "rows": rows,
            "entries": bleed_entries(rows, ctx.can_write, csrf_input),
            "filter_form": filter_form,
        },
    )


@require_http_methods(["GET", "POST"])
def bleed_create(request: HttpRequest, patient_id: int) -> HttpResponse:
    ctx = access_patient(request, patient_id, write=True)
    sent = sent_once.client_id(request)
    if sent_once.saved_before(request, ctx.patient.bleeds, sent):
        return redirect("logbook:bleed_list", patient_id=patient_id)
    form = BleedForm(request.POST if request.method == "POST" else None, patient=ctx.patient)
    if form.is_valid():
        bleed = form.save(commit=False)
        bleed.patient = ctx.patient
        bleed.created_by = request.user
        bleed.client_id = sent
        try:
            with transaction.atomic():
                bleed.save()
        except IntegrityError:
            if sent_once.saved_before(request, ctx.patient.bleeds, sent):  # the same entry, sent at the same time
                return redirect("logbook:bleed_list", patient_id=patient_id)
            raise
        _bleed_saved_message(request, bleed, created=True)
        return redirect("logbook:bleed_list", patient_id=patient_id)
    if form.is_bound and sent_once.saved_before(request, ctx.patient.bleeds, sent):  # saved meanwhile, by a twin
        return redirect("logbook:bleed_list", patient_id=patient_id)
    return _bleed_form_page(request, ctx, form)


@require_http_methods(["GET", "POST"])
def bleed_edit(request: HttpRequest, patient_id: int, pk: int) -> HttpResponse:
    ctx = access_patient(request, patient_id, write=True)
    bleed = get_object_or_404(ctx.patient.bleeds, pk=pk)
    form = BleedForm(request.POST if request.method == "POST" else None, instance=bleed, patient=ctx.patient)
    if form.is_valid():
        form.save()
        _bleed_saved_message(request, bleed, created=False)
        return redirect("logbook:bleed_list", patient_id=patient_id)
    return _bleed_form_page(request, ctx, form, bleed)


def _bleed_form_page(request, ctx, form, bleed=None) -> HttpResponse:
    last = None
    if bleed is None:  # a new bleed may start as the last one: "same as last time"
        last = ctx.patient.bleeds.order_by("-started_at").values("site", "side", "cause").first()
    if last:
        last["label"] = site_label(last["site"], last["side"])
        last["cause_label"] = in_sentence(str(Cause(last["cause"]).label)) if last["cause"] else ""
    return render(
        request,
        "logbook/bleed_form.html",
        {
            "form": form,
            "ctx": ctx,
            "patient": ctx.patient,
            "bleed": bleed,
            "last_bleed": last,
            "body_map": {"spots": body_map.SPOTS, "limbs": body_map.LIMBS},
            "midline_sites": [str(site) for site in MIDLINE_SITES],
        },
    )


def _bleed_saved_message(request: HttpRequest, bleed, created: bool) -> None:
    if bleed.is_head:
        messages.error(
            request,
            gettext(
                "Head bleed: this is an emergency. Treat now as your plan says and go to hospital "
                "or call emergency services. Don't wait for symptoms."
            ),
        )
    values = {"name": bleed.patient.display_name, "site": in_sentence(bleed.site_label)}
    if created:
        # Translators: "Leo: left ankle bleed logged.": the patient, the bleed's site.
        messages.success(request, gettext("%(name)s: %(site)s bleed logged.") % values)
    else:
        # Translators: "Leo: left ankle bleed saved.": the patient, the bleed's site.
        messages.success(request, gettext("%(name)s: %(site)s bleed saved.") % values)


@require_POST
def bleed_resolve(request: HttpRequest, patient_id: int, pk: int) -> HttpResponse:
    ctx = access_patient(request, patient_id, write=True)
    bleed = get_object_or_404(ctx.patient.bleeds, pk=pk)
    if bleed.resolved_at is None:
        bleed.resolved_at = max(timezone.now(), bleed.started_at)
        bleed.save(update_fields=["resolved_at", "updated_at"])
        # Translators: "Leo: left ankle bleed marked resolved.": the patient, the bleed's site.
        text = gettext("%(name)s: %(site)s bleed marked resolved.") % {
            "name": ctx.patient.display_name,
            "site": in_sentence(bleed.site_label),
        }
        undo.offer(request, text, patient_id, "unresolve", "bleed", bleed.pk, resolved=bleed.resolved_at.isoformat())
    return redirect("logbook:bleed_list", patient_id=patient_id)


@require_http_methods(["GET", "POST"])
def bleed_delete(request: HttpRequest, patient_id: int, pk: int) -> HttpResponse:
    ctx = access_patient(request, patient_id, write=True)
    bleed = get_object_or_404(ctx.patient.bleeds, pk=pk)
    if request.method == "POST":
        links = list(bleed.infusions.values_list("pk", flat=True))  # linked again on undo
        bleed.delete()
        undo.offer(request, gettext("The bleed was deleted."), patient_id, "restore", "bleed", pk, links=links)
        return redirect("logbook:bleed_list", patient_id=patient_id)
    return confirm_delete(
        request,
        ctx,
        # Translators: "Delete the left ankle bleed of 3 Dec 2026?": the bleed's site, its day.
        gettext("Delete the %(site)s bleed of %(day)s?")
        % {"site": in_sentence(bleed.site_label), "day": display.day(bleed.started_at)},
        reverse("logbook:bleed_list", args=[patient_id]),
        gettext("Infusions that treated it stay in the log, without the link."),
    )


# Infusions --------------------------------------------------------------------


@require_GET
def infusion_list(request: HttpRequest, patient_id: int) -> HttpResponse:
    ctx = access_patient(request, patient_id, viewing="infusions")
    filter_form = DateRangeForm(request.GET or None)
    start, end = filter_form.bounds(timezone.get_current_timezone())
    infusions = ctx.patient.infusions.in_period(start, end)
    page, values = _paginate(
        request, _count(infusions, ctx.patient, "infusions", start, end), infusions.values(*INFUSION_FIELDS)
    )
    rows = infusion_rows(values, patient_id, ctx.patient.cached_weight_history())
    return render(
        request,
        "logbook/infusion_list.html",
        {
            "ctx": ctx,
            "patient": ctx.patient,
            "page": page,
            "rows": rows,
            "entries": infusion_entries(rows, ctx.can_write),
            "filter_form": filter_form,
        },
    )


def _infusion_form_page(request, ctx, form, infusion=None, last: dict | None = None) -> HttpResponse:
    return render(
        request,
        "logbook/infusion_form.html",
        {"form": form, "ctx": ctx, "patient": ctx.patient, "infusion": infusion, "last_infusion": last},
    )


def _values(infusion, patient) -> dict:
    """What the messages about a dose name: "Leo", "1000 IU Advate at 14:05 on 3 Dec"."""
    return {
        "name": patient.display_name,
        "dose": display.number(infusion.dose),
        "unit": infusion.product.unit,
        "product": infusion.product.brand_name,
        "time": display.clock(infusion.given_at),
        "day": day_this_year(infusion.given_at),
    }


@require_http_methods(["GET", "POST"])
def infusion_create(request: HttpRequest, patient_id: int) -> HttpResponse:
    ctx = access_patient(request, patient_id, write=True)
    sent = sent_once.client_id(request)
    if sent_once.saved_before(request, ctx.patient.infusions, sent):
        return redirect("logbook:infusion_list", patient_id=patient_id)
    page = infusion_page(ctx.patient)
    form = InfusionForm(
        request.POST if request.method == "POST" else None,
        patient=ctx.patient,
        weights=page.weights,
        choices=page.choices,
        initial=None if request.method == "POST" else initial(ctx.patient, page, request.GET.get("bleed", "")),
    )
    if form.is_valid():
        infusion = form.save(commit=False)
        infusion.patient = ctx.patient
        infusion.client_id = sent
        try:
            services.record_infusion(infusion, request.user)
        except InsufficientStock as exc:
            infusion.pk = None  # the transaction rolled back
            form.add_error("vials_used", str(exc))
        except IntegrityError:
            if sent_once.saved_before(request, ctx.patient.infusions, sent):  # the same entry, sent at the same time
                return redirect("logbook:infusion_list", patient_id=patient_id)
            raise
        else:
            # Translators: "Leo: 1000 IU Advate at 14:05 on 3 Dec logged.": the patient, the dose, its unit
            # (IU or mg), the product, the time, the day.
            text = gettext("%(name)s: %(dose)s %(unit)s %(product)s at %(time)s on %(day)s logged.")
            messages.success(request, text % _values(infusion, ctx.patient))
            return redirect("logbook:infusion_list", patient_id=patient_id)
    # The same entry sent twice at once: the twin saved it while this one was checked (and
    # found "a dose was already logged"): answered as the first.
    if form.is_bound and sent_once.saved_before(request, ctx.patient.infusions, sent):
        return redirect("logbook:infusion_list", patient_id=patient_id)
    return _infusion_form_page(request, ctx, form, last=page.last)


@require_http_methods(["GET", "POST"])
def infusion_edit(request: HttpRequest, patient_id: int, pk: int) -> HttpResponse:
    ctx = access_patient(request, patient_id, write=True)
    infusion = get_object_or_404(ctx.patient.infusions, pk=pk)
    form = InfusionForm(request.POST if request.method == "POST" else None, instance=infusion, patient=ctx.patient)
    if form.is_valid():
        try:
            services.update_infusion(form.save(commit=False), request.user)
        except Infusion.DoesNotExist:
            raise Http404("The infusion was deleted meanwhile.") from None
        except InsufficientStock as exc:
            form.add_error("vials_used", str(exc))
        else:
            # Translators: "Leo: 1000 IU Advate at 14:05 on 3 Dec saved.": the patient, the dose, its unit
            # (IU or mg), the product, the time, the day.
            text = gettext("%(name)s: %(dose)s %(unit)s %(product)s at %(time)s on %(day)s saved.")
            messages.success(request, text % _values(infusion, ctx.patient))
            return redirect("logbook:infusion_list", patient_id=patient_id)
    return _infusion_form_page(request, ctx, form, infusion)


@require_http_methods(["GET", "POST"])
def infusion_delete(request: HttpRequest, patient_id: int, pk: int) -> HttpResponse:
    ctx = access_patient(request, patient_id, write=True)
    infusion = get_object_or_404(ctx.patient.infusions.select_related("product", "lot"), pk=pk)
    if request.method == "POST":
        if services.delete_infusion(infusion, request.user):
            text = gettext("The infusion was deleted.")
            if infusion.lot:
                # Translators: %(lot)s is the lot number printed on the box.
                text = ngettext(
                    "The infusion was deleted. %(count)s vial went back to lot %(lot)s.",
                    "The infusion was deleted. %(count)s vials went back to lot %(lot)s.",
                    infusion.vials_used,
                ) % {"count": infusion.vials_used, "lot": infusion.lot.lot_number}
            undo.offer(request, text, patient_id, "restore", "infusion", pk)
        return redirect("logbook:infusion_list", patient_id=patient_id)
    warning = ""
    if infusion.lot:
        # Translators: %(lot)s is the lot number printed on the box.
        warning = ngettext(
            "Its %(count)s vial goes back into lot %(lot)s.",
            "Its %(count)s vials go back into lot %(lot)s.",
            infusion.vials_used,
        ) % {"count": infusion.vials_used, "lot": infusion.lot.lot_number}
    return confirm_delete(
        request,
        ctx,
        gettext("Delete the infusion of %(time)s?") % {"time": display.day_and_clock(infusion.given_at)},
        reverse("logbook:infusion_list", args=[patient_id]),
        warning,
    )


# Regimens ---------------------------------------------------------------------
