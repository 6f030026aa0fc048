"""A new wording of the pledge: the team drafts, previews and publishes it, and follows reaffirmations."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView

from accounts.mixins import ProgrammeTeamRequiredMixin
from pledge_portal.errors import NotAllowed
from pledges.models import Pledge, PledgeVersion
from pledges.services import versions
from pledges.wording import compare_versions
from team import forms as version_forms


class VersionsView(ProgrammeTeamRequiredMixin, TemplateView):
    """Every version: the draft, if any, and each published one with its reaffirmation progress."""

    template_name = "team/versions.html"

    def get_context_data(self, **kwargs):
        current = PledgeVersion.objects.current()
        return super().get_context_data(
            versions=list(PledgeVersion.objects.order_by("-number")),
            current=current,
            draft=PledgeVersion.objects.draft(),
            **kwargs,
        )

    def post(self, request):
        """Start drafting the next version."""
        try:
            draft = versions.start_draft_version(by=request.user)
        except NotAllowed as exc:
            messages.error(request, str(exc))
            return redirect("team:versions")
        return redirect("team:edit_version", number=draft.number)


class DraftMixin(ProgrammeTeamRequiredMixin):
    @cached_property
    def version(self):
        version = get_object_or_404(PledgeVersion, number=self.kwargs["number"])
        if not version.is_draft:
            raise Http404("That version has been published.")
        return version


class EditVersionView(DraftMixin, TemplateView):
    """The draft's introduction, example actions and commitments, any number of them."""

    template_name = "team/version_edit.html"

    def get(self, request, *args, **kwargs):
        version = self.version
        form = version_forms.DraftVersionForm(
            initial={
                "title": version.title,
                "introduction": version.introduction,
                "example_actions": version.example_actions,
            }
        )
        commitments = version_forms.CommitmentFormSet(
            prefix="commitment",
            initial=[{"title": c.title, "text": c.text} for c in version.commitments.all()],
        )
        return self.render_to_response(self.get_context_data(form=form, commitments=commitments))

    def post(self, request, *args, **kwargs):
        form = version_forms.DraftVersionForm(request.POST)
        commitments = version_forms.CommitmentFormSet(request.POST, prefix="commitment")
        if form.is_valid() and commitments.is_valid():
            try:
                versions.save_draft_version(
                    version=self.version, by=request.user, commitments=commitments.kept(), **form.cleaned_data
                )
            except NotAllowed as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"Version {self.version.number} saved.")
                if "add_commitment" in request.POST:
                    return redirect(reverse("team:edit_version", args=[self.version.number]) + "#commitments")
                return redirect("team:preview_version", number=self.version.number)
        elif not form.errors:
            # The page title and error summary say there is a problem even when it is only in a commitment.
            form.add_error(None, "Check the commitments below")
        return self.render_to_response(self.get_context_data(form=form, commitments=commitments))

    def get_context_data(self, **kwargs):
        return super().get_context_data(version=self.version, **kwargs)


class PreviewVersionView(DraftMixin, TemplateView):
    """The draft set word by word against the current wording, and the form that publishes it."""

    template_name = "team/version_preview.html"

    def get_context_data(self, *, form=None, **kwargs):
        current = PledgeVersion.objects.current()
        return super().get_context_data(
            version=self.version,
            current=current,
            parts=compare_versions(current, self.version),
            form=form or version_forms.PublishVersionForm(initial={"effective_on": timezone.localdate()}),
            invited=Pledge.objects.to_invite_to_reaffirm(self.version).count(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = version_forms.PublishVersionForm(request.POST)
        if form.is_valid():
            try:
                version = versions.publish_version(version=self.version, by=request.user, **form.cleaned_data)
            except NotAllowed as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    f"Version {version.number} is published. It takes effect on "
                    f"{version.published_on:%-d %B %Y}, when partners are invited to reaffirm it.",
                )
                return redirect("team:version", number=version.number)
        return self.render_to_response(self.get_context_data(form=form))


class VersionProgressView(ProgrammeTeamRequiredMixin, TemplateView):
    """A published version: how many partners have reaffirmed it, who, and the one reminder."""

    template_name = "team/version.html"

    @cached_property
    def version(self):
        return get_object_or_404(PledgeVersion.objects.published(), number=self.kwargs["number"])

    def get_context_data(self, **kwargs):
        invitations = self.version.reaffirmations.select_related(
            "pledge__organisation", "reaffirmed_by"
        ).order_by("reaffirmed_at", "pledge__organisation__name")
        is_current = self.version == PledgeVersion.objects.current()
        return super().get_context_data(
            version=self.version,
            is_current=is_current,
            progress=invitations.progress(),
            invitations=invitations,
            can_remind=is_current and not self.version.reminder_sent_at,
            **kwargs,
        )


class RemindView(ProgrammeTeamRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, number):
        version = get_object_or_404(PledgeVersion.objects.published(), number=number)
        try:
            sent = versions.remind_partners_to_reaffirm(version=version, by=request.user)
        except NotAllowed as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Reminder sent to {sent} partner{'s' if sent != 1 else ''}.")
        return redirect("team:version", number=number)
