"""Shared pieces of the demo data set: the demo users and their password."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from send_tracker.permissions import ADMIN, DIRECTOR, FINANCE, PROGRAMME_MANAGER, ROLES

# Demo only: seed_demo refuses to run with DEBUG off unless forced.
DEMO_PASSWORD = getattr(settings, "DEMO_PASSWORD", "send-demo-2024")


def ensure_roles() -> dict[str, Group]:
    """The role groups (also created by data migrations)."""
    return {name: Group.objects.get_or_create(name=name)[0] for name in ROLES}


def ensure_user(username: str, role: str, *, full_name: str = "", email: str = ""):
    """Create the demo user once with the demo password and role; later runs change nothing."""
    user_model = get_user_model()
    first, _, last = full_name.partition(" ")
    user, created = user_model.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": email or f"{username}@example.org",
            "is_staff": role == ADMIN,
            "is_superuser": role == ADMIN,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=role))
    return user


def seed_core_users() -> None:
    """admin, director, finance and manager (the programme office)."""
    ensure_roles()
    ensure_user("admin", ADMIN, full_name="Alex Admin")
    ensure_user("director", DIRECTOR, full_name="Dana Director")
    ensure_user("finance", FINANCE, full_name="Frankie Finance")
    ensure_user("manager", PROGRAMME_MANAGER, full_name="Morgan Manager")
