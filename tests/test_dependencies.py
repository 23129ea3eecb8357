"""The apps depend one way: placements <- programme <- finance, and send_tracker (what all share)
knows no app except where Django composes them (its settings and the root URL configuration).

Read from the source with ast, so an import inside a function counts as much as one at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("send_tracker", "placements", "programme", "finance")
# What each package may not import.
FORBIDDEN = {
    "placements": {"programme", "finance"},
    "programme": {"finance"},
    "send_tracker": {"placements", "programme", "finance"},
}
# Where send_tracker composes the apps.
COMPOSITION = ("send_tracker/settings/", "send_tracker/urls/__init__.py")


def imported_packages(path: Path) -> set[str]:
    """The top-level packages a module imports, anywhere in it (absolute imports only)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def offences(package: str) -> list[str]:
    """`path imports app` for every module of `package` that imports an app it may not."""
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/migrations/" in relative or relative.startswith(COMPOSITION):
            continue
        for app in sorted(imported_packages(path) & FORBIDDEN[package]):
            found.append(f"{relative} imports {app}")
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_each_package_imports_only_the_apps_below_it(package):
    assert offences(package) == []


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("def f():\n    from finance.models import Scenario\n    import programme\n")
    assert imported_packages(module) == {"finance", "programme"}


def test_every_app_is_known_to_the_check():
    from django.conf import settings

    packages = {app.split(".")[0] for app in settings.INSTALLED_APPS}
    assert {package for package in packages if (ROOT / package).is_dir()} == set(APPS)
