"""axe-core on every main page, as each role sees it with the demo data: no serious or critical
WCAG 2.2 A/AA violations; charts carry their data table; RAG is a word, never colour alone.

axe is injected by Playwright into a context that bypasses the CSP (the scan only: the policy
itself is exercised by every other journey, whose console must stay free of CSP errors).
"""

from __future__ import annotations

import json

import pytest

from tests.live.fixtures import screenshot
from tests.live.stack import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.worker]

AXE = (ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text()
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RAG_WORDS = ("Red", "Amber", "Green", "Blue", "Not rated", "No target", "Delivered", "On track",
             "At risk", "Off track")

# (who, path) for every main page; "{import}" and "{decision}"/"{flag}" are filled from the data.
PAGES = [
    (None, "/login/"),
    ("director", "/"),
    ("finance", "/"),  # each role's home page starts with its own task list
    ("lead-sufficiency", "/"),
    ("manager", "/"),
    ("director", "/programme/?year=2024-25&period=6"),
    ("director", "/programme/strands/sufficiency/?year=2024-25&period=6"),
    ("lead-sufficiency", "/programme/update/"),
    ("director", "/programme/raid/"),
    ("director", "/programme/kpis/"),
    ("director", "/programme/compliance/"),
    ("finance", "/finance/?year=2024-25&period=6"),
    ("finance", "/finance/pressures/"),
    ("finance", "/finance/income/"),
    ("finance", "/finance/agreement/"),
    ("finance", "/finance/trajectory/"),
    ("finance", "/finance/scenarios/baseline/"),
    ("finance", "/finance/scenarios/add/"),
    ("finance", "/placements/"),
    ("finance", "/placements/decisions/"),
    ("finance", "/placements/decisions/{decision}/"),
    ("finance", "/placements/decisions/new/"),
    ("finance", "/placements/overpayments/"),
    ("finance", "/placements/overpayments/?status=all&page=3"),  # pagination: both ways, ellipses
    ("finance", "/placements/overpayments/{flag}/"),
    ("finance", "/imports/"),
    ("finance", "/imports/ledger/"),
    ("finance", "/imports/record/{import}/"),
    ("director", "/board/"),
    ("director", "/board/2024-25/6/"),
    ("director", "/board/2024-25/6/return/"),
    ("director", "/board/compare/?a=2024-25-5&b=2024-25-6"),
    ("admin", "/audit/"),
    ("manager", "/setup/"),
    ("manager", "/setup/years/"),
    ("manager", "/setup/strands/new/"),
    ("manager", "/setup/projects/new/"),
    ("manager", "/setup/kpis/new/"),
    ("admin", "/users/"),
    ("admin", "/users/invite/"),
    ("admin", "/users/{user}/"),
    (None, "/invitation/not-a-valid-token/"),
    ("director", "/calendar/"),
    ("manager", "/calendar/"),
    ("manager", "/calendar/close/"),
    ("finance", "/calendar/2024-25/p8/"),
]


def _fill(path: str, live_stack) -> str:
    ids = {}
    if "{decision}" in path:
        ids["decision"] = live_stack.db.scalar("SELECT min(id) FROM placements_placementdecision")
    if "{flag}" in path:
        ids["flag"] = live_stack.db.scalar("SELECT min(id) FROM placements_overpaymentflag")
    if "{user}" in path:
        ids["user"] = live_stack.db.scalar(
            "SELECT id FROM auth_user WHERE username = 'lead-sufficiency'")
    if "{import}" in path:
        ids["import"] = live_stack.db.scalar("SELECT max(id) FROM send_tracker_importrecord")
    return path.format(**ids)


def axe_violations(page) -> list[dict]:
    page.add_script_tag(content=AXE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.fixture(scope="module")
def an_import(live_stack, browser):
    """An import record to scan: a rejected file (its problem table is the page's point)."""
    if live_stack.db.scalar("SELECT count(*) FROM send_tracker_importrecord") == 0:
        from tests.live.fixtures import sign_in

        context = browser.new_context(base_url=live_stack.url)
        page = context.new_page()
        sign_in(page, live_stack.url, "finance")
        page.goto("/imports/ledger/")
        page.get_by_label("Upload a file").set_input_files(
            {"name": "bad.csv", "mimeType": "text/csv",
             "buffer": b"year,period,line_code,budget,actual_to_date,forecast_outturn\n"
                       b"2024/25,13,1.2.3,x,1,1\n"})
        page.get_by_role("button", name="Upload and check").click()
        page.wait_for_url("**/imports/record/**")
        # The worker rejects it; the page reloads itself with the problem table.
        page.locator(".govuk-error-summary").wait_for(timeout=60_000)
        context.close()


@pytest.mark.parametrize(("who", "path"), PAGES, ids=[p for _, p in PAGES])
def test_every_main_page_has_no_serious_accessibility_violations(page_as, live_stack, an_import,
                                                                  who, path):
    page = page_as(who, bypass_csp=True)
    response = page.goto(_fill(path, live_stack))
    assert response.status == 200, path
    page.wait_for_load_state("networkidle")
    violations = axe_violations(page)
    name = path.strip("/").replace("/", "-").split("?")[0] or "overview"
    screenshot(page, f"a11y-{name}")
    assert not violations, json.dumps(violations, indent=1)

    # Every chart has a text alternative: its data table, with rows.
    for figure in page.locator("figure.app-chart").all():
        assert figure.locator("table tbody tr").count() > 0, path
        assert figure.locator(".app-chart__plot").get_attribute("aria-label")
    # RAG is never colour alone: each tag says its rating in words.
    for tag in page.locator(".app-rag").all():
        text = tag.text_content().strip()
        assert any(word.lower() in text.lower() for word in RAG_WORDS), (path, text)
    # Every form control has a label (axe checks it too; this says which).
    unlabelled = page.evaluate("""() => [...document.querySelectorAll(
        'input:not([type=hidden]):not([type=submit]), select, textarea')]
        .filter(el => !el.labels?.length && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby')).map(el => el.name || el.id)""")
    assert not unlabelled, (path, unlabelled)


def test_the_update_form_with_errors_is_accessible_and_links_each_error(page_as):
    page = page_as("lead-sufficiency", bypass_csp=True)
    page.goto("/programme/update/")
    page.locator("#id_updates-0-forecast").fill("not a number")
    page.locator("#id_updates-1-delivered").fill("-5")
    page.get_by_role("button", name="Check and submit all", exact=True).click()
    summary = page.locator(".govuk-error-summary")
    links = summary.locator("a")
    assert links.count() >= 2
    for link in links.all():
        target = link.get_attribute("href")
        assert target.startswith("#")
        assert page.locator(target).count() == 1, target  # each error links to its field
    assert not axe_violations(page)
    screenshot(page, "a11y-update-form-errors")


def test_check_your_answers_and_the_confirmation_panel_are_accessible(page_as):
    page = page_as("lead-sufficiency", bypass_csp=True)
    page.goto("/programme/update/")
    assert not axe_violations(page)  # the radios, the hints and the per-project buttons
    page.locator("#project-0 button[value^=check-]").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Check your answers before submitting")
    # Each Change link goes back to a field that exists on the form.
    change = page.locator(".govuk-summary-list__actions a").first.get_attribute("href")
    assert change.split("#")[1] == "id_updates-0-forecast"
    assert not axe_violations(page)
    screenshot(page, "a11y-update-check-answers")
    page.get_by_role("button", name="Submit update", exact=True).click()
    assert page.locator(".govuk-panel--confirmation").count() == 1
    assert not axe_violations(page)
    screenshot(page, "a11y-update-submitted")
