"""The directory takes over its snapshot tables from `organisations`, keeping their rows, and renames them."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

from pledge_portal.migration_operations import move_content_types


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("organisations", "0005_directory_render_request"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DirectoryRenderRequest",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("requested_at", models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={"db_table": "organisations_directoryrenderrequest"},
                ),
                migrations.CreateModel(
                    name="DirectorySnapshot",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("data_as_of", models.DateTimeField(db_index=True)),
                        ("rendered_at", models.DateTimeField()),
                        ("content_changed_at", models.DateTimeField()),
                        ("content_hash", models.CharField(max_length=64)),
                        ("partner_count", models.PositiveIntegerField()),
                        (
                            "summary",
                            models.JSONField(
                                default=dict, help_text="Totals by area and sector, and the filters' choices."
                            ),
                        ),
                        ("partners_json", models.TextField()),
                        ("partners_csv", models.TextField()),
                        ("actions_csv", models.TextField()),
                    ],
                    options={"db_table": "organisations_directorysnapshot"},
                ),
                migrations.CreateModel(
                    name="DirectoryEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("slug", models.SlugField(db_index=False, max_length=220)),
                        ("name", models.CharField(max_length=200)),
                        ("sort_name", models.TextField()),
                        (
                            "search_key",
                            models.TextField(help_text="The name, case-folded and without accents."),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("organisation", "Organisation"),
                                    ("service", "Service"),
                                    ("strategic_board", "Strategic board"),
                                    ("group", "Group"),
                                ],
                                max_length=20,
                            ),
                        ),
                        (
                            "sector",
                            models.CharField(
                                choices=[
                                    ("nhs_health", "NHS and health"),
                                    ("local_authority", "Local authority"),
                                    ("police_justice", "Police and justice"),
                                    ("education", "Education"),
                                    ("vcse", "Voluntary and community (VCSE)"),
                                    ("housing", "Housing"),
                                    ("business", "Business"),
                                    ("other", "Other"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("areas", models.JSONField(default=list, help_text="Names of the areas served.")),
                        ("area_codes", models.CharField(max_length=200)),
                        (
                            "theme_slugs",
                            models.CharField(help_text="Themes of published actions.", max_length=500),
                        ),
                        ("signed_on", models.DateField()),
                        ("year", models.PositiveSmallIntegerField()),
                        ("logo_url", models.CharField(blank=True, max_length=500)),
                        (
                            "page",
                            models.JSONField(default=dict, help_text="Everything the partner's page shows."),
                        ),
                        (
                            "snapshot",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="entries",
                                to="directory.directorysnapshot",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "organisations_directoryentry",
                        "indexes": [
                            models.Index(fields=["snapshot", "sort_name"], name="directory_by_name"),
                            models.Index(
                                fields=["snapshot", "-signed_on", "sort_name"], name="directory_by_recent"
                            ),
                            models.Index(fields=["snapshot", "sector"], name="directory_by_sector"),
                            models.Index(fields=["snapshot", "kind"], name="directory_by_kind"),
                            models.Index(fields=["snapshot", "year"], name="directory_by_year"),
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("snapshot", "slug"), name="one_directory_entry_per_slug"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="DirectoryDeparture",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("slug", models.SlugField(db_index=False, max_length=220)),
                        ("name", models.CharField(max_length=200)),
                        ("status", models.CharField(max_length=20)),
                        ("left_on", models.DateField(null=True)),
                        (
                            "snapshot",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="departures",
                                to="directory.directorysnapshot",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "organisations_directorydeparture",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("snapshot", "slug"), name="one_directory_departure_per_slug"
                            )
                        ],
                    },
                ),
            ]
        ),
        move_content_types(
            from_app="organisations",
            to_app="directory",
            models=["directoryrenderrequest", "directorysnapshot", "directoryentry", "directorydeparture"],
        ),
        migrations.AlterModelTable(name="directoryrenderrequest", table=None),
        migrations.AlterModelTable(name="directorysnapshot", table=None),
        migrations.AlterModelTable(name="directoryentry", table=None),
        migrations.AlterModelTable(name="directorydeparture", table=None),
    ]
