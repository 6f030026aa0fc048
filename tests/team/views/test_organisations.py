"""The team's pages about organisations: deciding a change of name from its list."""

import pytest

from organisations.models import Organisation
from tests.organisations.test_name_changes import NAME_CHANGES, ask, decision_url, partner

pytestmark = pytest.mark.django_db


def test_the_team_approves_or_declines_from_the_list_with_errors_beside_the_fields(
    client, programme_team_member
):
    organisation, signatory = partner()
    change = ask(organisation, signatory)
    client.force_login(programme_team_member)
    assert [c.pk for c in client.get(NAME_CHANGES).context["waiting"]] == [change.pk]
    response = client.post(decision_url(change), {"decision": "decline", "note": ""})
    assert response.context["form"].errors == {"note": ["Say why the new name is declined"]}
    response = client.post(decision_url(change), {})
    assert response.context["form"].errors == {
        "decision": ["Choose whether to approve or decline the new name"]
    }
    response = client.post(decision_url(change), {"decision": "approve", "note": ""})
    assert response.status_code == 302
    assert response.url == NAME_CHANGES
    assert Organisation.objects.get(pk=organisation.pk).name == "Avon and Severn Youth Trust"
    assert [c.pk for c in client.get(NAME_CHANGES).context["decided"]] == [change.pk]
