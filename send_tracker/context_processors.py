"""Values every template needs: council name, demo banner, the user's role and capabilities."""

from django.conf import settings

from send_tracker import permissions


def tracker(request) -> dict:
    user = getattr(request, "user", None)
    return {
        "council_name": settings.COUNCIL_NAME,
        "demo_mode": settings.DEMO_MODE,
        "user_role": permissions.primary_role(user) if user else None,
        "caps": {name: permissions.can(user, name) for name in permissions.CAPABILITIES}
        if user is not None and user.is_authenticated
        else {},
    }
