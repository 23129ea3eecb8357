"""The user pages (administrators) and the invitee's set-password page (no login needed).

Thin views: forms collect the input, `send_tracker.accounts.services` applies the rules.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from send_tracker.accounts import selectors, services
from send_tracker.accounts.extras import user_extra, user_extras
from send_tracker.accounts.forms import ROLE_HINTS, InviteForm, SetPasswordForm, UserDetailsForm
from send_tracker.forms import service_errors
from send_tracker.paging import paginate
from send_tracker.permissions import capability_required

User = get_user_model()


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@require_http_methods(["GET"])
@capability_required("manage_users")
def user_list(request: HttpRequest) -> HttpResponse:
    """Every user with role(s), the apps' extras (strands), status and last sign-in; paged."""
    status = request.GET.get("status", "")
    if status not in selectors.STATUSES:
        status = ""
    page = paginate(request, selectors.users_for_list(status=status), query={"status": status})
    page.items[:] = selectors.with_extras(page.items)
    return render(request, "accounts/list.html", {
        "paged": page, "status": status, "statuses": selectors.STATUSES,
        "extras": user_extras(),
    })


@require_http_methods(["GET", "POST"])
@capability_required("manage_users")
def user_invite(request: HttpRequest) -> HttpResponse:
    """Invite a new user by e-mail, with their roles."""
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_invite(
                first_name=data["first_name"], last_name=data["last_name"], email=data["email"],
                username=data["username"], roles=data["roles"], site_url=_site_url(request),
                by=request.user)
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            messages.success(request, f"Invitation sent to {user.email}. The link works once, "
                                      f"for {_days()} days.")
            return redirect("accounts:detail", user.pk)
    return render(request, "accounts/invite.html", {"form": form, "role_hints": ROLE_HINTS})


def _days() -> int:
    from django.conf import settings

    return settings.INVITATION_VALID_DAYS


@require_http_methods(["GET", "POST"])
@capability_required("manage_users")
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A user's details, roles and the apps' sections (strand leadership); each saves alone."""
    subject = get_object_or_404(User, pk=pk)
    section = request.POST.get("section", "") if request.method == "POST" else ""
    details = UserDetailsForm(
        request.POST if section == "details" else None,
        initial={"first_name": subject.first_name, "last_name": subject.last_name,
                 "email": subject.email,
                 "roles": list(subject.groups.values_list("name", flat=True))},
        prefix="details",
    )
    extra_forms = {
        extra.key: extra.form(subject, data=request.POST if section == extra.key else None)
        for extra in user_extras()
    }
    if section == "details" and details.is_valid():
        data = details.cleaned_data
        try:
            changes = services.user_update(
                user=subject, first_name=data["first_name"], last_name=data["last_name"],
                email=data["email"], roles=data["roles"], by=request.user)
        except ValidationError as exc:
            service_errors(details, exc)
        else:
            messages.success(request, "Saved: " + "; ".join(changes) if changes
                             else "Nothing changed.")
            return redirect("accounts:detail", subject.pk)
    extra = user_extra(section)
    if extra is not None and extra_forms[section].is_valid():
        form = extra_forms[section]
        try:
            changes = services.user_extra_save(user=subject, key=extra.key,
                                               cleaned_data=form.cleaned_data, by=request.user)
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            messages.success(request, "Saved: " + "; ".join(changes) if changes
                             else "Nothing changed.")
            return redirect("accounts:detail", subject.pk)
    invitation = selectors.latest_invitation(user=subject)
    return render(request, "accounts/detail.html", {
        "subject": subject,
        "status": selectors.user_status(is_active=subject.is_active,
                                        invited=not subject.has_usable_password()),
        "invitation": invitation,
        "invitation_state": selectors.invitation_state(invitation, timezone.now())
        if invitation and invitation.sent_at else "",
        "details": details,
        "sections": [(extra, extra_forms[extra.key]) for extra in user_extras()],
        "changes": selectors.user_changes(user=subject),
        "role_hints": ROLE_HINTS,
        "is_self": subject.pk == request.user.pk,
    })


def _post_action(request: HttpRequest, pk: int, action, done: str) -> HttpResponse:
    subject = get_object_or_404(User, pk=pk)
    try:
        action(subject)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done.format(user=services.display_name(subject)))
    return redirect("accounts:detail", subject.pk)


@require_POST
@capability_required("manage_users")
def user_reinvite(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a new set-password link; the earlier ones stop working."""
    return _post_action(
        request, pk,
        lambda u: services.invitation_resend(user=u, site_url=_site_url(request),
                                             by=request.user),
        "A new invitation was sent to {user}; earlier links no longer work.")


@require_POST
@capability_required("manage_users")
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate: sign-in, sessions and API tokens stop at once."""
    return _post_action(request, pk, lambda u: services.user_deactivate(user=u, by=request.user),
                        "{user} is deactivated: their sessions and API tokens have ended.")


@require_POST
@capability_required("manage_users")
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Let a deactivated user sign in again."""
    return _post_action(request, pk, lambda u: services.user_reactivate(user=u, by=request.user),
                        "{user} is active again.")


REFUSALS = {
    "unknown": ("This link is not valid",
                "The link may be mistyped, or replaced by a newer invitation. Ask your "
                "administrator to send you a new one."),
    "expired": ("This link has expired",
                "Invitation links work for a limited time. Ask your administrator to send you "
                "a new one."),
    "used": ("This link has already been used",
             "Each link sets a password once. Sign in with the password you set, or ask your "
             "administrator to send you a new link."),
}


@login_not_required
@never_cache
@sensitive_post_parameters("password", "password_again")
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invitee sets a password through their link and is signed in. A link that cannot be
    used gets a page saying why (never which account it was for)."""
    invitation = selectors.invitation_for_token(token)
    state = selectors.invitation_state(invitation, timezone.now())
    if state != "ok":
        return _refused(request, state)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(token=token, password=form.cleaned_data["password"],
                                              password_again=form.cleaned_data["password_again"])
        except services.InvitationRefused as exc:
            return _refused(request, exc.reason)
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Your password is set. You are signed in as "
                                      f"{user.get_username()}.")
            return redirect("overview")
    return render(request, "accounts/accept.html", {"form": form, "invitee": invitation.user})


def _refused(request: HttpRequest, state: str) -> HttpResponse:
    title, text = REFUSALS[state]
    # 200, not 4xx: a page for a person who followed a link, with what to do next.
    return render(request, "accounts/link_refused.html", {"title": title, "text": text})
