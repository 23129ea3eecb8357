"""Writes of the Safety Valve agreement: versions and reprofiles, targets, instalments,
conditions and monitoring returns."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from finance.models import (
    AgreementTarget,
    AgreementVersion,
    Condition,
    Instalment,
    MonitoringReturn,
    SafetyValveAgreement,
)
from finance.selectors import crossapp
from finance.services.common import save_audited, update_audited
from send_tracker.fiscal import FinancialYear


@transaction.atomic
def agreement_upsert(
    *,
    authority: str,
    signed_on: dt.date,
    total_contribution_pence: int,
    notes: str = "",
    user: Any = None,
) -> SafetyValveAgreement:
    """Create the council's agreement, or update its headline terms."""
    agreement = SafetyValveAgreement.objects.filter(authority=authority).first()
    values = {
        "signed_on": signed_on,
        "total_contribution_pence": total_contribution_pence,
        "notes": notes,
    }
    if agreement is None:
        return save_audited(SafetyValveAgreement(authority=authority, **values), user=user)
    return update_audited(agreement, fields=values, user=user)


@transaction.atomic
def agreement_version_create(
    *,
    agreement: SafetyValveAgreement,
    number: int,
    name: str,
    status: str,
    agreed_on: dt.date | None = None,
    reason: str = "",
    user: Any = None,
) -> AgreementVersion:
    """Add a version with no targets yet (the original, when the agreement is entered)."""
    return save_audited(
        AgreementVersion(
            agreement=agreement,
            number=number,
            name=name,
            status=status,
            agreed_on=agreed_on,
            reason=reason,
        ),
        user=user,
    )


@transaction.atomic
def agreement_version_reprofile(
    *, version: AgreementVersion, name: str, reason: str, user: Any = None
) -> AgreementVersion:
    """A draft reprofile copied from a version, targets and all; the original stays as it was."""
    number = (
        AgreementVersion.objects.filter(agreement=version.agreement).aggregate(n=Max("number"))["n"]
        or 0
    ) + 1
    reprofile = save_audited(
        AgreementVersion(
            agreement=version.agreement,
            number=number,
            name=name,
            based_on=version,
            status=AgreementVersion.Status.DRAFT,
            reason=reason,
        ),
        user=user,
        recompute=False,
    )
    AgreementTarget.objects.bulk_create(
        AgreementTarget(
            version=reprofile,
            year=t.year,
            in_year_cap_pence=t.in_year_cap_pence,
            cumulative_target_pence=t.cumulative_target_pence,
            created_by=user,
            updated_by=user,
        )
        for t in version.targets.all()
    )
    return reprofile


@transaction.atomic
def agreement_version_agree(
    *, version: AgreementVersion, agreed_on: dt.date, user: Any = None
) -> AgreementVersion:
    """Make a draft the version in force; the one it replaces becomes superseded."""
    if version.status != AgreementVersion.Status.DRAFT:
        raise ValidationError("Only a proposed reprofile can be agreed.")
    for old in AgreementVersion.objects.select_for_update().filter(
        agreement=version.agreement, status=AgreementVersion.Status.AGREED
    ):
        update_audited(old, fields={"status": AgreementVersion.Status.SUPERSEDED}, user=user)
    return update_audited(
        version,
        fields={"status": AgreementVersion.Status.AGREED, "agreed_on": agreed_on},
        user=user,
    )


def check_programme_covers(year: FinancialYear) -> None:
    """The agreement's years must lie within the programme's (once the programme is set up):
    its savings targets are what the trajectory counts on for each agreement year."""
    years = crossapp.programme_years()
    if years is not None and year.start_year not in years:
        raise ValidationError({"year": (
            f"{year.label} is outside the programme's years "
            f"({FinancialYear(years.start).label} to {FinancialYear(years.stop - 1).label}): "
            "extend the programme in Set-up first."
        )})


@transaction.atomic
def agreement_target_set(
    *,
    version: AgreementVersion,
    year: FinancialYear,
    in_year_cap_pence: int,
    cumulative_target_pence: int,
    read_version: int | None = None,
    user: Any = None,
) -> AgreementTarget:
    """Set a version's targets for a year (a superseded version is kept as it was)."""
    if version.status == AgreementVersion.Status.SUPERSEDED:
        raise ValidationError("A superseded version is kept as it was; reprofile instead.")
    check_programme_covers(year)
    target = AgreementTarget.objects.filter(version=version, year=year.start_year).first()
    values = {
        "in_year_cap_pence": in_year_cap_pence,
        "cumulative_target_pence": cumulative_target_pence,
    }
    if target is None:
        return save_audited(AgreementTarget(version=version, year=year.start_year, **values),
                            user=user)
    return update_audited(target, fields=values, read_version=read_version, user=user)


@transaction.atomic
def instalment_set(
    *,
    agreement: SafetyValveAgreement,
    year: FinancialYear,
    amount_pence: int,
    due_on: dt.date,
    status: str,
    paid_on: dt.date | None = None,
    read_version: int | None = None,
    user: Any = None,
) -> Instalment:
    """Create or change the instalment of a year (status due, paid, withheld, back-paid)."""
    instalment = Instalment.objects.filter(agreement=agreement, year=year.start_year).first()
    values = {"amount_pence": amount_pence, "due_on": due_on, "status": status, "paid_on": paid_on}
    if instalment is None:
        return save_audited(Instalment(agreement=agreement, year=year.start_year, **values),
                            user=user)
    return update_audited(instalment, fields=values, read_version=read_version, user=user)


@transaction.atomic
def condition_save(
    *,
    agreement: SafetyValveAgreement,
    text: str,
    rag: str,
    evidence: str = "",
    order: int = 0,
    condition: Condition | None = None,
    read_version: int | None = None,
    user: Any = None,
) -> Condition:
    """Add a condition, or change one (its RAG and evidence as it is met)."""
    values = {"text": text, "rag": rag, "evidence": evidence, "order": order}
    if condition is None:
        return save_audited(Condition(agreement=agreement, **values), user=user, recompute=False)
    return update_audited(
        condition, fields=values, read_version=read_version, user=user, recompute=False
    )


@transaction.atomic
def monitoring_return_save(
    *,
    agreement: SafetyValveAgreement,
    title: str,
    due_on: dt.date,
    submitted_on: dt.date | None = None,
    feedback: str = "",
    monitoring_return: MonitoringReturn | None = None,
    read_version: int | None = None,
    user: Any = None,
) -> MonitoringReturn:
    """Add a monitoring return, or record its submission and the DfE's feedback."""
    values = {"title": title, "due_on": due_on, "submitted_on": submitted_on, "feedback": feedback}
    if monitoring_return is None:
        return save_audited(
            MonitoringReturn(agreement=agreement, **values), user=user, recompute=False
        )
    return update_audited(
        monitoring_return, fields=values, read_version=read_version, user=user, recompute=False
    )
