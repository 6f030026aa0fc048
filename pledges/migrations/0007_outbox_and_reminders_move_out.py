"""The outbox and the reminders now belong to their own apps, which took over their tables."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0006_outbox_resend_permission"),
        ("outbox", "0001_initial"),
        ("reviews", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name="BouncedAddress",
                ),
                migrations.RemoveField(
                    model_name="reminder",
                    name="cycle",
                ),
                migrations.DeleteModel(
                    name="OutboxEmail",
                ),
                migrations.DeleteModel(
                    name="Reminder",
                ),
            ]
        ),
    ]
