"""A new wording of the pledge: the team drafts and publishes it, partners are invited to reaffirm it, once.

Drafting and publishing are the programme team's; reaffirming is the
partner's. Invitations go by a sweep (`invite_partners_to_reaffirm`) that a
task runs on publication and beat runs daily, so a version that takes effect
later, or a task the broker lost, is still covered: each batch claims pledges
with row locks other sweeps skip, and the unique (pledge, version)
Reaffirmation decides which invitations are new; only those are emailed.
"""

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from organisations.models import Membership, emails_of
from outbox.models import OutboxEmail
from outbox.services import queue_emails, render_email
from pledge_portal.celery import enqueue_on_commit
from pledge_portal.errors import NotAllowed
from pledges import selectors
from pledges.models import Commitment, Pledge, PledgeEvent, PledgeVersion, Reaffirmation
from pledges.services.signing import names_match
from pledges.signals import pledge_changed
from pledges.wording import compare_versions

# By name: pledges.tasks imports this module.
INVITE_TASK = "pledges.tasks.invite_partners_to_reaffirm"
INVITATION_BATCH_SIZE = 200


def _refuse_unless_programme_team(by: User) -> None:
    if not by.is_programme_team:
        raise NotAllowed("Only the programme team can draft and publish the pledge's wording.")


def _lock_draft(version: PledgeVersion) -> PledgeVersion:
    locked = PledgeVersion.objects.select_for_update().get(pk=version.pk)
    if not locked.is_draft:
        raise NotAllowed(f"Version {locked.number} has been published, so it cannot be changed.")
    return locked


# Drafting and publishing (the programme team) ------------------------------------------


def start_draft_version(*, by: User) -> PledgeVersion:
    """Start the next version as a copy of the current wording, for the team to edit."""
    _refuse_unless_programme_team(by)
    current = PledgeVersion.objects.current()
    with transaction.atomic():
        newest = PledgeVersion.objects.select_for_update().order_by("-number").first()
        if newest is not None and newest.is_draft:
            raise NotAllowed(f"Version {newest.number} is already being drafted.")
        try:
            with transaction.atomic():  # a savepoint: two team members starting at once get one draft
                draft = PledgeVersion.objects.create(
                    number=newest.number + 1,
                    title=current.title,
                    introduction=current.introduction,
                    example_actions=current.example_actions,
                )
        except IntegrityError as error:
            raise NotAllowed("Another version is already being drafted.") from error
        Commitment.objects.bulk_create(
            Commitment(version=draft, number=c.number, title=c.title, text=c.text)
            for c in current.commitments.all()
        )
    return draft


def save_draft_version(
    *,
    version: PledgeVersion,
    by: User,
    title: str,
    introduction: str,
    example_actions: str,
    commitments: Sequence[Mapping[str, Any]],
) -> PledgeVersion:
    """Save the draft's wording; `commitments` (each a title and text) are numbered in the order given."""
    _refuse_unless_programme_team(by)
    if not commitments:
        raise NotAllowed("The pledge needs at least one commitment.")
    with transaction.atomic():
        version = _lock_draft(version)
        version.title = title.strip()
        version.introduction = _plain(introduction)
        version.example_actions = "\n".join(
            line.strip() for line in example_actions.splitlines() if line.strip()
        )
        version.save()
        # Nobody can sign a draft, so nothing refers to its commitments yet: write them afresh.
        version.commitments.all().delete()
        Commitment.objects.bulk_create(
            Commitment(version=version, number=number, title=c["title"].strip(), text=_plain(c["text"]))
            for number, c in enumerate(commitments, start=1)
        )
    return version


def _plain(text: str) -> str:
    # Browsers send a textarea's lines ending in CRLF; the stored wording, and so the diff, uses LF.
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def publish_version(*, version: PledgeVersion, by: User, effective_on: datetime.date) -> PledgeVersion:
    """Publish the draft: from `effective_on` new signatories sign it and partners are invited to reaffirm."""
    _refuse_unless_programme_team(by)
    today = timezone.localdate()
    if effective_on < today:
        raise NotAllowed("The date it takes effect must be today or later.")
    with transaction.atomic():
        version = _lock_draft(version)
        if not version.commitments.exists():
            raise NotAllowed("The pledge needs at least one commitment.")
        version.published_on = effective_on
        version.published_at = timezone.now()
        version.published_by = by
        version.save()
        if effective_on == today:
            enqueue_on_commit(INVITE_TASK, ())
    return version


# Inviting partners (the sweep) -----------------------------------------------------------


def invite_partners_to_reaffirm(*, batch_size: int = INVITATION_BATCH_SIZE) -> int:
    """Invite every listed partner still on an older wording to reaffirm the current one; how many were.

    Safe to run again, and at the same time as another sweep: a partner is
    invited once per version, ever.
    """
    version = PledgeVersion.objects.current()
    changes = what_changed(version)
    invited = 0
    while True:
        claimed, recorded = _invite_batch(version=version, changes=changes, batch_size=batch_size)
        invited += recorded
        # A short batch means the rest are done, or locked by a sweep that will do them.
        if claimed < batch_size:
            return invited


def what_changed(version: PledgeVersion) -> list:
    """The parts of `version` that differ from the version before it (see pledges.wording)."""
    previous = PledgeVersion.objects.previous_to(version)
    if previous is None:
        return []
    return [part for part in compare_versions(previous, version) if part.is_changed]


def _invite_batch(*, version: PledgeVersion, changes: list, batch_size: int) -> tuple[int, int]:
    with transaction.atomic():
        claimed = list(
            Pledge.objects.to_invite_to_reaffirm(version)
            .select_related("organisation", "version")
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("pk")[:batch_size]
        )
        if not claimed:
            return 0, 0
        recorded = _record_invitations(pledge_ids=[pledge.pk for pledge in claimed], version=version)
        pledges = [pledge for pledge in claimed if pledge.pk in recorded]
        prefetch_related_objects(pledges, _PEOPLE)
        emails = []
        for pledge in pledges:
            emails.extend(
                _emails(pledge=pledge, version=version, template="reaffirm_invitation", changes=changes)
            )
        queue_emails(emails)
    return len(claimed), len(pledges)


def _record_invitations(*, pledge_ids: Sequence[int], version: PledgeVersion) -> set[int]:
    """Insert a Reaffirmation for each pledge; return the ids of pledges whose invitation is new.

    ON CONFLICT DO NOTHING ... RETURNING says exactly which rows this call
    inserted, so an invitation another sweep recorded first is never emailed twice.
    """
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in ("pledge_id", "version_id", "invited_at", "declaration_name"))
    rows = ", ".join(["(%s, %s, %s, '')"] * len(pledge_ids))
    now = timezone.now()
    params = [value for pledge_id in pledge_ids for value in (pledge_id, version.pk, now)]
    sql = (
        f"INSERT INTO {quote(Reaffirmation._meta.db_table)} ({columns}) VALUES {rows} "  # noqa: S608 - names are ours
        f"ON CONFLICT ({quote('pledge_id')}, {quote('version_id')}) DO NOTHING RETURNING {quote('pledge_id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


# Each pledge's partner's people, as `people`, in one prefetch query.
_PEOPLE = Prefetch(
    "organisation__memberships", Membership.objects.of_current_period().people(), to_attr="people"
)


def recipients(pledge: Pledge) -> list[str]:
    """The partner's signatory or, failing that, its contacts (needs `organisation.people`)."""
    people = pledge.organisation.people
    signatories = [m for m in people if m.role == Membership.Role.SIGNATORY]
    return emails_of(signatories or people)


def reaffirm_url(pledge: Pledge) -> str:
    return settings.SITE_URL + reverse("pledges:reaffirm", args=[pledge.pk])


def _emails(*, pledge: Pledge, version: PledgeVersion, template: str, changes) -> list[OutboxEmail]:
    context = {
        "pledge": pledge,
        "organisation": pledge.organisation,
        "version": version,
        "changes": changes,
        "reaffirm_url": reaffirm_url(pledge),
        "version_url": settings.SITE_URL + reverse("directory:pledge_version", args=[version.number]),
    }
    subject, body = render_email(template=template, context=context)
    return [OutboxEmail(to=to, subject=subject, body_text=body, about=pledge) for to in recipients(pledge)]


def remind_partners_to_reaffirm(*, version: PledgeVersion, by: User) -> int:
    """The team's one reminder to every listed partner invited to reaffirm `version` that has not yet."""
    _refuse_unless_programme_team(by)
    with transaction.atomic():
        version = PledgeVersion.objects.select_for_update().get(pk=version.pk)
        if version.reminder_sent_at is not None:
            raise NotAllowed("The reminder for this version has already been sent.")
        if version != PledgeVersion.objects.current():
            raise NotAllowed("Partners can only be reminded to reaffirm the version in effect now.")
        now = timezone.now()
        version.reminder_sent_at = now
        version.save(update_fields=["reminder_sent_at"])
        awaiting = list(
            Reaffirmation.objects.awaiting()
            .filter(version=version, reminded_at__isnull=True)
            .select_for_update(of=("self",))
            .select_related("pledge__organisation")
        )
        Reaffirmation.objects.filter(pk__in=[r.pk for r in awaiting]).update(reminded_at=now)
        pledges = [r.pledge for r in awaiting]
        prefetch_related_objects(pledges, _PEOPLE)
        emails = []
        for pledge in pledges:
            emails.extend(_emails(pledge=pledge, version=version, template="reaffirm_reminder", changes=[]))
        queue_emails(emails)
    return len(pledges)


# Reaffirming (the partner) -------------------------------------------------------------


def reaffirm_pledge(*, pledge: Pledge, by: User, declaration_name: str) -> PledgeEvent:
    """The partner reaffirms the current wording: its pledge moves to it, and the event keeps who and when.

    The pledge's earlier version stays in its history: the event before this
    one, and the version each earlier event was made under.
    """
    with transaction.atomic():
        locked = Pledge.objects.for_member(by).select_for_update(of=("self",)).filter(pk=pledge.pk).first()
        if locked is None or not selectors.may_reaffirm(locked, by):
            raise NotAllowed(f"Only the signatory of {pledge.organisation} can reaffirm its pledge.")
        if locked.status != Pledge.Status.APPROVED:
            raise NotAllowed("Only an approved pledge can be reaffirmed.")
        version = PledgeVersion.objects.current()
        if locked.version.number >= version.number:
            raise NotAllowed(
                f"This pledge is already on version {locked.version.number}, the current wording."
            )
        if not names_match(declaration_name, by.name):
            raise NotAllowed(f"Type your full name exactly as it is on your account: {by.name}.")
        now = timezone.now()
        reaffirmation, _ = Reaffirmation.objects.get_or_create(pledge=locked, version=version)
        reaffirmation.reaffirmed_at = now
        reaffirmation.reaffirmed_by = by
        reaffirmation.declaration_name = " ".join(declaration_name.split())
        reaffirmation.save()
        earlier = locked.version
        locked.version = version
        locked.save(update_fields=["version", "updated_at"])
        event = PledgeEvent.objects.create(
            pledge=locked,
            kind=PledgeEvent.Kind.REAFFIRMED,
            actor=by,
            version=version,
            note=f"Reaffirmed version {version.number} (was version {earlier.number}), "
            f"typing “{reaffirmation.declaration_name}”.",
        )
        pledge_changed.send(sender=Pledge, pledge=locked)
    return event
