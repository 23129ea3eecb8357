"""Values every template needs: council name, demo banner, the user's role and capabilities,
and the reporting month the header shows."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from send_tracker import permissions


def _reporting_month_label() -> str:
    from send_tracker.reporting import month_label, reporting_month

    return month_label(*reporting_month())


def tracker(request) -> dict:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "council_name": settings.COUNCIL_NAME,
        "demo_mode": settings.DEMO_MODE,
        "user_role": permissions.primary_role(user) if user else None,
        "caps": permissions.capabilities(user) if signed_in else {},
        # Asked only when a page renders it (one query), and only for signed-in users.
        "reporting_month_label": SimpleLazyObject(_reporting_month_label) if signed_in else "",
    }
