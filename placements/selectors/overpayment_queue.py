"""The overpayment review queue: flags filtered, searched and sorted as a finance officer asks.

A `QueueQuery` is plain data read from the page's query string (placements.forms
`OverpaymentQueueForm`); `overpayment_queue` turns it into one queryset of plain rows, used
for the page, its CSV and Excel downloads, and the bulk outcome's check of what was chosen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from placements.models import OverpaymentFlag, Provider
from placements.selectors.records import (
    overpayment_flags,
    overpayment_queue_row,
    overpayment_queue_rows,
)
from send_tracker.dataversion import cached_selector

# Sort keys the page offers (?sort=amount&dir=desc) → the columns they order by. Only these
# are accepted; `id` always breaks ties, so a page never shuffles rows of equal value.
SORTS = {
    "found": "found_at",
    "amount": "amount_pence",
    "date": "invoice__period_start",
    "provider": "invoice__provider__name",
}
DEFAULT_SORT = ("found", "desc")


@dataclass(frozen=True)
class QueueQuery:
    """What the queue shows: every field empty or None means "any"."""

    status: str = OverpaymentFlag.Status.OPEN  # an outcome, or "all"
    rule: str = ""
    provider_id: int | None = None
    provision_type: str = ""
    min_pence: int | None = None
    max_pence: int | None = None
    period_from: dt.date | None = None  # invoices whose service period ends on or after
    period_to: dt.date | None = None  # invoices whose service period starts on or before
    search: str = ""
    sort: str = DEFAULT_SORT[0]
    direction: str = DEFAULT_SORT[1]

    @property
    def narrowed(self) -> bool:
        """True when anything beyond the outcome limits the rows (the outcome counts no longer
        give the number of rows)."""
        return any((self.rule, self.provider_id, self.provision_type, self.search,
                    self.min_pence is not None, self.max_pence is not None,
                    self.period_from, self.period_to))


def _ordering(query: QueueQuery) -> list[str]:
    column = SORTS.get(query.sort, SORTS[DEFAULT_SORT[0]])
    sign = "-" if query.direction == "desc" else ""
    return [f"{sign}{column}", f"{sign}id"]


def overpayment_queue_flags(query: QueueQuery) -> QuerySet[OverpaymentFlag]:
    """The flags the query selects, in its order (a queryset of flags, for services too)."""
    flags = overpayment_flags(status=None if query.status == "all" else query.status)
    conditions = Q()
    if query.rule:
        conditions &= Q(rule=query.rule)
    if query.provider_id is not None:
        conditions &= Q(invoice__provider_id=query.provider_id)
    if query.provision_type:
        conditions &= Q(invoice__placement__provision_type=query.provision_type)
    if query.min_pence is not None:
        conditions &= Q(amount_pence__gte=query.min_pence)
    if query.max_pence is not None:
        conditions &= Q(amount_pence__lte=query.max_pence)
    if query.period_from is not None:
        conditions &= Q(invoice__period_end__gte=query.period_from)
    if query.period_to is not None:
        conditions &= Q(invoice__period_start__lte=query.period_to)
    text = query.search.strip()
    if text:
        conditions &= (Q(invoice__ref__icontains=text)
                       | Q(invoice__provider__name__icontains=text)
                       | Q(invoice__provider__ref__icontains=text)
                       | Q(invoice__placement__child__ref__icontains=text))
    return flags.filter(conditions).order_by(*_ordering(query))


def overpayment_queue(query: QueueQuery) -> QuerySet[dict[str, Any]]:
    """The queue's rows (plain values, labelled by `overpayment_queue_row`), in the query's
    order."""
    return overpayment_queue_rows(overpayment_queue_flags(query))


@cached_selector
def overpayment_queue_page(query: QueueQuery, offset: int, limit: int) -> list[dict[str, Any]]:
    """One page of the queue's rows, labelled (`paginate`'s page reader), once per data version
    and query: a five-table join planned and run once, not on every view of the page."""
    return [overpayment_queue_row(row) for row in overpayment_queue(query)[offset:offset + limit]]


@cached_selector
def overpayment_queue_count(query: QueueQuery) -> int:
    """How many flags the query selects, once per data version."""
    return overpayment_queue_flags(query).count()


@cached_selector(share=True)
def overpayment_providers() -> list[tuple[int, str]]:
    """(id, name) of each provider with a flagged invoice, by name: the queue's provider
    filter."""
    return list(Provider.objects.filter(invoices__flags__isnull=False).distinct()
                .order_by("name", "id").values_list("id", "name"))
