# The access record moves from sharing down to patients, beside the access
# helper that writes it. The table is kept (state only); 0004 renames it.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0002_data_version"),
        ("sharing", "0002_invitation"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AccessEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "action",
                            models.CharField(choices=[("VIEW", "Viewed"), ("EXPORT", "Exported")], max_length=6),
                        ),
                        (
                            "what",
                            models.CharField(
                                help_text='e.g. "dashboard", "bleeds CSV 2025-01-01 – 2025-12-31"', max_length=200
                            ),
                        ),
                        ("at", models.DateTimeField(auto_now_add=True)),
                        (
                            "patient",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="access_events",
                                to="patients.patient",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "sharing_accessevent",
                        "ordering": ["-at", "-pk"],
                        "indexes": [models.Index(fields=["patient", "-at"], name="sharing_acc_patient_b5c554_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
