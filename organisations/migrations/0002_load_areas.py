"""Load the three localities of Bristol, North Somerset and South Gloucestershire."""

from django.db import migrations

AREAS = [
    ("bristol", "Bristol"),
    ("north-somerset", "North Somerset"),
    ("south-gloucestershire", "South Gloucestershire"),
]


def load_areas(apps, schema_editor):
    Area = apps.get_model("organisations", "Area")
    for position, (code, name) in enumerate(AREAS, start=1):
        Area.objects.update_or_create(code=code, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(load_areas, migrations.RunPython.noop)]
