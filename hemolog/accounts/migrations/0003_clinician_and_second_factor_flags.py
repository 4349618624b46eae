"""Two flags on the user row, kept by hemolog.patients.second_factor; worked
out here for the users who exist already, so that no existing clinician
without a second factor is let through by the new defaults."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef

TOTP, WEBAUTHN = "totp", "webauthn"


def work_out_flags(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    PatientAccess = apps.get_model("patients", "PatientAccess")
    Authenticator = apps.get_model("mfa", "Authenticator")
    clinicians = PatientAccess.objects.filter(user=OuterRef("pk"), role="CLINICIAN")
    factors = Authenticator.objects.filter(user=OuterRef("pk"), type__in=[TOTP, WEBAUTHN])
    User.objects.filter(Exists(clinicians)).update(is_clinician=True)
    User.objects.filter(Exists(factors)).update(second_factor_set_up=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_existing_addresses_verified"),
        ("patients", "0004_accessevent_table"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="is_clinician",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name="user",
            name="second_factor_set_up",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(work_out_flags, migrations.RunPython.noop),
    ]
