"""The person's own data pages under /my/: see and download it, close the account; and the privacy notice."""

import csv
import json

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import TemplateView

from . import export, services


def retention_periods():
    """The periods the privacy notice states, read from the settings that apply them."""
    return {
        "unverified_account_days": settings.RETENTION_UNVERIFIED_ACCOUNT_DAYS,
        "draft_months": settings.RETENTION_DRAFT_MONTHS,
        "sent_email_body_days": settings.RETENTION_SENT_EMAIL_BODY_DAYS,
    }


class PrivacyNoticeView(TemplateView):
    template_name = "pages/privacy.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(retention=retention_periods(), **kwargs)


class YourDataView(LoginRequiredMixin, TemplateView):
    """What we hold, the downloads, and closing the account."""

    template_name = "privacy/your_data.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(retention=retention_periods(), **kwargs)


def _filename(extension):
    return f"your-data-{timezone.localdate():%Y-%m-%d}.{extension}"


@method_decorator(reauthentication_required, name="get")
class DownloadJsonView(LoginRequiredMixin, View):
    def get(self, request):
        response = HttpResponse(
            json.dumps(export.data_about(request.user), indent=2, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{_filename("json")}"'
        return response


@method_decorator(reauthentication_required, name="get")
class DownloadCsvView(LoginRequiredMixin, View):
    def get(self, request):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
        csv.writer(response).writerows(export.csv_rows(export.data_about(request.user)))
        return response


# Checked after LoginRequiredMixin (in dispatch): someone signed out is asked to sign in first.
@method_decorator(reauthentication_required, name="get")
@method_decorator(reauthentication_required, name="post")
class CloseAccountView(LoginRequiredMixin, TemplateView):
    """GET explains what closing means (and warns the last person at an approved partner); POST closes."""

    template_name = "privacy/close_account.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            left_without_people=list(services.partners_left_without_people(self.request.user)), **kwargs
        )

    def post(self, request):
        if request.POST.get("confirm") != "yes":
            context = self.get_context_data(error="Tick the box to confirm you want to close your account.")
            return self.render_to_response(context)
        services.close_account(user=request.user)
        logout(request)
        messages.success(request, "Your account is closed, and your name and email address are removed.")
        return redirect("pages:home")
