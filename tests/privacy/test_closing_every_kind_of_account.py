"""After every kind of account closes, through the real service, no page of the portal fails (issue 25 §1).

The pages come from the URLconf, so a new page is crawled too: one with parameters the crawl
cannot fill fails the test until `values_for` says which objects to fill them from.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from organisations.models import Invitation, JoinRequest, Membership, NameChange, OrganisationEvent
from organisations.services import contacts, join_requests, name_changes
from pledges.models import Pledge, RejectionReason, ReviewCycle, SignatoryChange
from pledges.services import decisions, leadership
from privacy.services import close_account
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    OutboxEmailFactory,
    PledgeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Not the portal's own pages: allauth's account pages, the Django admin, the health checks, uploads.
LEFT_OUT = ("accounts/", "admin/", "health/", "^media/")
# A page, a redirect, a refusal, a partner that has left: never a failure.
ANSWERS = {200, 301, 302, 403, 404, 405, 410}


def routes(patterns=None, prefix="", namespace=""):
    """(namespaced name, route, parameter names) of every page in the URLconf."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            route = prefix + str(pattern.pattern)
            if not route.startswith(LEFT_OUT):
                yield namespace + pattern.name, route, sorted(pattern.pattern.converters)


def values_for(name, world):
    """Every set of arguments to fill the page `name` with, from the objects in `world`."""
    pledges = [{"pk": pk} for pk in Pledge.objects.values_list("pk", flat=True)]
    cycles = [{"cycle_id": pk} for pk in ReviewCycle.objects.values_list("pk", flat=True)]
    organisations = [{"organisation_id": pk} for pk in world["organisations"]]
    arguments = {
        "pledges:": pledges,
        "team:": pledges,
        "reviews:": [{**cycle, "number": number} for cycle in cycles for number in (1, 2)],
        "pledges:sign_action": [{**pledge, "number": 1} for pledge in pledges],
        "pledges:reaffirm_as_signatory": [
            {"pk": change.pledge_id, "change_id": change.pk} for change in SignatoryChange.objects.all()
        ],
        "team:annual_review": cycles,
        "team:more_time": cycles,
        "team:report_year": [{"year": timezone.localdate().year}],
        "team:version": [{"number": 1}],
        "team:edit_version": [{"number": 1}],
        "team:preview_version": [{"number": 1}],
        "team:remind_version": [{"number": 1}],
        "organisations:edit": [{"pk": pk} for pk in world["organisations"]],
        "organisations:": organisations,
        "organisations:remove_contact": [
            {"organisation_id": m.organisation_id, "membership_id": m.pk} for m in Membership.objects.all()
        ],
        "organisations:revoke_invitation": [
            {"organisation_id": i.organisation_id, "invitation_id": i.pk} for i in Invitation.objects.all()
        ],
        "organisations:join_request": [{"pk": pk} for pk in JoinRequest.objects.values_list("pk", flat=True)],
        "organisations:answer_join_request": [
            {"pk": pk} for pk in JoinRequest.objects.values_list("pk", flat=True)
        ],
        "team:name_change": [{"change_id": pk} for pk in NameChange.objects.values_list("pk", flat=True)],
        "organisations:accept_invitation": [{"token": token} for token in world["tokens"]],
        "directory:": [{"slug": slug} for slug in world["slugs"]],
        "directory:action": [{"pk": pk} for pk in world["actions"]],
        "directory:report_year": [{"year": timezone.localdate().year}],
        "directory:report_pdf": [{"year": timezone.localdate().year}],
        "directory:report_chart_csv": [{"year": timezone.localdate().year, "slug": "partners-by-sector"}],
        "directory:pledge_version": [{"number": 1}],
    }
    return arguments.get(name, arguments.get(name.split(":")[0] + ":"))


def pages(world):
    """The address of every page, filled with every object it can show."""
    for name, route, parameters in routes():
        if not parameters:
            yield reverse(name)
            continue
        filled = values_for(name, world)
        assert filled is not None, f"Say in values_for which objects fill {route} ({name})"
        for kwargs in filled:
            kwargs = {key: value for key, value in kwargs.items() if key in parameters}
            assert set(kwargs) == set(parameters), f"{name} needs {parameters}, the crawl gives {kwargs}"
            yield reverse(name, kwargs=kwargs)


@pytest.fixture
def world(programme_team_member):
    """Every kind of person a partner or the team has, each leaving a trace, then closing their account."""
    reason = RejectionReason.objects.first() or RejectionReason.objects.create(code="test", label="Test")
    tokens, gone = [], []

    # A leader with a draft, and one whose draft waits for changes.
    draft = PledgeFactory()
    changes = PledgeFactory(submitted=True)
    decisions.request_changes(pledge=changes, by=programme_team_member, message="Say more")
    # The signatory of a submitted pledge (the team's queue), of a rejected one, and of an approved one.
    submitted = PledgeFactory(submitted=True)
    rejected = PledgeFactory(submitted=True)
    decisions.reject_pledge(pledge=rejected, by=programme_team_member, reason=reason, note="Not eligible")
    approved = PledgeFactory(submitted=True)
    decisions.approve_pledge(pledge=approved, by=programme_team_member, note="Welcome")
    decisions.add_internal_note(pledge=approved, by=programme_team_member, note="Checked the website")
    organisation = approved.organisation
    signatory = approved.created_by
    # A contact who stays, and a contact who goes, each having invited someone.
    stays = MembershipFactory(organisation=organisation, role=Membership.Role.CONTACT).user
    contact = MembershipFactory(organisation=organisation, role=Membership.Role.CONTACT).user
    for email, by in [("a@example.org", contact), ("b@example.org", signatory)]:
        tokens.append(contacts.invite_contact(organisation=organisation, email=email, by=by)[1])
    # The signatory asked for a new signatory and a new name; the contact answered a request to join.
    leadership.start_signatory_change(pledge=approved, by=signatory, new_signatory=contact)
    name_changes.request_name_change(
        organisation=organisation, by=signatory, new_name="A New Name", reason="We merged"
    )
    asker = UserFactory()
    asked = join_requests.request_to_join(organisation=organisation, by=asker)
    join_requests.answer_join_request(join_request=asked, by=contact, approve=True)
    waiting = join_requests.request_to_join(organisation=organisation, by=UserFactory())
    # A withdrawn partner, and a request to join a partner whose people are all gone.
    withdrawn = PledgeFactory(approved=True)
    decisions.withdraw_pledge(pledge=withdrawn, by=programme_team_member, reason="Closed down")
    join_requests.request_to_join(organisation=withdrawn.organisation, by=UserFactory())
    # A team member who decides on pledges, names and requests, then leaves.
    leaver = UserFactory(programme_team=True)
    another = PledgeFactory(submitted=True)
    decisions.approve_pledge(pledge=another, by=leaver)
    change = NameChange.objects.get(organisation=organisation)
    name_changes.decline_name_change(change=change, by=leaver, note="Keep the old name")
    join_requests.answer_join_request(join_request=waiting, by=leaver, approve=False)
    ReviewCycle.objects.filter(pledge=approved).update(reviewed_by=contact, reviewed_at=timezone.now())
    OutboxEmailFactory(to=signatory.email, failed=True, about=approved)

    for person in [
        draft.created_by,
        changes.created_by,
        submitted.created_by,
        rejected.created_by,
        signatory,
        contact,
        withdrawn.created_by,
        another.created_by,
        leaver,
    ]:
        gone.append(person.pk)
        close_account(user=person)
    assert not Membership.objects.filter(user_id__in=gone).exists()
    assert OrganisationEvent.objects.filter(organisation=organisation).exists()
    partners = Pledge.objects.filter(status=Pledge.Status.APPROVED).select_related("organisation")
    return {
        "organisations": [organisation.pk, withdrawn.organisation_id, OrganisationFactory().pk],
        "slugs": [pledge.organisation.slug for pledge in partners] + [withdrawn.organisation.slug],
        "actions": list(approved.actions.values_list("pk", flat=True)) or [1],
        "tokens": tokens,
        "remaining": [stays, asker],
    }


def test_no_page_fails_once_every_kind_of_account_has_closed(client, world, programme_team_member):
    addresses = list(dict.fromkeys(pages(world)))
    visitors = {"anonymous": None, "the programme team": programme_team_member}
    visitors |= {f"partner {person.email}": person for person in world["remaining"]}
    client.raise_request_exception = False  # a failing page answers 500, and the crawl lists them all
    failures = []
    for who, person in visitors.items():
        client.logout()
        if person is not None:
            client.force_login(person)
        for address in addresses:
            status = client.get(address).status_code
            if status not in ANSWERS:
                failures.append(f"{who}: GET {address} answered {status}")
    assert failures == [], "\n".join(failures)
