"""A pledge's answers as the team reads them, and what changed between two sets of them.

When the team asks for changes, the answers are kept on the event, so a
resubmitted pledge can show, field by field, what the partner changed since.
"""

from django.utils.dateformat import format as format_date

from pledges.models import Pledge, PledgeEvent


def answers_of(pledge: Pledge) -> dict[str, str]:
    """Every answer the partner gave, as label → displayed text, in the order the journey asks."""
    organisation = pledge.organisation
    answers = {
        "Organisation name": organisation.name,
        "Kind of body": organisation.get_kind_display(),
        "Sector": organisation.get_sector_display(),
        "Areas served": ", ".join(sorted(area.name for area in organisation.areas.all())),
        "Website": organisation.website,
        "Short description": organisation.description,
        "Signatory's name": pledge.signatory_name,
        "Signatory's job title": pledge.signatory_job_title,
        "Signatory's role": pledge.get_signatory_role_display(),
        "Leader's name": pledge.leader_name,
        "Leader's job title": pledge.leader_job_title,
    }
    drafts = pledge.actions.filter(cycle__isnull=True).select_related("theme").prefetch_related("commitments")
    for action in sorted(drafts, key=lambda action: action.number):
        label = f"Action {action.number}"
        answers |= {
            f"{label}: kind": action.theme.name,
            f"{label}: title": action.title,
            f"{label}: what they will do": action.description,
            f"{label}: new or continuing": "Continues work" if action.is_continuing else "New work",
            f"{label}: commitments": ", ".join(str(c.number) for c in action.commitments.all()),
            f"{label}: target date": format_date(action.target_date, "j F Y") if action.target_date else "",
        }
    answers |= {
        "Publish actions and progress": _yes_no(pledge.show_actions),
        "Show signatory's name": _yes_no(pledge.show_signatory),
        "Show logo": _yes_no(pledge.show_logo),
    }
    return answers


def _yes_no(value: bool | None) -> str:
    return {True: "Yes", False: "No"}.get(value, "")


def changes_since_request(pledge: Pledge) -> list[tuple[str, str, str]] | None:
    """What changed since the team last asked for changes, as (label, then, now); None if it never asked.

    Only for a pledge whose answers were kept when the team asked (every
    request since they began to be kept).
    """
    request = (
        PledgeEvent.objects.filter(pledge=pledge, kind=PledgeEvent.Kind.CHANGES_REQUESTED)
        .exclude(answers={})
        .order_by("-created_at", "-pk")
        .first()
    )
    if request is None:
        return None
    now = answers_of(pledge)
    labels = list(now) + [label for label in request.answers if label not in now]
    return [
        (label, request.answers.get(label, ""), now.get(label, ""))
        for label in labels
        if request.answers.get(label, "") != now.get(label, "")
    ]
