"""Writes for an organisation's details: adding an organisation and changing what it says about itself."""

from collections.abc import Iterable, Sequence
from typing import Literal

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from organisations.models import Area, OldSlug, Organisation, OrganisationEvent
from organisations.signals import organisation_changed
from pledge_portal.errors import NotAllowed


def unique_slug(name: str, *, organisation: Organisation | None = None) -> str:
    """A slug for `name` that no organisation has or had: an old address must keep leading to its own.

    An organisation taking back a name it had may have its own old address back.
    """
    base = slugify(name)[:200] or "organisation"
    slug, n = base, 1
    while (
        Organisation.objects.filter(slug=slug).exists()
        or OldSlug.objects.filter(slug=slug).exclude(organisation=organisation).exists()
    ):
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_organisation(
    *,
    by: AbstractBaseUser,
    name: str,
    kind: str,
    sector: str,
    areas: Iterable[Area],
    website: str = "",
    description: str = "",
    logo: File | None = None,
    parent: Organisation | None = None,
) -> Organisation:
    """Add a new organisation, created by `by`. Its name must not already be taken (ignoring case)."""
    name = " ".join(name.split())
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(
                name=name,
                slug=unique_slug(name),
                kind=kind,
                sector=sector,
                website=website,
                description=description,
                logo=logo or "",
                parent=parent,
                created_by=by,
            )
    except IntegrityError as error:
        raise NotAllowed(
            "An organisation with this name is already registered. Search for it and choose it."
        ) from error
    organisation.areas.set(areas)
    return organisation


def update_organisation(
    *,
    organisation: Organisation,
    by: AbstractBaseUser,
    kind: str,
    sector: str,
    areas: Iterable[Area],
    website: str = "",
    description: str = "",
    logo: File | Literal[False] | None = None,
) -> Organisation:
    """A member edits their organisation's details. The name is not changed here (see the edit page).

    `logo` is a new (already validated and re-encoded) file, False to remove the
    current logo, or None to keep it. The public directory is rebuilt after commit.
    """
    with transaction.atomic():
        # As saved, not as the edit form left `organisation`: what changed goes in the audit trail.
        saved = Organisation.objects.select_for_update().get(pk=organisation.pk)
        saved_areas = set(saved.areas.values_list("pk", flat=True))
        organisation.kind = kind
        organisation.sector = sector
        organisation.website = website
        organisation.description = description
        if logo is False:
            organisation.logo = ""
        elif logo is not None:
            organisation.logo = logo
        organisation.save()
        organisation.areas.set(areas)
        changed = [
            field
            for field in ("kind", "sector", "website", "description", "logo")
            if getattr(organisation, field) != getattr(saved, field)
        ]
        if {area.pk for area in areas} != saved_areas:
            changed.append("areas")
        _record_details_changed(organisation=organisation, by=by, fields=changed)
        organisation_changed.send(sender=Organisation, organisation=organisation)
    return organisation


def update_organisation_in_admin(
    *, organisation: Organisation, by: AbstractBaseUser, changed: Sequence[str]
) -> Organisation:
    """Staff change an organisation in the admin: saved, audited, and the public directory rebuilt.

    The admin's form has already set the `changed` fields on `organisation`; the
    admin saves its areas just after, in the same transaction, and the directory
    is built after commit, so it shows them.
    """
    with transaction.atomic():
        organisation.save()
        _record_details_changed(organisation=organisation, by=by, fields=changed)
        organisation_changed.send(sender=Organisation, organisation=organisation)
    return organisation


def _record_details_changed(
    *, organisation: Organisation, by: AbstractBaseUser, fields: Sequence[str]
) -> None:
    if not fields:
        return
    names = ", ".join(str(Organisation._meta.get_field(field).verbose_name) for field in fields)
    OrganisationEvent.objects.create(
        organisation=organisation,
        kind=OrganisationEvent.Kind.DETAILS_CHANGED,
        actor=by,
        note=f"Changed: {names}"[:200],
    )
