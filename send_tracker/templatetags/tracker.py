"""Template helpers: money in pounds, RAG tags with words, navigation, and the chart component."""

from __future__ import annotations

import datetime
from functools import lru_cache

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from send_tracker import money
from send_tracker.fiscal import FinancialYear, period_label
from send_tracker.forms import error_links

register = template.Library()

RAG_WORDS = {
    "blue": "Blue – delivered",
    "green": "Green – on track",
    "amber": "Amber – at risk",
    "red": "Red – off track",
}


@register.filter
def pounds(pence: int | None) -> str:
    """`£140,000` from pence."""
    return money.format_pounds(pence)


@register.filter
def pounds_pence(pence: int | None) -> str:
    """`£140,000.00` from pence."""
    return money.format_pounds(pence, places=2)


@register.filter(name="money")
def money_short(pence: int | None) -> str:
    """`£15.4m` from pence."""
    return money.format_money(pence)


@register.filter
def change(pence: int | None) -> str:
    """`up £1.2m` / `down £300,000` / `no change`."""
    return money.format_change(pence)


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


@lru_cache(maxsize=128)
def _row_url_pattern(name: str, prefix: str, urlconf: str | None) -> tuple[str, str]:
    head, _, tail = reverse(name, urlconf=urlconf, args=[_ROW_ID]).partition(str(_ROW_ID))
    return head, tail


@register.simple_tag
def row_url(name: str, pk: int) -> str:
    """`{% url name pk %}` for the links on every row of a long table: the URL is reversed once
    per name, then each row's id filled in (a reverse per link took a third of a list's time)."""
    head, tail = _row_url_pattern(name, get_script_prefix(), get_urlconf())
    return f"{head}{int(pk)}{tail}"


@register.simple_tag(takes_context=True)
def chart(context, chart_obj):
    """Render a send_tracker.charts.Chart: the plot, its data table and its CSV link.

    The HTML is kept on the chart for its query string: charts are built once per set of
    figures (memo_pure), so a dashboard renders its tables of figures once, not per request.
    """
    request = context["request"]
    query = request.GET.copy()
    query["csv"] = chart_obj.id
    csv_query = query.urlencode()
    rendered = chart_obj.__dict__.setdefault("_html", {})
    if csv_query not in rendered:
        if len(rendered) > 32:  # many different query strings: keep the memory bounded
            rendered.clear()
        rendered[csv_query] = render_to_string(
            "components/chart.html", {"chart": chart_obj, "csv_query": csv_query})
    return mark_safe(rendered[csv_query])  # noqa: S308 - our own template, autoescaped


class _CachedOnDataNode(template.Node):
    def __init__(self, nodelist: template.NodeList, parts: list) -> None:
        self.nodelist, self.parts = nodelist, parts

    def render(self, context) -> str:
        from send_tracker.dataversion import cached

        name, *key = [str(part.resolve(context)) for part in self.parts]
        return cached(f"fragment:{name}", tuple(key), lambda: self.nodelist.render(context))


@register.tag("cached_on_data")
def cached_on_data(parser, token):
    """`{% cached_on_data "name" key… %}…{% endcached_on_data %}`: the fragment's HTML, rendered
    once per data version and key. The keys must name everything the fragment shows besides
    the database (strand, period, whether the user may edit…); never put a form with a CSRF
    token, or anything else per user or per request, inside."""
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("cached_on_data needs a name")
    nodelist = parser.parse(("endcached_on_data",))
    parser.delete_first_token()
    return _CachedOnDataNode(nodelist, [parser.compile_filter(bit) for bit in bits])


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
