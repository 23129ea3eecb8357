"""Sign-in lockouts (django-axes): which username and address are locked, and unlocking them."""

from __future__ import annotations

import logging
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


def lockouts_current() -> list[dict[str, Any]]:
    """Username and address pairs locked now (at the failure limit, within the cool-off)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
    ).order_by("-attempt_time")
    return [
        {"id": a.pk, "username": a.username, "ip_address": a.ip_address,
         "failures": a.failures_since_start, "last_attempt": a.attempt_time,
         "unlocks_at": a.attempt_time + settings.AXES_COOLOFF_TIME}
        for a in attempts[:200]
    ]


@transaction.atomic
def lockout_clear(*, attempt_id: int, user: Any) -> str:
    """Unlock one username from one address (an administrator's action); returns the username."""
    attempt = AccessAttempt.objects.filter(pk=attempt_id).first()
    if attempt is None:
        raise ValidationError("That lockout has already ended or been cleared.")
    username = attempt.username
    attempt.delete()
    logger.info("lockout cleared username=%s ip=%s by=%s", username, attempt.ip_address,
                user.pk)
    return username
