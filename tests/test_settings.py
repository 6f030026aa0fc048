"""Production configuration: safe by default, and refused when a secret is missing."""

import os
import subprocess
import sys
from pathlib import Path

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
    # Only the test run's own plumbing is inherited, never its settings.
    inherited = ("PATH", "HOME", "LANG", "REDIS_URL")
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


def test_deploy_check_passes_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_real_secret_key():
    env = {**PRODUCTION}
    del env["SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
