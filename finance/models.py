"""Models of the finance app. Money is integer pence in `*_pence` BigIntegerFields."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from send_tracker.fiscal import PERIOD_RANGE, FinancialYear
from send_tracker.models import FREE_TEXT_MAX_LENGTH, AuditedModel
from send_tracker.money import PenceBound, pence_bound_check
from send_tracker.rag import Rag  # noqa: F401 - the one RAG vocabulary, as finance.models.Rag


def _period_check(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=PERIOD_RANGE, name=f"{name}_period_1_12")


# ---- Budget monitoring -------------------------------------------------------------------
class BudgetLine(AuditedModel):
    """A High Needs Block line of the s251 return (code like `1.2.3`)."""

    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("finance:dashboard")


class Budget(AuditedModel):
    """The approved budget of a line for a financial year."""

    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="budgets")
    year = models.PositiveSmallIntegerField(help_text="start year: 2024 = 2024/25")
    budget_pence = models.BigIntegerField(validators=[PenceBound()], help_text="pence")
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["line", "year"], name="budget_line_year")]

    def __str__(self) -> str:
        return f"{self.line} {FinancialYear(self.year).label}"

    def get_absolute_url(self) -> str:
        return reverse("finance:dashboard")

class MonthlyForecast(AuditedModel):
    """One period's ledger for a line: budget as reported, actual to date, forecast outturn."""

    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="forecasts")
    year = models.PositiveSmallIntegerField(help_text="start year: 2024 = 2024/25")
    period = models.PositiveSmallIntegerField()
    budget_pence = models.BigIntegerField(validators=[PenceBound()], help_text="pence")
    actual_to_date_pence = models.BigIntegerField(validators=[PenceBound()], help_text="pence")
    forecast_outturn_pence = models.BigIntegerField(validators=[PenceBound()], help_text="pence")
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "period", "line__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["line", "year", "period"], name="forecast_line_year_period"
            ),
            _period_check("forecast"),
            *(
                models.CheckConstraint(
                    condition=pence_bound_check(field), name=f"forecast_{field}_bound"
                )
                for field in ("budget_pence", "actual_to_date_pence", "forecast_outturn_pence")
            ),
        ]
        indexes = [models.Index(fields=["year", "period"])]

    def __str__(self) -> str:
        return f"{self.line} P{self.period} {FinancialYear(self.year).label}"

    def get_absolute_url(self) -> str:
        return reverse("finance:dashboard")

class HighNeedsIncome(AuditedModel):
    """The High Needs Block allocation for a year (after recoupment and block transfers)."""

    year = models.PositiveSmallIntegerField(unique=True)
    allocation_pence = models.BigIntegerField(validators=[PenceBound()], help_text="pence")
    history = HistoricalRecords()

    class Meta:
        ordering = ["year"]

    def __str__(self) -> str:
        return FinancialYear(self.year).label

    def get_absolute_url(self) -> str:
        return reverse("finance:income")

class DeficitOutturn(AuditedModel):
    """Actual in-year DSG deficit and the cumulative deficit at 31 March, from the accounts."""

    year = models.PositiveSmallIntegerField(unique=True)
    in_year_deficit_pence = models.BigIntegerField(validators=[PenceBound()], help_text="pence")
    cumulative_deficit_pence = models.BigIntegerField(
        validators=[PenceBound()], help_text="pence, at 31 March"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["year"]

    def __str__(self) -> str:
        return FinancialYear(self.year).label

    def get_absolute_url(self) -> str:
        return reverse("finance:income")

# ---- Pressures and mitigations ------------------------------------------------------------
class Pressure(AuditedModel):
    """A cost pressure for a year; derived from data where it can be, else entered."""

    class Kind(models.TextChoices):
        DEMAND = "demand", "Demand"
        BACKLOG = "backlog", "Backlog clearance"
        INFLATION = "inflation", "Inflation"
        SLIPPAGE = "slippage", "Slippage"
        OTHER = "other", "Other"

    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    amount_pence = models.BigIntegerField(validators=[PenceBound()], help_text="pence")
    basis = models.CharField(
        max_length=FREE_TEXT_MAX_LENGTH, blank=True, help_text="how the amount was arrived at"
    )
    derived = models.BooleanField(default=False, help_text="computed from placements data")
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "kind"]
        constraints = [models.UniqueConstraint(fields=["year", "kind"], name="pressure_year_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {FinancialYear(self.year).label}"

    def get_absolute_url(self) -> str:
        return reverse("finance:pressures")

class Mitigation(AuditedModel):
    """An in-year mitigation identified against the overspend."""

    class Status(models.TextChoices):
        IDENTIFIED = "identified", "Identified"
        IN_PROGRESS = "in_progress", "In progress"
        DELIVERED = "delivered", "Delivered"
        ABANDONED = "abandoned", "Abandoned"

    year = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    value_pence = models.BigIntegerField(validators=[PenceBound()], help_text="pence")
    confidence = models.CharField(max_length=6, choices=Rag.choices, default=Rag.AMBER)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IDENTIFIED)
    owner = models.CharField(max_length=120, blank=True)
    # send_tracker.versioning: an edit names the version it read; a stale one is refused.
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["year", "name"], name="mitigation_year_name")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("finance:mitigation-edit", args=[self.pk])

# ---- The Safety Valve agreement -------------------------------------------------------------
class SafetyValveAgreement(AuditedModel):
    """The council's Safety Valve agreement with the DfE."""

    authority = models.CharField(max_length=200)
    signed_on = models.DateField()
    total_contribution_pence = models.BigIntegerField(
        validators=[PenceBound()], help_text="pence: DfE total"
    )
    notes = models.CharField(max_length=FREE_TEXT_MAX_LENGTH, blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Safety Valve agreement, {self.authority}, signed {self.signed_on:%B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("finance:agreement")

class AgreementVersion(AuditedModel):
    """The original agreement or a reprofile of it: both stay, comparable."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Proposed (under discussion with the DfE)"
        AGREED = "agreed", "Agreed (current)"
        SUPERSEDED = "superseded", "Superseded"

    agreement = models.ForeignKey(
        SafetyValveAgreement, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(help_text="0 = original, 1 = first reprofile …")
    name = models.CharField(max_length=120)
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    agreed_on = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=FREE_TEXT_MAX_LENGTH, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="version_number"),
            models.UniqueConstraint(
                fields=["agreement"], condition=Q(status="agreed"), name="one_agreed_version"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("finance:agreement")

class AgreementTarget(AuditedModel):
    """A version's targets for one year: in-year deficit cap and cumulative deficit target."""

    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField()
    in_year_cap_pence = models.BigIntegerField(
        validators=[PenceBound()], help_text="pence: the in-year deficit allowed"
    )
    cumulative_target_pence = models.BigIntegerField(validators=[PenceBound()], 
        help_text="pence: cumulative deficit at 31 March"
    )
    VERSION_FIELD = "edit_version"  # `version` is the agreement version it belongs to
    # send_tracker.versioning: an edit names the version it read; a stale one is refused.
    edit_version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "year"]
        constraints = [
            models.UniqueConstraint(fields=["version", "year"], name="target_version_year")
        ]

    def __str__(self) -> str:
        return f"{self.version}, {FinancialYear(self.year).label}"

    def get_absolute_url(self) -> str:
        return reverse("finance:agreement")

class Instalment(AuditedModel):
    """A DfE payment towards the historic deficit, for a year."""

    class Status(models.TextChoices):
        DUE = "due", "Due"
        PAID = "paid", "Paid"
        WITHHELD = "withheld", "Withheld"
        BACK_PAID = "back_paid", "Back-paid"

    agreement = models.ForeignKey(
        SafetyValveAgreement, on_delete=models.CASCADE, related_name="instalments"
    )
    year = models.PositiveSmallIntegerField()
    amount_pence = models.BigIntegerField(validators=[PenceBound()], help_text="pence")
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DUE)
    paid_on = models.DateField(null=True, blank=True)
    # send_tracker.versioning: an edit names the version it read; a stale one is refused.
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "year"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "year"], name="instalment_year")
        ]

    def status_as_at(self, day) -> str:
        """The status shown as at a day (the end of the reporting month): a due instalment
        whose due date has passed is overdue."""
        if self.status == self.Status.DUE and self.due_on < day:
            return "Overdue"
        return self.get_status_display()

    def __str__(self) -> str:
        return FinancialYear(self.year).label

    def get_absolute_url(self) -> str:
        return reverse("finance:instalment-edit", args=[self.pk])

class Condition(AuditedModel):
    """A condition of the agreement, with its RAG and evidence."""

    agreement = models.ForeignKey(
        SafetyValveAgreement, on_delete=models.CASCADE, related_name="conditions"
    )
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=FREE_TEXT_MAX_LENGTH, )
    rag = models.CharField(max_length=6, choices=Rag.choices, default=Rag.AMBER)
    evidence = models.CharField(max_length=FREE_TEXT_MAX_LENGTH, blank=True)
    # send_tracker.versioning: an edit names the version it read; a stale one is refused.
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "order", "pk"]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 80 else self.text[:79] + "…"

    def get_absolute_url(self) -> str:
        return reverse("finance:condition-edit", args=[self.pk])

class MonitoringReturn(AuditedModel):
    """A monitoring return to the DfE: due, submitted, feedback."""

    agreement = models.ForeignKey(
        SafetyValveAgreement, on_delete=models.CASCADE, related_name="returns"
    )
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    submitted_on = models.DateField(null=True, blank=True)
    feedback = models.CharField(max_length=FREE_TEXT_MAX_LENGTH, blank=True)
    # send_tracker.versioning: an edit names the version it read; a stale one is refused.
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "due_on"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("finance:return-edit", args=[self.pk])

# ---- Scenarios and the trajectory ---------------------------------------------------------
_PCT = [MinValueValidator(Decimal("-100")), MaxValueValidator(Decimal("1000"))]


class Scenario(AuditedModel):
    """A named set of trajectory assumptions; percentages are stored as percent (5.00 = 5%)."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=40, unique=True)
    description = models.CharField(max_length=FREE_TEXT_MAX_LENGTH, blank=True)
    is_baseline = models.BooleanField(default=False)
    # provision type code -> EHCP growth % a year; types not listed use default_growth_pct.
    growth_by_type = models.JSONField(default=dict, blank=True)
    default_growth_pct = models.DecimalField(
        max_digits=7, decimal_places=3, default=Decimal("0"), validators=_PCT
    )
    unit_cost_inflation_pct = models.DecimalField(
        max_digits=7, decimal_places=3, default=Decimal("0"), validators=_PCT
    )
    income_growth_pct = models.DecimalField(
        max_digits=7, decimal_places=3, default=Decimal("0"), validators=_PCT
    )
    savings_delivery_pct = models.DecimalField(
        max_digits=7, decimal_places=3, default=Decimal("100"), validators=_PCT
    )
    mitigation_delivery_pct = models.DecimalField(
        max_digits=7, decimal_places=3, default=Decimal("100"), validators=_PCT
    )
    # Optimistic concurrency: an edit carries the version it read; a stale one is refused.
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_baseline", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_baseline"], condition=Q(is_baseline=True), name="one_baseline_scenario"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("finance:scenario", args=[self.slug])

class TrajectoryRun(models.Model):
    """One recompute of a scenario's trajectory; the newest finished one is current."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Failed"

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    is_current = models.BooleanField(default=False)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the inputs")
    inputs = models.JSONField(default=dict, help_text="the inputs, as computed from")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["scenario"],
                condition=Q(is_current=True),
                name="one_current_run_per_scenario",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scenario} run {self.pk} ({self.status})"


class RecomputeRequest(models.Model):
    """A scenario's durable "recompute requested" row, claimed by the task that does it.

    requested_at: the newest request not yet met (None when the current run is up to date).
    claimed_at/claimed_by: the task computing it now (a conditional UPDATE claims it).
    Times are the database's clock, so every process compares the same clock.
    """

    # Bookkeeping, not data: its writes do not move the data version (send_tracker.dataversion),
    # or the sweeper that follows the version would chase its own claims.
    data_versioned = False

    scenario = models.OneToOneField(Scenario, on_delete=models.CASCADE,
                                    related_name="recompute_request")
    requested_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"{self.scenario_id}: requested {self.requested_at}, claimed {self.claimed_at}"


class TrajectoryPoint(models.Model):
    """One year of a run: spend, income, deficits, the agreement's targets and the variance."""

    run = models.ForeignKey(TrajectoryRun, on_delete=models.CASCADE, related_name="points")
    year = models.PositiveSmallIntegerField()
    placement_spend_pence = models.BigIntegerField(help_text="pence")
    unmitigated_spend_pence = models.BigIntegerField(help_text="pence")
    savings_pence = models.BigIntegerField(help_text="pence")
    mitigations_pence = models.BigIntegerField(help_text="pence")
    mitigated_spend_pence = models.BigIntegerField(help_text="pence")
    income_pence = models.BigIntegerField(help_text="pence")
    in_year_deficit_pence = models.BigIntegerField(help_text="pence")
    cumulative_deficit_pence = models.BigIntegerField(help_text="pence: every instalment received")
    cumulative_deficit_at_risk_pence = models.BigIntegerField(
        help_text="pence: instalments at risk withheld"
    )
    cap_pence = models.BigIntegerField(null=True, help_text="pence")
    cumulative_target_pence = models.BigIntegerField(null=True, help_text="pence")
    variance_pence = models.BigIntegerField(null=True, help_text="pence: deficit − cap")
    instalment_pence = models.BigIntegerField(default=0, help_text="pence")
    instalment_at_risk = models.BooleanField(default=False)

    class Meta:
        ordering = ["run", "year"]
        constraints = [models.UniqueConstraint(fields=["run", "year"], name="point_run_year")]

    def __str__(self) -> str:
        return f"{self.run_id}: {self.year}"
