"""The directory's snapshot now belongs to the `directory` app, which took over its tables."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0005_directory_render_request"),
        ("directory", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="directorydeparture",
                    name="snapshot",
                ),
                migrations.RemoveField(
                    model_name="directoryentry",
                    name="snapshot",
                ),
                migrations.DeleteModel(
                    name="DirectoryRenderRequest",
                ),
                migrations.DeleteModel(
                    name="DirectoryDeparture",
                ),
                migrations.DeleteModel(
                    name="DirectoryEntry",
                ),
                migrations.DeleteModel(
                    name="DirectorySnapshot",
                ),
            ]
        ),
    ]
