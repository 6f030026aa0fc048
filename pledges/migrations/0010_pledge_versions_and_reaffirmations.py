"""Versions of the pledge the team drafts and publishes, and partners' reaffirmations of a new version.

Version 1's example actions, until now only inside its introduction, are read
from its text into their own field, as the team will draft them for version 2.
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def load_version_1_examples(apps, schema_editor):
    PledgeVersion = apps.get_model("pledges", "PledgeVersion")
    load = importlib.import_module("pledges.migrations.0002_load_pledge_text")
    *_, examples = load.parse(load.TEXT.read_text(encoding="utf-8"))
    examples = [example[0].upper() + example[1:].rstrip(".") for example in examples]
    PledgeVersion.objects.filter(number=1, example_actions="").update(example_actions="\n".join(examples))


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0009_report_narrative"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Reaffirmation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("invited_at", models.DateTimeField(auto_now_add=True)),
                ("reminded_at", models.DateTimeField(blank=True, null=True)),
                ("reaffirmed_at", models.DateTimeField(blank=True, null=True)),
                ("declaration_name", models.CharField(blank=True, max_length=200)),
            ],
            options={
                "ordering": ["version", "invited_at", "pk"],
            },
        ),
        migrations.AddField(
            model_name="pledgeevent",
            name="version",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="pledges.pledgeversion",
            ),
        ),
        migrations.AddField(
            model_name="pledgeversion",
            name="example_actions",
            field=models.TextField(
                blank=True, help_text="The example actions the pledge gives, one a line, as published."
            ),
        ),
        migrations.AddField(
            model_name="pledgeversion",
            name="published_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="pledgeversion",
            name="published_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="pledgeversion",
            name="reminder_sent_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="pledgeevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("created", "Started"),
                    ("submitted", "Submitted"),
                    ("resubmitted", "Resubmitted"),
                    ("approved", "Approved"),
                    ("changes_requested", "Changes requested"),
                    ("rejected", "Rejected"),
                    ("withdrawn", "Withdrawn"),
                    ("reinstated", "Reinstated"),
                    ("lapsed", "Lapsed"),
                    ("reviewed", "Annual review recorded"),
                    ("review_acknowledged", "Annual review acknowledged"),
                    ("reaffirmed", "Reaffirmed a new version of the pledge"),
                    ("note", "Internal note"),
                ],
                max_length=30,
            ),
        ),
        migrations.AlterField(
            model_name="pledgeversion",
            name="published_on",
            field=models.DateField(
                blank=True, help_text="The date it takes effect; unset while it is a draft.", null=True
            ),
        ),
        migrations.AddConstraint(
            model_name="pledgeversion",
            constraint=models.UniqueConstraint(
                models.Value(True),
                condition=models.Q(("published_on__isnull", True)),
                name="one_draft_pledge_version",
            ),
        ),
        migrations.AddField(
            model_name="reaffirmation",
            name="pledge",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="reaffirmations",
                to="pledges.pledge",
            ),
        ),
        migrations.AddField(
            model_name="reaffirmation",
            name="reaffirmed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="reaffirmation",
            name="version",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reaffirmations",
                to="pledges.pledgeversion",
            ),
        ),
        migrations.AddConstraint(
            model_name="reaffirmation",
            constraint=models.UniqueConstraint(
                fields=("pledge", "version"), name="one_reaffirmation_per_pledge_and_version"
            ),
        ),
        migrations.RunPython(load_version_1_examples, migrations.RunPython.noop),
    ]
