"""Shared model bases: audit columns on every domain model, and the health heartbeat."""

from __future__ import annotations

from django.conf import settings
from django.db import models

# Free text people type (commentary, descriptions, notes, evidence): the one maximum, the same in
# forms, the API and the database (varchar), so no page, request or import can store a novel.
FREE_TEXT_MAX_LENGTH = 4000


class AuditedModel(models.Model):
    """Abstract base: who created and last changed a row, and when.

    Services set `created_by`/`updated_by`; change history (old and new values) is kept
    by django-simple-history on each concrete model (`history = HistoricalRecords()`).
    """

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
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
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["kind", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} import of {self.file_name} ({self.get_status_display()})"
