"""Migration operations the apps share when a model moves from one app to another."""

from django.db import migrations


def move_content_types(*, from_app, to_app, models):
    """Re-label moved models' content types, so permissions, group grants and admin history follow them."""

    def relabel(apps, source, target):
        ContentType = apps.get_model("contenttypes", "ContentType")
        ContentType.objects.filter(app_label=source, model__in=models).update(app_label=target)

    return migrations.RunPython(
        lambda apps, schema_editor: relabel(apps, from_app, to_app),
        lambda apps, schema_editor: relabel(apps, to_app, from_app),
    )
