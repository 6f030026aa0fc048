"""The account pages the portal adds to allauth's: the person's name, and sending the link again."""

import datetime
import time

from allauth.account.internal.flows.email_verification import (
    get_address_for_user,
    send_verification_email_to_address,
)
from allauth.account.internal.stagekit import unstash_login
from allauth.account.views import PasswordResetView as AllauthPasswordResetView
from allauth.core.internal import ratelimit
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
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


def confirmation_link_allowed_at(request, email):
    """When allauth's rate limit (ACCOUNT_RATE_LIMITS["confirm_email"]) next lets `email` have a link."""
    now = time.time()
    allowed_at = now
    for rate in ratelimit.get_rates(app="allauth.account", action="confirm_email"):
        key = ratelimit.get_cache_key(
            request, app="allauth.account", action="confirm_email", rate=rate, key=email.lower()
        )
        # Newest first, as allauth keeps them: the rate frees up when the amount-th newest expires.
        recent = [sent for sent in cache.get(key, []) if sent > now - rate.duration]
        if len(recent) >= rate.amount:
            allowed_at = max(allowed_at, recent[rate.amount - 1] + rate.duration)
    return datetime.datetime.fromtimestamp(allowed_at, tz=datetime.UTC)


class SendConfirmationAgainView(View):
    """ "Check your email": send the link to confirm the address again, or say plainly when it can be."""

    def post(self, request):
        # Sign-up, or signing in unconfirmed, leaves the sign-in waiting in the session for the address.
        login = unstash_login(request, peek=True)
        address = get_address_for_user(login.user) if login and login.user else None
        if address is None or address.verified:
            messages.info(request, "Sign in with your email address and password to carry on.")
            return redirect("account_login")
        if send_verification_email_to_address(request, address):
            messages.success(request, f"We have sent a new link to {address.email}.")
        else:
            allowed_at = confirmation_link_allowed_at(request, address.email)
            minutes = max(1, round((allowed_at - timezone.now()).total_seconds() / 60))
            messages.error(
                request,
                f"We have not sent another link yet: we sent one to {address.email} a moment ago, and "
                f"it still works. You can ask for a new one from "
                f"{timezone.localtime(allowed_at):%H:%M} (in {minutes} minute{'s' if minutes != 1 else ''}).",
            )
        return redirect("account_email_verification_sent")


class PasswordResetView(AllauthPasswordResetView):
    """allauth's "reset your password", but it always says "Check your email" next: allauth would go
    straight on to ?next=, which only leads back to sign-in. The emailed link carries ?next= instead."""

    def get_success_url(self):
        return reverse("account_reset_password_done")
