"""What every finance write shares: audit stamps, full_clean, stale-edit refusal (through
send_tracker.versioning), recompute."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from send_tracker.versioning import StaleEditError, version_claim_or_refuse

M = TypeVar("M", bound=models.Model)


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
    read_version: int | None = None,
    recompute: bool = True,
) -> M:
    """Apply field changes to a row, refusing the save if it changed since `read_version`.

    A model with a `version` column (VERSION_FIELD names another) is claimed with
    send_tracker.versioning's conditional UPDATE; one without is locked for the change.
    """
    model = type(instance)
    field = getattr(model, "VERSION_FIELD", "version")
    current = model.objects.get(pk=instance.pk)
    versioned = any(f.name == field and not f.is_relation for f in model._meta.concrete_fields)
    if versioned and read_version is not None and getattr(current, field) != read_version:
        raise StaleEditError(field=field)
    if all(getattr(current, name) == value for name, value in fields.items()):
        return current  # nothing changed: no save, no false history, no recompute
    if versioned:
        version_claim_or_refuse(model, pk=instance.pk, read_version=read_version, field=field)
        locked = model.objects.get(pk=instance.pk)  # held by our UPDATE until commit
    else:
        locked = model.objects.select_for_update().get(pk=instance.pk)
    for name, value in fields.items():
        setattr(locked, name, value)
    return save_audited(locked, user=user, recompute=recompute)
