"""The chart component: plot data, the data table and the CSV link carry the same figures."""

from __future__ import annotations

import csv
import io
import json
import re

import plotly.graph_objects as go
import pytest
from django.template import Context, Template
from django.test import RequestFactory

from send_tracker.charts import Chart, base_layout, chart_csv_response
from send_tracker.exports import csv_response, safe_cell

HEADERS = ["Strand", "Target (£)", "Forecast (£)"]
ROWS = [["Sufficiency", 4_700_000, 3_900_000], ["=HYPERLINK(\"x\")", 100, -5]]


def savings_chart() -> Chart:
    figure = go.Figure(go.Bar(x=[r[0] for r in ROWS], y=[r[1] for r in ROWS], name="Target"))
    figure.update_layout(**base_layout())
    return Chart(id="savings", title="Savings by strand", figure=figure, headers=HEADERS,
                 rows=ROWS, display_rows=[["Sufficiency", "£4.7m", "£3.9m"],
                                          ["=HYPERLINK(\"x\")", "£100", "-£5"]])


def render(chart: Chart, path: str = "/programme/?year=2024-25") -> str:
    request = RequestFactory().get(path)
    template = Template("{% load tracker %}{% chart c %}")
    return template.render(Context({"c": chart, "request": request}))


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # the BOM Excel needs to read £
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_component_renders_the_data_table_with_a_row_header_per_row():
    html = render(savings_chart())
    headers = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', html)
    assert headers == HEADERS
    rows = re.findall(r'<tr class="govuk-table__row">\s*<th scope="row"[^>]*>([^<]*)</th>'
                      r'<td[^>]*>([^<]*)</td><td[^>]*>([^<]*)</td>', html)
    assert rows == [("Sufficiency", "£4.7m", "£3.9m"),
                    ("=HYPERLINK(&quot;x&quot;)", "£100", "-£5")]


def test_the_component_links_the_csv_of_the_same_chart_keeping_the_page_query():
    html = render(savings_chart())
    link = re.search(r'<a class="govuk-link" href="([^"]+)" download>', html).group(1)
    assert link == "?year=2024-25&amp;csv=savings"


def test_the_component_embeds_the_figure_as_json_not_as_inline_script():
    html = render(savings_chart())
    data = re.search(r'<script id="savings-data" type="application/json">(.*?)</script>', html,
                     re.DOTALL).group(1)
    figure = json.loads(data)
    assert figure["data"][0]["x"] == ["Sufficiency", "=HYPERLINK(\"x\")"]
    assert 'data-chart="savings-data"' in html
    assert "<script>" not in html  # the content security policy forbids inline scripts


def test_the_csv_response_has_the_raw_rows_of_the_table():
    request = RequestFactory().get("/programme/", {"csv": "savings", "year": "2024-25"})
    response = chart_csv_response(request, [savings_chart()])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="savings.csv"'
    assert csv_rows(response) == [
        HEADERS,
        ["Sufficiency", "4700000", "3900000"],
        ["'=HYPERLINK(\"x\")", "100", "-5"],  # the formula is neutralised, the number kept
    ]


@pytest.mark.parametrize("query", [{}, {"csv": "another-chart"}, {"csv": ""}])
def test_no_csv_is_answered_unless_the_page_has_the_chart_asked_for(query):
    request = RequestFactory().get("/programme/", query)
    assert chart_csv_response(request, [savings_chart()]) is None


def test_display_rows_default_to_the_raw_rows():
    chart = Chart(id="c", title="t", figure=go.Figure(), headers=["a", "b"], rows=[["x", 1]])
    assert chart.display_rows == [["x", 1]]
    assert chart.data_id == "c-data"


@pytest.mark.parametrize("text", ["=1+1", "+44 1632 960000", "-2", "@SUM(A1)", "\tx", "\r=1"])
def test_text_a_spreadsheet_would_run_is_quoted(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-5, 0, 3.5, None, "Sufficiency", "£4.7m", "a=b", ""])
def test_numbers_and_ordinary_text_are_left_alone(value):
    assert safe_cell(value) == value


def test_csv_response_quotes_dangerous_headers_too():
    response = csv_response("x.csv", ["=cmd"], [["ok"]])
    assert csv_rows(response) == [["'=cmd"], ["ok"]]
