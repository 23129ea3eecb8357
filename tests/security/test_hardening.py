"""CSRF on every form, production cookies and headers, and uploads limited and parsed safely."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile

import pytest
from django.test import Client
from openpyxl import Workbook

from finance.models import MonthlyForecast
from send_tracker.imports.core import run_import
from send_tracker.permissions import ADMIN, FINANCE
from tests.conftest import ROOT
from tests.send_tracker.test_access import PUBLIC, URLS
from tests.send_tracker.test_deploy import production_env

LEDGER_HEADER = ["year", "period", "line_code", "budget", "actual_to_date", "forecast_outturn"]


# ---- CSRF -------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_every_post_without_a_csrf_token_is_refused(make_user):
    admin = make_user(ADMIN, is_staff=True, is_superuser=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    accepted = []
    for url in URLS:
        if url.name == "healthz":
            continue
        response = client.post(url.path, {"anything": "1"})
        if response.status_code != 403:
            accepted.append((url.path, response.status_code))
    assert not accepted
    assert len(URLS) >= 100


@pytest.mark.django_db
def test_the_sign_in_form_needs_its_csrf_token(make_user):
    make_user(FINANCE, username="officer")
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "officer", "password": "a-long-test-password"})
    assert response.status_code == 403
    assert "login" in PUBLIC


# ---- Production settings: cookies and headers ------------------------------------------------

PRODUCTION_VALUES = (
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_HTTPONLY", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_SSL_REDIRECT", "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS", "CONTENT_SECURITY_POLICY", "DEBUG", "SESSION_COOKIE_AGE",
)


@pytest.fixture(scope="module")
def production(django_db_blocker):
    code = ("import json; from django.conf import settings as s; "
            f"print(json.dumps({{k: getattr(s, k) for k in {PRODUCTION_VALUES!r}}}))")
    result = subprocess.run([sys.executable, "-c", "import django; django.setup(); " + code],
                            cwd=ROOT, env=production_env(), capture_output=True, text=True,
                            timeout=60, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure_and_hidden_from_scripts(production):
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["CSRF_COOKIE_HTTPONLY"] is True
    assert production["DEBUG"] is False
    assert production["SESSION_COOKIE_AGE"] <= 12 * 3600


def test_production_sends_hsts_and_redirects_to_https(production):
    assert production["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_SSL_REDIRECT"] is True


def test_the_csp_allows_only_our_own_scripts_and_styles(production):
    policy = dict(part.strip().split(" ", 1) for part in
                  production["CONTENT_SECURITY_POLICY"].split(";") if part.strip())
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src" if "object-src" in policy else "default-src"] in ("'none'",
                                                                               "'self'")
    assert "unsafe" not in production["CONTENT_SECURITY_POLICY"]


@pytest.mark.django_db
def test_a_signed_in_https_response_carries_every_production_header_and_secure_cookies(
        settings, production, make_user):
    for name in PRODUCTION_VALUES:
        if name not in ("DEBUG",):
            setattr(settings, name, production[name])
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    make_user(FINANCE, username="officer")
    client = Client(HTTP_X_FORWARDED_PROTO="https")
    client.get("/login/")
    response = client.post("/login/", {"username": "officer",
                                       "password": "a-long-test-password"})
    assert response.status_code == 302
    for cookie in ("sessionid", "csrftoken"):
        morsel = client.cookies[cookie]
        assert morsel["secure"], cookie
        assert morsel["httponly"], cookie
    page = client.get("/")
    assert page.status_code == 200
    assert page["Strict-Transport-Security"].startswith("max-age=31536000")
    assert page["X-Content-Type-Options"] == "nosniff"
    assert page["Referrer-Policy"] == "same-origin"
    assert page["X-Frame-Options"] == "DENY"
    assert page["Content-Security-Policy"] == production["CONTENT_SECURITY_POLICY"]
    # Plain http is sent to https.
    plain = Client().get("/login/")
    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")


# ---- Uploads ------------------------------------------------------------------------------------

def _workbook(rows, *, macro: bool = False) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    if not macro:
        return buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"\x00" * 64)
    return out.getvalue()


@pytest.mark.django_db
def test_a_workbook_with_macros_is_refused_and_nothing_is_written(finance_user):
    data = _workbook([LEDGER_HEADER, ["2024/25", 6, "1.2.3", 1, 1, 1]], macro=True)
    record = run_import(kind="ledger", data=data, file_name="ledger.xlsx", user=finance_user)
    assert record.status == "rejected"
    assert "macros" in record.problems[0]["reason"]
    assert not MonthlyForecast.objects.exists()


@pytest.mark.django_db
def test_formulas_in_a_workbook_are_never_evaluated(finance_user):
    # Excel would show 3,000 here; the tracker reads the file's stored value (none: the file was
    # never opened in Excel) and refuses the row rather than computing anything.
    data = _workbook([LEDGER_HEADER, ["2024/25", 6, "1.2.3", "=1000+2000", 1, 1]])
    record = run_import(kind="ledger", data=data, file_name="ledger.xlsx", user=finance_user)
    assert record.status == "rejected"
    assert {p["column"] for p in record.problems} == {"budget"}
    assert "3000" not in json.dumps(record.problems)
    assert not MonthlyForecast.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "data", "reason"), [
    ("ledger.exe", b"MZ\x90\x00", "not a CSV or XLSX"),
    ("ledger.xlsx", b"year,period\n2024/25,6\n", "not an Excel file"),
    ("ledger.csv", b"\x00\xff\xfe" * 20, ""),
])
def test_the_upload_page_refuses_files_of_the_wrong_type(finance_client, run_imports, name,
                                                        data, reason):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with run_imports():
        queued = finance_client.post("/imports/ledger/", {"file": SimpleUploadedFile(name, data)})
    response = finance_client.get(queued["Location"])
    assert response.status_code == 200
    assert "Nothing was loaded" in response.content.decode()
    assert reason in response.content.decode()
    assert not MonthlyForecast.objects.exists()


@pytest.mark.django_db
def test_the_upload_page_refuses_a_file_over_the_size_limit_before_reading_it(
        finance_client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.IMPORT_MAX_BYTES = 1000
    big = SimpleUploadedFile("ledger.csv", b"year,period\n" + b"2024/25,6\n" * 500)
    response = finance_client.post("/imports/ledger/", {"file": big})
    assert response.status_code == 200  # the form again, with the error linked
    html = response.content.decode()
    assert 'href="#id_file"' in html
    assert "larger than" in html
    assert not MonthlyForecast.objects.exists()


def test_every_page_serves_plotly_css_as_the_file_plotly_js_looks_for_so_it_injects_no_style(
        director_client):
    # plotly.js creates a <style> element (refused by style-src 'self', a console error on every
    # page) unless an element with this id carries the class `no-inline-styles`.
    html = director_client.get("/").content.decode()
    link = re.search(r'<link [^>]*id="plotly\.js-style-global"[^>]*>', html)
    assert link, "the plotly.css link lost the id plotly.js checks"
    assert 'class="no-inline-styles"' in link.group(0)
    assert "vendor/plotly.css" in link.group(0)
    bundle = (ROOT / "static" / "vendor" / "plotly-finance.min.js")
    if bundle.exists():  # installed at set-up: the bundle still honours the opt-out
        assert 'matches(".no-inline-styles")' in bundle.read_text(encoding="utf-8")
