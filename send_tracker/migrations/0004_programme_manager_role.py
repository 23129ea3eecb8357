"""Create the Programme manager role (the programme office)."""

from django.db import migrations


def create_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="Programme manager")


class Migration(migrations.Migration):
    dependencies = [("send_tracker", "0003_data_version")]
    operations = [migrations.RunPython(create_role, migrations.RunPython.noop)]
