"""Reads of the Safety Valve agreement: versions, targets, instalments, conditions, returns."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from finance.models import (
    AgreementTarget,
    AgreementVersion,
    Condition,
    Instalment,
    MonitoringReturn,
    SafetyValveAgreement,
)
from send_tracker.dataversion import cached_selector
from send_tracker.fiscal import FinancialYear


def agreement_get() -> SafetyValveAgreement | None:
    """The council's agreement (one per council; the newest if several were entered)."""
    return _newest_agreement().first()


def _newest_agreement() -> QuerySet[SafetyValveAgreement]:
    return SafetyValveAgreement.objects.order_by("-signed_on", "-pk")


def agreement_overdue(*, as_at) -> dict[str, list]:
    """The agreement's monitoring returns not submitted and instalments still due, whose due
    date is before `as_at` (the end of the reporting month): two queries, no agreement read."""
    newest = _newest_agreement().values("pk")[:1]
    returns = list(MonitoringReturn.objects.filter(
        agreement__in=newest, submitted_on__isnull=True, due_on__lt=as_at).order_by("due_on"))
    instalments = [
        i for i in Instalment.objects.filter(agreement__in=newest, status=Instalment.Status.DUE,
                                             due_on__lt=as_at).order_by("year")
        if i.status_as_at(as_at) == "Overdue"  # the agreement page's rule; the query narrows
    ]
    return {"returns": returns, "instalments": instalments}


def current_version(agreement: SafetyValveAgreement | None = None) -> AgreementVersion | None:
    """The agreed version in force (the newest agreed; else the original)."""
    qs = AgreementVersion.objects.all()
    if agreement is not None:
        qs = qs.filter(agreement=agreement)
    return (
        qs.filter(status=AgreementVersion.Status.AGREED).order_by("-number").first()
        or qs.order_by("number").first()
    )


def current_targets() -> dict[int, AgreementTarget]:
    """Year → target of the version in force."""
    version = current_version(agreement_get())
    if version is None:
        return {}
    return {t.year: t for t in version.targets.all()}


def cap_for(*, year: FinancialYear) -> int | None:
    """The in-year deficit cap of the version in force for a year (one query)."""
    row = (
        AgreementTarget.objects.filter(year=year.start_year)
        .filter(Q(version__status=AgreementVersion.Status.AGREED) | Q(version__number=0))
        .order_by("-version__agreement__signed_on", "-version__agreement_id",
                  "-version__number")
        .values_list("version__status", "in_year_cap_pence")[:2]
    )
    rows = list(row)
    agreed = [cap for status, cap in rows if status == AgreementVersion.Status.AGREED]
    return agreed[0] if agreed else (rows[0][1] if rows else None)


def versions_with_targets(agreement: SafetyValveAgreement) -> list[AgreementVersion]:
    """Every version of the agreement with its targets prefetched."""
    return list(
        AgreementVersion.objects.filter(agreement=agreement)
        .prefetch_related(Prefetch("targets", queryset=AgreementTarget.objects.order_by("year")))
        .order_by("number")
    )


def version_comparison(versions: list[AgreementVersion]) -> dict:
    """A year × version table of caps and cumulative targets, with the change from the first."""
    years = sorted({t.year for v in versions for t in v.targets.all()})
    rows = []
    for year in years:
        cells = []
        base = None
        for index, version in enumerate(versions):
            target = next((t for t in version.targets.all() if t.year == year), None)
            if index == 0:
                base = target
            cells.append(
                {
                    "cap_pence": target.in_year_cap_pence if target else None,
                    "cumulative_pence": target.cumulative_target_pence if target else None,
                    "cap_change_pence": (target.in_year_cap_pence - base.in_year_cap_pence)
                    if target and base and index
                    else None,
                    "cumulative_change_pence": (
                        target.cumulative_target_pence - base.cumulative_target_pence
                    )
                    if target and base and index
                    else None,
                }
            )
        rows.append({"year": year, "cells": cells})
    return {"versions": versions, "rows": rows}


@cached_selector(share=True)
def agreement_page(*, as_at: dt.date) -> dict[str, Any] | None:
    """What the agreement page shows, as plain rows: the terms, every version with the years
    it sets targets for, the year × version comparison, and the instalments (their status as
    at `as_at`, the end of the reporting month), conditions and returns. None without an
    agreement."""
    found = agreement_get()
    if found is None:
        return None
    versions = versions_with_targets(found)
    comparison = version_comparison(versions)
    current = next((v for v in versions if v.status == AgreementVersion.Status.AGREED), None)
    return {
        "agreement": {"authority": found.authority, "notes": found.notes,
                      "signed_on": found.signed_on,
                      "total_contribution_pence": found.total_contribution_pence},
        "comparison": {"rows": comparison["rows"], "versions": [
            {"pk": v.pk, "name": v.name, "reason": v.reason, "status": v.status,
             "status_label": v.get_status_display(),
             "target_years": [t.year for t in v.targets.all()]} for v in versions]},
        "current": {"name": current.name} if current else None,
        "instalments": [
            {"pk": i.pk, "year": i.year, "amount_pence": i.amount_pence, "due_on": i.due_on,
             "paid_on": i.paid_on, "shown_status": i.status_as_at(as_at)}
            for i in found.instalments.all()],
        "conditions": list(found.conditions.values("pk", "text", "evidence", "rag")),
        "returns": list(found.returns.values("pk", "title", "due_on", "submitted_on",
                                             "feedback")),
    }


def instalments(agreement: SafetyValveAgreement | None = None) -> QuerySet[Instalment]:
    """Instalments, in display order."""
    qs = Instalment.objects.all()
    return qs.filter(agreement=agreement) if agreement is not None else qs


def conditions(agreement: SafetyValveAgreement | None = None) -> QuerySet[Condition]:
    """Conditions, in display order."""
    qs = Condition.objects.all()
    return qs.filter(agreement=agreement) if agreement is not None else qs


def monitoring_returns(agreement: SafetyValveAgreement | None = None) -> QuerySet[MonitoringReturn]:
    """Monitoring returns, in display order."""
    qs = MonitoringReturn.objects.all()
    return qs.filter(agreement=agreement) if agreement is not None else qs
