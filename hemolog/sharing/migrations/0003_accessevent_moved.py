# AccessEvent now lives in patients (patients 0003 took over its table).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("sharing", "0002_invitation"),
        ("patients", "0003_accessevent"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="AccessEvent")]),
    ]
