"""Realistic demo data for trying the portal: about 30 partners, pledges in every status, and their history.

Every change goes through the services, at the moment it would have happened
(time-machine holds the clock there), so the events, review cycles, reminders
and emails are the ones real use leaves, and the dashboard's figures follow.
"""

import datetime

import time_machine
from allauth.account.models import EmailAddress
from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import PROGRAMME_TEAM_GROUP, User
from demo.models import DemoAccount
from organisations.models import Area, Organisation
from organisations.services import contacts, name_changes
from outbox.models import OutboxEmail
from pledges import calendar
from pledges.models import ActionTheme, Pledge, PledgeVersion, RejectionReason
from pledges.services import decisions, leadership, signing, versions
from reviews import lapsing, reminders
from reviews import services as reviews
from reviews.models import Reminder

from .story import (
    ACTIONS,
    CONTACTS,
    DECISION_DAYS,
    DUE_TO_LAPSE,
    NEW_SIGNATORY,
    PARTNERS,
    PROGRESS,
    RENAMED,
    REVIEW_DAYS_LATE,
    REVIEWERS,
    ST,
)


@transaction.atomic
def seed_demo():
    """Create the demo partners. Safe to run again: existing partners are left as they are."""
    now = timezone.now()
    reviewers = _programme_team()
    pledges = []
    invited = []  # contacts' invitations are about no pledge: found by address
    for index, (name, kind, sector, area_codes, status, months) in enumerate(PARTNERS):
        slug = slugify(name)
        if Organisation.objects.filter(Q(slug=slug) | Q(old_slugs__slug=slug)).exists():
            continue
        story = _Story(index=index, name=name, now=now, reviewer=reviewers[index % len(reviewers)])
        pledge = story.tell(kind=kind, sector=sector, area_codes=area_codes, status=status, months=months)
        if name in RENAMED:
            story.rename(organisation=pledge.organisation, to=RENAMED[name])
        if name in NEW_SIGNATORY:
            invited.append(story.hand_over(pledge=pledge, to=NEW_SIGNATORY[name]))
        if name in CONTACTS:
            invited.append(story.add_contact(pledge=pledge, name=CONTACTS[name]))
        pledges.append(pledge)
    _draft_version_2(by=reviewers[0])
    # A demo outbox looks like one whose emails went out; left queued, the sweep would send them all.
    partners = [pledge.organisation for pledge in pledges]
    emails = (
        OutboxEmail.objects.about(*pledges)
        | OutboxEmail.objects.about(*partners)
        | OutboxEmail.objects.filter(about_type__isnull=True, to__in=invited)
    )
    emails.filter(status=OutboxEmail.Status.QUEUED).update(
        status=OutboxEmail.Status.SENT, sent_at=F("created_at"), attempts=1
    )
    return len(pledges)


def _draft_version_2(*, by):
    """The team's draft of a revised wording, unpublished, so the preview shows what changed."""
    if PledgeVersion.objects.filter(number__gte=2).exists():
        return
    draft = versions.start_draft_version(by=by)
    commitments = [{"title": c.title, "text": c.text} for c in draft.commitments.all()]
    commitments[5]["text"] = commitments[5]["text"].replace(
        "We will actively involve and listen to", "We will actively involve, fairly reward and listen to", 1
    )
    commitments.append(
        {
            "title": "Children and young people",
            "text": "We commit to hearing children and young people in how our services change.",
        }
    )
    versions.save_draft_version(
        version=draft,
        by=by,
        title=draft.title,
        introduction=draft.introduction,
        example_actions=draft.example_actions
        + "\nCo-producing a trauma-informed welcome with people who use our services",
        commitments=commitments,
    )


def _programme_team():
    team = Group.objects.get(name=PROGRAMME_TEAM_GROUP)
    reviewers = []
    for name, email in REVIEWERS:
        reviewer = _person(name=name, email=email)
        reviewer.groups.add(team)
        reviewers.append(reviewer)
    return reviewers


def _person(*, name, email):
    """The person with this address; if made here, a demo account (the demo password works in development)."""
    user, created = User.objects.get_or_create(email=email, defaults={"name": name})
    if created:
        user.set_unusable_password()
        user.save()
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        DemoAccount.objects.create(user=user)
    return user


def _at(moment):
    return time_machine.travel(moment, tick=False)


def _morning(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class _Story:
    """One demo partner's history, told through the services in the order it happened."""

    def __init__(self, *, index, name, now, reviewer):
        self.index = index
        self.name = name
        self.now = now
        self.today = timezone.localdate(now)
        self.reviewer = reviewer
        slug = slugify(name)
        self.slug = slug
        self.leader = _person(name=f"Alex Leader {index + 1}", email=f"leader@{slug}.org.uk")

    def tell(self, *, kind, sector, area_codes, status, months):
        due_to_lapse = status == DUE_TO_LAPSE
        if due_to_lapse:
            status = ST.APPROVED
        submitted_at = self.now - relativedelta(months=months, days=3 + self.index % 4)
        pledge = self.sign(kind=kind, sector=sector, area_codes=area_codes, started_at=submitted_at)
        if status == ST.DRAFT:
            return pledge
        with _at(submitted_at):
            signing.submit_pledge(pledge=pledge, by=self.leader, declaration_name=self.leader.name)
        decided_at = min(
            submitted_at + datetime.timedelta(days=DECISION_DAYS[self.index % len(DECISION_DAYS)]),
            self.now - datetime.timedelta(days=2),
        )
        if status == ST.SUBMITTED:
            return pledge
        with _at(decided_at):
            if status == ST.CHANGES_REQUESTED:
                decisions.request_changes(
                    pledge=pledge,
                    by=self.reviewer,
                    message="Thank you for signing. Could you say a little more about how action 2 will "
                    "involve people with lived experience?",
                )
                return pledge
            if status == ST.REJECTED:
                decisions.reject_pledge(
                    pledge=pledge,
                    by=self.reviewer,
                    reason=RejectionReason.objects.get(code="outside-bnssg"),
                )
                return pledge
            decisions.approve_pledge(pledge=pledge, by=self.reviewer)
        if status == ST.WITHDRAWN:
            withdrawn_at = self.now - datetime.timedelta(days=20)
            self.remind(cycle=pledge.cycles.get(), until=withdrawn_at)
            with _at(withdrawn_at):
                decisions.withdraw_own_pledge(
                    pledge=pledge, by=self.leader, reason="Our centre is closing, so we cannot carry on."
                )
        elif status == ST.LAPSED:
            cycle = pledge.cycles.get()
            lapsed_at = _morning(cycle.lapses_on)
            self.remind(cycle=cycle, until=lapsed_at)
            self.lapse(cycle=cycle, at=lapsed_at)
        elif due_to_lapse:
            # Silent since its year fell due: the sweep sent every notice; the team has yet to decide.
            self.remind(cycle=pledge.cycles.get(), until=self.now)
        else:
            self.review_each_year(pledge=pledge)
        return pledge

    def sign(self, *, kind, sector, area_codes, started_at):
        """The signing journey, over a few days; a draft stops before it chooses what to show."""
        started_at -= datetime.timedelta(days=2 + self.index % 3)
        with _at(started_at):
            pledge = signing.start_pledge_for_new_organisation(
                by=self.leader,
                name=self.name,
                kind=kind,
                sector=sector,
                areas=list(Area.objects.filter(code__in=area_codes)),
                website=f"https://www.{self.slug}.org.uk",
                description=f"{self.name} works with people and communities across Bristol, North Somerset "
                "and South Gloucestershire.",
            )
            signing.save_signatory(
                pledge=pledge,
                by=self.leader,
                signatory_name=self.leader.name,
                signatory_job_title="Chief Executive",
                signatory_role=Pledge.SignatoryRole.LEADER,
            )
            signing.agree_to_commitments(pledge=pledge, by=self.leader)
        with _at(started_at + datetime.timedelta(days=1)):
            signing.save_actions(pledge=pledge, by=self.leader, actions=self.actions(offset=0, span=2))
            signing.save_what_to_show(
                pledge=pledge,
                by=self.leader,
                show_actions=self.index % 4 != 0,
                show_signatory=self.index % 3 == 0,
                show_logo=True,
            )
        return pledge

    def actions(self, *, offset, span):
        """Cleaned data for two actions, as the actions step gives it."""
        commitments = list(PledgeVersion.objects.current().commitments.all())
        themes = {theme.slug: theme for theme in ActionTheme.objects.all()}
        data = []
        for number in (1, 2):
            title, theme, description = ACTIONS[(self.index + number + offset) % len(ACTIONS)]
            first = (self.index + number) % len(commitments)
            data.append(
                {
                    "theme": themes[theme],
                    "title": title,
                    "description": description,
                    "is_continuing": number == 1,
                    "commitments": commitments[first : first + span],
                }
            )
        return data

    def review_each_year(self, *, pledge):
        """Partners review each year that fell due over a month and a half ago; the team thanks most."""
        cycle = pledge.open_cycle
        days_late = REVIEW_DAYS_LATE[self.index % len(REVIEW_DAYS_LATE)]
        while cycle.due_on < self.today - datetime.timedelta(days=45):
            reviewed_at = _morning(cycle.due_on + datetime.timedelta(days=days_late))
            self.remind(cycle=cycle, until=reviewed_at)
            with _at(reviewed_at):
                next_cycle = self.review(cycle=cycle)
            if self.index % 3:
                with _at(reviewed_at + datetime.timedelta(days=3)):
                    reviews.acknowledge_review(
                        cycle=cycle, by=self.reviewer, message="Thank you: good to see the progress."
                    )
            cycle = next_cycle
        self.remind(cycle=cycle, until=self.now)

    def review(self, *, cycle):
        for action in cycle.actions.all():
            reviews.save_action_progress(
                cycle=cycle,
                number=action.number,
                by=self.leader,
                progress=PROGRESS[(self.index + action.number + cycle.number) % len(PROGRESS)],
                what_happened="We made a start with a small group and shared what we learned across teams.",
                what_helped="Support from senior leaders helped; "
                "finding time for reflective practice was hard.",
            )
        new_action, _ = self.actions(offset=cycle.number + 1, span=1)
        reviews.save_next_action(cycle=cycle, by=self.leader, number=1, **new_action)
        reviews.continue_action(cycle=cycle, number=2, by=self.leader)
        # Most partners that show their actions show their progress too, so the library shows it.
        show_progress = Pledge.objects.get(pk=cycle.pledge_id).show_actions and self.index % 5 != 2
        reviews.save_show_progress(cycle=cycle, by=self.leader, show_progress=show_progress)
        return reviews.record_review(cycle=cycle, by=self.leader)

    def remind(self, *, cycle, until):
        """Run the reminder sweep on each day one of the cycle's reminders falls due, as beat would."""
        days = [calendar.reminder_day(kind).of(cycle) for kind in Reminder.Kind.values]
        for day in sorted(days):
            swept_at = _morning(day, hour=7)
            if swept_at >= until:
                break
            with _at(swept_at):
                reminders.send_due_reminders(on=day)

    def rename(self, *, organisation, to):
        """The partner asks for its new name a month ago; the team approves it two days later."""
        new_name, reason = to
        asked_at = self.now - datetime.timedelta(days=30)
        with _at(asked_at):
            change = name_changes.request_name_change(
                organisation=organisation, by=self.leader, new_name=new_name, reason=reason
            )
        with _at(asked_at + datetime.timedelta(days=2)):
            name_changes.approve_name_change(change=change, by=self.reviewer, note="Congratulations!")

    def hand_over(self, *, pledge, to):
        """The leader invites a colleague, who joins and, a week later, signs as the new signatory.

        Returns the colleague's address, to which their invitation went.
        """
        name, job_title = to
        colleague = _person(name=name, email=f"{slugify(name)}@{self.slug}.org.uk")
        started_at = self.now - datetime.timedelta(days=21)
        with _at(started_at):
            _invitation, token = contacts.invite_contact(
                organisation=pledge.organisation, email=colleague.email, by=self.leader
            )
            contacts.accept_invitation(token=token, user=colleague)
            change = leadership.start_signatory_change(pledge=pledge, by=self.leader, new_signatory=colleague)
        with _at(started_at + datetime.timedelta(days=7)):
            leadership.complete_signatory_change(
                change=change,
                by=colleague,
                signatory_name=name,
                signatory_job_title=job_title,
                signatory_role=Pledge.SignatoryRole.LEADER,
                leader_name="",
                leader_job_title="",
                declaration_name=name,
                show_signatory=True,
            )
        return colleague.email

    def add_contact(self, *, pledge, name):
        """The leader invites a colleague as a contact, who joins the next day. Returns their address."""
        colleague = _person(name=name, email=f"{slugify(name).replace('-', '.')}@{self.slug}.org.uk")
        invited_at = self.now - datetime.timedelta(days=40)
        with _at(invited_at):
            _invitation, token = contacts.invite_contact(
                organisation=pledge.organisation, email=colleague.email, by=self.leader
            )
        with _at(invited_at + datetime.timedelta(days=1)):
            contacts.accept_invitation(token=token, user=colleague)
        return colleague.email

    def lapse(self, *, cycle, at):
        with _at(at):
            lapsing.lapse_pledges(
                cycle_ids=[cycle.pk],
                by=self.reviewer,
                message="We tried to reach you about your review. We would love you back when you are ready.",
            )
