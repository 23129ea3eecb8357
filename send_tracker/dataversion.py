"""Aggregates cached on the data's version: computed once per change of the data, not per page.

PostgreSQL keeps the version (migration 0003): any committed change to a table of the tracked
apps moves it on, whichever way it was written (ORM, bulk update, COPY import, admin, SQL).
`cached()` keys a value on (database token, version, name, arguments) in this process's memory,
so it is never stale: a change gives a new key. Inside a transaction that has itself changed
data (a test, a service that writes then reads) nothing is cached or served from the cache.

Only plain data that depends on nothing but the database and the arguments may be cached: no
user-specific rows, no "today" unless it is an argument.
"""

from __future__ import annotations

import copy
import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.apps import apps
from django.db import connection

T = TypeVar("T")
# Django's auth too (our apps say so on their AppConfig, `data_versioned = True`): cached pages
# name people (leads, who changed what). A login writes last_login, so it moves the version on
# as well: rare next to page views.
ALSO_TRACKED = ("auth",)
MAX_ENTRIES = 512

_entries: OrderedDict[tuple, Any] = OrderedDict()
_lock = threading.Lock()
_VERSION_SQL = (
    "SELECT v.token::text || ':' || v.version::text, "
    "coalesce(current_setting('send_tracker.dirty', true), '') = 'on' "
    "FROM (SELECT 1) AS one LEFT JOIN send_tracker_dataversion AS v ON v.id = 1"
)


def data_version() -> str | None:
    """The committed data's version, or None when this transaction has changed data itself.

    Asked once per request: the answer is kept until the request ends or this connection sends
    anything but a SELECT (a write makes the next call ask again, and see it is dirty)."""
    memo = getattr(connection, "_send_version_memo", None)
    if memo is not None:
        return memo
    outer = connection.atomic_blocks[0] if connection.in_atomic_block else None
    if outer is not None and getattr(connection, "_send_dirty_block", None) is outer:
        return None  # this atomic block has already written: no need to ask again
    with connection.cursor() as cursor:
        cursor.execute(_VERSION_SQL)
        version, dirty = cursor.fetchone()
    if dirty and outer is not None:
        # Until this block ends it stays dirty (a savepoint rolled back only makes us cautious).
        connection._send_dirty_block = outer
    if dirty or version is None:
        return None
    if getattr(connection, "_send_in_request", False):
        connection._send_version_memo = version
        _watch_writes(connection)
    return version


def _forget_on_write(execute, sql, params, many, context):
    if not str(sql).lstrip()[:6].upper() == "SELECT":
        context["connection"]._send_version_memo = None
    return execute(sql, params, many, context)


def _watch_writes(conn) -> None:
    # First in the list, for good: `connection.execute_wrapper()` blocks push and pop at the end.
    if _forget_on_write not in conn.execute_wrappers:
        conn.execute_wrappers.insert(0, _forget_on_write)


def request_started(**kwargs: Any) -> None:
    """At each request's start: ask afresh (once) whether this transaction has written and which
    version the data are at, so every request makes the same queries whatever came before it."""
    if hasattr(connection, "_send_dirty_block"):
        del connection._send_dirty_block
    connection._send_version_memo = None
    connection._send_in_request = True


def request_finished(**kwargs: Any) -> None:
    """Outside requests (tasks, commands) the version is asked every time."""
    connection._send_version_memo = None
    connection._send_in_request = False


def cached(name: str, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """compute(), or its result for the same data version, name and key (kept in memory).

    Callers must not change the value returned: it is shared with later requests.
    """
    version = data_version()
    if version is None:
        return compute()
    full_key = (version, name, key)
    with _lock:
        if full_key in _entries:
            _entries.move_to_end(full_key)
            return _entries[full_key]
    value = compute()
    with _lock:
        _entries[full_key] = value
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value


def _key(args: tuple, kwargs: dict) -> str:
    # repr, not hash: arguments may be dicts (a summary passed on); equal data, equal key.
    return repr((args, sorted(kwargs.items())))


def cached_selector(function: Callable[..., T]) -> Callable[..., T]:
    """Decorate a selector that reads only the database and its arguments: its result is
    computed once per data version and arguments; each caller gets its own (deep) copy."""
    name = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        value = cached(name, (_key(args, kwargs),), lambda: function(*args, **kwargs))
        return copy.deepcopy(value)

    wrapper.uncached = function  # type: ignore[attr-defined]
    return wrapper


def memo_pure(function: Callable[..., T]) -> Callable[..., T]:
    """Decorate a pure function of its arguments (a chart built from data): same arguments,
    same (shared, read-only) result, whatever the database holds; the newest 512 kept."""
    entries: OrderedDict[str, Any] = OrderedDict()

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        key = _key(args, kwargs)
        with _lock:
            if key in entries:
                entries.move_to_end(key)
                return entries[key]
        value = function(*args, **kwargs)
        with _lock:
            entries[key] = value
            while len(entries) > MAX_ENTRIES:
                entries.popitem(last=False)
        return value

    wrapper.uncached = function  # type: ignore[attr-defined]
    return wrapper


def clear() -> None:
    """Forget every cached value (tests)."""
    with _lock:
        _entries.clear()


def tracked_tables() -> list[str]:
    """Tables whose changes move the version: every concrete model of the tracked apps (their
    AppConfig's `data_versioned`, and auth) except the change-history tables (written only
    alongside their tracked rows) and models that say `data_versioned = False` (bookkeeping)."""
    tables = []
    configs = [c for c in apps.get_app_configs()
               if getattr(c, "data_versioned", False) or c.label in ALSO_TRACKED]
    for config in configs:
        for model in config.get_models():
            meta = model._meta
            if meta.proxy or not meta.managed or meta.db_table.split("_", 1)[-1].startswith(
                    "historical") or getattr(model, "data_versioned", True) is False:
                continue
            tables.append(meta.db_table)
    return sorted(set(tables))


def install_triggers(using: str = "default", **kwargs: Any) -> None:
    """(Re)install the statement triggers on every tracked table: after each migrate."""
    from django.db import connections

    conn = connections[using]
    if conn.vendor != "postgresql":
        return
    with conn.cursor() as cursor:
        cursor.execute("SELECT to_regprocedure('send_tracker_data_changed()') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return  # migrated backwards past 0003
        existing = set(conn.introspection.table_names(cursor))
        for table in tracked_tables():
            if table not in existing:
                continue
            cursor.execute(
                f'CREATE OR REPLACE TRIGGER send_tracker_data_changed AFTER INSERT OR UPDATE OR '
                f'DELETE OR TRUNCATE ON "{table}" FOR EACH STATEMENT '
                f'EXECUTE FUNCTION send_tracker_data_changed()'
            )
