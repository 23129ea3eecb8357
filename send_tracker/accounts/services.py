"""Writes on user accounts: invite, accept an invitation, roles, details, deactivate.

Every change is recorded as a `UserChange` (who did what to whom), which the audit trail lists.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from send_tracker.accounts.extras import user_extra
from send_tracker.accounts.selectors import invitation_state, token_hash
from send_tracker.models import Invitation, UserChange
from send_tracker.permissions import ADMIN, ROLES

User = get_user_model()


def display_name(user: Any) -> str:
    """'Alice Smith (alice)', or the username alone."""
    name, username = user.get_full_name(), user.get_username()
    # "Admin (admin)" says one thing twice: the username only when it adds something.
    return f"{name} ({username})" if name and name.lower() != username.lower() else name or username


def _record(*, user: Any, action: str, description: str, by: Any) -> UserChange:
    change = UserChange(user=user, action=action, description=description[:500],
                        created_by=by, updated_by=by)
    change.full_clean()
    change._change_reason = description[:100]  # the audit trail's "reason" column
    change._history_user = by
    change.save()
    return change


def _check_roles(roles: Iterable[str]) -> list[str]:
    chosen = sorted(set(roles))
    unknown = [r for r in chosen if r not in ROLES]
    if unknown:
        raise ValidationError({"roles": f"Not a role in the tracker: {', '.join(unknown)}."})
    if not chosen:
        raise ValidationError({"roles": "Choose at least one role."})
    return chosen


def _check_unique(*, email: str, username: str, user: Any | None = None) -> None:
    others = User.objects.exclude(pk=user.pk) if user is not None else User.objects.all()
    errors = {}
    if others.filter(email__iexact=email).exists():
        errors["email"] = "Another user already has this e-mail address."
    if others.filter(username__iexact=username).exists():
        errors["username"] = "Another user already has this username."
    if errors:
        raise ValidationError(errors)


def _set_roles(user: Any, roles: list[str]) -> None:
    # Roles are defined in code (permissions.ROLES); their groups are made by migrations, and
    # made here too should one be missing (a database flushed by a test, say).
    user.groups.set([Group.objects.get_or_create(name=role)[0] for role in roles])
    user.__dict__.pop("_send_roles", None)


def _current_roles(user: Any) -> list[str]:
    return sorted(user.groups.filter(name__in=ROLES).values_list("name", flat=True))


def _void_open_invitations(user: Any, now: dt.datetime) -> int:
    return Invitation.objects.filter(user=user, used_at=None, voided_at=None).update(
        voided_at=now)


def _invitation_create(*, user: Any, site_url: str, by: Any) -> Invitation:
    """A new invitation for the user (earlier ones voided), e-mailed by the worker after commit."""
    _void_open_invitations(user, timezone.now())
    invitation = Invitation(user=user, email=user.email, site_url=site_url.rstrip("/"),
                            created_by=by, updated_by=by)
    invitation.full_clean()
    invitation.save()

    from send_tracker import tasks

    # A broker outage is logged, never a failed request: "Send a new invitation" tries again.
    tasks.send_invitation.delay_on_commit(invitation.pk)
    return invitation


@transaction.atomic
def user_invite(*, first_name: str, last_name: str, email: str, roles: Iterable[str],
                username: str = "", site_url: str, by: Any) -> Any:
    """Create a user with the given roles and no password, and e-mail them a set-password link."""
    email = User.objects.normalize_email(email.strip()).lower()
    username = (username or email).strip()
    chosen = _check_roles(roles)
    _check_unique(email=email, username=username)
    user = User(username=username, email=email, first_name=first_name.strip(),
                last_name=last_name.strip(), is_active=True)
    user.set_unusable_password()  # signs in only once the invitee has set a password
    user.full_clean()
    user.save()
    _set_roles(user, chosen)
    _record(user=user, action=UserChange.Action.INVITED, by=by,
            description=f"Invited {display_name(user)} <{email}> as {', '.join(chosen)}")
    _invitation_create(user=user, site_url=site_url, by=by)
    return user


@transaction.atomic
def invitation_resend(*, user: Any, site_url: str, by: Any) -> Invitation:
    """Send the user a new set-password link; every earlier link stops working."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise ValidationError("This user is deactivated: reactivate them before inviting them "
                              "again.")
    if not user.email:
        raise ValidationError({"email": "Give the user an e-mail address first."})
    invitation = _invitation_create(user=user, site_url=site_url, by=by)
    _record(user=user, action=UserChange.Action.REINVITED, by=by,
            description=f"Sent {display_name(user)} a new invitation to <{user.email}>; "
                        "earlier links voided")
    return invitation


@transaction.atomic
def invitation_send(*, invitation_id: int) -> bool:
    """E-mail an invitation's link (made here, stored only as a hash); False if not needed.

    The row is locked, and the mail sent inside the transaction: a second run of the task finds
    `sent_at` and sends nothing; a failed send rolls back, so a retry sends a working link.
    """
    invitation = (Invitation.objects.select_for_update().select_related("user")
                  .filter(pk=invitation_id).first())
    if invitation is None or invitation.sent_at or invitation.voided_at or invitation.used_at:
        return False
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation.token_hash = token_hash(token)
    invitation.sent_at = now
    invitation.expires_at = now + dt.timedelta(days=settings.INVITATION_VALID_DAYS)
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at", "updated_at"])
    link = invitation.site_url + reverse("accounts:accept", args=[token])
    until = timezone.localtime(invitation.expires_at)
    user = invitation.user
    send_mail(
        subject=f"{settings.COUNCIL_NAME} SEND Programme Tracker: set your password",
        message=(
            f"Dear {user.get_full_name() or user.get_username()},\n\n"
            "An administrator has given you an account on the SEND Programme Tracker.\n"
            f"Your username is: {user.get_username()}\n\n"
            f"Set your password with this link (it works once, until {until:%-d %B %Y %H:%M}):"
            f"\n{link}\n\nIf you did not expect this e-mail, you can ignore it.\n"
        ),
        from_email=None,
        recipient_list=[invitation.email],
    )
    return True


class InvitationRefused(ValidationError):
    """The link cannot be used; `reason` is one of unknown, expired, used."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"Invitation link {reason}", code=reason)
        self.reason = reason


@transaction.atomic
def invitation_accept(*, token: str, password: str, password_again: str) -> Any:
    """Set the invitee's password through a valid link, once; returns the user to sign in.

    The invitation row is locked, so two submissions of the same link cannot both succeed.
    """
    invitation = (Invitation.objects.select_for_update().select_related("user")
                  .filter(token_hash=token_hash(token)).first())
    state = invitation_state(invitation, timezone.now())
    if state != "ok":
        raise InvitationRefused(state)
    user = invitation.user
    if password != password_again:
        raise ValidationError({"password_again": "The two passwords do not match."})
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    invitation.used_at = timezone.now()
    invitation.updated_by = user
    invitation.save(update_fields=["used_at", "updated_by", "updated_at"])
    _record(user=user, action=UserChange.Action.ACCEPTED, by=user,
            description=f"{display_name(user)} accepted the invitation and set a password")
    return user


@transaction.atomic
def user_update(*, user: Any, first_name: str, last_name: str, email: str,
                roles: Iterable[str], by: Any) -> list[str]:
    """Change a user's name, e-mail address and roles; returns what changed, in words."""
    user = User.objects.select_for_update().get(pk=user.pk)
    email = User.objects.normalize_email(email.strip()).lower()
    chosen = _check_roles(roles)
    _check_unique(email=email, username=user.username, user=user)
    if user.pk == by.pk and ADMIN not in chosen and not user.is_superuser:
        raise ValidationError({"roles": "You cannot remove your own Administrator role: ask "
                                        "another administrator."})
    changes = []
    details = []
    for field, label, value in (("first_name", "first name", first_name.strip()),
                                ("last_name", "last name", last_name.strip()),
                                ("email", "e-mail", email)):
        old = getattr(user, field)
        if old != value:
            details.append(f"{label} '{old}' → '{value}'")
            setattr(user, field, value)
    if details:
        user.full_clean()
        user.save(update_fields=["first_name", "last_name", "email"])
        changes.append(f"Changed {display_name(user)}: {'; '.join(details)}")
        _record(user=user, action=UserChange.Action.DETAILS, by=by, description=changes[-1])
    before = _current_roles(user)
    if before != chosen:
        _set_roles(user, chosen)
        changes.append(f"Roles of {display_name(user)}: {', '.join(before) or 'none'} → "
                       f"{', '.join(chosen)}")
        _record(user=user, action=UserChange.Action.ROLES, by=by, description=changes[-1])
    return changes


@transaction.atomic
def user_extra_save(*, user: Any, key: str, cleaned_data: dict, by: Any) -> list[str]:
    """Save an app's section of the user page (e.g. strand leadership) and record the change."""
    extra = user_extra(key)
    if extra is None:
        raise ValidationError(f"Unknown section '{key}'.")
    user = User.objects.select_for_update().get(pk=user.pk)
    changes = extra.save(user=user, cleaned_data=cleaned_data, by=by)
    if changes:
        _record(user=user, action=UserChange.Action.EXTRA, by=by,
                description=f"{extra.label} of {display_name(user)}: {'; '.join(changes)}")
    return changes


def _sessions_delete(user: Any) -> int:
    """Delete the user's sessions. Sessions are not indexed by user, so the unexpired ones are
    read (a council's few hundred at most; deactivation is rare)."""
    doomed = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    Session.objects.filter(pk__in=doomed).delete()
    return len(doomed)


@transaction.atomic
def user_deactivate(*, user: Any, by: Any) -> Any:
    """Stop a user at once: no sign-in, their sessions and API tokens deleted, links voided."""
    if user.pk == by.pk:
        raise ValidationError("You cannot deactivate yourself: ask another administrator.")
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        return user
    user.is_active = False
    user.save(update_fields=["is_active"])
    sessions = _sessions_delete(user)
    tokens, _ = Token.objects.filter(user=user).delete()
    _void_open_invitations(user, timezone.now())
    _record(user=user, action=UserChange.Action.DEACTIVATED, by=by,
            description=f"Deactivated {display_name(user)} ({sessions} session(s) and "
                        f"{tokens} API token(s) ended)")
    return user


@transaction.atomic
def user_reactivate(*, user: Any, by: Any) -> Any:
    """Let a deactivated user sign in again with their password (or a new invitation)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        return user
    user.is_active = True
    user.save(update_fields=["is_active"])
    _record(user=user, action=UserChange.Action.REACTIVATED, by=by,
            description=f"Reactivated {display_name(user)}")
    return user
