"""The one cache: `@cached_selector`, keyed on the data's version, so never stale.

PostgreSQL keeps the version (migration 0003): any committed change to a table of the tracked
apps moves it on, whichever way it was written (ORM, bulk update, COPY import, admin, SQL).
`@cached_selector` keys a selector's or chart builder's result on (database token, version,
function, arguments) in this process's memory: a change gives a new key. Inside a transaction
that has itself changed data (a test, a service that writes then reads) nothing is cached or
served from the cache. Templates and views do not cache (tests/send_tracker/test_one_cache.py
fails on any caching call outside this module).

Only plain data that depends on nothing but the database and the arguments may be cached: no
user-specific rows, no "today" unless it is an argument."""

from __future__ import annotations

import copy
import functools
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date, time, timedelta
from decimal import Decimal
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


def _cached(name: str, key: str, compute: Callable[[], T],
            store: Callable[[T], Any], load: Callable[[Any], T]) -> T:
    """compute(), or the value kept for the same data version, name and key (in memory):
    `store(value)` is what is kept, `load(kept)` what a later caller gets."""
    version = data_version()
    if version is None:
        # Not cached, but handed over as a cached value would be (frozen, or a copy): a caller
        # that changes a shared value fails here too, in tests (their transaction has written),
        # not only in production.
        return load(store(compute()))
    full_key = (version, name, key)
    with _lock:
        kept = _entries.get(full_key, _MISSING)
        if kept is not _MISSING:
            _entries.move_to_end(full_key)
    if kept is not _MISSING:
        return load(kept)
    value = compute()
    kept = store(value)
    with _lock:
        _entries[full_key] = kept
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value if kept is value else load(kept)


_MISSING = object()


def _key(args: tuple, kwargs: dict) -> str:
    # repr, not hash: arguments may be dicts (a summary passed on); equal data, equal key.
    return repr((args, sorted(kwargs.items())))


class FrozenDict(dict):
    """A dict that refuses changes: what a shared cached value holds instead of a dict.
    `dict(frozen)` is a changeable copy; templates, JSON and `==` read it as any dict."""

    def _refuse(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("a cached value is shared: copy it (dict(value)) before changing it")

    __setitem__ = __delitem__ = __ior__ = _refuse  # type: ignore[assignment]
    clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]

    def __repr__(self) -> str:
        # Read-only all the way down (made by `freeze`), so its repr, which is a cached
        # selector's key when the value is passed on to a chart builder, is made once.
        kept = self.__dict__.get("repr")
        if kept is None:
            kept = self.__dict__["repr"] = dict.__repr__(self)
        return kept

    def __deepcopy__(self, memo: dict) -> dict:
        return {copy.deepcopy(k, memo): copy.deepcopy(v, memo) for k, v in self.items()}

    def __reduce__(self) -> tuple:
        return (FrozenDict, (dict(self),))


def freeze(value: Any) -> Any:
    """The value made read-only, copied once: dicts become FrozenDicts, lists and tuples
    tuples, sets frozensets, all the way down. Plain immutable values and frozen dataclasses
    (a `Chart`) are kept as they are. A model instance (or any other object that can change)
    is refused: a row shared between requests is one request's change seen by the next."""
    if value is None or isinstance(value, _IMMUTABLE):
        return value
    if isinstance(value, dict):
        return FrozenDict((k, freeze(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return frozenset(value)
    params = getattr(type(value), "__dataclass_params__", None)
    if params is not None and params.frozen:
        return value
    raise TypeError(f"cannot share a {type(value).__name__} between requests: return plain "
                    "data (dicts, lists, numbers, dates) or a frozen dataclass")


_IMMUTABLE = (str, bytes, int, float, complex, bool, Decimal, date, time, timedelta,
              FrozenDict)


def _same(value: T) -> T:
    return value


def _pickled(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def cached_selector(function: Callable[..., T] | None = None, *, share: bool = False) -> Any:
    """THE cache: decorate a selector (reads only the database and its arguments) or a chart
    builder (a pure function of selector data). Its result is computed once per data version
    and arguments, in this process's memory, so it is never stale and never outlives the code
    that computed it (a deploy starts new processes with empty caches).

    Safe to share, one of two ways:
    - by default the value is kept pickled (copied once, when computed) and each later caller
      unpickles its own copy (change it as you like). Model instances may be returned this
      way, with what was prefetched (a deep copy would drop a prefetched queryset's rows);
    - `share=True`: the value is frozen once, when computed (`freeze`: read-only dicts,
      tuples, frozen dataclasses; model instances refused) and the same value is returned to
      every caller, with no copy per call. For large results read by templates and charts.

    `.uncached` is the undecorated function (tests, and a selector calling its own uncached
    sibling)."""

    def decorate(func: Callable[..., T]) -> Callable[..., T]:
        name = f"{func.__module__}.{func.__qualname__}"

        store, load = (freeze, _same) if share else (_pickled, pickle.loads)

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> T:
            return _cached(name, _key(args, kwargs), lambda: func(*args, **kwargs), store, load)

        wrapper.uncached = func  # type: ignore[attr-defined]
        return wrapper

    return decorate(function) if function is not None else decorate


def clear() -> None:
    """Forget every cached value (tests)."""
    with _lock:
        _entries.clear()


def tracked_tables() -> list[str]:
    """Tables whose changes move the version: every concrete model of the tracked apps (their
    AppConfig's `data_versioned`, and auth) except the change-history tables (written only
    alongside their tracked rows) and models that say `data_versioned = False` (bookkeeping);
    and a model of another app that says `data_versioned = True` (the reporting calendar)."""
    tables = []
    for config in apps.get_app_configs():
        app_tracked = getattr(config, "data_versioned", False) or config.label in ALSO_TRACKED
        # Many-to-many tables too (a strand's deputies, a user's groups): Django makes them.
        for model in config.get_models(include_auto_created=True):
            meta = model._meta
            if meta.proxy or not meta.managed or meta.db_table.split("_", 1)[-1].startswith(
                    "historical") or not getattr(model, "data_versioned", app_tracked):
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
