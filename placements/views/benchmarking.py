"""The Benchmarking page (every role; aggregates only) and the comparator group's form."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from placements import selectors, services
from placements.benchmarks import ATTRIBUTION
from placements.charts import benchmark_charts, shown
from placements.forms import ComparatorGroupForm, StatisticsUploadForm
from placements.selectors.own_figures import SETTING_CATEGORIES
from send_tracker.charts import chart_csv_response
from send_tracker.models import ImportRecord
from send_tracker.permissions import capability_required


def _change_words(change, *, is_percent: bool) -> str:
    """`up 975`, `down 1.7 points`, `no change`, or a dash without the year before."""
    if change is None:
        return "–"
    if change == 0:
        return "no change"
    amount = f"{abs(change):.1f} points" if is_percent else f"{int(abs(change)):,}"
    return f"{'up' if change > 0 else 'down'} {amount}"


def _difference_words(diff, *, is_percent: bool) -> str:
    """Our records less the published figure: `+12`, `-0.4 points`."""
    if diff is None:
        return "–"
    amount = f"{diff:+.1f} points" if is_percent else f"{int(diff):+,}"
    return amount


def _summary_row(item: dict) -> dict:
    measure, unit = item["measure"], item["measure"].unit
    return {
        "code": measure.code,
        "name": measure.name,
        "period": item["latest_label"],
        "value": shown(item["value"], unit),
        "rank": f"{item['rank']} of {item['ranked_of']}" if item["rank"] else "–",
        "direction": measure.direction_words,
        "change": _change_words(item["change"], is_percent=measure.is_percent),
        "own": shown(item["own"], unit),
        "own_difference": _difference_words(item["own_difference"],
                                            is_percent=measure.is_percent),
        "unpublished": [
            {"label": p["label"], "value": shown(p["value"], unit)} for p in item["unpublished"]
        ],
        "release": item["release"],
    }


def _setting_rows(categories) -> list[tuple[str, str]]:
    """(our provision types, the release's setting) labels from own_figures' one table."""
    return [(", ".join(category.provision_labels) or "No placement open on the census day",
             category.label) for category in categories]


@capability_required("view_aggregates")
def benchmarking(request: HttpRequest) -> HttpResponse:
    """Where the council stands against its comparators, its region and England."""
    overview = selectors.benchmark_overview()
    group = overview["group"]
    chart_pairs = benchmark_charts(measures=overview["measures"], council=group["council"]["name"],
                                   region=group["region"]["name"] if group["region"] else "")
    csv = chart_csv_response(request, [c for pair in chart_pairs for c in pair])
    if csv is not None:
        return csv
    sections = [
        {"measure": item["measure"], "series": pair[0], "ranking": pair[1]}
        for item, pair in zip(overview["measures"], chart_pairs, strict=True)
        if item["series"]
    ]
    return render(
        request,
        "placements/benchmarking.html",
        {
            "group": group,
            "summary": [_summary_row(i) for i in overview["measures"]
                        if i["series"] and i["measure"].summary],
            "sections": sections,
            "releases": overview["releases"],
            "attribution": ATTRIBUTION,
            "setting_categories": _setting_rows(SETTING_CATEGORIES),
        },
    )


@require_http_methods(["GET", "POST"])
@capability_required("manage_programme")
def comparators(request: HttpRequest) -> HttpResponse:
    """The programme office sets the council's comparator group (or goes back to the default)."""
    group = selectors.comparator_group()
    choices = [(c, n) for c, n in selectors.la_choices() if c != settings.COUNCIL_LA_CODE]
    initial = {"area_codes": [m["code"] for m in group["members"]]}
    form = ComparatorGroupForm(request.POST or None, initial=initial, choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            services.comparator_group_set(
                area_codes=form.cleaned_data["area_codes"], user=request.user
            )
        except ValidationError as exc:
            for message in exc.message_dict.get("area_codes", exc.messages):
                form.add_error("area_codes", message)
        else:
            messages.success(request, "The comparator group has been saved.")
            return redirect("placements:benchmarking")
    return render(
        request,
        "placements/comparators.html",
        {"form": form, "group": group},
    )


STATISTICS_KINDS = ("ehcp_statistics", "statistical_neighbours")


@require_http_methods(["GET", "POST"])
@capability_required("import_statistics")
def statistics_import(request: HttpRequest) -> HttpResponse:
    """Upload the DfE's release or the statistical neighbours (finance, programme office)."""
    from send_tracker.imports.service import import_start

    form = StatisticsUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        record = import_start(kind=form.cleaned_data["kind"], data=upload.read(),
                              file_name=upload.name, user=request.user)
        return redirect("placements:statistics_import_record", pk=record.pk)
    recent = ImportRecord.objects.filter(kind__in=STATISTICS_KINDS).select_related(
        "uploaded_by").order_by("-created_at")[:5]
    return render(request, "placements/statistics_import.html",
                  {"form": form, "recent": recent})


@require_http_methods(["GET"])
@capability_required("import_statistics")
def statistics_import_record(request: HttpRequest, pk: int) -> HttpResponse:
    """One import of published statistics: its progress, counts, warnings or problems."""
    from send_tracker.imports.service import import_progress

    record = get_object_or_404(
        ImportRecord.objects.select_related("uploaded_by"), pk=pk, kind__in=STATISTICS_KINDS
    )
    return render(request, "placements/statistics_import_record.html",
                  {"record": record, "progress": import_progress(record),
                   "problems": record.problems[:200]})
