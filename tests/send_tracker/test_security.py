"""Sign-in throttling, password rules, request ids and the security headers."""

from __future__ import annotations

import logging

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from send_tracker.logging import ContextFilter
from send_tracker.permissions import FINANCE

PASSWORD = "a-long-test-password"  # make_user's password


def sign_in(client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password},
                       REMOTE_ADDR="192.0.2.10")


# ---- Sign-in throttling -----------------------------------------------------------------------

@pytest.mark.django_db
def test_a_correct_password_signs_in(client, make_user):
    make_user(FINANCE, username="officer")
    response = sign_in(client, "officer", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_after_too_many_failures_even_the_right_password_is_refused(client, make_user):
    make_user(FINANCE, username="officer")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "officer", "wrong-password").status_code == 200
    # The failure that reaches the limit is answered with the locked-out page already.
    assert sign_in(client, "officer", "wrong-password").status_code == 429
    response = sign_in(client, "officer", PASSWORD)
    assert response.status_code == 429
    assert b"Too many sign-in attempts" in response.content
    assert "_auth_user_id" not in client.session
    attempt = AccessAttempt.objects.get(username="officer", ip_address="192.0.2.10")
    assert attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT


@pytest.mark.django_db
def test_failures_below_the_limit_do_not_lock_the_account(client, make_user):
    make_user(FINANCE, username="officer")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "officer", "wrong-password")
    assert sign_in(client, "officer", PASSWORD).status_code == 302


# ---- Passwords --------------------------------------------------------------------------------

def test_a_six_character_password_is_rejected():
    with pytest.raises(ValidationError, match="too short"):
        validate_password("x7#kQz")


def test_a_common_password_is_rejected_even_when_long_enough():
    with pytest.raises(ValidationError, match="too common"):
        validate_password("password1234")


def test_a_long_uncommon_password_is_accepted():
    validate_password("correct horse battery staple")


# ---- Request ids ------------------------------------------------------------------------------

@pytest.fixture
def context_caplog(caplog):
    """caplog whose records carry request_id/task_id, as the stdout handler's do."""
    context = ContextFilter()
    caplog.handler.addFilter(context)
    yield caplog
    caplog.handler.removeFilter(context)


@pytest.mark.django_db
def test_every_response_carries_a_request_id(client):
    first = client.get("/login/")["X-Request-ID"]
    second = client.get("/login/")["X-Request-ID"]
    assert len(first) == 16
    assert first != second


@pytest.mark.django_db
def test_a_proxys_request_id_is_kept_and_a_bad_one_replaced(client):
    assert client.get("/login/", HTTP_X_REQUEST_ID="lb-abc-123")["X-Request-ID"] == "lb-abc-123"
    replaced = client.get("/login/", HTTP_X_REQUEST_ID="x" * 65)["X-Request-ID"]
    assert replaced != "x" * 65
    assert len(replaced) == 16


@pytest.mark.django_db
def test_a_log_line_written_during_a_request_carries_its_id(client_for, make_user, context_caplog):
    client = client_for(make_user())  # no role: the page refuses, and Django logs the 403
    with context_caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/finance/")
    assert response.status_code == 403
    records = [r for r in context_caplog.records if r.name == "django.request"]
    assert records, "Django logs a refused request"
    assert {r.request_id for r in records} == {response["X-Request-ID"]}


@pytest.mark.django_db
def test_the_line_django_logs_for_an_error_response_carries_the_request_id(client, settings,
                                                                          context_caplog):
    # /healthz returns its 503 (nothing raised): Django logs such responses after the
    # middleware chain has returned, so the middleware must log them itself to keep the id.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    with context_caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/healthz")
    assert response.status_code == 503
    records = [r for r in context_caplog.records if r.name == "django.request"]
    assert [r.getMessage() for r in records] == ["Service Unavailable: /healthz"]  # once
    assert records[0].request_id == response["X-Request-ID"]


def test_log_lines_outside_a_request_say_so():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "message", None, None)
    ContextFilter().filter(record)
    assert (record.request_id, record.task_id) == ("-", "-")


# ---- Security headers -------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role"), [("/login/", None), ("/", FINANCE)])
def test_pages_carry_the_security_headers(client_for, make_user, path, role):
    response = client_for(make_user(role) if role else None).get(path)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_the_session_and_csrf_cookies_are_not_readable_by_scripts(client, make_user):
    make_user(FINANCE, username="officer")
    client.get("/login/")
    response = sign_in(client, "officer", PASSWORD)
    assert response.cookies["sessionid"]["httponly"]
    assert client.cookies["csrftoken"]["httponly"]
