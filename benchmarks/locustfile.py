"""The scale-out rehearsal's load: sign-ups, directory browsing and team decisions, over both web ports.

benchmarks/scale_out.py runs it (headless, as a subprocess) after seeding the
scratch database, and passes what it seeded in a JSON plan file named by the
SCALE_OUT_PLAN environment variable: the web servers' addresses, the public
address (SITE_URL), a programme-team login, the submitted pledges to decide,
and the directory's partners and filters. Every request is recorded (kind,
name, milliseconds, error) to the plan's "records" file when locust quits, so
the rehearsal can work out percentiles per kind from the raw timings.

Each simulated person talks to the portal as a browser behind the production
proxy would: to one gunicorn directly over http, with the proxy's headers
(Host: the public host name, X-Forwarded-Proto: https, since
SECURE_SSL_REDIRECT is on), sending back the Secure session and CSRF cookies
anyway, with Origin and Referer on the public https address for the CSRF check.
"""

import itertools
import json
import os
import random
import re
import time
import uuid
from collections import Counter, deque
from pathlib import Path
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task
from requests.adapters import HTTPAdapter

PLAN = json.loads(Path(os.environ["SCALE_OUT_PLAN"]).read_text())
SITE_URL = PLAN["site_url"]
PROXY_HEADERS = {"Host": urlsplit(SITE_URL).netloc, "X-Forwarded-Proto": "https"}
PASSWORD = "a-long-rehearsal-password-7"  # noqa: S105 - the sign-ups' password, for nothing real
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# Round-robin: each new user talks to the next web server for its whole visit, as a sticky proxy would.
WEB_SERVERS = itertools.cycle(PLAN["web_servers"])
# Each sign-up comes from its own address on 127/8: allauth limits sign-ups per client IP.
CLIENT_ADDRESSES = (f"127.0.{n // 250}.{n % 250 + 2}" for n in itertools.count())
# Each submitted pledge is decided once: users take the next one (gevent: no switch between check and pop).
PLEDGES_TO_DECIDE = deque(PLAN["pledges_to_decide"])

RECORDS = []
RUN = {}
USERS = Counter()  # users started, by class: the mix the rehearsal reports


@events.request.add_listener
def record_request(request_type, name, response_time, exception, **kwargs):
    RECORDS.append(
        {
            "kind": name.split(":")[0],
            "name": f"{request_type} {name}",
            "ms": response_time,
            "error": None if exception is None else f"{request_type} {name}: {exception}",
        }
    )


@events.test_start.add_listener
def note_start(**kwargs):
    RUN["started"] = time.time()


@events.test_stop.add_listener
def note_stop(**kwargs):
    RUN["stopped"] = time.time()


@events.quitting.add_listener
def write_records(**kwargs):
    Path(PLAN["records"]).write_text(
        json.dumps({**RUN, "users": USERS, "requests": RECORDS, "pledges_left": len(PLEDGES_TO_DECIDE)})
    )


class SourceAddressAdapter(HTTPAdapter):
    """Connects from one local address, so that the portal sees this user as its own client IP."""

    def __init__(self, address, **kwargs):
        self.address = address
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, source_address=(self.address, 0), **kwargs)


class PortalUser(HttpUser):
    """A visitor behind the production proxy, on one of the web servers."""

    abstract = True

    def __init__(self, environment):
        self.host = next(WEB_SERVERS)
        super().__init__(environment)
        USERS[type(self).__name__] += 1
        self.client.headers.update(PROXY_HEADERS)

    def send_secure_cookies(self):
        """Send the Secure session and CSRF cookies over plain http: the proxy speaks https to browsers.

        requests copies the session's cookies into a fresh jar for every request,
        so a cookie policy cannot do this; the copies here lose the Secure flag instead.
        """
        for cookie in self.client.cookies:
            cookie.secure = False

    def get_page(self, path, name, *, expect=None):
        """GET a page that must answer 200 (and contain `expect`); return its HTML, or None on failure."""
        self.send_secure_cookies()
        with self.client.get(path, name=name, catch_response=True, allow_redirects=False) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
                return None
            if expect and expect not in response.text:
                response.failure(f"the page does not say {expect!r}")
                return None
            return response.text

    def post_form(self, path, name, page, data, *, redirect_to):
        """POST a form with the CSRF token from `page`; it must redirect to a path matching `redirect_to`."""
        token = CSRF_TOKEN.search(page or "")
        if token is None:
            return False
        headers = {"Origin": SITE_URL, "Referer": SITE_URL + path}
        self.send_secure_cookies()
        data = {"csrfmiddlewaretoken": token.group(1), **data}
        with self.client.post(
            path, data=data, headers=headers, name=name, catch_response=True, allow_redirects=False
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or not re.fullmatch(redirect_to, location):
                response.failure(f"status {response.status_code}, redirect to {location!r}")
                return False
            return True


class SignUpUser(PortalUser):
    """Someone creating an account through allauth's form; each one is sent a verification email."""

    weight = 4
    wait_time = between(2, 5)

    def __init__(self, environment):
        super().__init__(environment)
        address = next(CLIENT_ADDRESSES)
        self.client.mount("http://", SourceAddressAdapter(address))

    @task
    def sign_up(self):
        page = self.get_page("/accounts/signup/", "sign-up: form", expect="Create account")
        email = f"signup-{uuid.uuid4().hex[:12]}@example.org"
        self.post_form(
            "/accounts/signup/",
            "sign-up: create account",
            page,
            {"email": email, "password1": PASSWORD, "password2": PASSWORD},
            redirect_to=r"/accounts/confirm-email/",
        )
        # A new browser for the next person: no session carried over.
        self.client.cookies.clear()


class DirectoryUser(PortalUser):
    """A member of the public browsing, filtering and searching the directory, and reading the open data."""

    weight = 12
    wait_time = between(1, 3)

    @task(4)
    def browse(self):
        self.get_page(f"/partners/?page={random.randint(1, 5)}", "directory: /partners/")

    @task(3)
    def filter(self):
        filters = PLAN["directory_filters"]
        query = "&".join(f"{name}={random.choice(values)}" for name, values in filters.items())
        self.get_page(f"/partners/?{query}", "directory: /partners/?filtered")

    @task(2)
    def search(self):
        self.get_page(f"/partners/?q={random.choice(PLAN['search_terms'])}", "directory: /partners/?q=")

    @task(4)
    def partner_page(self):
        self.get_page(f"/partners/{random.choice(PLAN['partner_slugs'])}/", "directory: partner page")

    @task(1)
    def open_data(self):
        self.get_page("/partners.json", "directory: /partners.json")


class TeamUser(PortalUser):
    """A programme-team member deciding submitted pledges: most approved, some sent back for changes."""

    weight = 4
    wait_time = between(2, 5)

    def on_start(self):
        page = self.get_page("/accounts/login/", "sign-in: form")
        self.post_form(
            "/accounts/login/",
            "sign-in: sign in",
            page,
            {"login": PLAN["team"]["email"], "password": PLAN["team"]["password"]},
            redirect_to=r"/my/",
        )

    @task
    def decide(self):
        if not PLEDGES_TO_DECIDE:
            return  # every seeded pledge is decided: this reviewer just waits
        pledge = PLEDGES_TO_DECIDE.popleft()
        page = self.get_page(f"/team/{pledge}/", "decision: pledge page", expect="Approve pledge")
        if random.random() < 0.7:
            action, data, said = "approve", {}, "Pledge approved."
        else:
            message = "Please say who will lead your first action, and by when."
            action, data, said = "request-changes", {"changes-message": message}, "Changes requested."
        decided = self.post_form(
            f"/team/{pledge}/{action}/",
            f"decision: {action}",
            page,
            data,
            redirect_to=rf"/team/{pledge}/",
        )
        if decided:
            self.get_page(f"/team/{pledge}/", "decision: pledge page after", expect=said)
