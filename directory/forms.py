"""The directory's search, filters and sort."""

from django import forms

from organisations.models import Organisation
from pledge_portal.forms import PortalForm

from .models import DirectoryEntry, LibraryAction

ANY = [("", "Any")]


class DirectoryFilterForm(PortalForm):
    """The directory's search, filters and sort: a GET form, so every search has a shareable URL."""

    form_method = "get"
    submit_label = "Search"
    # No name: the button adds nothing to the URL.
    submit_name = ""

    q = forms.CharField(label="Search by name", max_length=100, required=False)
    sector = forms.ChoiceField(label="Sector", choices=ANY + Organisation.Sector.choices, required=False)
    area = forms.ChoiceField(label="Area", required=False)
    kind = forms.ChoiceField(label="Kind", choices=ANY + Organisation.Kind.choices, required=False)
    year = forms.TypedChoiceField(label="Year signed", coerce=int, empty_value=None, required=False)
    theme = forms.ChoiceField(label="Action theme", required=False)
    sort = forms.ChoiceField(label="Sort by", choices=DirectoryEntry.Sort.choices, required=False)

    def __init__(self, *args, summary, **kwargs):
        super().__init__(*args, **kwargs)
        # The choices come from the snapshot, so the form needs no query of its own.
        self.fields["area"].choices = ANY + [(a["code"], a["name"]) for a in summary.get("by_area", [])]
        self.fields["year"].choices = ANY + [(year, str(year)) for year in summary.get("years", [])]
        self.fields["theme"].choices = ANY + [(t["slug"], t["name"]) for t in summary.get("themes", [])]

    def criteria(self):
        """(search, filters, sort) from the valid fields; invalid ones are ignored and shown as errors."""
        if not self.is_bound:
            return "", {}, DirectoryEntry.Sort.NAME
        self.is_valid()
        data = self.cleaned_data
        filters = {
            name: data.get(name) for name in ("sector", "area", "kind", "year", "theme") if data.get(name)
        }
        return data.get("q", ""), filters, data.get("sort") or DirectoryEntry.Sort.NAME


class LibraryFilterForm(PortalForm):
    """The actions library's search, filters and sort: a GET form, so every search has a shareable URL."""

    form_method = "get"
    submit_label = "Show actions"
    submit_name = ""

    q = forms.CharField(label="Search the actions", max_length=100, required=False)
    theme = forms.ChoiceField(label="Kind of action", required=False)
    commitment = forms.TypedChoiceField(
        label="Commitment it serves", coerce=int, empty_value=None, required=False
    )
    # Every sector, so a link from the signing journey never meets an unknown one.
    sector = forms.ChoiceField(
        label="Partner's sector", choices=ANY + Organisation.Sector.choices, required=False
    )
    area = forms.ChoiceField(label="Area served", required=False)
    year = forms.TypedChoiceField(label="Year", coerce=int, empty_value=None, required=False)
    progress = forms.ChoiceField(label="Progress", required=False)
    sort = forms.ChoiceField(label="Sort by", choices=LibraryAction.Sort.choices, required=False)

    FILTERS = ("theme", "commitment", "sector", "area", "year", "progress")

    def __init__(self, *args, summary, **kwargs):
        super().__init__(*args, **kwargs)
        # The choices come from the snapshot, so the form needs no query of its own.
        self.fields["theme"].choices = ANY + [(t["slug"], t["name"]) for t in summary.get("themes", [])]
        self.fields["commitment"].choices = ANY + [tuple(c) for c in summary.get("commitments", [])]
        self.fields["area"].choices = ANY + [tuple(a) for a in summary.get("areas", [])]
        self.fields["year"].choices = ANY + [(year, str(year)) for year in summary.get("years", [])]
        self.fields["progress"].choices = ANY + [tuple(p) for p in summary.get("progress", [])]

    def criteria(self):
        """(search, filters, sort) from the valid fields; invalid ones are ignored and shown as errors."""
        if not self.is_bound:
            return "", {}, LibraryAction.Sort.RECENT
        self.is_valid()
        data = self.cleaned_data
        filters = {name: data.get(name) for name in self.FILTERS if data.get(name)}
        return data.get("q", ""), filters, data.get("sort") or LibraryAction.Sort.RECENT
