"""'Your pledge': a partner's own view of its pledges, and what it can do next."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Prefetch
from django.views.generic import ListView

from organisations.models import Membership
from pledges.models import Pledge, ReviewCycle


class MyPledgesView(LoginRequiredMixin, ListView):
    template_name = "pledges/partner/my_pledges.html"
    context_object_name = "pledges"

    def get_queryset(self):
        return (
            Pledge.objects.for_member(self.request.user)
            .select_related("organisation", "version")
            .prefetch_related(
                Prefetch("cycles", queryset=ReviewCycle.objects.prefetch_related("actions")),
                Prefetch(
                    "organisation__memberships",
                    queryset=Membership.objects.select_related("user").order_by("role", "pk"),
                ),
            )
        )
