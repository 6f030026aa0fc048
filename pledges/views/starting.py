"""Starting a pledge: the start page, and choosing or adding the organisation it is for (step 1)."""

from allauth.account.decorators import verified_email_required
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import FormView, TemplateView

from organisations.forms import OrganisationForm, OrganisationSearchForm
from organisations.models import Organisation
from organisations.selectors import find_possible_duplicates, is_member
from organisations.services.join_requests import request_to_join
from pledge_portal.errors import NotAllowed
from pledges.models import PledgeVersion, with_live_pledge_flag
from pledges.selectors import editable_pledges_of, has_live_pledge
from pledges.services import signing

from .signing import STEPS


class SignStartView(TemplateView):
    """Who may sign, what it means, and a way in: create an account, sign in, or carry on a draft."""

    template_name = "pledges/sign_start.html"

    def get_context_data(self, **kwargs):
        version = PledgeVersion.objects.current()
        user = self.request.user
        draft = None
        if user.is_authenticated:
            draft = editable_pledges_of(user).select_related("organisation").first()
        next_query = f"?next={reverse('pledges:sign_organisation')}"
        if draft:
            start_url = reverse("pledges:sign_continue", kwargs={"pk": draft.pk})
        elif user.is_authenticated:
            start_url = reverse("pledges:sign_organisation")
        else:  # allauth brings them back here, to the organisation step, once their email is verified
            start_url = reverse("account_signup") + next_query
        return super().get_context_data(
            commitments=list(version.commitments.all()) if version else [],
            draft=draft,
            start_url=start_url,
            sign_in_url=reverse("account_login") + next_query,
            decision_target_working_days=settings.DECISION_TARGET_WORKING_DAYS,
            **kwargs,
        )


@method_decorator(verified_email_required, name="dispatch")
class OrganisationStepView(TemplateView):
    """Step 1: find your organisation by name (a plain GET search), or add a new one."""

    template_name = "pledges/signing/organisation.html"

    def get_context_data(self, **kwargs):
        form = OrganisationSearchForm(self.request.GET if "q" in self.request.GET else None)
        results = None
        if form.is_valid():
            found = Organisation.objects.name_contains_words(form.cleaned_data["q"])
            results = list(with_live_pledge_flag(found).order_by("name")[:20])
        return super().get_context_data(
            form=form,
            step_number=1,
            step_count=len(STEPS) + 1,
            results=results,
            query=form.cleaned_data["q"] if results is not None else "",
            **kwargs,
        )


class ChooseOrganisationForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.all())


@method_decorator(verified_email_required, name="dispatch")
class ChooseOrganisationView(View):
    """Step 1, an existing organisation chosen: start its draft, or ask to join it.

    Members start at once. Anyone else choosing an organisation that had people, or
    that someone else added, asks to join: its people, or the programme team, decide.
    """

    def post(self, request):
        form = ChooseOrganisationForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Search for your organisation again and choose it from the list.")
            return redirect("pledges:sign_organisation")
        organisation = form.cleaned_data["organisation"]
        try:
            pledge = signing.start_pledge(organisation=organisation, by=request.user)
        except NotAllowed:
            own = editable_pledges_of(request.user).filter(organisation=organisation).first()
            if own:
                return redirect("pledges:sign_continue", pk=own.pk)
            member = is_member(organisation=organisation, user=request.user)
            if has_live_pledge(organisation=organisation) and (member or "ask_to_join" not in request.POST):
                return render(
                    request,
                    "pledges/signing/already_pledged.html",
                    {"organisation": organisation, "is_member": member},
                    status=409,
                )
            # It had people before, or someone else added it: choosing it makes nobody a member.
            try:
                join_request = request_to_join(organisation=organisation, by=request.user)
            except NotAllowed as error:
                messages.error(request, str(error))
                return redirect("pledges:sign_organisation")
            return redirect("organisations:join_request", pk=join_request.pk)
        return redirect("pledges:sign_about_you", pk=pledge.pk)


@method_decorator(verified_email_required, name="dispatch")
class NewOrganisationView(FormView):
    """Step 1, a new organisation: its details, after a check for organisations that may be the same."""

    template_name = "pledges/signing/organisation_new.html"
    form_class = OrganisationForm
    extra_context = {"step_number": 1, "step_count": len(STEPS) + 1}

    def get_initial(self):
        return {"name": self.request.GET.get("name", "")[:200]}

    def form_valid(self, form):
        data = form.service_arguments()
        duplicates = find_possible_duplicates(
            name=data["name"],
            website=data["website"],
            among=with_live_pledge_flag(Organisation.objects.all()),
        )
        if duplicates and "not_a_duplicate" not in self.request.POST:
            # The person decides: choose one of these, or confirm theirs is different.
            form.helper.inputs = [Submit("not_a_duplicate", "None of these: add my organisation")]
            return self.render_to_response(
                self.get_context_data(form=form, duplicates=duplicates, logo_dropped=bool(data["logo"]))
            )
        try:
            pledge = signing.start_pledge_for_new_organisation(by=self.request.user, **data)
        except NotAllowed as error:
            form.add_error("name", str(error))
            return self.form_invalid(form)
        return redirect("pledges:sign_about_you", pk=pledge.pk)

    def form_invalid(self, form):
        # "Search for it and choose it" cannot help when the organisation already has a pledge: say what can.
        if "name" in form.errors:
            name = " ".join(form.data.get("name", "").split())
            taken = with_live_pledge_flag(Organisation.objects.filter(name__iexact=name)).first()
            if taken and taken.has_live_pledge:
                form.errors["name"] = form.error_class(
                    [
                        f"{taken.name} already has a pledge, so it cannot be chosen. To be part of it, "
                        "ask the person who signed it to add you as a contact, "
                        f"or contact the programme team at {settings.PROGRAMME_TEAM_EMAIL}."
                    ]
                )
        return super().form_invalid(form)
