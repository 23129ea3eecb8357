"""axe-core on every main page, as each role sees it with the demo data: no serious or critical
WCAG 2.2 A/AA violations; charts carry their data table; RAG is a word, never colour alone.

axe is injected by Playwright into a context that bypasses the CSP (the scan only: the policy
itself is exercised by every other journey, whose console must stay free of CSP errors).
"""

from __future__ import annotations

import json
import os
from urllib.parse import urlsplit

import pytest

from send_tracker.permissions import ADMIN, DIRECTOR, FINANCE, LEAD, PROGRAMME_MANAGER
from tests.live.fixtures import screenshot
from tests.live.stack import ROOT, run_manage

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
    if "{open_flag}" in path:
        ids["open_flag"] = live_stack.db.scalar(
            "SELECT min(id) FROM placements_overpaymentflag WHERE status = 'open'")
    if "{user}" in path:
        ids["user"] = live_stack.db.scalar(
            "SELECT id FROM auth_user WHERE username = 'lead-sufficiency'")
    if "{import}" in path:
        ids["import"] = live_stack.db.scalar("SELECT max(id) FROM send_tracker_importrecord")
    return path.format(**ids)


def axe_violations(page, *, inject: bool = True, exclude: str = "") -> list[dict]:
    if inject:
        page.add_script_tag(content=AXE)
    result = page.evaluate(
        "([tags, exclude]) => axe.run(exclude ? {exclude: [[exclude]]} : document, "
        "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", [TAGS, exclude])
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.fixture(autouse=True)
def month_6_in_draft(live_stack):
    """P6 2024/25 has a draft to read, edit and return (the board's text and return pages):
    the director's journey signs the demo's draft off, in whatever order the tests run."""
    latest = live_stack.db.query(
        "SELECT status FROM board_boardsummary WHERE year = 2024 AND period = 6 "
        "ORDER BY version DESC LIMIT 1")
    if latest and latest[0][0] != "draft":
        run_manage(live_stack.db, live_stack.redis.url, "shell", "-c",
                   "from finance.board.services import board_summary_build; "
                   "board_summary_build(year=2024, period=6, new_version=True)")


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


def test_gov_uk_frontend_starts_so_a_narrow_screen_gets_a_menu_button(page_as):
    """The template's inline snippet that marks GOV.UK Frontend as supported is barred by the
    CSP; init.mjs does it, or no component starts (the menu at 320 px stays a long list)."""
    page = page_as("finance")  # the real CSP: nothing bypassed
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto("/")
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    menu = page.get_by_role("button", name="Menu")
    assert menu.is_visible()
    assert not page.locator("#navigation").is_visible()  # collapsed until asked for
    menu.click()
    assert page.locator("#navigation").get_by_role("link", name="Imports").is_visible()


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


# ---- Every page from the URL resolver, as each role that may see it, at 1280 and 320 px ------

WIDTHS = (1280, 320)  # a desktop, and WCAG 1.4.10's reflow width
DEMO_USER = {LEAD: "lead-sufficiency", FINANCE: "finance", DIRECTOR: "director",
             PROGRAMME_MANAGER: "manager", ADMIN: "admin"}
# The demo's records for the URL arguments: url name -> {argument: SQL or value}.
ARGUMENTS: dict[str, dict[str, str | int]] = {
    "programme:raid_edit": {"pk": "SELECT min(id) FROM programme_raiditem WHERE strand_id = "
                                  "(SELECT id FROM programme_strand WHERE slug = 'sufficiency')"},
    "programme:milestone_edit": {"pk": "SELECT min(m.id) FROM programme_milestone m JOIN "
                                       "programme_project p ON p.id = m.project_id "
                                       "WHERE p.strand_id = (SELECT id FROM programme_strand "
                                       "WHERE slug = 'sufficiency')"},
    "programme:kpi_reading": {"pk": "SELECT min(id) FROM programme_kpi"},
    "programme:strand": {"slug": "sufficiency"},
    "setup:strand_edit": {"pk": "SELECT min(id) FROM programme_strand"},
    **{f"setup:{name}": {"pk": "SELECT min(id) FROM programme_project"}
       for name in ("project_edit", "project_targets", "project_milestones")},
    **{f"setup:{name}": {"pk": "SELECT min(id) FROM programme_milestone"}
       for name in ("milestone_edit", "milestone_rebaseline")},
    **{f"setup:{name}": {"pk": "SELECT min(id) FROM programme_kpi"}
       for name in ("kpi_edit", "kpi_targets")},
    "finance:mitigation-edit": {"pk": "SELECT min(id) FROM finance_mitigation"},
    "finance:reprofile": {"pk": "SELECT min(id) FROM finance_agreementversion"},
    "finance:target-edit": {"pk": "SELECT min(id) FROM finance_agreementversion",
                            "year": "SELECT min(year) FROM finance_agreementtarget"},
    "finance:instalment-edit": {"pk": "SELECT min(id) FROM finance_instalment"},
    "finance:condition-edit": {"pk": "SELECT min(id) FROM finance_condition"},
    "finance:return-edit": {"pk": "SELECT min(id) FROM finance_monitoringreturn"},
    "finance:scenario": {"slug": "baseline"},
    "placements:statistics_import_record": {
        "pk": "SELECT min(id) FROM send_tracker_importrecord "
              "WHERE kind IN ('ehcp_statistics', 'statistical_neighbours')"},
    "placements:decision": {"pk": "SELECT min(id) FROM placements_placementdecision"},
    "placements:overpayment_review": {"pk": "SELECT min(id) FROM placements_overpaymentflag"},
    "board:detail": {"year": "2024-25", "period": 5},  # signed off: leads read it too
    "board:text": {"year": "2024-25", "period": 6},
    "import_mappings:detail": {"pk": "SELECT min(id) FROM send_tracker_columnmapping"},
    "imports:detail": {"pk": "SELECT max(id) FROM send_tracker_importrecord"},
    "imports:upload": {"kind": "ledger"},
    "accounts:detail": {"pk": "SELECT id FROM auth_user WHERE username = 'lead-sufficiency'"},
    "calendar-edit": {"year": "2024-25", "period": 8},
}
QUERIES = {"programme:raid_new": "?strand=sufficiency"}
# Not pages a browser shows (downloads, JSON), or steps that need what an earlier step keeps
# in the session (an upload; an update to check, or just submitted: the journeys above).
NOT_PAGES = {"programme:export", "finance:trajectory-status", "board:pack", "imports:status",
             "imports:template", "import_mappings:step", "api-schema",
             "programme:update_check", "programme:update_done"}
# Forms that only post (GET answers 405): their page is another URL's.
POSTS_ONLY = {"programme:raid_convert", "finance:pressures-derive", "finance:agree",
              "placements:overpayments_scan", "board:build", "board:sign_off",
              "import_mappings:archive", "accounts:reinvite", "accounts:deactivate",
              "accounts:reactivate", "programme:compliance_remind"}
# Swagger UI's own markup (contrast, nested controls): a developers' tool, not a page of the
# service; it is still checked for reflow.
AXE_EXEMPT = {"api-docs": "Swagger UI's markup, not ours"}
# A rule on the object as well as the role: another role's refusal (403) is the answer.
OBJECT_RULES = {"programme:kpi_reading"}


def resolver_pages(role: str, live_stack) -> list[tuple[str, str]]:
    """(url name, path) of every page from the URL resolver that `role` may open, its
    arguments filled from the demo data (a page without a record to show is left out)."""
    from django.urls import reverse

    from tests.security.test_matrix import PAGE_RULES
    from tests.security.test_matrix import PAGES as RESOLVED

    pages = []
    for url in RESOLVED:
        if url.name in NOT_PAGES or role not in PAGE_RULES.get(url.name, ()):
            continue
        kwargs = {}
        if "<" in url.pattern:
            for name, value in ARGUMENTS.get(url.name, {}).items():
                kwargs[name] = (live_stack.db.scalar(value)
                                if isinstance(value, str) and value.startswith("SELECT")
                                else value)
            if not kwargs or None in kwargs.values():
                continue
        pages.append((url.name, reverse(url.name, kwargs=kwargs) + QUERIES.get(url.name, "")))
    return pages


def page_problems(page, width: int, *, axe: bool) -> list[dict]:
    """At `width`: the page scrolling sideways, and (with `axe`) axe's serious or critical
    violations (a chart's plot is left out: its text is its label and data table)."""
    page.set_viewport_size({"width": width, "height": 900})
    page.wait_for_timeout(100)  # a chart's relayout after the resize
    problems = []
    scroll = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll[0] > scroll[1]:
        problems.append({"width": width, "page scrolls sideways": scroll})
    if axe:
        problems += [{"width": width, **v}
                     for v in axe_violations(page, inject=False, exclude=".app-chart__plot")]
    return problems


@pytest.mark.parametrize("role", list(DEMO_USER))
def test_every_page_each_role_may_open_passes_axe_and_reflows_at_320_px(page_as, live_stack,
                                                                        an_import, role):
    """Every page, as every role that may open it, at 1280 and 320 px: the page never scrolls
    sideways. axe runs at both widths on each page as the first role (in DEMO_USER's order)
    that may open it, and on every page of each role with A11Y_EVERY_ROLE=1 (slower)."""
    page = page_as(DEMO_USER[role], bypass_csp=True)
    page.add_init_script(AXE)  # in every document the page opens
    every_role = os.environ.get("A11Y_EVERY_ROLE") == "1"
    failures, scanned, refused = [], 0, []
    for name, path in resolver_pages(role, live_stack):
        if name in POSTS_ONLY:
            continue
        page.set_viewport_size({"width": 1280, "height": 900})
        response = page.goto(path)
        if response.status == 403 and name in OBJECT_RULES:
            continue
        if response.status != 200 or urlsplit(page.url).path != urlsplit(path).path:
            refused.append((path, response.status, page.url))
            continue
        page.wait_for_load_state("networkidle")
        scanned += 1
        axe = (every_role or first_role(name) == role) and name not in AXE_EXEMPT
        for width in WIDTHS:
            failures += [{"path": path, **p} for p in page_problems(page, width, axe=axe)]
    assert scanned >= 10
    assert not refused, refused
    assert not failures, json.dumps(failures, indent=1)


def first_role(name: str) -> str:
    from tests.security.test_matrix import PAGE_RULES

    return next(role for role in DEMO_USER if role in PAGE_RULES[name])


# ---- Each form refusing what was typed: the one error summary, at 1280 and 320 px -----------

# (who, path, field to empty first or "", the form's submit button): the form is sent with its
# required fields empty (every form is `novalidate`, so the server answers).
REFUSED_FORMS = [
    ("finance", "/finance/mitigations/add/", "", "#main-form button[type=submit]"),
    ("finance", "/finance/scenarios/add/", "", "#main-form button[type=submit]"),
    ("finance", "/placements/decisions/new/", "", "#main-form button[type=submit]"),
    ("finance", "/placements/overpayments/{open_flag}/", "", "#main-form button[type=submit]"),
    ("finance", "/imports/ledger/", "", "#upload-form button[type=submit]"),
    ("manager", "/setup/strands/new/", "", "#setup-form button[type=submit]"),
    ("manager", "/calendar/2024-25/p8/", "#id_lead_deadline", "#edit-form button[type=submit]"),
    ("admin", "/users/invite/", "", "#invite-form button[type=submit]"),
    ("lead-sufficiency", "/programme/raid/new/?strand=sufficiency", "",
     "#edit-form button[type=submit]"),
]


@pytest.mark.parametrize(("who", "path", "empty", "submit"), REFUSED_FORMS,
                         ids=[p for _, p, _, _ in REFUSED_FORMS])
def test_a_refused_form_shows_one_error_summary_linked_to_its_fields_and_passes_axe(
        page_as, live_stack, who, path, empty, submit):
    page = page_as(who, bypass_csp=True)
    page.goto(_fill(path, live_stack))
    if empty:
        page.locator(empty).fill("")
    page.locator(submit).first.click()
    page.wait_for_load_state("networkidle")
    summary = page.locator(".govuk-error-summary")
    assert summary.count() == 1, path
    links = summary.locator("a")
    assert links.count() >= 1, path
    for link in links.all():
        target = link.get_attribute("href")
        assert target.startswith("#"), (path, target)
        assert page.locator(target).count() == 1, (path, target)  # links to its field
    page.add_script_tag(content=AXE)
    problems = [p for width in WIDTHS for p in page_problems(page, width, axe=True)]
    name = path.strip("/").replace("/", "-").split("?")[0]
    screenshot(page, f"tables-error-{name}")
    assert not problems, json.dumps(problems, indent=1)
