from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext_lazy

from hemolog.core import display
from hemolog.patients.models import EntryHistory

# Who changed an entry, what and when (django-simple-history, docs/architecture.md): every
# field but the time of the last change, which each change's history_date says.
HISTORY_EXCLUDED = ["updated_at"]


class Site(models.TextChoices):
    # Joints (side required)
    KNEE = "KNEE", gettext_lazy("Knee")
    ANKLE = "ANKLE", gettext_lazy("Ankle")
    ELBOW = "ELBOW", gettext_lazy("Elbow")
    HIP = "HIP", gettext_lazy("Hip")
    SHOULDER = "SHOULDER", gettext_lazy("Shoulder")
    WRIST = "WRIST", gettext_lazy("Wrist")
    # Muscles (side required)
    # Translators: a muscle deep in the hip; a bleed there is felt in the groin.
    ILIOPSOAS = "ILIOPSOAS", gettext_lazy("Iliopsoas (groin)")
    CALF = "CALF", gettext_lazy("Calf")
    THIGH = "THIGH", gettext_lazy("Thigh")
    FOREARM = "FOREARM", gettext_lazy("Forearm")
    UPPER_ARM = "UPPER_ARM", gettext_lazy("Upper arm")
    BUTTOCK = "BUTTOCK", gettext_lazy("Buttock")
    # Other sites
    SOFT_TISSUE = "SOFT_TISSUE", gettext_lazy("Soft tissue / bruise")
    MOUTH = "MOUTH", gettext_lazy("Mouth / gums")
    NOSE = "NOSE", gettext_lazy("Nose")
    GI = "GI", gettext_lazy("Gastrointestinal")
    URINE = "URINE", gettext_lazy("Urine (blood in urine)")
    # Translators: a bleed inside the skull, an emergency.
    HEAD = "HEAD", gettext_lazy("Head (intracranial)")
    OTHER = "OTHER", pgettext_lazy("a bleed site", "Other")


JOINT_SITES = (Site.KNEE, Site.ANKLE, Site.ELBOW, Site.HIP, Site.SHOULDER, Site.WRIST)
MUSCLE_SITES = (Site.ILIOPSOAS, Site.CALF, Site.THIGH, Site.FOREARM, Site.UPPER_ARM, Site.BUTTOCK)
LATERAL_SITES = JOINT_SITES + MUSCLE_SITES
MIDLINE_SITES = (Site.MOUTH, Site.NOSE, Site.GI, Site.URINE, Site.HEAD)
SITE_GROUPS = (
    (gettext_lazy("Joints"), JOINT_SITES),
    (gettext_lazy("Muscles"), MUSCLE_SITES),
    (
        pgettext_lazy("a group of bleed sites", "Other"),
        (Site.SOFT_TISSUE, Site.MOUTH, Site.NOSE, Site.GI, Site.URINE, Site.HEAD, Site.OTHER),
    ),
)


class Side(models.TextChoices):
    LEFT = "L", pgettext_lazy("the side of the body", "Left")
    RIGHT = "R", pgettext_lazy("the side of the body", "Right")
    NONE = "", "—"


class Cause(models.TextChoices):
    SPONTANEOUS = "SPONTANEOUS", pgettext_lazy("the cause of a bleed", "Spontaneous")
    TRAUMATIC = "TRAUMATIC", pgettext_lazy("the cause of a bleed", "Injury")
    POST_PROCEDURE = "POST_PROCEDURE", pgettext_lazy("the cause of a bleed", "After a procedure")
    UNKNOWN = "UNKNOWN", pgettext_lazy("the cause of a bleed", "Not sure")


class BleedSeverity(models.TextChoices):
    MILD = "MILD", pgettext_lazy("the severity of a bleed", "Mild")
    MODERATE = "MODERATE", pgettext_lazy("the severity of a bleed", "Moderate")
    SEVERE = "SEVERE", pgettext_lazy("the severity of a bleed", "Severe")


# A site on one side, each named whole (a language may inflect "left" by the site's gender).
_SIDED_LABELS = {
    (Site.KNEE, Side.LEFT): gettext_lazy("Left knee"),
    (Site.KNEE, Side.RIGHT): gettext_lazy("Right knee"),
    (Site.ANKLE, Side.LEFT): gettext_lazy("Left ankle"),
    (Site.ANKLE, Side.RIGHT): gettext_lazy("Right ankle"),
    (Site.ELBOW, Side.LEFT): gettext_lazy("Left elbow"),
    (Site.ELBOW, Side.RIGHT): gettext_lazy("Right elbow"),
    (Site.HIP, Side.LEFT): gettext_lazy("Left hip"),
    (Site.HIP, Side.RIGHT): gettext_lazy("Right hip"),
    (Site.SHOULDER, Side.LEFT): gettext_lazy("Left shoulder"),
    (Site.SHOULDER, Side.RIGHT): gettext_lazy("Right shoulder"),
    (Site.WRIST, Side.LEFT): gettext_lazy("Left wrist"),
    (Site.WRIST, Side.RIGHT): gettext_lazy("Right wrist"),
    # Translators: a muscle deep in the hip; a bleed there is felt in the groin.
    (Site.ILIOPSOAS, Side.LEFT): gettext_lazy("Left iliopsoas (groin)"),
    # Translators: a muscle deep in the hip; a bleed there is felt in the groin.
    (Site.ILIOPSOAS, Side.RIGHT): gettext_lazy("Right iliopsoas (groin)"),
    (Site.CALF, Side.LEFT): gettext_lazy("Left calf"),
    (Site.CALF, Side.RIGHT): gettext_lazy("Right calf"),
    (Site.THIGH, Side.LEFT): gettext_lazy("Left thigh"),
    (Site.THIGH, Side.RIGHT): gettext_lazy("Right thigh"),
    (Site.FOREARM, Side.LEFT): gettext_lazy("Left forearm"),
    (Site.FOREARM, Side.RIGHT): gettext_lazy("Right forearm"),
    (Site.UPPER_ARM, Side.LEFT): gettext_lazy("Left upper arm"),
    (Site.UPPER_ARM, Side.RIGHT): gettext_lazy("Right upper arm"),
    (Site.BUTTOCK, Side.LEFT): gettext_lazy("Left buttock"),
    (Site.BUTTOCK, Side.RIGHT): gettext_lazy("Right buttock"),
    (Site.SOFT_TISSUE, Side.LEFT): gettext_lazy("Left soft tissue / bruise"),
    (Site.SOFT_TISSUE, Side.RIGHT): gettext_lazy("Right soft tissue / bruise"),
    # Translators: a bleed at another site than those listed, on the left side of the body.
    (Site.OTHER, Side.LEFT): gettext_lazy("Left other"),
    # Translators: a bleed at another site than those listed, on the right side of the body.
    (Site.OTHER, Side.RIGHT): gettext_lazy("Right other"),
}


def site_label(site: str, side: str) -> str:
    """ "Left ankle", "Head": a bleed's site as the pages show it, in the active language."""
    return str(_SIDED_LABELS.get((site, side)) or _SITE_LABELS.get(site, site))


# Languages that write a noun with a capital letter inside a sentence too.
CAPITALISED_NOUNS = ("de",)


def in_sentence(label: str) -> str:
    """A label inside a sentence, its first letter small ("left ankle" in
    "Leo: left ankle bleed logged."); as it is in German, where the labels
    (sites, reasons) are nouns and keep their capital."""
    if (translation.get_language() or "").split("-")[0] in CAPITALISED_NOUNS:
        return label
    return label[:1].lower() + label[1:]


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
    started_at = models.DateTimeField(gettext_lazy("started"))
    resolved_at = models.DateTimeField(gettext_lazy("resolved"), null=True, blank=True)
    site = models.CharField(max_length=12, choices=Site.choices)
    side = models.CharField(max_length=1, choices=Side.choices, blank=True, default=Side.NONE)
    cause = models.CharField(max_length=15, choices=Cause.choices, default=Cause.SPONTANEOUS)
    severity = models.CharField(max_length=8, choices=BleedSeverity.choices, default=BleedSeverity.MILD)
    pain = models.PositiveSmallIntegerField(
        gettext_lazy("pain (0–10)"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(10)]
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
        return gettext("%(site)s bleed on %(day)s") % {"site": self.site_label, "day": display.day(self.started_at)}

    @property
    def site_label(self) -> str:
        return site_label(self.site, self.side)

    @property
    def is_head(self) -> bool:
        return self.site == Site.HEAD


class Reason(models.TextChoices):
    PROPHYLAXIS = "PROPHYLAXIS", gettext_lazy("Prophylaxis")
    BLEED = "BLEED", gettext_lazy("Bleed treatment")
    PRE_PROCEDURE = "PRE_PROCEDURE", gettext_lazy("Before a procedure or activity")
    OTHER = "OTHER", pgettext_lazy("the reason for a dose", "Other")


class GivenBy(models.TextChoices):
    # Translators: who gave a dose: the patient, to himself.
    SELF = "SELF", pgettext_lazy("who gave a dose", "Self")
    CAREGIVER = "CAREGIVER", pgettext_lazy("who gave a dose", "Parent / caregiver")
    NURSE = "NURSE", pgettext_lazy("who gave a dose", "Nurse / clinic")


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
    given_at = models.DateTimeField(gettext_lazy("given"))
    product = models.ForeignKey("inventory.Product", on_delete=models.RESTRICT, related_name="infusions")
    lot = models.ForeignKey(
        "inventory.StockLot", on_delete=models.RESTRICT, null=True, blank=True, related_name="infusions"
    )
    vials_used = models.PositiveSmallIntegerField(gettext_lazy("vials used"), default=0)
    dose = models.DecimalField(
        max_digits=8, decimal_places=1, help_text=gettext_lazy("IU for factor, mg for emicizumab.")
    )
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
        # Translators: "1000 IU Advate on 3 Dec 2026": the dose, its unit (IU or mg), the product, the day.
        return gettext("%(dose)s %(unit)s %(product)s on %(day)s") % {
            "dose": display.number(self.dose),
            "unit": self.product.unit,
            "product": self.product.brand_name,
            "day": display.day(self.given_at),
        }


class ScheduleKind(models.TextChoices):
    # Translators: a prophylaxis schedule: one dose every so many days (N, set below it).
    EVERY_N_DAYS = "EVERY_N_DAYS", gettext_lazy("Every N days")
    WEEKDAYS = "WEEKDAYS", gettext_lazy("On given weekdays")
    WEEKLY = "WEEKLY", gettext_lazy("Weekly")
    EVERY_2_WEEKS = "EVERY_2_WEEKS", gettext_lazy("Every 2 weeks")
    EVERY_4_WEEKS = "EVERY_4_WEEKS", gettext_lazy("Every 4 weeks")


# Monday first, as Regimen.weekdays counts them; Django's own translations ("Mon", "lun", "Mo").
WEEKDAY_NAMES = tuple(WEEKDAYS_ABBR[day] for day in range(7))

# A schedule inside a sentence: "Advate 1000 IU, weekly".
_SCHEDULES_IN_SENTENCE = {
    ScheduleKind.WEEKLY: gettext_lazy("weekly"),
    ScheduleKind.EVERY_2_WEEKS: gettext_lazy("every 2 weeks"),
    ScheduleKind.EVERY_4_WEEKS: gettext_lazy("every 4 weeks"),
}


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
        gettext_lazy("every N days"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(60)]
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
        # Translators: "Advate 1000 IU, every 2 days": the product, the dose, its unit (IU or mg), the schedule.
        return gettext("%(product)s %(dose)s %(unit)s, %(schedule)s") % {
            "product": self.product.brand_name,
            "dose": display.number(self.dose),
            "unit": self.product.unit,
            "schedule": self.schedule_label,
        }

    @property
    def schedule_label(self) -> str:
        """The schedule inside a sentence: "every 2 days", "on Mon, Thu", "weekly"."""
        if self.schedule == ScheduleKind.EVERY_N_DAYS:
            if self.interval_days == 1:
                return gettext("every day")
            n = self.interval_days
            return ngettext("every %(count)s day", "every %(count)s days", n or 0) % {"count": n}
        if self.schedule == ScheduleKind.WEEKDAYS:
            days = display.listed(WEEKDAY_NAMES[int(d)] for d in self.weekdays)
            # Translators: a regimen's schedule: "on Mon, Wed, Fri" (the weekdays, abbreviated).
            return gettext("on %(weekdays)s") % {"weekdays": days}
        return str(_SCHEDULES_IN_SENTENCE.get(self.schedule, self.get_schedule_display()))

    def is_active_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


class SkipReason(models.TextChoices):
    TREATMENT_DOSE = "TREATMENT_DOSE", gettext_lazy("Given as a treatment dose")
    FORGOTTEN = "FORGOTTEN", gettext_lazy("Forgotten")
    ILLNESS = "ILLNESS", gettext_lazy("Illness")
    NO_STOCK = "NO_STOCK", gettext_lazy("No stock at hand")
    OTHER = "OTHER", pgettext_lazy("why a dose was not given", "Other")


class SkippedDose(models.Model):
    """A scheduled prophylaxis dose marked skipped, with why: its reminders stop,
    and adherence names it (hemolog.clinical.adherence) instead of calling it missed."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="skipped_doses")
    day = models.DateField(gettext_lazy("scheduled day"))
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
        return f"{self.get_reason_display()}, {display.day(self.day)}"

    @property
    def reason_label(self) -> str:
        """The reason as a calculation's words name it: "illness"."""
        return in_sentence(str(self.get_reason_display()))
