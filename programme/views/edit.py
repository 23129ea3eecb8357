"""Edit pages for leads: a milestone's dates and status, and RAID items of their strands."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from programme import services
from programme.forms import MilestoneForm, RaidItemForm
from programme.models import Milestone, RaidItem, Strand
from send_tracker.forms import mark_errors, service_errors
from send_tracker.permissions import (
    can_edit_strand,
    capability_required,
    people_with_roles,
)


def _render(request, *, form, title: str, caption: str, back: str) -> HttpResponse:
    mark_errors(form)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "programme/edit_form.html",
                  {"form": form, "title": title, "caption": caption, "back": back},
                  status=status)


@capability_required("edit_programme")
def milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a milestone's forecast date, actual date and status."""
    milestone = get_object_or_404(Milestone.objects.select_related("project__strand"), pk=pk)
    strand = milestone.project.strand
    if not can_edit_strand(request.user, strand):
        raise PermissionDenied
    back = reverse("programme:strand", args=[strand.slug])
    form = MilestoneForm(request.POST or None, initial={
        "forecast_date": milestone.forecast_date, "actual_date": milestone.actual_date,
        "status": milestone.status,
    })
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_update(user=request.user, milestone=milestone, **form.cleaned_data)
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            messages.success(request, f"Milestone “{milestone.name}” updated.")
            return redirect(back)
    return _render(request, form=form, title=milestone.name,
                   caption=f"Milestone of {milestone.project.name} (baseline "
                   f"{milestone.baseline_date:%d/%m/%Y})", back=back)


@capability_required("edit_programme")
def raid_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add a RAID item to a strand (`?strand=<slug>`) or change one."""
    item = get_object_or_404(RaidItem.objects.select_related("strand"), pk=pk) if pk else None
    strand = item.strand if item else get_object_or_404(Strand, slug=request.GET.get("strand"))
    if not can_edit_strand(request.user, strand):
        raise PermissionDenied
    owners = list(people_with_roles())
    initial = {}
    if item:
        initial = {f: getattr(item, f) for f in services.RAID_FIELDS if f != "project"}
        initial["owner"] = item.owner_id
    form = RaidItemForm(request.POST or None, initial=initial, owners=owners)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        owner_id = data.pop("owner")
        data["owner"] = next((u for u in owners if u.pk == owner_id), None)
        try:
            item = services.raid_item_save(user=request.user, strand=strand, item=item, **data)
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            messages.success(request, f"“{item.title}” saved (score {item.score}).")
            return redirect(reverse("programme:strand", args=[strand.slug]))
    return _render(request, form=form, title=item.title if item else "Add a RAID item",
                   caption=strand.name, back=reverse("programme:strand", args=[strand.slug]))
