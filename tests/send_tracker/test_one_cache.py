"""One cache: `@cached_selector` in send_tracker/dataversion.py, on selectors and chart builders.

Templates and views do not cache, and nothing else keeps data between calls: this test reads
every Python file (with `ast`) and template of the project (not the virtualenv, node modules,
migrations or the tests themselves) and fails on any caching call outside that module.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
THE_CACHE = Path("send_tracker/dataversion.py")
SKIPPED = {".venv", "node_modules", "migrations", "tests", "staticfiles", "static", ".git",
           "bench", "test-artifacts", ".data", "media"}

# functools' memoisers, Django's cache framework, and this project's former mechanisms.
MEMOISERS = {"cache", "lru_cache", "cached_property"}
CACHE_NAMES = {"cached", "memo_pure", "cached_on_data", "cache_page", "cache_control_data"}
TEMPLATE_TAG = re.compile(r"\{%\s*(?:load\s+cache\b|cache\s|cached_on_data\b)")


def python_caching(source: str) -> list[str]:
    """Each caching call in Python source, as 'line N: what'."""
    found = []
    tree = ast.parse(source)
    # A name is a cache where it is called or decorates, not a local variable called `cached`.
    used = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)} | {
        id(d) for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))
        for d in n.decorator_list}
    for node in ast.walk(tree):
        what = None
        imported = {a.name for a in node.names} if isinstance(node, ast.ImportFrom) else set()
        if imported & CACHE_NAMES:
            what = f"from {node.module} import {', '.join(sorted(imported & CACHE_NAMES))}"
        elif isinstance(node, ast.ImportFrom) and node.module == "functools":
            names = {a.name for a in node.names} & MEMOISERS
            what = f"from functools import {', '.join(sorted(names))}" if names else None
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "django.core.cache"):
            what = f"from {node.module} import …"
        elif isinstance(node, ast.Import) and any(
                a.name.startswith("django.core.cache") for a in node.names):
            what = "import django.core.cache"
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and (
                node.value.id == "functools" and node.attr in MEMOISERS):
            what = f"functools.{node.attr}"
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and (
                node.value.id in ("cache", "caches")):
            what = f"{node.value.id}.{node.attr}"
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and (
                node.value.id == "caches"):
            what = "caches[…]"
        elif isinstance(node, ast.Name) and node.id in CACHE_NAMES and id(node) in used:
            what = node.id
        elif isinstance(node, ast.Attribute) and node.attr in CACHE_NAMES:
            what = f"….{node.attr}"
        if what:
            found.append(f"line {node.lineno}: {what}")
    return found


def template_caching(text: str) -> list[str]:
    """Each caching tag in a template, as 'line N: tag'."""
    return [f"line {text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}"
            for m in TEMPLATE_TAG.finditer(text)]


def caching_outside_the_cache(root: Path) -> list[str]:
    """'path line N: what' for every caching call under root but in the one cache module."""
    found = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative == THE_CACHE or SKIPPED & set(relative.parts[:-1]) or not path.is_file():
            continue
        if path.suffix == ".py":
            hits = python_caching(path.read_text())
        elif path.suffix in (".html", ".txt", ".xml"):
            hits = template_caching(path.read_text())
        else:
            continue
        found += [f"{relative} {hit}" for hit in hits]
    return found


def test_no_caching_call_outside_the_one_decorator():
    assert caching_outside_the_cache(ROOT) == []


def test_the_cache_module_is_where_the_scan_looks_and_it_is_the_decorator():
    from send_tracker import dataversion

    assert (ROOT / THE_CACHE).read_text().count("def cached_selector(") == 1
    assert callable(dataversion.cached_selector)
    # The project's apps are scanned: the checker sees their files.
    scanned = [p for p in (ROOT / "finance").rglob("*.py") if "migrations" not in p.parts]
    assert scanned


def test_the_checker_finds_each_kind_of_cache_in_python():
    source = (
        "import functools\n"
        "from functools import lru_cache, wraps\n"
        "from django.core.cache import cache, caches\n"
        "from send_tracker.dataversion import cached\n"
        "@functools.cache\n"
        "def a(): return cache.get('k')\n"
        "def b(): caches['default'].set('k', 1)\n"
        "def c(): return cached('n', (), lambda: 1)\n"
        "@functools.lru_cache(maxsize=2)\n"
        "def d(): pass\n"
        "from functools import cached_property\n"
    )
    found = "\n".join(python_caching(source))
    for what in ("from functools import lru_cache", "from django.core.cache import",
                 "functools.cache", "cache.get", "caches[…]", "line 8: cached",
                 "functools.lru_cache", "from functools import cached_property"):
        assert what in found, what
    assert python_caching("from functools import wraps\n@wraps(f)\ndef g(): pass\n") == []
    assert python_caching("def roles(user):\n    cached = user.x\n    return cached\n") == []


def test_the_checker_finds_cache_tags_in_templates():
    assert template_caching('{% load cache %}\n{% cache 500 sidebar %}x{% endcache %}') == [
        "line 1: {% load cache", "line 2: {% cache "]
    assert template_caching('<p>\n{% cached_on_data "x" y %}</p>') == [
        "line 2: {% cached_on_data"]
    assert template_caching("{% load tracker %}{% chart c %}") == []


def test_a_cache_planted_in_an_app_fails_the_scan_but_not_in_the_cache_module(tmp_path):
    (tmp_path / "send_tracker").mkdir()
    (tmp_path / "send_tracker" / "dataversion.py").write_text(
        "import functools\n@functools.lru_cache\ndef f(): pass\n")
    (tmp_path / "app" / "views").mkdir(parents=True)
    (tmp_path / "app" / "views" / "pages.py").write_text(
        "from send_tracker.dataversion import cached\nx = cached('a', (), list)\n")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text(
        "{% cached_on_data 'a' %}{% endcached_on_data %}")
    (tmp_path / "app" / "migrations").mkdir()
    (tmp_path / "app" / "migrations" / "0001.py").write_text("from functools import cache\n")
    assert caching_outside_the_cache(tmp_path) == [
        "app/views/pages.py line 1: from send_tracker.dataversion import cached",
        "app/views/pages.py line 2: cached",
        "templates/page.html line 1: {% cached_on_data",
    ]
