"""Programme fixtures: the clock in October 2024 (data builders: tests/programme/builders.py)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

# 2024/25 P6 ends Monday 30 September 2024; ten working days later is Monday 14 October.
P6_DEADLINE = dt.date(2024, 10, 14)


@pytest.fixture
def in_october_2024():
    """Freeze the clock on Monday 7 October 2024 (P7; P6 still open until 14 October)."""
    with time_machine.travel(dt.datetime(2024, 10, 7, 9, 0, tzinfo=dt.UTC), tick=False):
        yield
