"""Query budgets: every page and API list or summary makes a fixed number of SQL queries (at most
20), whatever the size of the data (DESIGN "Speed and scale").

The URL resolver is walked, so a new page or endpoint is measured without anyone editing this
file: patterns without arguments are opened as they are; a pattern with arguments must be filled
below (FILL) or listed in NOT_MEASURED with the reason, or the walk test fails. Each URL is
opened on the demo data set and again after the apps' scale builders have added several times
more rows (strands, projects, updates, placements, invoices, ledger lines); the count must not
grow. Nothing is served from the data-version cache here: the test's transaction has written
data, so every selector runs for real.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

from finance.selectors.tasks import TASKS_QUERY_ALLOWANCE
from send_tracker.permissions import ADMIN, DIRECTOR

BUDGET = 20
# The home page's figures keep the budget; the signed-in user's task list above them has its own
# fixed allowance, whatever the data (finance/selectors/tasks.py TASKS_QUERY_ALLOWANCE).
ALLOWANCE = {"/": TASKS_QUERY_ALLOWANCE}
# Patterns with arguments, filled with rows of the demo data set (after seeding).
FILL = {
    "programme/strands/<slug:slug>/": lambda: ["/programme/strands/sufficiency/",
                                               "/programme/strands/scale-1/"],
    "finance/scenarios/<slug:slug>/": lambda: ["/finance/scenarios/baseline/"],
    "board/<str:year>/<int:period>/": lambda: ["/board/2024-25/6/"],
    "calendar/<str:year>/p<int:period>/": lambda: ["/calendar/2024-25/p8/"],
    "api/v1/board-summaries/<str:year>/<str:period>/": lambda: [
        "/api/v1/board-summaries/2024-25/6/"],
}
# Query strings some endpoints need to answer at all.
QUERY = {
    "/api/v1/programme/summary/": "?year=2024-25&period=6",
    "/api/v1/finance/summary/": "?year=2024-25&period=6",
    "/api/v1/benchmarks/": "?measure=plans_january",
}
# Patterns not measured here, by the reason.
NOT_MEASURED = {
    "admin/": "Django's admin: not our pages",
    "login/": "anonymous",
    "logout/": "POST only",
    "healthz": "no login, no data",
    "api/schema/": "the OpenAPI document: generated, no data",
    "api/docs/": "static Swagger UI page",
    "invitation/": "anonymous: an invitee's set-password link, one user's rows",
    "programme/update/check/": "answers waiting in the session: tests/programme/test_views.py "
                               "counts its queries with 2 and 22 projects",
    "programme/update/done/": "a confirmation panel after a submit",
}
# Pattern fragments of write-only, per-record or download URLs (forms posted to, one object's
# page, exports): their queries do not scale with the data; the list pages above cover the data.
PER_RECORD = re.compile(
    r"<int:pk>|<int:version>|\(\?P<pk>|\(\?P<slug>|/new/|/add/|/enter/|/edit/|/build/|/scan/"
    r"|/derive/|/sign-off/|/return/|/text/|/convert|/status|/template\.|/export/|/compare/"
    r"|/outturn/|<slug:kind>/|<int:year>/|/remind/"
)


def _patterns(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    resolver = resolver or get_resolver()
    out = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            out += _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            out.append(prefix + str(entry.pattern))
    return out


def _measured_paths() -> tuple[list[str], list[str]]:
    """(paths to measure, patterns nobody has decided about)."""
    paths, undecided = [], []
    for pattern in _patterns():
        if any(pattern.startswith(p) for p in NOT_MEASURED) or PER_RECORD.search(pattern):
            continue
        if pattern in FILL:
            paths.append(pattern)  # filled after seeding
            continue
        if "<" in pattern or "(?P" in pattern:
            undecided.append(pattern)
            continue
        path = "/" + pattern.replace("^", "").replace("$", "")
        paths.append(path + QUERY.get(path, ""))
    return paths, undecided


def _count(client, path: str) -> tuple[int, int]:
    accept = {"HTTP_ACCEPT": "application/json"} if path.startswith("/api/") else {}
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **accept)
    return response.status_code, len(queries)


def _walk(clients: dict, paths: list[str]) -> dict[tuple[str, str], int]:
    counts = {}
    for role, client in clients.items():
        client.get("/")  # the session's first request loads it; later pages are the measure
        for entry in paths:
            for path in FILL[entry]() if entry in FILL else [entry]:
                status, count = _count(client, path)
                if status in (403, 404) and role != "admin":
                    continue  # not for this role (a draft, a finance page): access tests cover it
                assert status == 200, (role, path, status)
                counts[role, path] = count
    return counts


def test_every_page_with_arguments_is_filled_or_excused():
    _, undecided = _measured_paths()
    assert not undecided, f"add these to FILL or NOT_MEASURED in {__name__}: {undecided}"


def test_the_walk_measures_the_main_pages_and_summaries():
    paths, _ = _measured_paths()
    for expected in ("/", "/programme/", "/finance/", "/placements/", "/board/", "/imports/",
                     "/placements/overpayments/", "/finance/trajectory/",
                     "/api/v1/invoices/", "/api/v1/cohort/summary/",
                     "/api/v1/programme/summary/?year=2024-25&period=6",
                     "programme/strands/<slug:slug>/"):
        assert expected in paths


@pytest.mark.slow
@pytest.mark.django_db
def test_query_counts_stay_within_budget_and_do_not_grow_with_the_data(client_for, make_user):
    from finance import scale as finance_scale
    from placements import scale as placements_scale
    from placements.models import Child, Invoice, Placement
    from programme import scale as programme_scale

    call_command("seed_demo", "--force", verbosity=0)
    programme_scale.seed_scale(strands=1, projects=2, periods=6)  # scale-1 exists at both sizes
    clients = {"admin": client_for(make_user(ADMIN, is_staff=True, is_superuser=True)),
               "director": client_for(make_user(DIRECTOR)),
               "lead": client_for(get_user_model().objects.get(username="lead-sufficiency"))}
    paths, _ = _measured_paths()
    small = _walk(clients, paths)

    children, placements = Child.objects.count(), Placement.objects.count()
    invoices = Invoice.objects.count()
    placements_scale.seed_scale(children=children + 300, placements=placements + 3000,
                                invoices=invoices + 30_000)
    programme_scale.seed_scale(strands=4, projects=25, periods=24, prefix="scale-more-")
    finance_scale.seed_scale(lines=20, periods=24)
    assert Invoice.objects.count() >= invoices + 30_000
    large = _walk(clients, paths)

    over = {key: n for key, n in large.items() if n > BUDGET + ALLOWANCE.get(key[1], 0)}
    grew = {key: (small[key], n) for key, n in large.items() if n > small[key]}
    assert len(large) >= 40
    assert not over, f"over the budget of {BUDGET} queries: {over}"
    assert not grew, f"query counts grew with the data (small, large): {grew}"
