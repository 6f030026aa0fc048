"""Data rights and retention: closing an account, and deleting what the privacy notice says is not kept."""

import datetime
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from organisations.models import Invitation, Organisation
from organisations.services.contacts import end_period
from outbox.models import OutboxEmail
from outbox.services import clear_sent_bodies, forget_address, queue_templated_email
from pledges.models import Pledge
from pledges.services.signing import delete_abandoned_drafts

# What an anonymised address reads as: reserved (RFC 2606), so nothing is ever sent to it.
CLOSED_ACCOUNT_ADDRESS = "closed-account@closed.invalid"


def partners_left_without_people(user: User) -> QuerySet[Organisation]:
    """Approved partners of which `user` is the only member: the programme team holds them once they go."""
    approved = Pledge.objects.filter(organisation=OuterRef("pk"), status=Pledge.Status.APPROVED)
    return (
        Organisation.objects.filter(memberships__user=user)
        .filter(Exists(approved))
        .annotate(people=Count("memberships", distinct=True))
        .filter(people=1)
        .order_by("name")
    )


def emails_naming(user: User) -> QuerySet[OutboxEmail]:
    """Emails to other people that may give `user`'s name: those that give their address, invite
    someone on their behalf, or are about a pledge of a partner they signed for or act for."""
    address = Q(subject__icontains=user.email) | Q(body_text__icontains=user.email)
    address |= Q(body_html__icontains=user.email)
    invited = Invitation.objects.filter(invited_by=user).values("email")
    pledges = Pledge.objects.filter(Q(created_by=user) | Q(organisation__memberships__user=user))
    about_their_pledges = OutboxEmail.objects.about(*pledges.distinct())
    return OutboxEmail.objects.filter(
        address | Q(to__in=invited) | Q(pk__in=about_their_pledges.values("pk"))
    )


def close_account(*, user: User) -> None:
    """Delete `user`'s account, and their name and email wherever the portal holds them.

    The partner's record stays whole: a pledge they signed keeps the signatory's
    name as signed (a record of who signed) but no longer links to the account,
    a draft never submitted is deleted,
    and the audit trail keeps each event without the person. Approved partners
    left with nobody are the programme team's to hold: it is emailed about each.
    """
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        left = list(partners_left_without_people(user))
        forget_address(
            recipient_id=user.pk,
            email=user.email,
            replacement=CLOSED_ACCOUNT_ADDRESS,
            name=user.name,
            named_in=emails_naming(user),
        )
        # A draft nobody else saw goes with them, as if they had deleted it.
        for draft in Pledge.objects.filter(
            created_by=user, status=Pledge.Status.DRAFT, submitted_at__isnull=True
        ):
            draft.delete()
            end_period(organisation=draft.organisation, by=None)
        now = timezone.now()
        Invitation.objects.pending(now=now).filter(email__iexact=user.email).update(revoked_at=now)
        Invitation.objects.filter(email__iexact=user.email).update(email=CLOSED_ACCOUNT_ADDRESS)
        user.delete()  # memberships and join requests go with it; every other link is set to null
        for organisation in left:
            queue_templated_email(
                to=settings.PROGRAMME_TEAM_EMAIL,
                template="partner_without_people",
                context={
                    "organisation": organisation,
                    "join_requests_url": settings.SITE_URL + reverse("team:join_requests"),
                },
            )


@dataclass(frozen=True)
class RetentionResult:
    unverified_accounts: int
    abandoned_drafts: int
    email_bodies: int


def never_verified_accounts(*, joined_before: datetime.datetime) -> QuerySet[User]:
    """Accounts whose email address was never confirmed, opened before `joined_before`. Never staff."""
    verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    return User.objects.filter(date_joined__lt=joined_before, is_staff=False, is_superuser=False).exclude(
        Exists(verified)
    )


def apply_retention(*, now: datetime.datetime | None = None) -> RetentionResult:
    """Delete what the privacy notice says is not kept, by the periods in settings. Safe to run again."""
    now = now or timezone.now()
    unverified = 0
    for user in never_verified_accounts(
        joined_before=now - datetime.timedelta(days=settings.RETENTION_UNVERIFIED_ACCOUNT_DAYS)
    ):
        close_account(user=user)
        unverified += 1
    return RetentionResult(
        unverified_accounts=unverified,
        abandoned_drafts=delete_abandoned_drafts(
            untouched_since=now - relativedelta(months=settings.RETENTION_DRAFT_MONTHS)
        ),
        email_bodies=clear_sent_bodies(
            sent_before=now - datetime.timedelta(days=settings.RETENTION_SENT_EMAIL_BODY_DAYS)
        ),
    )
