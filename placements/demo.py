"""Demo data of the placements app, loaded by `manage.py seed_demo`. Idempotent."""

from __future__ import annotations

from typing import Callable


def seed(*, log: Callable[[str], None]) -> None:
    """Create or update the placements demo rows (nothing yet)."""
