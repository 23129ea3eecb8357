"""Reads for the user pages: the list with roles, the apps' extras and invitation state."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import BooleanField, Case, Q, QuerySet, When

from send_tracker.accounts.extras import extra_summaries
from send_tracker.models import Invitation, UserChange
from send_tracker.permissions import ADMIN, ROLES

User = get_user_model()

STATUSES = {"active": "Active", "invited": "Invited", "deactivated": "Deactivated"}


def users_for_list(*, status: str = "") -> QuerySet:
    """Users with their roles (one array per row), by username; optionally by status.

    "Invited" is an active user who has not set a password yet (Django marks an unusable
    password with a leading "!"); a new link sent to someone who has one does not make them so.
    """
    rows = User.objects.annotate(
        role_names=ArrayAgg("groups__name", filter=Q(groups__name__in=ROLES), distinct=True,
                            default=[]),
        invited=Case(When(password__startswith=UNUSABLE_PASSWORD_PREFIX, then=True),
                     default=False, output_field=BooleanField()),
    ).order_by("username")
    if status == "active":
        rows = rows.filter(is_active=True, invited=False)
    elif status == "invited":
        rows = rows.filter(is_active=True, invited=True)
    elif status == "deactivated":
        rows = rows.filter(is_active=False)
    return rows.values("id", "username", "first_name", "last_name", "email", "is_active",
                       "is_superuser", "last_login", "role_names", "invited")


def user_status(*, is_active: bool, invited: bool) -> str:
    """Deactivated, Invited (no password set yet) or Active."""
    if not is_active:
        return "Deactivated"
    return "Invited" if invited else "Active"


def with_extras(rows: list[dict]) -> list[dict]:
    """The page's rows with each app's summary (one query per app for the whole page)."""
    summaries = extra_summaries(r["id"] for r in rows)
    for row in rows:
        roles = list(row["role_names"])
        if row["is_superuser"] and ADMIN not in roles:
            roles.append(ADMIN)
        row["roles"] = sorted(roles)
        row["name"] = f"{row['first_name']} {row['last_name']}".strip()
        row["status"] = user_status(is_active=row["is_active"], invited=row["invited"])
        row["extras"] = [summaries[key].get(row["id"], "") for key in summaries]
    return rows


def user_changes(*, user: Any, limit: int = 50) -> list[UserChange]:
    """What administrators did to this account, newest first."""
    return list(UserChange.objects.filter(user=user).select_related("created_by")[:limit])


def latest_invitation(*, user: Any) -> Invitation | None:
    return Invitation.objects.filter(user=user).order_by("-created_at", "-id").first()


def token_hash(token: str) -> str:
    """What is stored of a link's token: its SHA-256 (the token itself is only in the e-mail)."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_state(invitation: Invitation | None, now: dt.datetime) -> str:
    """ok, unknown, expired or used. A voided link (a newer one was sent, or the user was
    deactivated) reads as unknown: it says nothing about the account."""
    if invitation is None or invitation.voided_at or not invitation.user.is_active:
        return "unknown"
    if invitation.used_at:
        return "used"
    if invitation.expires_at is None or invitation.expires_at <= now:
        return "expired"
    return "ok"


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link's token belongs to (by its hash), or None."""
    if not token or len(token) > 200:
        return None
    return (Invitation.objects.select_related("user")
            .filter(token_hash=token_hash(token)).first())


def expired_invitations(*, now: dt.datetime) -> list[Invitation]:
    """Each active user's latest invitation where it expired unused (a new link is needed),
    oldest first: the administrator's tasks on the home page."""
    latest = (
        Invitation.objects.filter(user__is_active=True).order_by("user_id", "-created_at", "-id")
        .distinct("user_id").select_related("user")
    )
    found = [i for i in latest if invitation_state(i, now) == "expired" and i.sent_at]
    return sorted(found, key=lambda i: i.expires_at or now)
