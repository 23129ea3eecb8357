"""Builds of one month racing each other (real transactions, separate connections)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from finance.board import selectors, services
from finance.board.models import BoardSummary
from tests.finance.board.conftest import YEAR


@pytest.mark.django_db(transaction=True)
def test_two_builds_racing_for_the_same_month_make_one_draft(small_programme, monkeypatch):
    barrier = threading.Barrier(2, timeout=20)
    real_content = selectors.board_content

    def content_then_wait(**kwargs):
        result = real_content(**kwargs)
        barrier.wait()  # both builds have read the data before either writes
        return result

    monkeypatch.setattr(selectors, "board_content", content_then_wait)
    outcomes, errors = [], []

    def run() -> None:
        try:
            outcomes.append(services.board_summary_build(year=YEAR, period=6).outcome)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    assert sorted(outcomes) == ["created", "unchanged"]
    assert BoardSummary.objects.filter(year=YEAR, period=6).count() == 1
