"""Who may open what: login on every URL but the sign-in page and /healthz, and the role matrix.

The URL walk reads the resolver, so pages and API endpoints the apps add are covered
without anyone editing this file.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern

from send_tracker.permissions import ADMIN, DIRECTOR, FINANCE, LEAD

# Dummy values for path converters and regex groups, tried in order until the URL resolves.
DUMMIES = ("1", "x", str(uuid.UUID(int=1)), "2024-25", "json")
CONVERTER_DUMMY = {"int": "1", "str": "x", "slug": "x", "uuid": str(uuid.UUID(int=1)),
                   "path": "1"}

# The only URLs an anonymous visitor may open: url name -> why.
PUBLIC = {
    "login": "the sign-in page",
    "healthz": "liveness for the load balancer and compose (no data in it)",
    "admin:login": "the admin site's own sign-in page",
    "accounts:accept": "an invitee's set-password link (its token is the credential)",
}


@dataclass
class Url:
    path: str
    name: str
    pattern: str


def _fragment(pattern) -> Iterator[str]:
    """Concrete strings matching one level of a URL pattern, most likely first."""
    if isinstance(pattern, RoutePattern):
        route = str(pattern)

        def fill(match: re.Match) -> str:
            converter = match.group(1) or "str"
            return CONVERTER_DUMMY.get(converter, "1")

        yield re.sub(r"<(?:(\w+):)?(\w+)>", fill, route)
        return
    assert isinstance(pattern, RegexPattern)
    regex = pattern.regex.pattern.lstrip("^").rstrip("$").replace("\\Z", "")
    # A group of alternatives (the admin's app list) yields its first alternative.
    regex = re.sub(r"\(\?P<\w+>([\w|]+)\)", lambda m: m.group(1).split("|")[0], regex)
    # DRF's format suffix (`\.(?P<format>[a-z0-9]+)/?`) becomes `.json`.
    regex = re.sub(r"\\\.\(\?P<format>[^)]*\)", ".json", regex).replace("/?", "/")
    for dummy in DUMMIES:
        text = re.sub(r"\((?:\?P<\w+>)?[^)]*\)", dummy, regex)  # named or not
        yield text.replace("\\.", ".").replace("\\", "")


def walk(resolver: URLResolver | None = None, prefix: str = "/", names: tuple = ()) -> Iterator:
    """Every leaf URL pattern as (candidate paths, name, readable pattern)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        namespace = names + ((entry.namespace,) if isinstance(entry, URLResolver)
                             and entry.namespace else ())
        for fragment in list(_fragment(entry.pattern))[:1] if isinstance(entry, URLResolver) \
                else [None]:
            if isinstance(entry, URLResolver):
                yield from walk(entry, prefix + fragment, namespace)
        if isinstance(entry, URLPattern):
            name = ":".join((*names, entry.name)) if entry.name else ""
            candidates = [prefix + f for f in _fragment(entry.pattern)]
            yield candidates, name, f"{prefix}{entry.pattern}"


def all_urls() -> tuple[list[Url], list[str]]:
    """Concrete paths that resolve to their own pattern, and the patterns skipped (with why)."""
    urls: list[Url] = []
    skipped: list[str] = []
    for candidates, name, pattern in walk():
        for path in candidates:
            try:
                match = resolve(path)
            except Resolver404:
                continue
            if match.route == pattern.lstrip("/") or match.url_name == name.rsplit(":")[-1]:
                urls.append(Url(path=path, name=name, pattern=pattern))
                break
        else:
            skipped.append(f"{pattern}: no dummy argument resolves back to it ({candidates[0]})")
    return urls, skipped


URLS, SKIPPED = all_urls()
# Patterns no dummy can reach, with the reason (none today).
SKIPPED_EXPECTED: dict[str, str] = {}


def test_the_url_walk_finds_the_pages_we_know_exist():
    paths = {url.path for url in URLS}
    assert {"/", "/login/", "/healthz", "/programme/", "/finance/", "/placements/", "/board/",
            "/admin/", "/admin/auth/user/1/change/", "/api/schema/"} <= paths


def test_only_patterns_no_dummy_argument_can_reach_are_skipped():
    unexpected = [s for s in SKIPPED if not any(e in s for e in SKIPPED_EXPECTED)]
    assert not unexpected


@pytest.mark.django_db
@pytest.mark.parametrize("url", URLS, ids=[u.path for u in URLS])
def test_anonymous_visitors_are_sent_to_sign_in_everywhere_but_the_public_pages(client, url):
    response = client.get(url.path)
    if url.name in PUBLIC:
        assert response.status_code in (200, 503), url.path  # /healthz is 503 without a worker
        return
    if url.path.startswith("/api/"):
        assert response.status_code in (401, 403), url.path
    elif url.path.startswith("/admin/"):
        # The admin index sends to its own sign-in page; its other pages to ours.
        assert response.status_code == 302, url.path
        assert response["Location"].startswith(("/admin/login/", "/login/?next=")), url.path
    else:
        assert response.status_code == 302, url.path
        assert response["Location"].startswith("/login/?next="), url.path


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_anonymous_writes_are_refused_everywhere(client, method):
    for url in URLS:
        if url.name in PUBLIC:
            continue
        response = getattr(client, method)(url.path)
        # A page sends the visitor to sign in; the API answers 401/403; never a 2xx.
        assert response.status_code in (302, 401, 403, 405), (method, url.path)
        if response.status_code == 302:
            assert "login/" in response["Location"], (method, url.path)


# ---- The role matrix -----------------------------------------------------------------------

PAGES = ["/", "/programme/", "/finance/", "/placements/", "/board/", "/_trivial/",
         "/api/schema/", "/api/docs/", "/admin/"]
LOGIN = "login"
ADMIN_LOGIN = "admin-login"
OK, UNAUTHENTICATED, FORBIDDEN = 200, 401, 403
ROLE_PAGES = {"/": OK, "/programme/": OK, "/finance/": OK, "/placements/": OK, "/board/": OK,
              "/_trivial/": OK, "/api/schema/": OK, "/api/docs/": OK, "/admin/": ADMIN_LOGIN}
MATRIX = {
    # The API answers 401 (with WWW-Authenticate: Token) instead of redirecting.
    "anonymous": {**{p: LOGIN for p in PAGES}, "/api/schema/": UNAUTHENTICATED,
                  "/api/docs/": UNAUTHENTICATED, "/admin/": ADMIN_LOGIN},
    # Signed in without a role: only the trivial baseline view, nothing with data.
    "no role": {**{p: FORBIDDEN for p in PAGES}, "/_trivial/": OK, "/admin/": ADMIN_LOGIN},
    LEAD: ROLE_PAGES,
    FINANCE: ROLE_PAGES,
    DIRECTOR: ROLE_PAGES,
    # Administrators are staff superusers (as seed_demo makes them): the admin site opens.
    ADMIN: {**ROLE_PAGES, "/admin/": OK},
}
CASES = [(who, page, expected) for who, row in MATRIX.items() for page, expected in row.items()]


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "page", "expected"), CASES)
def test_each_role_reaches_what_it_should_and_no_more(client_for, make_user, who, page, expected):
    if who == "anonymous":
        user = None
    elif who == "no role":
        user = make_user()
    elif who == ADMIN:
        user = make_user(ADMIN, is_staff=True, is_superuser=True)
    else:
        user = make_user(who)
    response = client_for(user).get(page)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")
    elif expected == ADMIN_LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    else:
        assert response.status_code == expected


def test_the_matrix_covers_every_role():
    assert {LEAD, FINANCE, DIRECTOR, ADMIN} <= set(MATRIX)


# ---- Signed in without a role: no data anywhere ----------------------------------------------

# Views a signed-in user without a role may open: url name -> why.
NO_ROLE_ALLOWED = {
    "trivial": "the benchmark's baseline view shows no data",
    "logout": "signing out",
}


@pytest.mark.django_db
def test_a_user_without_a_role_sees_no_data_on_any_page_or_endpoint(client_for, make_user):
    client = client_for(make_user())
    shown = []
    for url in URLS:
        if url.name in PUBLIC or url.name in NO_ROLE_ALLOWED or url.path.startswith("/admin/"):
            continue
        status = client.get(url.path).status_code
        # 403 refused; 404 (a dummy id) and 405 (a form that only posts) show nothing either.
        if status not in (403, 404, 405):
            shown.append((url.path, status))
    assert not shown
