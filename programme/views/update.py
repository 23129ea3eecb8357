"""The monthly update: all of a lead's projects for the period on one page.

Each project shows its target for the year and its last submitted figures beside its fields, and
can be saved as a draft or checked and submitted on its own; "Check and submit all" sends the
whole page. Submitting always passes the check-your-answers page: the answers wait in the session
(nothing is written) until the lead confirms, then a confirmation panel. Saves carry the version
the form was read at, so a stale save is refused with a message and the answers kept.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from programme import selectors, services
from programme.forms import (
    ClosedPeriodReasonForm,
    ProgressUpdateForm,
    ProgressUpdateFormSet,
)
from programme.models import ProgressUpdate, Project
from programme.periods import is_period_closed, update_deadline
from send_tracker.fiscal import period_choices
from send_tracker.forms import error_links, mark_errors, service_errors
from send_tracker.money import pounds_input
from send_tracker.permissions import ADMIN, can_edit_strand, capability_required, has_role
from send_tracker.yearperiod import ChosenPeriod, year_period_from

# Service error keys → the form field that shows them.
FIELD_OF = {"delivered_pence": "delivered", "forecast_pence": "forecast",
            "confidence": "confidence", "commentary": "commentary"}


def _initial(row: dict[str, Any], kept: dict[str, dict[str, Any]] | None = None
             ) -> dict[str, Any]:
    """What the lead typed and has not yet saved (`kept`, by project id) if there is any, else
    this period's update if there is one, else the project's last submitted figures."""
    typed = (kept or {}).get(str(row["project"].pk))
    if typed is not None:
        version = typed.get("version") or ""
        return {"project": row["project"].pk,
                "version": int(version) if str(version).isdigit() else None,
                **{name: typed.get(name, "") for name in
                   ("forecast", "delivered", "confidence", "commentary")}}
    update: ProgressUpdate | None = row["update"]
    source = update or row["previous"]
    initial: dict[str, Any] = {"project": row["project"].pk,
                               "version": update.version if update else None}
    if source is not None:
        initial.update(forecast=pounds_input(source.forecast_pence),
                       delivered=pounds_input(source.delivered_pence),
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


def _save_all(request, indexed_forms, rows, chosen: ChosenPeriod, reason: str, *,
              submit: bool) -> list[tuple[int, Any]]:
    """Save the (index, form) pairs through the service in one transaction; any refusal saves
    nothing."""
    by_project = {row["project"].pk: row["project"] for row in rows}
    problems: list[tuple[int, Any]] = []
    with transaction.atomic():
        for index, form in indexed_forms:
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
        service_errors(rebound.forms[index], exc, field_of=FIELD_OF)
    return rebound


PENDING = "programme_update_pending"  # answers waiting on the check-your-answers page
DONE = "programme_update_done"  # what the confirmation panel reports
ANSWER_FIELDS = ("project", "version", "forecast", "delivered", "confidence", "commentary")


def _posted_answers(formset) -> dict[str, dict[str, Any]]:
    """What the page posted for each project, exactly as typed, keyed by project id."""
    answers: dict[str, dict[str, Any]] = {}
    for index, form in enumerate(formset.forms):
        raw = {name: form.data.get(form.add_prefix(name), "") for name in ANSWER_FIELDS}
        if raw["project"]:
            answers[str(raw["project"])] = {**raw, "index": index}
    return answers


def _page_query(request: HttpRequest, chosen: ChosenPeriod) -> str:
    """The update page's query for this year, period and strand (kept in every link back)."""
    params: dict[str, Any] = {"year": chosen.year.slug, "period": chosen.period}
    if request.GET.get("strand"):
        params["strand"] = request.GET["strand"]
    return urlencode(params)


def _pending_for(request: HttpRequest, chosen: ChosenPeriod) -> dict[str, Any] | None:
    pending = request.session.get(PENDING)
    if pending and (pending["year"], pending["period"]) == (chosen.year.start_year,
                                                            chosen.period):
        return pending
    return None


def _to_check(request: HttpRequest, chosen: ChosenPeriod, formset, submit: list[str],
              reason: str) -> HttpResponse:
    """Keep the answers (nothing is written) and show them on the check-your-answers page.

    A project the user may not update is refused here (403), as the service would refuse it."""
    for project in Project.objects.select_related("strand").filter(pk__in=submit):
        if not can_edit_strand(request.user, project.strand):
            raise PermissionDenied("You can update only the strands you lead or deputise.")
    query = _page_query(request, chosen)
    request.session[PENDING] = {
        "year": chosen.year.start_year, "period": chosen.period, "query": query,
        "answers": _posted_answers(formset), "submit": submit, "reason": reason,
    }
    return redirect(f"{reverse('programme:update_check')}?{query}")


def _form_index(formset, project_id: str) -> int | None:
    for index, form in enumerate(formset.forms):
        if str(form.data.get(form.add_prefix("project"), "")) == project_id:
            return index
    return None


class _Shown(NamedTuple):
    """What the update page shows after a POST: the forms, the rows beside them, the status."""

    formset: Any
    forms: list[Any]
    rows: list[dict[str, Any]]
    status: int


def _reason(reason_form) -> str:
    return reason_form.cleaned_data["reason"] if reason_form else ""


def _post_one(request: HttpRequest, chosen: ChosenPeriod, formset, rows, reason_form, *,
              kind: str, one: str, strand_ids: list[int]) -> HttpResponse | _Shown:
    """`draft-<project id>` saves one project, `check-<project id>` checks it: the rest of the
    page keeps what was typed."""
    status = 400
    index = _form_index(formset, one)
    form = formset.forms[index] if index is not None else None
    reason_ok = reason_form is None or reason_form.is_valid()
    others = {key: value for key, value in _posted_answers(formset).items() if key != one}
    if form is None:
        messages.error(request, "That project is not on this page: nothing was saved.")
    elif form.is_valid() and reason_ok:
        reason = _reason(reason_form)
        if kind == "check":
            return _to_check(request, chosen, formset, [one], reason)
        problems = _save_all(request, [(index, form)], rows, chosen, reason, submit=False)
        if not problems:
            messages.success(request, f"{_name(rows, one)}: draft saved for {chosen.label}.")
            rows = selectors.update_form_rows(strand_ids=strand_ids, year=chosen.year,
                                              period=chosen.period)
            status = 200
        else:
            form = _show_problems(formset, problems, request.POST).forms[index]
    # The saved project shows its new version; the others keep what was typed; a project in
    # error shows its errors beside its fields.
    formset = ProgressUpdateFormSet(initial=[_initial(r, others) for r in rows], prefix="updates")
    forms_shown = [form if status == 400 and form is not None and i == index else f
                   for i, f in enumerate(formset.forms)]
    return _Shown(formset, forms_shown, rows, status)


def _post_all(request: HttpRequest, chosen: ChosenPeriod, formset, rows, reason_form, *,
              kind: str) -> HttpResponse | _Shown:
    """`draft` saves every project as a draft; `submit` checks every project's answers."""
    reason_ok = reason_form is None or reason_form.is_valid()
    if formset.is_valid() and reason_ok:
        reason = _reason(reason_form)
        if kind != "draft":
            return _to_check(request, chosen, formset,
                             [str(f.cleaned_data["project"]) for f in formset.forms], reason)
        problems = _save_all(request, list(enumerate(formset.forms)), rows, chosen, reason,
                             submit=False)
        if not problems:
            messages.success(request, f"{len(formset.forms)} project updates saved as drafts "
                                      f"for {chosen.label}.")
            return redirect(f"{reverse('programme:update')}?{_page_query(request, chosen)}")
        formset = _show_problems(formset, problems, request.POST)
    return _Shown(formset, list(formset.forms), rows, 400)


def _update_page(request: HttpRequest, chosen: ChosenPeriod, strands, shown, page: _Shown,
                 reason_form, *, closed: bool, is_admin: bool) -> HttpResponse:
    """The page: each project's row beside its form, errors marked, who has not updated."""
    formset, forms_shown = page.formset, page.forms
    has_errors = any(f.is_bound and f.errors for f in forms_shown) or bool(
        formset.is_bound and formset.non_form_errors()) or bool(
        reason_form is not None and reason_form.is_bound and reason_form.errors)
    for form in forms_shown:
        if form.is_bound:
            mark_errors(form)
    missing = selectors.missing_updates(year=chosen.year, period=chosen.period,
                                        strand_ids=[s.pk for s in strands])
    return render(request, "programme/update_form.html", {
        "chosen": chosen,
        "strands": strands,
        "shown": shown,
        "pairs": list(zip(page.rows, forms_shown, strict=False)),
        "formset": formset,
        "has_errors": has_errors,
        "error_entries": _error_entries(chosen, reason_form, formset, page.rows, forms_shown),
        "reason_form": reason_form,
        "closed": closed,
        "read_only": closed and not is_admin,
        "deadline": update_deadline(chosen.year, chosen.period),
        "missing": missing,
        "period_choices": period_choices(),
        "year_choices": [chosen.year + delta for delta in (-1, 0, 1)],
    }, status=page.status)


@capability_required("edit_programme")
def update_form(request: HttpRequest) -> HttpResponse:
    """Leads enter each project's forecast, delivered, confidence and commentary for the period.

    Actions: `draft` saves every project as a draft; `submit` checks every project's answers;
    `draft-<project id>` saves one project (the rest of the page keeps what was typed);
    `check-<project id>` checks and then submits one project.
    """
    chosen = year_period_from(request, default="open")
    strands, shown = _chosen_strands(request)
    strand_ids = [s.pk for s in shown]
    rows = selectors.update_form_rows(strand_ids=strand_ids, year=chosen.year,
                                      period=chosen.period)
    closed = is_period_closed(chosen.year, chosen.period)
    is_admin = has_role(request.user, ADMIN)
    reason_form = ClosedPeriodReasonForm(request.POST or None) if closed and is_admin else None
    pending = _pending_for(request, chosen) if request.GET.get("change") else None
    kept = pending["answers"] if pending else None
    formset = ProgressUpdateFormSet(
        request.POST or None, initial=[_initial(r, kept) for r in rows], prefix="updates"
    )
    page: HttpResponse | _Shown = _Shown(formset, list(formset.forms), rows, 200)
    if request.method == "POST":
        kind, _, one = request.POST.get("action", "").partition("-")
        if closed and not is_admin:
            page = page._replace(status=400)  # read only: the page says so
        elif one:
            page = _post_one(request, chosen, formset, rows, reason_form, kind=kind, one=one,
                             strand_ids=strand_ids)
        else:
            page = _post_all(request, chosen, formset, rows, reason_form, kind=kind)
    if isinstance(page, HttpResponse):
        return page
    return _update_page(request, chosen, strands, shown, page, reason_form, closed=closed,
                        is_admin=is_admin)


def _error_entries(chosen, reason_form, formset, rows, forms_shown) -> list[dict]:
    """The page's one error summary: the month asked for, the reason, then each project's
    errors named by project and linked to its field (its section for the others)."""
    entries = chosen.error_links + error_links(reason_form)
    if formset.is_bound:
        entries += [{"href": "", "text": e} for e in formset.non_form_errors()]
    for index, (row, form) in enumerate(zip(rows, forms_shown, strict=False)):
        entries += error_links(form, f"project-{index}", prefix=f"{row['project'].name}: ")
    return entries


def _name(rows, project_id: str) -> str:
    return next((r["project"].name for r in rows if str(r["project"].pk) == project_id),
                "The project")


def _check_items(pending: dict[str, Any], year, period: int) -> list[dict[str, Any]]:
    """The answers to submit, each with its project row (target, last month) and clean values."""
    wanted = [pid for pid in pending["submit"] if pid in pending["answers"]]
    strand_ids = list(Project.objects.filter(pk__in=wanted).values_list("strand_id", flat=True)
                      .distinct())
    rows = {str(r["project"].pk): r for r in selectors.update_form_rows(
        strand_ids=strand_ids, year=year, period=period)}
    items = []
    for pid in wanted:
        typed = pending["answers"][pid]
        form = ProgressUpdateForm({name: typed.get(name, "") for name in ANSWER_FIELDS})
        form.is_valid()
        items.append({"row": rows.get(pid), "form": form, "index": typed["index"],
                      "answers": typed, "values": form.cleaned_data if not form.errors else {}})
    return items


@capability_required("edit_programme")
def update_check(request: HttpRequest) -> HttpResponse:
    """Check your answers: what will be submitted, with Change links; nothing is written until
    the lead confirms. A refusal (a stale version, a closed period) is shown here, the answers
    kept; a stale answer then carries the newer version, so confirming again is deliberate."""
    chosen = year_period_from(request, default="open")
    pending = _pending_for(request, chosen)
    back = f"{reverse('programme:update')}?{pending['query'] if pending else chosen.query}"
    if pending is None or not pending["submit"]:
        messages.info(request, f"There are no answers to check for {chosen.label}.")
        return redirect(back)
    items = _check_items(pending, chosen.year, chosen.period)
    problems: list[str] = []
    if request.method == "POST":
        with transaction.atomic():
            for item in items:
                project = item["row"]["project"] if item["row"] else None
                if project is None or item["form"].errors:
                    problems.append("A project in these answers is closed or no longer "
                                    "exists, so nothing was submitted: go back to the form and "
                                    "check your answers again.")
                    continue
                data = item["values"]
                try:
                    services.progress_update_save(
                        user=request.user, project=project, year=chosen.year,
                        period=chosen.period, forecast_pence=data["forecast"],
                        delivered_pence=data["delivered"], confidence=data["confidence"],
                        commentary=data["commentary"], submit=True,
                        read_version=data["version"], reason=pending.get("reason", ""),
                    )
                except ValidationError as exc:
                    current = getattr(exc, "current", None)
                    if current is not None:
                        pending["answers"][str(project.pk)]["version"] = str(current.version)
                    problems.extend(exc.messages)
            if problems:
                transaction.set_rollback(True)
        if not problems:
            request.session.pop(PENDING, None)
            request.session[DONE] = {
                "label": chosen.label, "query": pending["query"],
                "projects": [item["row"]["project"].name for item in items],
            }
            return redirect(f"{reverse('programme:update_done')}?{pending['query']}")
        request.session[PENDING] = pending  # the newer versions, for a deliberate overwrite
        items = _check_items(pending, chosen.year, chosen.period)
    return render(request, "programme/update_check.html", {
        "chosen": chosen,
        "items": items,
        "problems": problems,
        "reason": pending.get("reason", ""),
        "back": back,
        "change": f"{back}&change=1",
    }, status=400 if problems else 200)


@capability_required("edit_programme")
def update_done(request: HttpRequest) -> HttpResponse:
    """The confirmation panel after submitting."""
    done = request.session.get(DONE)
    if not done:
        return redirect("programme:update")
    return render(request, "programme/update_done.html", {
        "done": done,
        "back": f"{reverse('programme:update')}?{done['query']}",
    })
