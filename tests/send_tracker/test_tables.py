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


def test_the_points_tables_rows_word_the_variance_and_instalment_and_mark_the_baseline_year():
    """finance/templatetags/trajectory_tables.py writes the rows: each cell led by its column's
    name, the variance over or within the cap, an at-risk instalment in words as well as red,
    and the baseline's as-at year's variance marked as its measure (listed for the page)."""
    import datetime

    from django.test import RequestFactory

    def point(year, variance, instalment, at_risk):
        return {"year": year, "unmitigated_spend_pence": 30_000_000_000,
                "mitigated_spend_pence": 29_000_000_000, "income_pence": 25_000_000_000,
                "in_year_deficit_pence": 4_000_000_000, "cap_pence": 3_900_000_000,
                "variance_pence": variance, "instalment_pence": instalment,
                "instalment_at_risk": at_risk, "cumulative_deficit_pence": 5_550_000_000,
                "cumulative_deficit_at_risk_pence": 7_000_000_000,
                "cumulative_target_pence": 5_000_000_000}

    points = [point(2024, 100_000_000, 2_000_000_000, True), point(2025, -30_000_000, 0, False),
              point(2026, None, 1_000_000_000, False)]
    request = RequestFactory().get("/finance/trajectory/")
    html = render_to_string("finance/_points_table.html", {
        "points": points, "caption": "Year by year", "scenario_slug": "baseline",
        "trajectory_as_at": datetime.date(2024, 9, 30), "trajectory_year": 2024,
    }, request=request)
    first, second = html.split("</table>")[:2]
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", first, re.DOTALL)[1:]
    assert [re.search(r'scope="row"[^>]*>([^<]*)<', r).group(1) for r in rows] == [
        "2024/25", "2025/26", "2026/27"]
    assert 'data-label="Unmitigated spend">£300.0m</td>' in rows[0]
    assert 'data-measure="deficit_after_expected_mitigation_delivery"' in rows[0]
    assert 'data-as-at="2024-09-30" data-value="100000000"' in rows[0]
    assert "£1.0m</span> over</td>" in rows[0]
    assert '<strong class="app-rag app-rag--red">At risk</strong> £20.0m</td>' in rows[0]
    assert 'data-label="Variance to cap">-£300,000 (within)</td>' in rows[1]
    assert 'data-label="Instalment">none</td>' in rows[1]
    assert 'data-label="Variance to cap">–</td>' in rows[2]
    assert "£10.0m not at risk" in rows[2]
    assert request.measures_shown == {"deficit_after_expected_mitigation_delivery": {
        "2024-09-30"}}
    assert 'data-label="Cumulative deficit (at-risk instalments withheld)">£70.0m</td>' in second
    other = render_to_string("finance/_points_table.html", {
        "points": points, "caption": "Year by year", "scenario_slug": "high-growth",
        "trajectory_as_at": datetime.date(2024, 9, 30), "trajectory_year": 2024})
    assert "data-measure" not in other
