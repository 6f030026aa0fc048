"""Record the end of every period of people that ended before periods were recorded.

A pledge withdrawn, rejected or lapsed before this release has no PERIOD_ENDED
event, so someone let in afterwards would still see the earlier people. Each
such ending, from the pledge's audit trail, becomes one at the same moment.
"""

from django.db import migrations

ENDING_STATUSES = ("withdrawn", "rejected", "lapsed")


def record_ended_periods(apps, schema_editor):
    PledgeEvent = apps.get_model("pledges", "PledgeEvent")
    OrganisationEvent = apps.get_model("organisations", "OrganisationEvent")
    endings = PledgeEvent.objects.filter(to_status__in=ENDING_STATUSES).values_list(
        "pledge__organisation_id", "created_at"
    )
    for organisation_id, ended_at in endings.iterator(chunk_size=2000):
        event = OrganisationEvent.objects.create(organisation_id=organisation_id, kind="period_ended")
        # created_at is auto_now_add: set the moment the period really ended.
        OrganisationEvent.objects.filter(pk=event.pk).update(created_at=ended_at)


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0010_people_periods_and_details_audit"),
        ("pledges", "0012_action_drafts_and_answers_at_request"),
    ]

    operations = [migrations.RunPython(record_ended_periods, migrations.RunPython.noop)]
