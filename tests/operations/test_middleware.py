"""The access log: one line per request, without query strings, secrets in URLs, or health probes."""

import logging

import pytest

ACCESS = "operations.access"


@pytest.fixture
def access_log(caplog):
    caplog.set_level(logging.INFO, logger=ACCESS)
    return lambda: [record for record in caplog.records if record.name == ACCESS]


def test_each_request_logs_its_method_path_status_and_duration(client, db, access_log):
    client.get("/partners/open-data/")

    [record] = access_log()
    assert (record.method, record.path, record.status) == ("GET", "/partners/open-data/", 200)
    assert record.duration_ms >= 0
    assert record.getMessage() == f"GET /partners/open-data/ 200 {record.duration_ms}ms"


def test_the_query_string_is_left_out(client, db, access_log):
    client.get("/partners/?q=jo.bloggs@example.org")

    [record] = access_log()
    assert record.path == "/partners/"
    assert "example.org" not in record.getMessage()


@pytest.mark.parametrize(
    "path, logged",
    [
        ("/my/invitations/Zm9vYmFyLXNlY3JldA/", "/my/invitations/hidden/"),
        ("/accounts/confirm-email/MQ:1u2v3w:abcdef/", "/accounts/confirm-email/hidden/"),
        # The user's id ("a") also occurs in "accounts" and "password": only the secret goes.
        ("/accounts/password/reset/key/a-set-password/", "/accounts/password/reset/key/hidden/"),
        # Without the slash (a 301), or with "/." after it (a 404): no route matches; the secret still goes.
        ("/my/invitations/Zm9vYmFyLXNlY3JldA", "/my/invitations/hidden"),
        ("/my/invitations/Zm9vYmFyLXNlY3JldA/.", "/my/invitations/hidden/."),
        ("/accounts/password/reset/key/a-Zm9vYmFy", "/accounts/password/reset/key/hidden"),
    ],
)
def test_secrets_in_urls_are_hidden(client, db, access_log, path, logged):
    client.get(path)

    [record] = access_log()
    assert record.path == logged


def test_pages_that_are_not_found_are_logged(client, db, access_log):
    client.get("/no-such-page/")

    [record] = access_log()
    assert (record.path, record.status) == ("/no-such-page/", 404)


def test_health_probes_are_not_logged(client, db, access_log):
    client.get("/health/live")
    client.get("/health/ready")

    assert access_log() == []
