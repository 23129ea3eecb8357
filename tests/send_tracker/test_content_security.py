"""Every page keeps to the content security policy: no inline scripts, styles or handlers.

CONTENT_SECURITY_POLICY allows only our own files, so anything inline is silently blocked by
the browser (a chart that never draws, a button that does nothing). The walk reads the URL
resolver, so the apps' new pages are covered as they arrive.
"""

from __future__ import annotations

import re

import pytest

from send_tracker.permissions import ADMIN
from tests.send_tracker.test_access import URLS

# A <script> with neither src= nor type="application/json" (json_script data is allowed).
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>",
                           re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle=\"", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+=\"", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"href=\"javascript:", re.IGNORECASE)
# Known breaches: (path, rule) -> why tolerated for now.
KNOWN: dict[tuple[str, str], str] = {}
RULES = {"inline script": INLINE_SCRIPT, "style attribute": STYLE_ATTRIBUTE,
         "style element": STYLE_ELEMENT, "event handler": EVENT_HANDLER,
         "javascript: link": JAVASCRIPT_URL}


def breaches_on_every_page(client) -> tuple[int, list[tuple[str, str, str]]]:
    """(pages checked, [(path, rule, the offending markup)]) over every HTML page that opens."""
    checked, breaches = 0, []
    for url in URLS:
        if url.path.startswith("/admin/"):  # Django's own admin, not our templates
            continue
        response = client.get(url.path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        checked += 1
        html = response.content.decode()
        for rule, pattern in RULES.items():
            if (url.path, rule) in KNOWN:
                continue
            breaches += [(url.path, rule, html[m.start():m.start() + 100])
                         for m in pattern.finditer(html)]
    return checked, breaches


def test_the_rules_catch_what_the_policy_blocks():
    assert INLINE_SCRIPT.search('<script>draw()</script>')
    assert not INLINE_SCRIPT.search('<script src="/static/a.js" defer></script>')
    assert not INLINE_SCRIPT.search('<script id="c-data" type="application/json">{}</script>')
    assert STYLE_ATTRIBUTE.search('<div class="x" style="width: 5%">')
    assert EVENT_HANDLER.search('<button onclick="go()">')
    assert not EVENT_HANDLER.search('<p>money="£15.4m"</p>')


@pytest.mark.django_db
def test_pages_of_an_empty_tracker_have_nothing_inline(client_for, make_user):
    client = client_for(make_user(ADMIN, is_staff=True, is_superuser=True))
    checked, breaches = breaches_on_every_page(client)
    assert checked >= 10
    assert not breaches
