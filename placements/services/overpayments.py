"""Overpayment checks: three set-based rules that flag invoices, and the review of each flag.

Each rule is one `INSERT … SELECT … ON CONFLICT DO NOTHING`: the database compares every
invoice at once, and the unique (invoice, rule) constraint makes a second run add nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from placements.models import Invoice, OverpaymentFlag, OverpaymentScan, Placement

# Above-rate tolerance: an invoice is flagged when it exceeds the placement's cost for the
# period by more than the larger of these (rounding and small uplifts are not overpayments).
TOLERANCE_PCT = getattr(settings, "OVERPAYMENT_TOLERANCE_PCT", 2)
TOLERANCE_PENCE = getattr(settings, "OVERPAYMENT_TOLERANCE_PENCE", 5_000)

_FLAG_COLUMNS = "(invoice_id, rule, amount_pence, detail, status, note, found_at)"


def _tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    return {
        "flag": quote(OverpaymentFlag._meta.db_table),
        "invoice": quote(Invoice._meta.db_table),
        "placement": quote(Placement._meta.db_table),
    }


# Paid for days after the placement ended: the share of the invoice for those days.
_AFTER_END = """
INSERT INTO {flag} {columns}
SELECT i.id, 'after_end',
       CASE WHEN i.period_start > p.end_date THEN i.amount_pence
            ELSE round(i.amount_pence::numeric * (i.period_end - p.end_date)
                       / (i.period_end - i.period_start + 1)) END,
       'Placement ended ' || to_char(p.end_date, 'DD/MM/YYYY') || '; invoice runs to '
           || to_char(i.period_end, 'DD/MM/YYYY'),
       'open', '', %(now)s
FROM {invoice} i JOIN {placement} p ON p.id = i.placement_id
WHERE p.end_date IS NOT NULL AND i.period_end > p.end_date
  AND i.paid_date IS NOT NULL AND i.status <> 'void'
ON CONFLICT (invoice_id, rule) DO NOTHING
"""

# An invoice whose period starts before an earlier invoice for the same provider and placement
# has ended (earlier = earlier start, or the same start and recorded first). A running maximum
# of period ends over the placement's invoices finds every overlap in one ordered pass, instead
# of comparing every pair of a placement's invoices.
_DUPLICATE = """
INSERT INTO {flag} {columns}
SELECT o.id, 'duplicate', o.amount_pence,
       'Overlaps an earlier invoice for this placement that runs to '
           || to_char(o.covered_to, 'DD/MM/YYYY'),
       'open', '', %(now)s
FROM (
  SELECT i.id, i.amount_pence, i.period_start,
         max(i.period_end) OVER (
           PARTITION BY i.provider_id, i.placement_id ORDER BY i.period_start, i.id
           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
         ) AS covered_to
  FROM {invoice} i
  WHERE i.status <> 'void'
) o
WHERE o.period_start <= o.covered_to
ON CONFLICT (invoice_id, rule) DO NOTHING
"""

# The placement's cost for the period: whole calendar months at a twelfth of the annual cost
# each (how providers invoice), any other span pro rata by days over 365.
_ABOVE_RATE = """
INSERT INTO {flag} {columns}
SELECT e.id, 'above_rate', e.amount_pence - round(e.expected),
       'Expected about £' || to_char(round(e.expected) / 100.0, 'FM999,999,990.00')
           || ' for the period',
       'open', '', %(now)s
FROM (
  SELECT i.id, i.amount_pence,
         CASE WHEN extract(day FROM i.period_start) = 1 AND extract(day FROM i.period_end + 1) = 1
              THEN p.annual_cost_pence::numeric
                   * ((extract(year FROM i.period_end + 1) - extract(year FROM i.period_start)) * 12
                      + extract(month FROM i.period_end + 1) - extract(month FROM i.period_start))
                   / 12
              ELSE p.annual_cost_pence::numeric * (i.period_end - i.period_start + 1) / 365
         END AS expected
  FROM {invoice} i JOIN {placement} p ON p.id = i.placement_id
  WHERE i.status <> 'void'
) e
WHERE e.amount_pence - e.expected
      > GREATEST(e.expected * %(tolerance_pct)s / 100, %(tolerance_pence)s)
ON CONFLICT (invoice_id, rule) DO NOTHING
"""

RULES = {
    OverpaymentFlag.Rule.AFTER_END.value: _AFTER_END,
    OverpaymentFlag.Rule.DUPLICATE.value: _DUPLICATE,
    OverpaymentFlag.Rule.ABOVE_RATE.value: _ABOVE_RATE,
}


@transaction.atomic
def overpayment_scan(*, now: dt.datetime | None = None) -> OverpaymentScan:
    """Run every rule over all invoices; flags already raised are left as they are."""
    now = now or timezone.now()
    scan = OverpaymentScan.objects.create(started_at=now)
    params = {
        "now": now,
        "tolerance_pct": TOLERANCE_PCT,
        "tolerance_pence": TOLERANCE_PENCE,
    }
    created: dict[str, int] = {}
    with connection.cursor() as cursor:
        for rule, sql in RULES.items():
            # Only our own table names are formatted in; values go as parameters.
            cursor.execute(sql.format(columns=_FLAG_COLUMNS, **_tables()), params)  # noqa: S608
            created[rule] = cursor.rowcount
    scan.flags_created = created
    scan.finished_at = timezone.now()
    scan.save(update_fields=["flags_created", "finished_at"])
    return scan


def flag_version(flag: OverpaymentFlag) -> str:
    """What a review form carries to detect a later review: the last review's time."""
    return flag.reviewed_at.isoformat() if flag.reviewed_at else "never"


REVIEW_OUTCOMES = (
    OverpaymentFlag.Status.RECOVERED,
    OverpaymentFlag.Status.VALID,
    OverpaymentFlag.Status.WRITTEN_OFF,
)


@transaction.atomic
def overpayment_flag_review(
    *,
    flag: OverpaymentFlag,
    status: str,
    note: str,
    user: Any,
    read_version: str | None = None,
) -> OverpaymentFlag:
    """Record a finance officer's outcome for a flag: recovered, valid or written off.

    `read_version` is the flag's `version` when the form was opened: if someone has recorded an
    outcome since, the save is refused rather than overwriting theirs.
    """
    if read_version is not None:
        current = OverpaymentFlag.objects.select_for_update().get(pk=flag.pk)
        if flag_version(current) != read_version:
            raise ValidationError(
                "Someone else recorded an outcome for this flag after you opened it. "
                "Read their outcome below, then record yours again if it still applies."
            )
    if status not in {s.value for s in REVIEW_OUTCOMES} | {OverpaymentFlag.Status.OPEN.value}:
        raise ValidationError({"status": "Choose recovered, valid or written off."})
    if status != OverpaymentFlag.Status.OPEN and not note.strip():
        raise ValidationError({"note": "Enter a note saying what was found."})
    flag.status = status
    flag.note = note.strip()
    flag.reviewed_by = user
    flag.reviewed_at = timezone.now()
    flag.full_clean()
    flag.save(update_fields=["status", "note", "reviewed_by", "reviewed_at"])
    return flag


class BulkReviewRefused(ValidationError):
    """A bulk outcome that was not recorded: `rows` maps each refused flag's id to the reason
    (the other rows were fine, and nothing was written for them either)."""

    def __init__(self, message: str, *, rows: dict[int, str] | None = None) -> None:
        super().__init__(message)
        self.rows = rows or {}


@transaction.atomic
def overpayment_flags_review(
    *, flag_ids: list[int], status: str, note: str, user: Any
) -> list[OverpaymentFlag]:
    """Record one outcome, with one note, for several open flags at once: all or none.

    Each chosen flag must still be open (one that someone has reviewed since the page was read
    is refused, with why); a single refused row writes nothing. Each flag's history records the
    user and that it was a bulk outcome, as a review of one flag would.
    """
    if not flag_ids:
        raise ValidationError({"flags": "Select at least one flag."})
    if status not in {s.value for s in REVIEW_OUTCOMES}:
        raise ValidationError({"status": "Choose recovered, valid or written off."})
    if not note.strip():
        raise ValidationError({"note": "Enter a note saying what was found."})
    wanted = sorted(set(flag_ids))
    # Locked in id order, so two bulk outcomes over overlapping rows cannot deadlock.
    flags = {f.pk: f for f in OverpaymentFlag.objects.select_for_update(of=("self",))
             .select_related("invoice").filter(pk__in=wanted).order_by("pk")}
    refused: dict[int, str] = {}
    for pk in wanted:
        flag = flags.get(pk)
        if flag is None:
            refused[pk] = "This flag no longer exists."
        elif flag.status != OverpaymentFlag.Status.OPEN:
            refused[pk] = (f"Invoice {flag.invoice.ref} already has an outcome "
                           f"({flag.get_status_display().lower()}): change it on its own page.")
    if refused:
        raise BulkReviewRefused(
            f"No outcome was recorded: {len(refused)} of the {len(wanted)} selected flags "
            f"cannot take one.", rows=refused)
    now = timezone.now()
    reason = f"Outcome recorded for {len(wanted)} flags at once"
    for pk in wanted:
        flag = flags[pk]
        flag.status, flag.note = status, note.strip()
        flag.reviewed_by, flag.reviewed_at = user, now
        flag.full_clean()
        flag._history_user = user  # the history names the user, whoever calls the service
        flag._change_reason = reason
        flag.save(update_fields=["status", "note", "reviewed_by", "reviewed_at"])
    return [flags[pk] for pk in wanted]
