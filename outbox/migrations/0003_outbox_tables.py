"""The outbox's tables and indexes take the outbox's names; `pledge` has become `about`."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("outbox", "0002_about_from_pledge")]

    operations = [
        migrations.RemoveField(model_name="outboxemail", name="pledge"),
        migrations.AlterModelTable(name="bouncedaddress", table=None),
        migrations.AlterModelTable(name="outboxemail", table=None),
        migrations.RenameIndex(
            model_name="outboxemail",
            new_name="outbox_by_status_created",
            old_name="pledges_out_status_e6083e_idx",
        ),
        migrations.RenameIndex(
            model_name="outboxemail",
            new_name="outbox_by_status_due",
            old_name="pledges_out_status_d67bf4_idx",
        ),
    ]
