"""factory_boy factories for every model the tests build."""

import datetime

import factory
import faker
from allauth.account.models import EmailAddress
from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import PROGRAMME_TEAM_GROUP, User
from organisations.models import Area, Membership, Organisation
from outbox.models import OutboxEmail
from outbox.services import owners_of
from pledges.models import Action, ActionTheme, Commitment, Pledge, PledgeEvent, PledgeVersion, ReviewCycle

FAKE = faker.Faker("en_GB")


class UserFactory(factory.django.DjangoModelFactory):
    """A person with a verified email address, who can sign in."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    # Realistic names, minus apostrophes ("O'Neill"), which HTML escapes and raw-text assertions would miss.
    name = factory.LazyFunction(lambda: FAKE.name().replace("'", ""))
    password = factory.django.Password("a-long-test-password")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)

    @factory.post_generation
    def programme_team(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.groups.add(Group.objects.get(name=PROGRAMME_TEAM_GROUP))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Partner Organisation {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = Organisation.Kind.ORGANISATION
    sector = Organisation.Sector.VCSE
    website = factory.LazyAttribute(lambda o: f"https://www.{slugify(o.name)}.org.uk")
    description = "A partner working with people and communities across the area."

    @factory.post_generation
    def areas(obj, create, extracted, **kwargs):
        if create:
            obj.areas.set(extracted if extracted is not None else Area.objects.filter(code="bristol"))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.SIGNATORY


def current_version():
    return PledgeVersion.objects.current()


class PledgeFactory(factory.django.DjangoModelFactory):
    """A draft pledge by default; traits give submitted and approved pledges."""

    class Meta:
        model = Pledge
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    version = factory.LazyFunction(current_version)
    created_by = factory.SubFactory(UserFactory)
    signatory_name = factory.LazyAttribute(lambda p: p.created_by.name)
    signatory_job_title = "Chief Executive"
    signatory_role = Pledge.SignatoryRole.LEADER
    agreed_to_commitments_at = factory.LazyFunction(timezone.now)
    show_actions = True
    show_signatory = False
    show_logo = True

    class Params:
        submitted = factory.Trait(
            status=Pledge.Status.SUBMITTED,
            declaration_name=factory.SelfAttribute("signatory_name"),
            submitted_at=factory.LazyFunction(timezone.now),
        )
        approved = factory.Trait(
            status=Pledge.Status.APPROVED,
            declaration_name=factory.SelfAttribute("signatory_name"),
            submitted_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=5)),
            approved_at=factory.LazyFunction(timezone.now),
            signed_on=factory.LazyFunction(timezone.localdate),
        )

    @factory.post_generation
    def membership(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            Membership.objects.get_or_create(
                user=obj.created_by,
                organisation=obj.organisation,
                defaults={"role": Membership.Role.SIGNATORY},
            )

    @factory.post_generation
    def with_actions(obj, create, extracted, **kwargs):
        """Two draft actions (or, for an approved pledge, cycle 1 with its two actions)."""
        if not create or extracted is False:
            return
        cycle = None
        if obj.status == Pledge.Status.APPROVED:
            cycle = ReviewCycleFactory(pledge=obj, starts_on=obj.signed_on)
        for number in (1, 2):
            ActionFactory(pledge=obj, cycle=cycle, number=number)


class ReviewCycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewCycle

    pledge = factory.SubFactory(PledgeFactory, approved=True, with_actions=False)
    number = 1
    starts_on = factory.LazyFunction(timezone.localdate)
    due_on = factory.LazyAttribute(lambda c: c.starts_on + relativedelta(months=12))


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action
        skip_postgeneration_save = True

    pledge = factory.SubFactory(PledgeFactory, with_actions=False)
    number = 1
    theme = factory.LazyFunction(lambda: ActionTheme.objects.filter(is_example=True).first())
    title = factory.Sequence(lambda n: f"Set up a trauma-informed steering group ({n})")
    description = "Bring together staff and people with lived experience to guide our work."
    is_continuing = False

    @factory.post_generation
    def commitments(obj, create, extracted, **kwargs):
        if create:
            obj.commitments.set(
                extracted
                if extracted is not None
                else Commitment.objects.filter(version=obj.pledge.version, number=1)
            )


class PledgeEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PledgeEvent

    pledge = factory.SubFactory(PledgeFactory)
    kind = PledgeEvent.Kind.CREATED


class OutboxEmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboxEmail

    to = factory.Sequence(lambda n: f"recipient{n}@example.org")
    # As the outbox records it: the account whose verified address `to` is, if any.
    recipient_id = factory.LazyAttribute(lambda email: owners_of([email.to]).get(email.to.lower()))
    subject = "Your pledge"
    body_text = "Thank you for signing the pledge."

    class Params:
        # As the outbox leaves an email a server refused for good.
        failed = factory.Trait(
            status=OutboxEmail.Status.FAILED,
            attempts=1,
            last_error="550 5.1.1 No such mailbox",
            failed_at=factory.LazyFunction(timezone.now),
        )


def directory_partner(
    name,
    *,
    sector=Organisation.Sector.VCSE,
    kind=Organisation.Kind.ORGANISATION,
    areas=("bristol",),
    signed_on=None,
    theme="steering-group",
    **pledge_fields,
):
    """An organisation with an approved pledge (cycle 1 and its two actions), as the directory lists it."""
    organisation = OrganisationFactory(
        name=name, sector=sector, kind=kind, areas=list(Area.objects.filter(code__in=areas))
    )
    signed_on = signed_on or timezone.localdate()
    pledge = PledgeFactory(
        organisation=organisation, approved=True, signed_on=signed_on, with_actions=False, **pledge_fields
    )
    cycle = ReviewCycleFactory(pledge=pledge, starts_on=signed_on)
    for number in (1, 2):
        ActionFactory(pledge=pledge, cycle=cycle, number=number, theme=ActionTheme.objects.get(slug=theme))
    return pledge


def bulk_directory_partners(count, *, start=0, created_by=None):
    """`count` approved partners, each with cycle 1 and two actions, written with bulk_create.

    For benchmarks and query-count tests that need hundreds or thousands of
    partners: names are "Partner 00001"..., and sector, kind, areas, year
    signed and action themes vary so that every filter has something to find.
    """
    created_by = created_by or UserFactory()
    version = current_version()
    areas = list(Area.objects.all())
    themes = list(ActionTheme.objects.all())
    sectors, kinds = Organisation.Sector.values, Organisation.Kind.values
    today = timezone.localdate()
    numbers = range(start, start + count)
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Partner {n:05d}",
            slug=f"partner-{n:05d}",
            kind=kinds[n % len(kinds)],
            sector=sectors[n % len(sectors)],
            website=f"https://www.partner-{n:05d}.org.uk",
            description="A partner working with people and communities across the area.",
        )
        for n in numbers
    )
    Organisation.areas.through.objects.bulk_create(
        Organisation.areas.through(organisation=organisation, area=areas[(n + offset) % len(areas)])
        for n, organisation in zip(numbers, organisations, strict=True)
        for offset in range(1 + n % 2)
    )
    signed = [today - datetime.timedelta(days=n % 1000) for n in numbers]
    pledges = Pledge.objects.bulk_create(
        Pledge(
            organisation=organisation,
            version=version,
            created_by=created_by,
            status=Pledge.Status.APPROVED,
            signatory_name=f"Signatory {n}",
            signatory_job_title="Chief Executive",
            signatory_role=Pledge.SignatoryRole.LEADER,
            show_actions=n % 5 != 0,
            show_signatory=n % 3 == 0,
            show_logo=True,
            declaration_name=f"Signatory {n}",
            submitted_at=timezone.now(),
            approved_at=timezone.now(),
            signed_on=signed_on,
        )
        for n, organisation, signed_on in zip(numbers, organisations, signed, strict=True)
    )
    cycles = ReviewCycle.objects.bulk_create(
        ReviewCycle(pledge=pledge, number=1, starts_on=signed_on, due_on=signed_on + relativedelta(months=12))
        for pledge, signed_on in zip(pledges, signed, strict=True)
    )
    Action.objects.bulk_create(
        Action(
            pledge=cycle.pledge,
            cycle=cycle,
            number=number,
            theme=themes[(n + number) % len(themes)],
            title=f"Action {number} of partner {n:05d}",
            description="Bring together staff and people with lived experience to guide our work.",
        )
        for n, cycle in zip(numbers, cycles, strict=True)
        for number in (1, 2)
    )
    return pledges


def bulk_pledges(count, *, with_actions=True, **fields):
    """`count` pledges as PledgeFactory.create_batch makes them, in a dozen queries instead of thousands.

    For query-count tests that need hundreds of pledges. Each has its own
    signatory (verified email, signatory member of the organisation), its own
    organisation serving Bristol, and two actions serving commitment 1: drafts,
    or cycle 1's for an approved pledge. Takes the factory's traits and fields
    (approved=True, signed_on=...); an organisation or signatory given must
    already be saved.
    """
    version = current_version()
    pledges = PledgeFactory.build_batch(count, version=version, **fields)
    users = User.objects.bulk_create(unsaved(p.created_by for p in pledges))
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
    )
    organisations = Organisation.objects.bulk_create(unsaved(p.organisation for p in pledges))
    bristol = Area.objects.get(code="bristol")
    Organisation.areas.through.objects.bulk_create(
        Organisation.areas.through(organisation=organisation, area=bristol) for organisation in organisations
    )
    # As the factory's get_or_create: a signatory given for several pledges of one organisation is one member.
    Membership.objects.bulk_create(
        (
            Membership(user=p.created_by, organisation=p.organisation, role=Membership.Role.SIGNATORY)
            for p in pledges
        ),
        ignore_conflicts=True,
    )
    Pledge.objects.bulk_create(pledges)
    if not with_actions:
        return pledges
    approved = [p for p in pledges if p.status == Pledge.Status.APPROVED]
    cycles = ReviewCycle.objects.bulk_create(
        ReviewCycleFactory.build(pledge=p, starts_on=p.signed_on) for p in approved
    )
    cycle_of = {cycle.pledge_id: cycle for cycle in cycles}
    theme = ActionTheme.objects.filter(is_example=True).first()
    actions = Action.objects.bulk_create(
        ActionFactory.build(pledge=p, cycle=cycle_of.get(p.pk), number=number, theme=theme)
        for p in pledges
        for number in (1, 2)
    )
    first = Commitment.objects.get(version=version, number=1)
    Action.commitments.through.objects.bulk_create(
        Action.commitments.through(action=action, commitment=first) for action in actions
    )
    return pledges


def unsaved(objects):
    """Each distinct object not yet saved, once."""
    return list({id(o): o for o in objects if o.pk is None}.values())
