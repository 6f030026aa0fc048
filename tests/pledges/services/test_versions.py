"""A new wording of the pledge: drafted and published by the team, reaffirmed by partners invited once."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory import services as directory_services
from outbox.models import OutboxEmail
from pledge_portal.errors import NotAllowed
from pledges.models import Pledge, PledgeEvent, PledgeVersion, Reaffirmation
from pledges.services import signing, versions
from pledges.wording import compare_versions, word_diff
from tests.factories import MembershipFactory, OrganisationFactory, PledgeFactory, UserFactory
from tests.support.concurrency import at_once, refusals


def commitments_of(version):
    return [{"title": c.title, "text": c.text} for c in version.commitments.all()]


def draft_version_2(by, **changes):
    """Version 2 drafted from version 1, commitment 3 reworded and a ninth added."""
    draft = versions.start_draft_version(by=by)
    commitments = commitments_of(draft)
    commitments[2]["text"] = "Together, " + commitments[2]["text"]
    commitments.append({"title": "Listening to children", "text": "We listen to children and young people."})
    fields = {
        "title": draft.title,
        "introduction": draft.introduction,
        "example_actions": draft.example_actions,
        "commitments": commitments,
        **changes,
    }
    return versions.save_draft_version(version=draft, by=by, **fields)


def publish_version_2(by, send_on_commit, **changes):
    draft = draft_version_2(by, **changes)
    with send_on_commit():
        return versions.publish_version(version=draft, by=by, effective_on=timezone.localdate())


def invitations_to(address):
    return [m for m in mail.outbox if m.to == [address] and "reaffirm" in m.subject.lower()]


# Drafting --------------------------------------------------------------------------------


def test_a_draft_starts_as_a_copy_of_the_current_wording_and_is_not_signed_until_published(
    programme_team_member,
):
    current = PledgeVersion.objects.current()
    draft = versions.start_draft_version(by=programme_team_member)
    assert draft.number == current.number + 1
    assert draft.is_draft
    assert draft.introduction == current.introduction
    assert draft.example_action_list == current.example_action_list
    assert commitments_of(draft) == commitments_of(current)
    assert PledgeVersion.objects.current() == current  # new pledges still sign version 1


def test_version_1_has_its_five_example_actions(db):
    examples = PledgeVersion.objects.get(number=1).example_action_list
    assert len(examples) == 5
    assert examples[0] == "Setting up an organisational trauma-informed steering group"


def test_there_is_only_ever_one_draft(programme_team_member):
    versions.start_draft_version(by=programme_team_member)
    with pytest.raises(NotAllowed, match="already being drafted"):
        versions.start_draft_version(by=programme_team_member)


def test_saving_a_draft_numbers_its_commitments_in_order_however_many(programme_team_member):
    draft = versions.start_draft_version(by=programme_team_member)
    versions.save_draft_version(
        version=draft,
        by=programme_team_member,
        title="A pledge",
        introduction="  Intro.  ",
        example_actions="One\n\n  Two  \n",
        commitments=[{"title": "B", "text": "Second"}, {"title": "A", "text": "First"}],
    )
    draft.refresh_from_db()
    assert draft.introduction == "Intro."
    assert draft.example_action_list == ["One", "Two"]
    assert [(c.number, c.title) for c in draft.commitments.all()] == [(1, "B"), (2, "A")]


def test_only_the_programme_team_drafts_and_publishes(db, programme_team_member):
    partner = UserFactory()
    with pytest.raises(NotAllowed):
        versions.start_draft_version(by=partner)
    draft = versions.start_draft_version(by=programme_team_member)
    with pytest.raises(NotAllowed):
        versions.publish_version(version=draft, by=partner, effective_on=timezone.localdate())
    assert PledgeVersion.objects.get(pk=draft.pk).is_draft


def test_a_published_version_cannot_be_changed_or_published_again(programme_team_member, send_on_commit):
    version = publish_version_2(programme_team_member, send_on_commit)
    with pytest.raises(NotAllowed, match="has been published"):
        versions.save_draft_version(
            version=version,
            by=programme_team_member,
            title="x",
            introduction="x",
            example_actions="",
            commitments=[{"title": "x", "text": "x"}],
        )
    with pytest.raises(NotAllowed, match="has been published"):
        versions.publish_version(version=version, by=programme_team_member, effective_on=timezone.localdate())


def test_the_effective_date_cannot_be_in_the_past(programme_team_member):
    draft = draft_version_2(programme_team_member)
    with pytest.raises(NotAllowed, match="today or later"):
        versions.publish_version(
            version=draft,
            by=programme_team_member,
            effective_on=timezone.localdate() - datetime.timedelta(days=1),
        )


def test_the_word_diff_marks_only_the_words_that_changed():
    assert word_diff("We commit to this.", "Together we commit to this.") == [
        ("removed", "We"),
        ("added", "Together we"),
        ("same", " commit to this."),
    ]


# Publishing and inviting -------------------------------------------------------------------


def test_from_publication_new_signatories_sign_version_2(programme_team_member, send_on_commit, user):
    version = publish_version_2(programme_team_member, send_on_commit)
    assert PledgeVersion.objects.current() == version
    pledge = signing.start_pledge(organisation=OrganisationFactory(), by=user)
    assert pledge.version == version
    assert pledge.version.commitments.count() == 9


def test_a_version_taking_effect_later_is_not_signed_or_sent_until_then(
    programme_team_member, send_on_commit
):
    listed = PledgeFactory(approved=True)
    draft = draft_version_2(programme_team_member)
    later = timezone.localdate() + datetime.timedelta(days=10)
    with send_on_commit():
        versions.publish_version(version=draft, by=programme_team_member, effective_on=later)
    assert PledgeVersion.objects.current().number == 1
    assert invitations_to(listed.created_by.email) == []

    # The daily sweep invites once the date comes.
    with time_machine.travel(later + datetime.timedelta(hours=12)), send_on_commit():
        assert versions.invite_partners_to_reaffirm() == 1
    assert len(invitations_to(listed.created_by.email)) == 1


def test_publishing_invites_each_listed_partner_once_with_what_changed(programme_team_member, send_on_commit):
    listed = PledgeFactory(approved=True)
    contact = MembershipFactory(organisation=listed.organisation, role="contact").user
    without_signatory = PledgeFactory(approved=True, membership=False)
    contacts = [
        MembershipFactory(organisation=without_signatory.organisation, role="contact").user for _ in "ab"
    ]
    not_listed = PledgeFactory(submitted=True)

    version = publish_version_2(programme_team_member, send_on_commit)

    [invitation] = invitations_to(listed.created_by.email)
    assert "Commitment 3, now reads:" in invitation.body
    assert "Together, " in invitation.body
    assert "Commitment 9: new" in invitation.body
    assert f"/my/pledges/{listed.pk}/reaffirm/" in invitation.body
    assert invitations_to(contact.email) == []  # the signatory, not the contacts, when there is one
    for person in contacts:  # failing a signatory, its contacts
        assert len(invitations_to(person.email)) == 1
    assert invitations_to(not_listed.created_by.email) == []
    assert set(Reaffirmation.objects.filter(version=version).values_list("pledge", flat=True)) == {
        listed.pk,
        without_signatory.pk,
    }


def test_running_the_invitations_again_sends_nothing_more(programme_team_member, send_on_commit):
    listed = PledgeFactory(approved=True)
    publish_version_2(programme_team_member, send_on_commit)
    with send_on_commit():
        assert versions.invite_partners_to_reaffirm() == 0
        assert versions.invite_partners_to_reaffirm(batch_size=1) == 0
    assert len(invitations_to(listed.created_by.email)) == 1
    assert OutboxEmail.objects.about(listed).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_invitation_sweeps_at_once_invite_each_partner_once(settings):
    team = UserFactory(is_superuser=True, is_staff=True)
    partners = [PledgeFactory(approved=True) for _ in range(7)]
    draft = draft_version_2(team)
    # In effect without the task publication hands over, so the sweeps below race for every invitation.
    PledgeVersion.objects.filter(pk=draft.pk).update(published_on=timezone.localdate())

    outcomes = at_once(
        lambda: versions.invite_partners_to_reaffirm(batch_size=2),
        lambda: versions.invite_partners_to_reaffirm(batch_size=2),
        lambda: versions.invite_partners_to_reaffirm(batch_size=3),
    )
    assert refusals(outcomes) == []
    assert sum(outcomes) == 7
    for pledge in partners:
        assert OutboxEmail.objects.about(pledge).filter(subject__icontains="reaffirm").count() == 1
    assert Reaffirmation.objects.count() == 7


# Reaffirming ----------------------------------------------------------------------------------


def test_reaffirming_moves_the_pledge_to_the_new_version_and_records_who_and_when(
    programme_team_member, send_on_commit
):
    pledge = PledgeFactory(approved=True)
    version = publish_version_2(programme_team_member, send_on_commit)
    signatory = pledge.created_by

    event = versions.reaffirm_pledge(
        pledge=pledge, by=signatory, declaration_name=f"  {signatory.name.upper()} "
    )

    pledge.refresh_from_db()
    assert pledge.version == version
    assert pledge.status == Pledge.Status.APPROVED
    assert (event.kind, event.actor, event.version) == (PledgeEvent.Kind.REAFFIRMED, signatory, version)
    assert "was version 1" in event.note  # what it first signed stays in its history
    reaffirmation = Reaffirmation.objects.get(pledge=pledge, version=version)
    assert reaffirmation.reaffirmed_by == signatory
    assert reaffirmation.reaffirmed_at is not None
    with pytest.raises(NotAllowed, match="already on version 2"):
        versions.reaffirm_pledge(pledge=pledge, by=signatory, declaration_name=signatory.name)


def test_reaffirming_needs_the_persons_own_name_typed(programme_team_member, send_on_commit):
    pledge = PledgeFactory(approved=True)
    publish_version_2(programme_team_member, send_on_commit)
    with pytest.raises(NotAllowed, match="Type your full name"):
        versions.reaffirm_pledge(pledge=pledge, by=pledge.created_by, declaration_name="Someone Else")
    pledge.refresh_from_db()
    assert pledge.version.number == 1


def test_a_contact_cannot_reaffirm_when_the_partner_has_a_signatory_nor_can_an_outsider(
    programme_team_member, send_on_commit
):
    pledge = PledgeFactory(approved=True)
    contact = MembershipFactory(organisation=pledge.organisation, role="contact").user
    publish_version_2(programme_team_member, send_on_commit)
    for who in (contact, UserFactory()):
        with pytest.raises(NotAllowed, match="Only the signatory"):
            versions.reaffirm_pledge(pledge=pledge, by=who, declaration_name=who.name)
    assert PledgeEvent.objects.filter(kind=PledgeEvent.Kind.REAFFIRMED).count() == 0


def test_a_partner_that_reaffirms_shows_the_new_version_and_one_that_does_not_stays_on_version_1(
    programme_team_member, send_on_commit
):
    reaffirms = PledgeFactory(approved=True, organisation__name="Reaffirms")
    stays = PledgeFactory(approved=True, organisation__name="Stays")
    publish_version_2(programme_team_member, send_on_commit)
    versions.reaffirm_pledge(
        pledge=reaffirms, by=reaffirms.created_by, declaration_name=reaffirms.created_by.name
    )

    directory_services.build_directory()
    entries = {entry.slug: entry for entry in directory_services.current_directory().entries.all()}
    assert entries[reaffirms.organisation.slug].page["version"] == 2
    assert entries[reaffirms.organisation.slug].page["version_url"] == "/pledge/version/2/"
    assert entries[stays.organisation.slug].page["version"] == 1
    assert entries[stays.organisation.slug].page["version_url"] == "/pledge/version/1/"


# The team's one reminder -------------------------------------------------------------------


def test_the_team_sends_one_reminder_to_partners_that_have_not_reaffirmed(
    programme_team_member, send_on_commit
):
    done = PledgeFactory(approved=True)
    waiting = PledgeFactory(approved=True)
    version = publish_version_2(programme_team_member, send_on_commit)
    versions.reaffirm_pledge(pledge=done, by=done.created_by, declaration_name=done.created_by.name)
    mail.outbox.clear()

    with send_on_commit():
        assert versions.remind_partners_to_reaffirm(version=version, by=programme_team_member) == 1
    assert [m.to for m in mail.outbox] == [[waiting.created_by.email]]
    assert "only reminder" in mail.outbox[0].body
    with pytest.raises(NotAllowed, match="already been sent"):
        versions.remind_partners_to_reaffirm(version=version, by=programme_team_member)
    assert Reaffirmation.objects.get(pledge=waiting).reminded_at is not None
    assert Reaffirmation.objects.progress() == {"invited": 2, "reaffirmed": 1, "awaiting": 1}


def test_the_invitation_sweep_costs_the_same_queries_however_many_partners_a_batch_holds(
    programme_team_member, send_on_commit
):
    def queries_to_invite(count):
        for _ in range(count):
            PledgeFactory(approved=True, version=PledgeVersion.objects.get(number=1))
        with CaptureQueriesContext(connection) as queries:
            assert versions.invite_partners_to_reaffirm(batch_size=100) == count
        return len(queries)

    draft = draft_version_2(programme_team_member)
    PledgeVersion.objects.filter(pk=draft.pk).update(published_on=timezone.localdate())
    assert queries_to_invite(3) == queries_to_invite(12)


def test_a_draft_saved_from_a_browser_unchanged_shows_no_change(programme_team_member):
    draft = versions.start_draft_version(by=programme_team_member)
    crlf = {
        "title": draft.title,
        "introduction": draft.introduction.replace("\n", "\r\n"),
        "example_actions": draft.example_actions.replace("\n", "\r\n"),
        "commitments": [{"title": c["title"], "text": c["text"] + "\r\n"} for c in commitments_of(draft)],
    }
    versions.save_draft_version(version=draft, by=programme_team_member, **crlf)
    assert not any(part.is_changed for part in compare_versions(PledgeVersion.objects.current(), draft))
