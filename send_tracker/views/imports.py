"""Import pages: choose a kind, download its template, upload, watch progress, read problems."""

from __future__ import annotations

import functools

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from send_tracker.exports import Sheet, csv_response, xlsx_response
from send_tracker.imports import FileRejected, all_formats, get_format
from send_tracker.imports.service import (
    import_history_row,
    import_history_rows,
    import_progress,
    import_start,
)
from send_tracker.models import ImportRecord
from send_tracker.paging import paginate
from send_tracker.permissions import can, capability_required
from send_tracker.views.mappings import mapping_step_for_upload


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text="A .csv (UTF-8 or as Excel saves it) or .xlsx file, 20 MB at most.",
        error_messages={"required": "Select a file to upload"},
    )

    def clean_file(self):
        """Refuse an oversized upload from its declared size, before reading it into memory."""
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            limit_mb = settings.IMPORT_MAX_BYTES // (1024 * 1024)
            raise forms.ValidationError(
                f"The file is larger than the {limit_mb} MB limit: split it into smaller files.")
        return upload


def _format_or_404(request: HttpRequest, kind: str):
    try:
        fmt = get_format(kind)
    except FileRejected as exc:
        raise Http404(str(exc)) from exc
    if not can(request.user, fmt.capability):
        raise PermissionDenied
    return fmt


@require_GET
@capability_required("import_files")
def import_history(request: HttpRequest) -> HttpResponse:
    """Every import: who, when, which file, counts and outcome."""
    kind = request.GET.get("kind", "")
    formats = all_formats()
    labels = {fmt.kind: fmt.label for fmt in formats}  # the label, never the code
    page = paginate(request, import_history_rows(kind=kind), query={"kind": kind},
                    row=functools.partial(import_history_row, labels=labels))
    return render(
        request,
        "send_tracker/imports/history.html",
        {"page": page, "formats": formats, "kind": kind},
    )


@require_http_methods(["GET", "POST"])
@capability_required("import_files")
def import_upload(request: HttpRequest, kind: str) -> HttpResponse:
    """The upload page of one kind of file, with its columns and templates."""
    fmt = _format_or_404(request, kind)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        # A header that is not ours and has no saved mapping goes to the mapping step first.
        step = mapping_step_for_upload(request, kind=kind, data=data, file_name=upload.name)
        if step is not None:
            return step
        record = import_start(kind=kind, data=data, file_name=upload.name, user=request.user)
        return redirect("imports:detail", pk=record.pk)
    recent = ImportRecord.objects.filter(kind=kind).select_related("uploaded_by")[:5]
    return render(
        request,
        "send_tracker/imports/upload.html",
        {"fmt": fmt, "form": form, "recent": recent},
    )


@require_GET
@capability_required("import_files")
def import_template(request: HttpRequest, kind: str, extension: str) -> HttpResponse:
    """A template file with the exact column names and one example row."""
    if extension not in ("csv", "xlsx"):
        raise Http404("Templates are .csv or .xlsx.")
    fmt = _format_or_404(request, kind)
    headers = [c.name for c in fmt.columns]
    example = [fmt.example.get(name, "") for name in headers]
    if extension == "csv":
        return csv_response(f"{kind}-template.csv", headers, [example] if any(example) else [])
    sheet = Sheet(fmt.label, headers, [example] if any(example) else [])
    return xlsx_response(f"{kind}-template.xlsx", [sheet])


@require_GET
@capability_required("import_files")
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One import: its progress while it runs, then its counts or every problem found."""
    record = get_object_or_404(ImportRecord.objects.select_related("uploaded_by"), pk=pk)
    if request.GET.get("csv") == "problems":
        rows = [[p["row"], p["column"], p["value"], p["reason"]] for p in record.problems]
        return csv_response(
            f"import-{record.pk}-problems.csv", ["Row", "Column", "Value", "Problem"], rows
        )
    try:
        label = get_format(record.kind).label
    except FileRejected:
        label = record.kind
    return render(
        request,
        "send_tracker/imports/detail.html",
        {"record": record, "label": label, "progress": import_progress(record)},
    )


@require_GET
@capability_required("import_files")
def import_status(request: HttpRequest, pk: int) -> JsonResponse:
    """Progress of an import, polled by the detail page while it runs."""
    record = get_object_or_404(ImportRecord, pk=pk)
    return JsonResponse(
        {
            "status": record.status,
            "status_label": record.get_status_display(),
            "progress": import_progress(record),
            # Ended either way (imported, rejected, failed, or written off by the sweeper):
            # the page stops polling.
            "finished": record.status
            not in (ImportRecord.Status.QUEUED, ImportRecord.Status.RUNNING),
        }
    )
