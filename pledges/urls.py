"""URLs for signing a pledge and for the partner's own pages ("Your pledge", withdrawing)."""

from django.urls import path

from .views import leadership, partner, reaffirm, signing, withdrawal

app_name = "pledges"

# The signing journey, from the start page to the confirmation.
signing_urls = [
    path("pledge/sign/", signing.SignStartView.as_view(), name="sign_start"),
    path("pledge/sign/organisation/", signing.OrganisationStepView.as_view(), name="sign_organisation"),
    path(
        "pledge/sign/organisation/choose/",
        signing.ChooseOrganisationView.as_view(),
        name="sign_choose_organisation",
    ),
    path(
        "pledge/sign/organisation/new/", signing.NewOrganisationView.as_view(), name="sign_new_organisation"
    ),
    path("pledge/<int:pk>/continue/", signing.ContinuePledgeView.as_view(), name="sign_continue"),
    path("pledge/<int:pk>/about-you/", signing.AboutYouView.as_view(), name="sign_about_you"),
    path("pledge/<int:pk>/commitments/", signing.CommitmentsView.as_view(), name="sign_commitments"),
    path("pledge/<int:pk>/actions/", signing.ActionsSummaryView.as_view(), name="sign_actions"),
    path("pledge/<int:pk>/actions/<int:number>/", signing.ActionView.as_view(), name="sign_action"),
    path("pledge/<int:pk>/publishing/", signing.WhatToShowView.as_view(), name="sign_what_to_show"),
    path("pledge/<int:pk>/check/", signing.CheckAnswersView.as_view(), name="sign_check"),
    path("pledge/<int:pk>/declaration/", signing.DeclarationView.as_view(), name="sign_declaration"),
    path("pledge/<int:pk>/submitted/", signing.SubmittedView.as_view(), name="sign_submitted"),
]

# "Your pledge": the partner's own view of its pledge, reaffirming a new wording, and withdrawal.
partner_urls = [
    path("my/", partner.MyPledgesView.as_view(), name="my_pledges"),
    path("my/pledges/<int:pk>/delete-draft/", partner.DiscardDraftView.as_view(), name="discard_draft"),
    path(
        "my/pledges/<int:pk>/withdraw/",
        withdrawal.WithdrawOwnPledgeView.as_view(),
        name="withdraw_own_pledge",
    ),
    path("my/pledges/<int:pk>/reaffirm/", reaffirm.ReaffirmView.as_view(), name="reaffirm"),
    path(
        "my/pledges/<int:pk>/signatory/",
        leadership.StartSignatoryChangeView.as_view(),
        name="change_signatory",
    ),
    # Emailed to the new signatory: this path must keep working.
    path(
        "my/pledges/<int:pk>/signatory/<int:change_id>/",
        leadership.ReaffirmAsSignatoryView.as_view(),
        name="reaffirm_as_signatory",
    ),
]

urlpatterns = signing_urls + partner_urls
