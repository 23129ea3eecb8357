"""The code's shape (issue 11): no function over 60 lines, and every module of an app in its
layer's package (docs/architecture.md), never beside it.

Read from the source with ast, like tests/test_dependencies.py: nothing is imported.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 60
# Directories that hold no code of ours, or code this rule does not cover.
SKIPPED = {".venv", "node_modules", "tests", "migrations", ".git"}
# "path::function" -> why it may be longer. Empty is the aim; an entry that is no longer long
# fails the test, so the list cannot go stale.
ALLOWED_LONG: dict[str, str] = {}
# An app's layers: once a layer is a package, nothing of it sits at the app's root.
LAYERS = ("api", "charts", "forms", "imports", "selectors", "services", "urls", "views")
APPS = ("finance", "finance/board", "placements", "programme", "send_tracker",
        "send_tracker/accounts")


def python_files(root: Path = ROOT) -> list[Path]:
    """Every .py file of ours outside migrations and tests."""
    return sorted(
        path for path in root.rglob("*.py")
        if not SKIPPED & set(path.relative_to(root).parts[:-1])
    )


def long_functions(path: Path, root: Path = ROOT) -> dict[str, int]:
    """`path::name` -> lines, for every function (methods and nested ones too) over MAX_LINES."""
    found = {}
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            lines = node.end_lineno - node.lineno + 1
            if lines > MAX_LINES:
                found[f"{path.relative_to(root).as_posix()}::{node.name}"] = lines
    return found


def misplaced_modules(app: Path) -> list[str]:
    """Root modules of an app named for a layer (`benchmark_views.py`, `services_setup.py`,
    `setup_urls.py`) or with the name of a package beside them."""
    found = []
    for path in sorted(app.glob("*.py")):
        stem = path.stem
        for layer in LAYERS:
            if stem.startswith(f"{layer}_") or stem.endswith(f"_{layer}"):
                found.append(f"{path.name}: move it into {layer}/")
        if (app / stem).is_dir() and (app / stem / "__init__.py").exists():
            found.append(f"{path.name}: a package {stem}/ is beside it")
    return found


def test_no_function_is_over_sixty_lines():
    found = {}
    for path in python_files():
        found.update(long_functions(path))
    unexplained = {name: lines for name, lines in found.items() if name not in ALLOWED_LONG}
    assert unexplained == {}, "split these into named steps (lines each)"


def test_every_allowed_long_function_is_still_long():
    found = {}
    for path in python_files():
        found.update(long_functions(path))
    assert sorted(set(ALLOWED_LONG) - set(found)) == [], "no longer long: drop from ALLOWED_LONG"


def test_the_check_counts_every_kind_of_function(tmp_path):
    body = "".join(f"    x{n} = {n}\n" for n in range(MAX_LINES))  # with the def line: 61
    source = (f"def long():\n{body}\n"
              f"class C:\n    async def method(self):\n{textwrap.indent(body, '    ')}\n"
              f"def short():\n    return 1\n")
    module = tmp_path / "module.py"
    module.write_text(source)
    assert long_functions(module, root=tmp_path) == {"module.py::long": 61,
                                                     "module.py::method": 61}


def test_the_check_skips_migrations_and_tests(tmp_path):
    for name in ("app/migrations/0001_initial.py", "tests/test_app.py", "app/models.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    assert [p.relative_to(tmp_path).as_posix() for p in python_files(tmp_path)] == [
        "app/models.py"]


def test_each_apps_modules_sit_in_their_layers_package():
    found = {app: misplaced_modules(ROOT / app) for app in APPS}
    assert {app: names for app, names in found.items() if names} == {}


def test_the_layout_check_sees_a_module_beside_its_layer(tmp_path):
    (tmp_path / "views").mkdir()
    (tmp_path / "views" / "__init__.py").write_text("")
    for name in ("views.py", "benchmark_views.py", "services_setup.py", "setup_urls.py",
                 "user_extras.py", "periods.py"):
        (tmp_path / name).write_text("")
    assert misplaced_modules(tmp_path) == [
        "benchmark_views.py: move it into views/",
        "services_setup.py: move it into services/",
        "setup_urls.py: move it into urls/",
        "views.py: a package views/ is beside it",
    ]
