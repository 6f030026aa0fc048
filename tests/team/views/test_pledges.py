"""The programme team's pages: who may reach them, what they show, and thin views over the services."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import PROGRAMME_TEAM_GROUP
from organisations.models import Membership
from outbox.models import BouncedAddress, OutboxEmail
from pledges.models import DECISIONS, Pledge, PledgeEvent, RejectionReason, working_days_between
from pledges.services import decisions, signing
from tests.factories import MembershipFactory, PledgeFactory, UserFactory, bulk_pledges

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted_pledge(db):
    return PledgeFactory(submitted=True)


def page_urls(pledge):
    return [
        reverse("team:queue"),
        reverse("team:queue") + "?status=approved",
        reverse("team:pledge", args=[pledge.pk]),
        reverse("team:dashboard"),
        reverse("team:report"),
        reverse("team:report_year", args=[timezone.localdate().year]),
        reverse("team:failed_emails"),
        reverse("team:export_partners"),
        reverse("team:export_actions"),
        reverse("team:export_decisions"),
        reverse("team:join_requests"),
        reverse("team:versions"),
        reverse("team:version", args=[1]),
        reverse("team:lapsing"),
        reverse("team:name_changes"),
    ]


def decision_posts(pledge):
    """Every decision endpoint with valid data for a submitted pledge."""
    reason = RejectionReason.objects.filter(is_active=True).first()
    return [
        (reverse("team:approve", args=[pledge.pk]), {}),
        (reverse("team:request_changes", args=[pledge.pk]), {"changes-message": "Please name your leader."}),
        (reverse("team:reject", args=[pledge.pk]), {"reject-reason": reason.pk, "reject-note": ""}),
        (reverse("team:withdraw", args=[pledge.pk]), {"withdraw-reason": "Asked to"}),
        (reverse("team:reinstate", args=[pledge.pk]), {"reinstate-note": ""}),
        (reverse("team:add_note", args=[pledge.pk]), {"note-note": "Checked with their office."}),
    ]


def signatory(pledge):
    return pledge.created_by


def staff_outside_the_group(pledge):
    return UserFactory(is_staff=True)


def assert_nothing_changed(pledge):
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.SUBMITTED
    assert not PledgeEvent.objects.filter(pledge=pledge).exists()
    assert not OutboxEmail.objects.exists()


# Permissions matrix -----------------------------------------------------------------


def test_anyone_signed_out_is_sent_to_sign_in_from_every_team_page_and_decision(client, submitted_pledge):
    for url in page_urls(submitted_pledge):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url
    for url, data in decision_posts(submitted_pledge):
        response = client.post(url, data)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url
    assert_nothing_changed(submitted_pledge)


@pytest.mark.parametrize(
    "who", [signatory, staff_outside_the_group], ids=["signatory", "staff outside the group"]
)
def test_people_outside_the_programme_team_are_forbidden_and_change_nothing(client, submitted_pledge, who):
    client.force_login(who(submitted_pledge))
    for url in page_urls(submitted_pledge):
        assert client.get(url).status_code == 403, url
    for url, data in decision_posts(submitted_pledge):
        assert client.post(url, data).status_code == 403, url
    assert_nothing_changed(submitted_pledge)


def test_the_programme_team_can_open_every_team_page(client, submitted_pledge, programme_team_member):
    client.force_login(programme_team_member)
    for url in page_urls(submitted_pledge):
        assert client.get(url).status_code == 200, url


def test_a_superuser_counts_as_programme_team(client, submitted_pledge):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(reverse("team:queue")).status_code == 200


def test_a_get_to_any_decision_url_changes_nothing(client, submitted_pledge, programme_team_member):
    client.force_login(programme_team_member)
    for url, _data in decision_posts(submitted_pledge):
        assert client.get(url).status_code == 405, url
    assert_nothing_changed(submitted_pledge)


def test_decisions_need_a_csrf_token(submitted_pledge, programme_team_member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(programme_team_member)
    response = client.post(reverse("team:approve", args=[submitted_pledge.pk]))
    assert response.status_code == 403
    assert_nothing_changed(submitted_pledge)


def test_the_programme_team_can_make_each_decision_through_its_endpoint(client, programme_team_member):
    client.force_login(programme_team_member)
    expected = {
        "team:approve": Pledge.Status.APPROVED,
        "team:request_changes": Pledge.Status.CHANGES_REQUESTED,
        "team:reject": Pledge.Status.REJECTED,
    }
    for name, status in expected.items():
        pledge = PledgeFactory(submitted=True)
        url, data = next((u, d) for u, d in decision_posts(pledge) if u == reverse(name, args=[pledge.pk]))
        response = client.post(url, data)
        assert response.status_code == 302
        assert response.url == reverse("team:pledge", args=[pledge.pk])
        pledge.refresh_from_db()
        assert pledge.status == status


# The queue -----------------------------------------------------------------------------


def test_the_queue_lists_waiting_pledges_oldest_first_with_days_waiting(
    client, programme_team_member, time_machine
):
    time_machine.move_to("2026-11-02 10:00 +00:00")  # a Monday
    oldest = PledgeFactory(submitted=True)
    time_machine.move_to("2026-11-16 10:00 +00:00")
    newest = PledgeFactory(submitted=True)
    PledgeFactory(approved=True)
    time_machine.move_to("2026-11-17 10:00 +00:00")
    client.force_login(programme_team_member)
    response = client.get(reverse("team:queue"))
    assert list(response.context["pledges"]) == [oldest, newest]
    assert [p.working_days_waiting for p in response.context["pledges"]] == [11, 1]
    assert [p.is_decision_overdue for p in response.context["pledges"]] == [True, False]
    assert response.content.decode().count("Overdue") == 1


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        ("2026-11-06", "2026-11-09", 1),  # Friday to Monday
        ("2026-11-02", "2026-11-09", 5),  # a whole week
        ("2026-11-07", "2026-11-08", 0),  # a weekend
        ("2026-11-04", "2026-11-04", 0),
        ("2026-11-04", "2026-11-25", 15),
    ],
)
def test_working_days_count_monday_to_friday_only(start, end, days):
    assert working_days_between(datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)) == days


def test_the_decision_target_comes_from_settings(settings, time_machine):
    settings.DECISION_TARGET_WORKING_DAYS = 2
    time_machine.move_to("2026-11-02 10:00 +00:00")
    pledge = PledgeFactory(submitted=True)
    time_machine.move_to("2026-11-05 10:00 +00:00")
    assert pledge.working_days_waiting == 3
    assert pledge.is_decision_overdue


def test_a_resubmitted_pledge_is_marked_in_the_queue(client, programme_team_member):
    pledge = PledgeFactory(submitted=True)
    PledgeEvent.objects.create(pledge=pledge, kind=PledgeEvent.Kind.RESUBMITTED, to_status=pledge.status)
    client.force_login(programme_team_member)
    response = client.get(reverse("team:queue"))
    assert "Resubmitted" in response.content.decode()


@pytest.mark.parametrize(
    ("tab", "status"),
    [
        ("changes_requested", Pledge.Status.CHANGES_REQUESTED),
        ("approved", Pledge.Status.APPROVED),
        ("rejected", Pledge.Status.REJECTED),
        ("withdrawn", Pledge.Status.WITHDRAWN),
    ],
)
def test_each_tab_lists_its_own_pledges_and_marks_itself_current(client, programme_team_member, tab, status):
    shown = PledgeFactory(approved=True)
    Pledge.objects.filter(pk=shown.pk).update(status=status)
    PledgeFactory(submitted=True)
    client.force_login(programme_team_member)
    response = client.get(reverse("team:queue"), {"status": tab})
    assert list(response.context["pledges"]) == [shown]
    assert f'href="/team/?status={tab}" aria-current="page"' in response.content.decode()


def test_the_tabs_link_to_the_annual_reviews_page(client, programme_team_member):
    client.force_login(programme_team_member)
    assert 'href="/team/annual-reviews/"' in client.get(reverse("team:queue")).content.decode()


def test_the_queue_is_paginated(client, programme_team_member):
    bulk_pledges(26, submitted=True, with_actions=False)
    client.force_login(programme_team_member)
    first = client.get(reverse("team:queue"))
    second = client.get(reverse("team:queue"), {"status": "waiting", "page": 2})
    assert len(first.context["pledges"]) == 25
    assert len(second.context["pledges"]) == 1
    # The page links keep the tab the reviewer is on.
    bulk_pledges(26, approved=True, with_actions=False)
    tab = client.get(reverse("team:queue"), {"status": "approved"}).content.decode()
    assert "?status=approved&amp;page=2" in tab


@pytest.mark.parametrize("size", [10, 200])
def test_the_queue_query_count_does_not_grow_with_the_number_of_pledges(
    client, programme_team_member, django_assert_max_num_queries, size
):
    bulk_pledges(size, submitted=True, with_actions=False)
    client.force_login(programme_team_member)
    with django_assert_max_num_queries(8) as queries:
        response = client.get(reverse("team:queue"))
    assert response.status_code == 200
    print(f"decisions page with {size} pledges: {len(queries)} queries")


# The pledge's page ----------------------------------------------------------------------


def test_the_pledge_page_shows_what_was_submitted_the_history_and_the_decisions(
    client, programme_team_member
):
    pledge = PledgeFactory(
        submitted=True,
        signatory_role=Pledge.SignatoryRole.AUTHORISED,
        leader_name="Morgan Chair",
        leader_job_title="Chair",
    )
    PledgeEvent.objects.create(pledge=pledge, kind=PledgeEvent.Kind.SUBMITTED, actor=pledge.created_by)
    client.force_login(programme_team_member)
    page = client.get(reverse("team:pledge", args=[pledge.pk])).content.decode()
    for expected in [
        pledge.organisation.name,
        pledge.signatory_name,
        "Morgan Chair",
        "version 1",
        *[action.title for action in pledge.actions.all()],
        "Submitted",
        "Approve pledge",
        "Ask for changes",
        "Do not approve",
    ]:
        assert expected in page, expected


@pytest.mark.parametrize("status", Pledge.Status.values)
def test_the_pledge_page_offers_exactly_the_decisions_its_status_allows(
    client, programme_team_member, status
):
    pledge = PledgeFactory(approved=True)
    Pledge.objects.filter(pk=pledge.pk).update(status=status)
    pledge.refresh_from_db()
    client.force_login(programme_team_member)
    page = client.get(reverse("team:pledge", args=[pledge.pk])).content.decode()
    offered = [name for name in DECISIONS if f'action="{reverse(f"team:{name}", args=[pledge.pk])}"' in page]
    assert offered == pledge.decisions_allowed
    assert ("There is nothing to decide" in page) == (not offered)


def test_a_reviewer_who_signed_the_pledge_is_not_offered_the_decisions(client, programme_team_member):
    pledge = PledgeFactory(submitted=True, created_by=programme_team_member)
    client.force_login(programme_team_member)
    page = client.get(reverse("team:pledge", args=[pledge.pk])).content.decode()
    assert "another member of the programme team needs to decide it" in page
    assert "Approve pledge" not in page


def test_an_invalid_decision_shows_the_error_and_keeps_what_was_typed(
    client, submitted_pledge, programme_team_member
):
    client.force_login(programme_team_member)
    response = client.post(reverse("team:reject", args=[submitted_pledge.pk]), {"reject-note": "Kept note"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Choose a reason for not approving this pledge" in page
    assert "Kept note" in page
    assert "<title>Error:" in page
    assert_nothing_changed(submitted_pledge)


def test_a_refused_decision_is_explained_on_the_pledge_page(client, programme_team_member):
    pledge = PledgeFactory(submitted=True)
    client.force_login(programme_team_member)
    client.post(reverse("team:approve", args=[pledge.pk]))
    response = client.post(reverse("team:approve", args=[pledge.pk]), follow=True)
    assert "This pledge was already approved by" in response.content.decode()
    assert PledgeEvent.objects.filter(pledge=pledge, kind=PledgeEvent.Kind.APPROVED).count() == 1


def test_internal_notes_show_to_the_team_but_not_in_the_history(
    client, submitted_pledge, programme_team_member
):
    client.force_login(programme_team_member)
    client.post(reverse("team:add_note", args=[submitted_pledge.pk]), {"note-note": "Spoke to their chair."})
    response = client.get(reverse("team:pledge", args=[submitted_pledge.pk]))
    assert [note.note for note in response.context["notes"]] == ["Spoke to their chair."]
    assert all(event.kind != PledgeEvent.Kind.NOTE for event in response.context["history"])


def test_an_unknown_pledge_is_not_found(client, programme_team_member):
    client.force_login(programme_team_member)
    assert client.get(reverse("team:pledge", args=[999999])).status_code == 404
    assert client.post(reverse("team:approve", args=[999999])).status_code == 404


@pytest.mark.parametrize("size", [1, 20])
def test_the_pledge_page_query_count_is_constant(
    client, programme_team_member, django_assert_max_num_queries, size
):
    pledge = PledgeFactory(approved=True)
    for _ in range(size):
        PledgeEvent.objects.create(
            pledge=pledge, kind=PledgeEvent.Kind.NOTE, actor=programme_team_member, note="n"
        )
    client.force_login(programme_team_member)
    with django_assert_max_num_queries(20) as queries:
        assert client.get(reverse("team:pledge", args=[pledge.pk])).status_code == 200
    print(f"pledge page with {size} notes: {len(queries)} queries")


def test_a_new_programme_team_member_is_added_through_the_group(client, submitted_pledge):
    person = UserFactory()
    client.force_login(person)
    assert client.get(reverse("team:queue")).status_code == 403
    person.groups.add(Group.objects.get(name=PROGRAMME_TEAM_GROUP))
    client.force_login(person)
    assert client.get(reverse("team:queue")).status_code == 200


def test_an_unknown_tab_shows_the_waiting_pledges(client, programme_team_member):
    waiting = PledgeFactory(submitted=True)
    client.force_login(programme_team_member)
    response = client.get(reverse("team:queue"), {"status": "nonsense"})
    assert list(response.context["pledges"]) == [waiting]
    assert 'href="/team/?status=waiting" aria-current="page"' in response.content.decode()


def test_the_pledge_page_lists_the_partners_people_and_links_each_years_review(client, programme_team_member):
    pledge = PledgeFactory(approved=True)
    contact = MembershipFactory(organisation=pledge.organisation, role=Membership.Role.CONTACT).user
    client.force_login(programme_team_member)
    page = client.get(reverse("team:pledge", args=[pledge.pk])).content.decode()
    assert contact.email in page
    assert pledge.created_by.email in page
    assert reverse("team:annual_review", args=[pledge.cycles.get().pk]) in page


def test_the_pledge_page_flags_each_person_whose_address_bounces_with_the_servers_reply(
    client, programme_team_member
):
    pledge = PledgeFactory(approved=True)
    contact = MembershipFactory(organisation=pledge.organisation, role=Membership.Role.CONTACT).user
    fine = MembershipFactory(organisation=pledge.organisation, role=Membership.Role.CONTACT).user
    BouncedAddress.objects.create(email=pledge.created_by.email.upper(), reason="550 5.1.1 No such mailbox")
    BouncedAddress.objects.create(email=contact.email, reason="550 5.2.1 Mailbox disabled")
    client.force_login(programme_team_member)
    response = client.get(reverse("team:pledge", args=[pledge.pk]))
    page = response.content.decode()
    # The signatory is flagged under "Who signed" and in the list of people; the contact in the list.
    assert page.count(">Emails bounce</strong>") == 3
    assert (
        page.count(
            '>Emails bounce</strong><span class="nhsuk-u-visually-hidden">:</span> 550 5.1.1 No such mailbox'
        )
        == 2
    )
    assert "550 5.2.1 Mailbox disabled" in page
    people = {m.user.email: m.bounce_reason for m in response.context["people"]}
    assert people[fine.email] is None


def test_bounce_flags_on_the_pledge_page_take_no_query_per_person(client, programme_team_member):
    pledge = PledgeFactory(approved=True)
    url = reverse("team:pledge", args=[pledge.pk])
    client.force_login(programme_team_member)
    with CaptureQueriesContext(connection) as one_person:
        client.get(url)
    for _ in range(5):
        contact = MembershipFactory(organisation=pledge.organisation, role=Membership.Role.CONTACT).user
        BouncedAddress.objects.create(email=contact.email, reason="550 5.1.1 No such mailbox")
    with CaptureQueriesContext(connection) as six_people:
        page = client.get(url).content.decode()
    assert page.count(">Emails bounce</strong>") == 5
    assert len(six_people) == len(one_person)


def test_a_resubmitted_pledge_shows_the_team_what_changed_since_their_request(client, programme_team_member):
    pledge = PledgeFactory(submitted=True, signatory_job_title="Chair")
    decisions.request_changes(pledge=pledge, by=programme_team_member, message="Your full job title, please.")
    pledge.refresh_from_db()
    signing.save_signatory(
        pledge=pledge,
        by=pledge.created_by,
        signatory_name=pledge.signatory_name,
        signatory_job_title="Chair of the Board",
        signatory_role=pledge.signatory_role,
    )
    signing.submit_pledge(pledge=pledge, by=pledge.created_by, declaration_name=pledge.signatory_name)
    client.force_login(programme_team_member)
    page = client.get(reverse("team:pledge", args=[pledge.pk])).content.decode()
    changes = page.split("What changed since you asked for changes")[1].split("</table>")[0]
    assert "Signatory&#x27;s job title" in changes
    assert '<td class="nhsuk-table__cell">Chair</td>' in changes
    assert "Chair of the Board" in changes
    assert "Action 1" not in changes
