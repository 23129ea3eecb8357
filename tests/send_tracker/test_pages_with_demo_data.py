"""Every page and API endpoint with the demo data loaded: it opens, keeps to the content
security policy, and stays within the query budget (DESIGN: at most 20 SQL queries).

One seed for all the checks (it takes tens of seconds); the URL walk covers new pages.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from finance.selectors.tasks import TASKS_QUERY_ALLOWANCE
from send_tracker.permissions import ADMIN, DIRECTOR, FINANCE
from tests.send_tracker.test_access import URLS
from tests.send_tracker.test_content_security import KNOWN, RULES

QUERY_BUDGET = 20
# The home page adds its task list, which has a fixed allowance whatever the data
# (finance/selectors/tasks.py; tests/send_tracker/test_query_budget.py).
ALLOWANCE = {"/": TASKS_QUERY_ALLOWANCE}


@pytest.mark.slow
@pytest.mark.django_db
def test_every_page_with_demo_data_keeps_to_the_policy_and_the_query_budget(client_for,
                                                                            make_user):
    call_command("seed_demo", "--force", verbosity=0)
    users = [make_user(ADMIN, is_staff=True, is_superuser=True), make_user(FINANCE),
             make_user(DIRECTOR)]
    opened, over_budget, breaches = 0, [], []
    for user in users:
        client = client_for(user)
        client.get("/")  # the session's first request loads it; later pages are the measure
        for url in URLS:
            if url.path.startswith("/admin/"):  # Django's admin: neither our templates nor budget
                continue
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url.path)
            assert response.status_code != 500, url.path
            if response.status_code != 200:
                continue
            opened += 1
            if len(queries) > QUERY_BUDGET + ALLOWANCE.get(url.path, 0):
                over_budget.append((url.path, user.username, len(queries)))
            if "text/html" in response.get("Content-Type", ""):
                html = response.content.decode()
                breaches += [(url.path, rule) for rule, pattern in RULES.items()
                             if (url.path, rule) not in KNOWN and pattern.search(html)]
    assert opened >= 60
    assert not over_budget
    assert not breaches
