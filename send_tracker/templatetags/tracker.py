"""Template helpers: money in pounds, RAG tags with words, navigation, and the chart component."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from send_tracker import money
from send_tracker.fiscal import FinancialYear, period_label
from send_tracker.forms import error_links, escape_text
from send_tracker.rag import RAG_WORDS

register = template.Library()


RAG_COLOURS = ("blue", "green", "amber", "red")


@register.simple_tag
def options(choices, selected) -> str:
    """A `<select>`'s options with the chosen value selected (compared as text, as the browser
    sends it back): one loop in Python, not a template loop per option (350 providers)."""
    chosen = "" if selected is None else str(selected)
    return mark_safe("".join(  # noqa: S308 - every value and label is escaped here
        f'<option value="{escape_text(value)}"{" selected" if str(value) == chosen else ""}>'
        f"{escape_text(label)}</option>" for value, label in choices))


# The money filters' text is made of digits, `£`, `,`, `.`, `m`, `-`, `–` and the words of
# format_change: nothing to escape, so it is marked safe rather than escaped again on every
# one of the hundreds of figures a finance page shows.


@register.filter
def pounds(pence: int | None) -> SafeString:
    """`£140,000` from pence."""
    return SafeString(money.format_pounds(pence))


@register.filter
def pounds_pence(pence: int | None) -> SafeString:
    """`£140,000.00` from pence."""
    return SafeString(money.format_pounds(pence, places=2))


@register.filter(name="money")
def money_short(pence: int | None) -> SafeString:
    """`£15.4m` from pence."""
    return SafeString(money.format_money(pence))


@register.filter
def change(pence: int | None) -> SafeString:
    """`up £1.2m` / `down £300,000` / `no change`."""
    return SafeString(money.format_change(pence))


@register.filter
def fy(value) -> str:
    """`2024/25` from a start year, a slug or a FinancialYear."""
    return FinancialYear.parse(value).label


@register.filter
def period_name(period: int) -> str:
    """`P6 (September)`."""
    return period_label(int(period))


@register.simple_tag
def rag(value: str | None, short: bool = False):
    """A RAG tag: its word is always shown, so colour is never the only signal."""
    if not value:
        return format_html('<span class="app-rag">{}</span>', "Not rated")
    key = str(value).lower()
    short = short and key in RAG_COLOURS
    word = key.capitalize() if short else RAG_WORDS.get(key, key.capitalize())
    return format_html('<span class="app-rag app-rag--{}">{}</span>', key, word)


@register.simple_tag(takes_context=True)
def error_summary_entries(context) -> list[dict]:
    """The entries of components/error_summary.html, from its context (each optional): the
    `form`'s errors linked to their fields, then `errors`, entries already made or plain
    messages (a message, or a list of them) linked to `anchor`."""
    anchor = context.get("anchor") or ""
    entries = error_links(context.get("form") or None, anchor)
    errors = context.get("errors") or []
    for error in [errors] if isinstance(errors, str) else errors:
        if isinstance(error, dict):
            entries.append(error)
        else:
            entries.append({"href": f"#{anchor}" if anchor else "", "text": str(error)})
    return entries


@register.simple_tag(takes_context=True)
def nav_item(context, href: str, label: str):
    """A service navigation link, marked current when the page is under it."""
    path = context["request"].path
    active = path == "/" if href == "/" else path.startswith(href)
    inner = (
        format_html('<strong class="govuk-service-navigation__active-fallback">{}</strong>', label)
        if active
        else label
    )
    return format_html(
        '<li class="govuk-service-navigation__item{}"><a class="govuk-service-navigation__link" '
        'href="{}"{}>{}</a></li>',
        " govuk-service-navigation__item--active" if active else "",
        href,
        mark_safe(' aria-current="page"') if active else "",  # noqa: S308 - a constant
        inner,
    )


# A row id no real row has: reversed once, then replaced by each row's id.
_ROW_ID = 987654321987


@register.simple_tag(takes_context=True)
def row_url(context, name: str, pk: int) -> str:
    """`{% url name pk %}` for the links on every row of a long table: the URL is reversed once
    per name in this rendering, then each row's id filled in (a reverse per link took a third
    of a list's time)."""
    patterns = context.render_context.setdefault("row_url_patterns", {})
    if name not in patterns:
        head, _, tail = reverse(name, args=[_ROW_ID]).partition(str(_ROW_ID))
        patterns[name] = (head, tail)
    head, tail = patterns[name]
    return f"{head}{int(pk)}{tail}"


@register.simple_tag(takes_context=True)
def chart(context, chart_obj):
    """A send_tracker.charts.Chart: the plot, its data table and its CSV link (its HTML is made
    when the chart is built; only the link's query string is this request's: the page's own
    query, encoded once per rendering, and the chart's `csv=` id)."""
    page_query = context.render_context.get("chart_page_query")
    if page_query is None:
        query = context["request"].GET.copy()
        query.pop("csv", None)
        page_query = context.render_context["chart_page_query"] = query.urlencode()
    own = urlencode({"csv": chart_obj.id})
    head, tail = chart_obj.html_parts
    return mark_safe(  # noqa: S308 - our own template, autoescaped; the query escaped here
        head + escape_text(f"{page_query}&{own}" if page_query else own) + tail)


def _show_measure(measure, value, fmt: str = "") -> str:
    if value is None:
        return "–"
    if measure.unit == "pence":
        return money.format_pounds(value) if fmt == "pounds" else money.format_money(value)
    if measure.unit == "percent":
        return f"{value}%"
    return f"{int(value):,}"


@register.simple_tag(takes_context=True)
def measure(context, code: str, value, as_at, fmt: str = "", shown: str = ""):
    """A figure of the registry of measures (send_tracker/measures.py), marked with its code,
    its as-at date and its raw value, and described by its definition at the foot of the page.

    `{% measure 'backlog_over_16_weeks' value as_at %}`; `fmt='pounds'` for `£27,123`;
    `shown=words` when the page words the value itself (`£10.0m above the cap`).
    """
    from send_tracker import measures

    found = measures.get(code)
    as_at_text = as_at.isoformat() if hasattr(as_at, "isoformat") else str(as_at or "")
    request = context.get("request")
    if request is not None:
        recorded = getattr(request, "measures_shown", None)
        if recorded is None:
            recorded = request.measures_shown = {}
        recorded.setdefault(code, set()).add(as_at_text)
    return format_html(
        '<span class="app-measure" data-measure="{}" data-as-at="{}" data-value="{}" '
        'aria-describedby="measure-{}">{}</span>',
        code, as_at_text, "" if value is None else value, code,
        shown or _show_measure(found, value, fmt),
    )


@register.inclusion_tag("components/measure_definitions.html", takes_context=True)
def measure_definitions(context):
    """Definitions and sources of the measures the page showed (the `measure` tag records them;
    a page whose figures are in a cached fragment names them in `page_measures`)."""
    from send_tracker import measures

    request = context.get("request")
    shown: dict = dict(getattr(request, "measures_shown", None) or {})
    for code, as_at in context.get("page_measures") or []:
        shown.setdefault(code, set()).add(as_at.isoformat() if as_at else "")
    rows = [
        {"measure": m,
         "as_at": [datetime.date.fromisoformat(d) for d in sorted(d for d in shown[m.code] if d)]}
        for m in measures.MEASURES.values() if m.code in shown
    ]
    return {"rows": rows}


@register.inclusion_tag("components/subnav.html", takes_context=True)
def subnav(context, section: str):
    """A section's sub-navigation (send_tracker.navigation): the user's links, the page's chosen
    month kept in each, the current page marked with aria-current."""
    from send_tracker import navigation, permissions

    request = context["request"]
    return {"nav": navigation.subnav_items(
        section, path=request.path, query=request.GET,
        can=lambda capability: permissions.can(request.user, capability))}


@register.simple_tag(takes_context=True)
def with_month(context, url: str) -> str:
    """This URL with the month the user picked for the page (`?year=…&period=…`), if any."""
    from send_tracker.navigation import with_month as keep

    return keep(url, context["request"].GET)


@register.simple_tag
def term(word: str, shown: str = ""):
    """A word linked to its glossary entry (abbreviations expanded in an `<abbr>`); the word as
    written (`shown`, else `word`) is what the page shows."""
    from send_tracker.glossary import term as lookup

    entry = lookup(word)
    text = shown or word
    if entry is None:
        raise template.TemplateSyntaxError(f"{word!r} is not in the glossary")
    href = f"{reverse('glossary')}#{entry.slug}"
    if entry.expansion and entry.expansion.lower() != text.lower():
        return format_html(
            '<a class="govuk-link app-term" href="{}"><abbr title="{}">{}</abbr></a>',
            href, entry.expansion, text)
    return format_html('<a class="govuk-link app-term" href="{}">{}</a>', href, text)


@register.inclusion_tag("components/data_month.html", takes_context=True)
def data_month(context, code: str, latest=None):
    """"Latest ledger: P5 2024/25" when the source is older than the month the page shows (the
    month chosen in the query, else the reporting month); nothing when it is up to date.
    `latest`: the source's newest month, when the view has read it already."""
    from send_tracker import datamonths
    from send_tracker.fiscal import parse_period

    query = context["request"].GET
    shown = None
    try:
        if query.get("year") and query.get("period"):
            shown = (FinancialYear.parse(query["year"]), parse_period(query["period"]))
    except ValueError:
        shown = None  # the page reports a malformed month itself
    return {"lag": datamonths.lag(code, shown=shown, latest=latest or None)}


@register.simple_tag(takes_context=True)
def month_url(context, name: str, *args) -> str:
    """`{% url name *args %}` with the month the user picked for this page kept in it."""
    from send_tracker.navigation import with_month as keep

    return keep(reverse(name, args=args), context["request"].GET)


def _local(value):
    """An aware datetime in local time, as Django's date filter shows it; a date as it is."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _day(value, month: str) -> str:
    if not value:
        return ""
    value = _local(value)
    return f"{value.day} {value:{month}} {value.year}"


@register.filter
def long_date(value) -> str:
    """`29 November 2026`: the tracker's DATE_FORMAT (send_tracker/formats), as Django's
    `date` filter writes it but without its format machinery (pages show dozens)."""
    return _day(value, "%B")


@register.filter
def short_date(value) -> str:
    """`29 Nov 2026`: the tracker's SHORT_DATE_FORMAT, for tables."""
    return _day(value, "%b")


@register.filter
def short_datetime(value) -> str:
    """`29 Nov 2026 14:05`: the tracker's SHORT_DATETIME_FORMAT, in local time, for tables."""
    return f"{_day(value, '%b')} {_local(value):%H:%M}" if value else ""


@register.filter
def isodate(value) -> str:
    """A date or datetime kept as ISO text (a frozen snapshot) in the one date format."""
    from django.utils import formats
    from django.utils.dateparse import parse_datetime

    if not value:
        return ""
    parsed = parse_datetime(str(value))
    if parsed is None:
        parsed = datetime.date.fromisoformat(str(value)[:10])
    return formats.date_format(parsed.date() if isinstance(parsed, datetime.datetime) else parsed)
