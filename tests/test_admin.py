"""Django admin: every model has a working page for staff, the programme team group exists, bounces show."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.models import PROGRAMME_TEAM_GROUP, User
from outbox.models import BouncedAddress, OutboxEmail
from pledges.models import Action, ActionTheme, Pledge, PledgeEvent
from reviews.models import Reminder
from tests.factories import OutboxEmailFactory, PledgeFactory, UserFactory

pytestmark = pytest.mark.django_db

OUR_APPS = {"accounts", "organisations", "pledges", "reviews"}


def test_every_model_of_ours_is_registered_in_admin():
    from django.apps import apps

    ours = {m for m in apps.get_models() if m._meta.app_label in OUR_APPS}
    assert ours <= set(admin.site._registry)


def test_every_admin_list_and_change_page_loads(client):
    client.force_login(User.objects.create_superuser(email="admin@example.org", password="x-long-password"))
    pledge = PledgeFactory(approved=True)
    Reminder.objects.create(cycle=pledge.cycles.get(), kind=Reminder.Kind.UPCOMING)
    OutboxEmailFactory()
    for model in admin.site._registry:
        if model._meta.app_label not in OUR_APPS:
            continue
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        assert client.get(reverse(f"{name}_changelist")).status_code == 200, name
        obj = model._default_manager.first()
        if obj is not None:
            assert client.get(reverse(f"{name}_change", args=[obj.pk])).status_code == 200, name


def test_the_programme_team_group_can_manage_pledges_but_not_rewrite_the_audit_trail():
    codenames = set(
        Group.objects.get(name=PROGRAMME_TEAM_GROUP).permissions.values_list("codename", flat=True)
    )
    assert {
        "view_pledge",
        "change_pledge",
        "view_outboxemail",
        "resend_outboxemail",
        "add_rejectionreason",
    } <= codenames
    assert "change_pledgeevent" not in codenames
    assert "delete_pledge" not in codenames


def superuser():
    return User.objects.create_superuser(email="admin@example.org", password="x-long-password")


def test_the_user_list_shows_and_filters_people_whose_email_bounced(client):
    bounced = UserFactory(email="gone@example.org")
    fine = UserFactory(email="fine@example.org")
    BouncedAddress.objects.create(email="GONE@example.org", reason="550 5.1.1 No such mailbox")
    client.force_login(superuser())
    url = reverse("admin:accounts_user_changelist")
    page = client.get(url).content.decode()
    assert "Email bounced" in page
    assert list(client.get(url, {"email_bounced": "yes"}).context["cl"].result_list) == [bounced]
    assert fine in client.get(url, {"email_bounced": "no"}).context["cl"].result_list
    assert bounced not in client.get(url, {"email_bounced": "no"}).context["cl"].result_list
    assert client.get(url, {"o": "3"}).status_code == 200  # sortable by the column


def test_the_admin_offers_sending_again_only_to_those_with_the_permission(client):
    failed = OutboxEmailFactory(failed=True)
    url = reverse("admin:outbox_outboxemail_changelist")
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_outboxemail"))
    client.force_login(staff)
    assert "send_again" not in client.get(url).content.decode()
    client.post(url, {"action": "send_again", "_selected_action": [failed.pk]})
    failed.refresh_from_db()
    assert failed.status == OutboxEmail.Status.FAILED

    staff.user_permissions.add(Permission.objects.get(codename="resend_outboxemail"))
    client.force_login(staff)
    assert "send_again" in client.get(url).content.decode()
    client.post(url, {"action": "send_again", "_selected_action": [failed.pk]})
    failed.refresh_from_db()
    assert failed.status == OutboxEmail.Status.QUEUED


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def test_a_pledges_admin_page_has_no_status_to_edit_and_a_post_changes_nothing(client):
    pledge = PledgeFactory(submitted=True)
    client.force_login(superuser())
    page = client.get(change_url(pledge)).content.decode()
    assert 'name="status"' not in page
    assert 'name="_save"' not in page
    assert reverse("team:pledge", args=[pledge.pk]) in page  # where the change is made
    response = client.post(
        change_url(pledge), {"status": Pledge.Status.APPROVED, "signatory_name": "Someone"}
    )
    assert response.status_code == 403
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.SUBMITTED
    assert pledge.signatory_name != "Someone"


def records(pledge):
    cycle = pledge.cycles.get()
    return [
        (pledge, reverse("team:pledge", args=[pledge.pk])),
        (cycle, reverse("team:pledge", args=[pledge.pk])),
        (Action.objects.filter(pledge=pledge).first(), reverse("team:pledge", args=[pledge.pk])),
        (
            PledgeEvent.objects.create(pledge=pledge, kind=PledgeEvent.Kind.APPROVED),
            reverse("team:pledge", args=[pledge.pk]),
        ),
        (
            Reminder.objects.create(cycle=cycle, kind=Reminder.Kind.UPCOMING),
            reverse("team:annual_review", kwargs={"cycle_id": cycle.pk}),
        ),
    ]


def test_pledges_actions_cycles_events_and_reminders_are_read_only_and_link_to_the_portal(client):
    client.force_login(superuser())
    for obj, portal_url in records(PledgeFactory(approved=True)):
        name = type(obj).__name__
        admin_page = admin.site._registry[type(obj)]
        request = client.get(change_url(obj)).wsgi_request
        assert not admin_page.has_add_permission(request), name
        assert not admin_page.has_change_permission(request, obj), name
        assert not admin_page.has_delete_permission(request, obj), name
        assert portal_url in client.get(change_url(obj)).content.decode(), name


def test_the_programme_team_can_still_look_up_a_pledge_in_the_admin(client, programme_team_member):
    programme_team_member.is_staff = True
    programme_team_member.save()
    pledge = PledgeFactory(approved=True)
    client.force_login(programme_team_member)
    assert client.get(reverse("admin:pledges_pledge_changelist")).status_code == 200
    assert client.get(change_url(pledge)).status_code == 200


def test_reference_lists_stay_editable_in_the_admin(client):
    client.force_login(superuser())
    theme = ActionTheme.objects.first()
    page = client.get(change_url(theme)).content.decode()
    assert 'name="name"' in page
    assert 'name="_save"' in page
