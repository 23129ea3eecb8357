"""Pages of a long list: one rule for every paginated page (size, page number, links).

Pages show `PAGE_SIZE` rows with GOV.UK Frontend's pagination component
(`templates/components/pagination.html`): Previous and Next, the first, last, current and
neighbouring page numbers with ellipses between, and "Showing 1 to 25 of 95 items". Each link
keeps the page's active filters. A page number that is not a whole number is page 1; one past
either end is the nearest page (a link from before a change of the data still lands on a page).
Summaries on the same page (counts, totals, matrices) are computed over every filtered row by
the page itself, never from `Paged.items`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 20
PARAM = "page"
# Page numbers either side of the current one in the list of links.
NEIGHBOURS = 1


@dataclass(frozen=True)
class PageLink:
    """One entry of the list of page links: a page number, or an ellipsis (number None)."""

    number: int | None
    href: str = ""
    current: bool = False

    @property
    def ellipsis(self) -> bool:
        return self.number is None


@dataclass(frozen=True)
class Paged:
    """One page of rows and what the pagination component needs to link to the others."""

    items: list[Any]
    number: int
    num_pages: int
    count: int
    per_page: int
    query: Mapping[str, str] = field(default_factory=dict)

    @property
    def start(self) -> int:
        """1-based position of the first row shown (0 when there is none)."""
        return (self.number - 1) * self.per_page + 1 if self.count else 0

    @property
    def end(self) -> int:
        """1-based position of the last row shown."""
        return self.start + len(self.items) - 1 if self.count else 0

    @property
    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    @property
    def previous_href(self) -> str:
        return self.href(self.number - 1) if self.number > 1 else ""

    @property
    def next_href(self) -> str:
        return self.href(self.number + 1) if self.number < self.num_pages else ""

    def href(self, number: int) -> str:
        """A link to page `number` that keeps the active filters."""
        return "?" + urlencode({**self.query, PARAM: number})

    @property
    def links(self) -> list[PageLink]:
        """First, last, current and its neighbours; an ellipsis for each gap."""
        wanted = {1, self.num_pages} | set(
            range(self.number - NEIGHBOURS, self.number + NEIGHBOURS + 1))
        shown = sorted(n for n in wanted if 1 <= n <= self.num_pages)
        links: list[PageLink] = []
        for n in shown:
            if links and n - (links[-1].number or 0) > 1:
                links.append(PageLink(None))
            links.append(PageLink(n, self.href(n), n == self.number))
        return links


def page_number(text: str | None, num_pages: int) -> int:
    """The page asked for, clamped to 1..num_pages; anything not a whole number is page 1."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()):  # no sign, no decimals, no "²"
        return 1
    if len(text.lstrip("0")) > 9:  # far past the end: no need to build a big integer
        return num_pages
    return min(max(int(text), 1), num_pages)


def paginate(
    request: HttpRequest,
    rows: QuerySet | Sequence | Callable[[int, int], list],
    *,
    query: Mapping[str, Any] | None = None,
    count: int | None = None,
    row: Callable[[Any], Any] | None = None,
    per_page: int = PAGE_SIZE,
) -> Paged:
    """The page of `rows` that `?page=` asks for, reading only that page's rows.

    `query` is the page's active filters, kept in every link (empty values are left out).
    `count` is the number of rows when the page already knows it (from its summary
    aggregate), which saves counting them again. `row` turns each row read into what the
    template shows (plain `values()` rows given their labels), for this page's rows only.
    `rows` may instead be a page reader, `rows(offset, limit)` (a cached selector that reads
    one page): then `count` is required.
    """
    reader = rows if callable(rows) else None
    if reader is not None and count is None:
        raise TypeError("paginate: a page reader needs the count")
    if count is None:
        count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    num_pages = max(1, -(-count // per_page))
    number = page_number(request.GET.get(PARAM), num_pages)
    offset = (number - 1) * per_page
    kept = {k: str(v) for k, v in (query or {}).items() if v not in (None, "")}
    items = reader(offset, per_page) if reader is not None else list(
        rows[offset:offset + per_page])
    return Paged(items=[row(r) for r in items] if row else items, number=number,
                 num_pages=num_pages, count=count, per_page=per_page, query=kept)
