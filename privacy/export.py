"""Everything the portal holds about one person, for "Your data": as a dict for JSON, and as CSV rows.

Only what is about them or what they wrote: the organisations' other people are left out.
"""

from collections.abc import Iterator
from typing import Any

from allauth.account.models import EmailAddress

from accounts.models import User
from organisations.models import Invitation, JoinRequest, Membership
from outbox.models import OutboxEmail
from pledge_portal.csv import defuse_formula
from pledges.models import Action, Pledge, PledgeEvent, ReviewCycle

CSV_HEADER = ["Section", "Item", "Field", "Value"]


def _when(value):
    return value.isoformat() if value else None


def _action(action: Action) -> dict[str, Any]:
    return {
        "number": action.number,
        "theme": action.theme.name,
        "title": action.title,
        "description": action.description,
        "is_continuing": action.is_continuing,
        "commitments": [commitment.number for commitment in action.commitments.all()],
        "target_date": _when(action.target_date),
        "progress": action.get_progress_display() if action.progress else "",
        "what_happened": action.what_happened,
        "what_helped": action.what_helped,
    }


def data_about(user: User) -> dict[str, Any]:
    """The person's data, section by section; every value JSON can hold."""
    pledges = (
        Pledge.objects.filter(created_by=user)
        .select_related("organisation")
        .prefetch_related("actions__theme", "actions__commitments")
        .order_by("created_at")
    )
    reviews = (
        ReviewCycle.objects.filter(reviewed_by=user)
        .select_related("pledge__organisation")
        .prefetch_related("actions__theme", "actions__commitments")
        .order_by("reviewed_at")
    )
    return {
        "account": {
            "email": user.email,
            "name": user.name,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in EmailAddress.objects.filter(user=user).order_by("pk")
            ],
        },
        "memberships": [
            {"organisation": m.organisation.name, "role": m.get_role_display(), "since": _when(m.created_at)}
            for m in Membership.objects.filter(user=user)
            .select_related("organisation")
            .order_by("created_at")
        ],
        "requests_to_join": [
            {
                "organisation": r.organisation.name,
                "status": r.get_status_display(),
                "asked_at": _when(r.created_at),
                "answered_at": _when(r.decided_at),
            }
            for r in JoinRequest.objects.filter(user=user)
            .select_related("organisation")
            .order_by("created_at")
        ],
        "pledges_signed": [
            {
                "reference": pledge.reference,
                "organisation": pledge.organisation.name,
                "status": pledge.get_status_display(),
                "signatory_name": pledge.signatory_name,
                "signatory_job_title": pledge.signatory_job_title,
                "signatory_role": pledge.get_signatory_role_display() if pledge.signatory_role else "",
                "leader_name": pledge.leader_name,
                "leader_job_title": pledge.leader_job_title,
                "declaration_name": pledge.declaration_name,
                "show_actions": pledge.show_actions,
                "show_signatory": pledge.show_signatory,
                "show_logo": pledge.show_logo,
                "started_at": _when(pledge.created_at),
                "submitted_at": _when(pledge.submitted_at),
                "approved_at": _when(pledge.approved_at),
                "signed_on": _when(pledge.signed_on),
                "actions": [_action(action) for action in pledge.actions.all()],
            }
            for pledge in pledges
        ],
        "reviews_written": [
            {
                "organisation": cycle.pledge.organisation.name,
                "pledge": cycle.pledge.reference,
                "year": cycle.number,
                "reviewed_at": _when(cycle.reviewed_at),
                "message_to_team": cycle.message_to_team,
                "show_progress": cycle.show_progress,
                "actions": [_action(action) for action in cycle.actions.all()],
            }
            for cycle in reviews
        ],
        "things_done": [
            {
                "when": _when(event.created_at),
                "pledge": event.pledge.reference,
                "what": event.get_kind_display(),
                "note": event.note,
            }
            for event in PledgeEvent.objects.filter(actor=user)
            .select_related("pledge")
            .order_by("created_at")
        ],
        "invitations_sent": [
            {  # not whom to: their address is theirs, not this person's
                "organisation": invitation.organisation.name,
                "sent_at": _when(invitation.created_at),
            }
            for invitation in Invitation.objects.filter(invited_by=user)
            .select_related("organisation")
            .order_by("created_at")
        ],
        "invitations_received": [
            {
                "organisation": invitation.organisation.name,
                "sent_at": _when(invitation.created_at),
                "accepted_at": _when(invitation.accepted_at),
            }
            # Accepted by this account: an invitation is to an address, which may have had another owner.
            for invitation in Invitation.objects.filter(accepted_by=user)
            .select_related("organisation")
            .order_by("created_at")
        ],
        "emails_sent_to_you": [
            {
                "created_at": _when(email.created_at),
                "sent_at": _when(email.sent_at),
                "status": email.get_status_display(),
                "subject": email.subject,
                "body": email.body_text,
            }
            # By account, not address: an address may have had another owner, whose emails are theirs.
            for email in OutboxEmail.objects.sent_to(user).order_by("created_at")
        ],
    }


def _flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _flatten(inner, f"{prefix}.{key}" if prefix else key)
    elif isinstance(value, list) and any(isinstance(item, dict) for item in value):
        for number, inner in enumerate(value, start=1):
            yield from _flatten(inner, f"{prefix}.{number}")
    elif isinstance(value, list):
        yield prefix, ", ".join(str(item) for item in value)
    else:
        yield prefix, value


def csv_rows(data: dict[str, Any]) -> Iterator[list[Any]]:
    """One row per value: section, item number (blank for the account), field, value; formulas defused."""
    yield CSV_HEADER
    for section, content in data.items():
        items = content if isinstance(content, list) else [content]
        for number, item in enumerate(items, start=1):
            for field, value in _flatten(item):
                label = number if isinstance(content, list) else ""
                yield [section, label, field, defuse_formula(value)]
