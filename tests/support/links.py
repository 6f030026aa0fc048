"""Links in an email's text: each must be absolute on SITE_URL and open a page of the portal."""

import re

from django.conf import settings

# A link runs to the next space or bracket; a full stop or comma after it ends the sentence, not the link.
LINK = re.compile(r"https?://[^\s<>()\"']+")


def links_in(text):
    """Every http(s) link in `text`, in order."""
    return [link.rstrip(".,;:!?") for link in LINK.findall(text)]


def site_path(link):
    """The path of `link` on the portal; fails unless the link starts with SITE_URL."""
    assert link.startswith(settings.SITE_URL + "/"), f"{link} is not on SITE_URL ({settings.SITE_URL})"
    return link.removeprefix(settings.SITE_URL)


def assert_links_open(client, text):
    """Every link in `text` is on SITE_URL and opens a page for `client` (after any redirects); returns them.

    A link that needs signing in leads to the sign-in page, which opens too; pass
    a client signed in as the email's reader to check the page they will see.
    """
    links = links_in(text)
    for link in links:
        response = client.get(site_path(link), follow=True)
        assert response.status_code == 200, f"{link} answered {response.status_code}"
    return links
