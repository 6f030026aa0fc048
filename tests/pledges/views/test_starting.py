"""Starting a pledge: the start page, and finding, choosing or adding the organisation."""

import pytest
from django.urls import reverse

from organisations.models import Organisation
from pledges.models import Pledge, PledgeEvent
from tests.factories import OrganisationFactory, PledgeFactory, UserFactory
from tests.support.signing import new_organisation_data, url

pytestmark = pytest.mark.django_db


def test_the_start_page_sends_a_signed_out_person_to_create_an_account_then_back(client):
    page = client.get(reverse("pledges:sign_start")).content.decode()
    assert f"{reverse('account_signup')}?next={reverse('pledges:sign_organisation')}" in page
    assert f"{reverse('account_login')}?next={reverse('pledges:sign_organisation')}" in page


def test_the_start_page_offers_a_signed_in_person_their_draft(signed_in, draft):
    page = signed_in.get(reverse("pledges:sign_start")).content.decode()
    assert "Continue your pledge" in page
    assert url("sign_continue", draft) in page


def test_continuing_a_draft_goes_to_its_first_unanswered_step(signed_in, draft):
    draft.agreed_to_commitments_at = None
    draft.save()
    assert signed_in.get(url("sign_continue", draft)).url == url("sign_commitments", draft)


def test_the_organisation_step_refuses_an_unverified_account(client):
    unverified = UserFactory(verified=False)
    client.force_login(unverified)
    response = client.get(reverse("pledges:sign_organisation"))
    assert response.status_code == 200
    assert "account/verified_email_required.html" in [t.name for t in response.templates]
    response = client.post(reverse("pledges:sign_new_organisation"), new_organisation_data())
    assert not Organisation.objects.filter(name="Hartcliffe Community Larder").exists()


def test_the_organisation_step_needs_sign_in(client):
    response = client.get(reverse("pledges:sign_organisation"))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_searching_lists_matching_organisations_and_says_which_already_have_a_pledge(signed_in):
    free = OrganisationFactory(name="Bristol Mind")
    taken = PledgeFactory(submitted=True, organisation__name="Mind in Bristol").organisation
    page = signed_in.get(reverse("pledges:sign_organisation"), {"q": "bristol mind"}).content.decode()
    assert free.name in page
    assert taken.name in page
    assert "already has a pledge" in page
    assert f'value="{taken.pk}"' not in page  # no Choose button for it


def test_choosing_an_organisation_starts_a_draft_and_makes_you_its_signatory(signed_in, user):
    organisation = OrganisationFactory()
    response = signed_in.post(reverse("pledges:sign_choose_organisation"), {"organisation": organisation.pk})
    pledge = Pledge.objects.get(organisation=organisation)
    assert response.url == url("sign_about_you", pledge)
    assert pledge.created_by == user
    assert PledgeEvent.objects.filter(pledge=pledge, kind=PledgeEvent.Kind.CREATED).count() == 1


def test_choosing_an_organisation_with_a_live_pledge_says_so_and_offers_the_programme_team(
    signed_in, settings
):
    existing = PledgeFactory(approved=True)
    response = signed_in.post(
        reverse("pledges:sign_choose_organisation"), {"organisation": existing.organisation.pk}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "already has a pledge" in page
    assert f"mailto:{settings.PROGRAMME_TEAM_EMAIL}" in page
    assert Pledge.objects.filter(organisation=existing.organisation).count() == 1


def test_an_exact_duplicate_of_an_organisation_with_a_pledge_says_what_to_do_instead(signed_in, settings):
    existing = PledgeFactory(approved=True).organisation
    data = new_organisation_data(name=f" {existing.name.upper()} ")
    page = signed_in.post(reverse("pledges:sign_new_organisation"), data).content.decode()
    assert "Search for it and choose it" not in page
    assert "already has a pledge, so it cannot be chosen" in page
    assert "ask the person who signed it to add you as a contact" in page
    assert settings.PROGRAMME_TEAM_EMAIL in page
    assert "<title>Error: " in page


def test_an_exact_duplicate_without_a_pledge_is_to_be_searched_for_and_chosen(signed_in):
    existing = OrganisationFactory()
    page = signed_in.post(
        reverse("pledges:sign_new_organisation"), new_organisation_data(name=existing.name)
    ).content.decode()
    assert "Search for it and choose it" in page


def test_a_new_organisation_like_an_existing_one_is_shown_as_a_possible_match_first(signed_in):
    existing = OrganisationFactory(
        name="Hartcliffe Community Larder Ltd", website="https://other.example.org"
    )
    response = signed_in.post(reverse("pledges:sign_new_organisation"), new_organisation_data())
    page = response.content.decode()
    assert "Is your organisation one of these?" in page
    assert existing.name in page
    assert 'value="Hartcliffe Community Larder"' in page  # what was typed is kept
    assert Organisation.objects.count() == 1

    data = new_organisation_data(name="Hartcliffe Community Larder Two") | {"not_a_duplicate": "yes"}
    response = signed_in.post(reverse("pledges:sign_new_organisation"), data)
    assert response.status_code == 302
    assert Organisation.objects.filter(name="Hartcliffe Community Larder Two").exists()


def test_a_new_organisation_with_errors_keeps_what_was_typed(signed_in):
    response = signed_in.post(
        reverse("pledges:sign_new_organisation"), new_organisation_data(sector="", website="not a website")
    )
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Choose the sector it works in" in page
    assert 'value="Hartcliffe Community Larder"' in page
    assert "A community food larder run by volunteers." in page
    assert not Organisation.objects.filter(name="Hartcliffe Community Larder").exists()


def test_the_start_page_names_everything_that_is_published(client):
    page = client.get(reverse("pledges:sign_start")).content.decode()
    published = page.split("What we publish and what stays private")[1].split("What happens next")[0]
    for item in ("name", "kind of body", "sector", "areas it serves", "website", "short description", "date"):
        assert item in published


def test_searching_organisations_uses_the_same_number_of_queries_however_many_match(
    signed_in, django_assert_max_num_queries
):
    OrganisationFactory(name="Bristol Mind")
    with django_assert_max_num_queries(10) as few:
        signed_in.get(reverse("pledges:sign_organisation"), {"q": "bristol"})
    for n in range(6):
        PledgeFactory(organisation__name=f"Bristol Partner {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = signed_in.get(reverse("pledges:sign_organisation"), {"q": "bristol"}).content.decode()
    assert "Bristol Partner 5" in page
