"""Django admin: every model has a working page for staff, and the programme team group exists."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import PROGRAMME_TEAM_GROUP, User
from tests.factories import OutboxEmailFactory, PledgeFactory

pytestmark = pytest.mark.django_db

OUR_APPS = {"accounts", "organisations", "pledges"}


def test_every_model_of_ours_is_registered_in_admin():
    from django.apps import apps

    ours = {m for m in apps.get_models() if m._meta.app_label in OUR_APPS}
    assert ours <= set(admin.site._registry)


def test_every_admin_list_and_change_page_loads(client):
    client.force_login(User.objects.create_superuser(email="admin@example.org", password="x-long-password"))
    PledgeFactory(approved=True)
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
    assert {"view_pledge", "change_pledge", "view_outboxemail", "add_rejectionreason"} <= codenames
    assert "change_pledgeevent" not in codenames
    assert "delete_pledge" not in codenames
