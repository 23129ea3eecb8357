"""Each section's sub-navigation, in one place: its pages (URL name, label, who sees it), which
page is current, and the month the user picked, kept in every link.

URL names are strings, so this module knows no app (as `measures.py` names selectors by path).
The month convention is the one query every page reads: `?year=2024-25&period=6`
(programme.views.common.year_period_from, finance.views.common.chosen_period); links from a
page carry it on, so a user who picked P5 stays on P5 as they move between a section's pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import QueryDict
from django.urls import reverse

# The query parameters that choose a month for a page (and nothing else).
MONTH_PARAMS = ("year", "period")


@dataclass(frozen=True)
class Item:
    url_name: str
    label: str
    capability: str | None = None  # shown only to users with it
    also: tuple[str, ...] = field(default=())  # path prefixes of pages under this one


SECTIONS: dict[str, tuple[str, tuple[Item, ...]]] = {
    "programme": ("Programme pages", (
        Item("programme:overview", "Programme overview", also=("/programme/strands/",)),
        Item("programme:raid", "RAID log"),
        Item("programme:kpis", "KPIs"),
        Item("programme:update", "Monthly update", "edit_programme"),
        Item("programme:compliance", "Who has not updated", "view_compliance"),
    )),
    "finance": ("Finance pages", (
        Item("finance:dashboard", "Budget monitoring"),
        Item("finance:pressures", "Pressures and mitigations", also=("/finance/mitigations/",)),
        Item("finance:income", "Income and outturns"),
        Item("finance:agreement", "Safety Valve agreement"),
        Item("finance:trajectory", "Trajectory and scenarios", also=("/finance/scenarios/",)),
    )),
    "placements": ("Placements pages", (
        Item("placements:cohort", "Cohort"),
        Item("placements:benchmarking", "Benchmarking"),
        Item("placements:decisions", "Placement decisions", "view_child_level"),
        Item("placements:overpayments", "Overpayment checks", "review_overpayments"),
        Item("imports:history", "Imports", "import_files"),
    )),
    "board": ("Board summary pages", (
        Item("board:list", "Board summaries", also=("/board/",)),
        Item("board:compare", "Compare months"),
    )),
    "imports": ("Import pages", (
        Item("imports:history", "Imports", also=("/imports/",)),
        Item("import_mappings:list", "Column mappings", "import_files"),
    )),
}


def month_query(query: QueryDict) -> str:
    """The chosen month's part of a query string (`year=2024-25&period=5`), or ``."""
    kept = QueryDict(mutable=True)
    for name in MONTH_PARAMS:
        if query.get(name):
            kept[name] = query[name]
    return kept.urlencode()


def with_month(url: str, query: QueryDict) -> str:
    """`url` with the month chosen in `query` (the page's own), when one was chosen."""
    month = month_query(query)
    if not month:
        return url
    return f"{url}{'&' if '?' in url else '?'}{month}"


def _is_current(item: Item, href: str, path: str, root: str) -> bool:
    """A section's first page is current on itself (and its `also` pages); the others on the
    pages below them too."""
    if path == href or path.startswith(item.also):
        return True
    return href != root and path.startswith(href)


def subnav_items(section: str, *, path: str, query: QueryDict, can) -> dict:
    """The section's links for this user, the month kept, and exactly one marked current
    (the longest match, so `/finance/` is not current on `/finance/pressures/`)."""
    label, items = SECTIONS[section]
    root = reverse(items[0].url_name)
    links = [{"href": reverse(i.url_name), "label": i.label, "item": i}
             for i in items if i.capability is None or can(i.capability)]
    matches = [link for link in links if _is_current(link["item"], link["href"], path, root)]
    current = max(matches, key=lambda link: len(link["href"])) if matches else None
    return {
        "label": label,
        "links": [{"href": with_month(link["href"], query), "label": link["label"],
                   "current": link is current} for link in links],
    }
