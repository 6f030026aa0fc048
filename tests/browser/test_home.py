"""In a real browser: the home page leads to signing, accessibly, with or without CSS and JavaScript."""

import re

import pytest

from pledges.models import Commitment

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_to_sign_the_pledge_is_accessible(page, assert_accessible):
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name="Sign the pledge").first.click()
    page.wait_for_url(re.compile(r"/pledge/sign/$"))
    assert page.get_by_role("heading", level=1).count() == 1
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/", "/pledge/"])
def test_pages_work_without_css_or_javascript(browser, live_server, path):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.route(re.compile(r".*\.css$"), lambda route: route.abort())
    page.goto(path)
    text = page.inner_text("main")
    for commitment in Commitment.objects.filter(version__number=1):
        assert commitment.text in text
    assert page.get_by_role("link", name=re.compile("Sign the pledge")).count() >= 1
    context.close()
