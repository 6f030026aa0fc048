"""Realistic demo data for trying the portal: about 30 partners, with pledges in every status."""

import datetime

from allauth.account.models import EmailAddress
from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from organisations.models import Area, Membership, Organisation

from .models import Action, ActionTheme, Pledge, PledgeEvent, PledgeVersion, RejectionReason, ReviewCycle

K, S = Organisation.Kind, Organisation.Sector
ST = Pledge.Status

# name, kind, sector, area codes, status, months since submitted
PARTNERS = [
    ("Bristol City Council", K.ORGANISATION, S.LOCAL_AUTHORITY, ["bristol"], ST.APPROVED, 26),
    ("North Somerset Council", K.ORGANISATION, S.LOCAL_AUTHORITY, ["north-somerset"], ST.APPROVED, 14),
    (
        "South Gloucestershire Council",
        K.ORGANISATION,
        S.LOCAL_AUTHORITY,
        ["south-gloucestershire"],
        ST.APPROVED,
        11,
    ),
    (
        "North Bristol NHS Trust",
        K.ORGANISATION,
        S.NHS_HEALTH,
        ["bristol", "south-gloucestershire"],
        ST.APPROVED,
        13,
    ),
    (
        "University Hospitals Bristol and Weston",
        K.ORGANISATION,
        S.NHS_HEALTH,
        ["bristol", "north-somerset"],
        ST.APPROVED,
        9,
    ),
    (
        "Avon and Wiltshire Mental Health Partnership",
        K.ORGANISATION,
        S.NHS_HEALTH,
        ["bristol", "north-somerset", "south-gloucestershire"],
        ST.APPROVED,
        8,
    ),
    (
        "Sirona care & health",
        K.ORGANISATION,
        S.NHS_HEALTH,
        ["bristol", "north-somerset", "south-gloucestershire"],
        ST.APPROVED,
        7,
    ),
    (
        "Avon and Somerset Police",
        K.ORGANISATION,
        S.POLICE_JUSTICE,
        ["bristol", "north-somerset", "south-gloucestershire"],
        ST.APPROVED,
        12,
    ),
    ("Bristol Youth Justice Service", K.SERVICE, S.POLICE_JUSTICE, ["bristol"], ST.APPROVED, 6),
    ("Safer Bristol Partnership Board", K.STRATEGIC_BOARD, S.LOCAL_AUTHORITY, ["bristol"], ST.APPROVED, 5),
    ("Weston College", K.ORGANISATION, S.EDUCATION, ["north-somerset"], ST.APPROVED, 4),
    ("Oasis Academy Brightstowe", K.ORGANISATION, S.EDUCATION, ["bristol"], ST.APPROVED, 3),
    (
        "University of the West of England",
        K.ORGANISATION,
        S.EDUCATION,
        ["south-gloucestershire", "bristol"],
        ST.APPROVED,
        15,
    ),
    ("Bristol Mind", K.ORGANISATION, S.VCSE, ["bristol"], ST.APPROVED, 10),
    (
        "Second Step",
        K.ORGANISATION,
        S.VCSE,
        ["bristol", "north-somerset", "south-gloucestershire"],
        ST.APPROVED,
        2,
    ),
    (
        "Next Link Domestic Abuse Services",
        K.ORGANISATION,
        S.VCSE,
        ["bristol", "south-gloucestershire"],
        ST.APPROVED,
        1,
    ),
    ("Changing Futures Bristol", K.GROUP, S.VCSE, ["bristol"], ST.APPROVED, 16),
    ("Curo Housing", K.ORGANISATION, S.HOUSING, ["north-somerset", "south-gloucestershire"], ST.APPROVED, 6),
    ("Brunel Community Kitchens Ltd", K.ORGANISATION, S.BUSINESS, ["bristol"], ST.APPROVED, 3),
    ("Weston Families Hub", K.SERVICE, S.VCSE, ["north-somerset"], ST.SUBMITTED, 0),
    (
        "Kingswood Primary Care Network",
        K.ORGANISATION,
        S.NHS_HEALTH,
        ["south-gloucestershire"],
        ST.SUBMITTED,
        0,
    ),
    ("Yate Community Trust", K.ORGANISATION, S.VCSE, ["south-gloucestershire"], ST.SUBMITTED, 0),
    ("Clevedon Youth Club", K.GROUP, S.VCSE, ["north-somerset"], ST.CHANGES_REQUESTED, 0),
    ("Avonmouth Logistics Ltd", K.ORGANISATION, S.BUSINESS, ["bristol"], ST.REJECTED, 2),
    ("St Pauls Learning Centre", K.ORGANISATION, S.EDUCATION, ["bristol"], ST.WITHDRAWN, 14),
    ("Portishead Men's Shed", K.GROUP, S.VCSE, ["north-somerset"], ST.DRAFT, 0),
    ("Bristol Housing Association Forum", K.STRATEGIC_BOARD, S.HOUSING, ["bristol"], ST.DRAFT, 0),
    ("Thornbury Dental Practice", K.ORGANISATION, S.NHS_HEALTH, ["south-gloucestershire"], ST.DRAFT, 0),
    ("Severn Vale Sports Partnership", K.GROUP, S.OTHER, ["south-gloucestershire", "bristol"], ST.LAPSED, 30),
    (
        "BNSSG Integrated Care Board",
        K.ORGANISATION,
        S.NHS_HEALTH,
        ["bristol", "north-somerset", "south-gloucestershire"],
        ST.APPROVED,
        24,
    ),
]

ACTIONS = [
    (
        "Set up a trauma-informed steering group",
        "steering-group",
        "Bring together staff from every directorate and people with lived experience "
        "to guide our trauma-informed work.",
    ),
    (
        "Review our HR policies through a trauma-informed lens",
        "policy-review",
        "Start with sickness absence, disciplinary and supervision policies, with staff networks involved.",
    ),
    (
        "Write our trauma-informed practice action plan",
        "action-plan",
        "Use the BNSSG Trauma-Informed Practice Framework to agree priorities for the next three years.",
    ),
    (
        "Train line managers in recognising vicarious trauma",
        "line-manager-training",
        "Offer every line manager a half-day session and reflective practice groups.",
    ),
    (
        "Appoint trauma-informed champions in every team",
        "coproduction-champion",
        "Champions meet monthly, share learning and bring the voice of people who use our services.",
    ),
]


def _months_ago(months):
    return timezone.now() - relativedelta(months=months, days=3)


PROGRESS = [Action.Progress.COMPLETED, Action.Progress.IN_PROGRESS, Action.Progress.ONGOING]


def _add_reviewed_year(*, cycle, user, themes, commitments, index):
    """Partners who signed over a year ago have reviewed year 1: the demo then has history,
    and a mix of year-2 reviews due soon and overdue."""
    for action in cycle.actions.all():
        action.progress = PROGRESS[(index + action.number) % len(PROGRESS)]
        action.what_happened = "We made a start with a small group and shared what we learned across teams."
        action.what_helped = (
            "Support from senior leaders helped; finding time for reflective practice was hard."
        )
        action.save()
    cycle.reviewed_at = timezone.make_aware(
        datetime.datetime.combine(cycle.due_on + datetime.timedelta(days=5), datetime.time(10))
    )
    cycle.reviewed_by = user
    cycle.publish_progress = bool(cycle.pledge.publish_actions)
    cycle.save()
    next_cycle = ReviewCycle.objects.create(
        pledge=cycle.pledge,
        number=2,
        starts_on=cycle.due_on,
        due_on=cycle.pledge.signed_on + relativedelta(years=2),
    )
    for number in (1, 2):
        title, theme, description = ACTIONS[(index + number + 2) % len(ACTIONS)]
        action = Action.objects.create(
            pledge=cycle.pledge,
            cycle=next_cycle,
            number=number,
            theme=themes[theme],
            title=title,
            description=description,
            is_continuing=number == 2,
        )
        action.commitments.set(commitments[(index + number) % 8 : (index + number) % 8 + 1])
    PledgeEvent.objects.create(
        pledge=cycle.pledge, kind=PledgeEvent.Kind.REVIEWED, actor=user, note="Year 1 reviewed."
    )


@transaction.atomic
def seed_demo():
    """Create the demo partners. Safe to run again: existing partners are left as they are."""
    version = PledgeVersion.objects.current()
    themes = {theme.slug: theme for theme in ActionTheme.objects.all()}
    areas = {area.code: area for area in Area.objects.all()}
    commitments = list(version.commitments.all())
    created = 0
    for index, (name, kind, sector, area_codes, status, months) in enumerate(PARTNERS):
        slug = slugify(name)
        if Organisation.objects.filter(slug=slug).exists():
            continue
        created += 1
        organisation = Organisation.objects.create(
            name=name,
            slug=slug,
            kind=kind,
            sector=sector,
            website=f"https://www.{slug}.org.uk",
            description=f"{name} works with people and communities across Bristol, North Somerset "
            "and South Gloucestershire.",
        )
        organisation.areas.set([areas[code] for code in area_codes])
        user, _ = User.objects.get_or_create(
            email=f"leader@{slug}.org.uk", defaults={"name": f"Alex Leader {index + 1}"}
        )
        user.set_unusable_password()
        user.save()
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        Membership.objects.get_or_create(
            user=user, organisation=organisation, defaults={"role": Membership.Role.SIGNATORY}
        )

        submitted_at = _months_ago(months) if status != ST.DRAFT else None
        pledge = Pledge.objects.create(
            organisation=organisation,
            version=version,
            created_by=user,
            status=status,
            signatory_name=user.name,
            signatory_job_title="Chief Executive",
            signatory_role=Pledge.SignatoryRole.LEADER,
            agreed_to_commitments_at=submitted_at,
            publish_actions=index % 4 != 0,
            show_signatory=index % 3 == 0,
            show_logo=True,
            declaration_name=user.name if submitted_at else "",
            submitted_at=submitted_at,
        )
        cycle = None
        if status in (ST.APPROVED, ST.WITHDRAWN, ST.LAPSED):
            approved_at = submitted_at + datetime.timedelta(days=6)
            pledge.approved_at = approved_at
            pledge.signed_on = timezone.localdate(approved_at)
            if status == ST.WITHDRAWN:
                pledge.withdrawn_at = timezone.now() - datetime.timedelta(days=20)
            pledge.save()
            cycle = ReviewCycle.objects.create(
                pledge=pledge,
                number=1,
                starts_on=pledge.signed_on,
                due_on=pledge.signed_on + relativedelta(months=12),
            )
        elif status == ST.CHANGES_REQUESTED:
            pledge.changes_requested_message = (
                "Thank you for signing. Could you say a little more about how action 2 will involve "
                "people with lived experience?"
            )
            pledge.changes_requested_at = timezone.now() - datetime.timedelta(days=2)
            pledge.save()
        elif status == ST.REJECTED:
            pledge.rejection_reason = RejectionReason.objects.get(code="outside-bnssg")
            pledge.rejected_at = submitted_at + datetime.timedelta(days=8)
            pledge.save()

        for number in (1, 2):
            title, theme, description = ACTIONS[(index + number) % len(ACTIONS)]
            action = Action.objects.create(
                pledge=pledge,
                cycle=cycle,
                number=number,
                theme=themes[theme],
                title=title,
                description=description,
                is_continuing=number == 1,
            )
            action.commitments.set(commitments[(index + number) % 8 : (index + number) % 8 + 2])

        if status == ST.APPROVED and cycle.due_on < timezone.localdate() - datetime.timedelta(days=30):
            _add_reviewed_year(cycle=cycle, user=user, themes=themes, commitments=commitments, index=index)

        PledgeEvent.objects.create(
            pledge=pledge, kind=PledgeEvent.Kind.CREATED, actor=user, to_status=ST.DRAFT
        )
        if submitted_at:
            PledgeEvent.objects.create(
                pledge=pledge,
                kind=PledgeEvent.Kind.SUBMITTED,
                actor=user,
                from_status=ST.DRAFT,
                to_status=ST.SUBMITTED,
            )
    return created
