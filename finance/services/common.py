"""What every finance write shares: audit stamps, full_clean, stale-edit refusal, recompute."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models

M = TypeVar("M", bound=models.Model)

STALE_MESSAGE = (
    "Someone else saved a change to this item after you opened it. Nothing was saved: "
    "reload the page to see their change, then make yours again."
)


def save_audited(instance: M, *, user: Any, recompute: bool = True) -> M:
    """full_clean, stamp who changed it, save; queue a trajectory recompute after commit."""
    if instance.pk is None:
        instance.created_by = user
    instance.updated_by = user
    instance.full_clean()
    instance.save()
    if recompute:
        from finance.services.recompute import trajectory_recompute_request

        trajectory_recompute_request()
    return instance


def update_audited(
    instance: M,
    *,
    fields: dict[str, Any],
    user: Any,
    read_at: dt.datetime | None = None,
    recompute: bool = True,
) -> M:
    """Apply field changes to a row, refusing the save if it changed since `read_at`."""
    locked = type(instance).objects.select_for_update().get(pk=instance.pk)
    if read_at is not None and locked.updated_at != read_at:
        raise ValidationError(STALE_MESSAGE)
    if all(getattr(locked, name) == value for name, value in fields.items()):
        return locked  # nothing changed: no save, no false history, no recompute
    for name, value in fields.items():
        setattr(locked, name, value)
    return save_audited(locked, user=user, recompute=recompute)
