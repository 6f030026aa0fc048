"""An organisation's own pages: its details, and its people (contacts and invitations)."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import FormView, TemplateView

from pledge_portal.errors import NotAllowed

from . import selectors
from .contact_forms import InviteContactForm
from .forms import NameChangeForm, OrganisationDetailsForm
from .models import Invitation, JoinRequest, Membership, NameChange, Organisation
from .services import contacts, details, join_requests, name_changes


class EditOrganisationView(LoginRequiredMixin, FormView):
    """A member edits their organisation's details (not its name), and the directory is rebuilt."""

    template_name = "organisations/edit.html"
    form_class = OrganisationDetailsForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.organisation = get_object_or_404(Organisation.objects.for_member(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.organisation}

    def return_url(self):
        url = self.request.GET.get("next", "")
        if url_has_allowed_host_and_scheme(url, allowed_hosts={self.request.get_host()}):
            return url
        return "/my/"

    def get_context_data(self, **kwargs):
        return super().get_context_data(organisation=self.organisation, back_url=self.return_url(), **kwargs)

    def form_valid(self, form):
        details.update_organisation(
            organisation=self.organisation, by=self.request.user, **form.service_arguments()
        )
        messages.success(self.request, f"Your changes to {self.organisation.name}'s details are saved.")
        return redirect(self.return_url())


class OrganisationMemberMixin(LoginRequiredMixin):
    """Finds the organisation among the user's own (404 otherwise)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.organisation = get_object_or_404(
            Organisation.objects.for_member(request.user), pk=kwargs["organisation_id"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(organisation=self.organisation, **kwargs)

    def contacts_redirect(self):
        return redirect("organisations:contacts", organisation_id=self.organisation.pk)


class ContactsView(OrganisationMemberMixin, TemplateView):
    template_name = "organisations/contacts/contacts.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            people=list(
                Membership.objects.filter(organisation=self.organisation)
                .seen_by(self.request.user)
                .select_related("user")
                .signatory_first()
            ),
            invitations=list(
                selectors.visible_invitations(organisation=self.organisation, user=self.request.user)
            ),
            join_requests=list(
                JoinRequest.objects.pending().filter(organisation=self.organisation).select_related("user")
            ),
            **kwargs,
        )


class InviteContactView(OrganisationMemberMixin, FormView):
    template_name = "organisations/contacts/invite.html"
    form_class = InviteContactForm

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        try:
            contacts.invite_contact(organisation=self.organisation, email=email, by=self.request.user)
        except NotAllowed as error:
            form.add_error("email", str(error))
            return self.form_invalid(form)
        messages.success(self.request, f"We have emailed an invitation to {email}.")
        return self.contacts_redirect()


@method_decorator(reauthentication_required(allow_get=True), name="post")
class RemoveContactView(OrganisationMemberMixin, TemplateView):
    """GET asks to confirm; POST, once the person has confirmed their password, removes the contact."""

    template_name = "organisations/contacts/remove.html"

    def get_membership(self):
        return get_object_or_404(
            Membership.objects.seen_by(self.request.user).select_related("user", "organisation"),
            pk=self.kwargs["membership_id"],
            organisation=self.organisation,
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(membership=self.get_membership(), **kwargs)

    def post(self, request, *args, **kwargs):
        membership = self.get_membership()
        try:
            contacts.remove_contact(membership=membership, by=request.user)
        except NotAllowed as error:
            messages.error(request, str(error))
            return self.contacts_redirect()
        if membership.user_id == request.user.pk:
            messages.success(request, f"You are no longer a contact for {self.organisation}.")
            return redirect("pledges:my_pledges")
        messages.success(request, f"{membership.user.get_full_name()} is no longer a contact.")
        return self.contacts_redirect()


class RevokeInvitationView(OrganisationMemberMixin, View):
    def post(self, request, *args, **kwargs):
        invitation = get_object_or_404(Invitation, pk=kwargs["invitation_id"], organisation=self.organisation)
        try:
            contacts.revoke_invitation(invitation=invitation, by=request.user)
        except NotAllowed as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"The invitation to {invitation.email} has been withdrawn.")
        return self.contacts_redirect()


class AcceptInvitationView(LoginRequiredMixin, TemplateView):
    """GET shows the invitation (link scanners change nothing); POST accepts it."""

    template_name = "organisations/contacts/accept.html"

    def get_context_data(self, **kwargs):
        invitation = Invitation.objects.for_token(kwargs["token"]).select_related("organisation").first()
        user = self.request.user
        return super().get_context_data(
            invitation=invitation,
            is_pending=bool(invitation and invitation.is_pending(now=timezone.now())),
            email_matches=bool(invitation and invitation.email.casefold() == user.email.casefold()),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        try:
            membership = contacts.accept_invitation(token=kwargs["token"], user=request.user)
        except NotAllowed as error:
            messages.error(request, str(error))
            return redirect(request.path)
        messages.success(request, f"You are now a contact for {membership.organisation}.")
        return redirect("pledges:my_pledges")


class JoinRequestView(LoginRequiredMixin, TemplateView):
    """The person who asked to join sees who was asked, and what happens next (404 for anyone else)."""

    template_name = "organisations/join_request.html"

    def get_context_data(self, **kwargs):
        join_request = get_object_or_404(
            JoinRequest.objects.select_related("organisation"), pk=kwargs["pk"], user=self.request.user
        )
        return super().get_context_data(
            join_request=join_request,
            organisation=join_request.organisation,
            # Whom we asked, not their addresses: this person is not one of the organisation's people yet.
            asked_the_team=not join_request.organisation.memberships.of_current_period().people().exists(),
            **kwargs,
        )


class AnswerJoinRequestView(LoginRequiredMixin, TemplateView):
    """An organisation's people, or the programme team, approve or decline a request (404 for anyone else)."""

    template_name = "organisations/answer_join_request.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.join_request = get_object_or_404(
            JoinRequest.objects.select_related("organisation", "user"), pk=kwargs["pk"]
        )
        if not selectors.may_answer(join_request=self.join_request, user=request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            join_request=self.join_request, organisation=self.join_request.organisation, **kwargs
        )

    def post(self, request, *args, **kwargs):
        decision = request.POST.get("decision")
        if decision not in ("approve", "decline"):
            messages.error(request, "Choose whether to approve or decline the request.")
            return redirect(request.path)
        try:
            join_request = join_requests.answer_join_request(
                join_request=self.join_request, by=request.user, approve=decision == "approve"
            )
        except NotAllowed as error:
            messages.error(request, str(error))
            return redirect(request.path)
        who = join_request.user.get_full_name()
        if join_request.status == JoinRequest.Status.APPROVED:
            messages.success(request, f"{who} is now a contact for {join_request.organisation}.")
        else:
            messages.success(request, f"You declined {who}'s request. We have told them.")
        return redirect(request.path)


class NameChangeView(OrganisationMemberMixin, FormView):
    """Someone at the organisation asks the programme team for a new name."""

    template_name = "organisations/name_change.html"
    form_class = NameChangeForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            waiting=self.organisation.name_changes.filter(status=NameChange.Status.REQUESTED).first(),
            decided=list(self.organisation.name_changes.exclude(status=NameChange.Status.REQUESTED)[:5]),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            name_changes.request_name_change(
                organisation=self.organisation, by=self.request.user, **form.cleaned_data
            )
        except NotAllowed as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, "We have sent your new name to the programme team. We will email you.")
        return redirect("organisations:name_change", organisation_id=self.organisation.pk)
