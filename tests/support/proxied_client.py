"""Plain HTTP to the portal's gunicorn, as the TLS-terminating proxy in front of it forwards a browser's."""

import http.client
import json
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

# The public https address the proxy serves, and production's SITE_URL in the tests.
SITE_URL = "https://pledge.example.org"


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self):
        return self.body.decode()

    def json(self):
        return json.loads(self.body)

    @property
    def location_path(self):
        """Where a redirect points, as a path on this site (the proxy's https address stripped)."""
        parts = urlsplit(self.headers["Location"])
        return parts.path + (f"?{parts.query}" if parts.query else "")


class ProxiedClient:
    """Plain HTTP to gunicorn, as the TLS-terminating proxy forwards a browser's https requests.

    Each request carries X-Forwarded-Proto: https, the public Host and the
    client's address in X-Forwarded-For, as the proxy sends them. The
    client keeps cookies itself: with DEBUG=False Django marks the session and
    CSRF cookies Secure, which a browser sends because its side is https (an
    ordinary cookie jar would keep them back from an http:// URL). Forms are
    posted with the Origin and Referer a browser on the public site sends, which
    Django's CSRF check compares with the https origin.
    """

    def __init__(self, port, *, site_url=SITE_URL, timeout=10, client_address="203.0.113.10"):
        self.port = port
        self.client_address = client_address
        self.site_url = site_url
        self.host = urlsplit(site_url).netloc
        self.timeout = timeout
        self.cookies = {}

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, data, **kwargs):
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.site_url,
            "Referer": self.site_url + path,
            **kwargs.pop("headers", {}),
        }
        return self.request("POST", path, body=urlencode(data), headers=headers, **kwargs)

    def request(self, method, path, *, body=None, headers=None, forwarded_proto="https"):
        """One request (redirects are not followed). `forwarded_proto=None` sends it as plain HTTP."""
        headers = {"Host": self.host, "X-Forwarded-For": self.client_address, **(headers or {})}
        if forwarded_proto:
            headers["X-Forwarded-Proto"] = forwarded_proto
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            result = Response(response.status, response.headers, response.read())
        finally:
            connection.close()
        self._keep_cookies(result.headers.get_all("Set-Cookie") or [])
        return result

    def _keep_cookies(self, set_cookies):
        for header in set_cookies:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":  # how Django deletes a cookie
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
