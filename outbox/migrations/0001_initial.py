"""The outbox takes over its tables from `pledges`, keeping their rows, and gains `about`."""

import django.db.models.deletion
import django.db.models.functions.text
import django.utils.timezone
import outbox.models
from django.db import migrations, models

from pledge_portal.migration_operations import move_content_types


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("pledges", "0006_outbox_resend_permission"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="BouncedAddress",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("email", models.EmailField(max_length=254)),
                        ("reason", models.TextField()),
                        ("bounced_at", models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={
                        "verbose_name_plural": "bounced addresses",
                        "db_table": "pledges_bouncedaddress",
                        "constraints": [
                            models.UniqueConstraint(
                                django.db.models.functions.text.Lower("email"),
                                name="unique_bounced_address_ignoring_case",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="OutboxEmail",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("to", models.EmailField(max_length=254)),
                        ("subject", models.CharField(max_length=250)),
                        ("body_text", models.TextField()),
                        ("body_html", models.TextField(blank=True)),
                        (
                            "message_id",
                            models.CharField(
                                default=outbox.models.new_message_id,
                                editable=False,
                                max_length=255,
                                unique=True,
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("queued", "Queued"),
                                    ("sending", "Sending"),
                                    ("sent", "Sent"),
                                    ("failed", "Failed"),
                                ],
                                default="queued",
                                max_length=10,
                            ),
                        ),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("next_attempt_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("claimed_until", models.DateTimeField(blank=True, null=True)),
                        ("last_error", models.TextField(blank=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        ("failed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "pledge",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="emails",
                                to="pledges.pledge",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-created_at"],
                        "db_table": "pledges_outboxemail",
                        "permissions": [("resend_outboxemail", "Can send failed emails again")],
                        "indexes": [
                            models.Index(
                                fields=["status", "created_at"], name="pledges_out_status_e6083e_idx"
                            ),
                            models.Index(
                                fields=["status", "next_attempt_at"], name="pledges_out_status_d67bf4_idx"
                            ),
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("status", "sending"), _negated=True),
                                    ("claimed_until__isnull", False),
                                    _connector="OR",
                                ),
                                name="outbox_sending_has_a_claim",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("status", "sent"), _negated=True),
                                    ("sent_at__isnull", False),
                                    _connector="OR",
                                ),
                                name="outbox_sent_has_a_time",
                            ),
                        ],
                    },
                ),
            ]
        ),
        move_content_types(from_app="pledges", to_app="outbox", models=["outboxemail", "bouncedaddress"]),
        migrations.AddField(
            model_name="outboxemail",
            name="about_id",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="outboxemail",
            name="about_type",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                to="contenttypes.contenttype",
            ),
        ),
    ]
