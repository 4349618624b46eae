from django.conf import settings
from django.db import models


class AccessEvent(models.Model):
    """A record of a clinician looking at a patient, or of anyone exporting a
    patient's log: who, when, what. The patient's owners can read it."""

    class Action(models.TextChoices):
        VIEW = "VIEW", "Viewed"
        EXPORT = "EXPORT", "Exported"

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="access_events")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(max_length=6, choices=Action.choices)
    what = models.CharField(max_length=200, help_text='e.g. "dashboard", "bleeds CSV 2025-01-01 – 2025-12-31"')
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["patient", "-at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.get_action_display().lower()} {self.what} ({self.at:%Y-%m-%d %H:%M})"
