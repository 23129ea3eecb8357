"""Words, numbers, dates and navigation (issue 14 parts 1 and 8): one sub-navigation marking the
current page and keeping the chosen month, the API out of the main navigation, labels instead of
codes, one date format, a glossary linked where its words appear, "No target", and the notice
when a source of data is older than the month a page shows."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.http import QueryDict
from django.template import Context, Template, TemplateSyntaxError
from django.urls import reverse

from send_tracker import datamonths, navigation
from send_tracker.permissions import ADMIN, DIRECTOR, FINANCE, LEAD, PROGRAMME_MANAGER
from tests.finance.conftest import small_finance  # noqa: F401 (a fixture)
from tests.programme import builders as build
from tests.send_tracker.test_access import URLS

SUBNAV = re.compile(r'(?s)<nav class="app-subnav[^"]*" aria-label="([^"]+)">(.*?)</nav>')
MAIN_NAV = re.compile(r'(?s)<nav aria-label="Menu".*?</nav>')
# A snake_case code in the text a user reads (file names like `ceased_plans.csv` are citations).
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b(?!\.[a-z])")
# A whole number shown with a decimal point (`520.0`), not money (`£10.0m`), a percentage or an
# s251 line code (`1.0.2`).
POINT_ZERO = re.compile(r"(?<![£\d.,])\d[\d,]*\.0\b(?![\d%.]|m\b|bn\b)")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# A label followed by itself as a code: "Baseline (baseline)" (a person's "Alex Admin (admin)"
# names them and their username: the word before it is part of the name).
SAID_TWICE = re.compile(r"(?i)(?<![a-z] )\b([\w-]+) \(\1\)")


def visible_text(html: str) -> str:
    """The text a user reads: no scripts, comments, tags or `<code>` (a cited file's columns)."""
    html = re.sub(r"(?s)<(script|style|template|code)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<!--.*?-->", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def current_items(html: str) -> list[str]:
    """The labels marked aria-current in the page's sub-navigation."""
    match = SUBNAV.search(html)
    if not match:
        return []
    return re.findall(r'aria-current="page">([^<]+)</a>', match.group(2))


# ---- the sub-navigation --------------------------------------------------------------------

def _nav(section: str, path: str, query: str = "", can=lambda capability: True) -> dict:
    return navigation.subnav_items(section, path=path, query=QueryDict(query), can=can)


@pytest.mark.parametrize(("section", "path", "current"), [
    ("finance", "/finance/", "Budget monitoring"),
    ("finance", "/finance/pressures/", "Pressures and mitigations"),
    ("finance", "/finance/mitigations/3/", "Pressures and mitigations"),
    ("finance", "/finance/scenarios/baseline/", "Trajectory and scenarios"),
    ("programme", "/programme/strands/send-sufficiency/", "Programme overview"),
    ("programme", "/programme/raid/", "RAID log"),
    ("board", "/board/2024-25/6/", "Board summaries"),
    ("board", "/board/compare/", "Compare months"),
    ("imports", "/imports/mappings/", "Column mappings"),
    ("imports", "/imports/ledger/", "Imports"),
])
def test_exactly_one_page_of_a_section_is_current(section, path, current):
    links = _nav(section, path)["links"]

    assert [link["label"] for link in links if link["current"]] == [current]


def test_a_step_below_a_page_marks_that_page_and_a_page_outside_them_marks_none():
    def current(path: str) -> list[str]:
        return [link["label"] for link in _nav("programme", path)["links"] if link["current"]]

    assert current("/programme/update/check/") == ["Monthly update"]
    assert current("/programme/milestones/1/edit/") == []


def test_the_subnav_links_keep_the_chosen_month_and_nothing_else():
    links = _nav("finance", "/finance/", "year=2024-25&period=5&csv=forecast-by-period")["links"]

    assert {link["href"].partition("?")[2] for link in links} == {"year=2024-25&period=5"}


def test_the_subnav_links_carry_no_month_when_none_was_chosen():
    assert all("?" not in link["href"] for link in _nav("finance", "/finance/")["links"])


def test_the_subnav_leaves_out_pages_the_user_cannot_open():
    labels = [link["label"] for link in _nav("programme", "/programme/", can=lambda c: False)
              ["links"]]

    assert labels == ["Programme overview", "RAID log", "KPIs"]


@pytest.mark.django_db
def test_a_section_page_marks_its_own_subnav_item_and_keeps_the_month(director_client):
    html = director_client.get("/programme/raid/?year=2024-25&period=4").content.decode()

    assert current_items(html) == ["RAID log"]
    label, body = SUBNAV.search(html).groups()
    assert label == "Programme pages"
    assert 'href="/programme/kpis/?year=2024-25&amp;period=4"' in body


# ---- the main navigation and the footer ----------------------------------------------------

@pytest.mark.django_db
def test_the_api_is_in_the_footer_not_the_main_navigation(director_client):
    html = director_client.get("/programme/").content.decode()

    assert "/api/docs/" not in MAIN_NAV.search(html).group(0)
    footer = html[html.index('<footer'):]
    assert 'href="/api/docs/">API for developers</a>' in footer
    assert 'href="/glossary/">Glossary</a>' in footer


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "shown"), [(FINANCE, True), (ADMIN, True), (DIRECTOR, False),
                                             (LEAD, False), (PROGRAMME_MANAGER, False)])
def test_imports_are_in_the_main_navigation_of_those_who_load_files(client_for, make_user, role,
                                                                    shown):
    html = client_for(make_user(role)).get("/programme/").content.decode()

    assert ('href="/imports/"' in MAIN_NAV.search(html).group(0)) is shown


# ---- "No target" ---------------------------------------------------------------------------

def test_the_rag_tag_says_no_target_for_a_strand_without_one():
    html = Template('{% load tracker %}{% rag "none" %}|{% rag "none" short=True %}').render(
        Context())

    assert html.count(">No target</span>") == 2
    assert "Green" not in html


@pytest.mark.django_db
def test_a_strand_with_no_target_reads_no_target_not_green(director_client):
    strand = build.strand("Untargeted")
    build.update(build.project(strand), 1, forecast=50_000, delivered=10_000)

    html = director_client.get("/programme/?year=2024-25&period=1").content.decode()

    row = re.search(r"(?s)Untargeted</a></th>(.*?)</tr>", html).group(1)
    assert "No target" in row
    assert "on track" not in row


# ---- the glossary --------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_glossary_defines_the_words_the_pages_use(director_client):
    html = director_client.get("/glossary/").content.decode()

    for slug in ("period", "raid", "dsg", "high-needs", "inmss", "safety-valve", "balancing-item",
                 "ehcp", "brag"):
        assert f'id="{slug}"' in html
    assert "P12 March" in html


def test_a_term_links_to_its_entry_and_expands_an_abbreviation():
    html = Template('{% load tracker %}{% term "DSG" %} {% term "high needs" shown="High Needs '
                    'Block" %}').render(Context())

    assert '<a class="govuk-link app-term" href="/glossary/#dsg"><abbr title="Dedicated Schools '\
           'Grant">DSG</abbr></a>' in html
    assert 'href="/glossary/#high-needs">High Needs Block</a>' in html


def test_a_word_missing_from_the_glossary_is_an_error_not_a_silent_gap():
    with pytest.raises(TemplateSyntaxError):
        Template('{% load tracker %}{% term "Frobnication" %}').render(Context())


@pytest.mark.django_db
def test_pages_link_their_words_to_the_glossary(director_client):
    assert 'href="/glossary/#dsg"' in director_client.get("/finance/income/").content.decode()
    assert 'href="/glossary/#raid"' in director_client.get("/programme/raid/").content.decode()


# ---- one date format -----------------------------------------------------------------------

def test_dates_read_one_way_in_text_and_one_way_in_tables():
    html = Template('{{ d }}|{{ d|date:"SHORT_DATE_FORMAT" }}|{% load tracker %}'
                    '{{ iso|isodate }}').render(
        Context({"d": dt.date(2026, 11, 29), "iso": "2024-10-03T09:15:00+00:00"}))

    assert html == "29 November 2026|29 Nov 2026|3 October 2024"


# ---- the month a page shows and how old its data is ----------------------------------------

@pytest.mark.django_db
def test_finance_pages_default_to_the_reporting_month_not_the_newest_ledger(
        finance_client, small_finance, reporting_calendar):  # noqa: F811
    reporting_calendar(2024, 1)  # the ledger holds P1 and P2; P1 is the reporting month

    html = finance_client.get("/finance/").content.decode()

    assert "Budget monitoring: 2024/25 P1 (April)" in html
    assert "data-data-month" not in html


@pytest.mark.django_db
def test_a_page_whose_ledger_lags_the_reporting_month_says_so(
        finance_client, small_finance, reporting_calendar):  # noqa: F811
    reporting_calendar(2024, 6)  # the ledger stops at P2

    html = finance_client.get("/finance/").content.decode()

    assert "Budget monitoring: 2024/25 P2 (May)" in html  # the newest before it, not a blank P6
    notice = re.search(r'(?s)<div class="govuk-inset-text" data-data-month="ledger">(.*?)</div>',
                       html).group(1)
    assert "Latest ledger: P2 2024/25." in notice
    assert "P6 2024/25" in notice
    assert "data-data-month" in finance_client.get("/").content.decode()


@pytest.mark.django_db
def test_no_lag_notice_for_a_month_the_ledger_holds(
        finance_client, small_finance, reporting_calendar):  # noqa: F811
    reporting_calendar(2024, 6)

    html = finance_client.get("/finance/?year=2024-25&period=2").content.decode()

    assert "data-data-month" not in html
    assert 'href="/finance/pressures/?year=2024-25&amp;period=2"' in html


@pytest.mark.django_db
def test_each_source_gives_its_newest_month(small_finance):  # noqa: F811
    from programme.models import Kpi, KpiReading

    assert datamonths.latest_month("ledger")[1] == 2
    assert datamonths.latest_month("invoices") is None  # nothing loaded: no notice either
    assert datamonths.lag("invoices") is None
    kpi = Kpi.objects.create(name="K", slug="k", unit="percent", baseline_date=dt.date(2023, 1, 31),
                             baseline_value=1, target_date=dt.date(2026, 3, 31), target_value=2)
    KpiReading.objects.create(kpi=kpi, date=dt.date(2024, 7, 31), kind="actual", value=1)
    year, period = datamonths.latest_month("kpi")
    assert (year.label, period) == ("2024/25", 4)


@pytest.mark.django_db
def test_a_link_with_the_month_shows_the_cohort_at_that_months_end(director_client):
    html = director_client.get("/placements/?year=2024-25&period=5").content.decode()

    assert "The EHCP cohort on 31 August 2024" in html


# ---- every page, as every role -------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.django_db
def test_every_page_reads_as_words_for_every_role(client_for, make_user):
    """Walk every page from the URL resolver, plus each item page of the demo, as each role."""
    from finance.board.models import BoardSummary
    from finance.models import Scenario
    from programme.models import Strand

    call_command("seed_demo", "--force", verbosity=0)
    paths = [u.path for u in URLS
             if not u.path.startswith(("/admin/", "/api/")) and u.name != "logout"]
    paths += [f"/board/{s.year}-{(s.year + 1) % 100:02d}/{s.period}/"
              for s in BoardSummary.objects.all()]
    paths += [f"/programme/strands/{s.slug}/" for s in Strand.objects.all()]
    paths += [f"/finance/scenarios/{s.slug}/" for s in Scenario.objects.all()]
    section_pages = {link_path for _, items in navigation.SECTIONS.values()
                     for link_path in (reverse(i.url_name) for i in items)}
    problems: dict[str, set[str]] = defaultdict(set)
    walked = 0
    for role in (ADMIN, FINANCE, DIRECTOR, LEAD, PROGRAMME_MANAGER):
        client = client_for(make_user(role, is_staff=role == ADMIN))
        for path in paths:
            response = client.get(path)
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            walked += 1
            html = response.content.decode()
            text = visible_text(html)
            for kind, pattern in (("code", SNAKE), ("count with .0", POINT_ZERO),
                                  ("ISO date", ISO_DATE)):
                for match in pattern.finditer(text):
                    problems[f"{kind} {match.group(0)!r}"].add(path)
            # The page's own words, not the header's "admin (Administrator)".
            main = visible_text(html[html.find("<main"):html.find("</main>")])
            for match in SAID_TWICE.finditer(main):
                problems[f"said twice {match.group(0)!r}"].add(path)
            current = current_items(html)
            if len(current) > 1 or (path in section_pages and SUBNAV.search(html)
                                    and len(current) != 1):
                problems[f"subnav current {current}"].add(path)
            title = html[html.find("<title>") + 7:html.find("</title>")]
            if "<" in title or len(title) > 200:  # a block left open swallows the page
                problems["markup in the page title"].add(path)
            nav = MAIN_NAV.search(html)
            if nav and "/api/docs/" in nav.group(0):
                problems["API in the main navigation"].add(path)

    assert walked > 100
    assert not {key: sorted(paths)[:5] for key, paths in problems.items()}


# ---- money within a chart ------------------------------------------------------------------

@pytest.mark.django_db  # a chart builder is a cached selector: it reads the data version
def test_one_chart_shows_its_money_in_one_unit():
    from finance.charts import strands_chart

    chart = strands_chart([{"name": "A", "target_pence": 500_000_000,
                            "forecast_pence": 80_000_000, "delivered_pence": 0}],
                          year_label="2024/25")

    assert chart.display_rows == [["A", "£5.0m", "£0.8m", "£0.0m"]]  # not "£800,000", "£0"


def test_small_sums_in_a_chart_stay_in_pounds():
    from send_tracker.money import money_formatter

    money = money_formatter([14_000_000, 600_000, None])

    assert [money(v) for v in (14_000_000, 600_000)] == ["£140,000", "£6,000"]


@pytest.mark.django_db
def test_the_decision_log_defaults_to_the_reporting_months_year(finance_client,
                                                               reporting_calendar):
    reporting_calendar(2023, 12)  # P12 2023/24 (March 2024) is the reporting month

    html = finance_client.get("/placements/decisions/").content.decode()

    assert "<title>Placement decisions 2023/24" in html
