"""The trajectory pages: scenarios against the agreement, the scenario editor, the status poll.

No request waits on the computation: an edit asks for a recompute (finance.services.recompute)
and the page polls a small JSON endpoint (static/js/finance-trajectory.js) until the new run is
current, or the request is met with nothing to change, or it gives up after five minutes.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from finance import selectors, services
from finance.forms import ScenarioCreateForm, ScenarioForm
from finance.models import Scenario
from finance.selectors.measures import BASELINE
from finance.services import recompute
from finance.views.common import form_page
from placements.codes import PROVISION_TYPE_LABELS
from send_tracker import health
from send_tracker.charts import chart_csv_response
from send_tracker.fiscal import FinancialYear
from send_tracker.forms import service_errors
from send_tracker.permissions import can, capability_required


def _status(scenario_ids: list[int] | None = None, runs: dict | None = None) -> dict:
    """Whether a recompute is queued or running, and each scenario's current run (`runs`:
    the page's own `current_runs`, read once)."""
    current = (runs if runs is not None else selectors.current_runs(scenario_ids)).values()
    state = recompute.trajectory_recompute_state(scenario_ids)
    since = state.pending_since
    return {
        "broker_available": health.broker_available(),
        "pending": since is not None,
        # Queued but not started for minutes: the workers are probably down.
        "stuck": state.stuck,
        "pending_since": since.isoformat() if since else None,
        "running": state.running,
        "runs": {
            run.scenario.slug: {"run_id": run.pk, "finished_at": run.finished_at.isoformat()}
            for run in current
        },
    }


def _baseline_measure(shown: list) -> dict:
    """The as-at date of the baseline scenario's first year, marked in its points table as the
    measure `deficit_after_expected_mitigation_delivery` (listed for the page's definitions)."""
    as_at = selectors.trajectory_as_at()
    if as_at is None or not any(s.slug == BASELINE for s in shown):
        return {}
    return {"trajectory_as_at": as_at,
            "trajectory_year": FinancialYear.containing(as_at).start_year,
            "page_measures": [("deficit_after_expected_mitigation_delivery", as_at)]}


@capability_required("view_aggregates")
def trajectory(request: HttpRequest) -> HttpResponse:
    """The trajectory of each chosen scenario against the original and reprofiled targets."""
    all_scenarios = selectors.trajectory.scenarios()
    wanted = request.GET.getlist("scenario")
    chosen = [s for s in all_scenarios if s.slug in wanted] or all_scenarios
    runs = selectors.current_runs([s.pk for s in chosen])
    chart_list = selectors.trajectory_page_charts(tuple(s.slug for s in chosen))
    if (csv := chart_csv_response(request, chart_list)) is not None:
        return csv
    status = _status([s.pk for s in chosen], runs)
    return render(
        request,
        "finance/trajectory.html",
        {
            "scenarios": all_scenarios,
            "chosen": chosen,
            "wanted": {s.slug for s in chosen},
            "runs": [
                (s, run, run is not None and not selectors.run_reflects_assumptions(run, s),
                 selectors.trajectory.point_rows(run) if run is not None else [])
                for s in chosen
                for run in [runs.get(s.pk)]
            ],
            "charts": chart_list,
            **_baseline_measure(chosen),
            "status": status,
            "stale": not status["broker_available"] or status["stuck"],
            "status_url": f"{reverse('finance:trajectory-status')}?"
            + "&".join(f"scenario={s.slug}" for s in chosen),
            "run_ids": ",".join(str(r["run_id"]) for r in status["runs"].values()),
        },
    )


def _scenario_initial(scenario: Scenario) -> dict:
    """The assumptions form's initial values: the scenario's, growth by provision type too."""
    initial = {
        name: getattr(scenario, name)
        for name in (
            "description",
            "default_growth_pct",
            "unit_cost_inflation_pct",
            "income_growth_pct",
            "savings_delivery_pct",
            "mitigation_delivery_pct",
            "version",
        )
    }
    initial.update({f"growth_{code}": pct for code, pct in (scenario.growth_by_type or {}).items()})
    return initial


@capability_required("view_aggregates")
def scenario_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """A scenario's assumptions (changed by finance officers) and its current trajectory."""
    scenario = get_object_or_404(Scenario, slug=slug)
    initial = _scenario_initial(scenario)
    can_edit = can(request.user, "edit_finance")
    form = ScenarioForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if "recompute" in request.POST:
            # Asked for after an edit whose recompute was lost (Redis down, queue purged).
            recompute.trajectory_recompute_request(scenario_id=scenario.pk, queue_anyway=True)
            return redirect(f"{reverse('finance:scenario', args=[slug])}?queued=1")
        if form.is_valid():
            try:
                services.scenario_update(
                    scenario=scenario,
                    version=form.cleaned_data["version"],
                    user=request.user,
                    **form.assumptions(),
                )
            except ValidationError as exc:
                service_errors(form, exc)
            else:
                return redirect(f"{reverse('finance:scenario', args=[slug])}?saved=1")
    runs = selectors.current_runs([scenario.pk])
    run = runs.get(scenario.pk)
    status = _status([scenario.pk], runs)
    outdated = run is not None and not selectors.run_reflects_assumptions(run, scenario)
    return render(
        request,
        "finance/scenario.html",
        {
            "scenario": scenario,
            "growth_by_type": [(PROVISION_TYPE_LABELS.get(code, code), pct)
                               for code, pct in scenario.growth_by_type.items()],
            "form": form,
            "can_edit": can_edit,
            "run": run,
            "points": selectors.trajectory.point_rows(run) if run is not None else [],
            **_baseline_measure([scenario] if run else []),
            "outdated": outdated,
            # Nothing will bring them up to date: no request, or its task was lost.
            "offer_recompute": outdated and not status["running"]
            and (not status["pending"] or status["stuck"]),
            "status": status,
            "stale": not status["broker_available"] or status["stuck"],
            "saved": request.GET.get("saved") == "1",
            "queued": request.GET.get("queued") == "1",
            "status_url": f"{reverse('finance:trajectory-status')}?scenario={slug}",
            "run_ids": str(run.pk) if run else "",
            "history": selectors.scenario_history(scenario.pk, limit=10),
        },
        status=400 if request.method == "POST" else 200,
    )


@capability_required("edit_finance")
def scenario_add(request: HttpRequest) -> HttpResponse:
    """A new scenario, starting from another's assumptions; its trajectory is computed next."""
    scenarios = selectors.trajectory.scenarios()
    form = ScenarioCreateForm(request.POST or None, scenarios=scenarios,
                              initial={"copy_from": scenarios[0].slug if scenarios else None})

    def save(f) -> Scenario:
        return services.scenario_create(
            name=f.cleaned_data["name"],
            copy_from=next(s for s in scenarios if s.slug == f.cleaned_data["copy_from"]),
            description=f.cleaned_data["description"],
            user=request.user,
        )

    return form_page(
        request,
        form=form,
        template="finance/form.html",
        context={"title": "Add a scenario", "back": reverse("finance:trajectory")},
        save=save,
        success_url=lambda scenario: reverse("finance:scenario", args=[scenario.slug]),
        success_message="Scenario added. Its trajectory is being computed.",
    )


@never_cache
@capability_required("view_aggregates")
def trajectory_status(request: HttpRequest) -> JsonResponse:
    """Polled by the page: is a recompute queued or running, and which runs are current."""
    slugs = request.GET.getlist("scenario")
    ids = (
        list(Scenario.objects.filter(slug__in=slugs).values_list("pk", flat=True))
        if slugs
        else None
    )
    return JsonResponse(_status(ids))
