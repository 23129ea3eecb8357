"""Administrators' page of sign-in lockouts: who is locked out, from where, and unlock."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from send_tracker.lockouts import lockout_clear, lockouts_current
from send_tracker.permissions import capability_required


@require_http_methods(["GET", "POST"])
@capability_required("manage_users")
def lockouts(request: HttpRequest) -> HttpResponse:
    """Usernames locked after too many failed sign-ins, each with an Unlock button."""
    if request.method == "POST":
        attempt = request.POST.get("attempt", "")
        try:
            if not attempt.isdecimal() or len(attempt) > 18:
                raise ValidationError("Choose a lockout to clear.")
            username = lockout_clear(attempt_id=int(attempt), user=request.user)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, f"{username} can sign in again.")
        return redirect("lockouts")
    return render(request, "send_tracker/lockouts.html", {
        "lockouts": lockouts_current(),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    })
