"""Board summary pages: the list, a month's one-screen summary, its text, sign-off, packs and the
side-by-side comparison of two months. Thin: reads through selectors, writes through services.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from finance.board import charts, selectors, services
from finance.board.display import compared_label, headline_rows, top_figures
from finance.board.models import BoardPack, BoardSummary
from send_tracker.charts import chart_csv_response
from send_tracker.exports import XLSX_CONTENT_TYPE
from send_tracker.fiscal import PERIODS, FinancialYear, parse_period, period_end
from send_tracker.forms import whole_number
from send_tracker.permissions import can, capability_required
from send_tracker.reporting import reporting_month

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": XLSX_CONTENT_TYPE,
}


# Risks and overdue milestones listed at the top of a month (the rest follow in the detail).
TOP_SCREEN_ITEMS = 3


def _month(year: str, period: int | str) -> tuple[FinancialYear, int]:
    """(year, period) from URL parts, or 404."""
    try:
        return FinancialYear.parse(year), parse_period(period)
    except ValueError as exc:
        raise Http404(str(exc)) from exc


# Leads asking for a draft get the same answer as for a month that does not exist.
NO_SUMMARY = "No board summary you can read for that month."


def _summary_or_404(request, year: str, period: int, version: int | None = None) -> BoardSummary:
    fy, period = _month(year, period)
    summary = selectors.summary_for_month(request.user, year=fy, period=period, version=version)
    if summary is None:
        raise Http404(NO_SUMMARY)
    return summary


def _dated(milestones: dict) -> dict[str, list[dict]]:
    """The snapshot's milestones with their dates as dates (the JSON keeps ISO text)."""
    return {
        key: [{**m, **{f: dt.date.fromisoformat(m[f]) for f in ("forecast_date", "baseline_date")
                       if m.get(f)}} for m in milestones.get(key, [])]
        for key in ("due", "overdue")
    }


def _detail_url(summary: BoardSummary) -> str:
    return reverse("board:detail", args=[summary.fy.slug, summary.period])


def _enqueue_build(year: int, period: int, *, new_version: bool, user_id: int) -> None:
    from finance.board.tasks import build_board_summary

    build_board_summary.delay(year, period, new_version, user_id)


@capability_required("view_aggregates")
def board_list(request: HttpRequest) -> HttpResponse:
    """Every monthly board summary the user may read, with status and version."""
    summaries = list(selectors.summary_list(request.user).select_related("signed_off_by"))
    months = []
    seen = set()
    for s in summaries:
        if (s.year, s.period) not in seen:
            seen.add((s.year, s.period))
            months.append({"slug": f"{s.fy.slug}-{s.period}", "label": f"{s.fy.label} P{s.period}"})
    year, period = reporting_month()
    return render(request, "board/list.html", {
        "summaries": summaries,
        "months": months,
        "default_year": year.slug,
        "default_period": period,
        "periods": PERIODS,
        "build_day": settings.BOARD_SUMMARY_BUILD_WORKING_DAY,
    })


@require_POST
@capability_required("build_board_summary")
def board_build(request: HttpRequest) -> HttpResponse:
    """Queue a build of a month's draft (or, for a director, a new draft of a signed-off month)."""
    try:
        year = FinancialYear.parse(request.POST.get("year", ""))
        period = parse_period(request.POST.get("period", ""))
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("board:list")
    new_version = request.POST.get("new_version") == "1"
    if new_version and not can(request.user, "sign_off_board"):
        raise PermissionDenied
    try:
        _enqueue_build(year.start_year, period, new_version=new_version, user_id=request.user.pk)
    except Exception:  # noqa: BLE001 - a broker outage must not lose the user's page
        messages.error(request, "The build could not be queued (the task queue is not "
                       "answering). Nothing has changed; try again in a few minutes.")
    else:
        messages.success(request, f"The board summary for {year.label} P{period} is being "
                         "built. Refresh this page in a minute to see it.")
    if BoardSummary.objects.filter(year=year.start_year, period=period).exists():
        return redirect("board:detail", year.slug, period)
    return redirect("board:list")


def _packs(summary: BoardSummary) -> dict[str, dict]:
    found = selectors.pack_states(summary_id=summary.pk, pack_key=summary.pack_key)
    return {
        kind: {
            "label": label,
            "status": found.get(kind, {}).get("status"),
            "size_kb": (found.get(kind, {}).get("size_bytes") or 0) // 1024,
            "url": reverse("board:pack", args=[summary.fy.slug, summary.period, summary.version,
                                               kind]),
        }
        for kind, label in BoardPack.Kind.choices
    }


@capability_required("view_aggregates")
def board_detail(request: HttpRequest, year: str, period: int) -> HttpResponse:
    """A month's board summary on one screen: headline, trajectory, strands, bridge, risks."""
    fy, period = _month(year, period)
    wanted = whole_number(request.GET.get("version"))  # anything else: the latest
    # Every version the user may read (newest first, no content); the one shown among them,
    # and its frozen content read once per data version.
    versions = selectors.month_versions(year=fy, period=period, user=request.user)
    summary = next((v for v in versions if wanted is None or v.version == wanted), None)
    if summary is None:
        raise Http404(NO_SUMMARY)
    content = selectors.summary_content(year=fy, period=period, version=summary.version)
    page_charts = [charts.trajectory_chart(content), charts.bridge_chart(content)]
    if (csv := chart_csv_response(request, page_charts)) is not None:
        return csv
    milestones = _dated(content.get("milestones") or {})
    overdue = milestones["overdue"]
    return render(request, "board/detail.html", {
        "summary": summary,
        "content": content,
        # The month on one screen: the six figures, decisions, top risks, overdue milestones.
        "top": top_figures(content, selectors.compared_content(content)),
        "decisions": selectors.decisions_list(summary.decisions_needed),
        "top_risks": (content.get("top_risks") or [])[:TOP_SCREEN_ITEMS],
        "overdue": overdue[:TOP_SCREEN_ITEMS],
        "overdue_more": max(len(overdue) - TOP_SCREEN_ITEMS, 0),
        "milestones": milestones,
        "headline": headline_rows(content),
        "as_at": period_end(FinancialYear(summary.year), summary.period),
        "compared_label": compared_label(content),
        "trajectory_chart": page_charts[0],
        "bridge_chart": page_charts[1],
        "versions": versions,
        "is_latest": summary.version == versions[0].version,
        "packs": _packs(summary),
    })


@capability_required("edit_board_commentary")
def board_text(request: HttpRequest, year: str, period: int) -> HttpResponse:
    """The programme office edits a draft's commentary and decisions needed."""
    summary = _summary_or_404(request, year, period)
    if not summary.is_draft:
        messages.error(request, "This summary is signed off: its commentary cannot change.")
        return redirect(_detail_url(summary))
    errors: list[str] = []
    commentary, decisions = summary.commentary, summary.decisions_needed
    read_version = str(summary.edit_version)
    if request.method == "POST":
        commentary = request.POST.get("commentary", "")
        decisions = request.POST.get("decisions_needed", "")
        read_version = request.POST.get("read_version", "")
        # A tampered version (not a whole number) is a damaged form, not a 500.
        if read_version and whole_number(read_version) is None:
            errors = ["The form was damaged: reload the page."]
        try:
            if errors:
                raise ValidationError(errors)
            services.board_summary_update_text(
                summary_id=summary.pk, user=request.user, commentary=commentary,
                decisions_needed=decisions, read_version=whole_number(read_version),
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, "Commentary and decisions saved.")
            return redirect(_detail_url(summary))
    return render(request, "board/text.html", {
        "summary": summary, "commentary": commentary, "decisions_needed": decisions,
        "read_version": read_version, "errors": errors,
    }, status=400 if errors else 200)


@require_POST
@capability_required("sign_off_board")
def board_sign_off(request: HttpRequest, year: str, period: int) -> HttpResponse:
    """A director signs off the month's draft; the board is e-mailed after commit."""
    summary = _summary_or_404(request, year, period)
    try:
        services.board_summary_sign_off(summary_id=summary.pk, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Signed off {summary.fy.label} P{summary.period} version "
                         f"{summary.version}. The board pack is being sent to the board.")
    return redirect(_detail_url(summary))


@capability_required("sign_off_board")
def board_return(request: HttpRequest, year: str, period: int) -> HttpResponse:
    """A director returns the month's draft to finance with comments instead of signing off."""
    summary = _summary_or_404(request, year, period)
    if not summary.is_draft:
        messages.error(request, "This summary is signed off: it cannot be returned to finance.")
        return redirect(_detail_url(summary))
    comments, errors = "", []
    if request.method == "POST":
        comments = request.POST.get("comments", "")
        try:
            services.board_summary_return(summary_id=summary.pk, user=request.user,
                                          comments=comments)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, f"Returned {summary.fy.label} {summary.period_name} to "
                             "finance with your comments. It comes back to you for sign-off.")
            return redirect(_detail_url(summary))
    return render(request, "board/return.html", {
        "summary": summary, "comments": comments, "errors": errors,
    }, status=400 if errors else 200)


@capability_required("view_aggregates")
def board_pack(request: HttpRequest, year: str, period: int, version: int,
               kind: str) -> HttpResponse:
    """Download the PDF or Excel pack; built here if the worker has not stored it yet."""
    if kind not in CONTENT_TYPES:
        raise Http404("Packs are PDF or Excel.")
    summary = _summary_or_404(request, year, period, version)
    pack = services.board_pack_build(summary_id=summary.pk, kind=kind)
    response = HttpResponse(bytes(pack.data), content_type=CONTENT_TYPES[kind])
    name = f"board-pack-{summary.fy.slug}-p{summary.period}-v{summary.version}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _parse_month(text: str) -> tuple[FinancialYear, int] | None:
    """`2024-25-6` → (2024/25, 6), else None."""
    year, _, period = (text or "").rpartition("-")
    try:
        return FinancialYear.parse(year), parse_period(period)
    except ValueError:
        return None


@capability_required("view_aggregates")
def board_compare(request: HttpRequest) -> HttpResponse:
    """Two months side by side: headline, savings by strand, and the finance figures."""
    months = []
    errors = []
    for key in ("a", "b"):
        month = _parse_month(request.GET.get(key, ""))
        if month is None:
            errors.append(f"Choose month {key.upper()} (for example 2024-25-6).")
            continue
        summary = selectors.summary_for_month(request.user, year=month[0], period=month[1])
        if summary is None:
            errors.append(f"There is no board summary you can read for {request.GET[key]}.")
            continue
        months.append(summary)
    if errors or len(months) != 2:
        return render(request, "board/compare.html", {"errors": errors,
                                                      "a": request.GET.get("a", ""),
                                                      "b": request.GET.get("b", "")},
                      status=400 if request.GET else 200)
    a, b = months
    rows_a = headline_rows(a.content, previous_headline={})
    rows_b = headline_rows(b.content, previous_headline=a.content.get("headline", {}))
    strands_a = {s["slug"]: s for s in a.content.get("strands", [])}
    strands = [
        {"name": s["name"], "a": strands_a.get(s["slug"]), "b": s}
        for s in b.content.get("strands", [])
    ]
    return render(request, "board/compare.html", {
        "a": a, "b": b, "headline": list(zip(rows_a, rows_b, strict=True)), "strands": strands,
        "errors": [],
    })

