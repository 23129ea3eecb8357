"""An administrator invites a programme manager in the browser; the invitee follows the link in
their e-mail, sets a password and lands signed in; the link then works no more. No page of
Django's admin site is opened on the way."""

from __future__ import annotations

import re
import time
import uuid

import pytest
from playwright.sync_api import expect

from tests.journeys.test_accessibility import axe_violations
from tests.live.fixtures import screenshot
from tests.live.stack import mail_dir, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.worker]

PASSWORD = "a council officer's long passphrase 7"  # noqa: S105


def link_in_mail(live_stack, address: str) -> str:
    """The set-password link from the e-mail the worker wrote for `address`."""

    def find() -> str | None:
        folder = mail_dir(live_stack.db)
        for path in sorted(folder.glob("*.log")) if folder.exists() else []:
            text = path.read_text(errors="replace")
            if f"To: {address}" in text:
                found = re.search(r"https?://\S+/invitation/[^/\s]+/", text)
                if found:
                    return found.group(0)
        return None

    return wait_for(find, timeout=60, message=f"no invitation e-mail to {address}")


def track(page, opened: list[str], clicks: list[str]):
    page.on("request", lambda request: opened.append(request.url))

    def click(locator, what: str) -> None:
        clicks.append(what)
        locator.click()

    return click


def test_an_administrator_invites_a_programme_manager_who_sets_a_password(page_as, live_stack):
    opened: list[str] = []
    clicks: list[str] = []
    address = f"pm-{uuid.uuid4().hex[:8]}@example.org"
    started = time.monotonic()

    admin = page_as("admin")
    click = track(admin, opened, clicks)
    admin.goto("/")
    click(admin.get_by_role("link", name="Users", exact=True), "Users")
    expect(admin.get_by_role("heading", level=1)).to_have_text("Users")
    click(admin.get_by_role("button", name="Invite a user"), "Invite a user")
    admin.get_by_label("First name").fill("Priya")
    admin.get_by_label("Last name").fill("Manager")
    admin.get_by_label("E-mail address").fill(address)
    click(admin.get_by_label("Programme manager", exact=True), "Programme manager role")
    screenshot(admin, "invite-01-form")
    click(admin.get_by_role("button", name="Send invitation"), "Send invitation")
    expect(admin.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Invitation sent to {address}")
    expect(admin.locator("#user-status")).to_have_text("Invited")
    screenshot(admin, "invite-02-user-page")
    admin_seconds = time.monotonic() - started

    link = link_in_mail(live_stack, address)
    assert link.startswith(live_stack.url)

    invitee = page_as(None)
    track(invitee, opened, clicks)
    invitee.goto(link)
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Set your password")
    expect(invitee.locator("#invitee-username")).to_have_text(address)
    invitee.get_by_label("New password", exact=True).fill("short")
    invitee.get_by_label("Confirm new password").fill("short")
    click(invitee.get_by_role("button", name="Set password and sign in"), "Set password (short)")
    expect(invitee.locator(".govuk-error-summary")).to_contain_text("too short")
    expect(invitee).to_have_title(re.compile(r"^Error: "))
    screenshot(invitee, "invite-03-password-too-short")
    invitee.get_by_label("New password", exact=True).fill(PASSWORD)
    invitee.get_by_label("Confirm new password").fill(PASSWORD)
    click(invitee.get_by_role("button", name="Set password and sign in"), "Set password")
    invitee.wait_for_url(re.compile(r".*/$"))
    expect(invitee.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your password is set")
    expect(invitee.locator(".app-user")).to_contain_text(f"{address} (Programme manager)")
    screenshot(invitee, "invite-04-signed-in")
    total_seconds = time.monotonic() - started

    # The same link again: refused with a clear page, and no one is signed in by it.
    again = page_as(None)
    track(again, opened, clicks)
    again.goto(link)
    expect(again.get_by_role("heading", level=1)).to_have_text("This link has already been used")
    expect(again.locator(".app-user")).to_have_count(0)

    # The administrator's view now says the invitation was accepted.
    admin.reload()
    expect(admin.locator("#user-status")).to_have_text("Active")
    expect(admin.locator("#user-invitation")).to_contain_text("Accepted")
    expect(admin.locator("#user-changes")).to_contain_text("accepted the invitation")

    assert not [url for url in opened if "/admin/" in url], "a page of Django admin was opened"
    print(f"\ninvitation journey: {len(clicks)} clicks ({', '.join(clicks)}); "  # noqa: T201
          f"administrator {admin_seconds:.1f} s, to signed in {total_seconds:.1f} s")


def test_the_set_password_page_has_no_serious_accessibility_violations(page_as, live_stack):
    address = f"pm-{uuid.uuid4().hex[:8]}@example.org"
    admin = page_as("admin")
    admin.goto("/users/invite/")
    admin.get_by_label("First name").fill("Sam")
    admin.get_by_label("Last name").fill("Lead")
    admin.get_by_label("E-mail address").fill(address)
    admin.get_by_label("Programme lead", exact=True).check()
    admin.get_by_role("button", name="Send invitation").click()
    expect(admin.locator("#user-status")).to_have_text("Invited")
    link = link_in_mail(live_stack, address)

    page = page_as(None, bypass_csp=True)
    page.goto(link)
    assert not axe_violations(page)
    page.get_by_role("button", name="Set password and sign in").click()  # empty: errors
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert not axe_violations(page)
    screenshot(page, "a11y-invitation-errors")
