"""Stale edits: every editable row carries a `version`; a save names the version its form read.

The one check is a conditional UPDATE (`... SET version = version + 1 WHERE id = %s AND version
= %s`): exactly one row changed means the edit read the latest version, and the row stays locked
until commit, so two concurrent saves cannot both win (as healthchecks claims its jobs).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F

STALE_MESSAGE = (
    "Someone else saved a change to this item after you opened it. Nothing was saved: "
    "reload the page to see their change, then make yours again."
)


class StaleEditError(ValidationError):
    """Saving over a newer version: nothing was written. Named on the form's hidden `version`
    field, so send_tracker.forms.service_errors shows it above the form."""

    def __init__(self, message: str = STALE_MESSAGE, *, current: models.Model | None = None,
                 field: str = "version") -> None:
        super().__init__({field: [ValidationError(message, code="stale")]})
        self.current = current


def version_claim(model: type[models.Model], *, pk: int, read_version: int | None,
                  field: str = "version") -> bool:
    """Bump the row's version if it is still `read_version` (None: whatever it is now).

    True if this edit holds the row (one row updated; locked until commit); False if someone
    saved it since (or it no longer exists), and nothing was written.
    """
    rows = model._default_manager.filter(pk=pk)
    if read_version is not None:
        rows = rows.filter(**{field: read_version})
    return rows.update(**{field: F(field) + 1}) == 1


def version_claim_or_refuse(model: type[models.Model], *, pk: int, read_version: int | None,
                            field: str = "version") -> None:
    """version_claim, raising StaleEditError (nothing written) if the edit read an old version."""
    if not version_claim(model, pk=pk, read_version=read_version, field=field):
        raise StaleEditError(field=field)
