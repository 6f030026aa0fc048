"""The account pages the portal adds to allauth's: the person's name, and sending the link again."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.views.generic import FormView

from .adapter import AccountAdapter, safe_next
from .forms import NameForm


class NameView(LoginRequiredMixin, FormView):
    """Someone's own name, asked once of accounts made before sign-up asked for it."""

    template_name = "accounts/name.html"
    form_class = NameForm

    def destination(self):
        return safe_next(self.request) or AccountAdapter(self.request).get_login_redirect_url(self.request)

    def get(self, request, *args, **kwargs):
        if request.user.name:
            return redirect(self.destination())
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        self.request.user.name = form.cleaned_data["name"].strip()
        self.request.user.save(update_fields=["name"])
        messages.success(self.request, "Thank you. Your name is saved.")
        return redirect(self.destination())
