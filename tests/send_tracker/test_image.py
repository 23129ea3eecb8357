"""The Dockerfile read as instructions (there is no Docker engine in CI), and its entrypoint run
for real: a container with unsafe settings refuses to start."""

from __future__ import annotations

import importlib
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.send_tracker.test_deploy import production_env

ROOT = Path(__file__).resolve().parents[2]


def instructions() -> list[tuple[str, str, str]]:
    """(stage, INSTRUCTION, arguments) for each instruction, continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    found, stage = [], ""
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        keyword, _, arguments = line.strip().partition(" ")
        if keyword.upper() == "FROM":
            stage = arguments.split(" AS ")[-1] if " AS " in arguments else arguments
        found.append((stage, keyword.upper(), arguments.strip()))
    return found


def of_stage(stage: str, keyword: str) -> list[str]:
    return [args for s, k, args in instructions() if s == stage and k == keyword]


def exec_form(arguments: str) -> list[str]:
    return json.loads(arguments) if arguments.startswith("[") else shlex.split(arguments)


def run_entrypoint(env: dict[str, str]) -> subprocess.CompletedProcess:
    """The image's entrypoint as the container runs it, in this checkout (python on PATH)."""
    (entrypoint,) = of_stage("app", "ENTRYPOINT")
    script = ROOT / Path(exec_form(entrypoint)[0]).relative_to("/app")
    env = {**env, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"}
    return subprocess.run(  # noqa: S603 - our own script
        [str(script), "echo", "command started"], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=120, check=False,
    )


def test_the_parser_sees_both_stages():
    assert [args for _, keyword, args in instructions() if keyword == "FROM"] == [
        "node:22-slim AS assets", "python:3.11-slim AS app"]


def test_the_entrypoint_starts_the_command_when_the_deploy_checks_pass():
    result = run_entrypoint(production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("command started")


@pytest.mark.parametrize(("variable", "value"), [
    ("DJANGO_SECRET_KEY", "too-short"),
    ("DJANGO_ALLOWED_HOSTS", None),
])
def test_the_entrypoint_refuses_to_start_the_command_with_unsafe_settings(variable, value):
    result = run_entrypoint(production_env(**{variable: value}))
    assert result.returncode != 0
    assert "command started" not in result.stdout


def test_every_file_the_image_copies_is_in_the_build_context():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for _, keyword, arguments in instructions():
        if keyword != "COPY" or arguments.startswith("--from"):
            continue
        *sources, _destination = shlex.split(arguments)
        for source in sources:
            assert (ROOT / source).exists(), source
            assert source.rstrip("/") not in ignored, source


def test_the_asset_stage_runs_the_script_make_runs_and_the_app_stage_takes_its_output():
    assert "bin/build-assets" in of_stage("assets", "RUN")
    made = subprocess.run(["make", "-n", "-B", "static/.assets-built"], cwd=ROOT,  # noqa: S607
                          capture_output=True, text=True, check=True).stdout.splitlines()
    assert "bin/build-assets" in made
    copied = " ".join(of_stage("assets", "COPY"))
    script = (ROOT / "bin" / "build-assets").read_text().split("\n", 1)[1]  # not the shebang
    for used in {word for word in script.split() if word.startswith("bin/")}:
        assert used in copied, f"the asset stage runs {used} without copying it"
    assert any(a.startswith("--from=assets") for a in of_stage("app", "COPY"))


def test_the_app_runs_as_an_unprivileged_user_and_serves_the_projects_wsgi_application():
    users = of_stage("app", "USER")
    assert users
    assert users[-1] not in ("root", "0")
    (command,) = of_stage("app", "CMD")
    argv = exec_form(command)
    assert argv[0] == "gunicorn"
    module, _, attribute = argv[1].partition(":")
    assert hasattr(importlib.import_module(module), attribute)
