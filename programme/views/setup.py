"""Programme set-up in the browser, for the programme office and administrators: the programme's
years, strands, projects, savings targets, milestones and KPIs. Thin views over
programme.services.setup and programme.selectors.setup; nothing is deleted, only archived."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from programme import services
from programme.forms import (
    KpiForm,
    KpiValueForm,
    MilestoneAddForm,
    MilestoneSetupForm,
    ProgrammeYearsForm,
    ProjectForm,
    RebaselineForm,
    StrandForm,
    YearAmountsForm,
    govuk_fields,
)
from programme.models import Kpi, KpiReading, Milestone, Project, Strand
from programme.selectors import setup as q
from send_tracker.fiscal import FinancialYear, period_label
from send_tracker.forms import service_errors
from send_tracker.money import to_pounds
from send_tracker.permissions import capability_required, people_with_roles
from send_tracker.reporting import reporting_month

MANAGE = "manage_programme"
KPI_FORM_FIELDS = ("name", "description", "measure", "unit", "higher_is_better",
                   "baseline_value", "baseline_date", "target_value", "target_date", "active")


def _index() -> str:
    return reverse("setup:index")


def _history_url(strand: Strand | None) -> str | None:
    """Where the changes to a strand and everything under it are listed (its page)."""
    return reverse("programme:strand", args=[strand.slug]) + "#history" if strand else None


def _form_page(request: HttpRequest, *, form, save: Callable[[Any], Any], done: str,
               message: Callable[[Any], str], title: str, caption: str = "Programme set-up",
               back: str | None = None, template: str = "programme/setup/form.html",
               context: dict | None = None) -> HttpResponse:
    """GET shows the form; a valid POST calls the service and redirects; a refusal is shown
    beside its field with a 400 and nothing written."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            messages.success(request, message(saved))
            return redirect(done)
    govuk_fields(form)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, template, {"form": form, "title": title, "caption": caption,
                                      "back": back or _index(), **(context or {})},
                  status=status)


@capability_required(MANAGE)
def setup_index(request: HttpRequest) -> HttpResponse:
    """The set-up page: the programme's years, targets by year, strands, projects and KPIs."""
    kpis = list(q.setup_kpis())
    computed = {k.pk: q.kpi_computed_value(k) for k in kpis if k.measure}
    year, period = reporting_month()
    return render(request, "programme/setup/index.html", {
        "programme": q.programme_get(),
        "table": q.target_table(),
        "strands": q.setup_strands(),
        "projects": q.setup_projects(),
        "kpis": [(k, computed.get(k.pk)) for k in kpis],
        "reporting_label": f"{period_label(period)} {year.label}",
    })


@capability_required(MANAGE)
def programme_years(request: HttpRequest) -> HttpResponse:
    """The programme's first and last financial year."""
    programme = q.programme_get()
    initial = ({"first_year": programme.first_year, "last_year": programme.last_year}
               if programme else {})
    form = ProgrammeYearsForm(request.POST or None, initial=initial)
    return _form_page(
        request, form=form, title="The programme's years",
        save=lambda d: services.programme_years_set(user=request.user, **d),
        done=_index(),
        message=lambda p: f"The programme runs from {FinancialYear(p.first_year).label} to "
                          f"{FinancialYear(p.last_year).label}.",
    )


@capability_required(MANAGE)
def programme_targets(request: HttpRequest) -> HttpResponse:
    """The programme's own target for each year (may differ from the sum of strands)."""
    years = q.programme_years()
    if years is None:
        messages.error(request, "Set the programme's years first.")
        return redirect(reverse("setup:years"))
    current = q.programme_level_targets()
    initial = {f"year_{y}": to_pounds(current[y]) for y in current if y in years}
    form = YearAmountsForm(request.POST or None, years=years, initial=initial)
    return _form_page(
        request, form=form, title="Programme savings targets",
        save=lambda d: services.savings_targets_set(user=request.user, amounts=form.amounts()),
        done=_index(), message=lambda t: "Programme targets saved.",
        context={"intro": "Each year's target is the saving in that year against the "
                          "pre-programme baseline, recurring savings included."},
    )


def _strand_form(request: HttpRequest, strand: Strand | None) -> StrandForm:
    leads = people_with_roles()
    if strand is not None:  # keep whoever holds the post now, so the form shows them
        current = [strand.lead_id, *strand.deputies.values_list("pk", flat=True)]
        leads = get_user_model().objects.filter(
            Q(pk__in=leads.values("pk")) | Q(pk__in=[c for c in current if c])
        ).order_by("first_name", "last_name", "username")
    initial = {"order": (Strand.objects.count() + 1) if strand is None else strand.order,
               "active": True}
    if strand is not None:
        initial.update(name=strand.name, description=strand.description, lead=strand.lead_id,
                       deputies=list(strand.deputies.values_list("pk", flat=True)),
                       active=strand.active)
    return StrandForm(request.POST or None, initial=initial, leads=leads)


@capability_required(MANAGE)
def strand_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add a strand, or change one (name, description, lead and deputies, order, active)."""
    strand = get_object_or_404(Strand, pk=pk) if pk else None
    form = _strand_form(request, strand)
    return _form_page(
        request, form=form, title=strand.name if strand else "Add a strand",
        save=lambda d: services.strand_save(user=request.user, strand=strand, **d),
        done=_index(), message=lambda s: f"Strand “{s.name}” saved.",
        context={"history_url": _history_url(strand)},
    )


@capability_required(MANAGE)
def project_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add a project to a strand, or change one (name, owner, dates, status)."""
    project = get_object_or_404(Project.objects.select_related("strand"), pk=pk) if pk else None
    strands = Strand.objects.filter(Q(active=True) | Q(pk=project.strand_id if project else None))
    initial: dict[str, Any] = {"status": Project.Status.ACTIVE}
    if project is not None:
        initial = {f: getattr(project, f) for f in ("name", "description", "status",
                                                      "start_date", "end_date")}
        initial.update(strand=project.strand_id, lead=project.lead_id)
    elif request.GET.get("strand", "").isdigit():
        initial["strand"] = int(request.GET["strand"])
    form = ProjectForm(request.POST or None, initial=initial, strands=strands.order_by("order"),
                       owners=people_with_roles())
    return _form_page(
        request, form=form, title=project.name if project else "Add a project",
        save=lambda d: services.project_save(user=request.user, project=project, **d),
        done=_index(), message=lambda p: f"Project “{p.name}” saved.",
        context={"history_url": _history_url(project.strand if project else None)},
    )


@capability_required(MANAGE)
def project_targets(request: HttpRequest, pk: int) -> HttpResponse:
    """A project's savings target for each of the programme's years."""
    project = get_object_or_404(Project.objects.select_related("strand"), pk=pk)
    years = q.programme_years()
    if years is None:
        messages.error(request, "Set the programme's years first.")
        return redirect(reverse("setup:years"))
    current = q.project_targets(project)
    initial = {f"year_{y}": to_pounds(current[y]) for y in current if y in years}
    form = YearAmountsForm(request.POST or None, years=years, initial=initial)
    return _form_page(
        request, form=form, title=f"Savings targets: {project.name}", caption=project.strand.name,
        save=lambda d: services.savings_targets_set(user=request.user, project=project,
                                                    amounts=form.amounts()),
        done=_index(), message=lambda t: f"Targets for “{project.name}” saved.",
        context={"intro": "Each year's target is the saving in that year against the "
                          "pre-programme baseline, recurring savings included: leave a year "
                          "blank if the project has no target for it."},
    )


@capability_required(MANAGE)
def project_milestones(request: HttpRequest, pk: int) -> HttpResponse:
    """A project's milestones with their baselines, and a form to add one."""
    project = get_object_or_404(Project.objects.select_related("strand"), pk=pk)
    form = MilestoneAddForm(request.POST or None)
    done = reverse("setup:project_milestones", args=[project.pk])
    return _form_page(
        request, form=form, title=f"Milestones: {project.name}", caption=project.strand.name,
        save=lambda d: services.milestone_create(user=request.user, project=project, **d),
        done=done, message=lambda m: f"Milestone “{m.name}” added.",
        template="programme/setup/milestones.html",
        context={"project": project, "milestones": q.setup_milestones(project),
                 "button": "Add milestone"},
    )


@capability_required(MANAGE)
def milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a milestone's name, forecast and actual dates and status."""
    milestone = get_object_or_404(Milestone.objects.select_related("project__strand"), pk=pk)
    form = MilestoneSetupForm(request.POST or None, initial={
        f: getattr(milestone, f) for f in ("name", "forecast_date", "actual_date", "status")})
    back = reverse("setup:project_milestones", args=[milestone.project_id])
    return _form_page(
        request, form=form, title=milestone.name, back=back,
        caption=f"Milestone of {milestone.project.name} (baseline "
                f"{milestone.baseline_date:%d/%m/%Y})",
        save=lambda d: services.milestone_update(user=request.user, milestone=milestone, **d),
        done=back, message=lambda m: f"Milestone “{m.name}” updated.",
    )


@capability_required(MANAGE)
def milestone_rebaseline(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a milestone's baseline; the earlier baselines are kept with who moved them and why."""
    milestone = get_object_or_404(Milestone.objects.select_related("project"), pk=pk)
    form = RebaselineForm(request.POST or None)
    back = reverse("setup:project_milestones", args=[milestone.project_id])
    return _form_page(
        request, form=form, title=f"Rebaseline: {milestone.name}", back=back,
        caption=f"Current baseline {milestone.baseline_date:%d/%m/%Y}",
        save=lambda d: services.milestone_rebaseline(user=request.user, milestone=milestone, **d),
        done=back, message=lambda m: f"“{m.name}” rebaselined to {m.baseline_date:%d/%m/%Y}.",
        context={"button": "Rebaseline"},
    )


@capability_required(MANAGE)
def kpi_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add a KPI or change one: definition, unit, direction, baseline, target, owner."""
    kpi = get_object_or_404(Kpi, pk=pk) if pk else None
    initial: dict[str, Any] = {"active": True, "higher_is_better": True}
    if kpi is not None:
        initial = {f: getattr(kpi, f) for f in KPI_FORM_FIELDS}
        initial.update(strand=kpi.strand_id, owner=kpi.owner_id)
    form = KpiForm(request.POST or None, initial=initial,
                   strands=Strand.objects.filter(active=True).order_by("order", "name"),
                   owners=people_with_roles())
    return _form_page(
        request, form=form, title=kpi.name if kpi else "Add a KPI",
        save=lambda d: services.kpi_save(user=request.user, kpi=kpi, **d),
        done=_index(), message=lambda k: f"KPI “{k.name}” saved.",
    )


@capability_required(MANAGE)
def kpi_targets(request: HttpRequest, pk: int) -> HttpResponse:
    """A KPI's milestone targets by date, and a form to add (or change) one."""
    kpi = get_object_or_404(Kpi, pk=pk)
    form = KpiValueForm(request.POST or None)
    done = reverse("setup:kpi_targets", args=[kpi.pk])
    return _form_page(
        request, form=form, title=f"Milestone targets: {kpi.name}",
        caption=f"{kpi.get_unit_display()}, {'higher' if kpi.higher_is_better else 'lower'} "
                "is better",
        save=lambda d: services.kpi_target_set(user=request.user, kpi=kpi, **d),
        done=done, message=lambda r: f"Target of {r.value} by {r.date:%d/%m/%Y} saved.",
        template="programme/setup/kpi_values.html",
        context={"kpi": kpi, "button": "Save target", "rows": kpi.readings.filter(
            kind=KpiReading.Kind.MILESTONE).order_by("date")},
    )


@capability_required("view_aggregates")
def kpi_reading(request: HttpRequest, pk: int) -> HttpResponse:
    """The KPI's owner enters a reading (a computed measure takes none: it is read from data)."""
    kpi = get_object_or_404(Kpi, pk=pk)
    if not services.can_record_kpi(request.user, kpi):
        raise PermissionDenied
    form = KpiValueForm(request.POST or None)
    done = reverse("programme:kpis")
    computed = q.kpi_computed_value(kpi) if kpi.measure else None
    return _form_page(
        request, form=form, title=f"Enter a reading: {kpi.name}", back=done,
        caption=f"{kpi.get_unit_display()}, {'higher' if kpi.higher_is_better else 'lower'} "
                "is better",
        save=lambda d: services.kpi_reading_record(user=request.user, kpi=kpi, **d),
        done=done, message=lambda r: f"Reading of {r.value} on {r.date:%d/%m/%Y} saved.",
        template="programme/setup/kpi_values.html",
        context={"kpi": kpi, "computed": computed, "button": "Save reading", "reading": True,
                 "rows": kpi.readings.filter(kind=KpiReading.Kind.ACTUAL).order_by("date")},
    )
