"""Small builders for placements test data: explicit values, nothing random."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count

from placements.models import Assessment, Child, Invoice, Placement, Provider

_seq = count(1)

D = dt.date


def provider(*, ref: str | None = None, provision_type: str = "special_independent",
             in_county: bool = True) -> Provider:
    n = next(_seq)
    return Provider.objects.create(
        ref=ref or f"P{n:04d}", name=f"Provider {n}", provision_type=provision_type,
        in_county=in_county,
    )


def child(*, ref: str | None = None, need: str = "ASD", ncy: int = 7,
          ceased: dt.date | None = None) -> Child:
    return Child.objects.create(
        ref=ref or f"C{next(_seq):06d}", ncy=ncy, primary_need=need, locality="North",
        plan_ceased_on=ceased,
    )


def assessment(*, of: Child, requested: dt.date, plan: dt.date | None = None,
               closed: dt.date | None = None, exception: bool = False) -> Assessment:
    return Assessment.objects.create(
        child=of, request_date=requested, final_plan_date=plan, closed_date=closed,
        exception_20wk=exception,
    )


def placement(*, of: Child, at: Provider | None = None, start: dt.date, end: dt.date | None = None,
              cost_pence: int, provision_type: str | None = None, health: str = "0",
              social: str = "0", ref: str | None = None,
              status: str = Placement.Status.ACTIVE) -> Placement:
    at = at or provider()
    return Placement.objects.create(
        ref=ref or f"PL{next(_seq):06d}", child=of, provider=at,
        provision_type=provision_type or at.provision_type, start_date=start, end_date=end,
        annual_cost_pence=cost_pence, health_pct=Decimal(health), social_care_pct=Decimal(social),
        status=status,
    )


def invoice(*, for_: Placement, start: dt.date, end: dt.date, amount_pence: int,
            paid: dt.date | None = None, ref: str | None = None) -> Invoice:
    return Invoice.objects.create(
        ref=ref or f"INV{next(_seq):07d}", provider=for_.provider, placement=for_,
        period_start=start, period_end=end, amount_pence=amount_pence, paid_date=paid,
        status=Invoice.Status.PAID if paid else Invoice.Status.RECEIVED,
    )
