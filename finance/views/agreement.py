"""Safety Valve agreement pages: versions compared, targets, instalments, conditions, returns.

Read by every role; changed by finance officers (edit_finance).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from finance import selectors, services
from finance.forms import (
    ConditionForm,
    InstalmentForm,
    MonitoringReturnForm,
    ReprofileForm,
    TargetForm,
)
from finance.models import (
    AgreementTarget,
    AgreementVersion,
    Condition,
    Instalment,
    MonitoringReturn,
)
from finance.views.common import form_page
from send_tracker.fiscal import FinancialYear
from send_tracker.history import item_history
from send_tracker.money import to_pounds
from send_tracker.permissions import capability_required
from send_tracker.reporting import reporting_month_end


def _agreement():
    agreement = selectors.agreement_get()
    if agreement is None:
        raise Http404("No Safety Valve agreement has been entered yet.")
    return agreement


@capability_required("view_aggregates")
def agreement(request: HttpRequest) -> HttpResponse:
    """The agreement: headline terms, every version's targets side by side, payments, conditions
    and monitoring returns. "Overdue" is judged as at the end of the reporting month, not by
    the wall clock."""
    as_at = reporting_month_end()
    page = selectors.agreement_page(as_at=as_at)
    return render(request, "finance/agreement.html", {**(page or {"agreement": None}),
                                                        "today": as_at})


@capability_required("edit_finance")
def reprofile_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a reprofile from a version: a draft copy of its targets to change."""
    version = get_object_or_404(AgreementVersion, pk=pk)
    form = ReprofileForm(request.POST or None, initial={"name": f"Reprofile {version.number + 1}"})
    created = {}

    def save(f) -> None:
        created["version"] = services.agreement_version_reprofile(
            version=version, user=request.user, **f.cleaned_data
        )

    response = form_page(
        request,
        form=form,
        template="finance/form.html",
        context={"title": f"Reprofile “{version.name}”", "back": reverse("finance:agreement")},
        save=save,
        success_url=reverse("finance:agreement"),
        success_message="Reprofile created as a proposal: change its targets "
        "below, then mark it agreed.",
    )
    return response


@require_POST
@capability_required("edit_finance")
def version_agree(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a proposed reprofile as agreed with the DfE (the version in force)."""
    version = get_object_or_404(AgreementVersion, pk=pk)
    try:
        services.agreement_version_agree(
            version=version, agreed_on=timezone.localdate(), user=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"“{version.name}” is now the agreement in force.")
    return redirect("finance:agreement")


@capability_required("edit_finance")
def target_edit(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """Change a proposed version's cap and cumulative target for a year."""
    version = get_object_or_404(AgreementVersion, pk=pk)
    target = AgreementTarget.objects.filter(version=version, year=year).first()
    form = TargetForm(
        request.POST or None,
        initial={
            "in_year_cap_pence": to_pounds(target.in_year_cap_pence) if target else None,
            "cumulative_target_pence": (
                to_pounds(target.cumulative_target_pence) if target else None
            ),
            "read_version": target.edit_version if target else None,
        },
    )
    return form_page(
        request,
        form=form,
        template="finance/form.html",
        context={
            "title": f"{version.name}: targets for {FinancialYear(year).label}",
            "back": reverse("finance:agreement"),
        },
        save=lambda f: services.agreement_target_set(
            version=version, year=FinancialYear(year), user=request.user, **f.cleaned_data
        ),
        success_url=reverse("finance:agreement"),
        success_message="Targets saved.",
    )


@capability_required("edit_finance")
def instalment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Record an instalment's status: due, paid, withheld or back-paid."""
    instalment = get_object_or_404(Instalment, pk=pk)
    form = InstalmentForm(
        request.POST or None,
        initial={
            "amount_pence": to_pounds(instalment.amount_pence),
            "due_on": instalment.due_on,
            "status": instalment.status,
            "paid_on": instalment.paid_on,
            "read_version": instalment.version,
        },
    )
    return form_page(
        request,
        form=form,
        template="finance/form.html",
        context={
            "title": f"Instalment for {FinancialYear(instalment.year).label}",
            "back": reverse("finance:agreement"),
            "history": item_history(instalment, limit=20),
        },
        save=lambda f: services.instalment_set(
            agreement=instalment.agreement,
            year=FinancialYear(instalment.year),
            user=request.user,
            **f.cleaned_data,
        ),
        success_url=reverse("finance:agreement"),
        success_message="Instalment saved.",
    )


@capability_required("edit_finance")
def condition_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add a condition of the agreement, or change its RAG and evidence."""
    condition = get_object_or_404(Condition, pk=pk) if pk else None
    initial = {"order": 0}
    if condition is not None:
        initial = {
            "text": condition.text,
            "rag": condition.rag,
            "evidence": condition.evidence,
            "order": condition.order,
            "read_version": condition.version,
        }
    form = ConditionForm(request.POST or None, initial=initial)
    found = condition.agreement if condition else _agreement()
    return form_page(
        request,
        form=form,
        template="finance/form.html",
        context={
            "title": "Change a condition" if condition else "Add a condition",
            "back": reverse("finance:agreement"),
            "history": item_history(condition, limit=20) if condition else None,
        },
        save=lambda f: services.condition_save(
            agreement=found, condition=condition, user=request.user, **f.cleaned_data
        ),
        success_url=reverse("finance:agreement"),
        success_message="Condition saved.",
    )


@capability_required("edit_finance")
def return_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add a monitoring return, or record its submission and the DfE's feedback."""
    item = get_object_or_404(MonitoringReturn, pk=pk) if pk else None
    initial = {}
    if item is not None:
        initial = {
            "title": item.title,
            "due_on": item.due_on,
            "submitted_on": item.submitted_on,
            "feedback": item.feedback,
            "read_version": item.version,
        }
    form = MonitoringReturnForm(request.POST or None, initial=initial)
    found = item.agreement if item else _agreement()
    return form_page(
        request,
        form=form,
        template="finance/form.html",
        context={
            "title": "Change a monitoring return" if item else "Add a monitoring return",
            "back": reverse("finance:agreement"),
            "history": item_history(item, limit=20) if item else None,
        },
        save=lambda f: services.monitoring_return_save(
            agreement=found, monitoring_return=item, user=request.user, **f.cleaned_data
        ),
        success_url=reverse("finance:agreement"),
        success_message="Monitoring return saved.",
    )
