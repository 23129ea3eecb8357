"""The one permission layer: roles (Django groups), capabilities, and object rules.

Every view and API endpoint asks this module; nothing else decides who may do what.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

from send_tracker.dataversion import cached_selector

LEAD = "Programme lead"
FINANCE = "Finance officer"
DIRECTOR = "Director"
ADMIN = "Administrator"
# The programme office: sets up and runs the programme (strands, projects, targets, milestones,
# KPIs, the reporting calendar), chases updates; sees aggregates like a director, never a child.
PROGRAMME_MANAGER = "Programme manager"
ROLES = (LEAD, FINANCE, DIRECTOR, PROGRAMME_MANAGER, ADMIN)
ALL_ROLES = frozenset(ROLES)

# capability -> the roles that hold it. Child-level data is for finance and administrators only.
CAPABILITIES: dict[str, frozenset[str]] = {
    "view_aggregates": ALL_ROLES,
    "view_child_level": frozenset({FINANCE, ADMIN}),
    "import_files": frozenset({FINANCE, ADMIN}),
    # The DfE's published statistics (aggregates only): the programme office loads them too.
    "import_statistics": frozenset({FINANCE, PROGRAMME_MANAGER, ADMIN}),
    "edit_finance": frozenset({FINANCE, ADMIN}),
    "review_overpayments": frozenset({FINANCE, ADMIN}),
    "record_placement_decision": frozenset({FINANCE, ADMIN}),
    # Leads edit their own strands' projects (see can_edit_strand); administrators any.
    "edit_programme": frozenset({LEAD, ADMIN}),
    "view_compliance": frozenset({DIRECTOR, PROGRAMME_MANAGER, ADMIN}),  # "who has not updated"
    # ... and from that page, remind the chosen leads by e-mail: the programme office.
    "send_reminders": frozenset({PROGRAMME_MANAGER, ADMIN}),
    # Milestones: leads add and date their own strands' (can_edit_strand), the programme office
    # any (and only it rebaselines).
    "edit_milestones": frozenset({LEAD, PROGRAMME_MANAGER, ADMIN}),
    # Programme set-up in the browser: strands, projects, targets, milestones, KPIs, calendar.
    "manage_programme": frozenset({PROGRAMME_MANAGER, ADMIN}),
    # The reporting calendar: close the open period (moving every page on a month) and edit a
    # period's deadlines. Everyone may read the calendar (view_aggregates).
    "close_period": frozenset({PROGRAMME_MANAGER, FINANCE, ADMIN}),
    # Users and roles in the browser.
    "manage_users": frozenset({ADMIN}),
    "edit_board_commentary": frozenset({ADMIN, FINANCE}),
    "build_board_summary": frozenset({DIRECTOR, PROGRAMME_MANAGER, FINANCE, ADMIN}),
    "sign_off_board": frozenset({DIRECTOR}),
    "view_draft_board": frozenset({DIRECTOR, PROGRAMME_MANAGER, FINANCE, ADMIN}),
    "view_audit": frozenset({ADMIN}),
}


def user_roles(user: Any) -> frozenset[str]:
    """The user's roles, read once per request and kept on the user object."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_send_roles", None)
    if cached is None:
        names = set(_group_names(user.pk))
        if user.is_superuser:
            names.add(ADMIN)
        cached = frozenset(names & ALL_ROLES)
        user._send_roles = cached
    return cached


@cached_selector(share=True)
def _group_names(user_id: int) -> frozenset[str]:
    """The names of a user's groups (a role given or taken moves the data version)."""
    from django.contrib.auth.models import Group

    return frozenset(Group.objects.filter(user=user_id).values_list("name", flat=True))


# Said the same whether or not the username exists, so the message tells nobody which do.
NOT_A_PERSON = "must be an active user with a role in the tracker"


def person_name(first_name: str | None, last_name: str | None, username: str | None) -> str:
    """A user's name from plain columns, as `get_full_name() or get_username()` says it."""
    return f"{first_name or ''} {last_name or ''}".strip() or username or ""


def people_with_roles():
    """Users who may be named as an owner or lead: active, holding a tracker role."""
    from django.contrib.auth import get_user_model

    return (get_user_model().objects.filter(is_active=True, groups__name__in=ROLES)
            .distinct().order_by("first_name", "last_name", "username"))


def is_person_with_role(user: Any) -> bool:
    """True when `user` may be named as an owner or lead (see people_with_roles)."""
    return user is not None and people_with_roles().filter(pk=user.pk).exists()


def has_role(user: Any, *roles: str) -> bool:
    """True when the user holds any of the given roles."""
    return bool(user_roles(user) & set(roles))


def can(user: Any, capability: str) -> bool:
    """True when one of the user's roles grants the capability."""
    return bool(user_roles(user) & CAPABILITIES[capability])


def capabilities(user: Any) -> dict[str, bool]:
    """Capability → whether the user holds it (`can` for every one: what templates read)."""
    roles = user_roles(user)
    return {name: bool(roles & allowed) for name, allowed in CAPABILITIES.items()}


def primary_role(user: Any) -> str | None:
    """The role shown in the header: the most powerful one held."""
    roles = user_roles(user)
    for role in (ADMIN, DIRECTOR, PROGRAMME_MANAGER, FINANCE, LEAD):
        if role in roles:
            return role
    return None


def can_edit_strand(user: Any, strand: Any) -> bool:
    """A lead edits only strands they lead or deputise; administrators edit any."""
    if has_role(user, ADMIN):
        return True
    if not has_role(user, LEAD):
        return False
    if strand.lead_id == user.pk:
        return True
    # The deputies prefetched with the strand where they were (a strand page), else one query.
    return any(deputy.pk == user.pk for deputy in strand.deputies.all())


def capability_required(capability: str) -> Callable:
    """View decorator: 403 unless the signed-in user holds the capability."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not can(request.user, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_capability = capability  # read by the role × URL matrix test
        return wrapped

    return decorator


class HasAnyRole(BasePermission):
    """DRF default: a signed-in user holding at least one role."""

    message = "You need a role in the tracker to use the API."

    def has_permission(self, request, view) -> bool:
        return bool(user_roles(request.user))


class Capability(BasePermission):
    """DRF permission: `read` capability for safe methods, `write` for the rest.

    Use as `permission_classes = [Capability.of("view_child_level", write="edit_finance")]`.
    """

    read: str = "view_aggregates"
    write: str | None = None

    @classmethod
    def of(cls, read: str, write: str | None = None) -> type[Capability]:
        return type(f"Capability_{read}_{write}", (cls,), {"read": read, "write": write})

    def has_permission(self, request, view) -> bool:
        if not user_roles(request.user):
            return False
        if request.method in SAFE_METHODS:
            return can(request.user, self.read)
        return self.write is not None and can(request.user, self.write)
