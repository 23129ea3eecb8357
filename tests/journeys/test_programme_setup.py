"""The programme office sets up a strand in the browser: a strand, a project with targets for
three years, a milestone and a KPI, then assigns the strand's lead; never opening Django admin.
The clicks and the time are counted (the figures the issue asks for)."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.live.fixtures import ARTIFACTS, screenshot
from tests.live.stack import run_manage

pytestmark = [pytest.mark.slow, pytest.mark.worker]

MANAGER = "manager"
STRAND = "Post-16 pathways"
# A lead of its own (an active user with the Programme lead role), so that the strand set up here
# changes no demo lead's monthly form, which other tests on the same live stack read.
SAM = "Sam Setup (lead-post16)"
PROJECT = "Supported internships"


def test_the_programme_office_sets_up_a_strand_without_django_admin(page_as, live_stack):
    run_manage(live_stack.db, live_stack.redis.url, "shell", "-c",
               "from django.contrib.auth.models import Group, User; "
               "u, _ = User.objects.get_or_create(username='lead-post16', "
               "defaults={'first_name': 'Sam', 'last_name': 'Setup'}); "
               "u.groups.add(Group.objects.get(name='Programme lead'))")
    page = page_as(MANAGER)
    visited: list[str] = []
    page.on("request", lambda r: visited.append(r.url) if r.resource_type == "document" else None)
    clicks = 0

    def click(locator) -> None:
        nonlocal clicks
        clicks += 1
        locator.click()

    def saved(text: str) -> None:
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(text)

    started = time.monotonic()
    click(page.get_by_role("link", name="Set-up", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Programme set-up")

    # A strand (its lead comes last, as a separate step).
    click(page.get_by_role("link", name="Add a strand"))
    page.get_by_label("Name").fill(STRAND)
    page.get_by_label("Description").fill("Routes into work and training after 16.")
    click(page.get_by_role("button", name="Save"))
    saved(STRAND)

    # A project in it, then its targets for three years.
    click(page.get_by_role("link", name="Add a project"))
    page.get_by_label("Strand").select_option(label=STRAND)
    page.get_by_label("Name", exact=True).fill(PROJECT)
    page.get_by_label("Start date").fill("01/04/2024")
    page.get_by_label("End date").fill("31/03/2027")
    click(page.get_by_role("button", name="Save"))
    saved(PROJECT)
    click(page.get_by_role("link", name=f"Targets of {PROJECT}"))
    page.get_by_label("2024/25 target, in pounds").fill("150,000")
    page.get_by_label("2025/26 target, in pounds").fill("£400,000")
    page.get_by_label("2026/27 target, in pounds").fill("600000")
    click(page.get_by_role("button", name="Save"))
    saved(f"Targets for “{PROJECT}” saved")

    # A milestone.
    click(page.get_by_role("link", name=f"Milestones of {PROJECT}"))
    page.get_by_label("Name").fill("First cohort of interns starts")
    page.get_by_label("Baseline date").fill("01/09/2025")
    click(page.get_by_role("button", name="Add milestone"))
    saved("First cohort of interns starts")
    expect(page.locator("table")).to_contain_text("Original baseline")
    screenshot(page, "setup-01-milestones")
    click(page.get_by_role("link", name="Back"))

    # A KPI, owned by the strand's lead-to-be.
    click(page.get_by_role("link", name="Add a KPI"))
    page.get_by_label("Name", exact=True).fill("Young people in supported internships")
    page.get_by_label("Unit").select_option("number")
    click(page.get_by_label("Higher is better"))
    page.get_by_label("Baseline value").fill("12")
    page.get_by_label("Baseline date").fill("31/03/2024")
    page.get_by_label("Target value").fill("60")
    page.get_by_label("Target date").fill("31/03/2027")
    page.get_by_label("Owner (enters the readings)").select_option(label=SAM)
    click(page.get_by_role("button", name="Save"))
    saved("Young people in supported internships")

    # The strand's lead.
    click(page.get_by_role("link", name=f"{STRAND} (change)"))
    page.get_by_label("Lead", exact=True).select_option(label=SAM)
    click(page.get_by_role("button", name="Save"))
    saved(STRAND)
    elapsed = time.monotonic() - started

    row = page.locator("tr", has=page.get_by_role("link", name=f"{STRAND} (change)"))
    expect(row).to_contain_text("Sam Setup")
    targets = page.locator("#targets + div table")
    expect(targets).to_be_visible()
    screenshot(page, "setup-02-index")
    admin = [url for url in visited if re.search(r"//[^/]+/admin/", url)]
    assert not admin, admin
    ARTIFACTS.mkdir(exist_ok=True)  # the figures for the note: clicks and time
    (ARTIFACTS / "setup-journey.txt").write_text(
        f"set-up journey: {clicks} clicks, {elapsed:.1f} s, {len(visited)} pages\n")
    assert clicks <= 20
