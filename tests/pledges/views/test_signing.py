"""The signing journey's pages: each step validates, keeps what was typed, and guards its pledge."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from organisations.models import Area, Membership
from outbox.models import OutboxEmail
from pledges.models import ActionTheme, Commitment, Pledge, PledgeEvent
from tests.factories import ActionFactory, OrganisationFactory, PledgeFactory, UserFactory
from tests.support.signing import new_organisation_data, url

pytestmark = pytest.mark.django_db


def about_you_data(**overrides):
    return {
        "signatory_name": "Sam Okafor",
        "signatory_job_title": "Chair",
        "signatory_role": Pledge.SignatoryRole.LEADER,
        "leader_name": "",
        "leader_job_title": "",
        **overrides,
    }


def action_data(n, **overrides):
    """What a person posts on the page of action `n`; overrides are keyed by field name."""
    themes = list(ActionTheme.objects.order_by("position"))
    commitments = list(Commitment.objects.filter(version__number=1).order_by("number"))
    data = {
        "theme": themes[n - 1].pk,
        "title": f"Our action number {n}",
        "description": f"What we will do for action {n}.",
        "is_continuing": "True" if n == 1 else "False",
        "commitments": [commitments[n - 1].pk, commitments[n].pk],
        "target_date_day": "",
        "target_date_month": "",
        "target_date_year": "",
    } | overrides
    return {f"action-{n}-{name}": value for name, value in data.items()}


def what_to_show_data(**overrides):
    return {"show_actions": "True", "show_signatory": "False", "show_logo": "True", **overrides}


def action_url(pledge, n, query=""):
    return reverse("pledges:sign_action", kwargs={"pk": pledge.pk, "number": n}) + query


def test_the_whole_journey_works_with_plain_html_forms_and_no_javascript(
    client, user, django_capture_on_commit_callbacks
):
    client.force_login(user)
    start = client.get(reverse("pledges:sign_start"))
    assert reverse("pledges:sign_organisation") in start.content.decode()

    search = client.get(reverse("pledges:sign_organisation"), {"q": "Hartcliffe"})
    assert "No organisations match" in search.content.decode()

    response = client.post(reverse("pledges:sign_new_organisation"), new_organisation_data())
    pledge = Pledge.objects.get(organisation__name="Hartcliffe Community Larder")
    assert response.url == url("sign_about_you", pledge)
    assert Membership.objects.get(user=user, organisation=pledge.organisation).role == "signatory"

    assert client.post(url("sign_about_you", pledge), about_you_data()).url == url("sign_commitments", pledge)
    assert client.post(url("sign_commitments", pledge), {"agree": "on"}).url == action_url(pledge, 1)
    assert client.post(action_url(pledge, 1), action_data(1)).url == action_url(pledge, 2)
    assert client.post(action_url(pledge, 2), action_data(2)).url == url("sign_actions", pledge)
    assert url("sign_what_to_show", pledge) in client.get(url("sign_actions", pledge)).content.decode()
    assert client.post(url("sign_what_to_show", pledge), what_to_show_data()).url == url("sign_check", pledge)
    check = client.get(url("sign_check", pledge))
    assert "Still to do" not in check.content.decode()
    assert client.get(url("sign_declaration", pledge)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("sign_declaration", pledge), {"declaration_name": "  sam   OKAFOR "})
    assert response.url == url("sign_submitted", pledge)

    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.SUBMITTED
    assert pledge.submitted_at is not None
    assert OutboxEmail.objects.about(pledge).count() == 2
    confirmation = client.get(url("sign_submitted", pledge)).content.decode()
    assert pledge.reference in confirmation
    assert "10 working days" in confirmation


def test_about_you_keeps_what_was_typed_and_asks_an_authorised_representative_for_their_leader(
    signed_in, draft
):
    data = about_you_data(signatory_role=Pledge.SignatoryRole.AUTHORISED, signatory_name="Jo <b>Smith</b>")
    page = signed_in.post(url("sign_about_you", draft), data).content.decode()
    assert "Enter your leader&#x27;s full name, as you are signing for them" in page
    assert "Jo &lt;b&gt;Smith&lt;/b&gt;" in page  # kept, and escaped
    draft.refresh_from_db()
    assert draft.signatory_role == Pledge.SignatoryRole.LEADER  # nothing saved


def test_about_you_as_the_leader_clears_any_leader_details(signed_in, draft):
    draft.leader_name = "Someone Else"
    draft.save()
    signed_in.post(url("sign_about_you", draft), about_you_data(leader_name="Ignored"))
    draft.refresh_from_db()
    assert draft.leader_name == ""


def test_the_commitments_step_shows_all_eight_in_full_and_needs_the_box_ticked(signed_in, draft):
    draft.agreed_to_commitments_at = None
    draft.save()
    page = signed_in.post(url("sign_commitments", draft), {}).content.decode()
    for commitment in Commitment.objects.filter(version=draft.version):
        assert commitment.text[:80] in page
    assert "Confirm that your organisation agrees to all of the commitments" in page
    draft.refresh_from_db()
    assert draft.agreed_to_commitments_at is None


def test_each_action_has_its_own_page_and_keeps_what_was_typed_with_its_errors(signed_in, draft):
    data = action_data(2, commitments=[], description="Keep <this> text")
    response = signed_in.post(action_url(draft, 2), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose at least one commitment this action serves" in page
    assert "Keep &lt;this&gt; text" in page
    assert page.count('name="action-2-title"') == 1
    assert "action-1-" not in page
    assert not draft.actions.exists()


def test_the_valid_answers_of_an_unfinished_action_are_kept_for_when_the_person_returns(signed_in, draft):
    signed_in.post(action_url(draft, 1), action_data(1))
    signed_in.post(action_url(draft, 2), action_data(2, title="", commitments=[], description="Half done"))
    draft.refresh_from_db()
    assert draft.actions.get().number == 1
    assert draft.action_drafts["2"]["description"] == "Half done"
    assert "title" not in draft.action_drafts["2"]

    page = signed_in.get(action_url(draft, 2)).content.decode()
    assert "Half done" in page
    assert "Our action number 1" in signed_in.get(action_url(draft, 1)).content.decode()
    summary = signed_in.get(url("sign_actions", draft)).content.decode()
    assert "Our action number 1" in summary
    assert "Describe action 2</a>: what you have answered so far is kept" in summary
    assert url("sign_what_to_show", draft) not in summary


def test_save_and_come_back_later_keeps_the_valid_answers_without_showing_errors(signed_in, draft):
    data = action_data(1, title="", target_date_day="31", target_date_month="2", target_date_year="2027")
    response = signed_in.post(action_url(draft, 1), data | {"save_for_later": ""})
    assert response.url == reverse("pledges:my_pledges")
    draft.refresh_from_db()
    assert draft.action_drafts["1"]["description"] == "What we will do for action 1."
    assert "target_date" not in draft.action_drafts["1"]  # 31 February is not a date, so it is not kept


def test_leaving_the_page_keeps_the_valid_answers_quietly(signed_in, draft):
    data = action_data(2, title="", description="Typed before leaving")
    response = signed_in.post(action_url(draft, 2), data | {"save_on_leave": ""})
    assert response.status_code == 204
    draft.refresh_from_db()
    assert draft.action_drafts["2"]["description"] == "Typed before leaving"
    assert not draft.actions.exists()


def test_a_saved_action_replaces_its_draft(signed_in, draft):
    signed_in.post(action_url(draft, 1), action_data(1, title=""))
    signed_in.post(action_url(draft, 1), action_data(1))
    draft.refresh_from_db()
    assert draft.action_drafts == {}


def test_the_actions_are_saved_as_draft_actions_and_edited_in_place(signed_in, draft):
    signed_in.post(action_url(draft, 1), action_data(1))
    signed_in.post(action_url(draft, 2), action_data(2))
    signed_in.post(action_url(draft, 2), action_data(2, title="A better title"))
    assert sorted(draft.actions.values_list("number", "title")) == [
        (1, "Our action number 1"),
        (2, "A better title"),
    ]
    assert all(action.cycle is None for action in draft.actions.all())


def test_the_target_date_is_a_day_month_and_year_and_comes_back_as_typed_when_wrong(signed_in, draft):
    wrong = action_data(1, target_date_day="31", target_date_month="13", target_date_year="2027")
    page = signed_in.post(action_url(draft, 1), wrong).content.decode()
    assert "Enter the target date as a real date" in page
    assert (
        'name="action-1-target_date_month" type="text" inputmode="numeric" autocomplete="off" value="13"'
        in page
    )
    assert 'href="#id_action-1-target_date_0"' in page
    assert "<title>Error: " in page
    next_month = timezone.localdate() + timedelta(days=31)
    right = action_data(
        1,
        target_date_day=str(next_month.day),
        target_date_month=str(next_month.month),
        target_date_year=str(next_month.year),
    )
    signed_in.post(action_url(draft, 1), right)
    assert draft.actions.get().target_date == next_month


def test_an_action_page_shows_the_pledges_examples_above_the_fields(signed_in, draft):
    page = signed_in.get(action_url(draft, 1)).content.decode()
    assert page.index("Examples from the pledge") < page.index('name="action-1-theme"')
    assert "Setting up an organisational trauma-informed steering group" in page


def test_there_are_only_two_actions(signed_in, draft):
    assert signed_in.get(action_url(draft, 3)).status_code == 404


def test_a_change_link_for_an_action_goes_to_its_field_and_focuses_it(signed_in, draft):
    ActionFactory(pledge=draft, number=1)
    ActionFactory(pledge=draft, number=2)
    check = signed_in.get(url("sign_check", draft)).content.decode()
    link = action_url(draft, 2, "?next=check&amp;field=title#id_action-2-title")
    assert link in check
    page = signed_in.get(action_url(draft, 2, "?next=check&field=title")).content.decode()
    [title_input] = re.findall(r'<input[^>]*name="action-2-title"[^>]*>', page)
    assert "autofocus" in title_input
    assert page.count("autofocus") == 1
    response = signed_in.post(action_url(draft, 2, "?next=check"), action_data(2))
    assert response.url == url("sign_check", draft)


def test_the_page_title_starts_with_error_when_any_form_on_it_has_errors(signed_in, draft):
    page = signed_in.post(action_url(draft, 1), action_data(1, title="")).content.decode()
    assert "<title>Error: Action 1" in page
    assert "<title>Action 1" in signed_in.get(action_url(draft, 1)).content.decode()


def test_what_to_show_comes_with_no_answer_chosen_and_requires_each_choice(signed_in, draft):
    page = signed_in.get(url("sign_what_to_show", draft)).content.decode()
    assert " checked" not in page
    response = signed_in.post(url("sign_what_to_show", draft), what_to_show_data(show_actions=""))
    assert "Say whether we may publish your two actions and their progress" in response.content.decode()


def test_what_to_show_asks_about_the_logo_only_when_there_is_one(signed_in, draft):
    draft.organisation.logo = "logos/larder.png"
    draft.organisation.save()
    assert 'name="show_logo"' in signed_in.get(url("sign_what_to_show", draft)).content.decode()
    draft.organisation.logo = ""
    draft.organisation.save()
    page = signed_in.get(url("sign_what_to_show", draft)).content.decode()
    assert 'name="show_logo"' not in page
    signed_in.post(url("sign_what_to_show", draft), what_to_show_data(show_logo=""))
    draft.refresh_from_db()
    assert (draft.show_actions, draft.show_logo) == (True, False)
    assert "Show your logo" not in signed_in.get(url("sign_check", draft)).content.decode()


def test_a_change_link_returns_to_check_your_answers(signed_in, draft):
    ActionFactory(pledge=draft, number=1)
    ActionFactory(pledge=draft, number=2)
    check = signed_in.get(url("sign_check", draft)).content.decode()
    assert url("sign_about_you", draft, "?next=check") in check
    response = signed_in.post(url("sign_about_you", draft, "?next=check"), about_you_data())
    assert response.url == url("sign_check", draft)


def test_check_your_answers_lists_what_is_still_to_do_and_the_declaration_waits_for_it(signed_in, draft):
    page = signed_in.get(url("sign_check", draft)).content.decode()
    assert "Still to do" in page
    assert url("sign_declaration", draft) not in page
    assert signed_in.get(url("sign_declaration", draft)).url == url("sign_check", draft)


def test_the_declaration_needs_the_name_given_in_about_you(signed_in, user):
    pledge = PledgeFactory(created_by=user, signatory_name="Sam Okafor")
    response = signed_in.post(url("sign_declaration", pledge), {"declaration_name": "Sam Smith"})
    assert "Type your full name exactly as you gave it" in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.DRAFT


def test_submitting_twice_gives_one_submission(signed_in, user, django_capture_on_commit_callbacks):
    pledge = PledgeFactory(created_by=user, signatory_name="Sam Okafor")
    with django_capture_on_commit_callbacks(execute=True):
        first = signed_in.post(url("sign_declaration", pledge), {"declaration_name": "Sam Okafor"})
        second = signed_in.post(url("sign_declaration", pledge), {"declaration_name": "Sam Okafor"})
    assert first.url == second.url == url("sign_submitted", pledge)
    assert pledge.events.filter(kind=PledgeEvent.Kind.SUBMITTED).count() == 1
    assert OutboxEmail.objects.about(pledge).count() == 2


@pytest.mark.parametrize(
    "step", ["sign_continue", "sign_about_you", "sign_commitments", "sign_actions", "sign_what_to_show"]
)
def test_another_persons_pledge_is_not_found(client, step):
    pledge = PledgeFactory()
    client.force_login(UserFactory())
    assert client.get(url(step, pledge)).status_code == 404
    assert client.post(url(step, pledge), {}).status_code == 404


def test_action_pages_need_sign_in_and_are_not_found_for_anyone_else(client):
    pledge = PledgeFactory()
    for n in (1, 2):
        assert client.get(action_url(pledge, n)).url.startswith(reverse("account_login"))
        assert client.post(action_url(pledge, n), action_data(n)).url.startswith(reverse("account_login"))
    client.force_login(UserFactory())
    for n in (1, 2):
        assert client.get(action_url(pledge, n)).status_code == 404
        assert client.post(action_url(pledge, n), action_data(n)).status_code == 404


@pytest.mark.parametrize("step", ["sign_check", "sign_declaration", "sign_submitted"])
def test_another_persons_pledge_pages_are_not_found(client, step):
    pledge = PledgeFactory(submitted=step == "sign_submitted")
    client.force_login(UserFactory())
    assert client.get(url(step, pledge)).status_code == 404


def test_a_forged_status_or_organisation_in_a_post_is_ignored(signed_in, draft):
    other = OrganisationFactory()
    data = about_you_data() | {"status": "approved", "organisation": other.pk, "signed_on": "2020-01-01"}
    signed_in.post(url("sign_about_you", draft), data)
    signed_in.post(url("sign_what_to_show", draft), what_to_show_data() | {"status": "approved"})
    draft.refresh_from_db()
    assert draft.status == Pledge.Status.DRAFT
    assert draft.organisation != other
    assert draft.signed_on is None


def test_a_submitted_pledge_can_no_longer_be_edited(signed_in, user):
    pledge = PledgeFactory(created_by=user, submitted=True)
    response = signed_in.post(url("sign_about_you", pledge), about_you_data(signatory_name="Changed"))
    assert response.url == url("sign_submitted", pledge)
    pledge.refresh_from_db()
    assert pledge.signatory_name != "Changed"


def test_when_changes_are_requested_the_journey_reopens_and_resubmits(
    signed_in, user, django_capture_on_commit_callbacks
):
    pledge = PledgeFactory(
        created_by=user,
        submitted=True,
        status=Pledge.Status.CHANGES_REQUESTED,
        changes_requested_message="Please say who leads action 2.",
    )
    my = signed_in.get(reverse("pledges:my_pledges")).content.decode()
    assert "Please say who leads action 2." in my
    assert "Edit and resubmit" in my
    check = signed_in.get(url("sign_check", pledge)).content.decode()
    assert "Please say who leads action 2." in check
    signed_in.post(action_url(pledge, 2, "?next=check"), action_data(2))
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(url("sign_declaration", pledge), {"declaration_name": pledge.signatory_name})
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.SUBMITTED
    assert pledge.events.filter(kind=PledgeEvent.Kind.RESUBMITTED).count() == 1


def test_check_your_answers_uses_the_same_number_of_queries_however_much_there_is(
    signed_in, user, django_assert_max_num_queries
):
    pledge = PledgeFactory(created_by=user)
    with django_assert_max_num_queries(14) as small:
        signed_in.get(url("sign_check", pledge))
    for action in pledge.actions.all():
        action.commitments.set(Commitment.objects.filter(version=pledge.version))
    pledge.organisation.areas.set(Area.objects.all())
    with django_assert_max_num_queries(len(small.captured_queries)):
        signed_in.get(url("sign_check", pledge))
