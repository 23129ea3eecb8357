"""Writes of delivering the programme: progress updates, milestones, RAID items, reminders to
leads, and who leads each strand."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from programme.models import Milestone, ProgressUpdate, Project, RaidItem, ReminderSent, Strand
from programme.periods import (
    is_period_closed,
    local_today,
    reminder_date,
    reporting_period,
    update_deadline,
)
from programme.selectors import field_changes, missing_updates
from programme.services.setup import (
    _can_change_milestones,
    _check_actual_date,
    leader_refusal,
    who,
)
from send_tracker.fiscal import FinancialYear, period_label
from send_tracker.permissions import (
    ADMIN,
    NOT_A_PERSON,
    can,
    can_edit_strand,
    has_role,
    is_person_with_role,
)
from send_tracker.versioning import StaleEditError, version_claim

logger = logging.getLogger(__name__)


class StaleVersionError(StaleEditError):
    """Saving over a newer update: nothing was written; `current` is the row as it now is, and
    the message says who changed what since the version the lead read."""


def _stale_message(current: ProgressUpdate, read_version: int | None) -> str:
    """Say who saved what since the version the user read, so nothing is silently overwritten."""
    fields = ["forecast_pence", "delivered_pence", "confidence", "status", "commentary"]
    new = {f: getattr(current, f) for f in fields}
    seen = None
    if read_version:
        seen = (
            ProgressUpdate.history.filter(id=current.pk, version=read_version)
            .order_by("-history_id").values(*fields).first()
        )
    changes = field_changes(ProgressUpdate, seen, new) if seen else field_changes(
        ProgressUpdate, {}, new
    )
    when = timezone.localtime(current.updated_at).strftime("%d/%m/%Y %H:%M")
    return (
        f"{current.project.name}: {who(current.updated_by)} saved this update at {when}, after "
        f"you opened it, so your changes were not saved. What changed: "
        f"{'; '.join(changes) or 'no figures'}. Check the figures and save again."
    )


def _check_period_open(*, user: Any, year: FinancialYear, period: int, reason: str) -> None:
    """A closed period's updates change only by an administrator, who gives a reason."""
    if not is_period_closed(year, period):
        return
    due = update_deadline(year, period).strftime("%d/%m/%Y")
    if not has_role(user, ADMIN):
        raise ValidationError(
            f"{period_label(period)} {year.label} is closed: its updates were due by {due}. "
            "Only an administrator can change them."
        )
    if not reason.strip():
        raise ValidationError(
            {"reason": f"{period_label(period)} {year.label} is closed: give a reason for the "
                       "change."}
        )


@transaction.atomic
def progress_update_save(
    *,
    user: Any,
    project: Project,
    year: FinancialYear,
    period: int,
    forecast_pence: int,
    delivered_pence: int,
    confidence: str,
    commentary: str = "",
    submit: bool,
    read_version: int | None,
    reason: str = "",
) -> ProgressUpdate:
    """Create or change a project's update for a period, as a draft or submitted.

    `read_version` is the version the user's form was read at (None when there was no update):
    saving over a newer version is refused with StaleVersionError. The claim is a conditional
    UPDATE ... WHERE version = read_version, so two concurrent saves cannot both win.
    """
    if not can_edit_strand(user, project.strand):
        raise PermissionDenied("You can update only the projects of strands you lead or deputise.")
    _check_period_open(user=user, year=year, period=period, reason=reason)
    if delivered_pence > forecast_pence:
        raise ValidationError(
            {"delivered_pence": "Delivered to date cannot be more than the forecast for the year."}
        )
    existing = ProgressUpdate.objects.filter(
        project=project, year=year.start_year, period=period
    ).first()
    if existing is None:
        update = ProgressUpdate(
            project=project, year=year.start_year, period=period, version=1, created_by=user
        )
    else:
        update = _claim(existing, read_version=read_version)
        if update.status == ProgressUpdate.Status.SUBMITTED and not submit:
            raise ValidationError(
                f"{project.name}: this update has been submitted, so a change to it must be "
                "submitted too."
            )
    update.forecast_pence = forecast_pence
    update.delivered_pence = delivered_pence
    update.confidence = confidence
    update.commentary = commentary
    update.author = user
    update.updated_by = user
    if submit:
        update.status = ProgressUpdate.Status.SUBMITTED
        update.submitted_at = timezone.now()
    update.full_clean()
    update._change_reason = reason.strip()
    if existing is None:
        _insert(update)
    else:
        update.save()
    return update


def _claim(existing: ProgressUpdate, *, read_version: int | None) -> ProgressUpdate:
    """The row as we now hold it, claimed by a conditional UPDATE ... WHERE version =
    read_version; StaleVersionError (nothing written) if someone saved since it was read."""
    # A form read before the first save (read_version None) is stale once a row exists.
    claimed = read_version is not None and version_claim(
        ProgressUpdate, pk=existing.pk, read_version=read_version
    )
    if not claimed:
        current = ProgressUpdate.objects.select_related("project", "updated_by").get(
            pk=existing.pk
        )
        raise StaleVersionError(_stale_message(current, read_version), current=current)
    # Our UPDATE holds the row lock until commit: nobody else changes it now.
    return ProgressUpdate.objects.get(pk=existing.pk)


def _insert(update: ProgressUpdate) -> None:
    """Insert a period's first update; StaleVersionError if someone inserted it first."""
    try:
        with transaction.atomic():
            update.save()
    except IntegrityError as exc:
        # Someone created this period's update between our read and our insert.
        current = ProgressUpdate.objects.select_related("project", "updated_by").filter(
            project=update.project, year=update.year, period=update.period
        ).first()
        if current is None:
            raise
        raise StaleVersionError(_stale_message(current, None), current=current) from exc


@transaction.atomic
def raid_item_convert_to_issue(*, user: Any, item: RaidItem, reason: str = "") -> RaidItem:
    """A risk that has happened becomes an issue: the same row, so its history stays with it."""
    if not can_edit_strand(user, item.strand):
        raise PermissionDenied("You can change only the RAID items of strands you lead or deputise")
    item = RaidItem.objects.select_for_update().get(pk=item.pk)
    if item.kind != RaidItem.Kind.RISK:
        raise ValidationError(
            f"Only a risk can become an issue; this is a {item.get_kind_display()}."
        )
    item.kind = RaidItem.Kind.ISSUE
    item.likelihood = 5  # it has happened
    item.converted_at = timezone.now()
    item.updated_by = user
    item.full_clean()
    item._change_reason = reason.strip() or "Risk became an issue"
    item.save()
    return item


RAID_FIELDS = ("kind", "project", "title", "description", "owner", "likelihood", "impact",
               "mitigation", "residual_likelihood", "residual_impact", "status", "review_date")


@transaction.atomic
def milestone_update(*, user: Any, milestone: Milestone, **changes: Any) -> Milestone:
    """Change a milestone's forecast or actual date, status or name (the baseline stays: see
    milestone_rebaseline). An actual date after the end of the reporting month is refused."""
    milestone = Milestone.objects.select_for_update().select_related("project__strand").get(
        pk=milestone.pk
    )
    if not _can_change_milestones(user, milestone.project):
        raise PermissionDenied("You can change only the milestones of strands you lead or "
                               "deputise.")
    for field in ("name", "forecast_date", "actual_date", "status"):
        if field in changes:
            setattr(milestone, field, changes[field])
    if "actual_date" in changes:
        _check_actual_date(milestone.actual_date)
    if "name" in changes:
        milestone.name = (milestone.name or "").strip()
        clash = milestone.project.milestones.exclude(pk=milestone.pk).filter(
            name__iexact=milestone.name).exists()
        if clash:
            raise ValidationError({"name": f"There is already a milestone called "
                                           f"“{milestone.name}” in {milestone.project.name}."})
    if milestone.status == Milestone.Status.COMPLETE and milestone.actual_date is None:
        raise ValidationError({"actual_date": "A complete milestone needs its actual date."})
    milestone.updated_by = user
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def raid_item_save(*, user: Any, strand: Strand, item: RaidItem | None = None,
                   **fields: Any) -> RaidItem:
    """Create a RAID item in a strand, or change one; scores follow likelihood × impact."""
    if item is not None:
        item = RaidItem.objects.select_for_update().select_related("strand").get(pk=item.pk)
        if not can_edit_strand(user, item.strand):
            raise PermissionDenied("You can change only the RAID items of your own strands.")
    if not can_edit_strand(user, strand):
        raise PermissionDenied("You can add RAID items only to strands you lead or deputise.")
    if item is None:
        item = RaidItem(strand=strand, created_by=user)
    item.strand = strand
    for field in RAID_FIELDS:
        if field in fields:
            setattr(item, field, fields[field])
    if item.project is not None and item.project.strand_id != strand.pk:
        raise ValidationError({"project": "The project must belong to the item's strand."})
    if item.owner is not None and not is_person_with_role(item.owner):
        raise ValidationError({"owner": f"The owner {NOT_A_PERSON}."})
    item.updated_by = user
    item.derive_scores()
    item.full_clean()
    item.save()
    return item


def _reminder_periods(today) -> list[tuple[FinancialYear, int]]:
    """The open period, from its reminder date until its (calendar) deadline."""
    year, period = reporting_period()
    return [(year, period)] if reminder_date(year, period) <= today <= update_deadline(
        year, period) else []


def _reminder_mail(*, lead: Any, projects: list[Project], year: FinancialYear,
                   period: int) -> None:
    """The reminder e-mail: the lead's projects without a submitted update, and the deadline."""
    due = update_deadline(year, period).strftime("%A %d %B %Y")
    names = "\n".join(f"- {p.name} ({p.strand.name})" for p in projects)
    send_mail(
        subject=f"SEND programme: updates for {period_label(period)} {year.label} "
        f"are due by {due}",
        message=(
            f"Dear {who(lead)},\n\nThese projects have no submitted update for "
            f"{period_label(period)} {year.label}:\n{names}\n\nPlease submit them "
            f"by {due} on the tracker's monthly update page.\n"
        ),
        from_email=None,
        recipient_list=[lead.email],
    )


def _missing_by_lead(year: FinancialYear, period: int) -> dict[Any, list[Project]]:
    """Each lead (the strand's, else the project's) → their projects still without a submitted
    update for the period."""
    by_lead: dict[Any, list[Project]] = defaultdict(list)
    for row in missing_updates(year=year, period=period):
        project = row["project"]
        lead = project.strand.lead or project.lead
        if lead is not None:
            by_lead[lead].append(project)
    return by_lead


def progress_reminders_send(*, today=None) -> int:
    """E-mail each strand lead whose projects lack a submitted update, from five working days
    before the open period's deadline in the reporting calendar; once per lead per period.
    Returns how many were sent.

    Deliberately not one transaction: each lead's reminder is claimed (unique row) and sent in
    its own, so a mail failure for one lead neither re-sends nor loses the others.
    """
    today = today or local_today()
    sent = 0
    for year, period in _reminder_periods(today):
        for lead, projects in _missing_by_lead(year, period).items():
            if not lead.email:
                continue
            try:
                with transaction.atomic():
                    ReminderSent.objects.create(
                        lead=lead, year=year.start_year, period=period, projects=len(projects),
                        mailed_at=timezone.now(),
                    )
                    _reminder_mail(lead=lead, projects=projects, year=year, period=period)
            except IntegrityError:
                continue  # already reminded for this period (or another run is doing it now)
            sent += 1
            logger.info("progress reminder sent lead=%s year=%s period=%s", lead.pk, year, period)
    return sent


@transaction.atomic
def progress_reminders_request(*, lead_ids: Iterable[int], year: FinancialYear, period: int,
                               by: Any) -> list[ReminderSent]:
    """A programme manager reminds the chosen leads of their missing updates for the period:
    each reminder is recorded (and in the audit trail) now, and mailed by the worker after
    commit. A lead with nothing missing, or no e-mail address, refuses the whole request."""
    if not can(by, "send_reminders"):
        raise PermissionDenied("Only the programme office sends reminders.")
    wanted = set(lead_ids)
    if not wanted:
        raise ValidationError({"leads": "Select at least one lead to remind."})
    by_lead = {lead.pk: (lead, projects)
               for lead, projects in _missing_by_lead(year, period).items()}
    problems = [f"{who(by_lead[pk][0])} has no e-mail address." for pk in sorted(wanted)
                if pk in by_lead and not by_lead[pk][0].email]
    if wanted - set(by_lead):
        problems.append("A chosen lead has no project missing its update: reload the page.")
    if problems:
        raise ValidationError({"leads": problems})
    reminders = []
    for pk in sorted(wanted):
        lead, projects = by_lead[pk]
        reminder = ReminderSent(lead=lead, year=year.start_year, period=period,
                                projects=len(projects), sent_by=by)
        reminder._history_user = by
        reminder.save()
        reminders.append(reminder)
        _enqueue_reminder(reminder.pk)
    return reminders


def _enqueue_reminder(reminder_id: int) -> None:
    from programme import tasks

    # After commit, so the worker finds the row; a broker outage is logged, never a failed
    # request (the reminder shows as not yet sent).
    tasks.send_progress_reminder.delay_on_commit(reminder_id)


@transaction.atomic
def progress_reminder_send(*, reminder_id: int) -> bool:
    """E-mail a chosen reminder, once: the row is locked and marked mailed in the transaction
    that sends it, so a second run sends nothing and a failed send is retried."""
    reminder = (ReminderSent.objects.select_for_update(of=("self",)).select_related("lead")
                .filter(pk=reminder_id).first())
    if reminder is None or reminder.mailed_at is not None or not reminder.lead.email:
        return False
    year = FinancialYear(reminder.year)
    projects = _missing_by_lead(year, reminder.period).get(reminder.lead, [])
    if not projects:
        return False  # updated since it was asked for: nothing to remind them of
    _reminder_mail(lead=reminder.lead, projects=projects, year=year, period=reminder.period)
    reminder.mailed_at = timezone.now()
    reminder.save(update_fields=["mailed_at"])
    return True


@transaction.atomic
def strand_leadership_set(*, user: Any, lead_of: Iterable[Strand], deputy_of: Iterable[Strand],
                          by: Any) -> list[str]:
    """Make the user lead of exactly `lead_of` and deputy of exactly `deputy_of`.

    A strand given to the user as lead loses its previous lead; a strand the user no longer
    leads is left without one. Returns the changes in words ([] when nothing changed).
    """
    lead_ids = {s.pk for s in lead_of}
    deputy_ids = {s.pk for s in deputy_of}
    both = Strand.objects.filter(pk__in=lead_ids & deputy_ids).values_list("name", flat=True)
    if both:
        raise ValidationError({"deputy_of": f"{', '.join(both)}: the lead of a strand is not "
                                            "also its deputy."})
    involved = set(Strand.objects.filter(
        Q(pk__in=lead_ids | deputy_ids) | Q(lead=user) | Q(deputies=user)
    ).values_list("pk", flat=True))
    strands = {s.pk: s for s in Strand.objects.select_for_update(of=("self",))
               .select_related("lead").filter(pk__in=involved)}
    led = {pk for pk, s in strands.items() if s.lead_id == user.pk}
    deputised = set(Strand.deputies.through.objects.filter(
        user_id=user.pk, strand_id__in=list(strands)).values_list("strand_id", flat=True))
    refusal = leader_refusal(user)
    if refusal and (lead_ids - led or deputy_ids - deputised):
        raise ValidationError({"lead_of" if lead_ids - led else "deputy_of": refusal})
    changes: list[str] = []
    for pk in sorted(lead_ids ^ led, key=lambda pk: (strands[pk].order, strands[pk].name)):
        strand = strands[pk]
        if pk in lead_ids:
            before = strand.lead
            strand.lead = user
            text = f"lead of {strand.name}" + (f" (was {who(before)})" if before else "")
        else:
            strand.lead = None
            text = f"no longer lead of {strand.name}"
        strand.updated_by = by
        strand.full_clean()
        strand._change_reason = f"Lead: {who(user)} {text}"[:100]
        strand.save()
        changes.append(text)
    for pk in sorted(deputy_ids ^ deputised, key=lambda pk: (strands[pk].order, strands[pk].name)):
        strand = strands[pk]
        if pk in deputy_ids:
            strand.deputies.add(user)
            changes.append(f"deputy of {strand.name}")
        else:
            strand.deputies.remove(user)
            changes.append(f"no longer deputy of {strand.name}")
    return changes
