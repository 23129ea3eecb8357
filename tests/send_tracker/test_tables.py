"""Tables that fit (WCAG 1.4.10, issue 14 part 5): each table in the templates either stacks on a
narrow screen (`app-table--stack`, each body cell led by its column's name) or sits in a
focusable, labelled scroll region; the browser check of every page at 1280 and 320 px is in
tests/journeys/test_accessibility.py."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

TEMPLATES = Path(settings.BASE_DIR) / "templates"
SCROLL_REGION = re.compile(r'<div class="[^"]*app-table-scroll"[^>]*tabindex="0"[^>]*role="region"'
                           r'[^>]*aria-label="[^"]+"[^>]*>\s*$')
PRINT_ONLY = {"board/pack.html"}  # the board pack's PDF: a page of A4, not a screen


def tables():
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = str(path.relative_to(TEMPLATES))
        if name in PRINT_ONLY:
            continue
        text = path.read_text()
        for match in re.finditer(r"<table\b[^>]*>", text):
            end = text.index("</table>", match.start())
            yield name, text[:match.start()], match.group(0), text[match.start():end]


def test_every_table_stacks_or_scrolls_in_a_labelled_focusable_region():
    loose = [name for name, before, tag, _ in tables()
             if "app-table--stack" not in tag and not SCROLL_REGION.search(before)]
    assert not loose


def test_each_cell_of_a_stacked_table_is_led_by_its_columns_name():
    unnamed = []
    for name, _, tag, table in tables():
        if "app-table--stack" not in tag:
            continue
        body = table[table.index("</thead>"):]
        for cell in re.finditer(r"<td\b[^>]*>(.{0,80})", body, re.S):
            opening = cell.group(0)
            # An actions cell (a link or button named in hidden text), a row spanning the
            # table, or one of a row's repeated columns (named by their own header).
            if "data-label" in opening or "colspan" in opening or re.match(
                    r"\s*(\{%.*?%\})*\s*<(a|form|button)\b", cell.group(1)) or re.search(
                    r"\{% for [^%]*%\}\s*$", body[:cell.start()]):
                continue
            unnamed.append((name, opening[:80]))
    assert not unnamed


def test_the_raid_logs_long_mitigation_opens_in_a_details_and_short_text_stays_inline():
    long_text = "Reprofile with the DfE, " * 6
    html = render_to_string("programme/_raid_table.html", {"caption": "RAID", "items": [
        {"id": 1, "title": "A", "kind_label": "Risk", "strand_name": "S", "likelihood": 4,
         "impact": 5, "score": 20, "mitigation": long_text, "status_label": "Open"},
        {"id": 2, "title": "B", "kind_label": "Issue", "strand_name": "S", "likelihood": 1,
         "impact": 2, "score": 2, "mitigation": "Weekly calls", "status_label": "Open"}],
        "editable": None})
    assert html.count('<details class="govuk-details app-table-details">') == 1
    assert long_text.strip() in html  # all of it, in the expander
    assert 'data-label="Mitigation">Weekly calls</td>' in html
    assert "20 (4 × 5)" in html  # the score and its factors share one column


def test_the_trajectorys_cumulative_columns_are_a_second_table():
    point = {"year": 2024, "unmitigated_spend_pence": 1, "mitigated_spend_pence": 1,
             "income_pence": 1, "in_year_deficit_pence": 1, "cap_pence": 1,
             "variance_pence": None, "cumulative_deficit_pence": 1,
             "cumulative_deficit_at_risk_pence": 1, "cumulative_target_pence": 1,
             "instalment_pence": 0}
    html = render_to_string("finance/_points_table.html",
                            {"points": [point], "caption": "Year by year", "scenario_slug": "x"})
    first, second = html.split("</table>")[:2]
    assert "Cumulative" not in first
    assert second.count('scope="col"') == 4
    assert "Cumulative target" in second
