"""What a person types on the signing journey's pages, shared by its tests."""

from django.urls import reverse

from organisations.models import Area, Organisation


def new_organisation_data(**overrides):
    return {
        "name": "Hartcliffe Community Larder",
        "kind": Organisation.Kind.GROUP,
        "sector": Organisation.Sector.VCSE,
        "areas": [Area.objects.get(code="bristol").pk],
        "website": "https://hartcliffe-larder.example.org",
        "description": "A community food larder run by volunteers.",
        **overrides,
    }


def url(name, pledge, query=""):
    """The address of step `name` of `pledge`'s journey."""
    return reverse(f"pledges:{name}", kwargs={"pk": pledge.pk}) + query
