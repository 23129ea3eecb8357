"""Production settings: `check --deploy` is clean, and they refuse to start without a secret."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

from django.conf import settings

from tests.conftest import ROOT


def production_env(**overrides: str | None) -> dict[str, str]:
    """A council server's environment, as docker-compose.yml sets it."""
    db = settings.DATABASES["default"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SEND_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="send_tracker.settings.production",
        DJANGO_SECRET_KEY=secrets.token_hex(32),  # 64 characters
        DJANGO_ALLOWED_HOSTS="tracker.example.gov.uk",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}",
        REDIS_URL=settings.REDIS_URL,
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNINGS" not in output


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = manage("check", env=production_env(DJANGO_SECRET_KEY=None))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_refuse_the_development_key_and_short_keys():
    for key in ("dev-only-insecure-key-not-for-production", "short-key"):
        result = manage("check", env=production_env(DJANGO_SECRET_KEY=key))
        assert result.returncode != 0, key
        assert "ImproperlyConfigured" in result.stderr


def test_production_settings_refuse_to_start_without_allowed_hosts():
    result = manage("check", env=production_env(DJANGO_ALLOWED_HOSTS=None))
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_the_compose_healthcheck_request_gets_an_answer_not_an_https_redirect():
    # What docker-compose.yml's web healthcheck sends: plain HTTP inside the container, the
    # allowed host and X-Forwarded-Proto. A redirect would mark a healthy server unhealthy.
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/healthz', HTTP_HOST='tracker.example.gov.uk',"
        " HTTP_X_FORWARDED_PROTO='https')\n"
        "print(r.status_code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=production_env(), capture_output=True,
        text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    # The status is the last line: a 503 (no worker here) is also logged to stdout before it.
    assert result.stdout.strip().splitlines()[-1] in ("200", "503")
