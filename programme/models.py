"""Models of the programme app. Money is integer pence in `*_pence` BigIntegerFields."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from send_tracker.fiscal import PERIOD_RANGE
from send_tracker.models import FREE_TEXT_MAX_LENGTH, AuditedModel
from send_tracker.money import PenceBound
from send_tracker.rag import Rag  # noqa: F401 - the one RAG vocabulary, as programme.models.Rag


class Programme(AuditedModel):
    """The programme itself (one row): the financial years it runs over.

    Targets may only be set for years within it, and finance's agreement must fall within it.
    """

    name = models.CharField(max_length=160, default="SEND transformation programme")
    first_year = models.PositiveSmallIntegerField(help_text="start year (2024 = 2024/25)")
    last_year = models.PositiveSmallIntegerField(help_text="start year (2031 = 2031/32)")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="one_programme_row"),
            models.CheckConstraint(condition=Q(last_year__gte=F("first_year")),
                                   name="programme_ends_after_start"),
        ]

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)

    def __str__(self) -> str:
        return self.name


class Strand(AuditedModel):
    """A workstream of the programme. Strands are data: councils re-cut them."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.CharField(max_length=FREE_TEXT_MAX_LENGTH, blank=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="led_strands",
    )
    deputies = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="deputised_strands"
    )
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)
    history = HistoricalRecords(m2m_fields=[deputies])

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programme:strand", args=[self.slug])


class Project(AuditedModel):
    """A project within a strand; its monthly updates carry the savings forecast."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        CLOSED = "closed", "Closed"

    strand = models.ForeignKey(Strand, on_delete=models.PROTECT, related_name="projects")
    name = models.CharField(max_length=160)
    description = models.CharField(max_length=FREE_TEXT_MAX_LENGTH, blank=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="led_projects",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["strand__order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["strand", "name"], name="project_name_unique_in_strand"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="project_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("setup:project_edit", args=[self.pk])


class SavingsTarget(AuditedModel):
    """The in-year saving required: of a strand, of a project, or (neither) of the programme.

    The programme-level row may differ from the strands' sum; the difference is "unallocated".
    """

    year = models.PositiveSmallIntegerField(help_text="start year (2024 = 2024/25)")
    strand = models.ForeignKey(
        Strand, null=True, blank=True, on_delete=models.CASCADE, related_name="targets"
    )
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="targets"
    )
    amount_pence = models.BigIntegerField(validators=[PenceBound()], help_text="pence")
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "strand__order", "project__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(strand__isnull=True) | Q(project__isnull=True),
                name="target_is_strand_or_project_or_programme",
            ),
            models.CheckConstraint(condition=Q(amount_pence__gte=0), name="target_not_negative"),
            models.UniqueConstraint(
                fields=["year"], condition=Q(strand__isnull=True, project__isnull=True),
                name="one_programme_target_per_year",
            ),
            models.UniqueConstraint(
                fields=["strand", "year"], condition=Q(strand__isnull=False),
                name="one_strand_target_per_year",
            ),
            models.UniqueConstraint(
                fields=["project", "year"], condition=Q(project__isnull=False),
                name="one_project_target_per_year",
            ),
        ]

    @property
    def level(self) -> str:
        if self.project_id:
            return "project"
        return "strand" if self.strand_id else "programme"

    def __str__(self) -> str:
        return f"{self.level} target {self.year}: {self.amount_pence}p"

    def get_absolute_url(self) -> str:
        return (reverse("setup:project_targets", args=[self.project_id]) if self.project_id
                else reverse("setup:programme_targets"))


class ProgressUpdate(AuditedModel):
    """A project's monthly update: one per project per period; edits are kept as history.

    `version` increases on every save, for optimistic concurrency (no lost update).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    year = models.PositiveSmallIntegerField(help_text="start year of the financial year")
    period = models.PositiveSmallIntegerField()
    forecast_pence = models.BigIntegerField(
        validators=[PenceBound()], help_text="pence: forecast saving for the year"
    )
    delivered_pence = models.BigIntegerField(
        validators=[PenceBound()], help_text="pence: saving delivered to date"
    )
    confidence = models.CharField(max_length=5, choices=Rag.choices)
    commentary = models.CharField(max_length=FREE_TEXT_MAX_LENGTH, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "year", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "year", "period"], name="one_update_per_project_period"
            ),
            models.CheckConstraint(condition=PERIOD_RANGE, name="update_period_1_to_12"),
            models.CheckConstraint(
                condition=Q(forecast_pence__gte=0) & Q(delivered_pence__gte=0),
                name="update_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="submitted_update_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["year", "status", "project", "-period"]),
            # The API list's order (newest period first): a page of 50 reads 50 index entries
            # instead of sorting the 29,000 updates of a county-scale programme.
            models.Index(fields=["-year", "-period", "project"], name="update_list_order_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.project}, P{self.period} {self.year}/{(self.year + 1) % 100:02d}"

    def get_absolute_url(self) -> str:
        return reverse("setup:project_edit", args=[self.project_id])


class Milestone(AuditedModel):
    """A dated deliverable of a project: baseline, forecast and actual dates."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"
        COMPLETE = "complete", "Complete"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(max_length=200)
    baseline_date = models.DateField()
    forecast_date = models.DateField()
    actual_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    history = HistoricalRecords()

    class Meta:
        ordering = ["forecast_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="complete") | Q(actual_date__isnull=False),
                name="complete_milestone_has_actual_date",
            ),
        ]

    def is_overdue(self, on: dt.date) -> bool:
        """Not complete and its forecast date has passed."""
        return self.actual_date is None and self.forecast_date < on

    @property
    def slipped_days(self) -> int:
        return (self.forecast_date - self.baseline_date).days

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("setup:milestone_edit", args=[self.pk])


class MilestoneBaseline(AuditedModel):
    """One baseline a milestone has had: the original, then each rebaseline with its reason."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="baselines")
    baseline_date = models.DateField()
    reason = models.CharField(max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["milestone", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.milestone} baseline {self.baseline_date}"

    def get_absolute_url(self) -> str:
        return reverse("setup:milestone_edit", args=[self.milestone_id])


class RaidItem(AuditedModel):
    """A risk, assumption, issue or dependency; score = likelihood × impact (1–25)."""

    class Kind(models.TextChoices):
        RISK = "risk", "Risk"
        ASSUMPTION = "assumption", "Assumption"
        ISSUE = "issue", "Issue"
        DEPENDENCY = "dependency", "Dependency"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MONITORING = "monitoring", "Monitoring"
        CLOSED = "closed", "Closed"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    strand = models.ForeignKey(Strand, on_delete=models.PROTECT, related_name="raid_items")
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="raid_items"
    )
    title = models.CharField(max_length=200)
    description = models.CharField(max_length=FREE_TEXT_MAX_LENGTH, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="raid_items",
    )
    likelihood = models.PositiveSmallIntegerField()
    impact = models.PositiveSmallIntegerField()
    score = models.PositiveSmallIntegerField(editable=False)
    mitigation = models.CharField(max_length=FREE_TEXT_MAX_LENGTH, blank=True)
    residual_likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    residual_impact = models.PositiveSmallIntegerField(null=True, blank=True)
    residual_score = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    review_date = models.DateField(null=True, blank=True)
    # Set when a risk materialised and was turned into an issue (same row: history kept).
    converted_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-score", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5),
                name="raid_scale_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(score=F("likelihood") * F("impact")), name="raid_score_is_product"
            ),
            models.CheckConstraint(
                condition=(Q(residual_likelihood__isnull=True) & Q(residual_impact__isnull=True)
                           & Q(residual_score__isnull=True))
                | (Q(residual_likelihood__gte=1, residual_likelihood__lte=5,
                     residual_impact__gte=1, residual_impact__lte=5)
                   & Q(residual_score=F("residual_likelihood") * F("residual_impact"))),
                name="raid_residual_is_product",
            ),
        ]
        indexes = [models.Index(fields=["status", "-score"])]

    def derive_scores(self) -> None:
        """Single-row derived state: the scores always follow their factors."""
        self.score = (self.likelihood or 0) * (self.impact or 0)
        if self.residual_likelihood and self.residual_impact:
            self.residual_score = self.residual_likelihood * self.residual_impact
        else:
            self.residual_likelihood = self.residual_impact = self.residual_score = None

    def clean(self) -> None:
        self.derive_scores()

    def save(self, *args, **kwargs) -> None:
        self.derive_scores()
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("programme:raid_edit", args=[self.pk])


class Kpi(AuditedModel):
    """A performance measure with a baseline, a target, dated milestone targets and actuals."""

    class Unit(models.TextChoices):
        PERCENT = "percent", "Per cent"
        NUMBER = "number", "Number (whole)"
        WEEKS = "weeks", "Weeks"
        POUNDS = "pounds", "Pounds"

    class Measure(models.TextChoices):
        """A measure the tracker already holds: its readings are computed, never typed."""

        TYPED = "", "Entered by the owner"
        PLANS = "plans", "EHC plans (count)"
        WITHIN_20_WEEKS = "within_20_weeks_pct", "Plans issued within 20 weeks (%)"
        BACKLOG = "backlog_over_16_weeks", "Assessment requests open over 16 weeks"
        AVG_COST = "avg_cost_per_plan", "Average cost per plan (£)"
        SAVINGS_DELIVERED = "savings_delivered", "Savings delivered to date (£)"

    name = models.CharField(max_length=160, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.CharField(max_length=FREE_TEXT_MAX_LENGTH, blank=True)
    strand = models.ForeignKey(
        Strand, null=True, blank=True, on_delete=models.SET_NULL, related_name="kpis"
    )
    unit = models.CharField(max_length=8, choices=Unit.choices, default=Unit.PERCENT)
    higher_is_better = models.BooleanField(default=True)
    baseline_value = models.DecimalField(max_digits=12, decimal_places=2)
    baseline_date = models.DateField()
    target_value = models.DecimalField(max_digits=12, decimal_places=2)
    target_date = models.DateField()
    order = models.PositiveSmallIntegerField(default=0)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="owned_kpis",
    )
    measure = models.CharField(max_length=24, choices=Measure.choices, blank=True, default="")
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]

    @property
    def computed(self) -> bool:
        return bool(self.measure)

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("setup:kpi_edit", args=[self.pk])


class KpiReading(AuditedModel):
    """A dated value of a KPI: an actual, or a milestone target on the way to the target."""

    class Kind(models.TextChoices):
        ACTUAL = "actual", "Actual"
        MILESTONE = "milestone", "Milestone target"

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="readings")
    date = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ACTUAL)
    value = models.DecimalField(max_digits=12, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kpi", "date", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "date", "kind"], name="one_kpi_reading_per_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi} {self.get_kind_display()} {self.date}: {self.value}"

    def get_absolute_url(self) -> str:
        return reverse("setup:kpi_edit", args=[self.kpi_id])


class ReminderSent(models.Model):
    """A progress reminder e-mailed to a lead for a period: the automatic one (at most one per
    lead and period, claimed by its unique key) or one a programme manager chose to send."""

    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    period = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)
    projects = models.PositiveSmallIntegerField(default=0)
    # Who chose to send it: empty for the automatic reminder.
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    # When the mail went (a chosen reminder is mailed by the worker after its request commits).
    mailed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["lead", "year", "period"], condition=Q(sent_by__isnull=True),
                name="one_reminder_per_lead_period"
            ),
            models.CheckConstraint(condition=PERIOD_RANGE, name="reminder_period_1_to_12"),
        ]
        verbose_name = "progress reminder"

    def __str__(self) -> str:
        lead = self.lead.get_full_name() or self.lead.get_username()
        return f"to {lead} for P{self.period} {self.year}/{(self.year + 1) % 100:02d}"

    def get_absolute_url(self) -> str:
        year = f"{self.year}-{(self.year + 1) % 100:02d}"
        return f"{reverse('programme:compliance')}?year={year}&period={self.period}"
