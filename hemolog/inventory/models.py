from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from hemolog.core import display
from hemolog.patients.models import EntryHistory

EXPIRY_WARNING_DAYS = 30


class ProductKind(models.TextChoices):
    FVIII = "FVIII", _("Factor VIII")
    FIX = "FIX", _("Factor IX")
    # Translators: a product that stops a bleed bypassing factor VIII or IX (e.g. FEIBA), for patients with inhibitors.
    BYPASSING = "BYPASSING", _("Bypassing agent")
    # Translators: emicizumab, an antibody given instead of factor VIII (not a factor concentrate).
    EMICIZUMAB = "EMICIZUMAB", _("Emicizumab (non-factor)")
    OTHER = "OTHER", pgettext_lazy("product kind", "Other")


class HalfLifeClass(models.TextChoices):
    STANDARD = "SHL", _("Standard half-life")
    EXTENDED = "EHL", _("Extended half-life")
    NOT_APPLICABLE = "NA", _("Not a factor concentrate")


class DoseUnit(models.TextChoices):
    # Units are not translated.
    IU = "IU", "IU"
    MG = "mg", "mg"


class ProductQuerySet(models.QuerySet):
    def for_patient(self, patient) -> ProductQuerySet:
        """The shared catalogue plus the products this patient's family added."""
        return self.filter(Q(patient__isnull=True) | Q(patient=patient))

    def usual_first_for(self, patient) -> ProductQuerySet:
        """The products for the patient's type first: FVIII for A, FIX for B."""
        usual = {"A": ProductKind.FVIII, "B": ProductKind.FIX}.get(patient.hemophilia_type)
        first = models.Case(models.When(kind=usual, then=0), default=1) if usual else models.Value(1)
        return self.order_by(first, "kind", "brand_name")


def product_label(brand_name: str, kind: str) -> str:
    """ "Advate (FVIII)": a product as the forms list it."""
    return f"{brand_name} ({_KIND_LABELS.get(kind, kind)})"


def lot_label(brand_name: str, lot_number: str, vial_size: int, unit: str, vials: int, expires_on: dt.date) -> str:
    """A lot as the infusion form lists it, for a lot read whole or as values."""
    left = ngettext("%(count)d vial left", "%(count)d vials left", vials) % {"count": vials}
    # Translators: a lot in the infusion form's list, e.g.
    # "Advate · lot AB123 · 1000 IU · 3 vials left · expires 3 Dec 2026".
    text = gettext("%(product)s · lot %(lot)s · %(size)s %(unit)s · %(left)s · expires %(day)s")
    return text % {
        "product": brand_name,
        "lot": lot_number,
        "size": vial_size,
        "unit": unit,
        "left": left,
        "day": display.day(expires_on),
    }


_KIND_LABELS = dict(ProductKind.choices)


class Product(models.Model):
    brand_name = models.CharField(max_length=100)
    generic_name = models.CharField(max_length=150, blank=True)
    kind = models.CharField(max_length=12, choices=ProductKind.choices)
    half_life_class = models.CharField(max_length=3, choices=HalfLifeClass.choices, default=HalfLifeClass.STANDARD)
    default_half_life_hours = models.DecimalField(
        _("default half-life (h)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
    )
    default_recovery = models.DecimalField(
        # Translators: the rise in factor level per dose: IU/dL of level for each IU/kg given.
        _("in-vivo recovery (IU/dL per IU/kg)"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1"))],
    )
    unit = models.CharField(max_length=2, choices=DoseUnit.choices, default=DoseUnit.IU)
    vial_sizes = models.CharField(max_length=100, blank=True, help_text=_("Comma-separated, in the product's unit."))
    # Null for the shared catalogue; set for a product a family added for one patient.
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, null=True, blank=True, related_name="own_products"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "brand_name"]

    def __str__(self) -> str:
        return product_label(self.brand_name, self.kind)

    @property
    def is_factor(self) -> bool:
        """Factor concentrates have a decay curve; emicizumab and others do not."""
        return self.kind in (ProductKind.FVIII, ProductKind.FIX, ProductKind.BYPASSING)

    @property
    def vial_size_list(self) -> list[int]:
        return [int(s) for s in self.vial_sizes.replace(" ", "").split(",") if s.isascii() and s.isdigit()]


class StockLotQuerySet(models.QuerySet):
    def for_patient(self, patient) -> StockLotQuerySet:
        return self.filter(patient=patient)

    def on_hand(self) -> StockLotQuerySet:
        return self.filter(vials_on_hand__gt=0)

    def usable_on(self, day: dt.date) -> StockLotQuerySet:
        return self.filter(vials_on_hand__gt=0, expires_on__gte=day)


class StockLot(models.Model):
    """A lot of one product in a patient's fridge.

    ``vials_on_hand`` is the running sum of this lot's ledger movements, kept
    in the row so that a conditional UPDATE can take vials atomically and a
    CheckConstraint can refuse a negative count, also under concurrent writes.
    """

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="stock_lots")
    product = models.ForeignKey(Product, on_delete=models.RESTRICT, related_name="lots")
    lot_number = models.CharField(max_length=50)
    vial_size = models.PositiveIntegerField(_("vial size"), validators=[MinValueValidator(1)])
    expires_on = models.DateField(_("expiry date"))
    storage = models.CharField(max_length=100, blank=True, help_text=_("e.g. fridge, room temperature since …"))
    vials_on_hand = models.IntegerField(default=0)
    received_on = models.DateField(default=timezone.localdate)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StockLotQuerySet.as_manager()
    # The vials on hand change through the ledger (StockMovement, with who and when), not here.
    history = EntryHistory(excluded_fields=["vials_on_hand", "created_at"])

    class Meta:
        ordering = ["expires_on", "lot_number"]
        constraints = [
            models.CheckConstraint(condition=Q(vials_on_hand__gte=0), name="stock_never_negative"),
            models.CheckConstraint(condition=Q(vial_size__gt=0), name="vial_size_positive"),
        ]
        indexes = [models.Index(fields=["patient", "expires_on"])]

    def __str__(self) -> str:
        # Translators: a lot of a product, e.g. "Advate lot AB123 (1000 IU)".
        return gettext("%(product)s lot %(lot)s (%(size)s %(unit)s)") % {
            "product": self.product.brand_name,
            "lot": self.lot_number,
            "size": self.vial_size,
            "unit": self.product.unit,
        }

    def is_expired(self, on: dt.date | None = None) -> bool:
        return self.expires_on < (on or timezone.localdate())

    def expires_soon(self, on: dt.date | None = None) -> bool:
        today = on or timezone.localdate()
        return not self.is_expired(today) and (self.expires_on - today).days <= EXPIRY_WARNING_DAYS

    @property
    def units_on_hand(self) -> int:
        return self.vials_on_hand * self.vial_size

    @property
    def label(self) -> str:
        product = self.product
        return lot_label(
            product.brand_name, self.lot_number, self.vial_size, product.unit, self.vials_on_hand, self.expires_on
        )


class StockMovement(models.Model):
    """One line of the stock ledger. Positive adds vials, negative takes them."""

    class Kind(models.TextChoices):
        RECEIVED = "RECEIVED", pgettext_lazy("stock movement", "Received")
        USED = "USED", _("Used by an infusion")
        RETURNED = "RETURNED", _("Returned (infusion edited or deleted)")
        DISCARDED = "DISCARDED", pgettext_lazy("stock movement", "Discarded")
        EXPIRED = "EXPIRED", pgettext_lazy("stock movement", "Expired")
        ADJUSTED = "ADJUSTED", _("Adjusted (count corrected)")

    lot = models.ForeignKey(StockLot, on_delete=models.CASCADE, related_name="movements")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    vials = models.IntegerField()
    reason = models.CharField(max_length=200, blank=True)
    infusion = models.ForeignKey(
        "logbook.Infusion", on_delete=models.SET_NULL, null=True, blank=True, related_name="stock_movements"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(vials=0), name="movement_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.vials:+d} ({self.lot.lot_number})"

    @property
    def shown_reason(self) -> str:
        """The reason as the reader's language says it. A line written by an
        infusion is told from the infusion itself (its reason was written in
        the language of whoever logged it); any other as written."""
        if self.infusion_id and self.kind == self.Kind.USED:
            return gettext("Infusion of %(when)s") % {"when": display.day_and_clock(self.infusion.given_at)}
        if self.infusion_id and self.kind == self.Kind.RETURNED:
            return gettext("Infusion edited")
        return self.reason

    @property
    def vials_moved(self) -> int:
        """How many vials the line adds or takes, without its sign (for "1 vial" / "3 vials")."""
        return abs(self.vials)
