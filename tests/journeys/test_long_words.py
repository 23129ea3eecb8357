"""A long unbroken word in the data (a URL or a formula typed as a strand's name) wraps: no page
that shows it scrolls sideways at 320 px (WCAG 1.4.10). The accessibility walk meets such
names only when another test has left them; this test makes its own."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.worker]

LONG = '=HYPERLINK("http://evil.example/a/very/long/path/without/spaces","Click")'


@pytest.fixture
def a_strand_with_a_long_name(live_stack):
    db = live_stack.db
    slug, name = db.query("SELECT slug, name FROM programme_strand WHERE slug <> 'sufficiency' "
                          "AND active ORDER BY id LIMIT 1")[0]
    db.query("UPDATE programme_strand SET name = %s WHERE slug = %s", [LONG, slug])
    yield slug
    db.query("UPDATE programme_strand SET name = %s WHERE slug = %s", [name, slug])


def test_a_long_unbroken_name_wraps_at_320_px(page_as, live_stack, a_strand_with_a_long_name):
    lead_id = live_stack.db.scalar("SELECT id FROM auth_user WHERE username = 'lead-sufficiency'")
    page = page_as("admin")
    page.set_viewport_size({"width": 320, "height": 800})
    for path in ["/programme/update/", f"/users/{lead_id}/", "/programme/",
                 f"/programme/strands/{a_strand_with_a_long_name}/", "/setup/"]:
        page.goto(path)
        assert "evil.example" in page.content(), path  # the page does show the name
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, (path, width)
