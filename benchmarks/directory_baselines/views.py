"""A directory as a first version would write it, and the real page's bytes returned by a plain view."""

import os
from pathlib import Path

from django import forms
from django.http import HttpResponse
from django.views.generic import ListView

from organisations.models import Area, Organisation
from pledge_portal.forms import PortalForm
from pledges.models import Pledge


class NaiveFilterForm(PortalForm):
    form_method = "get"
    submit_label = "Search"
    submit_name = ""

    q = forms.CharField(label="Search by name", required=False)
    sector = forms.ChoiceField(label="Sector", choices=[("", "Any"), *Organisation.Sector.choices])
    area = forms.ChoiceField(label="Area")
    kind = forms.ChoiceField(label="Kind", choices=[("", "Any"), *Organisation.Kind.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
        self.fields["area"].choices = [("", "Any"), *Area.objects.values_list("code", "name")]


class NaivePartnerList(ListView):
    """A ListView and Paginator over the live tables: joins, COUNT and OFFSET on every request."""

    template_name = "naive_partners.html"
    paginate_by = 20
    context_object_name = "partners"

    def get_queryset(self):
        self.form = NaiveFilterForm(self.request.GET or None)
        organisations = (
            Organisation.objects.filter(pledges__status=Pledge.Status.APPROVED)
            .prefetch_related("areas")
            .order_by("name", "pk")
        )
        if self.form.is_valid():
            data = self.form.cleaned_data
            if data["q"]:
                organisations = organisations.filter(name__icontains=data["q"])
            if data["sector"]:
                organisations = organisations.filter(sector=data["sector"])
            if data["kind"]:
                organisations = organisations.filter(kind=data["kind"])
            if data["area"]:
                organisations = organisations.filter(areas__code=data["area"])
        return organisations

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=self.form, **kwargs)


def plain_partners(request):
    """The bytes of /partners/, as saved before the run, through all the middleware."""
    return HttpResponse((Path(os.environ["BENCHMARK_FILES"]) / "partners.html").read_bytes())
