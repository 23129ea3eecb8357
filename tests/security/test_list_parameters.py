"""The query parameters of the paginated lists (`page` and each page's filters): no value opens a
list to a role the matrix refuses it, none is a server error, and none is echoed unescaped.

Every template that includes the pagination component is a paginated list; each must be named
in LISTS with its parameters, so a new one is covered here when it is added.
"""

from __future__ import annotations

import pytest

from send_tracker.permissions import ADMIN, DIRECTOR, FINANCE, LEAD
from tests.conftest import ROOT
from tests.security.test_matrix import PAGE_RULES

# Paginated lists: url name -> (path, the parameters it reads).
LISTS = {
    "programme:raid": ("/programme/raid/", ("page", "kind", "status", "strand", "owner")),
    "placements:overpayments": ("/placements/overpayments/", (
        "page", "status", "rule", "provider", "setting", "min_amount", "max_amount",
        "period_from", "period_to", "q", "sort", "dir", "export")),
    "imports:history": ("/imports/", ("page", "kind")),
    "import_mappings:list": ("/imports/mappings/", ("page",)),
    "accounts:list": ("/users/", ("page", "status")),
}
# Parameters a user types into a filter form: shown back in their field, escaped (GOV.UK forms
# keep what was typed), never anywhere else.
TYPED = {"placements:overpayments": {"q", "min_amount", "max_amount", "period_from", "period_to"}}
# Templates that include the pagination component, by the url name of their page.
TEMPLATES = {"programme/raid.html": "programme:raid",
             "placements/overpayments.html": "placements:overpayments",
             "send_tracker/imports/history.html": "imports:history",
             "send_tracker/imports/mapping_list.html": "import_mappings:list",
             "accounts/list.html": "accounts:list"}
HOSTILE = ["2", "0", "-1", "abc", "1.5", "1e9", "99999999999999999999999999", "²", " ",
           '"><script>alert(1)</script>', "%00", "' OR 1=1 --", "999999"]


def test_every_paginated_page_is_listed_here():
    found = {
        str(path.relative_to(ROOT / "templates")): path
        for path in (ROOT / "templates").rglob("*.html")
        if "components/pagination.html" in path.read_text()
    }
    assert set(found) == set(TEMPLATES), "add the new paginated page to LISTS and TEMPLATES"
    assert set(TEMPLATES.values()) == set(LISTS)


@pytest.fixture
def clients(client_for, make_user):
    users = {ADMIN: make_user(ADMIN, is_staff=True, is_superuser=True)}
    users.update({role: make_user(role) for role in (LEAD, FINANCE, DIRECTOR)})
    return {role: client_for(user) for role, user in users.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(LISTS))
def test_no_parameter_value_changes_who_may_open_a_list(clients, name):
    path, params = LISTS[name]
    for role, client in clients.items():
        expected = 200 if role in PAGE_RULES[name] else 403
        for param in params:
            for value in ("2", "all", "999999"):
                status = client.get(path, {param: value}).status_code
                assert status == expected, (role, param, value, status)


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(LISTS))
def test_hostile_parameter_values_are_a_page_not_an_error_and_never_echoed(clients, name):
    path, params = LISTS[name]
    client = clients[ADMIN]
    for param in params:
        for value in HOSTILE:
            response = client.get(path, {param: value, "page": value})
            assert response.status_code == 200, (param, value)
            body = response.content.decode()
            assert "<script>alert(1)</script>" not in body
            if param in TYPED.get(name, ()):
                assert "' OR 1=1" not in body
                assert body.count("OR 1=1") <= 1, (param, value)  # its own field only
            else:
                assert "OR 1=1" not in body
