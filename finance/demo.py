"""Demo data of the finance app, loaded by `manage.py seed_demo`. Idempotent."""

from __future__ import annotations

from typing import Callable


def seed(*, log: Callable[[str], None]) -> None:
    """Create or update the finance demo rows (nothing yet)."""
