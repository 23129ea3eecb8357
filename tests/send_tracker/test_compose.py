"""docker-compose.yml read as data (there is no Docker engine in CI): services, environment and
commands that fit together and fit the settings. The image itself: test_image.py."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("web", "worker", "beat")
# Names Django or the image read themselves, not the settings package.
PROCESS_VARIABLES = {"DJANGO_SETTINGS_MODULE"}
REQUIRED_SECRETS = ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def settings_variable_names() -> set[str]:
    """Every NAME the settings package reads with env("NAME") or env.xxx("NAME")."""
    names: set[str] = set()
    for path in (ROOT / "send_tracker" / "settings").glob("*.py"):
        names |= set(re.findall(r"\benv(?:\.\w+)?\(\s*[\"']([A-Z0-9_]+)[\"']", path.read_text()))
    return names


def command_text(service: dict) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def test_the_settings_scan_finds_the_variables_we_know_are_read():
    # Guards the scan itself: a regex that found nothing would let every name through.
    assert {"DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "EMAIL_HOST"} <= (
        settings_variable_names()
    )


def test_it_has_the_five_services(compose):
    assert {"db", "redis", "web", "worker", "beat"} <= set(compose["services"])


def test_the_database_is_postgres_16_on_a_named_volume_with_a_pg_isready_healthcheck(compose):
    db = compose["services"]["db"]
    assert db["image"] == "postgres:16"
    volume = db["volumes"][0].split(":")[0]
    assert volume in compose["volumes"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])


def test_redis_is_redis_7_with_a_ping_healthcheck(compose):
    redis = compose["services"]["redis"]
    assert redis["image"] == "redis:7"
    assert "ping" in " ".join(redis["healthcheck"]["test"])


def test_web_runs_gunicorn_on_all_interfaces_with_workers_threads_and_timeouts(compose):
    command = command_text(compose["services"]["web"])
    assert "gunicorn send_tracker.wsgi:application" in command
    assert "0.0.0.0:8000" in command
    for option in ("--workers", "--threads", "--timeout"):
        assert option in command


def test_web_healthcheck_asks_healthz(compose):
    test = compose["services"]["web"]["healthcheck"]["test"]
    assert "/healthz" in " ".join(test)


def test_worker_and_beat_run_celery_for_the_project(compose):
    assert command_text(compose["services"]["worker"]).startswith("celery -A send_tracker worker")
    assert command_text(compose["services"]["beat"]).startswith("celery -A send_tracker beat")


def test_worker_and_beat_reuse_the_web_image_and_environment(compose):
    web = compose["services"]["web"]
    for name in ("worker", "beat"):
        service = compose["services"][name]
        assert service["build"] == web["build"]
        assert service["image"] == web["image"]
        assert service["environment"] == web["environment"]


def test_app_services_wait_for_healthy_database_and_redis(compose):
    for name in APP_SERVICES:
        depends = compose["services"][name]["depends_on"]
        assert depends["db"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name


def test_migrations_run_once_before_the_app_services_start(compose):
    migrate = compose["services"]["migrate"]
    assert "manage.py migrate" in command_text(migrate)
    assert migrate["restart"] == "no"
    for name in APP_SERVICES:
        condition = compose["services"][name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully"


def test_app_services_use_production_settings(compose):
    for name in APP_SERVICES:
        env = compose["services"][name]["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "send_tracker.settings.production"


def test_every_variable_the_app_services_set_is_one_the_settings_read(compose):
    known = settings_variable_names() | PROCESS_VARIABLES
    for name in APP_SERVICES:
        unknown = set(compose["services"][name]["environment"]) - known
        assert not unknown, f"{name} sets variables no setting reads: {sorted(unknown)}"


def test_the_variables_production_needs_are_set(compose):
    env = compose["services"]["web"]["environment"]
    for name in ("DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS",
                 "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD",
                 "EMAIL_USE_TLS", "DEFAULT_FROM_EMAIL", "BOARD_MEMBER_EMAILS"):
        assert name in env, name
    assert "@db:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:6379/")


def test_required_secrets_must_come_from_outside_the_file(compose):
    env = compose["services"]["web"]["environment"]
    for name in REQUIRED_SECRETS:
        assert re.fullmatch(rf"\$\{{{name}:\?[^}}]+\}}", env[name]), env[name]
    assert "${POSTGRES_PASSWORD:?" in env["DATABASE_URL"]
    assert compose["services"]["db"]["environment"]["POSTGRES_PASSWORD"].startswith(
        "${POSTGRES_PASSWORD:?"
    )


def test_no_secret_value_is_written_in_the_file(compose):
    for service, definition in compose["services"].items():
        for name, value in (definition.get("environment") or {}).items():
            if "SECRET" in name or "PASSWORD" in name:
                assert str(value).startswith("${"), f"{service}: {name} has a literal value"


def test_each_app_service_builds_the_image_from_this_directory(compose):
    for name in (*APP_SERVICES, "migrate"):
        build = compose["services"][name]["build"]
        assert (ROOT / build["context"] / build["dockerfile"]).is_file(), name


def test_each_app_service_runs_a_program_the_project_provides(compose):
    from django.core.management import get_commands

    web = command_text(compose["services"]["web"]).split()
    module, _, attribute = web[web.index("gunicorn") + 1].partition(":")
    assert hasattr(importlib.import_module(module), attribute)
    for name in ("worker", "beat"):
        argv = command_text(compose["services"][name]).split()
        assert argv[:2] == ["celery", "-A"]
        assert hasattr(importlib.import_module(argv[2]), "celery_app"), name
    migrate = command_text(compose["services"]["migrate"]).split()
    assert migrate[migrate.index("manage.py") + 1] in get_commands()


def test_the_build_context_leaves_out_local_environments_and_secrets():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (".git", ".venv", "node_modules", ".data", ".env"):
        assert entry in ignored, entry
