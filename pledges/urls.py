"""URLs for signing a pledge and for the partner's own pages ("Your pledge", annual reviews)."""

from django.urls import path

from .views import partner, signing, withdrawal

app_name = "pledges"

# The signing journey, from the start page to the confirmation.
signing_urls = [
    path("pledge/sign/", signing.SignStartView.as_view(), name="sign_start"),
]

# "Your pledge": the partner's own view of its pledge, contacts and withdrawal.
partner_urls = [
    path("my/", partner.MyPledgesView.as_view(), name="my_pledges"),
    path(
        "my/pledges/<int:pk>/withdraw/",
        withdrawal.WithdrawOwnPledgeView.as_view(),
        name="withdraw_own_pledge",
    ),
]

# The annual review of a partner's two actions.
review_urls = []

urlpatterns = signing_urls + partner_urls + review_urls
