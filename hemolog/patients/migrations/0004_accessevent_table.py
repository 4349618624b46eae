# The access record's table and index take the patients app's names.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0003_accessevent"),
        ("sharing", "0003_accessevent_moved"),
    ]

    operations = [
        migrations.RenameIndex(
            model_name="accessevent",
            new_name="patients_ac_patient_625245_idx",
            old_name="sharing_acc_patient_b5c554_idx",
        ),
        migrations.AlterModelTable(name="accessevent", table=None),
    ]
