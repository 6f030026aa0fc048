"""'Your pledge': a partner's own view of its pledges, and what it can do next."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import ListView

from pledges.models import Pledge


class MyPledgesView(LoginRequiredMixin, ListView):
    template_name = "pledges/partner/my_pledges.html"
    context_object_name = "pledges"

    def get_queryset(self):
        return Pledge.objects.for_member(self.request.user).select_related("organisation", "version")
