"""Models of the placements app. Money is integer pence in `*_pence` BigIntegerFields.

Definitions used throughout (documented once, here):

- A child *has an EHC plan on a date* when one of their assessments has a final plan date on
  or before it and the plan has not ceased by then (`Child.plan_ceased_on` empty or later).
- A request is *open on a date* when it was made on or before it and neither a final plan nor
  a closure without a plan (refusal to assess, decision not to issue) came on or before it.
  Open requests older than 16 weeks (112 days) are the backlog.
- A placement is *open on a date* when it started on or before it and has no end date or
  ends on or after it, and it was not cancelled.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from placements.codes import NCY_MAX, NCY_MIN, PrimaryNeed, ProvisionType
from send_tracker.models import FREE_TEXT_MAX_LENGTH, AuditedModel
from send_tracker.money import CountBound, PenceBound, pence_bound_check

# Pseudonymised references (children, placements, invoices): letters, digits and hyphens only,
# starting with a letter or digit (a name has spaces). The one rule: imports, API and forms.
REF_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9-]*\Z"
REF_RULE = "letters, digits and hyphens only, no names"
ref_validator = RegexValidator(REF_PATTERN, message=f"Must be a reference: {REF_RULE}.")

PCT_RANGE = (
    Q(health_pct__gte=0)
    & Q(social_care_pct__gte=0)
    & Q(health_pct__lte=100)
    & Q(social_care_pct__lte=100)
)


class Provider(AuditedModel):
    """A school, college or other provider that children are placed with."""

    ref = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    urn = models.CharField("URN", max_length=20, blank=True)
    provision_type = models.CharField(max_length=32, choices=ProvisionType.choices)
    in_county = models.BooleanField(default=True)
    places = models.PositiveIntegerField(
        "commissioned places", null=True, blank=True, validators=[CountBound()]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.ref})"


class Child(AuditedModel):
    """A child or young person, pseudonymised: a reference only, no name, no date of birth."""

    ref = models.CharField(max_length=20, unique=True, validators=[ref_validator])
    ncy = models.SmallIntegerField("national curriculum year")
    primary_need = models.CharField(max_length=8, choices=PrimaryNeed.choices)
    locality = models.CharField(max_length=60, blank=True)
    plan_ceased_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["ref"]
        verbose_name_plural = "children"
        constraints = [
            models.CheckConstraint(
                condition=Q(ncy__gte=NCY_MIN) & Q(ncy__lte=NCY_MAX), name="child_ncy_range"
            ),
        ]

    def __str__(self) -> str:
        return self.ref


class Assessment(AuditedModel):
    """A request for an EHC needs assessment and, when issued, the final plan."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="assessments")
    request_date = models.DateField()
    decision_date = models.DateField("decision to assess", null=True, blank=True)
    final_plan_date = models.DateField(null=True, blank=True)
    # Closed without a plan (refused to assess, or decided not to issue): no longer open.
    closed_date = models.DateField(null=True, blank=True)
    exception_20wk = models.BooleanField("20-week exception applies", default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["request_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "request_date"], name="assessment_child_request"
            ),
            models.CheckConstraint(
                condition=Q(final_plan_date__isnull=True)
                | Q(final_plan_date__gte=F("request_date")),
                name="assessment_plan_after_request",
            ),
        ]
        indexes = [
            models.Index(fields=["final_plan_date", "child"], name="assessment_plan_idx"),
            models.Index(fields=["request_date"], name="assessment_request_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.child_id} requested {self.request_date}"


class Placement(AuditedModel):
    """A child's placement with a provider, with its annual cost and partner contributions."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"
        CANCELLED = "cancelled", "Cancelled"

    ref = models.CharField(max_length=40, unique=True, validators=[ref_validator])
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="placements")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="placements")
    provision_type = models.CharField(max_length=32, choices=ProvisionType.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    annual_cost_pence = models.BigIntegerField(validators=[PenceBound()], help_text="pence")
    health_pct = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    social_care_pct = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    history = HistoricalRecords()

    class Meta:
        ordering = ["ref"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="placement_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(annual_cost_pence__gte=0), name="placement_cost_positive"
            ),
            models.CheckConstraint(
                condition=pence_bound_check("annual_cost_pence"), name="placement_cost_bound"
            ),
            models.CheckConstraint(condition=PCT_RANGE, name="placement_pct_range"),
            models.CheckConstraint(
                condition=Q(health_pct__lte=100 - F("social_care_pct")), name="placement_pct_sum"
            ),
        ]
        indexes = [
            # "Open on a date" and the monthly cohort series scan by dates and type.
            models.Index(fields=["start_date", "end_date"], name="placement_dates_idx"),
            models.Index(fields=["provision_type", "start_date"], name="placement_type_idx"),
        ]

    def __str__(self) -> str:
        return self.ref


class Comparator(AuditedModel):
    """Something a saving can be compared with ("one fully funded hourly bus route")."""

    name = models.CharField(max_length=120, unique=True)
    plural = models.CharField(max_length=120, blank=True)
    annual_cost_pence = models.BigIntegerField(validators=[PenceBound()], help_text="pence")
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(annual_cost_pence__gt=0), name="comparator_cost_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PlacementDecision(AuditedModel):
    """A panel's decision on a child's placement, with the saving against the alternative.

    `saving_pence` = the annual cost of the cheapest other suitable option minus the chosen
    option's annual cost (negative when a dearer option was chosen); kept by the service.
    """

    panel_date = models.DateField()
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="decisions")
    saving_pence = models.BigIntegerField(default=0, help_text="pence")
    notes = models.CharField(max_length=FREE_TEXT_MAX_LENGTH, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["panel_date", "id"]
        indexes = [models.Index(fields=["panel_date"], name="decision_panel_idx")]

    def __str__(self) -> str:
        return f"Panel {self.panel_date} for {self.child_id}"

    def get_absolute_url(self) -> str:
        return reverse("placements:decision", args=[self.pk])

    def alternative(self) -> PlacementOption | None:
        """The cheapest other suitable option: what the saving is measured against."""
        others = [o for o in self.options.all() if o.suitable and not o.chosen]
        return min(others, key=lambda o: o.annual_cost_pence, default=None)

    def chosen_option(self) -> PlacementOption | None:
        return next((o for o in self.options.all() if o.chosen), None)

class PlacementOption(models.Model):
    """One option a panel considered, with its annual cost; exactly one is chosen."""

    decision = models.ForeignKey(
        PlacementDecision, on_delete=models.CASCADE, related_name="options"
    )
    description = models.CharField(max_length=200)
    provision_type = models.CharField(max_length=32, choices=ProvisionType.choices)
    annual_cost_pence = models.BigIntegerField(validators=[PenceBound()], help_text="pence")
    suitable = models.BooleanField(default=True)
    chosen = models.BooleanField(default=False)

    class Meta:
        ordering = ["decision", "annual_cost_pence"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision"], condition=Q(chosen=True), name="option_one_chosen"
            ),
            models.CheckConstraint(
                condition=Q(annual_cost_pence__gte=0), name="option_cost_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.description


class Invoice(AuditedModel):
    """A provider's invoice for a placement's service period."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        PAID = "paid", "Paid"
        VOID = "void", "Void"

    # Unique by a constraint rather than unique=True, which on PostgreSQL also builds a second
    # (LIKE-prefix) index that no query uses and every imported row writes.
    ref = models.CharField(max_length=40, validators=[ref_validator])
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="invoices")
    # No index of its own: invoice_placement_idx starts with it, and each index costs imports.
    placement = models.ForeignKey(
        Placement, on_delete=models.PROTECT, related_name="invoices", db_index=False
    )
    period_start = models.DateField()
    period_end = models.DateField()
    amount_pence = models.BigIntegerField(validators=[PenceBound()], help_text="pence")
    paid_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    # The history table keeps the indexes its readers use (id for an invoice's history,
    # history_date and history_user_id for the audit trail). No query filters it by ref,
    # provider, placement or created/updated by, and those indexes would cost nearly half of
    # the history INSERT of a large invoice import: they are not built. Its history_user, like
    # the history's created_by and updated_by (simple-history never constrains those), is not
    # a database foreign key: the check of each history row at commit was a tenth of a
    # 100,000-row import. Django still clears it if a user is deleted (on_delete SET_NULL),
    # and only the import and simple-history write it, with the signed-in user.
    history = HistoricalRecords(
        no_db_index=["ref", "provider", "placement", "created_by", "updated_by"],
        user_db_constraint=False,
    )

    class Meta:
        ordering = ["period_start", "ref"]
        constraints = [
            models.UniqueConstraint(fields=["ref"], name="invoice_ref_unique"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="invoice_period_order"
            ),
            models.CheckConstraint(
                condition=Q(amount_pence__gte=0), name="invoice_amount_positive"
            ),
            models.CheckConstraint(
                condition=pence_bound_check("amount_pence"), name="invoice_amount_bound"
            ),
        ]
        indexes = [
            # The duplicate check joins invoices of one placement on overlapping periods.
            models.Index(
                fields=["placement", "period_start", "period_end"], name="invoice_placement_idx"
            ),
            models.Index(fields=["paid_date"], name="invoice_paid_idx"),
            # The invoice list (API and pages) pages through them in this order: without it,
            # each page of 50 sorts all 600,000 rows of a county (400 ms).
            models.Index(fields=["period_start", "ref", "id"], name="invoice_list_order_idx"),
        ]

    def __str__(self) -> str:
        return self.ref


class OverpaymentFlag(models.Model):
    """An invoice an overpayment rule caught, and what a finance officer decided about it."""

    class Rule(models.TextChoices):
        AFTER_END = "after_end", "Paid for a period after the placement ended"
        DUPLICATE = "duplicate", "Duplicate of an earlier invoice"
        ABOVE_RATE = "above_rate", "Above the placement's cost for the period"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RECOVERED = "recovered", "Recovered"
        VALID = "valid", "Valid (no overpayment)"
        WRITTEN_OFF = "written_off", "Written off"

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="flags")
    rule = models.CharField(max_length=12, choices=Rule.choices)
    amount_pence = models.BigIntegerField(help_text="pence: the amount thought overpaid")
    detail = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    note = models.CharField(max_length=FREE_TEXT_MAX_LENGTH, blank=True)
    found_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-found_at", "id"]
        constraints = [
            # A second scan finds the same invoice again and must not flag it twice.
            models.UniqueConstraint(fields=["invoice", "rule"], name="flag_invoice_rule"),
        ]
        indexes = [
            models.Index(fields=["status", "rule"], name="flag_status_idx"),
            # The review queue's order within an outcome: a page of flags is read from the
            # index and only its rows are joined to their invoices (not every open flag).
            models.Index(fields=["status", "-found_at", "id"], name="flag_queue_order_idx"),
        ]

    def __str__(self) -> str:
        return f"invoice {self.invoice}, {self.get_rule_display().lower()}"

    def get_absolute_url(self) -> str:
        return reverse("placements:overpayment_review", args=[self.pk])

class OverpaymentScan(models.Model):
    """One run of the overpayment checks: when, and how many new flags each rule raised."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    flags_created = models.JSONField(default=dict)

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "started_at"

    def __str__(self) -> str:
        return f"Overpayment scan at {self.started_at:%Y-%m-%d %H:%M}"


# ---- Published statistics (the DfE's "Education, health and care plans" release) -------------


class PublishedRelease(AuditedModel):
    """One DfE release of the EHC plan statistics (its reporting year), and the import that
    last brought it in: with it, each published figure says where it came from."""

    reporting_year = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=200)
    import_record = models.ForeignKey(
        "send_tracker.ImportRecord", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reporting_year"]

    def __str__(self) -> str:
        return f"{self.title} {self.reporting_year}"


class PublishedFigure(AuditedModel):
    """One published value: a measure (placements.benchmarks) for a period and an area.

    `value` is null where the release has no figure (x, c, z or blank): never zero. No per-row
    history (a release is ~20,000 figures): the release and its import identify every value.
    """

    release = models.ForeignKey(PublishedRelease, on_delete=models.PROTECT, related_name="+")
    measure = models.CharField(max_length=40)
    # As the release codes it: 202425 (academic year, January 2025) or 2024 (calendar year).
    time_period = models.CharField(max_length=6)
    geographic_level = models.CharField(max_length=20)
    area_code = models.CharField(max_length=9)
    area_name = models.CharField(max_length=100)
    region_code = models.CharField(max_length=9, blank=True)
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "time_period", "area_code"], name="published_figure_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.time_period} {self.area_code}: {self.value}"


class StatisticalNeighbour(AuditedModel):
    """The DfE's statistical neighbours table as imported: each authority's ten, closest first.

    Names as that table spells them; matched to the release's codes by a normalised name."""

    la_name = models.CharField(max_length=100)
    rank = models.PositiveSmallIntegerField()
    neighbour_name = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["la_name", "rank"], name="statistical_neighbour_key")
        ]

    def __str__(self) -> str:
        return f"{self.la_name} #{self.rank}: {self.neighbour_name}"


class ComparatorMember(AuditedModel):
    """A local authority in the council's comparator group, as a programme manager set it.

    With no rows, the group is the council's statistical neighbours."""

    area_code = models.CharField(max_length=9, unique=True)
    area_name = models.CharField(max_length=100)
    rank = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["rank", "area_name"]

    def __str__(self) -> str:
        return f"{self.area_name} ({self.area_code})"
