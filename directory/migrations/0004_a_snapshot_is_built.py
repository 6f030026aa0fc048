"""The directory's snapshot is "built", not "rendered": its request model and timestamp are renamed.

"Render" is left to templates and images. Every row is kept: the table and the
column are renamed, and so are the model's permissions, so that no grant is
lost and none is left under the old name.
"""

from django.db import migrations, models

RENDER = ("directoryrenderrequest", "directory render request")
BUILD = ("directorybuildrequest", "directory build request")


def rename_permissions(old, new):
    """A RunPython function moving the request model's permissions from the `old` (codename, words) to `new`."""

    def rename(apps, schema_editor):
        Permission = apps.get_model("auth", "Permission")
        for permission in Permission.objects.filter(
            content_type__app_label="directory", codename__endswith=f"_{old[0]}"
        ):
            codename = permission.codename.replace(old[0], new[0])
            # Made under the new name by a migrate run before this migration was undone.
            Permission.objects.filter(content_type=permission.content_type, codename=codename).delete()
            permission.codename = codename
            permission.name = permission.name.replace(old[1], new[1])
            permission.save()

    return rename


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0003_incremental_render_positions_and_open_data_files"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RenameModel(old_name="DirectoryRenderRequest", new_name="DirectoryBuildRequest"),
        migrations.RunPython(rename_permissions(RENDER, BUILD), rename_permissions(BUILD, RENDER)),
        migrations.RenameField(model_name="directorysnapshot", old_name="rendered_at", new_name="built_at"),
        migrations.AlterField(
            model_name="directorysnapshot",
            name="built_at",
            field=models.DateTimeField(
                help_text="When the full build, or the latest incremental one, finished."
            ),
        ),
        migrations.AlterField(
            model_name="directorysnapshot",
            name="version",
            field=models.PositiveIntegerField(default=1, help_text="Bumped by each incremental build."),
        ),
        migrations.AlterField(
            model_name="directoryentry",
            name="digest",
            field=models.CharField(
                help_text="Of everything above: the nightly build compares them.", max_length=64
            ),
        ),
    ]
