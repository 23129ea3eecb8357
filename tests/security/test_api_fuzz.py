"""schemathesis against the OpenAPI schema, signed in as each role: no 500s, and every response
with a documented status matches the schema.

Reads against the seeded live stack (real data to page, filter and find); writes in-process
against the test database inside the test's transaction, so generated DELETEs and PATCHes can
never touch data another test reads. Bounded examples per operation: a few minutes at most.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from send_tracker.permissions import ADMIN, DIRECTOR, FINANCE, LEAD
from tests.live.stack import run_manage

pytestmark = [pytest.mark.slow]

READ_EXAMPLES = 8
WRITE_EXAMPLES = 6
CHECKS = [not_a_server_error, response_schema_conformance]
FUZZ = settings(max_examples=READ_EXAMPLES, deadline=None, database=None, derandomize=True,
                suppress_health_check=list(HealthCheck))


def load_schema():
    from drf_spectacular.generators import SchemaGenerator

    raw = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(json.loads(json.dumps(raw, default=str)))


def run_operation(operation, examples: int, **call) -> int:
    """Generated cases for one operation; returns how many ran. Raises on a failed check."""
    count = {"n": 0}

    @settings(FUZZ, max_examples=examples)
    @given(case=operation.as_strategy())
    def check(case):
        count["n"] += 1
        case.call_and_validate(checks=CHECKS, **call)

    check()
    return count["n"]


USERS = {LEAD: "lead-sufficiency", FINANCE: "finance", DIRECTOR: "director", ADMIN: "admin"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(USERS))
def test_generated_reads_never_fail_and_match_the_schema(live_stack, role):
    out = run_manage(live_stack.db, live_stack.redis.url, "drf_create_token", USERS[role])
    token = out.strip().splitlines()[-1].split()[2]  # "Generated token KEY for user NAME"
    schema = load_schema()
    ran = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() != "GET":
            continue
        ran += run_operation(operation, READ_EXAMPLES, base_url=live_stack.url,
                             headers={"Authorization": f"Token {token}"})
    assert ran >= 150


@pytest.fixture
def in_process():
    """Keep the test's database connection open across in-process WSGI calls, as Django's own
    test client does (the request signals would close it mid-transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [FINANCE, LEAD])
def test_generated_writes_never_fail_and_match_the_schema(in_process, make_user, role):
    from django.core.wsgi import get_wsgi_application
    from rest_framework.authtoken.models import Token

    user = make_user(role, is_staff=role == ADMIN)
    token = Token.objects.create(user=user)
    schema = load_schema()
    app = get_wsgi_application()
    ran = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() == "GET":
            continue
        ran += run_operation(operation, WRITE_EXAMPLES, app=app,
                             headers={"Authorization": f"Token {token.key}"})
    assert ran >= 60
