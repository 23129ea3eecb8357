"""Board summaries: a frozen monthly snapshot, its exported packs and the e-mails that sent it.

A signed-off summary never changes: the services refuse, and a PostgreSQL trigger (migration
0002) rejects any UPDATE of its frozen columns or a DELETE, whoever issues it.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from send_tracker.fiscal import PERIOD_RANGE, FinancialYear, period_label
from send_tracker.models import FREE_TEXT_MAX_LENGTH, AuditedModel


class BoardSummary(AuditedModel):
    """One version of a month's board summary: built content (JSON) plus the office's text."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        # A director sent the draft back with comments; a rebuild or a text edit makes it a
        # draft again (the comments stay on the row and in its history).
        RETURNED = "returned", "Returned to finance"
        SIGNED_OFF = "signed_off", "Signed off"

    # Not signed off yet: the month's one open version, which may still change.
    OPEN_STATUSES = (Status.DRAFT, Status.RETURNED)

    year = models.PositiveSmallIntegerField(help_text="start year (2024 = 2024/25)")
    period = models.PositiveSmallIntegerField()
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    content = models.JSONField(help_text="the snapshot, as built from the apps' selectors")
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the canonical content")
    built_at = models.DateTimeField()
    commentary = models.CharField(max_length=FREE_TEXT_MAX_LENGTH, blank=True)
    decisions_needed = models.CharField(max_length=FREE_TEXT_MAX_LENGTH, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    # The signer's name as it was at sign-off: kept even if the user is renamed or removed.
    signed_off_by_name = models.CharField(max_length=200, blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    # The last time a director returned this draft to finance: who, when and why.
    return_comments = models.CharField(max_length=FREE_TEXT_MAX_LENGTH, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    returned_by_name = models.CharField(max_length=200, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    # send_tracker.versioning: a text edit names the edit version it read (`version` is the
    # summary's own version, v1, v2, ...); a stale one is refused.
    VERSION_FIELD = "edit_version"
    edit_version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "-period", "-version"]
        constraints = [
            models.CheckConstraint(
                condition=PERIOD_RANGE, name="board_summary_period_1_12"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="board_summary_version_1"),
            models.UniqueConstraint(
                fields=["year", "period", "version"], name="board_summary_unique_version"
            ),
            # At most one draft per month: two racing builds cannot both insert one.
            models.UniqueConstraint(
                fields=["year", "period"], condition=Q(status__in=["draft", "returned"]),
                name="board_summary_one_draft_per_month",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "returned"])
                | (Q(signed_off_at__isnull=False) & ~Q(signed_off_by_name="")),
                name="board_summary_signed_off_has_signer",
            ),
        ]

    def __str__(self) -> str:
        state = self.get_status_display().lower()
        return f"P{self.period} {self.fy.label}, version {self.version} ({state})"

    def get_absolute_url(self) -> str:
        return reverse("board:detail", args=[self.fy.slug, self.period])

    @property
    def fy(self) -> FinancialYear:
        return FinancialYear(self.year)

    @property
    def period_name(self) -> str:
        return period_label(self.period)

    @property
    def is_draft(self) -> bool:
        """Not signed off (a draft, or one returned to finance): it may still change."""
        return self.status in self.OPEN_STATUSES

    @property
    def is_returned(self) -> bool:
        return self.status == self.Status.RETURNED

    @property
    def pack_key(self) -> str:
        """What a pack's bytes depend on: content, the office's text, status and signer."""
        parts = [
            self.content_hash, self.commentary, self.decisions_needed, self.status,
            self.signed_off_by_name, self.signed_off_at.isoformat() if self.signed_off_at else "",
        ]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

class BoardPack(models.Model):
    """An exported board pack (PDF or Excel) of one summary as it stood (`pack_key`)."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF board pack"
        XLSX = "xlsx", "Excel workbook"

    class Status(models.TextChoices):
        PENDING = "pending", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    summary = models.ForeignKey(BoardSummary, on_delete=models.CASCADE, related_name="packs")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    pack_key = models.CharField(max_length=64)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    data = models.BinaryField(null=True, blank=True)
    size_bytes = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["summary", "kind", "pack_key"], name="board_pack_unique_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.summary} ({self.status})"


class BoardEmail(models.Model):
    """One e-mail of a signed-off summary to one board member; at most one per member."""

    summary = models.ForeignKey(BoardSummary, on_delete=models.PROTECT, related_name="emails")
    recipient = models.EmailField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["summary", "recipient"], name="board_email_once_per_member"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.summary} to {self.recipient}"
