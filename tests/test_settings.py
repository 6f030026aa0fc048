"""Production configuration: safe by default, and refused when a secret is missing."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from demo.models import DemoAccount
from tests.factories import UserFactory
from tests.support.processes import current_database_url

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DEBUG": "False",
    "SECRET_KEY": "a" * 20 + "-production-secret-with-enough-length-and-variety-0123456789",
    "ALLOWED_HOSTS": "pledge.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://pledge.example.org",
    "SITE_URL": "https://pledge.example.org",
    "EMAIL_URL": "smtp+tls://user:password@smtp.example.org:587",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
}


def manage(*args, env):
    # Only the test run's own plumbing is inherited (its database included), never its settings.
    inherited = ("PATH", "HOME", "LANG", "REDIS_URL", "DATABASE_URL")
    clean = {k: v for k, v in os.environ.items() if k in inherited}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_check_passes_with_production_settings(db):
    env = {**PRODUCTION, "DATABASE_URL": current_database_url()}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_real_secret_key():
    env = {**PRODUCTION}
    del env["SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


UNPARSEABLE_SENDER = {"DEFAULT_FROM_EMAIL": "Trauma-Informed Bristol, North Somerset <team@example.org>"}


def test_a_sender_smtp_would_read_as_two_addresses_is_refused():
    result = manage("check", env=UNPARSEABLE_SENDER)
    assert result.returncode != 0
    assert "DEFAULT_FROM_EMAIL is not one email address" in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-c", "import pledge_portal.wsgi"],  # what gunicorn loads
        [str(Path(sys.executable).parent / "celery"), "-A", "pledge_portal", "worker", "--pool", "solo"],
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "pledge_portal",
            "beat",
            "--schedule",
            "/dev/null",
        ],
    ],
    ids=["web", "worker", "beat"],
)
def test_web_worker_and_beat_refuse_to_start_with_an_unparseable_sender(command):
    inherited = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "DATABASE_URL")}
    env = {**inherited, **UNPARSEABLE_SENDER, "CELERY_BROKER_URL": "redis://127.0.0.1:1/0"}
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode != 0
    assert "DEFAULT_FROM_EMAIL is not one email address" in result.stderr


def test_without_a_database_url_the_portal_says_to_use_make_run():
    result = manage("check", env={"DATABASE_URL": ""})
    assert result.returncode != 0
    assert "DATABASE_URL is not set. Run the portal with `make run`" in result.stderr


def test_a_database_other_than_postgresql_is_refused():
    result = manage("check", env={"DATABASE_URL": "sqlite:///db.sqlite3"})
    assert result.returncode != 0
    assert "DATABASE_URL must name a PostgreSQL database" in result.stderr


WEB_WORKER_AND_BEAT = [
    [sys.executable, "-c", "import pledge_portal.wsgi"],  # what gunicorn loads
    [str(Path(sys.executable).parent / "celery"), "-A", "pledge_portal", "worker", "--pool", "solo"],
    [str(Path(sys.executable).parent / "celery"), "-A", "pledge_portal", "beat", "--schedule", "/dev/null"],
]


@pytest.fixture
def demo_account(transactional_db):
    DemoAccount.objects.create(user=UserFactory())


def test_the_deploy_check_fails_while_the_demo_seeds_accounts_exist(demo_account):
    env = {**PRODUCTION, "DATABASE_URL": current_database_url()}
    result = manage("check", "--deploy", env=env)
    assert result.returncode != 0
    assert "demo.E001" in result.stderr


@pytest.mark.parametrize("command", WEB_WORKER_AND_BEAT, ids=["web", "worker", "beat"])
def test_web_worker_and_beat_refuse_to_start_with_demo_accounts_and_debug_off(demo_account, command):
    inherited = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    env = {
        **inherited,
        **PRODUCTION,
        "DATABASE_URL": current_database_url(),
        "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
    }
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode != 0
    assert "The portal will not start" in result.stderr
    assert "demo.E001" in result.stderr


def test_an_unknown_log_format_is_refused():
    result = manage("check", env={"LOG_FORMAT": "xml"})
    assert result.returncode != 0
    assert "LOG_FORMAT must be text or json" in result.stderr


SENTRY_OPTIONS = (
    "import sentry_sdk, json; o = sentry_sdk.get_client().options; "
    "print(json.dumps([sentry_sdk.get_client().is_active(), o['environment'], o['traces_sample_rate'], "
    "o['send_default_pii'], o['max_request_body_size'], o['include_local_variables'], "
    "sorted(type(i).__name__ for i in sentry_sdk.get_client().integrations.values())]))"
)


def test_error_reports_are_off_without_a_sentry_dsn():
    result = manage("shell", "-v0", "-c", SENTRY_OPTIONS, env={})
    assert json.loads(result.stdout)[0] is False, result.stderr


def test_a_sentry_dsn_turns_error_reports_on_without_personal_data():
    env = {
        "SENTRY_DSN": "http://public@127.0.0.1:9/1",
        "SENTRY_ENVIRONMENT": "staging",
        "SENTRY_TRACES_SAMPLE_RATE": "0.25",
        "PYTHONWARNINGS": "ignore::DeprecationWarning",
    }
    result = manage("shell", "-v0", "-c", SENTRY_OPTIONS, env=env)
    active, environment, rate, pii, bodies, local_variables, integrations = json.loads(result.stdout)
    assert (active, environment, rate) == (True, "staging", 0.25), result.stderr
    assert (pii, bodies, local_variables) == (False, "never", False)
    assert {"DjangoIntegration", "CeleryIntegration"} <= set(integrations)


# Renamed settings (new name: old name); each still reads its old name for one release.
RENAMED_SETTINGS = {
    "DECISION_TARGET_WORKING_DAYS": "REVIEW_TARGET_WORKING_DAYS",
    "TASK_ENQUEUE_TIMEOUT_SECONDS": "TASK_PUBLISH_TIMEOUT_SECONDS",
    "TASK_ENQUEUE_PAUSE_SECONDS": "TASK_PUBLISH_PAUSE_SECONDS",
}


def test_renamed_settings_still_read_their_old_names_when_the_new_ones_are_unset():
    old_names = dict.fromkeys(RENAMED_SETTINGS.values(), "3")
    assert setting_values(*RENAMED_SETTINGS, env=old_names) == [3, 3, 3]
    new_names = dict.fromkeys(RENAMED_SETTINGS, "5")
    assert setting_values(*RENAMED_SETTINGS, env={**old_names, **new_names}) == [5, 5, 5]


def setting_values(*names, env):
    values = f"[getattr(settings, name, None) for name in {names!r}]"
    code = f"from django.conf import settings; import json; print(json.dumps({values}))"
    result = manage("shell", "-v", "0", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_cookies_have_host_prefixed_names_and_development_plain_ones():
    assert setting_values("SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", env=PRODUCTION) == [
        "__Host-sessionid",
        "__Host-csrftoken",
    ]
    assert setting_values("SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", env={}) == ["sessionid", "csrftoken"]


def test_the_content_security_policy_is_enforced_unless_report_only_is_asked_for():
    names = ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")
    enforced, report_only = setting_values(*names, env=PRODUCTION)
    assert enforced["DIRECTIVES"]["default-src"] == ["'self'"]
    assert report_only is None
    env = {**PRODUCTION, "CSP_REPORT_ONLY": "True", "CSP_REPORT_URI": "https://reports.example.org/csp"}
    enforced, report_only = setting_values(*names, env=env)
    assert enforced is None
    assert report_only["DIRECTIVES"]["report-uri"] == ["https://reports.example.org/csp"]


def test_superusers_need_two_factor_sign_in_in_production_unless_turned_off():
    assert setting_values("MFA_REQUIRED_FOR_SUPERUSERS", env=PRODUCTION) == [True]
    off = {**PRODUCTION, "MFA_REQUIRED_FOR_SUPERUSERS": "False"}
    assert setting_values("MFA_REQUIRED_FOR_SUPERUSERS", env=off) == [False]


def test_in_development_links_follow_the_port_the_portal_serves_on_unless_site_url_is_set():
    assert setting_values("SITE_URL", env={}) == ["http://127.0.0.1:8000"]
    assert setting_values("SITE_URL", env={"PORT": "8800"}) == ["http://127.0.0.1:8800"]
    assert setting_values("SITE_URL", env={"PORT": "8800", "SITE_URL": "http://portal.test:9000/"}) == [
        "http://portal.test:9000"
    ]
    # Behind a proxy, PORT is gunicorn's own, never the address people use.
    assert setting_values("SITE_URL", env={**PRODUCTION, "PORT": "8800"}) == ["https://pledge.example.org"]
    unset = {name: value for name, value in PRODUCTION.items() if name != "SITE_URL"}
    assert setting_values("SITE_URL", env={**unset, "PORT": "8800"}) == ["http://127.0.0.1:8000"]
