"""Annual reviews take over the reminders' table from `pledges`, keeping its rows, and rename it."""

import django.db.models.deletion
from django.db import migrations, models

from pledge_portal.migration_operations import move_content_types


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("pledges", "0006_outbox_resend_permission"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Reminder",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("upcoming", "Review coming up"),
                                    ("due", "Review due"),
                                    ("overdue", "Review overdue"),
                                    ("escalation", "Escalated to the programme team"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("sent_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "cycle",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="reminders",
                                to="pledges.reviewcycle",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "pledges_reminder",
                        "ordering": ["cycle", "sent_at"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("cycle", "kind"), name="one_reminder_of_each_kind_per_cycle"
                            )
                        ],
                    },
                ),
            ]
        ),
        move_content_types(from_app="pledges", to_app="reviews", models=["reminder"]),
        migrations.AlterModelTable(name="reminder", table=None),
    ]
