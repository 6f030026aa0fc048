"""Writes for requests to join an organisation: asking, and its people's (or the programme team's) answer."""

import datetime

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from organisations.models import JoinRequest, Membership, Organisation, OrganisationEvent, emails_of
from organisations.selectors import is_member, may_answer
from outbox.services import queue_templated_email
from pledge_portal.errors import NotAllowed


def who_answers(join_request: JoinRequest) -> list[str]:
    """The addresses asked to answer a request: the organisation's people of its current period, or else
    the programme team."""
    people = Membership.objects.filter(organisation=join_request.organisation).of_current_period()
    return emails_of(people.people()) or [settings.PROGRAMME_TEAM_EMAIL]


def request_to_join(*, organisation: Organisation, by: AbstractBaseUser) -> JoinRequest:
    """Ask to become a contact for `organisation`; its people (or the team, if none) are emailed.

    Asking again while a request waits returns that request and emails nobody.
    """
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if is_member(organisation=organisation, user=by):
            raise NotAllowed(f"You are already a contact for {organisation}.")
        waiting = JoinRequest.objects.pending().filter(organisation=organisation, user=by).first()
        if waiting:
            return waiting
        # Each request emails an organisation's people with the asker's name in the subject: limited,
        # so the portal cannot be used to send unwanted email.
        day_ago = timezone.now() - datetime.timedelta(days=1)
        if (
            JoinRequest.objects.filter(user=by, created_at__gt=day_ago).count()
            >= settings.JOIN_REQUESTS_PER_DAY_PER_PERSON
        ):
            raise NotAllowed(
                f"You have asked to join {settings.JOIN_REQUESTS_PER_DAY_PER_PERSON} organisations in the "
                "last day, which is as many as we allow. Try again tomorrow, or email the programme team."
            )
        join_request = JoinRequest.objects.create(organisation=organisation, user=by)
        OrganisationEvent.objects.create(
            organisation=organisation, kind=OrganisationEvent.Kind.JOIN_REQUESTED, actor=by, person=by
        )
        to_team = (
            not Membership.objects.filter(organisation=organisation).of_current_period().people().exists()
        )
        context = {
            "join_request": join_request,
            "organisation": organisation,
            "requester": by,
            "to_team": to_team,
            "answer_url": settings.SITE_URL
            + reverse("organisations:answer_join_request", kwargs={"pk": join_request.pk}),
        }
        for address in who_answers(join_request):
            # About nothing: the team's failed-emails list links every `about` as a pledge.
            queue_templated_email(to=address, template="join_request", context=context)
    return join_request


def answer_join_request(*, join_request: JoinRequest, by: AbstractBaseUser, approve: bool) -> JoinRequest:
    """Approve (the person becomes a contact) or decline a request to join, and tell the person."""
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=join_request.organisation_id)
        join_request = (
            JoinRequest.objects.select_for_update(of=("self",))
            .select_related("organisation", "user")
            .get(pk=join_request.pk)
        )
        if not may_answer(join_request=join_request, user=by):
            raise NotAllowed(
                "Only people at the organisation, or the programme team, can answer this request."
            )
        if join_request.status != JoinRequest.Status.PENDING:
            raise NotAllowed(f"This request has already been {join_request.get_status_display().lower()}.")
        join_request.status = JoinRequest.Status.APPROVED if approve else JoinRequest.Status.DECLINED
        join_request.decided_at = timezone.now()
        join_request.decided_by = by
        join_request.save(update_fields=["status", "decided_at", "decided_by"])
        organisation = join_request.organisation
        if approve:
            Membership.objects.get_or_create(
                organisation=organisation, user=join_request.user, defaults={"role": Membership.Role.CONTACT}
            )
        OrganisationEvent.objects.create(
            organisation=organisation,
            kind=OrganisationEvent.Kind.JOIN_APPROVED if approve else OrganisationEvent.Kind.JOIN_DECLINED,
            actor=by,
            person=join_request.user,
        )
        queue_templated_email(
            to=join_request.user.email,
            template="join_request_answered",
            context={
                "join_request": join_request,
                "organisation": organisation,
                "sign_url": settings.SITE_URL + reverse("pledges:my_pledges"),
            },
        )
    return join_request
