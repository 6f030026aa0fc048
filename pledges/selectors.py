"""Reads of pledges that views and services share."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet

from organisations.models import Organisation

from .models import Pledge


def editable_pledges_of(user: AbstractBaseUser) -> QuerySet[Pledge]:
    """The pledges `user` may still change: their organisations' drafts and those sent back for changes."""
    return Pledge.objects.for_member(user).filter(status__in=Pledge.EDITABLE_STATUSES)


def has_live_pledge(*, organisation: Organisation | int) -> bool:
    """Whether the organisation has a pledge drafted, waiting or approved: it may have only one."""
    return Pledge.objects.filter(organisation=organisation, status__in=Pledge.LIVE_STATUSES).exists()
