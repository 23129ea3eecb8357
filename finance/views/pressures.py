"""Pressures, mitigations, High Needs income and deficit outturns: read by every role,
changed by finance officers."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from finance import selectors, services
from finance.forms import IncomeForm, MitigationForm, OutturnForm, PressureForm
from finance.models import DeficitOutturn, HighNeedsIncome, Mitigation
from finance.views.common import chosen_period, form_page
from send_tracker.fiscal import FinancialYear
from send_tracker.history import item_history
from send_tracker.money import to_pounds
from send_tracker.permissions import capability_required


def _year(request: HttpRequest) -> FinancialYear | None:
    chosen = chosen_period(request)
    return chosen.year if chosen else None


@capability_required("view_aggregates")
def pressures(request: HttpRequest) -> HttpResponse:
    """The year's pressures (with their basis) and mitigations."""
    chosen = chosen_period(request)
    year = chosen.year.start_year if chosen else None
    context = {"year": year, "chosen": chosen}
    if year is not None:
        context.update(
            year_label=FinancialYear(year).label,
            pressures=selectors.pressure_list(year=chosen.year),
            mitigations=selectors.mitigation_list(year=chosen.year),
            mitigations_total=selectors.mitigations_total(year=chosen.year),
        )
    return render(request, "finance/pressures.html", context)


@capability_required("edit_finance")
def pressure_edit(request: HttpRequest) -> HttpResponse:
    """Enter a pressure for the year (one per kind: saving again replaces it)."""
    year = _year(request)
    if year is None:
        return redirect("finance:pressures")
    form = PressureForm(request.POST or None)
    return form_page(
        request,
        form=form,
        template="finance/form.html",
        context={
            "title": f"Enter a pressure for {year.label}",
            "back": reverse("finance:pressures"),
        },
        save=lambda f: services.pressure_set(year=year, user=request.user, **f.cleaned_data),
        success_url=reverse("finance:pressures"),
        success_message="Pressure saved.",
    )


@require_POST
@capability_required("edit_finance")
def pressures_derive(request: HttpRequest) -> HttpResponse:
    """Recompute the pressures that the placements data can give."""
    chosen = chosen_period(request)
    if chosen is not None:
        derived = services.pressures_derive(year=chosen.year, period=chosen.period,
                                           user=request.user)
        messages.success(
            request,
            f"{len(derived)} pressure(s) derived from the placements data."
            if derived
            else "The placements data cannot derive a pressure yet.",
        )
    return redirect("finance:pressures")


@capability_required("edit_finance")
def mitigation_add(request: HttpRequest) -> HttpResponse:
    """Add an in-year mitigation."""
    year = _year(request)
    if year is None:
        return redirect("finance:pressures")
    form = MitigationForm(request.POST or None)

    def save(f) -> None:
        data = dict(f.cleaned_data)
        data.pop("read_version")
        services.mitigation_create(year=year, user=request.user, **data)

    return form_page(
        request,
        form=form,
        template="finance/form.html",
        context={
            "title": f"Add a mitigation for {year.label}",
            "back": reverse("finance:pressures"),
        },
        save=save,
        success_url=reverse("finance:pressures"),
        success_message="Mitigation added.",
    )


@capability_required("edit_finance")
def mitigation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a mitigation (refused if someone saved it since the form was opened)."""
    mitigation = get_object_or_404(Mitigation, pk=pk)
    initial = {
        name: getattr(mitigation, name)
        for name in ("name", "value_pence", "confidence", "status", "owner")
    }
    initial["value_pence"] = to_pounds(mitigation.value_pence)
    initial["read_version"] = mitigation.version
    form = MitigationForm(request.POST or None, initial=initial)

    def save(f) -> None:
        data = dict(f.cleaned_data)
        services.mitigation_update(
            mitigation=mitigation, read_version=data.pop("read_version"), fields=data,
            user=request.user,
        )

    return form_page(
        request,
        form=form,
        template="finance/form.html",
        context={
            "title": f"Change “{mitigation.name}”",
            "back": reverse("finance:pressures"),
            "history": item_history(mitigation, limit=20),
        },
        save=save,
        success_url=reverse("finance:pressures"),
        success_message="Mitigation saved.",
    )


@capability_required("view_aggregates")
def income(request: HttpRequest) -> HttpResponse:
    """High Needs income by year and the deficit outturns from the accounts."""
    return render(
        request,
        "finance/income.html",
        {
            "incomes": list(HighNeedsIncome.objects.order_by("year")),
            "outturns": list(DeficitOutturn.objects.order_by("year")),
        },
    )


@capability_required("edit_finance")
def income_edit(request: HttpRequest) -> HttpResponse:
    """Enter (or correct) a year's High Needs Block allocation."""
    form = IncomeForm(request.POST or None)
    return form_page(
        request,
        form=form,
        template="finance/form.html",
        context={"title": "Enter High Needs income for a year", "back": reverse("finance:income")},
        save=lambda f: services.high_needs_income_set(user=request.user, **f.cleaned_data),
        success_url=reverse("finance:income"),
        success_message="Income saved.",
    )


@capability_required("edit_finance")
def outturn_edit(request: HttpRequest) -> HttpResponse:
    """Enter (or correct) a year's DSG deficit outturn from the accounts."""
    form = OutturnForm(request.POST or None)
    return form_page(
        request,
        form=form,
        template="finance/form.html",
        context={"title": "Enter a year's deficit outturn", "back": reverse("finance:income")},
        save=lambda f: services.deficit_outturn_set(user=request.user, **f.cleaned_data),
        success_url=reverse("finance:income"),
        success_message="Deficit outturn saved.",
    )
