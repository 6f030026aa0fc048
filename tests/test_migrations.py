"""Migrations run for real on the test database, forwards and back: permissions, and the apps' split."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.models import PROGRAMME_TEAM_GROUP
from directory.models import DirectoryBuildRequest, DirectorySnapshot
from organisations.models import Organisation, OrganisationEvent
from outbox.models import BouncedAddress, OutboxEmail
from pledges.models import Pledge, PledgeEvent, ReviewCycle
from reviews.models import Reminder
from tests.factories import OutboxEmailFactory, PledgeFactory, UserFactory

BEFORE_RESEND = ("pledges", "0005_outbox_claims_and_message_ids")

# Before the apps split: the outbox and the reminders in pledges, the snapshots in organisations.
BEFORE_THE_SPLIT = [
    ("pledges", "0006_outbox_resend_permission"),
    ("organisations", "0005_directory_render_request"),
    ("outbox", None),
    ("reviews", None),
    ("directory", None),
]
MOVED_TABLES = {
    "pledges_outboxemail": "outbox_outboxemail",
    "pledges_bouncedaddress": "outbox_bouncedaddress",
    "pledges_reminder": "reviews_reminder",
    "organisations_directoryrenderrequest": "directory_directorybuildrequest",  # renamed since the move
    "organisations_directorysnapshot": "directory_directorysnapshot",
    "organisations_directoryentry": "directory_directoryentry",
    "organisations_directorydeparture": "directory_directorydeparture",
}


def team_codenames():
    return set(Group.objects.get(name=PROGRAMME_TEAM_GROUP).permissions.values_list("codename", flat=True))


def migrate(*targets):
    """Migrate to `targets` (by default the latest), returning the models as they stand there."""
    executor = MigrationExecutor(connection)
    targets = list(targets) or executor.loader.graph.leaf_nodes()
    return executor.migrate(targets).apps


def table_names():
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


@pytest.fixture
def before_the_split():
    """The historical models before the split; the database goes forward again after, pass or fail."""
    try:
        yield migrate(*BEFORE_THE_SPLIT)
    finally:
        migrate()


def rows_before_the_split(apps):
    """One row of each moved model, and the team's grants, written as the old schema had them."""
    model = apps.get_model
    now = timezone.now()
    user = model("accounts", "User").objects.create(email="signatory@example.org")
    organisation = model("organisations", "Organisation").objects.create(
        name="Avon Mind", slug="avon-mind", sector="vcse"
    )
    pledge = model("pledges", "Pledge").objects.create(
        organisation=organisation,
        created_by=user,
        version=model("pledges", "PledgeVersion").objects.latest("number"),
        status="approved",
    )
    cycle = model("pledges", "ReviewCycle").objects.create(
        pledge=pledge, number=1, starts_on=datetime.date(2025, 4, 1), due_on=datetime.date(2026, 4, 1)
    )
    snapshot = model("organisations", "DirectorySnapshot").objects.create(
        data_as_of=now,
        rendered_at=now,
        content_changed_at=now,
        content_hash="0" * 64,
        partner_count=1,
        partners_json="[]",
        partners_csv="",
        actions_csv="",
    )
    model("organisations", "DirectoryEntry").objects.create(
        snapshot=snapshot,
        slug="avon-mind",
        name="Avon Mind",
        sort_name="avon mind",
        search_key="avon mind",
        kind="organisation",
        sector="vcse",
        area_codes="bristol",
        theme_slugs="",
        signed_on=datetime.date(2025, 4, 1),
        year=2025,
    )
    ContentType = model("contenttypes", "ContentType")
    Permission = model("auth", "Permission")
    group, _ = model("auth", "Group").objects.get_or_create(name=PROGRAMME_TEAM_GROUP)
    grants = Permission.objects.filter(
        content_type__app_label="pledges",
        codename__in=["view_outboxemail", "resend_outboxemail", "view_reminder"],
    )
    assert len(grants) == 3
    group.permissions.add(*grants)
    OutboxEmail, BouncedAddress = model("pledges", "OutboxEmail"), model("pledges", "BouncedAddress")
    email = OutboxEmail.objects.create(to="a@example.org", subject="Approved", body_text="Hi", pledge=pledge)
    email_about_nothing = OutboxEmail.objects.create(to="b@example.org", subject="Hi", body_text="Hi")
    return {
        "organisation": organisation.pk,
        "pledge": pledge.pk,
        "cycle": cycle.pk,
        "reminder": model("pledges", "Reminder").objects.create(cycle=cycle, kind="due").pk,
        "email": email.pk,
        "email_about_nothing": email_about_nothing.pk,
        "bounce": BouncedAddress.objects.create(email="gone@example.org", reason="550").pk,
        "snapshot": snapshot.pk,
        "outbox_type": ContentType.objects.get(app_label="pledges", model="outboxemail").pk,
        "reminder_type": ContentType.objects.get(app_label="pledges", model="reminder").pk,
        "snapshot_type": ContentType.objects.get(app_label="organisations", model="directorysnapshot").pk,
        "team_grants": [permission.pk for permission in grants],
    }


@pytest.mark.django_db(transaction=True)
def test_migrating_an_existing_database_lets_the_programme_team_send_failed_emails_again():
    migrate(BEFORE_RESEND)
    assert "resend_outboxemail" not in team_codenames()
    # A database migrated before this change has no such permission at all.
    Permission.objects.filter(codename="resend_outboxemail").delete()

    migrate()  # forwards to the latest, as a deploy does
    assert "resend_outboxemail" in team_codenames()
    assert Permission.objects.get(codename="resend_outboxemail").name == "Can send failed emails again"


@pytest.mark.django_db(transaction=True)
def test_migrating_a_database_from_before_the_split_keeps_every_row_in_the_new_apps(before_the_split):
    rows = rows_before_the_split(before_the_split)

    migrate()  # forwards to the latest, as a deploy does

    pledge = Pledge.objects.get(pk=rows["pledge"], organisation=rows["organisation"])
    assert Organisation.objects.get(pk=rows["organisation"]).name == "Avon Mind"
    assert ReviewCycle.objects.get(pk=rows["cycle"]).pledge == pledge
    assert Reminder.objects.get(pk=rows["reminder"], cycle=rows["cycle"]).kind == Reminder.Kind.DUE
    assert OutboxEmail.objects.get(pk=rows["email"]).about == pledge
    assert OutboxEmail.objects.get(pk=rows["email_about_nothing"]).about is None
    assert BouncedAddress.objects.get(pk=rows["bounce"]).email == "gone@example.org"
    # The directory's snapshots are derived rows: a later migration drops them, to be built anew.
    assert not DirectorySnapshot.objects.filter(pk=rows["snapshot"]).exists()


@pytest.mark.django_db(transaction=True)
def test_migrating_a_database_from_before_the_split_relabels_content_types_and_the_teams_grants(
    before_the_split,
):
    rows = rows_before_the_split(before_the_split)

    migrate()

    # The same content type rows, relabelled, so admin history and grants follow the models.
    assert ContentType.objects.get(pk=rows["outbox_type"]).app_label == "outbox"
    assert ContentType.objects.get(pk=rows["reminder_type"]).app_label == "reviews"
    assert ContentType.objects.get(pk=rows["snapshot_type"]).app_label == "directory"
    granted = Permission.objects.filter(pk__in=rows["team_grants"], group__name=PROGRAMME_TEAM_GROUP)
    assert {f"{p.content_type.app_label}.{p.codename}" for p in granted} == {
        "outbox.view_outboxemail",
        "outbox.resend_outboxemail",
        "reviews.view_reminder",
    }
    assert not ContentType.objects.filter(app_label="pledges", model__in=["outboxemail", "reminder"]).exists()


@pytest.mark.django_db(transaction=True)
def test_migrating_a_database_from_before_the_split_renames_the_moved_tables(before_the_split):
    assert set(MOVED_TABLES) <= table_names()
    assert not set(MOVED_TABLES.values()) & table_names()

    migrate()

    assert set(MOVED_TABLES.values()) <= table_names()
    assert not set(MOVED_TABLES) & table_names()


@pytest.mark.django_db(transaction=True)
def test_migrating_back_to_before_the_split_puts_the_rows_back_in_their_old_apps():
    pledge = PledgeFactory(approved=True)  # with cycle 1
    reminder = Reminder.objects.create(cycle=pledge.cycles.get(), kind=Reminder.Kind.DUE)
    email = OutboxEmailFactory(about=pledge)
    reminder_type = ContentType.objects.get_for_model(Reminder).pk

    try:
        apps = migrate(*BEFORE_THE_SPLIT)
        assert apps.get_model("pledges", "OutboxEmail").objects.get(pk=email.pk).pledge_id == pledge.pk
        assert apps.get_model("pledges", "Reminder").objects.get(pk=reminder.pk).cycle_id == reminder.cycle_id
        assert ContentType.objects.get(pk=reminder_type).app_label == "pledges"
        assert set(MOVED_TABLES) <= table_names()
    finally:
        migrate()
    assert OutboxEmail.objects.get(pk=email.pk).about == pledge


@pytest.mark.django_db(transaction=True)
def test_migrating_renames_the_directorys_render_requests_to_build_requests_keeping_rows_and_grants():
    group = Group.objects.create(name="Directory watchers")
    group.permissions.add(Permission.objects.get(codename="view_directorybuildrequest"))
    try:
        apps = migrate(("directory", "0003_incremental_render_positions_and_open_data_files"))
        request = apps.get_model("directory", "DirectoryRenderRequest").objects.create(organisation_id=7)
        assert set(group.permissions.values_list("codename", "name")) == {
            ("view_directoryrenderrequest", "Can view directory render request")
        }
    finally:
        migrate()
    assert DirectoryBuildRequest.objects.get(pk=request.pk).organisation_id == 7
    assert set(group.permissions.values_list("codename", "name")) == {
        ("view_directorybuildrequest", "Can view directory build request")
    }
    assert not Permission.objects.filter(codename__contains="render").exists()


@pytest.mark.django_db
def test_the_test_database_migrated_from_empty_is_at_the_latest_migration_with_the_new_tables():
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    assert set(MOVED_TABLES.values()) <= table_names()
    assert not set(MOVED_TABLES) & table_names()
    assert not ContentType.objects.filter(app_label="pledges", model__in=["outboxemail", "reminder"]).exists()
    assert not ContentType.objects.filter(app_label="organisations", model__startswith="directory").exists()


@pytest.mark.django_db(transaction=True)
def test_migrating_records_when_each_earlier_pledge_ended_so_newcomers_never_see_that_periods_people():
    pledge = PledgeFactory(status=Pledge.Status.WITHDRAWN)
    ended = PledgeEvent.objects.create(
        pledge=pledge, kind=PledgeEvent.Kind.WITHDRAWN, from_status="approved", to_status="withdrawn"
    )
    PledgeEvent.objects.filter(pk=ended.pk).update(created_at=timezone.now() - datetime.timedelta(days=400))
    try:
        migrate(("organisations", "0010_people_periods_and_details_audit"))
        OrganisationEvent.objects.filter(
            kind=OrganisationEvent.Kind.PERIOD_ENDED
        ).delete()  # as before the release
    finally:
        migrate()
    [period_ended] = OrganisationEvent.objects.filter(kind=OrganisationEvent.Kind.PERIOD_ENDED)
    assert period_ended.organisation_id == pledge.organisation_id
    assert period_ended.created_at == PledgeEvent.objects.get(pk=ended.pk).created_at


@pytest.mark.django_db(transaction=True)
def test_migrating_makes_names_kept_before_the_rule_one_line_of_plain_text():
    try:
        apps = migrate(("organisations", "0011_periods_ended_before_they_were_recorded"))
        organisation = apps.get_model("organisations", "Organisation").objects.create(
            name="Riverside\u202e Housing\r\nTrust", slug="riverside", sector="vcse"
        )
    finally:
        migrate()
    assert Organisation.objects.get(pk=organisation.pk).name == "Riverside Housing Trust"


@pytest.mark.django_db(transaction=True)
def test_migrating_gives_each_email_the_account_that_owned_its_address_then_or_none():
    earlier = OutboxEmailFactory(to="owner@example.org")
    owner = UserFactory(email="owner@example.org")
    later = OutboxEmailFactory(to="owner@example.org")
    nobodys = OutboxEmailFactory(to="nobody@example.org")
    OutboxEmail.objects.filter(pk=earlier.pk).update(
        created_at=owner.date_joined - datetime.timedelta(days=1)
    )
    try:
        migrate(("outbox", "0004_programme_team_permissions"))
    finally:
        migrate()
    recipients = dict(OutboxEmail.objects.values_list("pk", "recipient"))
    # Sent before the account existed: the address may have been someone else's then.
    assert recipients == {earlier.pk: None, later.pk: owner.pk, nobodys.pk: None}
