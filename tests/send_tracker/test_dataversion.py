"""The data version moves on at the commit of any change to tracked data, and @cached_selector
serves a value only while the data it came from is unchanged, safe to share."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from placements.models import Provider
from send_tracker import dataversion


def _provider(ref: str = "PRV-T1") -> Provider:
    return Provider.objects.create(ref=ref, name="Test school", provision_type="ap_pru")


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_moves_the_version_on():
    before = dataversion.data_version()
    _provider()
    after = dataversion.data_version()
    assert before is not None
    assert after is not None
    assert after != before


@pytest.mark.django_db(transaction=True)
def test_a_bulk_update_and_raw_sql_move_it_on_too():
    _provider()
    before = dataversion.data_version()
    Provider.objects.update(name="Renamed")
    middle = dataversion.data_version()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE placements_provider SET places = 5")
    assert len({before, middle, dataversion.data_version()}) == 3


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_leaves_it_alone():
    before = dataversion.data_version()

    def write_then_fail() -> None:
        with transaction.atomic():
            _provider()
            raise RuntimeError

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert dataversion.data_version() == before


@pytest.mark.django_db
def test_nothing_is_cached_inside_a_transaction_that_changed_data():
    _provider()  # the test's own transaction now has uncommitted changes
    assert dataversion.data_version() is None
    calls = []

    @dataversion.cached_selector
    def counted(n: int) -> int:
        calls.append(1)
        return len(calls)

    for _ in range(2):
        counted(1)
    assert len(calls) == 2


@pytest.mark.django_db(transaction=True)
def test_a_cached_value_is_reused_until_the_data_changes():
    dataversion.clear()
    counted = []

    @dataversion.cached_selector
    def providers(*, kind: str) -> int:
        counted.append(kind)
        return Provider.objects.filter(provision_type=kind).count()

    assert providers(kind="ap_pru") == 0
    assert providers(kind="ap_pru") == 0
    assert counted == ["ap_pru"]
    assert providers(kind="other") == 0  # other arguments, another entry
    assert len(counted) == 2
    _provider()
    assert providers(kind="ap_pru") == 1
    assert len(counted) == 3
    assert providers.uncached(kind="ap_pru") == 1
    assert len(counted) == 4


@pytest.mark.django_db(transaction=True)
def test_each_caller_gets_its_own_copy_by_default():
    dataversion.clear()

    @dataversion.cached_selector
    def rows() -> list[dict]:
        return [{"n": Provider.objects.count()}]

    first = rows()
    first[0]["n"] = 99
    first.append({})
    assert rows() == [{"n": 0}]


@pytest.mark.django_db(transaction=True)
def test_a_shared_value_is_frozen_once_and_refuses_changes():
    dataversion.clear()
    calls = []

    @dataversion.cached_selector(share=True)
    def summary() -> dict:
        calls.append(1)
        return {"count": Provider.objects.count(), "rows": [{"a": 1}], "tags": {"x"}}

    first, second = summary(), summary()
    assert first is second  # shared: no copy per call
    assert len(calls) == 1
    assert first == {"count": 0, "rows": ({"a": 1},), "tags": frozenset({"x"})}
    with pytest.raises(TypeError):
        first["count"] = 5
    with pytest.raises(TypeError):
        first["rows"][0]["a"] = 2
    with pytest.raises(AttributeError):
        first["rows"].append({})
    mine = dict(first)  # a changeable copy
    mine["count"] = 5
    assert summary()["count"] == 0


def test_a_shared_value_passed_on_keys_a_cached_builder_as_equal_data_would():
    """A frozen summary handed to a chart builder keys its cache by its repr, made once: the
    same as a plain dict's, so equal data is an equal key, and unchanged by a pickle round trip
    (a default cached selector's copy)."""
    import pickle

    plain = {"b": [{"x": 1}, {"y": (2, 3)}], "a": "text"}
    frozen = dataversion.freeze(plain)
    assert repr(frozen) == repr({"b": ({"x": 1}, {"y": (2, 3)}), "a": "text"})
    assert repr(frozen) is repr(frozen)  # made once
    assert repr(pickle.loads(pickle.dumps(frozen))) == repr(frozen)  # noqa: S301 - our own bytes
    key = dataversion._key((), {"summary": frozen})
    assert key == dataversion._key((), {"summary": dataversion.freeze(plain)})
    assert key != dataversion._key((), {"summary": dataversion.freeze({**plain, "a": "other"})})


@pytest.mark.django_db(transaction=True)
def test_a_model_instance_is_never_shared_between_requests():
    provider = _provider()

    @dataversion.cached_selector(share=True)
    def first_provider() -> Provider:
        return Provider.objects.get(pk=provider.pk)

    with pytest.raises(TypeError, match="cannot share a Provider"):
        first_provider()


def test_every_table_of_the_tracked_apps_but_history_is_tracked(db):
    tables = dataversion.tracked_tables()
    assert "placements_invoice" in tables
    assert "programme_progressupdate" in tables
    assert "finance_trajectoryrun" in tables
    assert "send_tracker_reportingperiod" in tables  # a model that opts in from its own app
    assert "programme_strand_deputies" in tables  # many-to-many tables Django made
    assert "auth_user_groups" in tables
    assert "send_tracker_importrecord" not in tables  # send_tracker's bookkeeping
    assert not [t for t in tables if "historical" in t]
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgrelid::regclass::text FROM pg_trigger "
                       "WHERE tgname = 'send_tracker_data_changed'")
        installed = {row[0] for row in cursor.fetchall()}
    assert set(tables) <= installed


@pytest.mark.django_db(transaction=True)
def test_within_a_request_the_version_is_asked_once_and_again_after_a_write():
    from django.core import signals

    signals.request_started.send(sender=None)
    try:
        with CaptureQueriesContext(connection) as first:
            version = dataversion.data_version()
            assert dataversion.data_version() == version
        assert len(first) == 1
        _provider()  # a write in the same request: the next call asks again
        assert dataversion.data_version() not in (None, version)
    finally:
        signals.request_finished.send(sender=None)
    with CaptureQueriesContext(connection) as outside:
        dataversion.data_version()
        dataversion.data_version()
    assert len(outside) == 2  # outside a request (a task) it is asked every time


@pytest.mark.django_db(transaction=True)
def test_a_strand_deputy_or_a_role_given_moves_it_on(django_user_model):
    from django.contrib.auth.models import Group

    from programme.models import Strand

    strand = Strand.objects.create(name="Sufficiency", slug="sufficiency")
    user = django_user_model.objects.create_user("deputy", password="a-long-test-password")
    group = Group.objects.create(name="Programme lead")
    before = dataversion.data_version()
    strand.deputies.add(user)
    after_deputy = dataversion.data_version()
    user.groups.add(group)
    after_role = dataversion.data_version()
    assert len({before, after_deputy, after_role}) == 3
