"""Writes of programme set-up (the programme office): the programme's years, strands, projects,
savings targets, milestones and their baselines, KPIs, their milestone targets and readings.

Nothing here deletes: strands and KPIs are archived (`active`), projects closed, and every
change is kept by simple-history. Rule breaches raise ValidationError keyed by the field.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify

from programme.models import (
    Kpi,
    KpiReading,
    Milestone,
    MilestoneBaseline,
    Programme,
    Project,
    SavingsTarget,
    Strand,
)
from programme.selectors.setup import programme_get
from send_tracker.fiscal import FinancialYear
from send_tracker.permissions import can, can_edit_strand, user_roles
from send_tracker.reporting import reporting_month_end

MANAGE = "manage_programme"


def _require_manager(user: Any) -> None:
    if not can(user, MANAGE):
        raise PermissionDenied("Only the programme office and administrators set up the programme.")


def who(user: Any) -> str:
    """A user as the programme's messages name them: full name, else username."""
    return (user.get_full_name() or user.get_username()) if user else "someone"


def leader_refusal(user: Any) -> str:
    """Why the user cannot lead, deputise or own anything in the programme ('' when they can):
    the one rule, an active user with a role in the tracker."""
    if not user.is_active:
        return f"{who(user)} is deactivated: reactivate them or choose someone else."
    if not user_roles(user):
        return (f"{who(user)} has no role in the tracker: give them a role first, or choose "
                "someone else.")
    return ""


def _unique_slug(model, name: str, *, exclude_pk: int | None) -> str:
    base = (slugify(name) or "item")[:70]
    slug, n = base, 1
    while model.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_name_free(qs, name: str, *, what: str, field: str = "name") -> None:
    """Names are unique case aside: 'Sufficiency' and 'sufficiency' are the same strand."""
    clash = qs.filter(**{f"{field}__iexact": name.strip()}).first()
    if clash is not None:
        raise ValidationError({field: f"There is already {what} called “{clash}”: choose "
                                      "another name."})


def _check_years_within(year: FinancialYear, *, field: str = "year") -> None:
    programme = programme_get()
    if programme is None:
        raise ValidationError({field: "Set the programme's first and last financial years "
                                      "before setting targets."})
    if year.start_year not in programme.years:
        raise ValidationError({field: f"{year.label} is outside the programme's "
                                      f"years ({FinancialYear(programme.first_year).label} to "
                                      f"{FinancialYear(programme.last_year).label})."})


def _check_actual_date(actual: dt.date | None, *, field: str = "actual_date") -> None:
    """Nothing can have happened after the reporting month (not the wall clock: the calendar)."""
    if actual is None:
        return
    end = reporting_month_end()
    if actual > end:
        raise ValidationError({field: f"The actual date cannot be after the end of the "
                                      f"reporting month ({end:%d/%m/%Y})."})


@transaction.atomic
def programme_years_set(*, user: Any, first_year: int, last_year: int,
                        name: str | None = None) -> Programme:
    """Set the financial years the programme runs over (targets outside them are refused)."""
    _require_manager(user)
    if last_year < first_year:
        raise ValidationError({"last_year": "The last year cannot be before the first year."})
    outside = sorted(set(
        SavingsTarget.objects.exclude(year__range=(first_year, last_year))
        .values_list("year", flat=True)
    ))
    if outside:
        labels = ", ".join(FinancialYear(y).label for y in outside)
        raise ValidationError({"first_year" if outside[0] < first_year else "last_year":
                               f"Savings targets exist for {labels}: the programme must cover "
                               "them."})
    programme = Programme.objects.select_for_update().filter(pk=1).first()
    if programme is None:
        programme = Programme(pk=1, created_by=user)
    programme.first_year, programme.last_year = first_year, last_year
    if name:
        programme.name = name
    programme.updated_by = user
    programme.full_clean()
    programme.save()
    return programme


def _check_leader(user: Any, *, field: str) -> None:
    """A strand's lead or deputy, or a project's or KPI's owner, passes leader_refusal."""
    if user is not None and (refusal := leader_refusal(user)):
        raise ValidationError({field: refusal})


@transaction.atomic
def strand_save(*, user: Any, strand: Strand | None = None, name: str, description: str = "",
                lead: Any = None, deputies: list | None = None, order: int = 0,
                active: bool = True) -> Strand:
    """Create a strand or change one (archive with active=False: strands are never deleted)."""
    _require_manager(user)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Enter the strand's name."})
    _check_name_free(Strand.objects.exclude(pk=strand.pk if strand else None), name,
                     what="a strand")
    deputies = list(deputies or [])
    if lead is not None:
        _check_leader(lead, field="lead")
    for deputy in deputies:
        _check_leader(deputy, field="deputies")
    if lead is not None and any(d.pk == lead.pk for d in deputies):
        raise ValidationError({"deputies": f"{who(lead)} leads the strand: they cannot also "
                                           "be its deputy."})
    if strand is None:
        strand = Strand(created_by=user)
    else:
        strand = Strand.objects.select_for_update().get(pk=strand.pk)
    if not strand.slug or strand.name != name:
        strand.slug = _unique_slug(Strand, name, exclude_pk=strand.pk)
    strand.name, strand.description, strand.lead = name, description, lead
    strand.order, strand.active, strand.updated_by = order, active, user
    strand.full_clean()
    strand.save()
    if {d.pk for d in strand.deputies.all()} != {d.pk for d in deputies}:
        strand.deputies.set(deputies)
    return strand


@transaction.atomic
def project_save(*, user: Any, project: Project | None = None, strand: Strand, name: str,
                 description: str = "", lead: Any = None, status: str = Project.Status.ACTIVE,
                 start_date: dt.date | None = None, end_date: dt.date | None = None) -> Project:
    """Create a project in a strand or change one (close it with status "closed")."""
    _require_manager(user)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Enter the project's name."})
    _check_name_free(
        Project.objects.filter(strand=strand).exclude(pk=project.pk if project else None), name,
        what=f"a project in {strand.name}",
    )
    if project is None and not strand.active:
        raise ValidationError({"strand": f"{strand.name} is archived: choose an active strand."})
    _check_leader(lead, field="lead")
    if start_date and end_date and end_date < start_date:
        raise ValidationError({"end_date": "The end date cannot be before the start date."})
    if project is None:
        project = Project(created_by=user)
    else:
        project = Project.objects.select_for_update().get(pk=project.pk)
    project.strand, project.name, project.description, project.lead = (
        strand, name, description, lead)
    project.status, project.start_date, project.end_date = status, start_date, end_date
    project.updated_by = user
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def savings_target_set(*, user: Any, year: FinancialYear, amount_pence: int,
                       project: Project | None = None, strand: Strand | None = None,
                       field: str = "year") -> SavingsTarget:
    """Set the in-year saving required of a project, a strand or (neither) the programme for a
    year within the programme's years; cumulative against the pre-programme baseline."""
    _require_manager(user)
    if project is not None and strand is not None:
        raise ValidationError("A target belongs to a project or a strand, not both.")
    _check_years_within(year, field=field)
    if amount_pence < 0:
        raise ValidationError({"amount_pence": "A savings target cannot be negative."})
    # No ordering: the model's default joins strand and project, which FOR UPDATE refuses.
    target = SavingsTarget.objects.select_for_update().filter(
        year=year.start_year, project=project, strand=None if project else strand
    ).order_by().first()
    if target is None:
        target = SavingsTarget(year=year.start_year, project=project, strand=strand,
                               created_by=user)
    elif target.amount_pence == amount_pence:
        return target  # the same figure again changes nothing (no empty history row)
    target.amount_pence = amount_pence
    target.updated_by = user
    target.full_clean(validate_constraints=False)  # the partial unique rows are ours to upsert
    target.save()
    return target


@transaction.atomic
def savings_targets_set(*, user: Any, amounts: dict[int, int], project: Project | None = None,
                        strand: Strand | None = None) -> list[SavingsTarget]:
    """Several years' targets at once, all or nothing: every year's problem is reported, keyed
    `year_<start year>`."""
    errors: dict[str, list[str]] = {}
    for year in amounts:
        try:
            _check_years_within(FinancialYear(year), field=f"year_{year}")
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if amounts[year] < 0:
            errors[f"year_{year}"] = ["A savings target cannot be negative."]
    if errors:
        raise ValidationError(errors)
    return [savings_target_set(user=user, year=FinancialYear(year), amount_pence=amount,
                               project=project,
                               strand=strand, field=f"year_{year}")
            for year, amount in sorted(amounts.items())]


def _can_change_milestones(user: Any, project: Project) -> bool:
    return can(user, MANAGE) or can_edit_strand(user, project.strand)


@transaction.atomic
def milestone_create(*, user: Any, project: Project, name: str, baseline_date: dt.date,
                     forecast_date: dt.date | None = None, actual_date: dt.date | None = None,
                     status: str = Milestone.Status.NOT_STARTED) -> Milestone:
    """Add a milestone to a project; its baseline is recorded as the original."""
    if not _can_change_milestones(user, project):
        raise PermissionDenied("You can add milestones only to your own strands' projects.")
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Enter the milestone's name."})
    _check_name_free(project.milestones.all(), name, what=f"a milestone in {project.name}")
    _check_actual_date(actual_date)
    if status == Milestone.Status.COMPLETE and actual_date is None:
        raise ValidationError({"actual_date": "A complete milestone needs its actual date."})
    milestone = Milestone(project=project, name=name, baseline_date=baseline_date,
                          forecast_date=forecast_date or baseline_date, actual_date=actual_date,
                          status=status, created_by=user, updated_by=user)
    milestone.full_clean()
    milestone.save()
    MilestoneBaseline.objects.create(milestone=milestone, baseline_date=baseline_date,
                                     reason="Original baseline", created_by=user,
                                     updated_by=user)
    return milestone


@transaction.atomic
def milestone_rebaseline(*, user: Any, milestone: Milestone, baseline_date: dt.date,
                         reason: str) -> Milestone:
    """Move a milestone's baseline, keeping every earlier baseline with who moved it and why."""
    _require_manager(user)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for the new baseline."})
    if baseline_date == milestone.baseline_date:
        raise ValidationError({"baseline_date": "The new baseline is the same as the current "
                                                "one."})
    if not milestone.baselines.exists():  # created before baselines were recorded
        MilestoneBaseline.objects.create(milestone=milestone,
                                         baseline_date=milestone.baseline_date,
                                         reason="Original baseline",
                                         created_by=milestone.created_by, updated_by=user)
    MilestoneBaseline.objects.create(milestone=milestone, baseline_date=baseline_date,
                                     reason=reason.strip(), created_by=user, updated_by=user)
    milestone.baseline_date = baseline_date
    milestone.updated_by = user
    milestone.full_clean()
    milestone._change_reason = f"Rebaselined: {reason.strip()}"
    milestone.save()
    return milestone


def check_kpi_value(unit: str, value: Decimal | None, *, field: str) -> None:
    """A value must fit its KPI's unit: a percentage 0–100, a whole number, no negative."""
    if value is None:
        return
    if value < 0:
        raise ValidationError({field: "The value cannot be negative."})
    if unit == Kpi.Unit.PERCENT and value > 100:
        raise ValidationError({field: f"{value} is not a percentage: enter a value from 0 to "
                                      "100."})
    if unit == Kpi.Unit.NUMBER and value != value.to_integral_value():
        raise ValidationError({field: f"{value} is not a whole number: this KPI counts, so enter "
                                      "a whole number."})
    if value.as_tuple().exponent < -2:
        raise ValidationError({field: "Enter the value with at most two decimal places."})


KPI_FIELDS = ("name", "description", "strand", "unit", "higher_is_better", "baseline_value",
              "baseline_date", "target_value", "target_date", "owner", "measure", "order",
              "active")


@transaction.atomic
def kpi_save(*, user: Any, kpi: Kpi | None = None, **fields: Any) -> Kpi:
    """Create a KPI or change one (archive with active=False: KPIs are never deleted)."""
    _require_manager(user)
    unknown = set(fields) - set(KPI_FIELDS)
    if unknown:
        raise TypeError(f"not KPI fields: {sorted(unknown)}")
    if kpi is None:
        kpi = Kpi(created_by=user)
    else:
        kpi = Kpi.objects.select_for_update().get(pk=kpi.pk)
    for key, value in fields.items():
        setattr(kpi, key, value)
    kpi.name = (kpi.name or "").strip()
    if not kpi.name:
        raise ValidationError({"name": "Enter the KPI's name."})
    _check_name_free(Kpi.objects.exclude(pk=kpi.pk), kpi.name, what="a KPI")
    check_kpi_value(kpi.unit, kpi.baseline_value, field="baseline_value")
    check_kpi_value(kpi.unit, kpi.target_value, field="target_value")
    if kpi.baseline_date and kpi.target_date and kpi.target_date <= kpi.baseline_date:
        raise ValidationError({"target_date": "The target date must be after the baseline date."})
    _check_leader(kpi.owner, field="owner")
    if kpi.pk is None or not kpi.slug or "name" in fields:
        kpi.slug = _unique_slug(Kpi, kpi.name, exclude_pk=kpi.pk)
    if kpi.pk is not None:
        for reading in kpi.readings.all():  # a change of unit must fit what is recorded
            check_kpi_value(kpi.unit, reading.value, field="unit")
    kpi.updated_by = user
    kpi.full_clean()
    kpi.save()
    return kpi


@transaction.atomic
def kpi_target_set(*, user: Any, kpi: Kpi, date: dt.date, value: Decimal) -> KpiReading:
    """A milestone target on the way to the KPI's target: the value due by a date."""
    _require_manager(user)
    kpi = Kpi.objects.get(pk=kpi.pk)
    check_kpi_value(kpi.unit, value, field="value")
    return _reading_save(user=user, kpi=kpi, date=date, value=value,
                         kind=KpiReading.Kind.MILESTONE)


def can_record_kpi(user: Any, kpi: Kpi) -> bool:
    """A KPI's readings are entered by its owner (or by the programme office)."""
    return (kpi.owner_id is not None and kpi.owner_id == user.pk) or can(user, MANAGE)


@transaction.atomic
def kpi_reading_record(*, user: Any, kpi: Kpi, date: dt.date, value: Decimal) -> KpiReading:
    """The owner's reading of a typed KPI; a measure the tracker holds is computed, never typed."""
    kpi = Kpi.objects.get(pk=kpi.pk)  # as it is now, not as the caller read it
    if not can_record_kpi(user, kpi):
        raise PermissionDenied("Only the KPI's owner enters its readings.")
    if kpi.measure:
        raise ValidationError({"value": f"{kpi.name} is computed from the tracker's data "
                                        f"({kpi.get_measure_display()}): it is not typed."})
    if not kpi.active:
        raise ValidationError(f"{kpi.name} is archived: it takes no new readings.")
    _check_actual_date(date, field="date")
    check_kpi_value(kpi.unit, value, field="value")
    return _reading_save(user=user, kpi=kpi, date=date, value=value,
                         kind=KpiReading.Kind.ACTUAL)


def _reading_save(*, user: Any, kpi: Kpi, date: dt.date, value: Decimal,
                  kind: str) -> KpiReading:
    reading = KpiReading.objects.select_for_update().filter(kpi=kpi, date=date, kind=kind).first()
    if reading is None:
        reading = KpiReading(kpi=kpi, date=date, kind=kind, created_by=user)
    reading.value = value
    reading.updated_by = user
    reading.full_clean(validate_constraints=False)
    reading.save()
    return reading
