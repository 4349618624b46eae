import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from hemolog.core.links import entry_links
from hemolog.core.times import Times
from hemolog.patients.access import access_patient

from .forms import AdjustStockForm, ProductForm, ReceiveLotForm
from .models import EXPIRY_WARNING_DAYS, StockLot
from .stock import InsufficientStock, move_stock, receive_lot


@require_GET
def stock_overview(request: HttpRequest, patient_id: int) -> HttpResponse:
    ctx = access_patient(request, patient_id, viewing="stock")
    today = timezone.localdate()
    lots = list(StockLot.objects.for_patient(ctx.patient).on_hand().select_related("product"))
    lot_url, day = entry_links("inventory:lot_detail", patient_id), Times().day
    for lot in lots:
        lot.url, lot.expires = lot_url(lot.pk), day(lot.expires_on)
    empty_lots = [
        {"url": lot_url(pk), "brand": brand, "lot_number": number, "expires": day(expires_on)}
        for pk, brand, number, expires_on in StockLot.objects.for_patient(ctx.patient)
        .filter(vials_on_hand=0)
        .order_by("-expires_on")
        .values_list("pk", "product__brand_name", "lot_number", "expires_on")[:20]
    ]
    totals: dict = {}
    for lot in lots:
        lot.expired = lot.is_expired(today)
        lot.expiring = lot.expires_soon(today)
        if not lot.expired:
            row = totals.setdefault(lot.product, {"product": lot.product, "vials": 0, "units": 0, "next_expiry": None})
            row["vials"] += lot.vials_on_hand
            row["units"] += lot.units_on_hand
            row["next_expiry"] = min(filter(None, [row["next_expiry"], lot.expires_on]))
    for row in totals.values():
        row["next_expiry_label"] = day(row["next_expiry"])
    return render(
        request,
        "inventory/stock_overview.html",
        {
            "ctx": ctx,
            "patient": ctx.patient,
            "lots": lots,
            "totals": sorted(totals.values(), key=lambda row: row["product"].brand_name),
            "empty_lots": empty_lots,
            "warning_days": EXPIRY_WARNING_DAYS,
            "today": today,
            "soon": today + dt.timedelta(days=EXPIRY_WARNING_DAYS),
        },
    )


@require_http_methods(["GET", "POST"])
def lot_receive(request: HttpRequest, patient_id: int) -> HttpResponse:
    ctx = access_patient(request, patient_id, write=True)
    form = ReceiveLotForm(request.POST if request.method == "POST" else None, patient=ctx.patient)
    if form.is_valid():
        lot = form.save(commit=False)
        lot.patient = ctx.patient
        receive_lot(lot, form.cleaned_data["vials"], user=request.user)
        vials = form.cleaned_data["vials"]
        text = ngettext(
            "%(count)s vial of lot %(lot)s added to stock.", "%(count)s vials of lot %(lot)s added to stock.", vials
        )
        messages.success(request, text % {"count": vials, "lot": lot.lot_number})
        return redirect("inventory:stock", patient_id=patient_id)
    return render(request, "inventory/lot_receive.html", {"form": form, "ctx": ctx, "patient": ctx.patient})


@require_GET
def lot_detail(request: HttpRequest, patient_id: int, pk: int) -> HttpResponse:
    ctx = access_patient(request, patient_id, viewing="stock lot")
    lot = get_object_or_404(StockLot.objects.for_patient(ctx.patient).select_related("product"), pk=pk)
    movements = lot.movements.select_related("created_by", "infusion")[:200]
    return render(
        request,
        "inventory/lot_detail.html",
        {"ctx": ctx, "patient": ctx.patient, "lot": lot, "movements": movements, "today": timezone.localdate()},
    )


@require_http_methods(["GET", "POST"])
def lot_adjust(request: HttpRequest, patient_id: int, pk: int) -> HttpResponse:
    ctx = access_patient(request, patient_id, write=True)
    lot = get_object_or_404(StockLot.objects.for_patient(ctx.patient).select_related("product"), pk=pk)
    form = AdjustStockForm(request.POST if request.method == "POST" else None, lot=lot)
    if form.is_valid():
        try:
            move_stock(
                lot,
                form.cleaned_data["change"],
                form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except InsufficientStock:
            form.add_error("vials", _("The stock changed meanwhile: there are fewer vials now. Check and try again."))
        else:
            held = lot.vials_on_hand
            text = ngettext("Lot %(lot)s now holds %(count)s vial.", "Lot %(lot)s now holds %(count)s vials.", held)
            messages.success(request, text % {"lot": lot.lot_number, "count": held})
            return redirect("inventory:lot_detail", patient_id=patient_id, pk=pk)
    return render(request, "inventory/lot_adjust.html", {"form": form, "ctx": ctx, "patient": ctx.patient, "lot": lot})


@require_http_methods(["GET", "POST"])
def product_create(request: HttpRequest, patient_id: int) -> HttpResponse:
    ctx = access_patient(request, patient_id, write=True)
    form = ProductForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        product = form.save(commit=False)
        product.patient = ctx.patient
        product.save()
        text = _("%(product)s was added to %(name)s's products.")
        messages.success(request, text % {"product": product.brand_name, "name": ctx.patient.display_name})
        return redirect("inventory:stock", patient_id=patient_id)
    return render(request, "inventory/product_form.html", {"form": form, "ctx": ctx, "patient": ctx.patient})
