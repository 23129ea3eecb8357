"""Shared model bases: audit columns on every domain model, and the health heartbeat."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from simple_history.models import HistoricalRecords

from send_tracker.fiscal import PERIOD_RANGE

# Free text people type (commentary, descriptions, notes, evidence): the one maximum, the same in
# forms, the API and the database (varchar), so no page, request or import can store a novel.
FREE_TEXT_MAX_LENGTH = 4000


class AuditedModel(models.Model):
    """Abstract base: who created and last changed a row, and when.

    Services set `created_by`/`updated_by`; change history (old and new values) is kept
    by django-simple-history on each concrete model (`history = HistoricalRecords()`).

    The two user columns have no index: nothing reads rows by who wrote them (the audit trail
    reads the history tables by `history_user`), users are deactivated rather than deleted
    (a deletion in Django's admin scans the tables to clear them), and each index is written
    on every row of an import (a tenth of the time of 100,000 invoices).
    """

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    class Meta:
        abstract = True


class ImportRecord(models.Model):
    """One file import: who, when, which file (name and SHA-256), counts and outcome.

    Written by send_tracker.imports for every kind of file the apps declare.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Imported"
        REJECTED = "rejected", "Rejected"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=40)
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    file_bytes = models.BigIntegerField(default=0)
    stored_path = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    rows_read = models.IntegerField(default=0)
    rows_created = models.IntegerField(default=0)
    rows_updated = models.IntegerField(default=0)
    rows_unchanged = models.IntegerField(default=0)
    rows_rejected = models.IntegerField(default=0)
    progress_pct = models.PositiveSmallIntegerField(default=0)
    # Deliveries of the import task that started running it (a killed worker's task is
    # delivered again once; see send_tracker.imports.service).
    attempts = models.PositiveSmallIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The saved column mapping the file's header was read through, if it was not ours.
    column_mapping = models.ForeignKey(
        "send_tracker.ColumnMapping",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="imports",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["kind", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} import of {self.file_name} ({self.get_status_display()})"


class ColumnMapping(AuditedModel):
    """A council's own extract: which of its columns is each column of one of our formats.

    Found again by `header_key`, a digest of the set of the file's column names (normalised),
    so next month's file with the same header is read through it without asking. Logic in
    send_tracker.imports.mapping.
    """

    kind = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    header_key = models.CharField(max_length=64)
    # The file's column names as the user wrote them, in the file's order.
    header = models.JSONField(default=list)
    # Our column name -> the file's column name (normalised); unmapped optional columns absent.
    columns = models.JSONField(default=dict)
    archived = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                "kind",
                "header_key",
                condition=models.Q(archived=False),
                name="column_mapping_one_live_per_header",
                violation_error_message="A live mapping already reads files with this header.",
            ),
            models.UniqueConstraint(
                "kind",
                Lower("name"),
                condition=models.Q(archived=False),
                name="column_mapping_name_unique_per_kind",
                violation_error_message="A live mapping of this kind already has this name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("import_mappings:detail", args=[self.pk])

class Invitation(AuditedModel):
    """A set-password link sent to a user by e-mail: single use, expiring.

    Only the SHA-256 of the link's random token is stored, so the database never holds a
    working link. The token is made when the e-mail is sent (by the worker), so it never
    passes through the queue either. A new invitation voids the user's earlier ones.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(help_text="where the link was sent")
    site_url = models.CharField(max_length=200, help_text="the tracker's address the link starts "
                                "with (the inviting administrator's)")
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True,
                                  help_text="SHA-256 of the link's token (hex)")
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation to {self.email}"

    def get_absolute_url(self) -> str:
        return reverse("accounts:detail", args=[self.user_id])

class UserChange(AuditedModel):
    """One change an administrator made to a user account: who did what to whom.

    Users and their groups have no history of their own; each change is a row here (with its
    history row, so the audit trail lists it with the administrator and the description).
    """

    class Action(models.TextChoices):
        INVITED = "invited", "Invited"
        REINVITED = "reinvited", "Sent a new invitation"
        ACCEPTED = "accepted", "Accepted the invitation"
        DETAILS = "details", "Changed details"
        ROLES = "roles", "Changed roles"
        EXTRA = "extra", "Changed responsibilities"
        DEACTIVATED = "deactivated", "Deactivated"
        REACTIVATED = "reactivated", "Reactivated"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_changes"
    )
    action = models.CharField(max_length=12, choices=Action.choices)
    description = models.CharField(max_length=500)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return self.description

    def get_absolute_url(self) -> str:
        return reverse("accounts:detail", args=[self.user_id])

class ReportingPeriod(AuditedModel):
    """One month of the reporting calendar: its deadlines and whether it is open or closed.

    Exactly one period is open (the month leads report on); the last closed one is the
    reporting month every page shows. A period moves from open to closed only through
    send_tracker.calendar.reporting_period_close, which then opens the next one.
    """

    class State(models.TextChoices):
        UPCOMING = "upcoming", "Upcoming"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    # Every page reads the calendar (the header's month): its changes move the data version,
    # so a cached selector that reads it (a period's dates) is never stale.
    data_versioned = True

    year = models.IntegerField(help_text="start year of the financial year (2024 = 2024/25)")
    period = models.PositiveSmallIntegerField(help_text="1 (April) to 12 (March)")
    lead_deadline = models.DateField(
        help_text="leads' updates are due by this day (working days after month end; "
        "moved for bank holidays)"
    )
    finance_close = models.DateField(help_text="the finance ledger for the month closes")
    board_date = models.DateField(help_text="the board meets on the month's summary")
    state = models.CharField(max_length=10, choices=State.choices, default=State.UPCOMING)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "period"]
        constraints = [
            models.UniqueConstraint(fields=["year", "period"], name="reporting_period_unique"),
            models.CheckConstraint(
                condition=PERIOD_RANGE,
                name="reporting_period_period_1_12",
            ),
            # Exactly one open period: a second open row cannot be written.
            models.UniqueConstraint(
                fields=["state"], condition=models.Q(state="open"),
                name="reporting_period_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"P{self.period} {self.fy.label}"

    def get_absolute_url(self) -> str:
        return reverse("calendar-edit", args=[self.fy.slug, self.period])

    @property
    def fy(self):
        from send_tracker.fiscal import FinancialYear

        return FinancialYear(self.year)

