"""The overpayment review queue: filter, search, sort, download, and record outcomes in bulk."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from placements import selectors, services
from placements.forms import BulkOutcomeForm, OverpaymentQueueForm
from placements.models import OverpaymentFlag
from placements.selectors.overpayment_queue import SORTS
from send_tracker.exports import Money, Sheet, csv_response, xlsx_response
from send_tracker.forms import service_errors, whole_number
from send_tracker.money import to_pounds
from send_tracker.paging import paginate
from send_tracker.permissions import capability_required

# The query-string parameters the queue keeps in its links (pages, sorting, downloads).
FILTER_PARAMS = ("rule", "provider", "setting", "min_amount", "max_amount", "period_from",
                 "period_to", "q", "sort", "dir")
# Fields chosen from lists: a bad value can only come from an edited address, and is ignored
# rather than reported (the default applies).
SILENT = {"status", "rule", "provider", "setting", "sort", "dir"}
EXPORT_HEADERS = ["Invoice", "Provider", "Child", "Placement", "Setting type",
                  "Service period start", "Service period end", "Paid", "Check", "What was found",
                  "Invoice amount (£)", "Thought overpaid (£)", "Outcome", "Note", "Flagged on"]
# Column headers that sort, in table order: (sort key, header text).
SORTABLE = {"date": "Service period", "provider": "Provider", "amount": "Thought overpaid"}


def _kept(form: OverpaymentQueueForm, status: str) -> dict[str, str]:
    """The outcome shown and the filters as typed, without any that did not clean (so links
    never repeat an error)."""
    return {"status": status, **{
        name: form.data[name].strip() for name in FILTER_PARAMS
        if form.data.get(name, "").strip() and name not in form.errors}}


def _sort_headers(kept: Mapping[str, str], sort: str, direction: str) -> dict[str, dict]:
    """Each sortable header's link (the other direction when it is the current sort) and its
    aria-sort value."""
    headers = {}
    kept = {k: v for k, v in kept.items() if k not in ("sort", "dir")}
    for key in SORTABLE:
        current = key == sort
        next_dir = ("asc" if direction == "desc" else "desc") if current else (
            "desc" if key == "amount" else "asc")
        headers[key] = {
            "href": "?" + urlencode({**kept, "sort": key, "dir": next_dir}),
            "aria": ("ascending" if direction == "asc" else "descending") if current else "none",
        }
    return headers


def _export(query, fmt: str) -> HttpResponse:
    rows = (selectors.overpayment_queue_row(r)
            for r in selectors.overpayment_queue(query).iterator(chunk_size=2000))
    lines = ([r["invoice_ref"], r["provider_name"], r["child_ref"] or "", r["placement_ref"] or "",
              r["setting_label"], r["period_start"], r["period_end"], r["paid_date"] or "",
              r["rule_label"], r["detail"], Money(r["invoice_amount_pence"]),
              Money(r["amount_pence"]), r["status_label"], r["note"],
              timezone.localtime(r["found_at"]).date()]
             for r in rows)
    name = f"overpayment-flags-{timezone.localdate():%Y-%m-%d}"
    if fmt == "xlsx":
        return xlsx_response(f"{name}.xlsx", [
            Sheet(title="Overpayment flags", headers=EXPORT_HEADERS, rows=list(lines))])
    # CSV: pounds with pence as plain numbers, so a spreadsheet sums them.
    return csv_response(f"{name}.csv", EXPORT_HEADERS, (
        [to_pounds(v.pence, places=2) if isinstance(v, Money) else v for v in line]
        for line in lines))


def _bulk_outcome(request: HttpRequest, kept: Mapping[str, str]):
    """Record the posted outcome for the ticked flags: a redirect when done, else the bound
    form, the refused rows and the ids to keep ticked."""
    form = BulkOutcomeForm(request.POST)
    refused: dict[int, str] = {}
    if form.is_valid():
        data = form.cleaned_data
        try:
            done = services.overpayment_flags_review(
                flag_ids=data["flags"], status=data["status"], note=data["note"],
                user=request.user)
        except services.BulkReviewRefused as exc:
            refused = exc.rows
            form.add_error(None, exc.messages)
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            label = dict(OverpaymentFlag.Status.choices)[data["status"]].lower()
            messages.success(request, f"{len(done)} flag{'s' if len(done) != 1 else ''} "
                                      f"marked {label}.")
            url = reverse("placements:overpayments")
            return redirect(f"{url}?{urlencode(kept)}" if kept else url), None, None
    ticked = {n for v in request.POST.getlist("flags") if (n := whole_number(v)) is not None}
    return None, form, {"refused": refused, "ticked": ticked}


def _errors(*forms_) -> list[dict]:
    """GOV.UK error summary entries for the forms' errors, linked to their fields."""
    anchors = {"status": "bulk-status", "note": "bulk-note", "flags": "queue-table"}
    errors = []
    for form, prefix in forms_:
        for name, items in form.errors.items():
            if prefix == "filters" and name in SILENT:
                continue
            href = f"#{anchors.get(name, 'queue-table')}" if prefix == "bulk" else (
                f"#id_{name}" if name != "__all__" else "")
            errors.extend({"href": href, "text": text} for text in items)
    return errors


@capability_required("review_overpayments")
def overpayments(request: HttpRequest) -> HttpResponse:
    """The review queue: counts by outcome over every flag; the chosen flags filtered,
    searched and sorted, a page at a time (or all as CSV or Excel); one outcome for many."""
    filters = OverpaymentQueueForm(request.GET, providers=selectors.overpayment_providers())
    filters.is_valid()
    query = filters.query()
    kept = _kept(filters, query.status)
    if request.method == "GET" and request.GET.get("export") in ("csv", "xlsx"):
        return _export(query, request.GET["export"])
    bulk, bulk_state = None, {"refused": {}, "ticked": set()}
    if request.method == "POST":
        response, bulk, bulk_state = _bulk_outcome(request, kept)
        if response is not None:
            return response
    by_status = selectors.overpayment_by_status()
    count = selectors.overpayment_queue_count(query) if query.narrowed else sum(
        row["count"] for value, row in by_status.items() if query.status in ("all", value))
    page = paginate(request, functools.partial(selectors.overpayment_queue_page, query),
                    query=kept, count=count)
    for row in page.items:
        row["refused"] = bulk_state["refused"].get(row["id"], "")
        row["ticked"] = row["id"] in bulk_state["ticked"]
    errors = _errors((filters, "filters"), *([(bulk, "bulk")] if bulk is not None else []))
    return render(request, "placements/overpayments.html", {
        "page": page,
        "status": query.status,
        "query": query,
        "filters": filters,
        "filtered": query.narrowed,
        "kept": urlencode(kept),
        "kept_fields": kept,
        "sort_headers": _sort_headers(kept, query.sort, query.direction),
        "bulk": bulk or BulkOutcomeForm(),
        "errors": errors,
        "statuses": [{"value": s.value, "label": s.label, **by_status[s.value]}
                     for s in OverpaymentFlag.Status],
        "scan": selectors.latest_overpayment_scan(),
        "sorts": SORTS,
    })
