"""The administrators' audit trail: recent changes across the system, filterable, as CSV too."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from send_tracker.audit import AuditFilter, audit_entries
from send_tracker.exports import csv_response
from send_tracker.fiscal import date_out_of_range
from send_tracker.paging import page_number
from send_tracker.permissions import capability_required

PAGE_SIZE = 50
CSV_MAX_ROWS = 10_000


def _date(text: str, label: str, errors: list[dict]) -> dt.date | None:
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
        reason = date_out_of_range(day)
        if reason:
            errors.append({"href": f"#audit-{label}", "text": f"The '{label}' date {reason}"})
            return None
        return day
    errors.append({"href": f"#audit-{label}", "text": f"Enter the {label} date as 31/03/2025"})
    return None


@require_GET
@capability_required("view_audit")
def audit_log(request: HttpRequest) -> HttpResponse:
    """Every recorded change, newest first; by user and date range; paginated; ?csv=1."""
    errors: list[dict] = []
    user_text = request.GET.get("user", "")
    user_id = int(user_text) if user_text.isdigit() else None
    if user_text and user_id is None:
        errors.append({"href": "#audit-user", "text": "Choose a user from the list"})
    since = _date(request.GET.get("since", ""), "since", errors)
    until = _date(request.GET.get("until", ""), "until", errors)
    filters = AuditFilter(user_id=user_id, since=since, until=until)
    if request.GET.get("csv"):
        rows = audit_entries(filters=filters, offset=0, limit=CSV_MAX_ROWS)
        return csv_response(
            f"audit-{timezone.localdate():%Y-%m-%d}.csv",
            ["When", "User", "Action", "Item", "Item id", "Area", "Reason", "Name", "Page"],
            ([timezone.localtime(r["when"]).isoformat(timespec="seconds"), r["user"],
              r["action"], r["item"], r["item_id"], r["area"], r["reason"], r["name"],
              request.build_absolute_uri(r["url"]) if r["url"] else ""] for r in rows),
        )
    # No count of every change (a UNION over all history tables): pages run to 9,999.
    page = page_number(request.GET.get("page"), 9_999)
    found = audit_entries(filters=filters, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE + 1)
    query = request.GET.copy()
    query.pop("page", None)
    users = get_user_model().objects.order_by("username").values("id", "username")
    return render(request, "send_tracker/audit.html", {
        "entries": found[:PAGE_SIZE],
        "page": page,
        "has_next": len(found) > PAGE_SIZE,
        "query": query.urlencode(),
        "users": users,
        "user_id": user_id,
        "since": request.GET.get("since", ""),
        "until": request.GET.get("until", ""),
        "errors": errors,
    })
