"""URLs for signing a pledge and for the partner's own pages ("Your pledge", annual reviews)."""

from django.urls import path

from .views import contacts, partner, reviews, signing, withdrawal

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
    path("pledge/<int:pk>/actions/", signing.ActionsView.as_view(), name="sign_actions"),
    path("pledge/<int:pk>/publishing/", signing.PublishingView.as_view(), name="sign_publishing"),
    path("pledge/<int:pk>/check/", signing.CheckAnswersView.as_view(), name="sign_check"),
    path("pledge/<int:pk>/declaration/", signing.DeclarationView.as_view(), name="sign_declaration"),
    path("pledge/<int:pk>/submitted/", signing.SubmittedView.as_view(), name="sign_submitted"),
]

# "Your pledge": the partner's own view of its pledge, contacts and withdrawal.
partner_urls = [
    path("my/", partner.MyPledgesView.as_view(), name="my_pledges"),
    path("my/pledges/<int:pk>/delete-draft/", partner.DiscardDraftView.as_view(), name="discard_draft"),
    path(
        "my/organisations/<int:pk>/edit/",
        partner.EditOrganisationView.as_view(),
        name="edit_organisation",
    ),
    path(
        "my/pledges/<int:pk>/withdraw/",
        withdrawal.WithdrawOwnPledgeView.as_view(),
        name="withdraw_own_pledge",
    ),
    path(
        "my/organisations/<int:organisation_id>/contacts/", contacts.ContactsView.as_view(), name="contacts"
    ),
    path(
        "my/organisations/<int:organisation_id>/contacts/invite/",
        contacts.InviteContactView.as_view(),
        name="invite_contact",
    ),
    path(
        "my/organisations/<int:organisation_id>/contacts/<int:membership_id>/remove/",
        contacts.RemoveContactView.as_view(),
        name="remove_contact",
    ),
    path(
        "my/organisations/<int:organisation_id>/invitations/<int:invitation_id>/withdraw/",
        contacts.RevokeInvitationView.as_view(),
        name="revoke_invitation",
    ),
    path("my/invitations/<str:token>/", contacts.AcceptInvitationView.as_view(), name="accept_invitation"),
]

# The annual review of a partner's two actions.
review_urls = [
    path("my/reviews/<int:cycle_id>/", reviews.ReviewStartView.as_view(), name="review_start"),
    path(
        "my/reviews/<int:cycle_id>/progress/<int:number>/",
        reviews.ActionProgressView.as_view(),
        name="review_progress",
    ),
    path("my/reviews/<int:cycle_id>/message/", reviews.ReviewMessageView.as_view(), name="review_message"),
    path(
        "my/reviews/<int:cycle_id>/next/<int:number>/",
        reviews.NextActionView.as_view(),
        name="review_next_action",
    ),
    path(
        "my/reviews/<int:cycle_id>/publishing/",
        reviews.ReviewPublishingView.as_view(),
        name="review_publishing",
    ),
    path("my/reviews/<int:cycle_id>/check/", reviews.ReviewCheckView.as_view(), name="review_check"),
]

urlpatterns = signing_urls + partner_urls + review_urls
