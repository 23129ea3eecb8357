"""Audit on the item's own page: a change made through the running tracker shows on the page
of the item changed, with who made it and when, in each app."""

from __future__ import annotations

import re

import pytest

from tests.live.stack import LiveClient

pytestmark = [pytest.mark.slow]

TODAY = "7 Oct 2024"  # the live stack's clock (tests/live/stack.py CLOCK)


def history_section(body: str, heading: str) -> str:
    start = body.find(heading)
    assert start >= 0, heading
    return body[start:start + 20_000]


def test_a_programme_change_shows_on_the_strands_history(live_stack):
    lead = LiveClient(live_stack.url).sign_in("lead-sufficiency")
    fields = lead.form("/programme/update/?year=2024-25&period=7")  # the open period
    fields["updates-0-commentary"] = "History check: commentary changed."
    fields["action"] = "submit"
    status, _ = lead.post("/programme/update/?year=2024-25&period=7", fields)
    assert status == 200  # check your answers
    status, _ = lead.post("/programme/update/check/?year=2024-25&period=7", {})
    assert status == 200  # submitted: the confirmation panel
    _, body = lead.get("/programme/strands/sufficiency/?year=2024-25&period=6")
    section = history_section(body, "History of changes")
    text = re.sub(r"<[^>]+>", " ", section)
    assert "Sufficiency Lead" in text, re.sub(r"\s+", " ", text)[:1500]
    assert TODAY in section


def test_a_finance_change_shows_on_the_items_page(live_stack):
    finance = LiveClient(live_stack.url).sign_in("finance")
    slug = live_stack.db.scalar("SELECT slug FROM finance_scenario WHERE NOT is_baseline "
                                "ORDER BY id LIMIT 1")
    fields = finance.form(f"/finance/scenarios/{slug}/")
    fields["income_growth_pct"] = "2.5" if fields["income_growth_pct"] != "2.5" else "2.6"
    status, _ = finance.post(f"/finance/scenarios/{slug}/", fields)
    assert status == 200
    _, body = finance.get(f"/finance/scenarios/{slug}/")
    section = history_section(body, "<h2 class=\"govuk-heading-m\">Changes</h2>")
    assert re.search(r"Frankie Finance|finance", section)
    assert TODAY in section
    assert "income growth" in section.lower()


def test_a_placements_change_shows_on_the_items_page(live_stack):
    finance = LiveClient(live_stack.url).sign_in("finance")
    flag = live_stack.db.scalar("SELECT min(id) FROM placements_overpaymentflag "
                                "WHERE status = 'open'")
    fields = finance.form(f"/placements/overpayments/{flag}/")
    fields["status"] = "recovered"
    fields["note"] = "Recovered from the provider: history check."
    status, _ = finance.post(f"/placements/overpayments/{flag}/", fields)
    assert status == 200
    _, body = finance.get(f"/placements/overpayments/{flag}/")
    section = history_section(body, ">History<")
    assert "finance" in section.lower()
    assert TODAY in section
    assert "history check" in section
