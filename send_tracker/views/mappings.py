"""Column mapping pages: the mapping step after an upload, and the saved mappings (list, rename,
archive). The rules are in send_tracker.imports.mapping; these views only read and render."""

from __future__ import annotations

import re
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from send_tracker.imports import FileRejected, get_format
from send_tracker.imports.mapping import (
    HEAD_BYTES,
    HeaderRejected,
    column_mapping_archive,
    column_mapping_create,
    column_mapping_for_header,
    column_mapping_history,
    column_mapping_rename,
    column_mappings_list,
    is_our_header,
    mapping_preview,
    normalise,
    read_head,
)
from send_tracker.imports.service import _store_file, import_start
from send_tracker.imports.suggestions import column_rules, suggest
from send_tracker.models import ColumnMapping
from send_tracker.paging import paginate
from send_tracker.permissions import capability_required

# Uploads waiting on the mapping step, in the session: sha256 -> {kind, file_name, suffix}.
SESSION_KEY = "import_mapping_uploads"
MAX_PENDING = 10
_TOKEN = re.compile(r"^[0-9a-f]{64}$")


def mapping_step_for_upload(
    request: HttpRequest, *, kind: str, data: bytes, file_name: str
) -> HttpResponse | None:
    """Hook in the upload view: the mapping step for a header that is not ours and has no saved
    mapping; None to import as usual (our header, a saved mapping, or a file the import itself
    will refuse with its reasons)."""
    fmt = get_format(kind)
    try:
        head = read_head(data, file_name)
    except HeaderRejected:
        head = None  # the mapping step says why it cannot offer this header
    except FileRejected:
        return None
    if head is not None and (
        is_our_header(fmt, head.header)
        or column_mapping_for_header(kind=kind, names=head.header) is not None
    ):
        return None
    path = Path(_store_file(data, file_name))
    token = path.stem
    pending = request.session.get(SESSION_KEY, {})
    pending.pop(token, None)
    pending[token] = {"kind": kind, "file_name": file_name[:255], "suffix": path.suffix}
    request.session[SESSION_KEY] = dict(list(pending.items())[-MAX_PENDING:])
    return redirect("import_mappings:step", kind=kind, token=token)


def _pending(request: HttpRequest, kind: str, token: str) -> tuple[dict, Path]:
    upload = request.session.get(SESSION_KEY, {}).get(token) if _TOKEN.match(token) else None
    if not upload or upload["kind"] != kind:
        raise Http404("That upload is not waiting for its columns to be matched.")
    path = Path(settings.MEDIA_ROOT) / "imports" / f"{token}{upload['suffix']}"
    if not path.exists():
        raise Http404("That upload is no longer stored: upload it again.")
    return upload, path


class MappingForm(forms.Form):
    mapping_name = forms.CharField(
        label="Name this mapping",
        help_text="So you know it next month, for example 'Placements extract from the case "
        "management system'.",
        max_length=200,
        required=False,
    )

    def __init__(self, *args, fmt, header: list[str], suggested: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Not in my file"), *((normalise(h), h) for h in header)]
        self.columns = []
        for column in fmt.columns:
            field_name = f"col_{column.name}"
            self.fields[field_name] = forms.ChoiceField(
                choices=choices, required=False, initial=suggested.get(column.name, ""),
                label=f"Your column for {column.name}",
                error_messages={"invalid_choice": "Choose one of your file's columns"},
            )
            self.columns.append(
                {"column": column, "rules": column_rules(column), "field": self[field_name],
                 "suggested": suggested.get(column.name, "")})

    def chosen(self) -> dict[str, str]:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return {c["column"].name: data.get(f"col_{c['column'].name}") or "" for c in self.columns}


@require_http_methods(["GET", "POST"])
@capability_required("import_files")
def mapping_step(request: HttpRequest, kind: str, token: str) -> HttpResponse:
    """Match the columns of an uploaded file to ours, preview the first rows, save and import."""
    try:
        fmt = get_format(kind)
    except FileRejected as exc:
        raise Http404(str(exc)) from exc
    upload, path = _pending(request, kind, token)
    is_xlsx = upload["suffix"] == ".xlsx"
    with path.open("rb") as stored:
        start = stored.read() if is_xlsx else stored.read(HEAD_BYTES + 1)
    context = {"fmt": fmt, "upload": upload}
    try:
        head = read_head(start, upload["file_name"])
    except FileRejected as exc:
        context["rejected"] = str(exc)
        return render(request, "send_tracker/imports/mapping_step.html", context)
    suggested = suggest(fmt, head.header)
    form = MappingForm(request.POST or None, fmt=fmt, header=head.header, suggested=suggested)
    chosen = suggested
    if request.method == "POST" and form.is_valid():
        chosen = form.chosen()
        if request.POST.get("action") == "save":
            try:
                mapping = column_mapping_create(
                    kind=kind, name=form.cleaned_data["mapping_name"], header=head.header,
                    columns=chosen, user=request.user)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    target = {"name": "mapping_name", NON_FIELD_ERRORS: None}.get(
                        field, f"col_{field}")
                    for error in errors:
                        form.add_error(target, error)
            else:
                data = path.read_bytes()
                pending = request.session.get(SESSION_KEY, {})
                pending.pop(token, None)
                request.session[SESSION_KEY] = pending
                messages.success(request, f"Mapping '{mapping.name}' saved.")
                record = import_start(kind=kind, data=data, file_name=upload["file_name"],
                                      user=request.user)
                return redirect("imports:detail", pk=record.pk)
    context.update(
        form=form,
        header=head.header,
        preview=mapping_preview(fmt, head, chosen),
        columns=[{"ours": c.name, "theirs": {normalise(h): h for h in head.header}.get(
            normalise(chosen.get(c.name) or ""), "")} for c in fmt.columns],
    )
    return render(request, "send_tracker/imports/mapping_step.html", context)


@require_http_methods(["GET"])
@capability_required("import_files")
def mapping_list(request: HttpRequest) -> HttpResponse:
    """Every saved column mapping, live ones first, with when it was last used."""
    page = paginate(request, column_mappings_list())
    labels = {}
    for mapping in page.items:
        try:
            labels[mapping.kind] = get_format(mapping.kind).label
        except FileRejected:
            labels[mapping.kind] = mapping.kind
        mapping.kind_label = labels[mapping.kind]
    return render(request, "send_tracker/imports/mapping_list.html", {"page": page})


class RenameForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200,
                           error_messages={"required": "Enter a name for the mapping"})


@require_http_methods(["GET", "POST"])
@capability_required("import_files")
def mapping_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One saved mapping: its columns, rename it, archive it."""
    mapping = get_object_or_404(ColumnMapping.objects.select_related("created_by"), pk=pk)
    form = RenameForm(request.POST or None, initial={"name": mapping.name})
    if request.method == "POST" and form.is_valid():
        try:
            column_mapping_rename(mapping=mapping, name=form.cleaned_data["name"],
                                  user=request.user)
        except ValidationError as exc:
            for error in exc.message_dict.get("name", exc.messages):
                form.add_error("name", error)
        else:
            messages.success(request, f"Mapping renamed '{mapping.name}'.")
            return redirect("import_mappings:detail", pk=mapping.pk)
    try:
        fmt = get_format(mapping.kind)
    except FileRejected as exc:
        raise Http404(str(exc)) from exc
    display = {normalise(h): h for h in mapping.header}
    rows = [{"ours": c.name, "theirs": display.get(mapping.columns.get(c.name, ""), "")}
            for c in fmt.columns]
    return render(request, "send_tracker/imports/mapping_detail.html",
                  {"mapping": mapping, "fmt": fmt, "form": form, "rows": rows,
                   "uses": mapping.imports.count(),
                   "history": column_mapping_history(mapping)})


@require_POST
@capability_required("import_files")
def mapping_archive(request: HttpRequest, pk: int) -> HttpResponse:
    """Archive a mapping: kept with its history, no longer used for new files."""
    mapping = get_object_or_404(ColumnMapping, pk=pk)
    if not mapping.archived:
        column_mapping_archive(mapping=mapping, user=request.user)
        messages.success(request, f"Mapping '{mapping.name}' archived: files with its header "
                         "will be matched again.")
    return redirect(reverse("import_mappings:detail", kwargs={"pk": mapping.pk}))
