"""Who may open which programme page: every view declares a capability; roles get 200 or 403."""

import pytest

from programme import urls
from send_tracker.permissions import ADMIN, DIRECTOR, FINANCE, LEAD
from tests.programme import builders as build


def test_every_programme_page_declares_the_capability_it_needs():
    for pattern in urls.urlpatterns:
        assert getattr(pattern.callback, "required_capability", None), pattern.name


PAGES = {  # url → roles that get 200 (others 403)
    "/programme/": {LEAD, FINANCE, DIRECTOR, ADMIN},
    "/programme/raid/": {LEAD, FINANCE, DIRECTOR, ADMIN},
    "/programme/kpis/": {LEAD, FINANCE, DIRECTOR, ADMIN},
    "/programme/export/csv/": {LEAD, FINANCE, DIRECTOR, ADMIN},
    "/programme/update/": {LEAD, ADMIN},
    "/programme/compliance/": {DIRECTOR, ADMIN},
}


@pytest.mark.parametrize("role", [LEAD, FINANCE, DIRECTOR, ADMIN])
def test_each_role_gets_the_pages_its_capabilities_allow(make_user, client_for, role):
    build.strand(lead=make_user(LEAD))
    client = client_for(make_user(role))
    for url, allowed in PAGES.items():
        expected = 200 if role in allowed else 403
        assert client.get(url).status_code == expected, (role, url)


def test_signed_out_visitors_are_sent_to_login_and_refused_by_the_api(client, db):
    response = client.get("/programme/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert client.get("/api/v1/programme/summary/?year=2024-25&period=6").status_code in (401,
                                                                                          403)
    assert client.get("/api/v1/progress-updates/").status_code in (401, 403)
