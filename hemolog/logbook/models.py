from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

from hemolog.core.numbers import amount
from hemolog.patients.models import EntryHistory

# Who changed an entry, what and when (django-simple-history, docs/architecture.md): every
# field but the time of the last change, which each change's history_date says.
HISTORY_EXCLUDED = ["updated_at"]


class Site(models.TextChoices):
    # Joints (side required)
    KNEE = "KNEE", "Knee"
    ANKLE = "ANKLE", "Ankle"
    ELBOW = "ELBOW", "Elbow"
    HIP = "HIP", "Hip"
    SHOULDER = "SHOULDER", "Shoulder"
    WRIST = "WRIST", "Wrist"
    # Muscles (side required)
    ILIOPSOAS = "ILIOPSOAS", "Iliopsoas (groin)"
    CALF = "CALF", "Calf"
    THIGH = "THIGH", "Thigh"
    FOREARM = "FOREARM", "Forearm"
    UPPER_ARM = "UPPER_ARM", "Upper arm"
    BUTTOCK = "BUTTOCK", "Buttock"
    # Other sites
    SOFT_TISSUE = "SOFT_TISSUE", "Soft tissue / bruise"
    MOUTH = "MOUTH", "Mouth / gums"
    NOSE = "NOSE", "Nose"
    GI = "GI", "Gastrointestinal"
    URINE = "URINE", "Urine (blood in urine)"
    HEAD = "HEAD", "Head (intracranial)"
    OTHER = "OTHER", "Other"


JOINT_SITES = (Site.KNEE, Site.ANKLE, Site.ELBOW, Site.HIP, Site.SHOULDER, Site.WRIST)
MUSCLE_SITES = (Site.ILIOPSOAS, Site.CALF, Site.THIGH, Site.FOREARM, Site.UPPER_ARM, Site.BUTTOCK)
LATERAL_SITES = JOINT_SITES + MUSCLE_SITES
MIDLINE_SITES = (Site.MOUTH, Site.NOSE, Site.GI, Site.URINE, Site.HEAD)
SITE_GROUPS = (
    ("Joints", JOINT_SITES),
    ("Muscles", MUSCLE_SITES),
    ("Other", (Site.SOFT_TISSUE, Site.MOUTH, Site.NOSE, Site.GI, Site.URINE, Site.HEAD, Site.OTHER)),
)


class Side(models.TextChoices):
    LEFT = "L", "Left"
    RIGHT = "R", "Right"
    NONE = "", "—"


class Cause(models.TextChoices):
    SPONTANEOUS = "SPONTANEOUS", "Spontaneous"
    TRAUMATIC = "TRAUMATIC", "Injury"
    POST_PROCEDURE = "POST_PROCEDURE", "After a procedure"
    UNKNOWN = "UNKNOWN", "Not sure"


class BleedSeverity(models.TextChoices):
    MILD = "MILD", "Mild"
    MODERATE = "MODERATE", "Moderate"
    SEVERE = "SEVERE", "Severe"


def site_label(site: str, side: str) -> str:
    """ "Left ankle", "Head": a bleed's site as the pages show it."""
    label = _SITE_LABELS.get(site, site)
    prefix = {Side.LEFT: "Left ", Side.RIGHT: "Right "}.get(side, "")
    return f"{prefix}{label.lower()}" if prefix else label


_SITE_LABELS = dict(Site.choices)


class LogQuerySet(models.QuerySet):
    """Shared verbs for entries that belong to a patient (entries are reached
    through ``access_patient``, so there is no per-user verb here)."""


class BleedQuerySet(LogQuerySet):
    def in_period(self, start: dt.datetime | None, end: dt.datetime | None):
        qs = self
        if start:
            qs = qs.filter(started_at__gte=start)
        if end:
            qs = qs.filter(started_at__lt=end)
        return qs


class BleedEpisode(models.Model):
    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="bleeds")
    started_at = models.DateTimeField("started")
    resolved_at = models.DateTimeField("resolved", null=True, blank=True)
    site = models.CharField(max_length=12, choices=Site.choices)
    side = models.CharField(max_length=1, choices=Side.choices, blank=True, default=Side.NONE)
    cause = models.CharField(max_length=15, choices=Cause.choices, default=Cause.SPONTANEOUS)
    severity = models.CharField(max_length=8, choices=BleedSeverity.choices, default=BleedSeverity.MILD)
    pain = models.PositiveSmallIntegerField(
        "pain (0–10)", null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    notes = models.TextField(blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Made by the phone for each entry it sends (static/js/offline.js): a resend of the
    # same entry (queued offline, a double tap) finds the first and saves nothing.
    client_id = models.UUIDField(null=True, blank=True, editable=False)

    objects = BleedQuerySet.as_manager()
    history = EntryHistory(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["patient", "-started_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "client_id"], condition=Q(client_id__isnull=False), name="bleed_sent_once"
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=models.F("started_at")),
                name="bleed_resolved_after_started",
            ),
            models.CheckConstraint(
                condition=Q(pain__isnull=True) | Q(pain__gte=0, pain__lte=10), name="bleed_pain_0_to_10"
            ),
            models.CheckConstraint(condition=Q(side__in=["", "L", "R"]), name="bleed_side_valid"),
            models.CheckConstraint(
                condition=~Q(site__in=LATERAL_SITES, side=""), name="bleed_joint_or_muscle_has_side"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site_label} bleed on {self.started_at:%Y-%m-%d}"

    @property
    def site_label(self) -> str:
        return site_label(self.site, self.side)

    @property
    def is_head(self) -> bool:
        return self.site == Site.HEAD


class Reason(models.TextChoices):
    PROPHYLAXIS = "PROPHYLAXIS", "Prophylaxis"
    BLEED = "BLEED", "Bleed treatment"
    PRE_PROCEDURE = "PRE_PROCEDURE", "Before a procedure or activity"
    OTHER = "OTHER", "Other"


class GivenBy(models.TextChoices):
    SELF = "SELF", "Self"
    CAREGIVER = "CAREGIVER", "Parent / caregiver"
    NURSE = "NURSE", "Nurse / clinic"


class InfusionQuerySet(LogQuerySet):
    def in_period(self, start: dt.datetime | None, end: dt.datetime | None):
        qs = self
        if start:
            qs = qs.filter(given_at__gte=start)
        if end:
            qs = qs.filter(given_at__lt=end)
        return qs

    def prophylactic(self):
        return self.filter(reason=Reason.PROPHYLAXIS)


class Infusion(models.Model):
    """One dose of any product, factor concentrate or not."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="infusions")
    given_at = models.DateTimeField("given")
    product = models.ForeignKey("inventory.Product", on_delete=models.RESTRICT, related_name="infusions")
    lot = models.ForeignKey(
        "inventory.StockLot", on_delete=models.RESTRICT, null=True, blank=True, related_name="infusions"
    )
    vials_used = models.PositiveSmallIntegerField("vials used", default=0)
    dose = models.DecimalField(max_digits=8, decimal_places=1, help_text="IU for factor, mg for emicizumab.")
    reason = models.CharField(max_length=15, choices=Reason.choices, default=Reason.PROPHYLAXIS)
    bleed = models.ForeignKey(BleedEpisode, on_delete=models.SET_NULL, null=True, blank=True, related_name="infusions")
    given_by = models.CharField(max_length=10, choices=GivenBy.choices, default=GivenBy.SELF)
    notes = models.TextField(blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Made by the phone for each entry it sends (static/js/offline.js): a resend of the
    # same entry (queued offline, a double tap) finds the first and saves nothing.
    client_id = models.UUIDField(null=True, blank=True, editable=False)

    objects = InfusionQuerySet.as_manager()
    history = EntryHistory(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        ordering = ["-given_at", "-pk"]
        indexes = [models.Index(fields=["patient", "-given_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "client_id"], condition=Q(client_id__isnull=False), name="infusion_sent_once"
            ),
            models.CheckConstraint(condition=Q(dose__gt=0), name="infusion_dose_positive"),
            models.CheckConstraint(
                condition=Q(lot__isnull=True, vials_used=0) | Q(lot__isnull=False, vials_used__gt=0),
                name="infusion_vials_only_with_lot",
            ),
        ]

    def __str__(self) -> str:
        return f"{amount(self.dose)} {self.product.unit} {self.product.brand_name} on {self.given_at:%Y-%m-%d}"


class ScheduleKind(models.TextChoices):
    EVERY_N_DAYS = "EVERY_N_DAYS", "Every N days"
    WEEKDAYS = "WEEKDAYS", "On given weekdays"
    WEEKLY = "WEEKLY", "Weekly"
    EVERY_2_WEEKS = "EVERY_2_WEEKS", "Every 2 weeks"
    EVERY_4_WEEKS = "EVERY_4_WEEKS", "Every 4 weeks"


WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class RegimenQuerySet(LogQuerySet):
    def active_on(self, day: dt.date):
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=day), start_date__lte=day)


class Regimen(models.Model):
    """The prescribed prophylaxis, against which adherence is measured."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="regimens")
    product = models.ForeignKey("inventory.Product", on_delete=models.RESTRICT, related_name="regimens")
    dose = models.DecimalField(max_digits=8, decimal_places=1)
    schedule = models.CharField(max_length=14, choices=ScheduleKind.choices, default=ScheduleKind.EVERY_N_DAYS)
    interval_days = models.PositiveSmallIntegerField(
        "every N days", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    # Weekday numbers, Monday = 0, as a string of digits: "024" is Mon, Wed, Fri.
    weekdays = models.CharField(max_length=7, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    notes = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RegimenQuerySet.as_manager()
    history = EntryHistory()

    class Meta:
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(dose__gt=0), name="regimen_dose_positive"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="regimen_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(schedule="EVERY_N_DAYS") | Q(interval_days__isnull=False, interval_days__gte=1),
                name="regimen_every_n_days_has_interval",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product.brand_name} {amount(self.dose)} {self.product.unit}, {self.schedule_label}"

    @property
    def schedule_label(self) -> str:
        if self.schedule == ScheduleKind.EVERY_N_DAYS:
            return "every day" if self.interval_days == 1 else f"every {self.interval_days} days"
        if self.schedule == ScheduleKind.WEEKDAYS:
            return "on " + ", ".join(WEEKDAY_NAMES[int(d)] for d in self.weekdays)
        return self.get_schedule_display().lower()

    def is_active_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


class SkipReason(models.TextChoices):
    TREATMENT_DOSE = "TREATMENT_DOSE", gettext_lazy("Given as a treatment dose")
    FORGOTTEN = "FORGOTTEN", gettext_lazy("Forgotten")
    ILLNESS = "ILLNESS", gettext_lazy("Illness")
    NO_STOCK = "NO_STOCK", gettext_lazy("No stock at hand")
    OTHER = "OTHER", gettext_lazy("Other")


class SkippedDose(models.Model):
    """A scheduled prophylaxis dose marked skipped, with why: its reminders stop,
    and adherence names it (hemolog.clinical.adherence) instead of calling it missed."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="skipped_doses")
    day = models.DateField("scheduled day")
    reason = models.CharField(max_length=15, choices=SkipReason.choices)
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = EntryHistory()

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["patient", "day"], name="one_skip_per_patient_per_day")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}, {self.day:%d %b %Y}"

    @property
    def reason_label(self) -> str:
        """The reason as a calculation's words name it: "illness"."""
        return str(self.get_reason_display()).lower()
