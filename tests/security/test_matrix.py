"""The role × URL matrix: every page (from the URL resolver) and every API operation (from the
OpenAPI schema), for anonymous visitors, users without a role and each of the four roles.

The rules below are written out by hand, apart from the code: a URL or operation without a rule
fails the test (add one), and a rule that disagrees with the capability the view declares
fails too, so a permission change is always a deliberate edit in two places.
"""

from __future__ import annotations

import re

import pytest
from django.urls import resolve

from send_tracker.permissions import (
    ADMIN,
    CAPABILITIES,
    DIRECTOR,
    FINANCE,
    LEAD,
    PROGRAMME_MANAGER,
)
from tests.send_tracker.test_access import URLS

PM = PROGRAMME_MANAGER
ALL = frozenset({LEAD, FINANCE, DIRECTOR, PM, ADMIN})
FIN = frozenset({FINANCE, ADMIN})
LEADS = frozenset({LEAD, ADMIN})
DIR = frozenset({DIRECTOR, PM, ADMIN})
BOARD = frozenset({DIRECTOR, PM, FINANCE, ADMIN})
PMS = frozenset({PM, ADMIN})  # the programme office: set-up
MILESTONES = frozenset({LEAD, PM, ADMIN})
NONE: frozenset[str] = frozenset()

# Pages: url name -> roles that may open it. Public pages are in test_access.PUBLIC.
PAGE_RULES: dict[str, frozenset[str]] = {
    "overview": ALL,
    "programme:overview": ALL, "programme:export": ALL, "programme:raid": ALL,
    "programme:kpis": ALL, "programme:strand": ALL,
    "programme:update": LEADS, "programme:update_check": LEADS, "programme:update_done": LEADS,
    "programme:raid_new": LEADS, "programme:raid_edit": LEADS,
    "programme:raid_convert": LEADS, "programme:milestone_edit": LEADS,
    "programme:compliance": DIR, "programme:compliance_remind": PMS,
    "programme:kpi_reading": ALL,  # the KPI's owner (object rule: can_record_kpi), else 403
    **{f"setup:{name}": PMS for name in (
        "index", "years", "programme_targets", "strand_new", "strand_edit", "project_new",
        "project_edit", "project_targets", "project_milestones", "milestone_edit",
        "milestone_rebaseline", "kpi_new", "kpi_edit", "kpi_targets")},
    "finance:dashboard": ALL, "finance:pressures": ALL, "finance:income": ALL,
    "finance:agreement": ALL, "finance:trajectory": ALL, "finance:trajectory-status": ALL,
    "finance:scenario": ALL,
    **{f"finance:{name}": FIN for name in (
        "pressure-edit", "pressures-derive", "mitigation-add", "mitigation-edit", "income-edit",
        "outturn-edit", "reprofile", "agree", "target-edit", "instalment-edit",
        "condition-add", "condition-edit", "return-add", "return-edit", "scenario-add")},
    "placements:cohort": ALL,
    "placements:decisions": FIN, "placements:decision_new": FIN, "placements:decision": FIN,
    "placements:overpayments": FIN, "placements:overpayments_scan": FIN,
    "placements:overpayment_review": FIN,
    "placements:benchmarking": ALL,
    "placements:comparators": frozenset({PM, ADMIN}),
    "placements:statistics_import": frozenset({FINANCE, PM, ADMIN}),
    "placements:statistics_import_record": frozenset({FINANCE, PM, ADMIN}),
    "board:list": ALL, "board:compare": ALL, "board:detail": ALL, "board:pack": ALL,
    "board:build": BOARD, "board:text": FIN, "board:sign_off": frozenset({DIRECTOR}),
    "board:return": frozenset({DIRECTOR}),
    **{f"imports:{name}": FIN for name in ("history", "detail", "status", "upload",
                                            "template")},
    **{f"import_mappings:{name}": FIN for name in ("list", "detail", "archive", "step")},
    "audit": frozenset({ADMIN}), "lockouts": frozenset({ADMIN}),
    **{f"accounts:{name}": frozenset({ADMIN}) for name in (
        "list", "invite", "detail", "reinvite", "deactivate", "reactivate")},
    # The reporting calendar: everyone reads it; the programme office and finance run it.
    "calendar": ALL, "calendar-edit": frozenset({PM, FINANCE, ADMIN}),
    "glossary": ALL,  # the words the pages use: everyone who reads them
    "calendar-close": frozenset({PM, FINANCE, ADMIN}),
    "api-schema": ALL, "api-docs": ALL,
}
# Pages any signed-in user may open, with or without a role.
SIGNED_IN = {"trivial", "logout"}

# API operations: schema path -> (roles that may read, roles that may write).
API_RULES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "/api/v1/cohort/summary/": (ALL, NONE),
    "/api/v1/benchmarks/": (ALL, NONE),
    "/api/v1/benchmarks/measures/": (ALL, NONE),
    "/api/v1/providers/": (ALL, NONE),
    "/api/v1/placements/": (FIN, NONE),
    "/api/v1/assessments/": (FIN, NONE),
    "/api/v1/invoices/": (FIN, NONE),
    "/api/v1/decisions/": (FIN, FIN),
    "/api/v1/overpayment-flags/": (FIN, FIN),
    "/api/v1/programme/summary/": (ALL, NONE),
    "/api/v1/strands/": (ALL, PMS),
    "/api/v1/projects/": (ALL, PMS),
    "/api/v1/savings-targets/": (ALL, PMS),
    "/api/v1/progress-updates/": (ALL, LEADS),
    "/api/v1/milestones/": (ALL, MILESTONES),
    "/api/v1/milestones/{id}/rebaseline/": (ALL, PMS),
    "/api/v1/raid-items/": (ALL, LEADS),
    "/api/v1/kpis/": (ALL, PMS),
    # Any role may try; only the KPI's owner (or the programme office) records: 403 otherwise.
    "/api/v1/kpi-readings/": (ALL, ALL),
    "/api/v1/trajectory/": (ALL, FIN),
    "/api/v1/finance/summary/": (ALL, FIN),
    "/api/v1/budget-lines/": (ALL, FIN),
    "/api/v1/forecasts/": (ALL, FIN),
    "/api/v1/pressures/": (ALL, FIN),
    "/api/v1/mitigations/": (ALL, FIN),
    "/api/v1/agreement/versions/": (ALL, FIN),
    "/api/v1/agreement/targets/": (ALL, FIN),
    "/api/v1/agreement/instalments/": (ALL, FIN),
    "/api/v1/agreement/conditions/": (ALL, FIN),
    "/api/v1/agreement/returns/": (ALL, FIN),
    "/api/v1/scenarios/": (ALL, FIN),
    "/api/v1/board-summaries/": (ALL, NONE),
}
WHO = ("anonymous", "no role", LEAD, FINANCE, DIRECTOR, PM, ADMIN)
PAGES = [u for u in URLS if not u.path.startswith("/admin/") and not u.path.startswith("/api/v1/")]


def api_rule(path: str) -> tuple[frozenset[str], frozenset[str]] | None:
    """The rule of the longest listed prefix (a list's rule covers its items and actions)."""
    matches = [p for p in API_RULES if path.startswith(p)]
    return API_RULES[max(matches, key=len)] if matches else None


@pytest.fixture
def clients(client_for, make_user):
    users = {"anonymous": None, "no role": make_user(),
             ADMIN: make_user(ADMIN, is_staff=True, is_superuser=True)}
    users.update({role: make_user(role) for role in (LEAD, FINANCE, DIRECTOR, PM)})
    return {who: client_for(user) for who, user in users.items()}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema) -> list[tuple[str, str, str]]:
    """(schema path, concrete path, method) for every operation in the schema."""
    found = []
    for path, item in schema["paths"].items():
        concrete = re.sub(r"\{year\}", "2024-25", path)
        concrete = re.sub(r"\{period\}", "6", concrete)
        concrete = re.sub(r"\{[^}]+\}", "1", concrete)
        found += [(path, concrete, method.upper()) for method in item
                  if method in ("get", "post", "put", "patch", "delete")]
    return found


def test_every_page_has_a_rule_that_agrees_with_its_capability():
    from tests.send_tracker.test_access import PUBLIC

    missing, disagree = [], []
    for url in PAGES:
        if url.name in PUBLIC or url.name in SIGNED_IN:
            continue
        if url.name not in PAGE_RULES:
            missing.append(url.name)
            continue
        capability = getattr(resolve(url.path).func, "required_capability", None)
        if capability is not None and CAPABILITIES[capability] != PAGE_RULES[url.name]:
            disagree.append((url.name, capability))
    assert not missing, f"add a rule to PAGE_RULES for {missing}"
    assert not disagree


@pytest.mark.django_db
def test_every_api_operation_has_a_rule(schema):
    ops = operations(schema)
    assert len(ops) >= 60
    missing = sorted({path for path, _, _ in ops if api_rule(path) is None})
    assert not missing, f"add a rule to API_RULES for {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize("who", WHO)
def test_each_role_opens_exactly_the_pages_its_rules_allow(clients, who):
    from tests.send_tracker.test_access import PUBLIC

    client, wrong, cells = clients[who], [], 0
    for url in PAGES:
        response = client.get(url.path)
        if response.status_code == 405 and url.name != "logout":
            # A form that only posts: the refusal is on POST (logout would end the session).
            response = client.post(url.path)
        status = response.status_code
        cells += 1
        if url.name in PUBLIC:
            ok = status in (200, 302, 503)
        elif who == "anonymous":
            ok = status in (302, 401) and (status == 401 or "login" in response["Location"])
        elif url.name in SIGNED_IN:
            ok = status in (200, 302, 405)
        elif who in PAGE_RULES[url.name]:
            # Allowed: opens, or the dummy argument is not found (404), or it only posts (405).
            ok = status in (200, 302, 400, 404, 405)
        else:
            ok = status == 403
        if not ok:
            wrong.append((url.path, status))
    assert cells >= 55
    assert not wrong


@pytest.mark.django_db
@pytest.mark.parametrize("who", WHO)
def test_each_role_uses_exactly_the_api_operations_its_rules_allow(clients, schema, who):
    client, wrong = clients[who], []
    for path, concrete, method in operations(schema):
        read, write = api_rule(path)
        allowed = read if method == "GET" else write
        response = getattr(client, method.lower())(concrete, content_type="application/json")
        status = response.status_code
        if who == "anonymous":
            ok = status == 401
        elif who in allowed:
            ok = status not in (401, 403) and status < 500
        else:
            ok = status == 403
        if not ok:
            wrong.append((method, concrete, status))
    assert not wrong
