"""The monthly update form: all of a lead's projects for the period on one page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from programme import selectors, services
from programme.forms import ClosedPeriodReasonForm, ProgressUpdateFormSet, mark_errors
from programme.models import ProgressUpdate, Project
from programme.periods import is_period_closed, update_deadline
from programme.views.common import YearPeriod, period_choices, year_period_from
from send_tracker.money import format_pounds
from send_tracker.permissions import ADMIN, capability_required, has_role

# Service error keys → the form field that shows them.
FIELD_OF = {"delivered_pence": "delivered", "forecast_pence": "forecast",
            "confidence": "confidence", "commentary": "commentary"}


def _pounds_text(pence: int | None) -> str:
    return "" if pence is None else format_pounds(pence, places=2).replace("£", "").replace(",", "")


def _initial(row: dict[str, Any]) -> dict[str, Any]:
    """This period's update if there is one, else the project's last submitted figures."""
    update: ProgressUpdate | None = row["update"]
    source = update or row["previous"]
    initial: dict[str, Any] = {"project": row["project"].pk,
                               "version": update.version if update else None}
    if source is not None:
        initial.update(forecast=_pounds_text(source.forecast_pence),
                       delivered=_pounds_text(source.delivered_pence),
                       confidence=source.confidence,
                       commentary=source.commentary)
    return initial


def _chosen_strands(request: HttpRequest):
    strands = list(selectors.editable_strands(request.user))
    wanted = request.GET.get("strand")
    if wanted:
        shown = [s for s in strands if s.slug == wanted]
        if not shown:
            raise PermissionDenied("You can update only the strands you lead or deputise.")
        return strands, shown
    if has_role(request.user, ADMIN) and len(strands) > 1:
        return strands, strands[:1]  # administrators choose a strand; all at once is too long
    return strands, strands


def _save_all(request, formset, rows, chosen: YearPeriod, reason: str) -> list[tuple[int, Any]]:
    """Save every form through the service in one transaction; any refusal saves nothing."""
    submit = request.POST.get("action") == "submit"
    by_project = {row["project"].pk: row["project"] for row in rows}
    problems: list[tuple[int, Any]] = []
    with transaction.atomic():
        for index, form in enumerate(formset.forms):
            data = form.cleaned_data
            project = by_project.get(data["project"]) or Project.objects.select_related(
                "strand").filter(pk=data["project"]).first()
            if project is None:
                problems.append((index, ValidationError("This project no longer exists.")))
                continue
            # A project outside the page (another strand) still goes to the service, whose
            # permission rule refuses it: PermissionDenied rolls back everything (403).
            try:
                services.progress_update_save(
                    user=request.user, project=project, year=chosen.year, period=chosen.period,
                    forecast_pence=data["forecast"], delivered_pence=data["delivered"],
                    confidence=data["confidence"], commentary=data["commentary"],
                    submit=submit, read_version=data["version"], reason=reason,
                )
            except ValidationError as exc:
                problems.append((index, exc))
        if problems:
            transaction.set_rollback(True)
    return problems


def _show_problems(formset, problems, post_data) -> Any:
    """Attach service refusals to their forms; a stale form takes the newer version."""
    data = post_data.copy()
    for index, exc in problems:
        current = getattr(exc, "current", None)
        if current is not None:
            # The next save knowingly replaces the version the message describes.
            data[f"{formset.prefix}-{index}-version"] = str(current.version)
    rebound = ProgressUpdateFormSet(data, prefix=formset.prefix)
    rebound.is_valid()
    for index, exc in problems:
        form = rebound.forms[index]
        if hasattr(exc, "error_dict"):
            for key, errors in exc.message_dict.items():
                field = FIELD_OF.get(key)
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            for message in exc.messages:
                form.add_error(None, message)
    return rebound


@capability_required("edit_programme")
def update_form(request: HttpRequest) -> HttpResponse:
    """Leads enter each project's forecast, delivered, confidence and commentary for the period."""
    chosen = year_period_from(request, default="open")
    strands, shown = _chosen_strands(request)
    rows = selectors.update_form_rows(strand_ids=[s.pk for s in shown], year=chosen.year,
                                      period=chosen.period)
    closed = is_period_closed(chosen.year, chosen.period)
    is_admin = has_role(request.user, ADMIN)
    reason_form = ClosedPeriodReasonForm(request.POST or None) if closed and is_admin else None
    formset = ProgressUpdateFormSet(
        request.POST or None, initial=[_initial(r) for r in rows], prefix="updates"
    )
    problems: list = []
    if request.method == "POST" and not (closed and not is_admin):
        reason_ok = reason_form is None or reason_form.is_valid()
        if formset.is_valid() and reason_ok:
            reason = reason_form.cleaned_data["reason"] if reason_form else ""
            problems = _save_all(request, formset, rows, chosen, reason)
            if not problems:
                submitted = request.POST.get("action") == "submit"
                messages.success(request, f"{len(formset.forms)} project updates "
                                 f"{'submitted' if submitted else 'saved as drafts'} for "
                                 f"{chosen.label}.")
                return redirect(f"{reverse('programme:update')}?{request.GET.urlencode()}")
            formset = _show_problems(formset, problems, request.POST)
    if formset.is_bound:
        for form in formset.forms:
            mark_errors(form)
    missing = selectors.missing_updates(year=chosen.year, period=chosen.period,
                                        strand_ids=[s.pk for s in strands])
    status = 400 if request.method == "POST" else 200
    return render(request, "programme/update_form.html", {
        "chosen": chosen,
        "strands": strands,
        "shown": shown,
        "pairs": list(zip(rows, formset.forms, strict=False)),
        "formset": formset,
        "reason_form": reason_form,
        "closed": closed,
        "read_only": closed and not is_admin,
        "deadline": update_deadline(chosen.year, chosen.period),
        "missing": missing,
        "period_choices": period_choices(),
        "year_choices": [chosen.year + delta for delta in (-1, 0, 1)],
    }, status=status)
