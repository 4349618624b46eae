from __future__ import annotations

import datetime as dt
import re
from contextvars import ContextVar
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, ngettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hemolog.clinical.records import WeightHistory
from hemolog.core import display
from hemolog.core.caching import values_cache

WEIGHTS_SECONDS = 60 * 60 * 24
# The patients whose delete() is running in this thread or task (Patient.log_changed).
_BEING_DELETED: ContextVar[frozenset[int]] = ContextVar("patients_being_deleted", default=frozenset())


class HemophiliaType(models.TextChoices):
    A = "A", _("Hemophilia A (factor VIII)")
    B = "B", _("Hemophilia B (factor IX)")
    OTHER = "OTHER", _("Other bleeding disorder")


class Severity(models.TextChoices):
    # Translators: hemophilia severity, by the baseline factor level in % of normal.
    SEVERE = "SEVERE", _("Severe (< 1 %)")
    # Translators: hemophilia severity, by the baseline factor level in % of normal.
    MODERATE = "MODERATE", _("Moderate (1–5 %)")
    # Translators: hemophilia severity, by the baseline factor level in % of normal.
    MILD = "MILD", _("Mild (5–40 %)")
    # Translators: the severity of the patient's hemophilia is not known.
    UNKNOWN = "UNKNOWN", pgettext_lazy("severity", "Not known")


class InhibitorStatus(models.TextChoices):
    # Translators: an inhibitor is an antibody against the factor concentrate.
    NONE = "NONE", _("No inhibitor")
    # Translators: an inhibitor with a low antibody titre (< 5 Bethesda units).
    LOW = "LOW", _("Low-responding inhibitor")
    # Translators: an inhibitor with a high antibody titre (5 Bethesda units or more).
    HIGH = "HIGH", _("High-responding inhibitor")
    # Translators: an inhibitor the patient had, removed by immune tolerance induction.
    HISTORY = "HISTORY", _("Past inhibitor (tolerised)")
    # Translators: whether the patient has an inhibitor is not known.
    UNKNOWN = "UNKNOWN", pgettext_lazy("inhibitor", "Not known")


def severity_from_level(level: Decimal | float | None) -> str | None:
    """Severity class from the baseline factor activity in IU/dL (= % of normal).

    Source: WFH Guidelines for the Management of Hemophilia, 3rd ed. (2020),
    table 1-1: severe < 1 %, moderate 1–5 %, mild > 5–< 40 %.
    Returns None for a level of 40 % or more (not hemophilia by this definition)
    or when no level is given.
    """
    if level is None:
        return None
    level = Decimal(str(level))
    if level < 1:
        return Severity.SEVERE
    if level <= 5:
        return Severity.MODERATE
    if level < 40:
        return Severity.MILD
    return None


class PatientQuerySet(models.QuerySet):
    def visible_to(self, user) -> PatientQuerySet:
        """Patients this user holds any access row for (owner, caregiver or clinician)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(access__user=user)

    def writable_by(self, user) -> PatientQuerySet:
        """Patients this user logs for (owner or caregiver): the one access row must be both."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(access__user=user, access__role__in=PatientAccess.WRITE_ROLES)


class Patient(models.Model):
    display_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    hemophilia_type = models.CharField(max_length=8, choices=HemophiliaType.choices, default=HemophiliaType.A)
    baseline_factor_level = models.DecimalField(
        # Translators: the patient's own factor activity without treatment; IU/dL = % of normal.
        _("baseline factor level (IU/dL)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(200)],
        help_text=_("From the diagnosis report; sets the severity."),
    )
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.UNKNOWN)
    inhibitor_status = models.CharField(max_length=10, choices=InhibitorStatus.choices, default=InhibitorStatus.NONE)
    treatment_centre = models.CharField(max_length=200, blank=True)
    # Set by a clinician where the patient's own PK is known; else the product's.
    half_life_hours = models.DecimalField(
        _("own half-life (h)"), max_digits=5, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(1)]
    )
    recovery = models.DecimalField(
        # Translators: the rise in factor level per dose: IU/dL of level for each IU/kg given.
        _("own in-vivo recovery (IU/dL per IU/kg)"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(5)],
    )
    # Goes up with every change to the patient's log, so cached charts and
    # figures can be keyed by it (see hemolog/patients/signals.py).
    data_version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["display_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(baseline_factor_level__isnull=True) | Q(baseline_factor_level__gte=0),
                name="patient_baseline_level_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        derived = severity_from_level(self.baseline_factor_level)
        if derived:
            self.severity = derived
        bump = self.pk and not kwargs.get("update_fields")
        if bump:
            # Own half-life or recovery may have changed. Incremented in the
            # database, so a stale instance never writes back an older version.
            self.data_version = models.F("data_version") + 1
        super().save(*args, **kwargs)
        if bump:
            self.refresh_from_db(fields=["data_version"])

    @classmethod
    def log_changed(cls, patient_id: int) -> None:
        """Mark the patient's log as changed (invalidates cached charts); not
        while the patient itself is being deleted, when every cascaded row
        would otherwise update a row about to go."""
        if patient_id in _BEING_DELETED.get():
            return
        cls.objects.filter(pk=patient_id).update(data_version=models.F("data_version") + 1)

    @staticmethod
    def deletion_in_progress() -> bool:
        """Whether a patient's delete() is running here (its cascade deletes
        only its own rows: another patient's use of its products is RESTRICT)."""
        return bool(_BEING_DELETED.get())

    def delete(self, *args, **kwargs):
        token = _BEING_DELETED.set(_BEING_DELETED.get() | {self.pk})
        try:
            return super().delete(*args, **kwargs)
        finally:
            _BEING_DELETED.reset(token)

    def weight_history(self) -> WeightHistory[Decimal]:
        """The weights, read in one query, to ask for the weight on many days."""
        return WeightHistory(self.weights.order_by("measured_on", "pk").values_list("measured_on", "weight_kg"))

    def cached_weight_history(self) -> WeightHistory[Decimal]:
        """:meth:`weight_history`, kept by the log's version (a weight's change
        moves it on), for the pages that show doses per kg: read-only views,
        so what is kept is what the database holds."""
        key = f"weights:{self.pk}:{self.data_version}"
        return values_cache.get_or_set(key, self.weight_history, WEIGHTS_SECONDS)

    @property
    def latest_weight(self) -> WeightMeasurement | None:
        return self.weights.order_by("-measured_on").first()


class EntryHistory(HistoricalRecords):
    """Who changed an entry of a patient's log, what and when (django-simple-history):
    a row per save and per delete, written with the request's user
    (``HistoryRequestMiddleware``). Deleting the patient writes none for the
    entries its cascade deletes (a row each would make deleting a long log slow),
    and hemolog.patients.signals deletes the history of their entries with them."""

    def post_delete(self, instance, using=None, **kwargs):
        if Patient.deletion_in_progress():
            return
        super().post_delete(instance, using=using, **kwargs)


class WeightMeasurement(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="weights")
    measured_on = models.DateField()
    weight_kg = models.DecimalField(
        _("weight (kg)"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(1), MaxValueValidator(250)],
    )

    history = EntryHistory()

    class Meta:
        ordering = ["-measured_on"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "measured_on"], name="one_weight_per_patient_per_day"),
            models.CheckConstraint(
                condition=Q(weight_kg__gte=1, weight_kg__lte=250), name="weight_between_1_and_250_kg"
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(weight)s kg on %(day)s") % {
            "weight": display.number(self.weight_kg),
            "day": display.day(self.measured_on),
        }


class PatientAccess(models.Model):
    """Who may see a patient, and what they may do. One row per (user, patient)."""

    class Role(models.TextChoices):
        # Translators: the role of someone who may see a patient's log: here, manage everything.
        OWNER = "OWNER", pgettext_lazy("role", "Owner")
        # Translators: the role of someone who may see a patient's log and log for them.
        CAREGIVER = "CAREGIVER", pgettext_lazy("role", "Caregiver")
        # Translators: the role of someone who may only read a patient's log.
        CLINICIAN = "CLINICIAN", pgettext_lazy("role", "Clinician (read-only)")

    WRITE_ROLES = (Role.OWNER, Role.CAREGIVER)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="patient_access")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="access")
    role = models.CharField(max_length=10, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "patient"], name="one_access_row_per_user_and_patient"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.patient} ({self.role})"

    @property
    def can_write(self) -> bool:
        return self.role in self.WRITE_ROLES

    @property
    def role_in_a_sentence(self) -> str:
        return role_in_a_sentence(self.role)

    @property
    def is_owner(self) -> bool:
        return self.role == self.Role.OWNER


def role_in_a_sentence(role: str) -> str:
    """A role as a sentence names it ("… see Leo's log as caregiver"): in lower
    case in English, as each language writes it there."""
    names = {
        # Translators: a role inside a sentence: "… can see Leo's log as owner".
        PatientAccess.Role.OWNER: pgettext("role in a sentence", "owner"),
        # Translators: a role inside a sentence: "… can see Leo's log as caregiver".
        PatientAccess.Role.CAREGIVER: pgettext("role in a sentence", "caregiver"),
        # Translators: a role inside a sentence: "… can see Leo's log as clinician (read-only)".
        PatientAccess.Role.CLINICIAN: pgettext("role in a sentence", "clinician (read-only)"),
    }
    return names.get(role, role)


# The access record's text of the pages a view names (``access_patient(viewing=…)``),
# in the reader's language; the record itself stays as written (English, with
# ISO days: RECORDED_FORMS below reads those), and a text neither names is
# shown as written.
ROSTER_VIEW = "roster (figures of the last 12 months)"
RECORDED_PAGES = {
    "overview": pgettext_lazy("access record", "overview"),
    "bleeds": pgettext_lazy("access record", "bleeds"),
    "infusions": pgettext_lazy("access record", "infusions"),
    "regimens": pgettext_lazy("access record", "regimens"),
    "stock": pgettext_lazy("access record", "stock"),
    "stock lot": pgettext_lazy("access record", "stock lot"),
    "changes": pgettext_lazy("access record", "changes"),
    "full personal archive": pgettext_lazy("access record", "full personal archive"),
    ROSTER_VIEW: pgettext_lazy("access record", "roster (figures of the last 12 months)"),
}
_ISO_PERIOD = r"(?P<start>\d{4}-\d\d-\d\d) – (?P<end>\d{4}-\d\d-\d\d)"
# What the views record with days or a lot in it, and how a reader's language says it.
RECORDED_FORMS = [
    (re.compile(rf"^dashboard {_ISO_PERIOD}$"), pgettext_lazy("access record", "dashboard (%(period)s)")),
    (re.compile(r"^dashboard \(last (?P<months>\d+) months\)$"), None),  # a preset period
    (re.compile(rf"^bleeds CSV {_ISO_PERIOD}$"), pgettext_lazy("access record", "bleeds CSV %(period)s")),
    (re.compile(rf"^infusions CSV {_ISO_PERIOD}$"), pgettext_lazy("access record", "infusions CSV %(period)s")),
    (re.compile(rf"^stock CSV {_ISO_PERIOD}$"), pgettext_lazy("access record", "stock CSV %(period)s")),
    (
        re.compile(rf"^CSV zip \(bleeds, infusions, stock\) {_ISO_PERIOD}$"),
        pgettext_lazy("access record", "CSV files of bleeds, infusions and stock (zip) %(period)s"),
    ),
    (re.compile(rf"^PDF clinic report {_ISO_PERIOD}$"), pgettext_lazy("access record", "PDF clinic report %(period)s")),
    (re.compile(rf"^FHIR bundle {_ISO_PERIOD}$"), pgettext_lazy("access record", "FHIR Bundle %(period)s")),
    (re.compile(r"^lot recall lookup (?P<lot>.+)$"), pgettext_lazy("access record", "lot recall lookup %(lot)s")),
    (re.compile(r"^lot recall CSV (?P<lot>.+)$"), pgettext_lazy("access record", "lot recall CSV %(lot)s")),
]


def recorded_what(what: str) -> str:
    """What an access record's entry was about, in the reader's language
    ("dashboard (1 Jan 2025 – 31 Dec 2025)", "Dashboard (1. Januar 2025 – …)")."""
    if what in RECORDED_PAGES:
        return str(RECORDED_PAGES[what])
    for form, text in RECORDED_FORMS:
        found = form.match(what)
        if not found:
            continue
        values = found.groupdict()
        if text is None:
            count = int(values["months"])
            # Translators: in the access record, the dashboard seen for a period.
            return ngettext("dashboard (last %(count)s month)", "dashboard (last %(count)s months)", count) % {
                "count": count
            }
        if "start" in values:
            start, end = dt.date.fromisoformat(values.pop("start")), dt.date.fromisoformat(values.pop("end"))
            values["period"] = f"{display.day(start)} – {display.day(end)}"
        return str(text) % values
    return what


class AccessEvent(models.Model):
    """A record of a clinician looking at a patient, or of anyone exporting a
    patient's log: who, when, what. The patient's owners can read it."""

    class Action(models.TextChoices):
        # Translators: in the access record, what someone did with a patient's log.
        VIEW = "VIEW", pgettext_lazy("access record", "Viewed")
        # Translators: in the access record, what someone did with a patient's log.
        EXPORT = "EXPORT", pgettext_lazy("access record", "Exported")

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="access_events")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(max_length=6, choices=Action.choices)
    what = models.CharField(max_length=200, help_text=_('e.g. "dashboard", "bleeds CSV 2025-01-01 – 2025-12-31"'))
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["patient", "-at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.get_action_display().lower()} {self.what} ({self.at:%Y-%m-%d %H:%M})"

    @property
    def description(self) -> str:
        """ "Viewed bleeds": the action and what it was about, as the access record shows it."""
        what = recorded_what(self.what)
        if self.action == self.Action.EXPORT:
            # Translators: in the access record; "what" is what was exported, e.g. "bleeds CSV 2025-01-01 – 2025-12-31".
            return gettext("Exported %(what)s") % {"what": what}
        # Translators: in the access record; "what" is the page seen, e.g. "bleeds", "dashboard (last 12 months)".
        return gettext("Viewed %(what)s") % {"what": what}
