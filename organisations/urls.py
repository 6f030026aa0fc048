"""URLs for an organisation's own pages: editing its details, its contacts and their invitations."""

from django.urls import path

from . import views

app_name = "organisations"

urlpatterns = [
    path("my/organisations/<int:pk>/edit/", views.EditOrganisationView.as_view(), name="edit"),
    path("my/organisations/<int:organisation_id>/contacts/", views.ContactsView.as_view(), name="contacts"),
    path(
        "my/organisations/<int:organisation_id>/contacts/invite/",
        views.InviteContactView.as_view(),
        name="invite_contact",
    ),
    path(
        "my/organisations/<int:organisation_id>/contacts/<int:membership_id>/remove/",
        views.RemoveContactView.as_view(),
        name="remove_contact",
    ),
    path(
        "my/organisations/<int:organisation_id>/invitations/<int:invitation_id>/withdraw/",
        views.RevokeInvitationView.as_view(),
        name="revoke_invitation",
    ),
    path("my/join-requests/<int:pk>/", views.JoinRequestView.as_view(), name="join_request"),
    # Emailed to the organisation's people, or the programme team: this path must keep working.
    path(
        "my/join-requests/<int:pk>/answer/",
        views.AnswerJoinRequestView.as_view(),
        name="answer_join_request",
    ),
    path("my/organisations/<int:organisation_id>/name/", views.NameChangeView.as_view(), name="name_change"),
    # Emailed to the people invited: this path must keep working.
    path("my/invitations/<str:token>/", views.AcceptInvitationView.as_view(), name="accept_invitation"),
]
