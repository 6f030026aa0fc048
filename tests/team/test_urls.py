"""Every page the team had under /review/ answers 301 with its new /team/ address, query string kept."""

import pytest

# Emails already sent link to these: each must go straight to its new page until at least December 2027.
OLD_TO_NEW = [
    ("/review/", "/team/"),
    ("/review/?status=approved", "/team/?status=approved"),
    ("/review/dashboard/", "/team/dashboard/"),
    ("/review/report/", "/team/report/"),
    ("/review/report/2025/", "/team/report/2025/"),
    ("/review/exports/partners.csv", "/team/exports/partners.csv"),
    ("/review/exports/actions.csv", "/team/exports/actions.csv"),
    ("/review/exports/decisions.csv", "/team/exports/decisions.csv"),
    ("/review/5/", "/team/5/"),
    ("/review/5/approve/", "/team/5/approve/"),
    ("/review/5/request-changes/", "/team/5/request-changes/"),
    ("/review/5/reject/", "/team/5/reject/"),
    ("/review/5/withdraw/", "/team/5/withdraw/"),
    ("/review/5/reinstate/", "/team/5/reinstate/"),
    ("/review/5/notes/", "/team/5/notes/"),
    ("/review/versions/", "/team/versions/"),
    ("/review/versions/2/", "/team/versions/2/"),
    ("/review/versions/2/edit/", "/team/versions/2/edit/"),
    ("/review/versions/2/preview/", "/team/versions/2/preview/"),
    ("/review/versions/2/remind/", "/team/versions/2/remind/"),
    ("/review/emails/", "/team/emails/"),
    ("/review/emails/send-again/", "/team/emails/send-again/"),
    ("/review/annual-reviews/", "/team/annual-reviews/"),
    ("/review/annual-reviews/3/", "/team/annual-reviews/3/"),
    ("/review/annual-reviews/?due=soon", "/team/annual-reviews/?due=soon"),
    ("/review/lapsing/", "/team/lapsing/"),
    ("/review/lapsing/3/more-time/", "/team/lapsing/3/more-time/"),
    ("/review/join-requests/", "/team/join-requests/"),
    ("/review/name-changes/", "/team/name-changes/"),
    ("/review/name-changes/7/", "/team/name-changes/7/"),
    # Older still: the annual reviews' paths before they were renamed, straight to the new page.
    ("/review/reviews/", "/team/annual-reviews/"),
    ("/review/reviews/3/", "/team/annual-reviews/3/"),
    ("/review/reviews/3/?tab=x", "/team/annual-reviews/3/?tab=x"),
]


@pytest.mark.parametrize(("old", "new"), OLD_TO_NEW)
def test_every_old_team_address_answers_301_with_its_new_one(client, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new
