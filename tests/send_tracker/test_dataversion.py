"""The data version moves on at the commit of any change to tracked data, and cached() serves a
value only while the data it came from is unchanged."""

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
    for _ in range(2):
        dataversion.cached("t", (1,), lambda: calls.append(1) or len(calls))
    assert len(calls) == 2


@pytest.mark.django_db(transaction=True)
def test_a_cached_value_is_reused_until_the_data_changes():
    dataversion.clear()
    counted = []

    def count() -> int:
        counted.append(1)
        return Provider.objects.count()

    assert dataversion.cached("providers", (), count) == 0
    assert dataversion.cached("providers", (), count) == 0
    assert len(counted) == 1
    _provider()
    assert dataversion.cached("providers", (), count) == 1
    assert len(counted) == 2


def test_every_table_of_the_tracked_apps_but_history_is_tracked(db):
    tables = dataversion.tracked_tables()
    assert "placements_invoice" in tables
    assert "programme_progressupdate" in tables
    assert "finance_trajectoryrun" in tables
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
