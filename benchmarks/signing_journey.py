"""Measure the signing journey on a phone: its pages, and each page's screens, fields and Tab presses.

Run from the project root, against the database DATABASE_URL points at:

    .venv/bin/python benchmarks/signing_journey.py

It works in a temporary database (the configured one's name with "test_" in
front), created and migrated at the start and dropped at the end. A signed-in
leader with a fresh draft walks from "About you" to "Pledge submitted" in
headless Chromium at 390x844. On each page it counts the screens (page height
over the viewport's), the form fields a person answers, and the Tab presses
from the top of the page to the page's Continue button, then fills every field
still empty and continues. Figures, not assertions.
"""

import argparse
import logging
import math
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pledge_portal.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.staticfiles.handlers import StaticFilesHandler  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.testcases import LiveServerThread  # noqa: E402

from pledges.services.signing import start_pledge  # noqa: E402
from tests.factories import OrganisationFactory, UserFactory  # noqa: E402
from tests.support.browser import PASSWORD  # noqa: E402

VIEWPORT = {"width": 390, "height": 844}
NAME = "Priya Sharma"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
# The controls a person answers: not buttons, not hidden inputs.
FIELDS = "main input:not([type=hidden]):not([type=submit]), main select, main textarea"
PRIMARY = "main form button[type=submit], main form input[type=submit], main a.nhsuk-button"

FILL_EMPTY_FIELDS = """([name]) => {
  const groups = new Set();
  for (const el of document.querySelectorAll('main input, main textarea, main select')) {
    if (el.type === 'hidden' || el.type === 'submit' || el.disabled) continue;
    if (/target_date|leader_/.test(el.name)) continue;  // optional
    if (el.type === 'radio' || el.type === 'checkbox') {
      if (groups.has(el.name)) continue;
      groups.add(el.name);
      const group = document.querySelectorAll(`main input[name="${el.name}"]`);
      if (![...group].some((other) => other.checked)) el.checked = true;
    } else if (el.tagName === 'SELECT') {
      if (!el.value && el.options.length > 1) el.selectedIndex = 1;
    } else if (!el.value) {
      el.value = name;
    }
  }
}"""


def tab_presses_to_continue(page):
    """Tab from the top of the page until the page's Continue button has focus; None if it never does."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.evaluate("window.scrollTo(0, 0)")
    target = page.locator(PRIMARY).first
    target.evaluate("el => el.setAttribute('data-benchmark-target', '')")
    for presses in range(1, 400):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.hasAttribute('data-benchmark-target')"):
            return presses
    return None


def measure(page):
    height = page.evaluate("document.documentElement.scrollHeight")
    return {
        "path": page.url.split("/", 3)[3],
        "screens": math.ceil(height / VIEWPORT["height"] * 10) / 10,
        "fields": page.locator(FIELDS).count(),
        "tabs": tab_presses_to_continue(page),
    }


def walk(base_url, draft_url, email):
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(base_url=base_url, viewport=VIEWPORT).new_page()
        page.goto("/accounts/login/")
        page.fill("#id_login", email)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.locator("main button[type=submit]").click()
        page.goto(draft_url)
        while "/submitted/" not in page.url and len(rows) < 20:
            rows.append(measure(page))
            page.evaluate(FILL_EMPTY_FIELDS, [NAME])
            with page.expect_navigation():
                page.locator(PRIMARY).first.click()
            if page.url.endswith(rows[-1]["path"]):
                sys.exit(f"Stuck on {page.url}: {page.locator('.nhsuk-error-summary').inner_text()}")
        browser.close()
    return rows


def report(rows):
    print(f"{'page':<40} {'screens':>8} {'fields':>7} {'Tab presses':>12}")
    for row in rows:
        print(f"{row['path']:<40} {row['screens']:>8} {row['fields']:>7} {row['tabs']!s:>12}")
    print(
        f"{'total: ' + str(len(rows)) + ' pages':<40} {round(sum(r['screens'] for r in rows), 1):>8} "
        f"{sum(r['fields'] for r in rows):>7} {sum(r['tabs'] or 0 for r in rows):>12}"
    )


def main():
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    logging.disable(logging.INFO)  # the access log would bury the figures
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright runs an event loop in this thread
    settings.ALLOWED_HOSTS = ["*"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    test_database = connection.creation.create_test_db(verbosity=0)
    try:
        user = UserFactory(name=NAME)
        pledge = start_pledge(organisation=OrganisationFactory(), by=user)
        server = LiveServerThread("localhost", StaticFilesHandler, connections_override=None, port=0)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        try:
            rows = walk(f"http://localhost:{server.port}", f"/pledge/{pledge.pk}/about-you/", user.email)
        finally:
            server.terminate()
        report(rows)
    finally:
        connection.creation.destroy_test_db(test_database, verbosity=0)


if __name__ == "__main__":
    main()
